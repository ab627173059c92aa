/**
 * What the end-to-end tier needs besides its fixture (test/support/e2e-fixture.ts): a `describe`
 * that needs terraform, a runner for the other commands the tests run (bash, node), and the
 * provider block of a JSON configuration.
 */
import { spawn, spawnSync } from "node:child_process";
import { terraformBinary } from "../../provider/cli/terraform";

/** Whether a terraform binary is on the PATH. */
export const terraformAvailable: boolean = (() => {
  const r = spawnSync(terraformBinary(), ["version"], { encoding: "utf8" });
  return r.status === 0;
})();

/**
 * `describe` when terraform is installed; otherwise a skipped block and a loud warning, so a
 * missing terraform never passes silently.
 */
export function describeWithTerraform(name: string, fn: () => void): void {
  if (terraformAvailable) {
    describe(name, fn);
    return;
  }
  console.warn(
    `SKIPPED "${name}": terraform is not on the PATH. These end-to-end tests need the real ` +
      "terraform binary (1.11+); install it to run them.",
  );
  describe.skip(name, fn);
}

/** A finished command: its exit code (-1 when a signal ended it) and its output. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end, collecting its output; rejects only when it cannot start. */
export function runCommand(
  cmd: string,
  args: readonly string[],
  opts: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The provider block and required_providers for a JSON configuration. */
export function cpqProviderConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    terraform: { required_providers: { cpq: { source: "cpq-sso/cpq" } } },
    provider: { cpq: [extra] },
  };
}
