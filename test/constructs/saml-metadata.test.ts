// The constructs' two halves of SAML: SsoConfiguration's idpMetadata (read at synth, the props it
// fills, the rollover warning at synth and as a check block for every plan, errors naming the
// construct), readIdpMetadata, and ServiceProviderMetadata's data source and outputs.
import { Fn } from "cdktf";
import { ServiceProviderMetadata, SsoConfiguration, readIdpMetadata } from "../../constructs";
import { serviceProviderMetadataExample } from "../../examples/data-sources/cpq_service_provider_metadata/construct";
import { fixture, newStack, synthJson, validationError, warnings } from "./helpers";

const okta = fixture("saml/okta-idp-metadata.xml");
const entra = fixture("saml/entra-id-federation-metadata.xml");
const oci = fixture("saml/oci-iam-identity-domain-metadata.xml");
const pem = (name: string) => fixture(name).replace(/\r?\n/g, "\n");

/** The synthesized cpq_sso_configuration of the stack. */
const ssoOf = (json: Record<string, Record<string, unknown>>) =>
  Object.values(
    (json.resource as Record<string, Record<string, Record<string, unknown>>>)
      .cpq_sso_configuration!,
  )[0]!;

describe("SsoConfiguration with idpMetadata", () => {
  it("takes the sign-on URL and signing certificate from Okta's metadata, and no logout it does not have", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", {
      ssoMethod: "Federated Authentication",
      idpMetadata: okta,
    });
    expect(validationError(stack)).toBeUndefined();
    const sso = ssoOf(synthJson(stack));
    expect(sso.saml_idp_url).toBe(
      "https://example.okta.com/app/example_cpq_1/exk1test0cpq0sso0x7/sso/saml",
    );
    expect(sso.id_provider_certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(sso).not.toHaveProperty("saml_single_logout_endpoint");
    expect(warnings(stack)).toEqual([]);
    expect(synthJson(stack)).not.toHaveProperty("check");
  });

  it("takes both logout endpoints from an OCI IAM identity domain's metadata", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", { idpMetadata: oci });
    const sso = ssoOf(synthJson(stack));
    expect(sso.saml_single_logout_endpoint).toMatch(/\/fed\/v1\/idp\/slo$/);
    expect(sso.saml_single_logout_response_endpoint).toMatch(/\/fed\/v1\/idp\/slo\/response$/);
  });

  it("warns of a rollover (two signing certificates) at synth and with a check block that warns in every plan", () => {
    const stack = newStack();
    const sso = new SsoConfiguration(stack, "sso", {
      ssoMethod: "Federated Authentication",
      idpMetadata: entra,
    });
    expect(validationError(stack)).toBeUndefined();
    const [warning] = warnings(stack);
    expect(warning).toMatch(
      /^idProviderCertificate \(id_provider_certificate\): The identity provider metadata holds 2 signing certificates/,
    );
    // In the constructs' words, how to take the other one.
    expect(warning).toContain(
      "set idProviderCertificate to it (readIdpMetadata(xml).signingCertificates[1].pem)",
    );
    const json = synthJson(stack);
    const checks = Object.values(json.check as Record<string, { assert: unknown[] }>);
    expect(checks).toEqual([
      {
        assert: [{ condition: false, error_message: sso.idpMetadata!.rolloverWarning }],
      },
    ]);
    expect(ssoOf(json).id_provider_certificate).toBe(sso.idpMetadata!.signingCertificates[0]!.pem);
  });

  it("lets a prop set win over the metadata: the new certificate of a rollover, chosen, warns no more", () => {
    const stack = newStack();
    const second = readIdpMetadata(entra).signingCertificates[1]!;
    new SsoConfiguration(stack, "sso", {
      idpMetadata: entra,
      idProviderCertificate: second.pem,
      samlIdpUrl: "https://login.example.com/override",
    });
    const sso = ssoOf(synthJson(stack));
    expect(sso.id_provider_certificate).toBe(second.pem);
    expect(sso.saml_idp_url).toBe("https://login.example.com/override");
    expect(warnings(stack)).toEqual([]);
    expect(synthJson(stack)).not.toHaveProperty("check");
    expect(second.subject).toBe("CN=idp2.example.com, O=Example IdP");
    expect(pem("idp-cert-next.pem").replace(/\s/g, "")).toBe(second.pem.replace(/\s/g, ""));
  });

  it.each([
    ["a DOCTYPE", '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', /DOCTYPE or ENTITY declaration/],
    ["an HTML page", "<html/>", /root element is <html>/],
    [
      "a service provider's metadata",
      okta.replace(/IDPSSODescriptor/g, "SPSSODescriptor"),
      /no md:IDPSSODescriptor/,
    ],
  ])(
    "fails synth naming the construct and idpMetadata for %s, with that error alone (no follow-on 'required' errors)",
    (_name, xml, message) => {
      const stack = newStack();
      new SsoConfiguration(stack, "sso", {
        ssoMethod: "Federated Authentication",
        idpMetadata: xml,
      });
      const error = validationError(stack);
      expect(error).toMatch(message);
      // The metadata's error is the only one: nothing about the settings it was to give.
      const lines = error!.split("\n").filter((l) => l.includes("[stack/sso]"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/\[stack\/sso\] idpMetadata: the identity provider metadata /);
      expect(error).not.toContain("is required");
      expect(error).not.toContain("id_provider_certificate");
    },
  );

  it("still names a broken prop set beside metadata that could not be read, after the metadata's error", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", {
      ssoMethod: "Federated Authentication",
      idpMetadata: "<html/>",
      samlLogoutUrl: "http://idp.example.com/bye",
    });
    const error = validationError(stack)!;
    const metadataAt = error.indexOf("idpMetadata: the identity provider metadata");
    const logoutAt = error.indexOf("samlLogoutUrl (saml_logout_url)");
    expect(metadataAt).toBeGreaterThanOrEqual(0);
    expect(logoutAt).toBeGreaterThan(metadataAt);
  });
});

