/**
 * The provider's log lines reach Terraform's log at their own level. go-plugin re-logs a plugin's
 * hclog JSON line at its `@level` only when its `@timestamp` parses with six fractional digits;
 * with JavaScript's three, every line was logged raw at DEBUG, and an error line vanished at
 * `TF_LOG=error`. Tested through terraform itself.
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
});
