import { expiresIn } from "../../provider/saml/certificate";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ssoConfigurationResource } from "../../provider/resources/sso-configuration";
import { validateConfiguration } from "../../provider/contract/attributes";
import { parseCertificate } from "../../provider/saml/certificate";
import { UNKNOWN } from "../../provider/contract/types";
import type { Diagnostic } from "../../provider/contract/types";

/** The table's checks and the resource's own, as the plugin and the construct run them. */
const validateSsoConfiguration = (
  config: Record<string, unknown>,
  caps?: { writeOnlyAttributesAllowed: boolean },
  now?: Date,
) => validateConfiguration(ssoConfigurationResource, config, caps, now);

const fixture = (name: string): string =>
  readFileSync(join(__dirname, "..", "fixtures", name), "utf8");
const CERT = fixture("idp-cert.pem");
const EXPIRED = fixture("idp-cert-expired.pem");

const federated = {
  sso_method: "Federated Authentication",
  saml_idp_url: "https://idp.example.com/saml2/sso",
  id_provider_certificate: CERT,
};

const errors = (d: Diagnostic[]) => d.filter((x) => x.severity === "error");
const warnings = (d: Diagnostic[]) => d.filter((x) => x.severity === "warning");
const paths = (d: Diagnostic[]) => d.map((x) => (x.path ?? []).join("."));