describe("readIdpMetadata", () => {
  it("gives the values in SsoConfiguration's prop names", () => {
    const idp = readIdpMetadata(oci);
    expect(idp.entityId).toMatch(/identity\.oraclecloud\.com:443\/fed$/);
    expect(idp.samlIdpUrl).toMatch(/\/fed\/v1\/idp\/sso$/);
    expect(idp.idProviderCertificate).toBe(idp.signingCertificates[0]!.pem);
    expect(idp.rolloverWarning).toBeUndefined();
    expect(idp.nameIdFormats).toHaveLength(2);
  });

  it("refuses a token, saying to read the file at synth", () => {
    expect(() => readIdpMetadata(Fn.file("idp-metadata.xml"))).toThrow(
      /readFileSync\("idp-metadata.xml", "utf8"\)/,
    );
  });
});

describe("ServiceProviderMetadata", () => {
  it("reads the data source and adds the outputs an IdP application takes", () => {
    const stack = newStack();
    const sp = new ServiceProviderMetadata(stack, "cpq_sp");
    const json = synthJson(stack);
    expect(
      Object.keys((json.data as Record<string, object>).cpq_service_provider_metadata!),
    ).toHaveLength(1);
    const outputs = json.output as Record<string, { value: string }>;
    expect(Object.keys(outputs).sort()).toEqual([
      "cpq_sp_acs_url",
      "cpq_sp_entity_id",
      "cpq_sp_signing_certificate",
      "cpq_sp_single_logout_url",
    ]);
    expect(outputs.cpq_sp_acs_url!.value).toMatch(
      /^\$\{data\.cpq_service_provider_metadata\.[\w-]+\.assertion_consumer_service_url\}$/,
    );
    expect(Object.keys(sp.outputs)).toHaveLength(4);
  });

  it("adds no outputs with outputs: false, and names them after outputPrefix", () => {
    const a = newStack();
    new ServiceProviderMetadata(a, "cpq_sp", { outputs: false });
    expect(synthJson(a)).not.toHaveProperty("output");
    const b = newStack();
    new ServiceProviderMetadata(b, "cpq_sp", { outputPrefix: "cpq" });
    expect(Object.keys(synthJson(b).output!)).toContain("cpq_entity_id");
  });
});

describe("the docs page's construct snippet", () => {
  it("cpq_service_provider_metadata: the data source and its four outputs", () => {
    const stack = newStack();
    serviceProviderMetadataExample(stack);
    expect(validationError(stack)).toBeUndefined();
    expect(Object.keys(synthJson(stack).output!).sort()).toEqual([
      "cpq_sp_acs_url",
      "cpq_sp_entity_id",
      "cpq_sp_signing_certificate",
      "cpq_sp_single_logout_url",
    ]);
  });
});
