/**
 * What a create replaces: the live values CPQ already holds, rendered for a reviewer, for the
 * `replaced_live_values` attribute and the plan's warning (contract A in the team's brief). Every
 * resource that can be created over something CPQ holds uses it, so a certificate, a secret and a
 * long text read the same in every plan and pull-request comment.
 */
import { parseCertificate } from "../saml/certificate";
import type { Attribute, Diagnostic, MapValue, Unknown, Value } from "./types";
import { UNKNOWN } from "./types";
import { isUnknown } from "./attributes";

/** The name of the attribute, in every table that has it. */
export const REPLACED_LIVE_VALUES = "replaced_live_values";

/** How a secret's live value shows: never by value. */
const SENSITIVE_VALUE = "(sensitive)";

/** Characters of a live text kept for a reviewer; CPQ's text is data, and capped. */
const MAX_TEXT = 200;

/** How a live value is shown. */
export type LiveValueKind = "text" | "certificate" | "sensitive";

/**
 * The table row of `replaced_live_values`, with the resource's own words on what it records and
 * on what else than a managed value it can wait for at plan.
 * Computed: set by a create's plan, kept by update, read and import.
 */
export function replacedLiveValuesAttribute(what: string, unknownWhile?: string): Attribute {
  return {
    name: REPLACED_LIVE_VALUES,
    type: { map: "string" },
    kind: "computed",
    description:
      `What this resource's create replaced of ${what}: for each managed setting (set in the configuration) whose live value differed from the planned one, the live value, keyed by attribute name; \`{}\` when it replaced nothing. The create's plan also warns, naming each with its live and planned value. ` +
      "Certificates show as `<subject> (SHA-256 <fingerprint>)`; secrets as `(sensitive)`, never by value; a live value at CPQ's unset default (empty, `None`, `false`) holds nothing and is not listed. " +
      `Unknown at plan only while ${unknownWhile ? `${unknownWhile} or ` : ""}a managed value it compares is (the apply then records it). ` +
      "Kept unchanged by updates and refreshes; `{}` after an import.",
  };
}

/** A certificate as a reviewer compares it: subject and SHA-256 fingerprint. */
function renderCertificate(text: string): string {
  const facts = parseCertificate(text);
  if (facts) return `${capText(facts.subject)} (SHA-256 ${facts.sha256Fingerprint})`;
  return `not a parseable certificate (${text.length} characters)`;
}

/** A value of `kind` as `replaced_live_values` and the warning show it. */
export function renderLiveValue(value: string, kind: LiveValueKind): string {
  if (kind === "sensitive") return SENSITIVE_VALUE;
  if (kind === "certificate") return renderCertificate(value);
  return capText(value);
}

function capText(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length} characters)` : text;
}

/** One setting a create replaces: its attribute, the live value and the planned one. */
export interface Replacement {
  readonly attribute: string;
  readonly kind: LiveValueKind;
  readonly live: string;
  /** The planned value; UNKNOWN until apply. */
  readonly planned: string | Unknown;
}

/**
 * The `replaced_live_values` map of a create; unknown while a managed value it compares is. Listing
 * such a setting anyway would not do: the apply's re-plan knows the value, and if it equals the
 * live one the map loses the key, a change Terraform refuses in a final plan. The warning still
 * names the setting.
 */
export function replacedMap(replacements: readonly Replacement[]): MapValue | Unknown {
  const map: Record<string, string> = {};
  for (const r of replacements) {
    if (isUnknown(r.planned)) return UNKNOWN;
    map[r.attribute] = renderLiveValue(r.live, r.kind);
  }
  return map;
}

/**
 * The warning of a create that replaces live values, naming each with the live and the planned
 * value (same rendering; text quoted and escaped as JSON, so CPQ's text cannot forge a line).
 * Undefined when nothing is replaced.
 */
export function replacementWarning(
  subject: string,
  replacements: readonly Replacement[],
  more = "",
): Diagnostic | undefined {
  if (replacements.length === 0) return undefined;
  const show = (v: string | Unknown, kind: LiveValueKind): string => {
    if (isUnknown(v)) return "(known after apply)";
    const rendered = renderLiveValue(v, kind);
    return kind === "text" ? JSON.stringify(rendered) : rendered;
  };
  const lines = replacements.map(
    (r) => `  ${r.attribute}: ${show(r.live, r.kind)} -> ${show(r.planned, r.kind)}`,
  );
  return {
    severity: "warning",
    summary: `This create replaces live settings: ${subject}`,
    detail:
      `CPQ already holds ${replacements.length === 1 ? "a value" : "values"} that the apply overwrites (live -> planned):\n` +
      `${lines.join("\n")}\n` +
      `The live values are in replaced_live_values. Review them before applying; to keep one, set it to its live value.${more}`,
    path: [replacements[0]!.attribute],
  };
}

/** Whether a live value holds something: neither empty nor CPQ's unset default. */
export function holdsValue(
  live: Value | undefined,
  unsetDefaults: readonly string[] = [],
): boolean {
  if (live === null || live === undefined || isUnknown(live)) return false;
  if (typeof live === "boolean") return live;
  if (typeof live !== "string") return true;
  return live !== "" && !unsetDefaults.includes(live);
}
