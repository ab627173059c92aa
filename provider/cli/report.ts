/**
 * `cpq-sso report`: the pull-request comment for a plan. After an apply (`--apply`), the restart
 * flag in a form a pipeline can act on, from ./restart.
 */
import { certificateWarnings } from "../resources/certificate";
import { parseCertificate } from "../saml/certificate";
import type { PlanJson, ResourceChangeSummary } from "./plan-json";
import {
  MASK,
  UNKNOWN_TEXT,
  asRecord,
  NO_ENTRY,
  attributeOf,
  parseEntryName,
  parsePlanJson,
  summarizeChange,
} from "./plan-json";
import { parseCommandLine, readInput, writePrivate } from "./io";
import { runApplyReport, ssoSwitchedOff } from "./restart";

/** GitHub refuses comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/**
 * The first line of every plan comment: an HTML comment GitHub does not show, so a workflow can
 * find its earlier comment and edit it instead of adding one per push.
 */
export const COMMENT_MARKER = "<!-- cpq-sso-plan -->";

/** A certificate concern found in the plan. */
export interface CertificateNote {
  readonly address: string;
  readonly severity: "warning" | "info";
  readonly message: string;
}

/** One resource's change, with what the reviewer should know beyond the attribute table. */
export interface ResourceReport extends ResourceChangeSummary {
  /**
   * Only computed attributes change (`restart_required` or `saved_at` becomes unknown): a
   * write-only secret changed, which the plan cannot show.
   */
  readonly writeOnlySecretChanged: boolean;
  /** A destroy of an SSO configuration with `destroy_behavior = "disable"`: SSO goes off. */
  readonly switchesSsoOff: boolean;
}

/** The machine-readable summary written beside the comment. */
export interface PlanSummary {
  readonly verdict: string;
  /** Terraform could not finish the plan; the JSON holds what it had. */
  readonly errored: boolean;
  readonly changes: { add: number; change: number; destroy: number; replace: number };
  readonly restartLikely: boolean;
  readonly resources: readonly ResourceReport[];
  readonly certificates: readonly CertificateNote[];
}

function certificateNotes(plan: PlanJson, now: Date): CertificateNote[] {
  const notes: CertificateNote[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== "cpq_sso_configuration" || rc.change.actions.includes("delete")) continue;
    const cert = asRecord(rc.change.after).id_provider_certificate;
    if (typeof cert !== "string") continue;
    // Expiry and form are checked on every plan, changed or not: a review is a good time to hear it.
    for (const d of certificateWarnings(cert, "id_provider_certificate", now)) {
      notes.push({
        address: rc.address,
        severity: "warning",
        message: `${d.summary}.${d.detail ? ` ${d.detail}` : ""}`,
      });
    }
    const previous = asRecord(rc.change.before).id_provider_certificate;
    const prev = typeof previous === "string" ? parseCertificate(previous) : undefined;
    const next = parseCertificate(cert);
    if (!next) continue;
    const facts = `fingerprint (SHA-256) \`${next.sha256Fingerprint}\`, valid until ${next.notAfter}`;
    if (typeof previous !== "string") {
      notes.push({
        address: rc.address,
        severity: "info",
        message: `IdP certificate "${next.subject}": ${facts}.`,
      });
    } else if (!prev || prev.sha256Fingerprint !== next.sha256Fingerprint) {
      const sameSubject = prev?.subject === next.subject;
      notes.push({
        address: rc.address,
        // A new subject is a new identity provider, or a mistake: worth a second look.
        severity: sameSubject ? "info" : "warning",
        message: sameSubject
          ? `New IdP certificate, same subject ("${next.subject}"): ${facts}.`
          : `IdP certificate subject changes from "${prev?.subject ?? "(unreadable)"}" to "${next.subject}": ${facts}.`,
      });
    }
  }
  return notes;
}

