import { readFileSync } from "node:fs";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import type { TfDir } from "../../tooling/tf-dir";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

const fixtureFile = (name: string): string =>
  readFileSync(join(__dirname, "..", "fixtures", name), "utf8");
const CERT = fixtureFile("idp-cert.pem");
const CERT_ROLLED = fixtureFile("idp-cert-rolled.pem");
const SEED_SAMPLE = JSON.parse(fixtureFile("simulator-seed-sample.json")) as Record<string, string>;

// Canary secrets: none of them may show up in plan output, logs, or the state's write-only fields.
const STORE_PASS = "canary-store-pass-6f1d0b";
const KEY_PASS = "canary-key-pass-93ac27";
const STORE_PASS_2 = "canary-store-pass-rotated-4b7e";
const KEYSTORE = Buffer.from("canary-keystore-0a8f55").toString("base64");

const RESOURCE = "cpq_sso_configuration";

interface Secrets {
  store?: string;
  key?: string;
}

/** A federated, signed-request configuration with its passwords as write-only variables. */
function ssoConfig(settings: Record<string, unknown> = {}, opts: { sensitiveForm?: boolean } = {}) {
  const wo = !opts.sensitiveForm;
  return {
    ...cpqProviderConfig(),
    variable: {
      store_pass: { type: "string", sensitive: true, ...(wo ? { ephemeral: true } : {}) },
      key_pass: { type: "string", sensitive: true, ...(wo ? { ephemeral: true } : {}) },
    },
    resource: {
      [RESOURCE]: {
        sso: {
          sso_method: "Federated and Remote",
          saml_idp_url: "https://idp.example.com/saml2/sso",
          saml_issuer_url: "https://acme.bigmachines.com",
          id_provider_certificate: CERT,
          saml_need_request_signed: true,
          saml_request_keystore: KEYSTORE,
          [wo ? "saml_store_pass_wo" : "saml_store_pass"]: "${var.store_pass}",
          [wo ? "saml_key_pass_wo" : "saml_key_pass"]: "${var.key_pass}",
          saml_user_id_type: "assertionTypeUsername",
          saml_user_id_location: "idLocationSubject",
          ...settings,
        },
      },
    },
    output: { restart_required: { value: `\${${RESOURCE}.sso.restart_required}` } },
  };
}

/**
 * Attribute names changed in the plan's actions (not in the "changed outside of Terraform" part,
 * which a refresh after drift also prints, nor in the outputs).
 */
function plannedAttributes(stdout: string): string[] {
  const start = stdout.indexOf("Terraform will perform the following actions");
  const end = stdout.indexOf("Changes to Outputs");
  return stdout
    .slice(start < 0 ? 0 : start, end < 0 ? undefined : end)
    .split("\n")
    .filter((l) => /^\s+[~+-] \w+\s+=/.test(l))
    .map((l) => l.trim().split(/\s+/)[1]!)
    .sort();
}

