/**
 * How `cpq_user_integration_logins` words its messages about many entries: a few names and a count,
 * entry paths as Terraform writes them (`logins["jdoe"]`), live logins quoted and escaped.
 */
import type { Diagnostic } from "../../contract/types";
import { renderLiveValue } from "../../contract/live-values";

/** Names shown in a message about many entries; the rest are counted. */
const NAMES_SHOWN = 5;

/** Entries a plan warning names one by one; the rest are counted. */
const ROWS_SHOWN = 10;

/** An error about the map (or another attribute). */
export const err = (summary: string, detail: string, path = "logins"): Diagnostic => ({
  severity: "error",
  summary,
  detail,
  path: [path],
});

/** A few names quoted, and how many more: `"a", "b" and 3 more`. */
export function some(names: readonly string[]): string {
  const shown = names
    .slice(0, NAMES_SHOWN)
    .map((n) => `"${n}"`)
    .join(", ");
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}

/** `1 entry`, `2 entries`. */
export const plural = (n: number, one: string, many: string): string =>
  `${n} ${n === 1 ? one : many}`;

/** A login as a warning shows it: CPQ's text, capped as every live value is, quoted and escaped. */
export function quoted(v: string): string {
  return JSON.stringify(renderLiveValue(v, "text"));
}

/** A map entry's path as Terraform and the report write it: `logins["jdoe"]`. */
export const entryPath = (attribute: string, key: string): string =>
  `${attribute}[${JSON.stringify(key)}]`;

/** Lines `path: live "a", planned "b"`, the first {@link ROWS_SHOWN}, then how many more. */
export function rowLines(
  rows: readonly { path: string; live: string; planned?: string }[],
): string {
  const lines = rows
    .slice(0, ROWS_SHOWN)
    .map(
      (r) =>
        `${r.path}: live ${quoted(r.live)}${r.planned === undefined ? "" : `, planned ${r.planned}`}`,
    );
  if (rows.length > ROWS_SHOWN) lines.push(`and ${rows.length - ROWS_SHOWN} more`);
  return lines.join("; ");
}
