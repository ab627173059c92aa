/**
 * For the CI recipe tests: examples/basic synthesized into a temporary directory, the simulator
 * seeded with canary partner passwords, and the scripts the workflows run (`ci/*.sh`),
 * run as the workflows run them, with `cpq-sso` from the built bundle.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../simulator";
import type { RunningSimulator, SimulatorOptions } from "../../simulator";
import type { E2eFixture } from "../support/e2e-fixture";
import { synthExample } from "../support/synth-example";
import { codeCacheEnv } from "../../tooling/terraform-env";
import { runCommand } from "./harness";
import type { RunResult } from "./harness";

export const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "dist", "cpq-sso.js");

/** Canary values for every secret of examples/basic: none may appear in any output. */
export const CANARY = {
  keystore: Buffer.from("canary-keystore-ci-7c1e").toString("base64"),
  storePass: "canary-store-ci-2b9d",
  keyPass: "canary-key-ci-5e0a",
  jdoePassword: "canary-jdoe-erp-91f3",
  asmithPassword: "canary-asmith-erp-4d22",
  asmithToken: "canary-asmith-token-08bb",
} as const;

/** The example's secrets as the workflows pass them. */
export function canaryVariables(
  overrides: Partial<Record<keyof typeof CANARY, string>> = {},
): Record<string, string> {
  const c = { ...CANARY, ...overrides };
  return {
    TF_VAR_saml_request_keystore: c.keystore,
    TF_VAR_saml_store_pass: c.storePass,
    TF_VAR_saml_key_pass: c.keyPass,
    TF_VAR_jdoe_erp_password: c.jdoePassword,
    TF_VAR_asmith_erp_password: c.asmithPassword,
    TF_VAR_asmith_erp_token: c.asmithToken,
  };
}

/** Fails the test naming the canary when any of them is in `text`. */
export function expectNoCanary(text: string): void {
  for (const [name, value] of Object.entries(CANARY)) {
    expect({ name, found: text.includes(value) }).toEqual({ name, found: false });
  }
}

/** Simulator options: its ERP partner knows the canary passwords (asmith's login is checked). */
export const CANARY_SIMULATOR: SimulatorOptions = {
  partnerCredentials: [
    { tab: "erp", login: "jdoe@erp.example.com", password: CANARY.jdoePassword },
    {
      tab: "erp",
      login: "asmith@erp.example.com",
      password: CANARY.asmithPassword,
      securityToken: CANARY.asmithToken,
    },
  ],
};

/** Another simulator with {@link CANARY_SIMULATOR}'s options, beside the fixture's. */
export function startCanarySimulator(): Promise<RunningSimulator> {
  return startSimulator({ ...CANARY_SIMULATOR, port: 0 });
}

/** examples/basic as synthesized by the test file's first {@link synthBasic}: its output dir. */
let synthesized: string | undefined;

/**
 * examples/basic synthesized as the workflows do (`CDKTF_OUTDIR=... npx tsx app`); the stack dir
 * of a fresh copy, since terraform and the scripts write into it. The app is the same for every
 * test, so a test file synthesizes it once (a tsx process that loads cdktf: seconds on a busy
 * machine) and each call copies the whole output, manifest and all.
 */
export function synthBasic(): string {
  if (synthesized === undefined) {
    const out = mkdtempSync(join(tmpdir(), "cpq-sso-ci-synth-"));
    const { run } = synthExample("basic", out);
    if (run.status !== 0) throw new Error(`synth failed: ${run.stderr}`);
    synthesized = out;
  }
  const copy = mkdtempSync(join(tmpdir(), "cpq-sso-ci-synth-"));
  cpSync(synthesized, copy, { recursive: true });
  return join(copy, "stacks", "basic");
}

/** The environment of a workflow step: credentials, secrets, provider, GitHub's files. */
export interface StepEnv {
  readonly env: Record<string, string>;
  readonly githubOutput: string;
  readonly stepSummary: string;
}

/** A step's environment against the fixture's simulator and provider install, and `extra`. */
export function stepEnv(fixture: E2eFixture, extra: Record<string, string> = {}): StepEnv {
  const gh = mkdtempSync(join(tmpdir(), "cpq-sso-ci-gh-"));
  const githubOutput = join(gh, "output");
  const stepSummary = join(gh, "summary.md");
  writeFileSync(githubOutput, "");
  writeFileSync(stepSummary, "");
  return {
    githubOutput,
    stepSummary,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...codeCacheEnv(),
      TF_CLI_CONFIG_FILE: fixture.install.cliConfigFile,
      CHECKPOINT_DISABLE: "1",
      CPQ_SSO: `${process.execPath} ${CLI}`,
      ...fixture.env(),
      GITHUB_OUTPUT: githubOutput,
      GITHUB_STEP_SUMMARY: stepSummary,
      ...canaryVariables(),
      ...extra,
    },
  };
}

/** Runs `ci/<name>` with bash, as `cpq-sso ci` does in a workflow step. */
export function runScript(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<RunResult> {
  return runCommand("bash", [join(ROOT, "ci", name), ...args], { cwd: ROOT, env });
}

/** Reads a file as text. */
export const read = (file: string): string => readFileSync(file, "utf8");

/**
 * The stack the apply recipe applied, as the tests of a file start from it: examples/basic
 * synthesized, `ci/apply.sh` run once (init, plan, show, apply, state pull: no test's subject
 * here), and the simulator's checkpoint of the site it left; before each test the checkpoint is
 * restored and the test gets a fresh copy of the applied stack. Registers the file's `beforeAll`
 * and `beforeEach`; the returned function gives the current test's stack directory.
 */
export function appliedStackEachTest(fixture: E2eFixture): () => string {
  let applied: string;
  let stack: string | undefined;
  beforeAll(async () => {
    applied = synthBasic();
    const r = await runScript("apply.sh", [applied], stepEnv(fixture).env);
    if (r.code !== 0) throw new Error(`apply failed:\n${r.stdout}\n${r.stderr}`);
    await fixture.sim.checkpoint();
  });
  beforeEach(async () => {
    await fixture.sim.restore();
    stack = fixture.workspaceFrom({ dir: applied }).dir;
  });
  return () => {
    if (stack === undefined) throw new Error("the applied stack is made before each test");
    return stack;
  };
}
