// provider::cpq::idp_metadata through the plugin service, with arguments msgpack-encoded as
// Terraform sends them: its object return type with list attributes, its results for the IdP
// shapes of test/fixtures/saml/, and its errors for what is not IdP metadata.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cpqProvider } from "../../provider/provider";
import { providersSchemaJson } from "../../provider/schema";
import { ProviderService } from "../../provider/plugin/provider-service";
import { createLogger } from "../../provider/plugin/log";
import { decodeRaw, encodeRaw } from "../../provider/plugin/values";

const fixture = (name: string) =>
  readFileSync(join(__dirname, "..", "fixtures", "saml", name), "utf8");
const service = (): ProviderService =>
  new ProviderService(cpqProvider, { logger: createLogger("test", () => undefined) });
const call = (...args: unknown[]) =>
  service().CallFunction({
    name: "idp_metadata",
    arguments: args.map((a) => ({ msgpack: encodeRaw(a) })),
  });
const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString();

describe("provider::cpq::idp_metadata", () => {
  it("returns an object whose list attributes are list(string) in the plugin schema and the schema JSON", async () => {
    const schema = await service().GetProviderSchema();
    const f = schema.functions?.idp_metadata;
    expect(f).toBeDefined();
    const ret = JSON.parse(text(f!.return!.type)) as [string, Record<string, unknown>];
    expect(ret[0]).toBe("object");
    expect(ret[1].saml_idp_url).toBe("string");
    expect(ret[1].signing_certificates).toEqual(["list", "string"]);
    expect(ret[1].single_logout_urls).toEqual(["list", "string"]);
    const json = Object.values(providersSchemaJson().provider_schemas)[0]!.functions.idp_metadata!;
    expect(json.return_type).toEqual(ret);
    // The certificate function's result: strings only (subject, fingerprint, expiry, and the
    // certificate as PEM and as base64 DER).
    expect(
      Object.values(
        (JSON.parse(text(schema.functions!.certificate!.return!.type)) as [string, object])[1],
      ),
    ).toEqual(["string", "string", "string", "string", "string"]);
  });

  it("reads Entra ID's metadata: the redirect URL, both signing certificates, the first held, and a rollover warning", async () => {
    const r = await call(fixture("entra-id-federation-metadata.xml"));
    expect(r.error).toBeUndefined();
    const v = decodeRaw(r.result!.msgpack!) as Record<string, unknown>;
    expect(v.saml_idp_url).toBe(
      "https://login.microsoftonline.com/00000000-0000-4000-8000-00000000c0de/saml2",
    );
    expect(v.saml_idp_url_binding).toBe("HTTP-Redirect");
    expect(v.signing_certificates).toHaveLength(2);
    expect(v.id_provider_certificate).toBe((v.signing_certificates as string[])[0]);
    expect(v.certificate_subject).toBe("CN=idp.example.com, O=Example IdP");
    expect(v.rollover_warning).toMatch(/2 signing certificates \(a rollover in progress\)/);
    expect(v.rollover_warning).toContain((v.signing_certificate_fingerprints as string[])[1]);
    expect(v.saml_single_logout_endpoint).toBe(v.saml_idp_url);
    // No ResponseLocation: the logout response goes to the same location.
    expect(v.saml_single_logout_response_endpoint).toBe(v.saml_idp_url);
  });

  it("gives null logout endpoints and empty lists where Okta's metadata has none, and no rollover warning", async () => {
    const r = await call(fixture("okta-idp-metadata.xml"));
    const v = decodeRaw(r.result!.msgpack!) as Record<string, unknown>;
    expect(v.saml_single_logout_endpoint).toBeNull();
    expect(v.saml_single_logout_response_endpoint).toBeNull();
    expect(v.single_logout_urls).toEqual([]);
    expect(v.rollover_warning).toBe("");
    expect(v.entity_id).toBe("http://www.okta.com/exk1test0cpq0sso0x7");
  });

  it("takes the response location of an OCI IAM identity domain's logout service", async () => {
    const r = await call(fixture("oci-iam-identity-domain-metadata.xml"));
    const v = decodeRaw(r.result!.msgpack!) as Record<string, unknown>;
    expect(v.saml_single_logout_endpoint).toMatch(/\/fed\/v1\/idp\/slo$/);
    expect(v.saml_single_logout_response_endpoint).toMatch(/\/fed\/v1\/idp\/slo\/response$/);
    expect(v.single_logout_urls).toHaveLength(2);
  });

  it.each([
    ["a DOCTYPE", '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', /DOCTYPE or ENTITY declaration/],
    ["a web page", "<html><body>sign in</body></html>", /root element is <html>/],
    [
      "a service provider's metadata",
      fixture("okta-idp-metadata.xml").replace(/IDPSSODescriptor/g, "SPSSODescriptor"),
      /no md:IDPSSODescriptor/,
    ],
  ])("is an error on its argument for %s", async (_name, xml, message) => {
    const r = await call(xml);
    expect(r.result).toBeUndefined();
    expect(r.error?.functionArgument).toBe(0);
    expect(r.error?.text).toMatch(message);
    expect(r.error?.text).not.toMatch(/\.$/);
  });

  it("is an error for a value that is not a string", async () => {
    const r = await call(42);
    expect(r.error?.text).toBe("it must be a string holding SAML metadata XML");
  });
});
