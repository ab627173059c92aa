/**
 * `cpq-sso report`: the pull-request comment for a plan, and its summary for machines. What each
 * resource is, does on destroy and restarts for comes from the provider's registry (see
 * ./plan-json); every value from CPQ or the plan reaches the markdown through ./markdown. After an
 * apply (`--apply`), the restart flag in a form a pipeline can act on, from ./restart.
 */
import { DAY_MS, expiresIn, parseCertificate } from "../saml/certificate";
import type { DestroyEffect } from "../contract/types";
import type {
  AttributeChange,
  EntryCount,
  FailedCheck,
  PlanJson,
  ResourceChangeSummary,
} from "./plan-json";
import {
  MASK,
  NO_ENTRY,
  UNKNOWN_TEXT,
  answersRestart,
  asRecord,
  attributeOf,
  failedChecks,
  parseEntryName,
  parsePlanJson,
  resourceOf,
  restartsCpq,
  summarizeChange,
} from "./plan-json";
import { code, fencedBlock, markerName } from "./markdown";
import { parseCommandLine, readInput, writePrivate } from "./io";
import { runApplyReport } from "./restart";

/** GitHub refuses comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** The stack name in the marker when none is given. */
export const DEFAULT_STACK = "default";

/**
 * The first line of the plan comment of `stack`: an HTML comment GitHub does not show. A workflow
 * finds its earlier comment by this whole line among the comments its own token's user wrote,
 * and edits it instead of adding one per push. The author check is what makes it unforgeable:
 * anyone can write the line into a comment, nobody else can write as the workflow's user.
 * The stack name keeps two stacks of one repository from editing each other's comment.
 */
export function commentMarker(stack: string = DEFAULT_STACK): string {
  const name = markerName(stack);
  if (name === undefined)
    throw new Error(
      `the stack name "${stack.slice(0, 100)}" may hold only letters, digits, ".", "_" and "-" (at most 100): it goes into the comment's hidden marker. Pass --stack NAME.`,
    );
  return `<!-- cpq-sso-plan stack=${name} -->`;
}

/** The risk labels a pipeline can gate on (contract C), in the order the comment shows them. */
export const RISK_LABELS = [
  "restart-required",
  "destroys",
  "replaces-live-settings",
  "certificate-expiring",
  "lockout-risk",
  "breaks-sign-in",
] as const;
/** One risk label. */
export type RiskLabel = (typeof RISK_LABELS)[number];

/** How soon an expiring IdP certificate is flagged, in days, unless CERTIFICATE_DAYS says. */
export const CERTIFICATE_DAYS = 30;

/** A certificate concern found in the plan. */
export interface CertificateNote {
  readonly address: string;
  readonly attribute: string;
  readonly severity: "warning" | "info";
  /** What is noted: expired, expiring (within the window), unreadable, new, rolled, subject-changed. */
  readonly kind: "expired" | "expiring" | "unreadable" | "new" | "rolled" | "subject-changed";
  /** The planned certificate's facts, when it parses. */
  readonly subject?: string;
  readonly previousSubject?: string;
  readonly sha256Fingerprint?: string;
  readonly notAfter?: string;
  /** The same as one plain sentence, for machines and logs (not markdown). */
  readonly message: string;
}

/** One resource's change, with what the reviewer should know beyond the attribute table. */
export interface ResourceReport extends ResourceChangeSummary {
  /**
   * Only computed attributes change (`restart_required` or `saved_at` becomes unknown): a
   * write-only secret changed, which the plan cannot show.
   */
  readonly writeOnlySecretChanged: boolean;
  /** For a destroy or replace: what the destroy does in CPQ (from the resource's definition). */
  readonly destroy?: DestroyEffect;
  /** This change may make CPQ ask for a server restart. */
  readonly restartLikely: boolean;
  /**
   * The attributes changed that users' sign-in hangs on (the resource's `review.signIn`), and
   * what their change does; absent when none changes.
   */
  readonly signIn?: { readonly attributes: readonly string[]; readonly consequence: string };
}

