/**
 * A terraform working directory for the reliability tests, the soak and the bench: a JSON
 * configuration and runs through the shared runner (provider/cli/terraform.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTerraform } from "../../provider/cli/terraform";
import type { TerraformResult, TerraformRun } from "../../provider/cli/terraform";
import { terraformEnv } from "./terraform-env";

/** A finished terraform run (the shared runner's result). */
export type TfResult = TerraformResult;

/** A terraform run under way (the shared runner's). */
export type TfRun = TerraformRun;

/**
 * A terraform working directory with a JSON configuration, run through the shared runner
 * (provider/cli/terraform.ts): a process group of its own, so a test can kill terraform with its
 * provider plugins, and a time limit, so a hung terraform cannot hang the caller.
 */
export class TfDir {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(cliConfigFile: string, env: Record<string, string>) {
    this.dir = mkdtempSync(join(tmpdir(), "cpq-sso-rel-"));
    this.env = terraformEnv(cliConfigFile, env);
  }

  write(config: unknown): void {
    writeFileSync(join(this.dir, "main.tf.json"), JSON.stringify(config, null, 2));
  }

  start(
    args: readonly string[],
    opts: { timeoutMs?: number; env?: Record<string, string> } = {},
  ): TfRun {
    return startTerraform(args, {
      cwd: this.dir,
      env: { ...this.env, ...opts.env },
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    });
  }

  run(
    args: readonly string[],
    opts: { timeoutMs?: number; env?: Record<string, string> } = {},
  ): Promise<TfResult> {
    return this.start(args, opts).done;
  }

  init(): Promise<TfResult> {
    return this.run(["init", "-input=false", "-no-color"]);
  }

  /** `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
  plan(extra: readonly string[] = [], env: Record<string, string> = {}): Promise<TfResult> {
    return this.run(["plan", "-input=false", "-no-color", "-detailed-exitcode", ...extra], { env });
  }

  apply(extra: readonly string[] = [], env: Record<string, string> = {}): Promise<TfResult> {
    return this.run(["apply", "-input=false", "-no-color", "-auto-approve", ...extra], { env });
  }

  startApply(extra: readonly string[] = [], env: Record<string, string> = {}): TfRun {
    return this.start(["apply", "-input=false", "-no-color", "-auto-approve", ...extra], { env });
  }

  /** The state file, parsed; undefined when there is none. */
  state(): TfState | undefined {
    const file = join(this.dir, "terraform.tfstate");
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, "utf8")) as TfState;
  }

  /** `type.name` of every resource instance in the state. */
  stateAddresses(): string[] {
    return (this.state()?.resources ?? []).flatMap((r) =>
      r.instances.map(() => `${r.type}.${r.name}`),
    );
  }

  /** Whether terraform left its lock info file (local backend) behind. */
  lockInfoPresent(): boolean {
    return existsSync(join(this.dir, ".terraform.tfstate.lock.info"));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The part of a state file the reliability checks read. */
export interface TfState {
  readonly serial: number;
  readonly resources: readonly {
    readonly type: string;
    readonly name: string;
    readonly instances: readonly { readonly attributes: Record<string, unknown> }[];
  }[];
}
