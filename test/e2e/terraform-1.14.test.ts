/**
 * What only Terraform 1.12-1.16 speaks, through the real terraform and the installed provider
 * against the simulator: an import by identity of each resource (1.12+), `terraform query` with
 * `-generate-config-out` (1.14+), and the actions run by `action_trigger` and `-invoke` (1.14+),
 * from the example files the docs pages show.
 *
 * Runs only when the terraform on the PATH is 1.14 or newer. With an older one (this project's
 * CI installs 1.11, the oldest it supports, and cannot install another beside it) the tier is
 * skipped loudly, also under CI=true; a pipeline with 1.14 sets CPQ_SSO_REQUIRE_TERRAFORM=1.14 so
 * that an older terraform fails instead (see describeWithTerraformAtLeast). The same calls are
 * made at the protocol level, with any terraform, by
 * test/integration/provider-query-actions-identity.test.ts.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpqProvider } from "../../provider/provider";
import { E2eFixture } from "../support/e2e-fixture";
import type { TfDir } from "../../tooling/tf-dir";
import { describeWithTerraformAtLeast } from "./harness";

const EXAMPLES = join(__dirname, "..", "..", "examples");

/** What the examples read from TF_VAR_*. */
const SECRETS = {
  TF_VAR_saml_request_keystore: Buffer.from("tf114-example-keystore").toString("base64"),
  TF_VAR_saml_store_pass: "tf114-canary-store-pass",
  TF_VAR_saml_key_pass: "tf114-canary-key-pass",
  // The simulator's partner knows this password for jdoe@erp.example.com (the Check passes).
  TF_VAR_jdoe_erp_password: "jdoe-erp-password",
} as const;

describeWithTerraformAtLeast("1.14", "Terraform 1.14+: identity, terraform query, actions", () => {
  const fixture = new E2eFixture();
  const workspace = (files: readonly string[], env: Record<string, string> = {}): TfDir =>
    fixture.workspace({ ...SECRETS, ...env }).copyIn(EXAMPLES, files);

  it.each(cpqProvider.resources().map((r) => r.typeName))(
    "%s: import-by-identity.tf plans an import of what resource.tf made, and the state records the identity",
    async (type) => {
      const dir = `resources/${type}`;
      const made = workspace(["provider/provider.tf", `${dir}/resource.tf`]);
      if (type === "cpq_sso_configuration") made.copyIn(EXAMPLES, [`${dir}/idp-signing-cert.pem`]);
      await made.init();
      await made.mustApply();

      const importing = workspace([
        "provider/provider.tf",
        `${dir}/resource.tf`,
        `${dir}/import-by-identity.tf`,
      ]);
      if (type === "cpq_sso_configuration") {
        importing.copyIn(EXAMPLES, [`${dir}/idp-signing-cert.pem`]);
      }
      await importing.init();
      const plan = await importing.plan();
      expect(plan.stderr).toBe("");
      expect(plan.stdout).toMatch(/Plan: 1 to import, /);
      await importing.mustApply();
      const state = importing.state() as unknown as {
        resources: { type: string; instances: { identity?: Record<string, unknown> }[] }[];
      };
      const identity = state.resources.find((r) => r.type === type)?.instances[0]?.identity;
      expect(identity).toBeDefined();
    },
  );

  it("terraform query lists a tab's logins and -generate-config-out writes blocks that plan only imports", async () => {
    for (const [pn, login] of [
      ["1001", "jdoe@erp.example.com"],
      ["1002", "asmith@erp.example.com"],
    ] as const) {
      const r = await fixture.sim.cpq("PUT", `/rest/v19/users/${pn}/integrations/erp`, {
        login,
        authType: "password",
        password: `${pn}-erp-password`,
      });
      expect(r.status).toBe(200);
    }
    const ws = workspace([
      "provider/provider.tf",
      "resources/cpq_user_integration_login/list.tfquery.hcl",
    ]);
    await ws.init();
    const query = await ws.run(["query", "-no-color", "-generate-config-out=generated.tf"]);
    expect(query.code).toBe(0);
    expect(query.stdout).toContain("jdoe@erp.example.com");
    expect(query.stdout).toContain("asmith@erp.example.com");
    const generated = readFileSync(join(ws.dir, "generated.tf"), "utf8");
    expect(generated).toMatch(/identity\s*=\s*\{/);
    // The next plan, of the generated blocks alone, imports both logins and changes nothing.
    writeFileSync(join(ws.dir, "list.tfquery.hcl"), "");
    const plan = await ws.plan();
    expect(plan.stderr).toBe("");
    expect(plan.stdout).toContain("Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.");
  });

  it("the Check action runs after the login is saved, and a wrong password fails the apply without saving", async () => {
    const good = workspace([
      "provider/provider.tf",
      "actions/cpq_user_integration_check/action.tf",
    ]);
    await good.init();
    const applied = await good.apply(["-auto-approve", "-no-color"]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/accepted login "jdoe@erp.example.com"/);

    const bad = workspace(
      ["provider/provider.tf", "actions/cpq_user_integration_check/action.tf"],
      { TF_VAR_jdoe_erp_password: "wrong-canary-password" },
    );
    await bad.init();
    const failed = await bad.apply(["-auto-approve", "-no-color"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/refused the credentials for user 1001 on tab "erp"/);
    expect(failed.stdout + failed.stderr).not.toContain("wrong-canary-password");
  });

  it("the Revoke Token action runs with -invoke and ends the stored token", async () => {
    const ws = workspace([
      "provider/provider.tf",
      "actions/cpq_user_integration_revoke_token/action.tf",
    ]);
    await ws.init();
    await ws.mustApply();
    await fixture.sim.grantToken("1001", "idp");
    const invoked = await ws.apply([
      "-auto-approve",
      "-no-color",
      "-invoke=action.cpq_user_integration_revoke_token.jdoe_idp",
    ]);
    expect(invoked.code).toBe(0);
    expect(invoked.stdout).toContain('Revoking the OAuth token of user 1001 on tab "idp"');
    const r = await fixture.sim.cpq("GET", "/rest/v19/users/1001/integrations/idp");
    expect(r.body).toMatchObject({ tokenPresent: false });
  });
});
