// provider::cpq::idp_metadata_with_certificate through the plugin service, with arguments
// msgpack-encoded as Terraform sends them: Shibboleth-shaped metadata (two permanent signing keys,
// test/fixtures/saml/shibboleth-idp-metadata.xml) with the front-channel key chosen by its
// fingerprint, and the errors for a fingerprint the metadata does not hold.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cpqProvider } from "../../provider/provider";
import { ProviderService } from "../../provider/plugin/provider-service";
import { createLogger } from "../../provider/plugin/log";
import { decodeRaw, encodeRaw } from "../../provider/plugin/values";

const SHIBBOLETH = readFileSync(
  join(__dirname, "..", "fixtures", "saml", "shibboleth-idp-metadata.xml"),
  "utf8",
);
const service = (): ProviderService =>
  new ProviderService(cpqProvider, { logger: createLogger("test", () => undefined) });
const call = async (name: string, ...args: unknown[]) => {
  const r = await service().CallFunction({
    name,
    arguments: args.map((a) => ({ msgpack: encodeRaw(a) })),
  });
  return {
    error: r.error ?? undefined,
    value: r.result?.msgpack ? (decodeRaw(r.result.msgpack) as Record<string, unknown>) : undefined,
  };
};

describe("provider::cpq::idp_metadata_with_certificate", () => {
  it("holds the chosen front-channel key of Shibboleth metadata, with no warning left for the check block", async () => {
    const plain = (await call("idp_metadata", SHIBBOLETH)).value!;
    expect(plain.signing_certificates_kind).toBe("several_keys");
    expect(plain.rollover_warning).toContain("not a rollover");
    const [backChannel, frontChannel] = plain.signing_certificate_fingerprints as string[];
    expect(plain.certificate_sha256_fingerprint).toBe(backChannel);

    const chosen = (await call("idp_metadata_with_certificate", SHIBBOLETH, frontChannel)).value!;
    expect(chosen.certificate_sha256_fingerprint).toBe(frontChannel);
    expect(chosen.id_provider_certificate).toBe((plain.signing_certificates as string[])[1]);
    expect(chosen.rollover_warning).toBe("");
    expect(chosen.signing_certificates_kind).toBe("several_keys");
    // Everything else is idp_metadata's.
    for (const k of ["entity_id", "saml_idp_url", "signing_certificates", "name_id_formats"]) {
      expect(chosen[k]).toEqual(plain[k]);
    }
  });

  it("takes the fingerprint in lower case and without colons", async () => {
    const plain = (await call("idp_metadata", SHIBBOLETH)).value!;
    const front = (plain.signing_certificate_fingerprints as string[])[1]!;
    const r = await call(
      "idp_metadata_with_certificate",
      SHIBBOLETH,
      front.replace(/:/g, "").toLowerCase(),
    );
    expect(r.value!.certificate_sha256_fingerprint).toBe(front);
  });

  it("fails on the fingerprint argument, naming the certificates there are, when the metadata no longer holds the chosen key", async () => {
    const plain = (await call("idp_metadata", SHIBBOLETH)).value!;
    const r = await call("idp_metadata_with_certificate", SHIBBOLETH, "AB".repeat(32));
    expect(r.value).toBeUndefined();
    expect(r.error?.functionArgument).toBe(1);
    expect(r.error?.text).toContain("holds no signing certificate with the SHA-256 fingerprint");
    for (const fp of plain.signing_certificate_fingerprints as string[]) {
      expect(r.error?.text).toContain(fp);
    }
  });

  it("fails on the xml argument when the text is not metadata", async () => {
    const r = await call("idp_metadata_with_certificate", "<html/>", "AB".repeat(32));
    expect(r.error?.functionArgument).toBe(0);
    expect(r.error?.text).toContain("is not SAML 2.0 metadata");
  });
});
