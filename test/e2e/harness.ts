/**
 * Test harness for the end-to-end tier: the real `terraform` binary driving the real provider
 * bundle (installed into a temporary filesystem mirror) against the real simulator.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTerraform, terraformBinary } from "../../provider/cli/terraform";
import { terraformEnv } from "../support/terraform-env";

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

// One install for every tier (test/support/install.ts); re-exported for the e2e files.
export { installProviderForTests } from "../support/install";
export type { ProviderInstall } from "../support/install";
import type { ProviderInstall } from "../support/install";

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

/** A terraform working directory with a JSON configuration. */
export class TfWorkspace {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(install: ProviderInstall, env: Record<string, string>) {
    this.dir = mkdtempSync(join(tmpdir(), "cpq-sso-tf-"));
    this.env = terraformEnv(install.cliConfigFile, {
      CPQ_SSO_CODE_CACHE: install.codeCacheDir,
      ...env,
    });
  }

  /** Writes `main.tf.json`. */
  write(config: unknown): void {
    writeFileSync(join(this.dir, "main.tf.json"), JSON.stringify(config, null, 2));
  }

  /** Runs terraform through the shared runner (provider/cli/terraform.ts). */
  run(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
    return runTerraform(args, { cwd: this.dir, env: { ...this.env, ...extraEnv } });
  }

  /** Runs terraform and throws with its output when the exit code is not one of `ok`. */
  async must(args: readonly string[], ok: readonly number[] = [0]): Promise<RunResult> {
    const r = await this.run(args);
    if (!ok.includes(r.code)) {
      throw new Error(
        `terraform ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
      );
    }
    return r;
  }

  async init(): Promise<void> {
    await this.must(["init", "-input=false", "-no-color"]);
  }

  /** `terraform plan -detailed-exitcode`: 0 no changes, 2 changes. */
  plan(extra: readonly string[] = []): Promise<RunResult> {
    return this.run(["plan", "-input=false", "-no-color", "-detailed-exitcode", ...extra]);
  }

  apply(extra: readonly string[] = []): Promise<RunResult> {
    return this.must(["apply", "-input=false", "-no-color", "-auto-approve", ...extra]);
  }

  /** The raw state file text. */
  stateText(): string {
    return readFileSync(join(this.dir, "terraform.tfstate"), "utf8");
  }

  /** Attributes of the first instance of a resource in the state. */
  stateAttributes(type: string, name: string): Record<string, unknown> {
    const state = JSON.parse(this.stateText()) as {
      resources: {
        type: string;
        name: string;
        instances: { attributes: Record<string, unknown> }[];
      }[];
    };
    const r = state.resources.find((x) => x.type === type && x.name === name);
    if (!r || !r.instances[0]) throw new Error(`${type}.${name} is not in the state`);
    return r.instances[0].attributes;
  }

  async outputs(): Promise<Record<string, { value: unknown; sensitive: boolean }>> {
    const r = await this.must(["output", "-json", "-no-color"]);
    return JSON.parse(r.stdout) as Record<string, { value: unknown; sensitive: boolean }>;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The provider block and required_providers for a JSON configuration. */
export function cpqProviderConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    terraform: { required_providers: { cpq: { source: "cpq-sso/cpq" } } },
    provider: { cpq: [extra] },
  };
}

/** JSON from the simulator's admin surface. */
export async function simAdmin<T>(url: string, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${url}${path}`, init);
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${path}: ${res.status}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** POSTs an SSO body to the simulator as an administrator would, outside Terraform. */
export async function postSso(
  url: string,
  auth: { username: string; password: string },
  body: Record<string, string>,
): Promise<Record<string, string>> {
  const res = await fetch(`${url}/rest/v19/ssoConfiguration`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`,
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, string>;
  if (res.status !== 200)
    throw new Error(`POST ssoConfiguration: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