/** The machine-readable summary written beside the comment (summary.json). */
export interface PlanSummary {
  readonly verdict: string;
  /** Terraform could not finish the plan; the JSON holds what it had. */
  readonly errored: boolean;
  readonly changes: {
    readonly import: number;
    readonly add: number;
    readonly change: number;
    readonly replace: number;
    readonly destroy: number;
    readonly move: number;
    readonly read: number;
    /** Removed from the state by a `removed` block, left in CPQ as it is. */
    readonly forget: number;
  };
  /** Map entries (a tab's logins) over all resources. */
  readonly entries: EntryCount;
  readonly restartLikely: boolean;
  /** The risk labels of contract C, in {@link RISK_LABELS} order. */
  readonly labels: readonly RiskLabel[];
  readonly resources: readonly ResourceReport[];
  readonly certificates: readonly CertificateNote[];
  readonly checks: readonly FailedCheck[];
}

/** Options of {@link summarizePlan}. */
export interface SummaryOptions {
  readonly now?: Date;
  /** @default CERTIFICATE_DAYS */
  readonly certificateDays?: number;
}

/** A certificate longer than this is not parsed: no IdP certificate comes near it. */
const CERTIFICATE_MAX = 64 * 1024;

function certificateFacts(text: string): ReturnType<typeof parseCertificate> {
  return text.length > CERTIFICATE_MAX ? undefined : parseCertificate(text);
}

function certificateNotes(plan: PlanJson, now: Date, days: number): CertificateNote[] {
  const notes: CertificateNote[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (
      rc.mode === "data" ||
      (rc.change.actions.includes("delete") && !rc.change.actions.includes("create"))
    )
      continue;
    for (const attribute of resourceOf(rc.type)?.review.certificates ?? []) {
      const cert = asRecord(rc.change.after)[attribute];
      if (typeof cert !== "string" || cert.trim() === "") continue;
      const base = { address: rc.address, attribute };
      const next = certificateFacts(cert);
      if (!next) {
        notes.push({
          ...base,
          severity: "warning",
          kind: "unreadable",
          message: `${attribute} does not parse as an X.509 certificate (PEM or base64 DER): SAML logins will fail.`,
        });
        continue;
      }
      const facts = {
        subject: next.subject,
        sha256Fingerprint: next.sha256Fingerprint,
        notAfter: next.notAfter,
      };
      // Expiry is checked on every plan, changed or not: a review is a good time to hear it.
      const left = Date.parse(next.notAfter) - now.getTime();
      if (left <= 0) {
        notes.push({
          ...base,
          ...facts,
          severity: "warning",
          kind: "expired",
          message: `The certificate in ${attribute} expired on ${next.notAfter}: CPQ rejects assertions signed with it, so SAML sign-in fails.`,
        });
      } else if (left < days * DAY_MS) {
        notes.push({
          ...base,
          ...facts,
          severity: "warning",
          kind: "expiring",
          message: `The certificate in ${attribute} expires ${expiresIn(left)} (${next.notAfter}): roll the IdP's new one before then.`,
        });
      }
      const previous = asRecord(rc.change.before)[attribute];
      const prev = typeof previous === "string" ? certificateFacts(previous) : undefined;
      if (typeof previous !== "string") {
        notes.push({
          ...base,
          ...facts,
          severity: "info",
          kind: "new",
          message: `IdP certificate ${next.subject}, SHA-256 ${next.sha256Fingerprint}, valid until ${next.notAfter}.`,
        });
      } else if (!prev || prev.sha256Fingerprint !== next.sha256Fingerprint) {
        const sameSubject = prev?.subject === next.subject;
        // A new subject is a new identity provider, or a mistake: worth a second look.
        notes.push({
          ...base,
          ...facts,
          ...(prev ? { previousSubject: prev.subject } : {}),
          severity: sameSubject ? "info" : "warning",
          kind: sameSubject ? "rolled" : "subject-changed",
          message: sameSubject
            ? `New IdP certificate, same subject (${next.subject}), SHA-256 ${next.sha256Fingerprint}, valid until ${next.notAfter}.`
            : `IdP certificate subject changes from ${prev?.subject ?? "(unreadable)"} to ${next.subject}, SHA-256 ${next.sha256Fingerprint}, valid until ${next.notAfter}.`,
        });
      }
    }
  }
  return notes;
}

