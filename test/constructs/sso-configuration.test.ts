import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import type { SsoMethod } from "../../constructs";
import { CpqProvider, SsoConfiguration, sensitiveVariable, storedInState } from "../../constructs";
import { fixture, newStack, resolveIn, synthJson, validationError, warnings } from "./helpers";

const CERT = fixture("idp-cert.pem");

function ssoResource(json: Record<string, Record<string, unknown>>, name = "sso") {
  const resources = json.resource?.cpq_sso_configuration as Record<string, unknown> | undefined;
  return resources?.[name] as Record<string, unknown> | undefined;
}

describe("SsoConfiguration", () => {
  it("maps typed props to the snake_case attributes of cpq_sso_configuration", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", {
      ssoMethod: "Federated Authentication",
      samlIdpUrl: "https://idp.example.com/sso",
      samlIssuerUrl: "https://acme.bigmachines.com",
      idProviderCertificate: CERT,
      samlNeedRequestSigned: false,
      requestedNameIdentifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
      samlLogoutUrl: "https://idp.example.com/logout",
      samlSingleLogoutEndpoint: "https://idp.example.com/slo",
      samlSingleLogoutResponseEndpoint: "https://idp.example.com/slo/response",
      samlUserIdType: "assertionTypeExternal",
      samlUserIdLocation: "idLocationAttribute",
      samlAttributeName: "employeeNumber",
      destroyBehavior: "disable",
    });
    expect(ssoResource(synthJson(stack))).toEqual({
      sso_method: "Federated Authentication",
      saml_idp_url: "https://idp.example.com/sso",
      saml_issuer_url: "https://acme.bigmachines.com",
      id_provider_certificate: CERT,
      saml_need_request_signed: false,
      requested_name_identifier_format: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
      saml_logout_url: "https://idp.example.com/logout",
      saml_single_logout_endpoint: "https://idp.example.com/slo",
      saml_single_logout_response_endpoint: "https://idp.example.com/slo/response",
      saml_user_id_type: "assertionTypeExternal",
      saml_user_id_location: "idLocationAttribute",
      saml_attribute_name: "employeeNumber",
      destroy_behavior: "disable",
    });
    expect(validationError(stack)).toBeUndefined();
    expect(warnings(stack)).toEqual([]);
  });

  it("emits only the props that are set, so CPQ settings it does not manage are left alone", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", { samlLogoutUrl: "https://idp.example.com/logout" });
    expect(ssoResource(synthJson(stack))).toEqual({
      saml_logout_url: "https://idp.example.com/logout",
    });
  });

  it("uses the construct id as the Terraform resource name", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "site_sso");
    expect(ssoResource(synthJson(stack), "site_sso")).toBeDefined();
  });

  it("adds a restart_required output named <id>_restart_required, its text form for cdktf deploy's summary, and the pending time beside it", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", { ssoMethod: "None" });
    expect(synthJson(stack).output).toEqual({
      sso_restart_required: {
        description: expect.stringContaining("restart") as unknown,
        value: "${cpq_sso_configuration.sso.restart_required}",
      },
      // cdktf deploy prints a boolean output blank, a string as it is.
      sso_restart_required_text: {
        description: expect.stringContaining("restart") as unknown,
        value: "${tostring(cpq_sso_configuration.sso.restart_required)}",
      },
      sso_restart_pending_since: {
        description: expect.stringContaining("pending") as unknown,
        value: "${cpq_sso_configuration.sso.restart_pending_since}",
      },
    });
  });

  it("names the restart outputs as told by restartRequiredOutputId", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", { restartRequiredOutputId: "cpq_restart" });
    expect(Object.keys(synthJson(stack).output ?? {}).sort()).toEqual([
      "cpq_restart",
      "cpq_restart_pending_since",
      "cpq_restart_text",
    ]);
  });

  it("passes restartDoneAt as restart_done_at, acknowledging the pending restart", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", { restartDoneAt: "2026-12-07T10:00:00Z" });
    expect(ssoResource(synthJson(stack), "sso")?.restart_done_at).toBe("2026-12-07T10:00:00Z");
  });

  it("exposes restartRequired and the certificate facts as references", () => {
    const stack = newStack();
    const sso = new SsoConfiguration(stack, "sso");
    const resolve = (v: unknown): unknown => resolveIn(stack, v);
    expect(resolve(sso.restartRequired)).toBe("${cpq_sso_configuration.sso.restart_required}");
    expect(resolve(sso.certificateNotAfter)).toBe(
      "${cpq_sso_configuration.sso.certificate_not_after}",
    );
    expect(resolve(sso.certificateSha256Fingerprint)).toBe(
      "${cpq_sso_configuration.sso.certificate_sha256_fingerprint}",
    );
    expect(resolve(sso.certificateSubject)).toBe(
      "${cpq_sso_configuration.sso.certificate_subject}",
    );
    expect(resolve(sso.id)).toBe("${cpq_sso_configuration.sso.id}");
  });

  it("uses the given CpqProvider", () => {
    const stack = newStack();
    const site = new CpqProvider(stack, "site", { alias: "eu" });
    new SsoConfiguration(stack, "sso", { provider: site });
    expect(ssoResource(synthJson(stack))).toEqual({ provider: "cpq.eu" });
  });

  describe("passwords", () => {
    it("sends a keystore password write-only by default, with its version", () => {
      const stack = newStack();
      new SsoConfiguration(stack, "sso", {
        samlNeedRequestSigned: true,
        samlRequestKeystore: sensitiveVariable(stack, "keystore", "keystore"),
        samlStorePass: sensitiveVariable(stack, "store_pass", "store password"),
        samlStorePassVersion: 2,
        samlKeyPass: sensitiveVariable(stack, "key_pass", "key password"),
        samlKeyPassVersion: 1,
      });
      expect(ssoResource(synthJson(stack))).toEqual({
        saml_need_request_signed: true,
        saml_request_keystore: "${var.keystore}",
        saml_store_pass_wo: "${var.store_pass}",
        saml_store_pass_wo_version: 2,
        saml_key_pass_wo: "${var.key_pass}",
        saml_key_pass_wo_version: 1,
      });
      expect(validationError(stack)).toBeUndefined();
    });

    it("keeps a password in state only when wrapped with storedInState", () => {
      const stack = newStack();
      new SsoConfiguration(stack, "sso", {
        samlStorePass: storedInState(sensitiveVariable(stack, "store_pass", "store password")),
        samlKeyPass: sensitiveVariable(stack, "key_pass", "key password"),
      });
      expect(ssoResource(synthJson(stack))).toEqual({
        saml_store_pass: "${var.store_pass}",
        saml_key_pass_wo: "${var.key_pass}",
      });
      expect(validationError(stack)).toBeUndefined();
    });

    it("accepts the stringValue token of a sensitive variable", () => {
      const stack = newStack();
      const v = sensitiveVariable(stack, "key_pass", "key password");
      new SsoConfiguration(stack, "sso", { samlKeyPass: v.stringValue });
      expect(ssoResource(synthJson(stack))).toEqual({ saml_key_pass_wo: "${var.key_pass}" });
      expect(validationError(stack)).toBeUndefined();
    });
  });

  describe("rules of the design, checked at synth", () => {
    const cases: [string, () => ConstructorParameters<typeof SsoConfiguration>[2], string[]][] = [
      [
        "a federated method without the IdP URL and certificate",
        () => ({ ssoMethod: "Federated and Remote" }),
        ["samlIdpUrl (saml_idp_url)", "idProviderCertificate (id_provider_certificate)"],
      ],
      [
        "idLocationAttribute without the attribute name",
        () => ({ samlUserIdLocation: "idLocationAttribute" }),
        ["samlAttributeName (saml_attribute_name)", "idLocationSubject"],
      ],
      [
        "signed requests without keystore and passwords",
        () => ({ samlNeedRequestSigned: true }),
        [
          "samlRequestKeystore (saml_request_keystore)",
          "samlStorePass (saml_store_pass_wo)",
          "samlKeyPass (saml_key_pass_wo)",
        ],
      ],
      [
        "an SSO method CPQ does not know (when the type is cast away)",
        () => ({ ssoMethod: "SAML" as SsoMethod }),
        ["ssoMethod (sso_method)", '"Federated Authentication"'],
      ],
      [
        "a version on a password kept in state",
        () => ({ samlStorePassVersion: 1 }),
        ["samlStorePassVersion (saml_store_pass_wo_version)"],
      ],
    ];
    it.each(cases)(
      "refuses %s, naming the construct path and the attribute",
      (_n, props, parts) => {
        const stack = newStack();
        new SsoConfiguration(stack, "sso", props());
        const error = validationError(stack);
        expect(error).toBeDefined();
        for (const part of parts) expect(error).toContain(part);
        expect(error).toMatch(/\[stack\/sso\] /);
      },
    );

    it("refuses a second SsoConfiguration for the same site", () => {
      const stack = newStack();
      new SsoConfiguration(stack, "sso");
      new SsoConfiguration(stack, "sso_again");
      const other = new CpqProvider(stack, "other_site", { alias: "other" });
      new SsoConfiguration(stack, "other_sso", { provider: other });
      const error = validationError(stack);
      expect(error).toContain('[stack/sso_again] provider: "stack/sso" already configures SSO');
      expect(error).not.toContain("[stack/other_sso]");
      expect(error).not.toContain("[stack/sso] ");
    });

    it("makes app.synth() fail with the construct path, the attribute and the fix", () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "stack");
      new CpqProvider(stack, "cpq");
      new SsoConfiguration(stack, "sso", { samlUserIdLocation: "idLocationAttribute" });
      expect(() => app.synth()).toThrow(
        /\[stack\/sso\] samlAttributeName \(saml_attribute_name\): .*Name the assertion attribute/,
      );
    });

    it("fails synth on a plain http IdP or logout URL, naming the prop, the attribute and the fix", () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "stack");
      new CpqProvider(stack, "cpq");
      new SsoConfiguration(stack, "sso", {
        ssoMethod: "Federated Authentication",
        samlIdpUrl: "http://idp.example.com/sso",
        idProviderCertificate: fixture("idp-cert.pem"),
        samlLogoutUrl: "http://idp.example.com/x",
      });
      expect(() => app.synth()).toThrow(
        /\[stack\/sso\] samlIdpUrl \(saml_idp_url\): "saml_idp_url" is plain http: it must be an https URL\..*https:\/\/idp\.example\.com\/saml2\/sso/,
      );
      expect(() => app.synth()).toThrow(/samlLogoutUrl \(saml_logout_url\): "saml_logout_url"/);
    });

    it("accepts plain http to a loopback IdP, for a lab", () => {
      const stack = newStack();
      const sso = new SsoConfiguration(stack, "sso", {
        ssoMethod: "Federated Authentication",
        samlIdpUrl: "http://127.0.0.1:8080/sso",
        idProviderCertificate: fixture("idp-cert.pem"),
      });
      expect(validationError(stack)).toBeUndefined();
      expect(warnings(sso)).toEqual([]);
    });

    it("only warns about an http URL under sso_method None, which does not use it", () => {
      const stack = newStack();
      const sso = new SsoConfiguration(stack, "sso", {
        ssoMethod: "None",
        samlLogoutUrl: "http://idp.example.com/x",
      });
      expect(validationError(stack)).toBeUndefined();
      expect(warnings(sso)).toEqual([
        expect.stringContaining("samlLogoutUrl (saml_logout_url):") as unknown,
      ]);
    });

    it("warns that an expired certificate is an outage", () => {
      const stack = newStack();
      const sso = new SsoConfiguration(stack, "sso", {
        idProviderCertificate: fixture("idp-cert-expired.pem"),
      });
      expect(validationError(stack)).toBeUndefined();
      const [warning, ...rest] = warnings(sso);
      expect(rest).toEqual([]);
      expect(warning).toContain("idProviderCertificate (id_provider_certificate):");
      expect(warning).toMatch(/expired/i);
    });

    it("fails synth on a certificate that does not parse, naming the prop and the forms it takes", () => {
      const stack = newStack();
      new SsoConfiguration(stack, "sso", { idProviderCertificate: "placeholder" });
      expect(validationError(stack)).toMatch(
        /\[stack\/sso\] idProviderCertificate \(id_provider_certificate\): "id_provider_certificate" is not an X\.509 certificate\..*PEM/,
      );
    });

    it("treats tokens as unknown: no false errors or warnings for values known only later", () => {
      const stack = newStack();
      const method = new TerraformVariable(stack, "method", { type: "string" });
      const signed = new TerraformVariable(stack, "signed", { type: "bool" });
      const url = new TerraformVariable(stack, "idp_url", { type: "string" });
      const cert = new TerraformVariable(stack, "cert", { type: "string" });
      const location = new TerraformVariable(stack, "location", { type: "string" });
      const sso = new SsoConfiguration(stack, "sso", {
        ssoMethod: method.stringValue as SsoMethod,
        samlIdpUrl: url.stringValue,
        idProviderCertificate: cert.stringValue,
        samlNeedRequestSigned: signed.booleanValue,
        samlUserIdLocation: location.stringValue as "idLocationSubject",
        samlKeyPassVersion: new TerraformVariable(stack, "key_pass_version", { type: "number" })
          .numberValue,
        samlKeyPass: sensitiveVariable(stack, "key_pass", "key password"),
      });
      expect(warnings(sso)).toEqual([]);
      expect(validationError(stack)).toBeUndefined();
    });
  });
});

describe("synth warnings where the user runs synth", () => {
  it("prints a warning on stderr for an app run by plain node, and leaves it to the framework's CLI otherwise", () => {
    const spy = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    const saved = process.env.CDKTF_CONTEXT_JSON;
    try {
      delete process.env.CDKTF_CONTEXT_JSON;
      const none = { ssoMethod: "None", samlLogoutUrl: "http://idp.example.com/bye" } as const;
      new SsoConfiguration(newStack(), "sso", none);
      const printed = spy.mock.calls.map((c) => String(c[0]));
      expect(printed).toEqual([
        expect.stringMatching(
          /^Warning: \[stack\/sso\] samlLogoutUrl \(saml_logout_url\): "saml_logout_url" is plain http: it must be an https URL/,
        ),
      ]);
      spy.mockClear();
      process.env.CDKTF_CONTEXT_JSON = "{}";
      new SsoConfiguration(newStack(), "sso", none);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      if (saved === undefined) delete process.env.CDKTF_CONTEXT_JSON;
      else process.env.CDKTF_CONTEXT_JSON = saved;
    }
  });
});