function writeOnlySecretChanged(r: ResourceChangeSummary): boolean {
  return (
    r.action === "update" &&
    r.changes.length > 0 &&
    r.changes.every(
      (c) => attributeOf(r.type, c.attribute)?.kind === "computed" && c.after === UNKNOWN_TEXT,
    )
  );
}

/** Summarizes a plan: counts, per-resource changes (masked), restart risk, certificate notes. */
export function summarizePlan(plan: PlanJson, now: Date = new Date()): PlanSummary {
  const switchesOff = new Set(ssoSwitchedOff(plan));
  const resources: ResourceReport[] = (plan.resource_changes ?? [])
    .filter((rc) => rc.mode !== "data")
    .map(summarizeChange)
    .filter((r) => r.action !== "no-op" && r.action !== "read")
    .map((r) => ({
      ...r,
      writeOnlySecretChanged: writeOnlySecretChanged(r),
      switchesSsoOff: switchesOff.has(r.address),
    }));
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
      r.switchesSsoOff ||
      (r.type === "cpq_sso_configuration" &&
        // Both write-only secrets of the SSO configuration are restart settings.
        (r.action === "create" || r.writeOnlySecretChanged)),
  );
  const parts: string[] = [];
  if (changes.add) parts.push(`${changes.add} to add`);
  if (changes.change) parts.push(`${changes.change} to change`);
  if (changes.replace) parts.push(`${changes.replace} to replace`);
  if (changes.destroy) parts.push(`${changes.destroy} to destroy`);
  const errored = plan.errored === true;
  const verdict = errored
    ? "The plan failed: see the terraform plan log."
    : parts.length === 0
      ? "No changes: CPQ matches the configuration."
      : `${parts.join(", ")}${restartLikely ? "; may need a CPQ restart" : ""}.`;
  return {
    verdict,
    errored,
    changes,
    restartLikely,
    resources,
    certificates: certificateNotes(plan, now),
  };
}

// ---- markdown -------------------------------------------------------------------------------

const RESTART_BADGE = "⚠️ may need a CPQ restart";

/** An inline code span that survives backticks in the value and pipes in a table cell. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  const pad = longest > 0 || text.startsWith(" ") || text.endsWith(" ") ? " " : "";
  return `${fence}${pad}${text.replace(/\|/g, "\\|")}${pad}${fence}`;
}

/** A value in a table cell: placeholders as words, values as code. */
function cellValue(text: string): string {
  return text === MASK || text === UNKNOWN_TEXT || text === NO_ENTRY ? `_${text}_` : code(text);
}

const ACTION_WORDS: Readonly<Record<string, string>> = {
  create: "will be created",
  update: "will be updated in place",
  delete: "will be destroyed",
  replace: "will be replaced",
};

