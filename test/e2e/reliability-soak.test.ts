// The soak of scripts/soak.ts, short: a few plan/apply rounds of the SSO + logins stack under
// random transient faults. No round may go wrong. The long run is `npm run soak` (see
// docs/reliability.md); this keeps its code exercised on every test run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithTerraform } from "./harness";

describeWithTerraform("the soak, short", () => {
  it("converges or fails clearly in every round under random transient faults", () => {
    // Run as a user runs it: the soak command, here with few rounds; its report as JSON.
    const report = join(mkdtempSync(join(tmpdir(), "cpq-sso-soak-")), "report.json");
    const r = spawnSync(
      process.execPath,
      [
        require.resolve("tsx/cli"),
        join(__dirname, "..", "..", "scripts", "soak.ts"),
        ...["--rounds", "3", "--logins", "5", "--seed", "11", "--json", report],
      ],
      { encoding: "utf8", timeout: 170_000 },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const soak = JSON.parse(readFileSync(report, "utf8")) as {
      wentWrong: number;
      converged: number;
      failedClearly: number;
      faultsInjected: Record<string, number>;
    };
    expect(soak.wentWrong).toBe(0);
    expect(soak.converged + soak.failedClearly).toBe(3);
    // The seed was chosen so that faults are really injected.
    expect(Object.values(soak.faultsInjected).reduce((n, k) => n + k, 0)).toBeGreaterThan(0);
  }, 180_000);
});
