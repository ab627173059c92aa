/**
 * `cpq-sso report`: the pull-request comment for a plan, and after an apply, the restart flag in
 * a form a pipeline can act on.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { certificateWarnings, parseCertificate } from "../resources/certificate";
import type { PlanJson, ResourceChangeSummary } from "./plan-json";
import { UNKNOWN_TEXT, parsePlanJson, summarizeChange } from "./plan-json";

/** GitHub refuses comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** A certificate concern found in the plan. */
export interface CertificateNote {
  readonly address: string;
  readonly severity: "warning" | "info";
  readonly message: string;
}

/** The machine-readable summary written beside the comment. */
export interface PlanSummary {
  readonly verdict: string;
  readonly changes: { add: number; change: number; destroy: number; replace: number };
  readonly restartLikely: boolean;
  readonly resources: readonly ResourceChangeSummary[];
  readonly certificates: readonly CertificateNote[];
}

function certificateNotes(plan: PlanJson, now: Date): CertificateNote[] {
  const notes: CertificateNote[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== "cpq_sso_configuration") continue;
    const before = (rc.change.before ?? {}) as Record<string, unknown>;
    const after = (rc.change.after ?? {}) as Record<string, unknown>;
    const cert = after.id_provider_certificate;
    if (typeof cert !== "string") continue;
    for (const d of certificateWarnings(cert, "id_provider_certificate", now)) {
      notes.push({ address: rc.address, severity: "warning", message: d.summary });
    }
    const prev =
      typeof before.id_provider_certificate === "string"
        ? parseCertificate(before.id_provider_certificate)
        : undefined;
    const next = parseCertificate(cert);
    if (next && prev && prev.sha256Fingerprint !== next.sha256Fingerprint) {
      notes.push({
        address: rc.address,
        severity: "info",
        message:
          prev.subject === next.subject
            ? `New IdP certificate, same subject (${next.subject}); fingerprint ${next.sha256Fingerprint}, valid until ${next.notAfter}.`
            : `IdP certificate subject changes from "${prev.subject}" to "${next.subject}"; fingerprint ${next.sha256Fingerprint}, valid until ${next.notAfter}.`,
      });
    }
  }
  return notes;
}