/** The write-only attributes of a type's table (whose change only CPQ's answer shows). */
function writeOnlyAttributes(type: string): string[] {
  return (resourceOf(type)?.attributes ?? []).filter((a) => a.writeOnly).map((a) => a.name);
}

function writeOnlySecretChanged(r: ResourceChangeSummary): boolean {
  return (
    r.action === "update" &&
    r.changes.length > 0 &&
    writeOnlyAttributes(r.type).length > 0 &&
    r.changes.every(
      (c) => attributeOf(r.type, c.attribute)?.kind === "computed" && c.after === UNKNOWN_TEXT,
    )
  );
}

/** Whether a change may make CPQ ask for a restart, from the table's `restart` flags. */
function restartLikely(r: ResourceChangeSummary, wo: boolean, destroy?: DestroyEffect): boolean {
  if (destroy?.restart) return true;
  if (r.changes.some((c) => c.restart)) return true;
  const def = resourceOf(r.type);
  if (!def || !answersRestart(r.type)) return false;
  // A write-only secret changes unseen; a create sends write-only secrets the plan cannot show.
  const restartSecret = def.attributes.some((a) => a.writeOnly && restartsCpq(a));
  return restartSecret && (wo || r.action === "create" || r.action === "replace");
}

/** The sign-in attributes an update or replacement changes (the resource's `review.signIn`). */
function signInChange(r: ResourceChangeSummary): ResourceReport["signIn"] {
  const review = resourceOf(r.type)?.review.signIn;
  if (!review || r.mode !== "managed" || (r.action !== "update" && r.action !== "replace")) {
    return undefined;
  }
  const attributes = review.attributes.filter((a) => r.changes.some((c) => c.attribute === a));
  return attributes.length > 0 ? { attributes, consequence: review.consequence } : undefined;
}

function destroyEffect(rc: { type: string; change: { before?: unknown } }): DestroyEffect {
  return (
    resourceOf(rc.type)?.review.destroy(asRecord(rc.change.before)) ?? {
      text: "The object is destroyed.",
      changesCpq: true,
      restart: false,
    }
  );
}

const sum = (xs: readonly EntryCount[]): EntryCount => ({
  added: xs.reduce((n, x) => n + x.added, 0),
  changed: xs.reduce((n, x) => n + x.changed, 0),
  removed: xs.reduce((n, x) => n + x.removed, 0),
});

/** An entry count in words: `500 logins added, 1 login changed`. */
function entryWords(count: EntryCount, noun?: { one: string; many: string }): string {
  const n = (k: number, verb: string): string =>
    k === 0
      ? ""
      : `${k.toLocaleString("en-US")}${noun ? ` ${k === 1 ? noun.one : noun.many}` : ""} ${verb}`;
  return [n(count.added, "added"), n(count.changed, "changed"), n(count.removed, "removed")]
    .filter(Boolean)
    .join(", ");
}

function entryNoun(type: string, attribute: string): { one: string; many: string } | undefined {
  const review = resourceOf(type)?.review.entries?.[attribute];
  return review ? { one: review.one, many: review.many } : undefined;
}

/** Whether a resource change is one the comment lists (anything an apply does). */
function listed(r: ResourceChangeSummary): boolean {
  if (r.mode === "data") return r.action === "read";
  return r.action !== "no-op" || r.importing !== undefined || r.movedFrom !== undefined;
}

