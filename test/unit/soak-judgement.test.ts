// The soak's judgement of a terraform run (tooling/terraform-output.ts) and its seeded
// PRNG: pure functions, so tested here rather than beside the soak itself
// (test/e2e/reliability-soak.test.ts), which needs terraform.
import { Prng } from "../../tooling/prng";
import { failedClearly, wrongSign } from "../../tooling/terraform-output";

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