describe("SSO configuration validation", () => {
  it("accepts a complete federated configuration without errors or warnings", () => {
    expect(validateSsoConfiguration(federated)).toEqual([]);
  });

  it("refuses an sso_method outside CPQ's four values and lists them", () => {
    const d = errors(validateSsoConfiguration({ sso_method: "SAML" }));
    expect(paths(d)).toEqual(["sso_method"]);
    expect(d[0]!.detail).toContain('"Federated and Remote"');
  });

  it("refuses enum values case-sensitively, as CPQ does", () => {
    const d = errors(validateSsoConfiguration({ saml_user_id_type: "AssertionTypeUsername" }));
    expect(paths(d)).toEqual(["saml_user_id_type"]);
  });

  it("refuses a signed-request flag that is not a boolean", () => {
    const d = errors(validateSsoConfiguration({ saml_need_request_signed: "yes" }));
    expect(paths(d)).toEqual(["saml_need_request_signed"]);
    expect(d[0]!.detail).toContain("boolean");
  });

  it("refuses an unknown attribute and suggests the nearest name", () => {
    const d = errors(validateSsoConfiguration({ saml_idp_ur: "https://x" }));
    expect(paths(d)).toEqual(["saml_idp_ur"]);
    expect(d[0]!.detail).toContain('"saml_idp_url"');
  });

  it("refuses setting a computed attribute", () => {
    const d = errors(validateSsoConfiguration({ restart_required: true }));
    expect(paths(d)).toEqual(["restart_required"]);
  });

  it.each(["Federated Authentication", "Federated and Remote"])(
    "requires the IdP URL and certificate with the %s method",
    (method) => {
      const d = errors(validateSsoConfiguration({ sso_method: method }));
      expect(paths(d).sort()).toEqual(["id_provider_certificate", "saml_idp_url"]);
      expect(d[0]!.summary).toContain(method);
    },
  );

  it("does not require the IdP settings for Remote Webservices", () => {
    expect(errors(validateSsoConfiguration({ sso_method: "Remote Webservices" }))).toEqual([]);
  });

  it("requires saml_attribute_name with idLocationAttribute", () => {
    const d = errors(validateSsoConfiguration({ saml_user_id_location: "idLocationAttribute" }));
    expect(paths(d)).toEqual(["saml_attribute_name"]);
  });

  it("requires the keystore and both passwords for signed requests, in either form", () => {
    const d = errors(validateSsoConfiguration({ saml_need_request_signed: true }));
    expect(paths(d).sort()).toEqual([
      "saml_key_pass_wo",
      "saml_request_keystore",
      "saml_store_pass_wo",
    ]);
    const ok = validateSsoConfiguration({
      saml_need_request_signed: true,
      saml_request_keystore: "a2V5c3RvcmU=",
      saml_store_pass: "s",
      saml_key_pass_wo: "k",
    });
    expect(errors(ok)).toEqual([]);
  });

  it("refuses a password given both as sensitive and as write-only", () => {
    const d = errors(validateSsoConfiguration({ saml_store_pass: "a", saml_store_pass_wo: "b" }));
    expect(paths(d)).toEqual(["saml_store_pass_wo"]);
  });

  it("refuses a write-only version without the write-only value", () => {
    const d = errors(validateSsoConfiguration({ saml_key_pass_wo_version: 2 }));
    expect(paths(d)).toEqual(["saml_key_pass_wo_version"]);
  });

  it("refuses write-only secrets when Terraform cannot handle them", () => {
    const d = errors(
      validateSsoConfiguration({ saml_key_pass_wo: "k" }, { writeOnlyAttributesAllowed: false }),
    );
    expect(d[0]!.summary).toContain("Terraform 1.11");
  });

  it("skips cross-field rules on values that are not known yet", () => {
    const d = validateSsoConfiguration({
      sso_method: "Federated and Remote",
      saml_idp_url: UNKNOWN,
      id_provider_certificate: UNKNOWN,
      saml_user_id_location: UNKNOWN,
    });
    expect(d).toEqual([]);
  });

  it.each([
    "saml_idp_url",
    "saml_issuer_url",
    "saml_logout_url",
    "saml_single_logout_endpoint",
    "saml_single_logout_response_endpoint",
  ])("refuses a plain http %s under a federated method, naming it and the fix", (attribute) => {
    const d = validateSsoConfiguration({ ...federated, [attribute]: "http://idp.example.com/x" });
    expect(paths(errors(d))).toEqual([attribute]);
    expect(errors(d)[0]!.summary).toBe(`"${attribute}" is plain http: it must be an https URL`);
    expect(errors(d)[0]!.detail).toContain("https://idp.example.com/saml2/sso");
    expect(errors(d)[0]!.detail).toContain("loopback");
  });

  it("refuses URL settings that are not absolute URLs or use another protocol", () => {
    const d = validateSsoConfiguration({
      ...federated,
      saml_idp_url: "identity provided url value",
      saml_logout_url: "ftp://idp.example.com/logout",
    });
    expect(paths(errors(d)).sort()).toEqual(["saml_idp_url", "saml_logout_url"]);
    expect(errors(d).map((x) => x.summary)).toEqual([
      '"saml_idp_url" is not an absolute URL: it must be an https URL',
      '"saml_logout_url" uses ftp, not https: it must be an https URL',
    ]);
  });

  it("accepts plain http to a loopback host, for a lab identity provider", () => {
    for (const url of ["http://localhost:8080/sso", "http://127.0.0.1/sso", "http://[::1]/sso"]) {
      expect(validateSsoConfiguration({ ...federated, saml_idp_url: url })).toEqual([]);
    }
  });

  it("refuses a certificate that does not parse, naming the attribute and the forms it takes", () => {
    const d = validateSsoConfiguration({
      ...federated,
      id_provider_certificate: "base64encodecertvalue",
    });
    expect(paths(errors(d))).toEqual(["id_provider_certificate"]);
    expect(errors(d)[0]!.summary).toBe('"id_provider_certificate" is not an X.509 certificate');
    expect(errors(d)[0]!.detail).toContain('With sso_method "Federated Authentication"');
    expect(errors(d)[0]!.detail).toContain("PEM");
  });

  it("refuses a broken certificate and http URL when sso_method is left to the site, which may be federated", () => {
    const d = validateSsoConfiguration({
      saml_idp_url: "http://idp.example.com/sso",
      id_provider_certificate: "not a certificate",
    });
    expect(paths(errors(d)).sort()).toEqual(["id_provider_certificate", "saml_idp_url"]);
    expect(errors(d)[0]!.detail).toContain("sso_method is not set");
    expect(errors(d)[0]!.detail).toContain('set sso_method to "None" or "Remote Webservices"');
  });

  it.each(["None", "Remote Webservices"])(
    "only warns about a broken certificate and http URLs under %s, which does not use them",
    (method) => {
      const d = validateSsoConfiguration({
        sso_method: method,
        saml_idp_url: "http://idp.example.com/sso",
        id_provider_certificate: "base64encodecertvalue",
      });
      expect(errors(d)).toEqual([]);
      expect(paths(warnings(d)).sort()).toEqual(["id_provider_certificate", "saml_idp_url"]);
      expect(warnings(d)[0]!.detail).toContain(`sso_method "${method}" does not use it`);
    },
  );

  it("refuses Oracle's sample request body: its placeholder certificate and URLs would break every login", () => {
    const d = validateSsoConfiguration({
      sso_method: "Federated and Remote",
      saml_issuer_url: "BigMachines Issuer URL value",
      id_provider_certificate: "base64encodecertvalue",
      saml_idp_url: "identity provided url value",
      saml_logout_url: "logout url",
      saml_single_logout_endpoint: "logout endpoint",
      saml_single_logout_response_endpoint: "logout response endpoint",
    });
    expect(paths(errors(d)).sort()).toEqual([
      "id_provider_certificate",
      "saml_idp_url",
      "saml_issuer_url",
      "saml_logout_url",
      "saml_single_logout_endpoint",
      "saml_single_logout_response_endpoint",
    ]);
  });

  it("words an expired certificate as the outage it is, as a warning", () => {
    const all = validateSsoConfiguration({ ...federated, id_provider_certificate: EXPIRED });
    expect(errors(all)).toEqual([]);
    const d = warnings(all);
    expect(d[0]!.summary).toContain("expired on 2021-01-01T00:00:00Z");
    expect(d[0]!.detail).toContain("failing now");
  });

  it("warns when the certificate expires within 30 days", () => {
    const notAfter = Date.parse(parseCertificate(CERT)!.notAfter);
    const tenDaysBefore = new Date(notAfter - 10 * 24 * 3600 * 1000 - 1000);
    const all = validateSsoConfiguration(federated, undefined, tenDaysBefore);
    expect(errors(all)).toEqual([]);
    const d = warnings(all);
    expect(d[0]!.summary).toContain("expires in 10 days");
  });
});

describe("certificate parsing", () => {
  it("reads PEM and base64 DER alike", () => {
    const pem = parseCertificate(CERT)!;
    const der = CERT.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    expect(parseCertificate(der)).toEqual(pem);
    expect(pem.subject).toContain("CN=idp.example.com");
    expect(pem.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("returns nothing for placeholder text", () => {
    expect(parseCertificate("base64encodecertvalue")).toBeUndefined();
  });
});

describe("how long a certificate has left, in words", () => {
  it("says 10 days for a 10-day certificate read a minute after it was made, and 'within a day' at the end", () => {
    const day = 86_400_000;
    expect(expiresIn(10 * day - 60_000)).toBe("in 10 days");
    expect(expiresIn(day)).toBe("in 1 day");
    expect(expiresIn(2 * 3_600_000)).toBe("within a day");
  });
});