/** Summarizes a plan: counts, per-resource changes (masked), risk labels, certificate notes. */
export function summarizePlan(plan: PlanJson, opts: SummaryOptions = {}): PlanSummary {
  const now = opts.now ?? new Date();
  const days = opts.certificateDays ?? CERTIFICATE_DAYS;
  const resources: ResourceReport[] = (plan.resource_changes ?? []).flatMap((rc) => {
    const r = summarizeChange(rc);
    if (!listed(r)) return [];
    const wo = writeOnlySecretChanged(r);
    const destroy =
      r.mode === "managed" && (r.action === "delete" || r.action === "replace")
        ? destroyEffect(rc)
        : undefined;
    const signIn = signInChange(r);
    return [
      {
        ...r,
        writeOnlySecretChanged: wo,
        ...(destroy ? { destroy } : {}),
        restartLikely: r.mode === "managed" && restartLikely(r, wo, destroy),
        ...(signIn ? { signIn } : {}),
      },
    ];
  });
  const count = (a: string) =>
    resources.filter((r) => r.mode === "managed" && r.action === a).length;
  const changes = {
    import: resources.filter((r) => r.importing).length,
    add: count("create"),
    change: count("update"),
    replace: count("replace"),
    destroy: count("delete"),
    move: resources.filter((r) => r.movedFrom).length,
    read: resources.filter((r) => r.mode === "data").length,
    forget: count("forget"),
  };
  const entries = sum(resources.flatMap((r) => Object.values(r.entries)));
  const restart = resources.some((r) => r.restartLikely);
  const certificates = certificateNotes(plan, now, days);
  const checks = failedChecks(plan);
  const has: Record<RiskLabel, boolean> = {
    "restart-required": restart,
    destroys: changes.destroy + changes.replace > 0 || entries.removed > 0,
    "replaces-live-settings": resources.some((r) => Object.keys(r.replacedLiveValues).length > 0),
    "certificate-expiring": certificates.some((c) => c.kind === "expired" || c.kind === "expiring"),
    "lockout-risk": resources.some((r) => r.lockoutRisk !== undefined),
    "breaks-sign-in": resources.some((r) => r.signIn !== undefined),
  };
  const labels = RISK_LABELS.filter((l) => has[l]);

  const parts: string[] = [];
  if (changes.import) parts.push(`${changes.import} to import`);
  if (changes.add) parts.push(`${changes.add} to add`);
  if (changes.change) parts.push(`${changes.change} to change`);
  if (changes.replace) parts.push(`${changes.replace} to replace`);
  if (changes.destroy) parts.push(`${changes.destroy} to destroy`);
  if (changes.move) parts.push(`${changes.move} to move`);
  if (changes.read) parts.push(`${changes.read} to read`);
  if (changes.forget) parts.push(`${changes.forget} to forget`);
  const nouns = new Set(
    resources.flatMap((r) =>
      Object.keys(r.entries).map((a) => JSON.stringify(entryNoun(r.type, a) ?? null)),
    ),
  );
  // One noun over every map in the plan ("logins") when they agree; "entries" otherwise.
  const noun =
    nouns.size === 1 ? (JSON.parse([...nouns][0]!) as { one: string; many: string } | null) : null;
  const entryText = entryWords(entries, noun ?? { one: "entry", many: "entries" });
  const errored = plan.errored === true;
  const verdict = errored
    ? "The plan failed: see the terraform plan log."
    : parts.length === 0
      ? "No changes: CPQ matches the configuration."
      : `${parts.join(", ")}${entryText ? ` (${entryText})` : ""}${restart ? "; may need a CPQ restart" : ""}.`;
  return {
    verdict,
    errored,
    changes,
    entries,
    restartLikely: restart,
    labels,
    resources,
    certificates,
    checks,
  };
}

// ---- markdown -------------------------------------------------------------------------------

const RESTART_BADGE = "⚠️ may need a CPQ restart";

/** The badge of each risk label at the top of the comment. */
const BADGES: Readonly<Record<RiskLabel, string>> = {
  "restart-required": "🔄 **Restart required**",
  destroys: "🗑️ **Destroys or removes**",
  "replaces-live-settings": "♻️ **Replaces live settings**",
  "certificate-expiring": "📅 **Certificate expiring**",
  "lockout-risk": "🔒 **Lockout risk**",
  "breaks-sign-in": "🔑 **Breaks sign-in**",
};

/** The name of each risk label in the explanations under the badges: its badge without the emoji. */
const TITLES = Object.fromEntries(
  Object.entries(BADGES).map(([label, badge]) => [label, badge.slice(badge.indexOf("**"))]),
) as Readonly<Record<RiskLabel, string>>;

