/**
 * The `q` query parameter: a JSON object of field conditions. Oracle's own example
 * (`{'login':{'$like':'%jsmith%'}}`) is written with single quotes, which JSON does not allow, so
 * single-quoted strings are read as if they were double-quoted before the object is parsed.
 */
import type { HttpError } from "./errors";
import { badRequest } from "./errors";
import type { RequestContext } from "./http";

/**
 * Rewrites single-quoted strings as double-quoted ones, leaving double-quoted strings (and what
 * they hold, apostrophes included) as they are. Not a JSON parser: JSON.parse judges the result.
 */
export function normaliseQuotes(text: string): string {
  let out = "";
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === undefined) {
      if (c === "'" || c === '"') {
        quote = c;
        out += '"';
      } else {
        out += c;
      }
      continue;
    }
    if (c === "\\") {
      const next = text.charAt(i + 1);
      i++;
      // `\'` means an apostrophe in a single-quoted string; JSON knows no such escape.
      out += next === "'" ? "'" : `\\${next}`;
      continue;
    }
    if (c === quote) {
      quote = undefined;
      out += '"';
      continue;
    }
    // A double quote inside a single-quoted string is a character, so it needs escaping.
    out += c === '"' ? '\\"' : c;
  }
  return out;
}

/**
 * The `q` parameter as a JSON object, or undefined when absent or blank. `usage` ends the 400
 * message, telling the caller what this route accepts.
 */
export function queryObject(
  ctx: RequestContext,
  usage: string,
): { q: Record<string, unknown>; refuse: (why: string) => HttpError } | undefined {
  const raw = ctx.query.get("q");
  if (raw === null || raw.trim() === "") return undefined;
  const refuse = (why: string) =>
    badRequest("CPQ-INVALID-QUERY", "q", `Invalid q: ${why}. ${usage}`);
  let q: unknown;
  try {
    q = JSON.parse(normaliseQuotes(raw));
  } catch {
    throw refuse("not JSON");
  }
  if (typeof q !== "object" || q === null || Array.isArray(q)) throw refuse("not a JSON object");
  return { q: q as Record<string, unknown>, refuse };
}

/** A SQL-style `$like` pattern as a case-insensitive regular expression; `%` is any run. */
export function likePattern(pattern: string): RegExp {
  const parts = pattern.split("%").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`, "is");
}
