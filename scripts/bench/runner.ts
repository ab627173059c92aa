/**
 * What every section of `npm run bench` shares: where things are, the options, one row of the
 * table, and the bench's terraform working directory, {@link Workspace}: the tests' `TfDir`
 * (tooling/tf-dir.ts) with each run timed.
 */
import { join } from "node:path";
import { SimAdmin } from "../../tooling/sim-admin";
import type { RunningSimulator } from "../../simulator";
import { TfDir } from "../../tooling/tf-dir";
import type { Stats } from "./measure";

export const ROOT = join(__dirname, "..", "..");
export const BUNDLE = join(ROOT, "dist", "provider.js");
export const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
/** Added by the simulator to every CPQ request of the scale sections (3, 6, 7). */
export const LATENCY_MS = 20;
/** Terraform's `-parallelism`, and the provider's `max_concurrency` where a stack sets it. */
export const PARALLELISM = 10;
/** No terraform command of the suite may run longer than this. */
export const COMMAND_TIMEOUT_MS = 60 * 60_000;

/** The options of a bench run (see the comment at the top of scripts/bench.ts). */
export interface Options {
  readonly full: boolean;
  readonly fullApply: boolean;
  readonly runs: number;
  readonly fullRuns: number;
  readonly handshakeRuns: number;
  readonly only: ReadonlySet<number>;
  readonly json: string | undefined;
  /** Section 6: the size of the tab. */
  readonly tabLogins: number;
}

/** One row of the table. */
export interface Row {
  readonly section: number;
  readonly what: string;
  readonly figure: Stats;
  /** The floors, each with a label; the ratio is to the first. */
  readonly floors: readonly { readonly label: string; readonly ms: number }[];
  /** The goal as a ratio to the first floor (or an absolute limit when `limit` is set). */
  readonly goal?: { readonly ratio?: number; readonly limitMs?: number; readonly text: string };
  readonly note?: string;
  /** The unit of the figure; default milliseconds. */
  readonly unit?: "MiB";
}

/** Progress on stderr; the table alone goes to stdout. */
export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/**
 * A bench working directory named under the bench's root: the shared `TfDir`, whose runs say how
 * long they took, with the bench's defaults (no prompt, no colour, `-parallelism=10`, an hour's
 * time limit) and its failures cut to their tail.
 */
export class Workspace extends TfDir {
  constructor(root: string, name: string, cliConfigFile: string, env: Record<string, string>) {
    // Every provider process of the bench keeps its code cache in the bench's directory, not in
    // the user's; the warm-up run before each measured series fills it.
    super({ cliConfigFile, codeCacheDir: join(root, "code-cache") }, env, {
      dir: join(root, name),
      compactJson: true,
    });
  }

  /**
   * Runs a command, failing on an exit code outside `ok`; returns the wall milliseconds.
   * `extra`: added to the environment, e.g. a provider session's `TF_REATTACH_PROVIDERS`.
   */
  async timed(
    args: readonly string[],
    ok: readonly number[] = [0],
    extra: Readonly<Record<string, string>> = {},
  ): Promise<number> {
    const r = await this.run([...args, "-input=false", "-no-color"], {
      env: { ...extra },
      timeoutMs: COMMAND_TIMEOUT_MS,
    });
    if (!ok.includes(r.code)) {
      // The tail only: a failed plan of 10,000 logins prints megabytes.
      throw new Error(
        `terraform ${args.join(" ")} in ${this.dir} exited ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`,
      );
    }
    return r.ms;
  }

  /** `plan` with the changes exit code (2) allowed; the wall milliseconds. */
  timedPlan(extra: Readonly<Record<string, string>> = {}): Promise<number> {
    return this.timed(["plan", "-detailed-exitcode", `-parallelism=${PARALLELISM}`], [0, 2], extra);
  }

  /** `apply -auto-approve`; the wall milliseconds. */
  timedApply(): Promise<number> {
    return this.timed(["apply", "-auto-approve", `-parallelism=${PARALLELISM}`]);
  }
}

/** CPQ requests the simulator received since the log was last cleared, and clears it. */
export async function takeRequestCount(sim: RunningSimulator): Promise<number> {
  const admin = new SimAdmin(sim.url);
  const count = (await admin.requests()).length;
  await admin.clearRequests();
  return count;
}
