// Plain HCL as a team without CDKTF writes it, through the real terraform and the installed
// provider: examples/hcl planned, applied and re-planned clean, `cpq-sso drift` on its directory;
// every HCL snippet the docs pages show, planned (and applied and imported, for resources); the
// OpenTofu host name resolved from the mirror; the binary setting honoured; and, where `tofu` is
// on the PATH, the examples under OpenTofu itself.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpqProvider } from "../../provider/provider";
import { E2eFixture } from "../support/e2e-fixture";
import type { TfDir } from "../../tooling/tf-dir";
import { describeWithTerraform } from "./harness";

const ROOT = join(__dirname, "..", "..");
const EXAMPLES = join(ROOT, "examples");

/** The secrets the examples read from TF_VAR_*: canaries that must reach no file Terraform keeps. */
const SECRETS = {
  TF_VAR_saml_request_keystore: Buffer.from("hcl-example-keystore").toString("base64"),
  TF_VAR_saml_store_pass: "hcl-canary-store-pass-5c1e",
  TF_VAR_saml_key_pass: "hcl-canary-key-pass-93ad",
  // The simulator's partner knows this password for jdoe@erp.example.com (the Check passes).
  TF_VAR_jdoe_erp_password: "jdoe-erp-password",
} as const;

const tofuAvailable = spawnSync("tofu", ["version"], { encoding: "utf8" }).status === 0;

