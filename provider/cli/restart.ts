/**
 * The restart flag after an apply (`cpq-sso report --apply`): the restart pending in `terraform
 * output -json`, `terraform show -json` of the state, or the state file (and a destroy that
 * switched SSO off, from the applied plan), handed to a pipeline as `$GITHUB_OUTPUT`, a job
 * summary and an exit code.
 */
import { appendFileSync, readFileSync } from "node:fs";
import type { PlanJson, ShownResource } from "./plan-json";
import { answersRestart, asRecord, parsePlanJson, resourceOf, shownResources } from "./plan-json";
import { readInput } from "./io";
import { code } from "./markdown";

/**
 * The resources a plan destroys in a way CPQ restarts for, as each resource's definition says
 * (an SSO configuration with `destroy_behavior = "disable"` POSTs `ssoMethod: "None"`), yet that
 * leaves no state to carry CPQ's answer, so the plan is where a pipeline learns of the restart.
 */
export function ssoSwitchedOff(plan: PlanJson): string[] {
  return (plan.resource_changes ?? [])
    .filter((rc) => rc.mode !== "data")
    .filter((rc) => rc.change.actions.includes("delete") && !rc.change.actions.includes("create"))
    .filter(
      (rc) => resourceOf(rc.type)?.review.destroy(asRecord(rc.change.before)).restart === true,
    )
    .map((rc) => rc.address);
}

interface StateFile {
  resources?: {
    module?: string;
    mode?: string;
    type: string;
    name: string;
    instances?: { index_key?: unknown; attributes?: Record<string, unknown> }[];
  }[];
}

/** A restart pending on one SSO configuration, as its state records it. */
export interface PendingRestart {
  /** The resource address, or the output name when read from `terraform output -json`. */
  readonly address: string;
  /** `restart_pending_since` (RFC 3339); null when the state predates it or outputs lack it. */
  readonly since: string | null;
  /** `restart_pending_reason`; null when unknown. */
  readonly reason: string | null;
}

/** What `restart_pending_since`/`_reason` hold in a state or an output, as text or null. */
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

function pendingOf(address: string, v: Record<string, unknown> | undefined): PendingRestart[] {
  if (v?.restart_required !== true) return [];
  return [
    { address, since: text(v.restart_pending_since), reason: text(v.restart_pending_reason) },
  ];
}

/** The pending restarts among resources as `terraform show -json` gives them (a state, a plan's before). */
export function pendingIn(resources: readonly ShownResource[]): PendingRestart[] {
  return resources
    .filter((r) => answersRestart(r.type) && r.mode !== "data")
    .flatMap((r) => pendingOf(r.address, r.values));
}

/**
 * Reads the pending restart from `terraform output -json` (outputs whose name ends in
 * `restart_required`, with their `restart_pending_since`/`restart_pending_reason` siblings),
 * `terraform show -json` of the state, or the state file itself. `restart_required` is true while
 * a restart CPQ asked for (or may have) is not yet acknowledged with `restart_done_at`, whichever
 * apply caused it, so the state is the whole truth: an apply that failed part way, or one that
 * changed nothing, still reports a restart an earlier one left pending. The applied plan adds the
 * one restart no state can hold: a destroy that switched SSO off.
 */
export function restartFlags(
  text_: string,
  appliedPlan?: PlanJson,
): { restartRequired: boolean; sources: string[]; pending: PendingRestart[] } {
  let raw: Record<string, unknown>;
  try {
    raw = asRecord(JSON.parse(text_));
  } catch {
    throw new Error(
      "The input is not JSON. Give the output of `terraform output -json` or `terraform show -json` (a file or stdin).",
    );
  }
  const pending: PendingRestart[] = [];
  const add = (address: string, v: Record<string, unknown> | undefined): void => {
    pending.push(...pendingOf(address, v));
  };
  if (raw.values && typeof raw.values === "object") {
    // `terraform show -json` of a state: every module's resources.
    pending.push(...pendingIn(shownResources(asRecord(raw.values).root_module)));
  } else if (Array.isArray(raw.resources) && typeof raw.version === "number") {
    // The state file (format version 4).
    for (const r of (raw as StateFile).resources ?? []) {
      if (!answersRestart(r.type) || r.mode === "data") continue;
      for (const i of r.instances ?? []) {
        const key = i.index_key === undefined ? "" : `[${JSON.stringify(i.index_key)}]`;
        add(`${r.module ? `${r.module}.` : ""}${r.type}.${r.name}${key}`, i.attributes);
      }
    }
  } else {
    for (const [name, o] of Object.entries(raw)) {
      if (!name.endsWith("restart_required")) continue;
      const base = name.slice(0, -"restart_required".length);
      add(name, {
        restart_required: asRecord(o).value,
        restart_pending_since: asRecord(raw[`${base}restart_pending_since`]).value,
        restart_pending_reason: asRecord(raw[`${base}restart_pending_reason`]).value,
      });
    }
  }
  // A destroy that switched SSO off left no state to hold CPQ's answer: the plan says it.
  const switchedOff = appliedPlan
    ? ssoSwitchedOff(appliedPlan).map((a) => `${a} (destroyed: SSO switched off)`)
    : [];
  const sources = [...pending.map((p) => p.address), ...switchedOff];
  return { restartRequired: sources.length > 0, sources, pending };
}

