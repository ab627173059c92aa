/**
 * A runner for the commands the tests run besides terraform (the cpq-sso CLI, bash, node);
 * terraform itself runs through the shared runner (provider/cli/terraform.ts, via TfDir).
 */
import { spawn } from "node:child_process";

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

/** Whether a process of this pid is alive (signal 0: a check, nothing is sent). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
