/**
 * Turning answers into values or errors: zod parsing with contract errors that name the field,
 * and Oracle's error shape into the parts of a {@link CpqHttpError}, redacted.
 */
import type { z } from "zod";
import { CpqContractError } from "./errors";
import type { CpqErrorDetail } from "./errors";
import type { Redactor } from "./redact";
import { parseRetryAfter } from "./retry";
import type { RawResponse } from "./transport";
import { CpqErrorBodyWireSchema } from "./wire";

/** Longest text taken from an error body that is not Oracle's JSON shape. */
const MAX_PLAIN_DETAIL = 300;

/**
 * The first problem zod found, as a dotted field path and a phrase that never repeats the value.
 * `input` is what was parsed, to tell a missing field from a wrong one whatever the schema.
 */
export function firstIssue(error: z.ZodError, input?: unknown): { field: string; problem: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { field: "(body)", problem: "is invalid" };
  const field = issue.path.length === 0 ? "(body)" : issue.path.map(String).join(".");
  if (issue.path.length > 0 && input !== undefined && valueAt(input, issue.path) === undefined) {
    return {
      field,
      problem:
        issue.code === "invalid_type" ? `is missing (expected ${issue.expected})` : "is missing",
    };
  }
  switch (issue.code) {
    case "invalid_type":
      return {
        field,
        problem: issue.message.includes("received undefined")
          ? `is missing (expected ${issue.expected})`
          : `has the wrong type (expected ${issue.expected})`,
      };
    case "invalid_value":
      return {
        field,
        problem: `has a value outside ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "invalid_union":
      return { field, problem: "has the wrong type or value" };
    default:
      // Other zod messages describe the rule, never the received value.
      return { field, problem: `is invalid (${issue.message})` };
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Parses the JSON text of a 2xx answer with `schema`; throws {@link CpqContractError}. */
export function parseBody<S extends z.ZodType>(
  schema: S,
  res: RawResponse,
  endpoint: string,
): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw new CpqContractError({
      endpoint,
      field: "(body)",
      problem: res.text === "" ? "is empty (expected JSON)" : "is not JSON",
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new CpqContractError({ endpoint, ...firstIssue(parsed.error, json) });
  return parsed.data;
}

/** What an error answer says, redacted: detail, `o:errorCode`, `o:errorDetails`, Retry-After. */
export function errorBody(
  res: RawResponse,
  redactor: Redactor,
): { detail?: string; errorCode?: string; errorDetails?: CpqErrorDetail[]; retryAfterMs?: number } {
  const retryAfterMs = parseRetryAfter(res.headers["retry-after"]);
  const out: {
    detail?: string;
    errorCode?: string;
    errorDetails?: CpqErrorDetail[];
    retryAfterMs?: number;
  } = retryAfterMs === undefined ? {} : { retryAfterMs };
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    const contentType = String(res.headers["content-type"] ?? "");
    const text = res.text.replace(/\s+/g, " ").trim();
    // An HTML error page from a proxy says nothing a reader can use in one line.
    if (text !== "" && !contentType.includes("html") && !text.startsWith("<")) {
      // Masked before it is cut: a secret that crossed the cut would keep its first part, which
      // no masked form matches. The window past the cut holds any secret a provider is given
      // (a keystore is a few KiB) without masking megabytes of an answer nobody reads.
      const masked = redactor.redact(text.slice(0, MAX_PLAIN_DETAIL + 64 * 1024));
      out.detail =
        masked.length > MAX_PLAIN_DETAIL ? `${masked.slice(0, MAX_PLAIN_DETAIL)}...` : masked;
    }
    return out;
  }
  const parsed = CpqErrorBodyWireSchema.safeParse(json);
  if (!parsed.success) return out;
  const b = parsed.data;
  const detail = b.detail ?? b.error_description ?? b.error ?? b.title;
  if (detail !== undefined && detail !== "") out.detail = redactor.redact(detail);
  if (b["o:errorCode"] !== undefined) out.errorCode = redactor.redact(b["o:errorCode"]);
  const details = b["o:errorDetails"];
  if (details !== undefined) {
    out.errorDetails = details.map((d) => ({
      path: redactor.redact(d["o:errorPath"] ?? ""),
      detail: redactor.redact(d.detail ?? ""),
    }));
  }
  return out;
}