describeWithTerraform("cpq_sso_configuration with real terraform", () => {
  const fixture = new E2eFixture();
  let ws: TfDir;

  const secretsEnv = (s: Secrets = {}) => ({
    TF_VAR_store_pass: s.store ?? STORE_PASS,
    TF_VAR_key_pass: s.key ?? KEY_PASS,
  });

  /** Initialized for `ssoConfig()`, nothing applied: every test's workspace starts as a copy. */
  let initialized: TfDir;
  /** `ssoConfig()` applied; the simulator's checkpoint holds the site as that apply left it. */
  let applied: TfDir;

  const workspace = (s: Secrets = {}) => fixture.workspaceFrom(initialized, secretsEnv(s));

  /**
   * The workspace and the site as applying `ssoConfig()` leaves them, the start of the tests
   * whose subject comes after the create, without applying it again.
   */
  const appliedBaseline = async () => {
    await fixture.sim.restore();
    ws.copyFrom(applied);
  };

  const ssoState = () => fixture.sim.state().then((s) => s.sso);
  const requests = () => fixture.sim.requests();

  // No test is about `terraform init`, and most start from the same create: both are done once
  // (seconds of CPU each), and each test starts from copies.
  beforeAll(async () => {
    initialized = fixture.workspace(secretsEnv());
    initialized.write(ssoConfig());
    await initialized.init();
    applied = fixture.workspaceFrom(initialized, secretsEnv());
    await applied.mustApply();
    await fixture.sim.checkpoint();
  });
  beforeEach(() => {
    ws = workspace();
  });

  // A plan a test checks and then applies is saved (-out=tfplan) and applied from the file: the
  // apply carries out exactly the plan the test checked, without terraform planning it again.

  it("creates the configuration, reports the restart, and re-plans with no changes", async () => {
    ws.write(ssoConfig());
    const plan = await ws.plan(["-out=tfplan"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("cpq_sso_configuration.sso will be created");
    await ws.mustApply(["tfplan"]);

    const live = await ssoState();
    expect(live.ssoMethod).toBe("Federated and Remote");
    expect(live.samlNeedRequestSigned).toBe("true");
    expect((await ws.outputs()).restart_required?.value).toBe(true);

    const again = await ws.plan();
    expect(again.stdout).toContain("No changes");
    expect(again.code).toBe(0);
  });

  it("reports whether an update needs a restart: the certificate does, a logout URL does not", async () => {
    await appliedBaseline();
    // The create's restart stays pending until acknowledged; acknowledged, it is false.
    const doneAt = { restart_done_at: new Date().toISOString() };
    ws.write(ssoConfig(doneAt));
    await ws.mustApply();
    expect((await ws.outputs()).restart_required?.value).toBe(false);

    ws.write(ssoConfig({ ...doneAt, saml_logout_url: "https://idp.example.com/logout" }));
    const urlPlan = await ws.plan(["-out=tfplan"]);
    expect(urlPlan.code).toBe(2);
    expect(urlPlan.stdout).toMatch(/saml_logout_url\s+= .*"https:\/\/idp.example.com\/logout"/);
    await ws.mustApply(["tfplan"]);
    expect((await ws.outputs()).restart_required?.value).toBe(false);

    ws.write(
      ssoConfig({
        ...doneAt,
        saml_logout_url: "https://idp.example.com/logout",
        id_provider_certificate: CERT_ROLLED,
      }),
    );
    const certApply = await ws.mustApply();
    expect(certApply.stdout + certApply.stderr).toContain("restart");
    expect((await ws.outputs()).restart_required?.value).toBe(true);
    const st = ws.stateAttributes(RESOURCE, "sso");
    expect(st.certificate_subject).toContain("idp2.example.com");
  });

  it("shows drift made in CPQ as an update of exactly the drifted attribute", async () => {
    await appliedBaseline();

    await fixture.sim.postSso({ samlIdpUrl: "https://evil.example.com/sso" });
    const plan = await ws.plan(["-out=tfplan"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("1 to change");
    expect(plannedAttributes(plan.stdout)).toEqual([
      "restart_pending_reason",
      "restart_pending_since",
      "restart_required",
      "saml_idp_url",
    ]);
    expect(plan.stdout).toContain(
      '"https://evil.example.com/sso" -> "https://idp.example.com/saml2/sso"',
    );

    await ws.mustApply(["tfplan"]);
    expect((await ssoState()).samlIdpUrl).toBe("https://idp.example.com/saml2/sso");
  });

  /** The seed's sample body in this resource's attribute names (its passwords go write-only). */
  const declared = (body: Record<string, string>) => ({
    sso_method: body.ssoMethod,
    saml_issuer_url: body.samlIssuerUrl,
    id_provider_certificate: body.idProviderCertificate,
    saml_need_request_signed: true,
    saml_request_keystore: body.samlRequestKeyStore,
    requested_name_identifier_format: body.requestedNameIdentifierFormat,
    saml_idp_url: body.samlIdpUrl,
    saml_logout_url: body.samlLogoutUrl,
    saml_single_logout_endpoint: body.samlSingleLogoutEndpoint,
    saml_single_logout_response_endpoint: body.samlSingleLogoutResponseEndpoint,
    saml_user_id_type: body.samlUserIdType,
    saml_user_id_location: body.samlUserIdLocation,
    saml_attribute_name: body.samlAttributeName,
  });
  const sampleSecrets = { store: SEED_SAMPLE.samlStorePass!, key: SEED_SAMPLE.samlKeyPass! };

  it("imports the seed's sample as printed, and refuses to plan it declared again: its placeholder certificate and URLs would break every SSO login", async () => {
    // CPQ takes Oracle's sample body as printed (the simulator too): it checks no form.
    await fixture.sim.postSso(SEED_SAMPLE);
    ws = workspace(sampleSecrets);
    ws.write({ ...cpqProviderConfig(), resource: { [RESOURCE]: { sso: {} } } });
    await ws.must(["import", "-input=false", "-no-color", `${RESOURCE}.sso`, "sso"]);
    const shown = await ws.must(["state", "show", "-no-color", `${RESOURCE}.sso`]);
    expect(shown.stdout).toMatch(/id_provider_certificate\s+= "base64encodecertvalue"/);
    expect(shown.stdout).toMatch(/saml_idp_url\s+= "identity provided url value"/);

    ws.write(ssoConfig(declared(SEED_SAMPLE)));
    const before = (await requests()).length;
    const plan = await ws.plan();
    expect(plan.code).toBe(1);
    const errors = plan.stderr.replace(/[│\s]+/g, " ");
    for (const attribute of [
      "id_provider_certificate",
      "saml_idp_url",
      "saml_issuer_url",
      "saml_logout_url",
      "saml_single_logout_endpoint",
      "saml_single_logout_response_endpoint",
    ]) {
      expect(errors).toContain(`Error: "${attribute}" `);
    }
    expect(errors).toContain('"id_provider_certificate" is not an X.509 certificate');
    expect(errors).toContain('"saml_idp_url" is not an absolute URL: it must be an https URL');
    // Refused before the provider reads or writes anything.
    expect((await requests()).slice(before)).toEqual([]);
  });

  it("imports the seed's sample with a real certificate and https URLs, and plans no changes with the same settings and write-only secrets", async () => {
    const sample = {
      ...SEED_SAMPLE,
      idProviderCertificate: CERT,
      samlIssuerUrl: "https://acme.bigmachines.com",
      samlIdpUrl: "https://idp.example.com/saml2/sso",
      samlLogoutUrl: "https://idp.example.com/logout",
      samlSingleLogoutEndpoint: "https://idp.example.com/saml2/slo",
      samlSingleLogoutResponseEndpoint: "https://idp.example.com/saml2/slo/response",
    };
    await fixture.sim.postSso(sample);
    ws = workspace(sampleSecrets);
    ws.write(ssoConfig(declared(sample)));
    await ws.must(["import", "-input=false", "-no-color", `${RESOURCE}.sso`, "sso"]);

    const plan = await ws.plan();
    expect(plan.stdout).toContain("No changes");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('"saml_store_pass_wo" is assumed unchanged');

    // The same passwords in sensitive (stored) form: only they show as changing.
    ws.write(ssoConfig(declared(sample), { sensitiveForm: true }));
    const sensitive = await ws.plan();
    expect(sensitive.code).toBe(2);
    expect(plannedAttributes(sensitive.stdout)).toEqual([
      "restart_pending_reason",
      "restart_pending_since",
      "restart_required",
      "saml_key_pass",
      "saml_store_pass",
    ]);
    expect(sensitive.stdout).not.toContain(SEED_SAMPLE.samlStorePass);
  });

  it("plans a changed write-only secret without a version bump, and sends that secret alone of the two", async () => {
    await appliedBaseline();
    const before = await ssoState();
    await fixture.sim.clearRequests();

    const plan = await ws.run(
      ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=tfplan"],
      { env: { TF_VAR_store_pass: STORE_PASS_2 } },
    );
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('"saml_store_pass_wo" changed and will be sent to CPQ');
    expect(plan.stdout).not.toContain('saml_key_pass_wo" changed');
    // An ephemeral variable is not saved in the plan file: the apply is given the same value.
    await ws.run(["apply", "-input=false", "-no-color", "-auto-approve", "tfplan"], {
      env: { TF_VAR_store_pass: STORE_PASS_2 },
    });

    const after = await ssoState();
    expect(after.samlStorePass).not.toEqual(before.samlStorePass);
    expect(after.samlKeyPass).toEqual(before.samlKeyPass);
    const posts = (await requests()).filter((r) => r.method === "POST");
    expect(posts).toHaveLength(1);
    // The one password that changed, and none other; every other setting CPQ holds goes along
    // unchanged (so that it survives a CPQ that replaces its settings with a POST).
    const body = posts[0]!.body as Record<string, string>;
    expect(body.samlStorePass).toBe("***");
    expect(body).not.toHaveProperty("samlKeyPass");
    const { samlStorePass: _sent, ...others } = body;
    const live: Readonly<Record<string, unknown>> = (await fixture.sim.state()).sso;
    for (const [field, value] of Object.entries(others)) {
      expect(field === "samlRequestKeyStore" ? "***" : live[field]).toEqual(value);
    }
    expect(Object.keys(others).length).toBeGreaterThan(3);

    const again = await ws.run(["plan", "-input=false", "-no-color", "-detailed-exitcode"], {
      env: { TF_VAR_store_pass: STORE_PASS_2 },
    });
    expect(again.code).toBe(0);
  });

  it("keeps write-only secrets out of the state, and every secret out of plan output and trace logs", async () => {
    ws.write(ssoConfig());
    const trace = { env: { TF_LOG: "trace" } };
    const plan = await ws.run(["plan", "-input=false", "-no-color", "-out=tfplan"], trace);
    const apply = await ws.run(["apply", "-input=false", "-no-color", "tfplan"], trace);
    expect(apply.code).toBe(0);
    const human = [plan.stdout, plan.stderr, apply.stdout, apply.stderr].join("\n");
    for (const secret of [STORE_PASS, KEY_PASS, KEYSTORE]) expect(human).not.toContain(secret);
    // terraform show -json prints configured sensitive values by design (flagged in
    // *_sensitive); write-only ones are never there at all.
    const show = await ws.must(["show", "-json", "tfplan"]);
    for (const secret of [STORE_PASS, KEY_PASS]) expect(show.stdout).not.toContain(secret);
    const planJson = JSON.parse(show.stdout) as {
      resource_changes: { change: { after_sensitive: Record<string, unknown> } }[];
    };
    expect(planJson.resource_changes[0]!.change.after_sensitive.saml_request_keystore).toBe(true);

    const state = ws.stateText();
    expect(state).not.toContain(STORE_PASS);
    expect(state).not.toContain(KEY_PASS);
    const attrs = ws.stateAttributes(RESOURCE, "sso");
    expect(attrs.saml_store_pass_wo).toBeNull();
    expect(attrs.saml_key_pass_wo).toBeNull();
  });

  it("rides out a transient 503 on refresh and logs the retry in Terraform's debug log", async () => {
    await appliedBaseline();
    await fixture.sim.fault({
      method: "GET",
      path: "ssoConfiguration$",
      kind: "status",
      status: 503,
      count: 1,
    });
    const plan = await ws.run(["plan", "-input=false", "-no-color", "-detailed-exitcode"], {
      env: { TF_LOG_PROVIDER: "debug" },
    });
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain("cpq request failed; retrying");
    for (const secret of [STORE_PASS, KEY_PASS, KEYSTORE])
      expect(plan.stderr).not.toContain(secret);
  });

  it("retains the settings in CPQ on destroy by default", async () => {
    await appliedBaseline();
    const destroy = await ws.must(["destroy", "-input=false", "-no-color", "-auto-approve"]);
    expect(destroy.stdout + destroy.stderr).toContain("left in place");
    expect((await ssoState()).ssoMethod).toBe("Federated and Remote");
  });

  it("sets the SSO method to None on destroy with destroy_behavior disable", async () => {
    ws.write(ssoConfig({ destroy_behavior: "disable" }));
    await ws.mustApply();
    await ws.must(["destroy", "-input=false", "-no-color", "-auto-approve"]);
    const live = await ssoState();
    expect(live.ssoMethod).toBe("None");
    expect(live.samlIdpUrl).toBe("https://idp.example.com/saml2/sso");
  });

  it.each([
    [{ sso_method: "SAML" }, "sso_method", "Invalid value"],
    [{ saml_user_id_location: "idLocationAttribute" }, "saml_attribute_name", "is required"],
    [{ saml_idp_url: "" }, "saml_idp_url", "is required"],
    [{ saml_key_pass_wo: null }, "saml_key_pass_wo", "is required"],
    [{ id_provider_certificate: "garbage" }, "id_provider_certificate", "is not an X.509"],
    [{ saml_idp_url: "http://idp.example.com/sso" }, "saml_idp_url", "is plain http"],
  ])("fails at plan on %j, naming %s", async (settings, attribute, message) => {
    ws.write(ssoConfig(settings));
    const plan = await ws.plan();
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(message);
    expect(plan.stderr).toContain(attribute);
    // terraform points at the configuration line of the attribute (JSON syntax wording).
    expect(plan.stderr).toMatch(
      /on main\.tf\.json line \d+, in resource\.cpq_sso_configuration\.sso:/,
    );
    expect(await requests()).toEqual([]);
  });
});
