/**
 * The terraform working directory of the tests, the soak and the bench: a JSON configuration and
 * runs through the shared runner (provider/cli/terraform.ts).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { startTerraform } from "../provider/cli/terraform";
import type { TerraformResult, TerraformRun } from "../provider/cli/terraform";
import type { ProviderInstall } from "./install";
import { terraformEnv } from "./terraform-env";

/** A finished terraform run (the shared runner's result). */
export type TfResult = TerraformResult;

/** A finished terraform run of a {@link TfDir}, and how long it took. */
export interface TfTimedResult extends TfResult {
  /** Wall-clock milliseconds from start to exit (what the bench reports). */
  readonly ms: number;
}

/** A terraform run under way (the shared runner's). */
export type TfRun = TerraformRun;

/** How one run differs from the directory's own: more environment, another time limit. */
export interface TfRunOptions {
  /** Added to the directory's environment for this run only. */
  readonly env?: Record<string, string>;
  /** @default the shared runner's (5 minutes) */
  readonly timeoutMs?: number;
}

/** The provider block and required_providers for a JSON configuration. */
export function cpqProviderConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    terraform: { required_providers: { cpq: { source: "cpq-sso/cpq" } } },
    provider: { cpq: [extra] },
  };
}

/**
 * A terraform working directory with a JSON configuration, run through the shared runner
 * (provider/cli/terraform.ts): a process group of its own, so a test can kill terraform with its
 * provider plugins, and a time limit, so a hung terraform cannot hang the caller.
 *
 * `run`, `plan`, `apply` and `startApply` return whatever terraform did, for the tests whose
 * subject is a failing run; `must`, `init`, `mustApply` and `outputs` throw with terraform's
 * output when it fails, for the steps that only set a test up.
 */
export class TfDir {
  readonly dir: string;
  /** The environment of its terraform runs (and of a provider session serving them). */
  readonly env: NodeJS.ProcessEnv;
  private readonly compactJson: boolean;

