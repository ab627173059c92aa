/** How a terraform run ended, read from its output: clearly, or in a way that must not happen. */
import type { TfResult } from "./tf-dir";

/** Output that must never appear: Terraform's or the plugin's own failure, not a CPQ fault. */
const WRONG = [
  /inconsistent result/i,
  /inconsistent final plan/i,
  /Provider produced invalid/i,
  /panic/i,
  /plugin (exited|crashed|did not respond)/i,
  /unexpected EOF/i,
  /rpc error/i,
  // A bug in the provider surfaces as a JavaScript error message in a diagnostic.
  /Cannot read propert|is not a function|is not defined|Maximum call stack/,
];

/** The first line of `text` showing Terraform or the provider misbehaving, if any. */
export function wrongSign(text: string): string | undefined {
  for (const re of WRONG) {
    const m = re.exec(text);
    if (m) {
      const start = text.lastIndexOf("\n", m.index) + 1;
      const end = text.indexOf("\n", m.index);
      return text.slice(start, end === -1 ? undefined : end).trim();
    }
  }
  return undefined;
}

/** A CPQ request named in an error: `METHOD /path`. */
// Terraform wraps diagnostics at about 78 columns, so method and path may be a line apart.
const ENDPOINT = /\b(GET|POST|PUT|DELETE)\s+\/rest\/v\d+\/[^\s:]+/;

/**
 * Whether a failed run failed clearly: exit 1, an `Error:` block naming the CPQ endpoint that
 * failed, and no sign of Terraform or the provider misbehaving.
 */
export function failedClearly(r: TfResult): boolean {
  const out = `${r.stdout}\n${r.stderr}`;
  return (
    r.code === 1 &&
    !r.timedOut &&
    /Error: /.test(out) &&
    ENDPOINT.test(out) &&
    wrongSign(out) === undefined
  );
}

/** The endpoint an error names, for reports. */
export function namedEndpoint(r: TfResult): string | undefined {
  return ENDPOINT.exec(`${r.stdout}\n${r.stderr}`)?.[0].replace(/\s+/, " ");
}
