/**
 * Runs the `run:` steps of a GitHub Actions job on this machine, as a runner would run them: in
 * order, each with bash `-eo pipefail` (GitHub's default shell), the workflow's, job's and step's
 * `env:` with their `${{ }}` expressions filled in, and the files GitHub gives a step
 * (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY) read back after it, so a later
 * step sees the PATH and environment an earlier one set and the job's `outputs:` come from its
 * steps' outputs. Steps that `uses:` an action are skipped (setup-node, setup-terraform and
 * checkout: the test provides what they would); the caller runs any it cares about itself.
 *
 * Only the expressions the example workflows use are understood; any other one fails the test,
 * so the runner cannot silently give a workflow a value GitHub would not.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "./run-command";
import type { RunResult } from "./run-command";

// js-yaml (a declared dev dependency) parses the workflows as GitHub would; it ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string): unknown };

/** The parts of a step the runner reads. */
export interface WorkflowStep {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly env?: Readonly<Record<string, string | number>>;
  readonly with?: Readonly<Record<string, unknown>>;
}

/** The parts of a job the runner reads. */
export interface WorkflowJob {
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly env?: Readonly<Record<string, string | number>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly steps?: readonly WorkflowStep[];
}

/** The parts of a workflow the runner reads. */
export interface Workflow {
  readonly env?: Readonly<Record<string, string | number>>;
  readonly jobs: Readonly<Record<string, WorkflowJob>>;
}

/** Parses a workflow file. */
export function loadWorkflow(file: string): Workflow {
  return yaml.load(readFileSync(file, "utf8")) as Workflow;
}

/** A finished job, as `needs.<job>` shows it to the jobs after it. */
export interface JobResult {
  readonly result: "success" | "failure";
  readonly outputs: Readonly<Record<string, string>>;
}

/** What the expressions of a job may read. */
export interface ExpressionContext {
  readonly secrets: Readonly<Record<string, string>>;
  readonly vars: Readonly<Record<string, string>>;
  readonly runnerTemp: string;
  readonly needs: Readonly<Record<string, JobResult>>;
  readonly steps: Readonly<Record<string, { readonly outputs: Readonly<Record<string, string>> }>>;
}

/** The value of one context path (`secrets.X`, `needs.J.outputs.Y`, ...); a missing one is "". */
function lookup(path: string, ctx: ExpressionContext): string {
  const parts = path.split(".");
  const [head, a, b, c] = parts;
  if (head === "secrets" && parts.length === 2) return ctx.secrets[a!] ?? "";
  if (head === "vars" && parts.length === 2) return ctx.vars[a!] ?? "";
  if (path === "runner.temp") return ctx.runnerTemp;
  if (head === "steps" && b === "outputs" && parts.length === 4) {
    return ctx.steps[a!]?.outputs[c!] ?? "";
  }
  if (head === "needs" && b === "outputs" && parts.length === 4) {
    return ctx.needs[a!]?.outputs[c!] ?? "";
  }
  throw new Error(`the workflow runner does not know the expression \`${path}\``);
}

/**
 * A condition (a job's or step's `if:`, with or without `${{ }}`): terms joined by `&&`, each
 * `always()`, `success()`, `failure()`, or `<context path> == '<text>'` / `!= '<text>'`.
 * `success()` and `failure()` read the results of the jobs `needs` lists, as GitHub's do.
 */
export function evaluateCondition(condition: string, ctx: ExpressionContext): boolean {
  const text = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const needsFailed = Object.values(ctx.needs).some((n) => n.result !== "success");
  return text.split("&&").every((raw) => {
    const term = raw.trim();
    if (term === "always()") return true;
    if (term === "success()") return !needsFailed;
    if (term === "failure()") return needsFailed;
    const m = /^([\w.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(term);
    if (!m) throw new Error(`the workflow runner does not know the condition \`${term}\``);
    const equal = lookup(m[1]!, ctx) === m[3];
    return m[2] === "==" ? equal : !equal;
  });
}

/** A job's implicit condition when it states none: GitHub's `success()`. */
export function jobRuns(job: WorkflowJob, ctx: ExpressionContext): boolean {
  return evaluateCondition(job.if ?? "success()", ctx);
}

/** Fills in every `${{ path }}` of `text`. */
export function expand(text: string, ctx: ExpressionContext): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, path: string) => lookup(path, ctx));
}