  /**
   * @param install the provider as installed for the tests (and the soak, the bench): its CLI
   *   configuration, and the code cache the provider runs with.
   * @param env added to every run's environment (the CPQ site and credentials, variables).
   * @param options.dir a directory of the caller's (created when missing) instead of a new
   *   temporary one: the bench keeps each of its directories under its own root.
   * @param options.compactJson write `main.tf.json` on one line (the bench: a configuration of
   *   10,000 logins, as its figures were always measured), not indented for a reader.
   */
  constructor(
    install: Pick<ProviderInstall, "cliConfigFile" | "codeCacheDir">,
    env: Record<string, string> = {},
    options: { readonly dir?: string; readonly compactJson?: boolean } = {},
  ) {
    this.compactJson = options.compactJson ?? false;
    if (options.dir === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), "cpq-sso-tf-"));
    } else {
      mkdirSync(options.dir, { recursive: true });
      this.dir = options.dir;
    }
    this.env = terraformEnv(install.cliConfigFile, {
      CPQ_SSO_CODE_CACHE: install.codeCacheDir,
      ...env,
    });
  }

  /**
   * Copies files or directories, given relative to `from`, into the directory under their base
   * names (an example's `.tf` files beside the provider block of another); returns the directory.
   */
  copyIn(from: string, paths: readonly string[]): this {
    for (const p of paths) cpSync(join(from, p), join(this.dir, basename(p)), { recursive: true });
    return this;
  }

  /**
   * Makes the directory a copy of `template`'s, which must be idle: its configuration, its
   * initialized `.terraform/` and `.terraform.lock.hcl`, and its state. A file's tests build one
   * baseline (init, apply) in a template, then start each test from a copy instead of repeating
   * both. The template is another TfDir or any working directory, such as a synthesized CDKTF
   * stack a recipe applied. Symlinks are copied as they are: terraform links a provider in from
   * its filesystem mirror by absolute path, which stays valid, and a relative link within the
   * directory points into the copy. What the directory held before is removed first (cpSync
   * cannot copy a link over one, and a file the template lacks would not be the template's).
   * Returns the directory.
   */
  copyFrom(template: { readonly dir: string }): this {
    for (const entry of readdirSync(this.dir)) {
      rmSync(join(this.dir, entry), { recursive: true, force: true });
    }
    cpSync(template.dir, this.dir, { recursive: true, verbatimSymlinks: true });
    return this;
  }

  /** Writes `main.tf.json`. */
  write(config: unknown): void {
    const text = this.compactJson ? JSON.stringify(config) : JSON.stringify(config, null, 2);
    writeFileSync(join(this.dir, "main.tf.json"), text);
  }

  /** Starts terraform; the caller waits for `done`, or interrupts it. */
  start(args: readonly string[], opts: TfRunOptions = {}): TfRun {
    return startTerraform(args, {
      cwd: this.dir,
      env: { ...this.env, ...opts.env },
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    });
  }

  /** Runs terraform to its end, whatever its exit code; the result says how long it took. */
  async run(args: readonly string[], opts: TfRunOptions = {}): Promise<TfTimedResult> {
    const started = process.hrtime.bigint();
    const r = await this.start(args, opts).done;
    return { ...r, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  /** Runs terraform and throws with its output when the exit code is not one of `ok`. */
  async must(
    args: readonly string[],
    opts: TfRunOptions & { readonly ok?: readonly number[] } = {},
  ): Promise<TfTimedResult> {
    const r = await this.run(args, opts);
    if (!(opts.ok ?? [0]).includes(r.code)) {
      throw new Error(
        `terraform ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
      );
    }
    return r;
  }

  /** `terraform init`; throws when it fails, since no test is about a failing init. */
  init(): Promise<TfTimedResult> {
    return this.must(["init", "-input=false", "-no-color"]);
  }

  /** `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
  plan(extra: readonly string[] = [], env: Record<string, string> = {}): Promise<TfTimedResult> {
    return this.run(["plan", "-input=false", "-no-color", "-detailed-exitcode", ...extra], { env });
  }

  /** `apply -auto-approve`, whatever its exit code. */
  apply(extra: readonly string[] = [], env: Record<string, string> = {}): Promise<TfTimedResult> {
    return this.run(applyArgs(extra), { env });
  }

  /** `apply -auto-approve`; throws when it fails. */
  mustApply(
    extra: readonly string[] = [],
    env: Record<string, string> = {},
  ): Promise<TfTimedResult> {
    return this.must(applyArgs(extra), { env });
  }

  /** `apply -auto-approve`, started: for the tests that interrupt it. */
  startApply(extra: readonly string[] = [], env: Record<string, string> = {}): TfRun {
    return this.start(applyArgs(extra), { env });
  }

  /** Removes the state and its backup, so the next plan or apply starts from nothing. */
  forgetState(): void {
    for (const f of ["terraform.tfstate", "terraform.tfstate.backup"]) {
      rmSync(join(this.dir, f), { force: true });
    }
  }

  /** The state file, parsed; undefined when there is none. */
  state(): TfState | undefined {
    const file = join(this.dir, "terraform.tfstate");
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, "utf8")) as TfState;
  }

  /** The raw state file text. */
  stateText(): string {
    return readFileSync(join(this.dir, "terraform.tfstate"), "utf8");
  }

  /** Attributes of the first instance of a resource in the state. */
  stateAttributes(type: string, name: string): Record<string, unknown> {
    const r = this.state()?.resources.find((x) => x.type === type && x.name === name);
    if (!r || !r.instances[0]) throw new Error(`${type}.${name} is not in the state`);
    return r.instances[0].attributes;
  }

  /** `type.name` of every resource instance in the state. */
  stateAddresses(): string[] {
    return (this.state()?.resources ?? []).flatMap((r) =>
      r.instances.map(() => `${r.type}.${r.name}`),
    );
  }

  /** `terraform output -json`, parsed; throws when it fails. */
  async outputs(): Promise<Record<string, { value: unknown; sensitive: boolean }>> {
    const r = await this.must(["output", "-json", "-no-color"]);
    return JSON.parse(r.stdout) as Record<string, { value: unknown; sensitive: boolean }>;
  }

  /** Whether terraform left its lock info file (local backend) behind. */
  lockInfoPresent(): boolean {
    return existsSync(join(this.dir, ".terraform.tfstate.lock.info"));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function applyArgs(extra: readonly string[]): string[] {
  return ["apply", "-input=false", "-no-color", "-auto-approve", ...extra];
}

/** The part of a state file the tests read. */
export interface TfState {
  readonly serial: number;
  readonly resources: readonly {
    readonly type: string;
    readonly name: string;
    readonly instances: readonly { readonly attributes: Record<string, unknown> }[];
  }[];
}
