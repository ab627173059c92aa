/**
 * The restart flag after an apply (`cpq-sso report --apply`): read from `terraform output
 * -json`, `terraform show -json` of the state, or the state file, counted against the applied
 * plan, and handed to a pipeline as `$GITHUB_OUTPUT`, a job summary and an exit code.
 */
import { appendFileSync, readFileSync } from "node:fs";
import type { PlanJson } from "./plan-json";
import { answersRestart, asRecord, parsePlanJson, resourceOf, shownResources } from "./plan-json";
import { readInput } from "./io";

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

/**
 * Reads the restart flag after an apply from `terraform output -json` (outputs whose name ends in
 * `restart_required`), `terraform show -json` of the state, or the state file itself.
 */
export function restartFlags(
  text: string,
  appliedPlan?: PlanJson,
): { restartRequired: boolean; sources: string[] } {
  let raw: Record<string, unknown>;
  try {
    raw = asRecord(JSON.parse(text));
  } catch {
    throw new Error(
      "The input is not JSON. Give the output of `terraform output -json` or `terraform show -json` (a file or stdin).",
    );
  }
  const sources: string[] = [];
  if (raw.values && typeof raw.values === "object") {
    // `terraform show -json` of a state: every module's resources.
    for (const r of shownResources(asRecord(raw.values).root_module)) {
      if (answersRestart(r.type) && r.values?.restart_required === true) sources.push(r.address);
    }
  } else if (Array.isArray(raw.resources) && typeof raw.version === "number") {
    // The state file (format version 4).
    for (const r of (raw as StateFile).resources ?? []) {
      if (!answersRestart(r.type) || r.mode === "data") continue;
      for (const i of r.instances ?? []) {
        if (i.attributes?.restart_required !== true) continue;
        const key = i.index_key === undefined ? "" : `[${JSON.stringify(i.index_key)}]`;
        sources.push(`${r.module ? `${r.module}.` : ""}${r.type}.${r.name}${key}`);
      }
    }
  } else {
    for (const [name, o] of Object.entries(raw)) {
      if (name.endsWith("restart_required") && asRecord(o).value === true) sources.push(name);
    }
  }
  // restart_required answers for the last change, which may be older than this apply. Given the
  // applied plan, only resources this apply sent settings for count: exactly those whose
  // restart_required the plan left unknown. Output names cannot be matched to resources, so with
  // outputs the plan only tells whether any SSO configuration was sent.
  if (!appliedPlan) return { restartRequired: sources.length > 0, sources };
  // A destroy that switched SSO off left no state to hold CPQ's answer: the plan says it.
  const switchedOff = ssoSwitchedOff(appliedPlan).map((a) => `${a} (destroyed: SSO switched off)`);
  const sent = new Set(
    (appliedPlan.resource_changes ?? [])
      .filter(
        (rc) =>
          answersRestart(rc.type) && asRecord(rc.change.after_unknown).restart_required === true,
      )
      .map((rc) => rc.address),
  );
  const fromOutputs = !(raw.values || Array.isArray(raw.resources));
  const counted = [
    ...(fromOutputs ? (sent.size > 0 ? sources : []) : sources.filter((a) => sent.has(a))),
    ...switchedOff,
  ];
  return { restartRequired: counted.length > 0, sources: counted };
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
  const { restartRequired, sources } = restartFlags(
    readInput(args.input),
    planFile === undefined ? undefined : parsePlanJson(readFileSync(planFile, "utf8")),
  );
  const line = restartRequired
    ? `CPQ asked for a server restart (${sources.join(", ")}): schedule it for the new SSO settings to take effect.`
    : "CPQ did not ask for a server restart.";
  process.stdout.write(`${line}\nrestart_required=${restartRequired}\n`);
  if (process.env.GITHUB_OUTPUT)
    appendFileSync(process.env.GITHUB_OUTPUT, `restart_required=${restartRequired}\n`);
  if (process.env.GITHUB_STEP_SUMMARY) {
    appendFileSync(
      process.env.GITHUB_STEP_SUMMARY,
      restartRequired
        ? `### ⚠️ CPQ SSO apply: restart required\n\n> [!WARNING]\n> ${line}\n\n`
        : `### ✅ CPQ SSO apply: no restart needed\n\n${line}\n\n`,
    );
  }
  return restartRequired && exitCode !== undefined ? exitCode : 0;
}