const expandEnv = (
  env: Readonly<Record<string, string | number>> | undefined,
  ctx: ExpressionContext,
): Record<string, string> =>
  Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, expand(String(v), ctx)]));

/** `NAME=value` lines and `NAME<<DELIMITER` blocks, as GitHub reads GITHUB_OUTPUT and GITHUB_ENV. */
export function parseGithubFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      out[heredoc[1]!] = value.join("\n");
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new Error(`not a NAME=value line: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** One step as it ran. */
export interface StepRun extends RunResult {
  readonly name: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/** A job as it ran: its steps, its result and outputs, and its job summary. */
export interface JobRun extends JobResult {
  readonly steps: readonly StepRun[];
  readonly summary: string;
}

/** Where the job runs and what the machine gives every step. */
export interface RunnerSetup {
  /** The checked-out repository (GITHUB_WORKSPACE, each step's working directory). */
  readonly workspace: string;
  /** RUNNER_TEMP: shared by the jobs, as an artifact would carry files from one to the next. */
  readonly runnerTemp: string;
  /** The machine's own environment (PATH, HOME, ...): what setup-node and setup-terraform leave. */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * Runs `jobId`'s `run:` steps; a step runs when the ones before it succeeded, or when its `if:`
 * says `always()`. `extraEnv` is added to the job's `env:` (what a team would set there).
 */
export async function runJob(
  workflow: Workflow,
  jobId: string,
  setup: RunnerSetup,
  needs: Readonly<Record<string, JobResult>> = {},
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<JobRun> {
  const job = workflow.jobs[jobId];
  if (job === undefined) throw new Error(`the workflow has no job ${jobId}`);
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const ctx = (): ExpressionContext => ({
    secrets: setup.secrets,
    vars: setup.vars,
    runnerTemp: setup.runnerTemp,
    needs,
    steps,
  });
  const files = mkdtempSync(join(setup.runnerTemp, `_runner_file_commands_${jobId}_`));
  const githubPath = join(files, "path");
  writeFileSync(githubPath, "");
  let jobEnv: Record<string, string> = {};
  let failed = false;
  let summary = "";
  const ran: StepRun[] = [];
  for (const [index, step] of (job.steps ?? []).entries()) {
    if (step.run === undefined) continue;
    if (failed && !(step.if !== undefined && evaluateCondition(step.if, ctx()))) continue;
    if (!failed && step.if !== undefined && !evaluateCondition(step.if, ctx())) continue;
    const dir = join(files, `step-${index}`);
    mkdirSync(dir);
    const output = join(dir, "output");
    const envFile = join(dir, "env");
    const stepSummary = join(dir, "summary.md");
    for (const f of [output, envFile, stepSummary]) writeFileSync(f, "");
    const script = join(dir, "script.sh");
    writeFileSync(script, expand(step.run, ctx()));
    const added = readFileSync(githubPath, "utf8").split("\n").filter(Boolean).reverse();
    const env = {
      ...setup.baseEnv,
      PATH: [...added, setup.baseEnv.PATH ?? ""].join(":"),
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: setup.workspace,
      RUNNER_TEMP: setup.runnerTemp,
      GITHUB_OUTPUT: output,
      GITHUB_ENV: envFile,
      GITHUB_PATH: githubPath,
      GITHUB_STEP_SUMMARY: stepSummary,
      ...expandEnv(workflow.env, ctx()),
      ...expandEnv(job.env, ctx()),
      ...extraEnv,
      ...jobEnv,
      ...expandEnv(step.env, ctx()),
    };
    const r = await runCommand("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: setup.workspace,
      env,
    });
    const outputs = parseGithubFile(readFileSync(output, "utf8"));
    if (step.id !== undefined) steps[step.id] = { outputs };
    jobEnv = { ...jobEnv, ...parseGithubFile(readFileSync(envFile, "utf8")) };
    summary += readFileSync(stepSummary, "utf8");
    ran.push({ name: step.name ?? step.run.split("\n", 1)[0]!, outputs, ...r });
    if (r.code !== 0) failed = true;
  }
  // Job outputs are read when the job ends, whether it failed or not.
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([k, v]) => [k, expand(v, ctx())]),
  );
  return { result: failed ? "failure" : "success", outputs, steps: ran, summary };
}
