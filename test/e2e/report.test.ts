import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import { describeWithTerraform } from "./harness";
import {
  CANARY_SIMULATOR,
  canaryVariables,
  expectNoCanary,
  read,
  runScript,
  stepEnv,
  synthBasic,
} from "./report-ci-harness";

/** What the apply recipe writes to $GITHUB_OUTPUT while a restart is pending. */
const PENDING_OUTPUT =
  /^restart_required=true\nrestart_pending_since=\d{4}-\d\d-\d\dT[^\n]+\nrestart_pending_reason=CPQ asked for a restart after a change of sso_method[^\n]*\n$/;

describeWithTerraform("CI recipes: pull-request plan comment and apply (real terraform)", () => {
  const fixture = new E2eFixture({ simulator: CANARY_SIMULATOR });

  it("writes a comment with the verdict, a table per resource and the restart badge, and no secret anywhere", async () => {
    const stack = synthBasic();
    const out = mkdtempSync(join(tmpdir(), "cpq-sso-ci-report-"));
    const step = stepEnv(fixture);
    const r = await runScript("plan-comment.sh", [stack, out], step.env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);

    const comment = read(join(out, "comment.md"));
    const summaryText = read(join(out, "summary.json"));
    const summary = JSON.parse(summaryText) as {
      verdict: string;
      restartLikely: boolean;
      labels: string[];
    };
    expect(comment.split("\n")[1]).toBe("### ⚠️ CPQ SSO plan: 4 to add; may need a CPQ restart.");
    expect(summary.verdict).toBe("4 to add; may need a CPQ restart.");
    expect(summary.restartLikely).toBe(true);
    for (const address of [
      "cpq_sso_configuration.sso",
      "cpq_user_integration_login.jdoe_idp",
      "cpq_user_integration_login.jdoe_erp",
      "cpq_user_integration_login.asmith_erp",
    ]) {
      expect(comment).toContain(`#### \`${address}\` will be created`);
    }
    expect(comment).toContain(
      '| `sso_method` | `null` | `"Federated and Remote"` | ⚠️ may need a CPQ restart |',
    );
    expect(comment).toContain("| `saml_request_keystore` | `null` | _(sensitive)_ |");
    expect(comment).toMatch(
      /ℹ️ `cpq_sso_configuration.sso`: IdP certificate, subject `.*`: SHA-256 `([0-9A-F]{2}:)+/,
    );
    // The marker names the stack (the synthesized stack directory's name); the risk labels go to
    // GITHUB_OUTPUT for the workflow to gate on, with the marker it finds its comment by.
    expect(comment.split("\n")[0]).toBe("<!-- cpq-sso-plan stack=basic -->");
    // Whether the create replaces the simulator's seed settings is the resource's to say
    // (replaced_live_values); the outputs must agree with summary.json either way.
    expect(summary.labels).toContain("restart-required");
    expect(summary.labels).not.toContain("destroys");
    const outputs = read(step.githubOutput);
    expect(outputs).toContain(`labels=${summary.labels.join(",")}\n`);
    for (const label of [
      "restart-required",
      "destroys",
      "replaces-live-settings",
      "certificate-expiring",
      "lockout-risk",
    ]) {
      expect(outputs).toContain(`${label.replace(/-/g, "_")}=${summary.labels.includes(label)}\n`);
    }
    expect(outputs).toContain("marker=<!-- cpq-sso-plan stack=basic -->\n");
    expect(comment).toContain("<details><summary>Full plan (secrets masked)</summary>");
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(r.stdout).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");

    for (const text of [comment, summaryText, r.stdout, r.stderr]) expectNoCanary(text);
    // Only the comment and the summary are left behind: no plan file, no plan JSON.
    expect(readdirSync(out).sort()).toEqual(["comment.md", "summary.json"]);
    expect(readdirSync(stack).filter((f) => /plan/i.test(f))).toEqual([]);
  });

  it("applies, writes restart_required=true to GITHUB_OUTPUT and a job summary, again on the next run, and false once restart_done_at acknowledges it", async () => {
    const stack = synthBasic();
    const step = stepEnv(fixture);
    const r = await runScript("apply.sh", [stack], step.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("restart_required=true");
    expect(read(step.githubOutput)).toMatch(PENDING_OUTPUT);
    expect(read(step.stepSummary)).toContain("### ⚠️ CPQ SSO apply: restart required");
    expect(read(step.stepSummary)).toContain("cpq_sso_configuration.sso");
    for (const text of [r.stdout, r.stderr, read(step.stepSummary)]) expectNoCanary(text);

    // This apply changes nothing, but the restart is still pending: the pipeline hears it again.
    const again = stepEnv(fixture, { RESTART_EXIT_CODE: "3" });
    const r2 = await runScript("apply.sh", [stack], again.env);
    expect(r2.code).toBe(3);
    expect(read(again.githubOutput)).toMatch(PENDING_OUTPUT);
    expect(r2.stdout).toMatch(/a restart has been pending since/);

    // The team restarted the site and says so in code.
    const stackFile = join(stack, "cdk.tf.json");
    const json = JSON.parse(read(stackFile)) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    for (const sso of Object.values(json.resource.cpq_sso_configuration ?? {}))
      sso.restart_done_at = new Date().toISOString();
    writeFileSync(stackFile, JSON.stringify(json));
    const done = stepEnv(fixture, { RESTART_EXIT_CODE: "3" });
    const r3 = await runScript("apply.sh", [stack], done.env);
    expect(r3.code).toBe(0);
    expect(read(done.githubOutput)).toBe(
      "restart_required=false\nrestart_pending_since=\nrestart_pending_reason=\n",
    );
    expect(read(done.stepSummary)).toContain("no restart pending");
  });

  it("exits with the code given for a restart, so a pipeline can gate on it", async () => {
    const stack = synthBasic();
    const step = stepEnv(fixture, { RESTART_EXIT_CODE: "3" });
    const r = await runScript("apply.sh", [stack], step.env);
    expect(r.code).toBe(3);
    expect(read(step.githubOutput)).toMatch(PENDING_OUTPUT);
    // The apply itself went through: CPQ has the configuration.
    const state = await fixture.sim.state();
    expect(state.sso.ssoMethod).toBe("Federated and Remote");
  });

  it("says in the comment that a write-only secret changed when only the password differs", async () => {
    const stack = synthBasic();
    const applied = await runScript("apply.sh", [stack], stepEnv(fixture).env);
    expect(applied.code).toBe(0);

    const rotated = "canary-store-ci-rotated-6a6a";
    const out = mkdtempSync(join(tmpdir(), "cpq-sso-ci-report-"));
    const step = stepEnv(fixture, canaryVariables({ storePass: rotated }));
    const r = await runScript("plan-comment.sh", [stack, out], step.env);
    expect(r.code).toBe(0);
    const comment = read(join(out, "comment.md"));
    expect(comment).toContain("### ⚠️ CPQ SSO plan: 1 to change; may need a CPQ restart.");
    expect(comment).toContain(
      "A write-only secret (`saml_store_pass_wo` or `saml_key_pass_wo`) changed and will be sent to CPQ",
    );
    for (const text of [comment, read(join(out, "summary.json")), r.stdout, r.stderr]) {
      expectNoCanary(text);
      expect(text).not.toContain(rotated);
    }
    expect(existsSync(join(stack, "terraform.tfstate"))).toBe(true);
  });
});