/** A value in a table cell: placeholders as words, values as inert code. */
function cellValue(text: string): string {
  return text === MASK || text === UNKNOWN_TEXT || text === NO_ENTRY
    ? `_${text}_`
    : code(text, { cell: true });
}

const ACTION_WORDS: Readonly<Record<string, string>> = {
  create: "will be created",
  update: "will be updated in place",
  delete: "will be destroyed",
  replace: "will be replaced",
  read: "will be read during apply",
  forget: "will be removed from the state; CPQ keeps it as it is",
};

/** What happens to a resource, as Terraform's plan says it, imports and moves included. */
function actionText(r: ResourceReport, value: (text: string) => string = (t) => code(t)): string {
  const parts: string[] = [];
  if (r.importing)
    parts.push(
      r.importing.id === null
        ? "will be imported"
        : `will be imported (id ${value(r.importing.id)})`,
    );
  if (r.movedFrom !== undefined) parts.push(`has moved from ${value(r.movedFrom)}`);
  const words = ACTION_WORDS[r.action];
  if (words) parts.push(parts.length ? `then ${words}` : words);
  if (parts.length === 0) parts.push("has no changes");
  return parts.join(", ");
}

/** The facts of a resource one line long: its entries and what its destroy does. */
function resourceFacts(r: ResourceReport): string[] {
  const facts: string[] = [];
  for (const [attribute, count] of Object.entries(r.entries)) {
    const noun = entryNoun(r.type, attribute);
    facts.push(noun ? entryWords(count, noun) : `${code(attribute)}: ${entryWords(count)}`);
  }
  if (Object.keys(r.replacedLiveValues).length > 0)
    facts.push(
      `replaces ${Object.keys(r.replacedLiveValues).length} live setting${Object.keys(r.replacedLiveValues).length === 1 ? "" : "s"}`,
    );
  if (r.restartLikely) facts.push("may need a CPQ restart");
  return facts;
}

