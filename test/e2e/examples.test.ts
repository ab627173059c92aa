import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import { synthExample } from "../support/synth-example";
import { describeWithTerraform } from "./harness";

describeWithTerraform("examples", () => {
  const fixture = new E2eFixture();
  let out: string;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "cpq-sso-example-"));
  });
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it("examples/basic synthesizes and plans four resources against the simulator", async () => {
    const { run: synth, stackDir: stack } = synthExample("basic", out);
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);
    expect(existsSync(join(stack, "cdk.tf.json"))).toBe(true);

    const ws = fixture.workspace({
      TF_VAR_saml_request_keystore: Buffer.from("example keystore").toString("base64"),
      TF_VAR_saml_store_pass: "example-store-pass",
      TF_VAR_saml_key_pass: "example-key-pass",
      TF_VAR_jdoe_erp_password: "jdoe-erp-password",
      TF_VAR_asmith_erp_password: "asmith-erp-password",
      TF_VAR_asmith_erp_token: "asmith-erp-token",
    });
    cpSync(join(stack, "cdk.tf.json"), join(ws.dir, "cdk.tf.json"));
    await ws.init();
    const plan = await ws.plan();
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
  });

  it("examples/oauth synthesizes, and one apply sets up the OAuth provider, its tab's logins and SSO for its users", async () => {
    const { run: synth, stackDir: stack } = synthExample("oauth", out);
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);
    const ws = fixture.workspace();
    cpSync(join(stack, "cdk.tf.json"), join(ws.dir, "cdk.tf.json"));
    await ws.init();
    // Saved and applied from its file: the one apply carries out exactly the plan checked here,
    // without terraform planning it again.
    const plan = await ws.plan(["-out=tfplan"]);
    expect(plan.stderr).toBe("");
    expect(plan.stdout).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
    await ws.mustApply(["tfplan"]);
    const state = await fixture.sim.state();
    expect(state.vendors.map((v) => v.vendorName)).toContain("IDCS");
    expect(state.integrations["1001"]?.idp?.login).toBe("jdoe@login.example.com");
    expect((await ws.plan()).code).toBe(0);
  });
});
