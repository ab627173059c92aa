// The soak of scripts/soak.ts, short: a few plan/apply rounds of the SSO + logins stack under
// random transient faults. No round may go wrong. The long run is `npm run soak` (see
// docs/reliability.md); this keeps its code exercised on every test run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithTerraform } from "./harness";
import { Prng } from "../support/prng";
import { failedClearly, wrongSign } from "../support/terraform-output";

describe("the soak's judgement of a terraform run", () => {
  const run = (code: number, stderr: string) => ({ code, stdout: "", stderr, timedOut: false });

  it("counts an error naming the CPQ endpoint as a clear failure, even when terraform wraps the line", () => {
    expect(
      failedClearly(
        run(
          1,
          "Error: The cpq provider failed during apply\n\nCPQ answered 503 to PUT\n/rest/v19/users/P00001/integrations/idp: busy",
        ),
      ),
    ).toBe(true);
  });

  it("does not count an error that names no endpoint, or a success, as a clear failure", () => {
    expect(failedClearly(run(1, "Error: something broke"))).toBe(false);
    expect(failedClearly(run(0, "GET /rest/v19/users"))).toBe(false);
  });

  it("flags Terraform's inconsistent-result error and plugin crashes as going wrong", () => {
    const inconsistent =
      "Error: Provider produced inconsistent result after apply\n\nWhen applying changes to GET /rest/v19/users";
    expect(wrongSign(inconsistent)).toMatch(/inconsistent result/);
    expect(failedClearly(run(1, inconsistent))).toBe(false);
    expect(wrongSign("Error: Plugin did not respond")).toBeDefined();
    expect(wrongSign("panic: runtime error")).toBeDefined();
    expect(
      wrongSign("Error: CPQ answered 503 to PUT /rest/v19/users/1/integrations/idp"),
    ).toBeUndefined();
  });

  it("draws the same faults from the same seed", () => {
    const draw = (seed: number) => {
      const rng = new Prng(seed);
      return Array.from({ length: 20 }, () => rng.int(0, 1000));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
});

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
