/**
 * The provider's log lines reach Terraform's log at their own level. go-plugin re-logs a plugin's
 * hclog JSON line at its `@level` only when its `@timestamp` parses with six fractional digits;
 * with JavaScript's three, every line was logged raw at DEBUG, and an error line vanished at
 * `TF_LOG=error`. Tested through terraform itself.
 *
 * And the lines a person reads: a retry at INFO with CPQ's reason and the wait, the probe of
 * `login_reads = "auto"` explained once at INFO (a site shaped as Oracle documents it answers it
 * 400, which is no failure), and credentials CPQ refuses reported once with the fix, every other
 * resource saying so in one line.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

describeWithTerraform("the provider's log levels under terraform", () => {
  const fixture = new E2eFixture();

  it("shows the provider's error line at TF_LOG=error, as an ERROR of the provider", async () => {
    await fixture.sim.fault({
      path: "^/rest/v19/users$",
      kind: "status",
      status: 500,
      count: 100,
    });
    const ws = fixture.workspace();
    ws.write({ ...cpqProviderConfig({ max_retries: 0 }), data: { cpq_users: { all: {} } } });
    await ws.init();
    const logFile = join(ws.dir, "terraform.log");
    const plan = await ws.run(["plan", "-input=false", "-no-color"], {
      env: { TF_LOG: "error", TF_LOG_PATH: logFile },
    });
    expect(plan.code).toBe(1);
    const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    const line = log.split("\n").find((l) => l.includes("rpc failed"));
    expect(line).toMatch(/\[ERROR\] provider\.terraform-provider-cpq_v[\d.]+: rpc failed: /);
    // Parsed, not passed on raw: the fields are Terraform's key=value pairs, not our JSON.
    expect(line).toContain("rpc=ReadDataSource");
    expect(line).not.toContain('"@level"');
  });

  it("logs a retry at INFO with CPQ's reason and the wait, and explains the login_reads probe once, never as a failure", async () => {
    await fixture.sim.fault({ path: "^/rest/v19/users$", kind: "status", status: 503, count: 1 });
    const ws = fixture.workspace();
    ws.write({
      ...cpqProviderConfig(),
      resource: {
        cpq_user_sso: {
          jdoe: { user_login: "jdoe", enabled_for_sso: true },
          asmith: { user_login: "asmith", enabled_for_sso: true },
        },
      },
    });
    await ws.init();
    const logFile = join(ws.dir, "terraform.log");
    const plan = await ws.run(["plan", "-input=false", "-no-color"], {
      env: { TF_LOG_PROVIDER: "info", TF_LOG_PATH: logFile },
    });
    expect(plan.code).toBe(0);
    const lines = readFileSync(logFile, "utf8").split("\n");
    const ours = lines.filter((l) => l.includes("provider.terraform-provider-cpq_v"));
    const retry = ours.filter((l) => l.includes("cpq request failed; retrying"));
    expect(retry).toHaveLength(1);
    expect(retry[0]).toMatch(
      /\[INFO\]\s+provider\.terraform-provider-cpq_v[\d.]+: cpq request failed; retrying GET \/rest\/v19\/users\?\S+ in \d+\.\d s: CPQ answered 503 Service Unavailable; retry 1 of at most \d+/,
    );
    const probe = ours.filter((l) => l.includes("login_reads"));
    expect(probe).toHaveLength(1);
    expect(probe[0]).toContain("[INFO]");
    expect(probe[0]).toContain("This site refuses it (400)");
    expect(ours.filter((l) => /\[(WARN|ERROR)\]/.test(l))).toEqual([]);
  });

  it("reports credentials CPQ refuses once with the fix, and in one line for every other resource", async () => {
    const ws = fixture.workspace({ CPQ_PASSWORD: "canary-wrong-password-4d1e" });
    ws.write({
      ...cpqProviderConfig(),
      data: {
        cpq_users: {
          all: {},
          jdoe: { login: "jdoe" },
          asmith: { login: "asmith" },
          bwayne: { login: "bwayne" },
        },
      },
    });
    await ws.init();
    const plan = await ws.plan();
    expect(plan.code).toBe(1);
    const text = plan.stderr.replace(/[│\s]+/g, " ");
    expect(text.split("Check the username and password").length - 1).toBe(1);
    expect(text).toContain("CPQ_PASSWORD");
    expect(text.split("CPQ refused the credentials earlier in this run").length - 1).toBe(3);
    expect(text).not.toContain("canary-wrong-password-4d1e");
  });
});