/** Summarizes a plan: counts, per-resource changes (masked), restart risk, certificate notes. */
export function summarizePlan(plan: PlanJson, now: Date = new Date()): PlanSummary {
  const resources = (plan.resource_changes ?? [])
    .filter((rc) => rc.mode !== "data")
    .map(summarizeChange)
    .filter((r) => r.action !== "no-op" && r.action !== "read");
  const count = (a: string) => resources.filter((r) => r.action === a).length;
  const changes = {
    add: count("create"),
    change: count("update"),
    destroy: count("delete"),
    replace: count("replace"),
  };
  const restartLikely = resources.some(
    (r) =>
      r.changes.some((c) => c.restart) ||
      (r.type === "cpq_sso_configuration" && r.action === "create"),
  );
  const parts: string[] = [];
  if (changes.add) parts.push(`${changes.add} to add`);
  if (changes.change) parts.push(`${changes.change} to change`);
  if (changes.replace) parts.push(`${changes.replace} to replace`);
  if (changes.destroy) parts.push(`${changes.destroy} to destroy`);
  const verdict =
    parts.length === 0
      ? "No changes: CPQ matches the configuration."
      : `${parts.join(", ")}${restartLikely ? "; may need a CPQ restart" : ""}.`;
  return { verdict, changes, restartLikely, resources, certificates: certificateNotes(plan, now) };
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function resourceTable(r: ResourceChangeSummary): string {
  const lines = [
    `#### \`${r.address}\` (${r.action})`,
    "",
    "| attribute | before | after | |",
    "| --- | --- | --- | --- |",
  ];
  for (const c of r.changes) {
    const badge = c.restart
      ? "⚠️ may need a CPQ restart"
      : c.attribute === "restart_required" && c.after === UNKNOWN_TEXT
        ? "set by CPQ on apply"
        : "";
    lines.push(`| \`${c.attribute}\` | ${cell(c.before)} | ${cell(c.after)} | ${badge} |`);
  }
  return lines.join("\n");
}

function fullPlan(summary: PlanSummary): string {
  return summary.resources
    .map((r) =>
      [
        `${r.address} (${r.action})`,
        ...Object.entries(r.after).map(([k, v]) => `  ${k} = ${v}`),
      ].join("\n"),
    )
    .join("\n\n");
}

/**
 * The pull-request comment in GitHub markdown, never longer than `limit`: the full-plan section is
 * shortened first, then the tables, and the comment says so.
 */
export function renderPlanComment(summary: PlanSummary, limit = GITHUB_COMMENT_LIMIT): string {
  const head = [`### CPQ SSO plan: ${summary.verdict}`, ""];
  if (summary.restartLikely) {
    head.push(
      "> [!WARNING]",
      "> These changes touch settings for which CPQ asks for a server restart. The apply job reports `restart_required`.",
      "",
    );
  }
  for (const c of summary.certificates)
    head.push(`- ${c.severity === "warning" ? "⚠️" : "ℹ️"} \`${c.address}\`: ${c.message}`);
  if (summary.certificates.length) head.push("");
  const tables = summary.resources.map(resourceTable);
  const full = fullPlan(summary);
  const render = (tbl: string[], fullText: string, note: string): string =>
    [
      ...head,
      ...tbl.flatMap((t) => [t, ""]),
      note,
      "<details><summary>Full plan (secrets masked)</summary>",
      "",
      "```",
      fullText,
      "```",
      "</details>",
      "",
    ].join("\n");
  let out = render(tables, full, "");
  if (out.length <= limit) return out;
  // Shorten the full plan first: it repeats what the tables say.
  const note =
    "_The comment was shortened to fit GitHub's limit; run `terraform show` on the plan for every detail._\n";
  const room = limit - render(tables, "", note).length - 20;
  if (room > 0) {
    out = render(tables, `${full.slice(0, room)}\n… (shortened)`, note);
    if (out.length <= limit) return out;
  }
  const kept: string[] = [];
  let size = render([], "", note).length + 200;
  for (const t of tables) {
    if (size + t.length + 2 > limit) break;
    kept.push(t);
    size += t.length + 2;
  }
  const dropped = tables.length - kept.length;
  return render(
    [...kept, `_…and ${dropped} more resource${dropped === 1 ? "" : "s"} not shown._`],
    "(omitted)",
    note,
  );
}

// ---- after apply ----------------------------------------------------------------------------

/** Reads restart flags from `terraform output -json`, or from `terraform show -json` of the state. */
export function restartFlags(text: string): { restartRequired: boolean; sources: string[] } {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const sources: string[] = [];
  let restartRequired = false;
  if (raw.values && typeof raw.values === "object") {
    // `terraform show -json` of a state: walk every module's resources.
    const walk = (mod: {
      resources?: { address: string; type: string; values?: Record<string, unknown> }[];
      child_modules?: unknown[];
    }) => {
      for (const r of mod.resources ?? []) {
        if (r.type === "cpq_sso_configuration" && r.values?.restart_required === true) {
          restartRequired = true;
          sources.push(r.address);
        }
      }
      for (const c of (mod.child_modules ?? []) as (typeof mod)[]) walk(c);
    };
    walk(((raw.values as Record<string, unknown>).root_module ?? {}) as Parameters<typeof walk>[0]);
    return { restartRequired, sources };
  }
  for (const [name, o] of Object.entries(raw)) {
    if (!name.endsWith("restart_required")) continue;
    if ((o as { value?: unknown }).value === true) {
      restartRequired = true;
      sources.push(name);
    }
  }
  return { restartRequired, sources };
}

function readInput(file: string | undefined): string {
  return readFileSync(file === undefined || file === "-" ? 0 : file, "utf8");
}

function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

const USAGE = `Usage:
  cpq-sso report [PLAN_JSON|-] [--markdown FILE] [--json FILE]
      PLAN_JSON is the output of \`terraform show -json <planfile>\` (default: stdin).
  cpq-sso report --apply [OUTPUT_JSON|-] [--exit-code-on-restart N]
      OUTPUT_JSON is \`terraform output -json\` or \`terraform show -json\` of the state.
      Writes restart_required=true|false to $GITHUB_OUTPUT and a line to $GITHUB_STEP_SUMMARY
      when those are set.
`;

/** The `cpq-sso report` command. */
export async function runReport(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);
    return 0;
  }
  const valueFlags = ["--markdown", "--json", "--exit-code-on-restart"];
  const positional = argv.filter(
    (a, i) => !a.startsWith("--") && !valueFlags.includes(argv[i - 1] ?? ""),
  );
  if (argv.includes("--apply")) {
    const { restartRequired, sources } = restartFlags(readInput(positional[0]));
    const line = restartRequired
      ? `CPQ asked for a server restart (${sources.join(", ")}): schedule it for the new SSO settings to take effect.`
      : "CPQ did not ask for a server restart.";
    process.stdout.write(`${line}\nrestart_required=${restartRequired}\n`);
    if (process.env.GITHUB_OUTPUT)
      appendFileSync(process.env.GITHUB_OUTPUT, `restart_required=${restartRequired}\n`);
    if (process.env.GITHUB_STEP_SUMMARY) {
      appendFileSync(
        process.env.GITHUB_STEP_SUMMARY,
        `### CPQ SSO apply\n\n${restartRequired ? "⚠️ " : ""}${line}\n`,
      );
    }
    const code = option(argv, "--exit-code-on-restart");
    if (restartRequired && code !== undefined) {
      const n = Number(code);
      if (!Number.isInteger(n) || n < 0 || n > 255)
        throw new Error("--exit-code-on-restart takes an exit code from 0 to 255.");
      return n;
    }
    return 0;
  }
  const summary = summarizePlan(parsePlanJson(readInput(positional[0])));
  const markdown = renderPlanComment(summary);
  const md = option(argv, "--markdown");
  const json = option(argv, "--json");
  if (md) writeFileSync(md, markdown);
  else process.stdout.write(markdown);
  if (json) writeFileSync(json, `${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}
