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

/** The first problem zod found, as a dotted field path and a phrase without the value itself. */
export function firstIssue(error: z.ZodError): { field: string; problem: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { field: "(body)", problem: "is invalid" };
  const field = issue.path.length === 0 ? "(body)" : issue.path.map(String).join(".");
  let problem: string;
  switch (issue.code) {
    case "invalid_type":
      // zod says "received undefined" for a missing key; say it the way a reader expects.
      problem = issue.message.includes("received undefined")
        ? `is missing (expected ${issue.expected})`
        : `has the wrong type (expected ${issue.expected})`;
      break;
    case "invalid_value":
      problem = `has a value outside ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
      break;
    default:
      // Other zod messages describe the rule, never the received value.
      problem = `is invalid (${issue.message})`;
  }
  return { field, problem };
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
  if (!parsed.success) throw new CpqContractError({ endpoint, ...firstIssue(parsed.error) });
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
      out.detail = redactor.redact(
        text.length > MAX_PLAIN_DETAIL ? `${text.slice(0, MAX_PLAIN_DETAIL)}...` : text,
      );
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