function resourceSection(r: ResourceReport): string {
  const lines = [`#### ${code(r.address)} ${ACTION_WORDS[r.action] ?? r.action}`, ""];
  if (r.writeOnlySecretChanged) {
    lines.push(
      r.type === "cpq_sso_configuration"
        ? `A write-only secret (\`saml_store_pass_wo\` or \`saml_key_pass_wo\`) changed and will be sent to CPQ; the plan cannot show it. ${RESTART_BADGE}.`
        : "A write-only secret (`password_wo` or `security_token_wo`) changed and will be sent to CPQ; the plan cannot show it.",
      "",
    );
  }
  if (r.action === "delete") {
    lines.push(
      r.type !== "cpq_sso_configuration"
        ? "The login is removed from the user's integration tab."
        : r.switchesSsoOff
          ? `SSO is switched off: with \`destroy_behavior = "disable"\` CPQ's SSO method becomes \`None\`. ${RESTART_BADGE}.`
          : 'Terraform stops managing the SSO configuration; CPQ keeps its settings (`destroy_behavior = "retain"`).',
      "",
    );
    return lines.join("\n");
  }
  // A map's entries (a tab's logins) are counted, then the first few shown: at thousands of
  // entries a row each would crowd out every other resource of the comment.
  const entries = r.changes.filter((c) => parseEntryName(c.attribute) !== undefined);
  const plain = r.changes.filter((c) => parseEntryName(c.attribute) === undefined);
  for (const [attribute, count] of entryCounts(entries)) {
    const parts = [
      count.added ? `${count.added.toLocaleString("en-US")} added` : "",
      count.changed ? `${count.changed.toLocaleString("en-US")} changed` : "",
      count.removed ? `${count.removed.toLocaleString("en-US")} removed` : "",
    ].filter(Boolean);
    lines.push(`${code(attribute)}: ${parts.join(", ")}.`, "");
  }
  const rows = [...plain, ...entries.slice(0, ENTRY_ROWS)];
  if (rows.length === 0) return lines.join("\n");
  lines.push("| attribute | before | after | note |", "| --- | --- | --- | --- |");
  for (const c of rows) {
    const note = c.restart
      ? RESTART_BADGE
      : c.attribute === "restart_required" && c.after === UNKNOWN_TEXT
        ? "set by CPQ on apply"
        : "";
    lines.push(
      `| ${code(c.attribute)} | ${cellValue(c.before)} | ${cellValue(c.after)} | ${note} |`,
    );
  }
  lines.push("");
  if (entries.length > ENTRY_ROWS) {
    lines.push(
      `_…and ${(entries.length - ENTRY_ROWS).toLocaleString("en-US")} more entries; the full plan below lists them._`,
      "",
    );
  }
  return lines.join("\n");
}

/** How many entries of a map a resource shows, one row each; the rest are counted. */
const ENTRY_ROWS = 50;

/** Per map attribute: how many entries are added, changed and removed. */
function entryCounts(
  entries: readonly { attribute: string; before: string; after: string }[],
): Map<string, { added: number; changed: number; removed: number }> {
  const out = new Map<string, { added: number; changed: number; removed: number }>();
  for (const e of entries) {
    const name = parseEntryName(e.attribute)?.attribute ?? e.attribute;
    const c = out.get(name) ?? { added: 0, changed: 0, removed: 0 };
    if (e.before === NO_ENTRY) c.added++;
    else if (e.after === NO_ENTRY) c.removed++;
    else c.changed++;
    out.set(name, c);
  }
  return out;
}

function fullPlan(summary: PlanSummary): string {
  return summary.resources
    .map((r) => {
      const changed = new Map(r.changes.map((c) => [c.attribute, c]));
      const lines = [`# ${r.address} ${ACTION_WORDS[r.action] ?? r.action}`];
      if (r.action === "create") {
        for (const [k, v] of Object.entries(r.after)) lines.push(`  + ${k} = ${v}`);
      } else if (r.action === "delete") {
        for (const [k, v] of Object.entries(r.before)) lines.push(`  - ${k} = ${v}`);
      } else {
        for (const [k, v] of Object.entries(r.after)) {
          const c = changed.get(k);
          lines.push(c ? `  ~ ${k} = ${c.before} -> ${c.after}` : `    ${k} = ${v}`);
        }
      }
      return lines.join("\n");
    })
    .join("\n\n");
}

/** A fenced block whose fence no line of the text can close. */
function fenced(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}

/**
 * The pull-request comment in GitHub markdown, never longer than `limit`: the full-plan section is
 * shortened first, then the tables, and the comment says so.
 */