describeWithTerraform("plain HCL and OpenTofu", () => {
  const fixture = new E2eFixture();

  /** A fresh working directory holding copies of the given example files (or directories). */
  const workspace = (files: readonly string[], env: Record<string, string> = {}): TfDir =>
    fixture.workspace({ ...SECRETS, ...env }).copyIn(EXAMPLES, files);
  const drift = (dir: string, extra: readonly string[] = [], env: Record<string, string> = {}) =>
    fixture.cpqSso(["drift", "--dir", dir, ...extra], { cwd: dir, env: { ...SECRETS, ...env } });

  // A plan a test checks and then applies is saved (-out=tfplan) and applied from the file: the
  // apply carries out exactly the plan the test checked, without terraform planning it again.

  it("examples/hcl plans, applies, re-plans clean, and cpq-sso drift --dir exits 0, then 2 after a change behind Terraform's back", async () => {
    const ws = fixture.workspace(SECRETS);
    cpSync(join(EXAMPLES, "hcl"), ws.dir, { recursive: true });
    await ws.init();
    const plan = await ws.plan(["-out=tfplan"]);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(2);
    // The SSO configuration, the OAuth provider, two idp logins waiting for it, jdoe's SSO.
    expect(plan.stdout).toContain("Plan: 5 to add, 0 to change, 0 to destroy.");
    // The check block's function ran at plan: the certificate's facts are in the planned outputs.
    expect(plan.stdout).toContain('subject     = "CN=login.example.com, O=Example Identity"');

    await ws.mustApply(["tfplan"]);
    const outputs = await ws.outputs();
    expect(outputs.sso_restart_required!.value).toBe(true);
    expect(outputs.users_without_idp_login!.value).toEqual(["bwayne"]);
    const again = await ws.plan();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes.");
    // The passwords came from ephemeral variables into write-only attributes: not in the state.
    expect(ws.stateText()).not.toContain(SECRETS.TF_VAR_saml_store_pass);
    expect(ws.stateText()).not.toContain(SECRETS.TF_VAR_saml_key_pass);

    const inSync = await drift(ws.dir);
    expect(inSync.stderr).toBe("");
    expect(inSync.code).toBe(0);
    expect(inSync.stdout).toContain("In sync");

    const res = await fixture.sim.cpq("POST", "/rest/v19/ssoConfiguration", {
      samlLogoutUrl: "https://login.example.com/changed-by-hand",
    });
    expect(res.status).toBe(200);
    const drifted = await drift(ws.dir);
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toContain(
      'saml_logout_url: declared "https://login.example.com/logout", live "https://login.example.com/changed-by-hand"',
    );
  });

  it("refuses a drift directory without a Terraform configuration, saying what to pass", async () => {
    const empty = mkdtempSync(join(tmpdir(), "cpq-sso-empty-"));
    const r = await drift(empty);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("holds no Terraform configuration (no .tf or .tf.json file)");
  });

  describe("the docs pages' HCL snippets", () => {
    it.each(cpqProvider.resources().map((r) => r.typeName))(
      "%s: resource.tf plans and applies, and import.tf then plans an import of what it made",
      async (type) => {
        const dir = `resources/${type}`;
        const files = readdirSync(join(EXAMPLES, dir))
          .filter((f) => f.endsWith(".tf") || f.endsWith(".pem"))
          // import.tf is planned below; an identity import needs Terraform 1.12 (terraform-1.14.test.ts).
          .filter((f) => f !== "import.tf" && f !== "import-by-identity.tf");
        const ws = workspace(["provider/provider.tf", ...files.map((f) => `${dir}/${f}`)]);
        await ws.init();
        const plan = await ws.plan(["-out=tfplan"]);
        expect(plan.stderr).toBe("");
        expect(plan.code).toBe(2);
        await ws.mustApply(["tfplan"]);

        const importing = workspace([
          "provider/provider.tf",
          ...files.map((f) => `${dir}/${f}`),
          `${dir}/import.tf`,
        ]);
        await importing.init();
        const imported = await importing.plan();
        expect(imported.stderr).toBe("");
        expect(imported.stdout).toMatch(/Plan: 1 to import, /);
        const id = /id = "([^"]+)"/.exec(
          readFileSync(join(EXAMPLES, dir, "import.tf"), "utf8"),
        )![1]!;
        // The shell form names the same resource and id.
        expect(readFileSync(join(EXAMPLES, dir, "import.sh"), "utf8")).toContain(` ${id}\n`);
      },
    );

    it("cpq_users: data-source.tf plans, with the party number it looked up", async () => {
      const ws = workspace(["provider/provider.tf", "data-sources/cpq_users/data-source.tf"]);
      await ws.init();
      const plan = await ws.plan();
      expect(plan.stderr).toBe("");
      expect(plan.stdout).toContain('+ jdoe_party_number = "1001"');
    });

    it("certificate: function.tf plans, with the fingerprint node:crypto reads", async () => {
      const ws = workspace([
        "provider/provider.tf",
        "functions/certificate/function.tf",
        "functions/certificate/idp-signing-cert.pem",
      ]);
      await ws.init();
      const plan = await ws.plan();
      expect(plan.stderr).toBe("");
      const { X509Certificate } = await import("node:crypto");
      const pem = readFileSync(join(EXAMPLES, "functions/certificate/idp-signing-cert.pem"));
      expect(plan.stdout).toContain(`"${new X509Certificate(pem).fingerprint256}"`);
    });
  });

  it("resolves registry.opentofu.org/cpq-sso/cpq, the address OpenTofu gives cpq-sso/cpq, from the mirror", async () => {
    const ws = workspace(["functions/certificate/idp-signing-cert.pem"]);
    writeFileSync(
      join(ws.dir, "main.tf"),
      [
        'terraform {\n  required_providers {\n    cpq = { source = "registry.opentofu.org/cpq-sso/cpq" }\n  }\n}',
        'output "subject" {\n  value = provider::cpq::certificate(file("idp-signing-cert.pem")).subject\n}',
        'resource "cpq_user_sso" "jdoe" {\n  user_login      = "jdoe"\n  enabled_for_sso = true\n}',
        "",
      ].join("\n"),
    );
    const init = await ws.init();
    expect(init.code).toBe(0);
    expect(readFileSync(join(ws.dir, ".terraform.lock.hcl"), "utf8")).toContain(
      'provider "registry.opentofu.org/cpq-sso/cpq"',
    );
    const plan = await ws.plan();
    expect(plan.stderr).toBe("");
    expect(plan.stdout).toContain("Plan: 1 to add");
    expect(plan.stdout).toContain('subject = "CN=login.example.com, O=Example Identity"');
  });

  it("runs the binary the setting names: --terraform for drift, TERRAFORM_BINARY_NAME for the CI recipes", async () => {
    // A wrapper that records each command and runs the real terraform: it stands in for tofu.
    const bin = mkdtempSync(join(tmpdir(), "cpq-sso-bin-"));
    const log = join(bin, "calls.log");
    const wrapper = join(bin, "my-terraform");
    const real = spawnSync("bash", ["-c", "command -v terraform"], {
      encoding: "utf8",
    }).stdout.trim();
    writeFileSync(wrapper, `#!/bin/sh\necho "$1 $2" >> "${log}"\nexec "${real}" "$@"\n`);
    chmodSync(wrapper, 0o755);

    const ws = workspace(["provider/provider.tf", "resources/cpq_user_sso/resource.tf"]);
    await ws.init();
    await ws.mustApply();
    const r = await drift(ws.dir, ["--terraform", wrapper]);
    expect(r.code).toBe(0);
    expect(readFileSync(log, "utf8")).toMatch(/^plan -input=false\nshow -json\n$/);

    const out = mkdtempSync(join(tmpdir(), "cpq-sso-ci-out-"));
    copyFileSync(log, join(out, "before.log"));
    const ci = await fixture.cpqSso(["ci", "--terraform", wrapper, "plan-comment", ws.dir, out], {
      cwd: ws.dir,
      env: SECRETS,
    });
    expect(ci.stderr).toBe("");
    expect(ci.code).toBe(0);
    const calls = readFileSync(log, "utf8").slice(
      readFileSync(join(out, "before.log"), "utf8").length,
    );
    // tf -chdir=DIR init | plan | show: the recipe ran the named binary for every command.
    const lines = calls.split("\n").filter(Boolean);
    expect(lines.map((l) => l.split(" ")[0])).toEqual(Array(3).fill(`-chdir=${ws.dir}`));
    expect(lines.map((l) => l.split(" ")[1])).toEqual(["init", "plan", "show"]);
  });
});

if (tofuAvailable) {
  describeWithTerraform("OpenTofu (tofu on the PATH)", () => {
    const fixture = new E2eFixture();

    it("examples/hcl plans, applies and re-plans clean under tofu", async () => {
      const ws = fixture.workspace({ ...SECRETS, TERRAFORM_BINARY_NAME: "tofu" });
      cpSync(join(EXAMPLES, "hcl"), ws.dir, { recursive: true });
      await ws.init();
      expect((await ws.plan()).code).toBe(2);
      await ws.mustApply();
      expect((await ws.plan()).code).toBe(0);
    });
  });
} else {
  console.warn(
    'SKIPPED "OpenTofu (tofu on the PATH)": tofu is not on the PATH. Install OpenTofu 1.11+ to run examples/hcl under it; the OpenTofu host name is tested with terraform above.',
  );
  describe.skip("OpenTofu (tofu on the PATH)", () => {
    it("examples/hcl plans, applies and re-plans clean under tofu", () => undefined);
  });
}
