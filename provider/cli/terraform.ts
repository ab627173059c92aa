/**
 * The one way this project starts terraform: `cpq-sso drift`, `npm start`, the bench, the soak and
 * the tests all call it. It owns which binary runs (`TERRAFORM_BINARY_NAME`, the variable CDKTF's
 * own CLI reads, else `terraform`), the process group (terraform leads a new one, so it can be
 * stopped together with its provider plugins), a time limit (a hung terraform cannot hang its
 * caller), the message when the binary is missing, and the capture of its output.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";

/** How one terraform command runs. */
export interface TerraformOptions {
  readonly cwd: string;
  /** The whole environment of the command (nothing else is inherited). */
  readonly env: NodeJS.ProcessEnv;
  /** Killed with its process group after this long. @default 300000 (5 minutes) */
  readonly timeoutMs?: number;
  /** `capture` (the default) collects stdout and stderr; `inherit` shows them as they come. */
  readonly output?: "capture" | "inherit";
  /** Who needs terraform, for the message when it is missing (e.g. "the drift check"). */
  readonly purpose?: string;
  /**
   * Pass SIGINT and SIGTERM this process receives on to terraform's group, and wait for it:
   * terraform leads a group of its own, so a Ctrl+C or a runner's cancel would not reach it.
   * For commands (drift, npm start); tests stop their runs themselves. @default false
   */
  readonly forwardSignals?: boolean;
}

/** What a finished command left. */
export interface TerraformResult {
  /** The exit code; -1 when a signal ended it. */
  readonly code: number;
  /** Empty with `output: "inherit"`. */
  readonly stdout: string;
  readonly stderr: string;
  /** Whether the time limit ended it. */
  readonly timedOut: boolean;
}

/** A command under way. */
export interface TerraformRun {
  readonly child: ChildProcess;
  readonly done: Promise<TerraformResult>;
  /** Sends `signal` to terraform's whole process group (terraform and its plugins). */
  killGroup(signal: NodeJS.Signals): void;
}

/** The terraform binary the user chose: `TERRAFORM_BINARY_NAME`, else `terraform`. */
export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.TERRAFORM_BINARY_NAME?.trim();
  return chosen ? chosen : "terraform";
}

/** Starts `terraform args...`; see the module comment. */
export function startTerraform(args: readonly string[], opts: TerraformOptions): TerraformRun {
  const binary = terraformBinary(opts.env);
  const capture = (opts.output ?? "capture") === "capture";
  const child = spawn(binary, [...args], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: capture ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const forward = (signal: NodeJS.Signals): void => killGroup(signal);
  if (opts.forwardSignals === true) {
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
  }
  const stopForwarding = (): void => {
    process.off("SIGINT", forward);
    process.off("SIGTERM", forward);
  };
  const done = new Promise<TerraformResult>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup("SIGKILL");
    }, opts.timeoutMs ?? 300_000);
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      stopForwarding();
      reject(
        e.code === "ENOENT"
          ? new Error(
              `${binary} is not on the PATH${opts.purpose ? `; ${opts.purpose} runs it` : ""}. Install terraform 1.11 or later, or set TERRAFORM_BINARY_NAME to the binary to run.`,
            )
          : e,
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      stopForwarding();
      resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr, timedOut });
    });
  });
  return { child, done, killGroup };
}

/** Runs `terraform args...` to its end. */
export function runTerraform(
  args: readonly string[],
  opts: TerraformOptions,
): Promise<TerraformResult> {
  return startTerraform(args, opts).done;
}