/** A value for one `name=value` line of `$GITHUB_OUTPUT`: one line, capped. */
function outputValue(v: string): string {
  return v.replace(/[\r\n]+/g, " ").slice(0, 500);
}

/** The lines `cpq-sso report --apply` appends to `$GITHUB_OUTPUT` (the pipeline's contract). */
export function restartOutputLines(r: ReturnType<typeof restartFlags>): string {
  const first = [...r.pending].sort((a, b) => (a.since ?? "").localeCompare(b.since ?? ""))[0];
  return (
    `restart_required=${r.restartRequired}\n` +
    `restart_pending_since=${outputValue(first?.since ?? "")}\n` +
    `restart_pending_reason=${outputValue(first?.reason ?? "")}\n`
  );
}

/**
 * One sentence per pending restart, for people; `quote` shows the state's text (as it is in a
 * log, as inert code in markdown).
 */
export function pendingLines(
  pending: readonly PendingRestart[],
  quote: (text: string) => string = (t) => t,
): string[] {
  return pending.map(
    (p) =>
      `${quote(p.address)}: a restart has been pending since ${quote(p.since ?? "an earlier apply")}${p.reason ? ` (${quote(outputValue(p.reason))})` : ""}.`,
  );
}

function exitCodeOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 0 || n > 255)
    throw new Error(
      `--exit-code-on-restart takes an exit code from 0 to 255, not "${text}". Pick one your pipeline does not use for errors, e.g. 3.`,
    );
  return n;
}

/** The arguments of `cpq-sso report --apply`, as given on the command line. */
export interface ApplyReportArgs {
  /** The state or outputs JSON file; stdin when undefined or `-`. */
  readonly input: string | undefined;
  /** `--plan`: the applied plan's JSON file. */
  readonly plan: string | undefined;
  /** `--exit-code-on-restart`, unparsed. */
  readonly exitCodeOnRestart: string | undefined;
}

/** `cpq-sso report --apply`; returns the exit code. */
export function runApplyReport(args: ApplyReportArgs): number {
  const exitCode = exitCodeOption(args.exitCodeOnRestart);
  const planFile = args.plan;
  const flags = restartFlags(
    readInput(args.input),
    planFile === undefined ? undefined : parsePlanJson(readFileSync(planFile, "utf8")),
  );
  const { restartRequired, sources } = flags;
  const line = restartRequired
    ? `CPQ needs a server restart (${sources.join(", ")}): schedule it for the SSO settings to take effect, then acknowledge it with restart_done_at.`
    : "No CPQ server restart is pending.";
  const details = pendingLines(flags.pending);
  process.stdout.write(`${[line, ...details].join("\n")}\n${restartOutputLines(flags)}`);
  if (process.env.GITHUB_OUTPUT)
    appendFileSync(process.env.GITHUB_OUTPUT, restartOutputLines(flags));
  if (process.env.GITHUB_STEP_SUMMARY) {
    // The addresses and the reason come from the state: data, shown as code (markdown.ts).
    const body = [
      restartRequired
        ? `CPQ needs a server restart (${sources.map((x) => code(x)).join(", ")}): schedule it for the SSO settings to take effect, then acknowledge it with ${code("restart_done_at")}.`
        : line,
      ...pendingLines(flags.pending, (t) => code(t)),
    ].join("\n> ");
    appendFileSync(
      process.env.GITHUB_STEP_SUMMARY,
      restartRequired
        ? `### ⚠️ CPQ SSO apply: restart required\n\n> [!WARNING]\n> ${body}\n\n`
        : `### ✅ CPQ SSO apply: no restart pending\n\n${body}\n\n`,
    );
  }
  return restartRequired && exitCode !== undefined ? exitCode : 0;
}