function resourceSection(r: ResourceReport): string {
  const lines = [`#### ${code(r.address)} ${actionText(r)}`, ""];
  if (r.destroy) {
    lines.push(`${r.destroy.text}${r.destroy.restart ? ` ${RESTART_BADGE}.` : ""}`, "");
  }
  if (r.writeOnlySecretChanged) {
    const names = writeOnlyAttributes(r.type).map((n) => `\`${n}\``);
    const or = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0];
    lines.push(
      `A write-only secret (${or}) changed and will be sent to CPQ; the plan cannot show it.${r.restartLikely ? ` ${RESTART_BADGE}.` : ""}`,
      "",
    );
  }
  if (r.lockoutRisk !== undefined) lines.push(`🔒 Lockout risk: ${code(r.lockoutRisk)}`, "");
  if (Object.keys(r.replacedLiveValues).length > 0)
    lines.push(
      "♻️ This create replaces settings CPQ holds now: the _before_ column shows the live values.",
      "",
    );
  for (const [attribute, count] of Object.entries(r.entries)) {
    const noun = entryNoun(r.type, attribute);
    lines.push(`${code(attribute)}: ${entryWords(count, noun)}.`, "");
  }
  // A destroy has no after; a data source read at apply has only "(known after apply)" to show.
  if (r.action === "delete" || r.mode === "data") return lines.join("\n");
  // A map's entries (a tab's logins) are counted above, then the first few shown: at thousands
  // of entries a row each would crowd out every other resource of the comment.
  const entries = r.changes.filter((c) => parseEntryName(c.attribute) !== undefined);
  const plain = r.changes.filter((c) => parseEntryName(c.attribute) === undefined);
  const rows = [...plain, ...entries.slice(0, ENTRY_ROWS)];
  if (rows.length === 0) return lines.join("\n");
  lines.push("| attribute | before | after | note |", "| --- | --- | --- | --- |");
  for (const c of rows) {
    const notes = [
      c.replacesLive ? "♻️ replaces the live value" : "",
      c.restart ? RESTART_BADGE : "",
      c.attribute === "restart_required" && c.after === UNKNOWN_TEXT ? "set by CPQ on apply" : "",
      c.after === NO_ENTRY ? (c.leftInCpq ? "no longer tracked; stays in CPQ" : "removed") : "",
    ].filter(Boolean);
    lines.push(
      `| ${code(c.attribute, { cell: true })} | ${cellValue(c.before)} | ${cellValue(c.after)} | ${notes.join("; ")} |`,
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

/** How many resources the summary at the top lists, one line each; the rest are counted. */
const SUMMARY_LINES = 100;

/** How many entries of a map a resource shows, one row each; the rest are counted. */
const ENTRY_ROWS = 50;

function fullPlan(summary: PlanSummary): string {
  return summary.resources
    .map((r) => {
      const changed = new Map(r.changes.map((c) => [c.attribute, c]));
      // A map's changed entries, by the map: listed one by one, where the map's own value is
      // shortened (the tables show the first ENTRY_ROWS and send the reader here for the rest).
      const entries = new Map<string, AttributeChange[]>();
      for (const c of r.changes) {
        const map = parseEntryName(c.attribute)?.attribute;
        if (map !== undefined) entries.set(map, [...(entries.get(map) ?? []), c]);
      }
      const lines = [`# ${r.address} ${actionText(r, (t) => JSON.stringify(t))}`];
      if (r.action === "create") {
        for (const [k, v] of Object.entries(r.after)) {
          const each = entries.get(k);
          if (each) for (const c of each) lines.push(`  + ${c.attribute} = ${c.after}`);
          else lines.push(`  + ${k} = ${v}`);
        }
      } else if (r.action === "delete") {
        for (const [k, v] of Object.entries(r.before)) lines.push(`  - ${k} = ${v}`);
      } else {
        for (const [k, v] of Object.entries(r.after)) {
          const c = changed.get(k);
          const each = entries.get(k);
          if (each)
            for (const e of each) lines.push(`  ~ ${e.attribute} = ${e.before} -> ${e.after}`);
          else lines.push(c ? `  ~ ${k} = ${c.before} -> ${c.after}` : `    ${k} = ${v}`);
        }
      }
      return lines.join("\n");
    })
    .join("\n\n");
}

/** The flags' explanations: one bullet per label, naming what raised it. */
function flagLines(summary: PlanSummary): string[] {
  const lines: string[] = [];
  const addresses = (rs: readonly ResourceReport[]): string => {
    const shown = rs.slice(0, 10).map((r) => code(r.address));
    return `${shown.join(", ")}${rs.length > 10 ? ` and ${rs.length - 10} more` : ""}`;
  };
  for (const label of summary.labels) {
    switch (label) {
      case "restart-required":
        lines.push(
          `- ${TITLES[label]}: CPQ may ask for a server restart after the apply (${addresses(summary.resources.filter((r) => r.restartLikely))}); the apply job reports \`restart_required\`.`,
        );
        break;
      case "destroys": {
        const gone = summary.resources.filter((r) => r.destroy);
        const removed = summary.resources.filter(
          (r) => r.action !== "delete" && Object.values(r.entries).some((e) => e.removed > 0),
        );
        const parts = [
          gone.length ? `destroyed: ${addresses(gone)}` : "",
          ...removed.map((r) =>
            Object.entries(r.entries)
              .filter(([, e]) => e.removed > 0)
              .map(([a, e]) => {
                const noun = entryNoun(r.type, a);
                return `${e.removed.toLocaleString("en-US")} ${noun ? (e.removed === 1 ? noun.one : noun.many) : `${code(a)} entries`} removed from ${code(r.address)}`;
              })
              .join(", "),
          ),
        ].filter(Boolean);
        lines.push(`- ${TITLES[label]}: ${parts.join("; ")}.`);
        break;
      }
      case "replaces-live-settings":
        lines.push(
          `- ${TITLES[label]}: ${summary.resources
            .filter((r) => Object.keys(r.replacedLiveValues).length > 0)
            .slice(0, 10)
            .map((r) => {
              const keys = Object.keys(r.replacedLiveValues);
              return `${code(r.address)} overwrites ${keys
                .slice(0, 5)
                .map((k) => code(k))
                .join(", ")}${keys.length > 5 ? ` and ${keys.length - 5} more` : ""}`;
            })
            .join("; ")} (live values in the _before_ column).`,
        );
        break;
      case "certificate-expiring":
        for (const c of summary.certificates.filter(
          (n) => n.kind === "expired" || n.kind === "expiring",
        ))
          lines.push(
            `- ${TITLES[label]}: ${code(c.address)}: the certificate in ${code(c.attribute)} ${c.kind === "expired" ? `expired on ${code(c.notAfter ?? "")}: SAML sign-in is failing` : `expires on ${code(c.notAfter ?? "")}: roll the IdP's new one before then`}.`,
          );
        break;
      case "lockout-risk":
        for (const r of summary.resources.filter((x) => x.lockoutRisk !== undefined))
          lines.push(`- ${TITLES[label]}: ${code(r.address)}: ${code(r.lockoutRisk ?? "")}`);
        break;
      case "breaks-sign-in":
        for (const r of summary.resources.filter((x) => x.signIn !== undefined))
          lines.push(
            `- ${TITLES[label]}: ${code(r.address)} changes ${(r.signIn?.attributes ?? []).map((a) => code(a)).join(", ")}: ${r.signIn?.consequence ?? ""}.`,
          );
        break;
    }
  }
  return lines;
}

/** A certificate note in markdown: our words, the certificate's values as inert code. */
function certificateLine(c: CertificateNote): string {
  const facts =
    c.sha256Fingerprint !== undefined
      ? `SHA-256 ${code(c.sha256Fingerprint)}, valid until ${code(c.notAfter ?? "")}`
      : "";
  const subject = c.subject !== undefined ? code(c.subject) : "";
  const text: Record<CertificateNote["kind"], string> = {
    unreadable: `${code(c.attribute)} does not parse as an X.509 certificate (PEM or base64 DER): SAML logins will fail.`,
    expired: `the certificate in ${code(c.attribute)} (subject ${subject}) has expired: ${facts}.`,
    expiring: `the certificate in ${code(c.attribute)} (subject ${subject}) expires soon: ${facts}.`,
    new: `IdP certificate, subject ${subject}: ${facts}.`,
    rolled: `new IdP certificate, same subject ${subject}: ${facts}.`,
    "subject-changed": `IdP certificate subject changes from ${c.previousSubject !== undefined ? code(c.previousSubject) : "_(unreadable)_"} to ${subject}: ${facts}.`,
  };
  return `- ${c.severity === "warning" ? "⚠️" : "ℹ️"} ${code(c.address)}: ${text[c.kind]}`;
}

/**
 * The pull-request comment in GitHub markdown, never longer than `limit`: the marker, the verdict,
 * the risk badges and one line per resource first; the tables and the full plan folded. The full
 * plan is shortened first, then the tables, and the comment says so.
 */
export function renderPlanComment(
  summary: PlanSummary,
  opts: { readonly limit?: number; readonly stack?: string } = {},
): string {
  const { limit = GITHUB_COMMENT_LIMIT, stack = DEFAULT_STACK } = opts;
  const icon = summary.errored
    ? "❌"
    : summary.resources.length === 0 && summary.checks.length === 0
      ? "✅"
      : summary.labels.length > 0 || summary.checks.length > 0
        ? "⚠️"
        : "📝";
  const head = [commentMarker(stack), `### ${icon} CPQ SSO plan: ${summary.verdict}`, ""];
  if (summary.labels.length) {
    head.push(summary.labels.map((l) => BADGES[l]).join(" · "), "", ...flagLines(summary), "");
  }
  if (summary.resources.length) {
    for (const r of summary.resources.slice(0, SUMMARY_LINES)) {
      const facts = resourceFacts(r);
      head.push(
        `- ${code(r.address)} ${actionText(r)}${facts.length ? `: ${facts.join("; ")}` : ""}`,
      );
    }
    const more = summary.resources.length - SUMMARY_LINES;
    if (more > 0) head.push(`- _…and ${more.toLocaleString("en-US")} more, in the details below._`);
    head.push("");
  }
  if (summary.certificates.length) {
    head.push("**IdP certificate**", "");
    for (const c of summary.certificates) head.push(certificateLine(c));
    head.push("");
  }
  if (summary.checks.length) {
    head.push("**Checks failed**", "");
    for (const c of summary.checks.slice(0, 20))
      head.push(
        `- ${code(c.address)}${
          c.messages.length
            ? `: ${c.messages
                .slice(0, 5)
                .map((m) => code(m))
                .join(" ")}`
            : ""
        }`,
      );
    head.push("");
  }
  const sections = summary.resources.map(resourceSection);
  const full = fullPlan(summary);
  const render = (parts: readonly string[], fullText: string, note: string): string =>
    [
      ...head,
      ...(parts.length
        ? ["<details><summary>Changes per resource</summary>", "", ...parts, "</details>", ""]
        : []),
      ...(note ? [note, ""] : []),
      ...(summary.resources.length
        ? [
            "<details><summary>Full plan (secrets masked)</summary>",
            "",
            fencedBlock(fullText),
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
  const room = limit - render(sections, "", note).length - cut.length - 20;
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
  // A head alone over the limit (thousands of resources) is cut as text, as a last resort,
  // at a line end so that no code span is left open.
  if (out.length <= limit) return out;
  const at = out.lastIndexOf("\n", limit - cut.length);
  return `${out.slice(0, at)}${cut}`;
}

/** The lines `ci/plan-comment.sh` appends to `$GITHUB_OUTPUT` (contract C). */
export function githubOutputs(summary: PlanSummary, stack: string = DEFAULT_STACK): string {
  return [
    `labels=${summary.labels.join(",")}`,
    ...RISK_LABELS.map((l) => `${l.replace(/-/g, "_")}=${summary.labels.includes(l)}`),
    `marker=${commentMarker(stack)}`,
    "",
  ].join("\n");
}

// ---- after apply ----------------------------------------------------------------------------

const USAGE = `Usage:
  cpq-sso report [PLAN_JSON|-] [--markdown FILE] [--json FILE] [--outputs FILE] [--stack NAME]
                 [--certificate-days N]
      PLAN_JSON is the output of \`terraform show -json <planfile>\` (default: stdin).
      Writes the pull-request comment (markdown) to FILE or stdout, and the JSON summary to FILE.
      --outputs FILE: the risk labels as $GITHUB_OUTPUT lines (labels=..., restart_required=...,
      marker=...). NAME (letters, digits, . _ -) goes into the comment's hidden marker, so each
      stack has its own comment (default: default). N: days before an IdP certificate's expiry
      it is flagged (default: the CERTIFICATE_DAYS environment variable, else 30).
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
        outputs: { type: "string" },
        stack: { type: "string" },
        "certificate-days": { type: "string" },
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

  const stack = values.stack ?? DEFAULT_STACK;
  commentMarker(stack); // refuses a name that cannot go into the marker, before any work
  const daysText =
    values["certificate-days"] ?? process.env.CERTIFICATE_DAYS ?? `${CERTIFICATE_DAYS}`;
  const certificateDays = Number(daysText);
  if (daysText.trim() === "" || !Number.isInteger(certificateDays) || certificateDays < 0)
    throw new Error(
      `--certificate-days (or CERTIFICATE_DAYS) takes a whole number of days (0 or more), not "${daysText.slice(0, 40)}".`,
    );
  const summary = summarizePlan(parsePlanJson(readInput(positionals[0])), { certificateDays });
  const markdown = renderPlanComment(summary, { stack });
  const md = values.markdown;
  const json = values.json;
  if (md) writePrivate(md, markdown);
  else process.stdout.write(markdown);
  if (json) writePrivate(json, `${JSON.stringify(summary, null, 2)}\n`);
  if (values.outputs) writePrivate(values.outputs, githubOutputs(summary, stack));
  if (md) process.stdout.write(`${summary.verdict}\n`);
  return 0;
}
