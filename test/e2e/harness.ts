/**
 * What the end-to-end tier needs besides its fixture (test/support/e2e-fixture.ts): a `describe`
 * that needs terraform; and, from test/support (where the fixture and the reliability stack use
 * them too), the runner for the other commands the tests run (bash, node) and the provider block
 * of a JSON configuration.
 */
import { spawnSync } from "node:child_process";
import { terraformBinary } from "../../provider/cli/terraform";

/** Whether a terraform binary is on the PATH. */
export const terraformAvailable: boolean = (() => {
  const r = spawnSync(terraformBinary(), ["version"], { encoding: "utf8" });
  return r.status === 0;
})();

/**
 * `describe` when terraform is installed; otherwise a skipped block and a loud warning, so a
 * missing terraform never passes silently, and in CI (`CI=true`) a failing test instead.
 */
export function describeWithTerraform(name: string, fn: () => void): void {
  if (terraformAvailable) {
    describe(name, fn);
    return;
  }
  const why =
    `terraform is not on the PATH. These end-to-end tests need the real terraform binary ` +
    "(1.11+); install it to run them.";
  // In CI a skipped end-to-end tier would pass green with nothing tried: there it fails instead.
  if (process.env.CI === "true") {
    describe(name, () => {
      it("needs terraform, which CI must install", () => {
        throw new Error(`"${name}" cannot run in CI (CI=true): ${why}`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${why}`);
  describe.skip(name, fn);
}

export { runCommand } from "../support/run-command";
export type { RunResult } from "../support/run-command";

export { cpqProviderConfig } from "../../tooling/tf-dir";

/**
 * The Node each start of the provider names in terraform's log (`TF_LOG=debug` or lower): the
 * `node=v…` of its "plugin address" line, one per process terraform started.
 */
export function providerNodeVersions(log: string): string[] {
  return [...log.matchAll(/plugin address:.* node=(v[0-9.]+)/g)].map((m) => m[1]!);
}
