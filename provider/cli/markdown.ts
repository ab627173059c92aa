/**
 * The one way a value from CPQ or from a plan (a login, a certificate subject, a URL, an error or
 * check message) goes into the pull-request comment: as inert text. GitHub turns plain text into
 * links, images, @mentions, issue references and HTML, and it does so after markdown escapes are
 * read (its autolinker and mention filter work on the rendered text), so a backslash cannot make a
 * value safe. Inside a code span or a fenced block nothing is rendered, so every value goes into
 * one, with a fence longer than any run of backticks in it, its invisible characters shown by
 * their code point and its length capped.
 */
import { cap as capText, longestRun, visible as shown } from "../text/escape";

/** The longest value a code span shows, in characters, before `…`. */
export const VALUE_CAP = 300;

/** `text` no longer than `max` characters (default {@link VALUE_CAP}), cut with `…`. */
export function cap(text: string, max = VALUE_CAP): string {
  return capText(text, max);
}

/** `text` with every invisible or reordering character written as `\uXXXX` (./escape.ts says which). */
export function visible(text: string): string {
  return shown(text, { max: Infinity });
}

/**
 * A value as an inline code span: capped, invisible characters shown, fenced by more backticks
 * than any run inside. In a table cell (`cell`), pipes are escaped as GitHub's table reader wants
 * (it reads `\|` before the code span is, so the value shows a plain `|`), and a backslash just
 * before a pipe is shown as `\u005c`.
 */
export function code(
  value: string,
  opts: { readonly cell?: boolean; readonly max?: number } = {},
): string {
  let text = visible(cap(value, opts.max ?? VALUE_CAP));
  if (text === "") text = " ";
  const fence = "`".repeat(longestRun(text, "`") + 1);
  // A space inside the fence keeps a backtick at either end from joining it; one is stripped.
  const pad = text.startsWith("`") || text.endsWith("`") || /^ .*[^ ].* $/s.test(text) ? " " : "";
  // GitHub splits a row into cells before it reads code spans, pairing a backslash with the
  // punctuation after it: a value's own backslash before a pipe would pair with the escape's.
  if (opts.cell) text = text.replace(/\\(?=\|)/g, "\\u005c").replace(/\|/g, "\\|");
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * A fenced code block that no line of `text` can close (its fence is longer than any run of
 * backticks inside), with invisible characters shown and the whole capped at `max`.
 */
export function fencedBlock(text: string, max = 60_000): string {
  const body = shown(cap(text, max), { multiline: true, max: Infinity });
  const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
  return `${fence}\n${body}\n${fence}`;
}

/**
 * A name for the hidden marker of a comment: letters, digits, `.`, `_` and `-`, so it can neither
 * end the HTML comment nor break the `$GITHUB_OUTPUT` line it is handed on in.
 */
export function markerName(name: string): string | undefined {
  return /^[A-Za-z0-9._-]{1,100}$/.test(name) ? name : undefined;
}
