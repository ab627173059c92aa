import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DriftReport } from "../../provider/cli/drift";
import { E2eFixture } from "../support/e2e-fixture";
import { describeWithTerraform } from "./harness";
import {
  appliedStackEachTest,
  CANARY_SIMULATOR,
  expectNoCanary,
  read,
  runScript,
  startCanarySimulator,
  stepEnv,
} from "./report-ci-harness";

const sha256 = (file: string): string =>
  createHash("sha256").update(readFileSync(file)).digest("hex");

describeWithTerraform("CI recipes: nightly drift check (real terraform)", () => {
  const fixture = new E2eFixture({ simulator: CANARY_SIMULATOR });
  let stack: string;

  const requests = () => fixture.sim.requests();

  /** Runs drift.sh as the workflow does; returns the result and the parsed JSON report. */
  async function drift(extra: Record<string, string> = {}) {
    const report = join(mkdtempSync(join(tmpdir(), "cpq-sso-ci-drift-")), "drift-report.json");
    const step = stepEnv(fixture, extra);
    const r = await runScript("drift.sh", [stack, report], step.env);
    const json = existsSync(report) ? (JSON.parse(read(report)) as DriftReport) : undefined;
    for (const text of [r.stdout, r.stderr, json ? read(report) : "", read(step.stepSummary)])
      expectNoCanary(text);
    return { ...r, json, summary: read(step.stepSummary) };
  }

  // Every test checks a copy of the stack the apply recipe applied once (its init, plan, apply
  // and report are no test's subject here), with the site restored to what that apply left.
  const appliedStack = appliedStackEachTest(fixture);
  beforeEach(async () => {
    stack = appliedStack();
  });

  it("exits 0 in sync, reading CPQ with GETs only and leaving the state file unchanged", async () => {
    const state = join(stack, "terraform.tfstate");
    const before = sha256(state);
    const filesBefore = readdirSync(stack).sort();
    await fixture.sim.clearRequests();

    const r = await drift();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("In sync: CPQ matches the declared configuration");
    expect(r.json).toMatchObject({ inSync: true, drift: false, certificateExpiring: false });
    expect(r.summary).toContain("✅ CPQ SSO drift check: in sync");

    const log = await requests();
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter((x) => x.method !== "GET")).toEqual([]);
    expect(sha256(state)).toBe(before);
    // No backup, no lock file, no plan file left beside the state.
    expect(readdirSync(stack).sort()).toEqual(filesBefore);
  });

  it("exits 2 for an SSO setting changed in CPQ, naming the attribute declared against live", async () => {
    await fixture.sim.postSso({ samlLogoutUrl: "https://elsewhere.example.com/bye" });
    const state = join(stack, "terraform.tfstate");
    const before = sha256(state);
    await fixture.sim.clearRequests();

    const r = await drift();
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("Drift: CPQ differs from the declared configuration.");
    expect(r.stdout).toContain(
      'saml_logout_url: declared "https://idp.example.com/logout", live "https://elsewhere.example.com/bye" (changed outside Terraform)',
    );
    expect(r.json!.drift).toBe(true);
    expect(r.json!.certificateExpiring).toBe(false);
    expect(r.json!.resources).toEqual([
      {
        address: "cpq_sso_configuration.sso",
        action: "update",
        attributes: [
          {
            attribute: "saml_logout_url",
            declared: '"https://idp.example.com/logout"',
            live: '"https://elsewhere.example.com/bye"',
            liveFrom: "cpq",
            changedOutsideTerraform: true,
          },
        ],
      },
    ]);
    expect(r.summary).toContain("⚠️ CPQ SSO drift check: drift found");
    // Drift found is still read-only: CPQ keeps the drifted value, the state is untouched.
    expect((await requests()).filter((x) => x.method !== "GET")).toEqual([]);
    expect(sha256(state)).toBe(before);
    const live = await fixture.sim.state();
    expect(live.sso.samlLogoutUrl).toBe("https://elsewhere.example.com/bye");
  });

  it("exits 2 for a partner login changed in CPQ", async () => {
    const res = await fixture.sim.cpq("PUT", "/rest/v19/users/1001/integrations/erp", {
      login: "someone.else@erp.example.com",
      authType: "password",
    });
    expect(res.status).toBeLessThan(300);
    const r = await drift();
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("cpq_user_integration_login.jdoe_erp");
    expect(r.stdout).toContain(
      'login: declared "jdoe@erp.example.com", live "someone.else@erp.example.com"',
    );
  });

  it("reports an IdP certificate expiring within the threshold with its own flag, exit 2", async () => {
    // The example's certificate is valid until 2036: 20,000 days reaches it.
    const r = await drift({ CERTIFICATE_DAYS: "20000" });
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ inSync: false, drift: false, certificateExpiring: true });
    expect(r.json!.certificates[0]!.notAfter).toBe("2036-11-20T12:35:10Z");
    expect(r.stdout).toContain("No drift: CPQ matches the declared configuration.");
    expect(r.stdout).toContain("Certificate expiring (within 20000 days):");
  });

  it("exits 1 with bad credentials, and 1 when CPQ does not answer", async () => {
    const bad = await drift({ CPQ_PASSWORD: "not-the-password" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("terraform plan failed");
    expect(bad.json).toBeUndefined();
    expect(bad.summary).toContain("❌ CPQ SSO drift check: failed (exit 1)");

    // A port nothing listens on: the simulator stopped.
    const dead = await startCanarySimulator();
    const url = dead.url;
    await dead.close();
    const down = await drift({ CPQ_BASE_URL: url });
    expect(down.code).toBe(1);
    expect(down.json).toBeUndefined();
  });
});