export function renderPlanComment(summary: PlanSummary, limit = GITHUB_COMMENT_LIMIT): string {
  const icon = summary.errored
    ? "❌"
    : summary.resources.length === 0
      ? "✅"
      : summary.restartLikely
        ? "⚠️"
        : "📝";
  const head = [COMMENT_MARKER, `### ${icon} CPQ SSO plan: ${summary.verdict}`, ""];
  if (summary.restartLikely) {
    head.push(
      "> [!WARNING]",
      "> These changes touch settings for which CPQ may ask for a server restart. After the apply, the job reports `restart_required`.",
      "",
    );
  }
  if (summary.certificates.length) {
    head.push("**IdP certificate**", "");
    for (const c of summary.certificates)
      head.push(`- ${c.severity === "warning" ? "⚠️" : "ℹ️"} ${code(c.address)}: ${c.message}`);
    head.push("");
  }
  const sections = summary.resources.map(resourceSection);
  const full = fullPlan(summary);
  const render = (parts: readonly string[], fullText: string, note: string): string =>
    [
      ...head,
      ...parts,
      ...(note ? [note, ""] : []),
      ...(summary.resources.length
        ? [
            "<details><summary>Full plan (secrets masked)</summary>",
            "",
            fenced(fullText),
            "",
            "</details>",
            "",
          ]
        : []),
    ].join("\n");
  let out = render(sections, full, "");
  if (out.length <= limit) return out;

  // Shorten the full plan first: it repeats what the tables say.
  const note =
    "_This comment was shortened to fit GitHub's 65,536-character limit; run `terraform show` on the plan for every detail._";
  const cut = "\n… (shortened)";
  const room = limit - render(sections, "", note).length - cut.length;
  if (room > 200) {
    out = render(sections, `${full.slice(0, room)}${cut}`, note);
    if (out.length <= limit) return out;
  }
  const kept: string[] = [];
  const tail = (n: number) => `_…and ${n} more resource${n === 1 ? "" : "s"} not shown._\n`;
  let size = render([tail(sections.length)], "(omitted)", note).length;
  for (const s of sections) {
    if (size + s.length + 1 > limit) break;
    kept.push(s);
    size += s.length + 1;
  }
  const dropped = sections.length - kept.length;
  out = render(dropped ? [...kept, tail(dropped)] : kept, "(omitted)", note);
  // A head alone over the limit (thousands of certificate notes) is cut as text, as a last resort.
  return out.length <= limit ? out : `${out.slice(0, limit - cut.length)}${cut}`;
}

// ---- after apply ----------------------------------------------------------------------------

const USAGE = `Usage:
  cpq-sso report [PLAN_JSON|-] [--markdown FILE] [--json FILE]
      PLAN_JSON is the output of \`terraform show -json <planfile>\` (default: stdin).
      Writes the pull-request comment (markdown) to FILE or stdout, and the JSON summary to FILE.
  cpq-sso report --apply [STATE_JSON|-] [--plan PLAN_JSON] [--exit-code-on-restart N]
      STATE_JSON is \`terraform show -json\` of the state, the state file, or
      \`terraform output -json\` (default: stdin). Reports the restart pending in it (true from
      CPQ's request until restart_done_at acknowledges it, whichever apply caused it); --plan
      (\`terraform show -json\` of the applied plan) adds a destroy that switched SSO off.
      Writes restart_required=true|false, restart_pending_since and restart_pending_reason to
      $GITHUB_OUTPUT and a job summary to $GITHUB_STEP_SUMMARY when those are set; exits N when
      a restart is pending (default 0).
`;

/** The `cpq-sso report` command. */
export async function runReport(argv: readonly string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      options: {
        apply: { type: "boolean" },
        markdown: { type: "string" },
        json: { type: "string" },
        plan: { type: "string" },
        "exit-code-on-restart": { type: "string" },
      },
      allowPositionals: true,
    },
    USAGE,
  );
  if (args === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const { values, positionals } = args;
  if (positionals.length > 1) throw new Error(`one input at most, got ${positionals.join(" ")}.`);
  if (values.apply)
    return runApplyReport({
      input: positionals[0],
      plan: values.plan,
      exitCodeOnRestart: values["exit-code-on-restart"],
    });

  const summary = summarizePlan(parsePlanJson(readInput(positionals[0])));
  const markdown = renderPlanComment(summary);
  const md = values.markdown;
  const json = values.json;
  if (md) writePrivate(md, markdown);
  else process.stdout.write(markdown);
  if (json) writePrivate(json, `${JSON.stringify(summary, null, 2)}\n`);
  if (md) process.stdout.write(`${summary.verdict}\n`);
  return 0;
}
