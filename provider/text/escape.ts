/**
 * Text from CPQ or from a plan (a login, a certificate subject, an error message, a check
 * message) is data wherever it goes. This module is the one home of which characters are hidden
 * and how they are shown, and escapes text for a terminal (and so Terraform's diagnostics) and a
 * CI job log that a runner scans for workflow commands; ./markdown.ts builds the pull-request
 * comment's code spans and blocks on it. Every function is linear in its input and caps its output.
 *
 * Kept free of imports: the provider plugin loads it for every diagnostic it sends.
 */

/** The longest diagnostic summary sent to Terraform, in characters. */
export const MAX_SUMMARY_CHARS = 300;
/**
 * The longest diagnostic detail (or function error) sent to Terraform, in characters: room for a
 * warning that lists many logins' replaced values, not for an answer of CPQ repeated whole.
 */
export const MAX_DETAIL_CHARS = 16 * 1024;
/** The longest text put in one block of a job log or summary. GitHub accepts 1 MiB per step. */
export const MAX_SUMMARY_BLOCK_CHARS = 256 * 1024;

/**
 * Characters a terminal or a reader would not show as themselves: C0 controls (ESC starts
 * clear-screen, OSC 52 clipboard writes and window titles; CR overwrites a line; a newline in a
 * markdown code span ends its paragraph and its table row), DEL, C1 controls (0x9B is a one-byte
 * CSI), the soft hyphen, the bidirectional marks, overrides and isolates that reorder what a
 * reader sees, zero-width and invisible fillers, line and paragraph separators, the BOM,
 * interlinear annotations and Unicode tag characters. Of code points, not UTF-16 units.
 */
function isHidden(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0xad ||
    code === 0x061c ||
    code === 0x115f ||
    code === 0x1160 ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x206f) ||
    code === 0xfeff ||
    (code >= 0xfff9 && code <= 0xfffb) ||
    (code >= 0xe0000 && code <= 0xe007f)
  );
}

/** A hidden character by its code point: `\u001b`, `\u202e`, `\u{e0001}`. */
function shown(code: number): string {
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Options of {@link visible}. */
export interface VisibleOptions {
  /** Keep line feeds and tabs as they are (a detail), instead of showing them (a summary). */
  readonly multiline?: boolean;
  /** The most characters of output before the cut note; default {@link MAX_DETAIL_CHARS}. */
  readonly max?: number;
}

/**
 * `text` with every hidden character shown by its code point (`\u001b`, `\u202e`), so nothing it holds
 * can move the cursor, clear the screen, set the clipboard or the window title, overwrite a line
 * or reorder what a reader sees; cut to `max` characters with a note saying how long it was.
 */
export function visible(text: string, options: VisibleOptions = {}): string {
  const max = options.max ?? MAX_DETAIL_CHARS;
  const multiline = options.multiline ?? false;
  let out = "";
  let i = 0;
  while (i < text.length && out.length < max) {
    const code = text.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    if (multiline && (code === 0x0a || code === 0x09)) out += text[i];
    else if (isHidden(code)) out += shown(code);
    else out += text.slice(i, i + width);
    i += width;
  }
  if (i < text.length || out.length > max) {
    let cut = out.slice(0, max);
    // Never half of a surrogate pair: the text stays valid UTF-16.
    const last = cut.charCodeAt(cut.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
    return `${cut}... (cut: ${text.length} characters in all)`;
  }
  return out;
}

/** A diagnostic's summary for Terraform: one line, hidden characters shown, capped. */
export function diagnosticSummary(text: string): string {
  return visible(text, { max: MAX_SUMMARY_CHARS });
}

/**
 * A diagnostic's detail for Terraform: lines kept (a detail has paragraphs), hidden characters
 * shown, capped, and a line a CI runner would read as a workflow command neutralized, since
 * terraform prints the detail as it is into whatever log runs it.
 */
export function diagnosticDetail(text: string): string {
  return logText(text, MAX_DETAIL_CHARS);
}

/**
 * Whether a runner would read `line` as a workflow command: GitHub Actions reads a line that
 * starts, after leading white space, with `::` (`::warning::`, `::add-mask::`, `::stop-commands::`)
 * or with the older `##[`; Azure Pipelines reads `##vso[`.
 */
function looksLikeCommand(line: string): boolean {
  const t = line.trimStart();
  return t.startsWith("::") || t.startsWith("##[") || t.startsWith("##vso[");
}

/**
 * Text for a CI job log: hidden characters shown (lines kept) and every line a runner would read
 * as a workflow command prefixed with a backslash, so it prints as text and does nothing.
 */
export function logText(text: string, max = MAX_SUMMARY_BLOCK_CHARS): string {
  return visible(text, { multiline: true, max })
    .split("\n")
    .map((line) => (looksLikeCommand(line) ? `\\${line}` : line))
    .join("\n");
}

/** The longest run of `ch` in `text` (one pass: linear). */
export function longestRun(text: string, ch: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = text[i] === ch ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/** `text` no longer than `max` characters, cut with `…` (never inside a surrogate pair). */
export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
