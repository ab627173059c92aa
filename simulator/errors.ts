/**
 * Errors in Oracle's REST error shape. Handlers throw {@link HttpError}; the server turns it into
 * the JSON body every CPQ error carries, so each status is spelled one way only.
 */
import { STATUS_CODES } from "node:http";

/** One entry of `o:errorDetails`. */
export interface ErrorDetail {
  readonly detail: string;
  readonly "o:errorPath"?: string;
}

/** The Oracle REST error body. */
export interface OracleErrorBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly "o:errorCode": string;
  readonly "o:errorDetails": readonly ErrorDetail[];
}

// Oracle points `type` at the RFC 2616 section of the status; 429 is defined by RFC 6585.
const SECTIONS: Readonly<Record<number, string>> = {
  400: "10.4.1",
  401: "10.4.2",
  403: "10.4.4",
  404: "10.4.5",
  405: "10.4.6",
  409: "10.4.10",
  413: "10.4.14",
  500: "10.5.1",
  502: "10.5.3",
  503: "10.5.4",
  504: "10.5.5",
};

/** The reason phrase of a status, or a generic one. */
export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? "Server Error" : "Error");
}

/** Builds the Oracle error body for a status. */
export function oracleError(
  status: number,
  code: string,
  details: readonly ErrorDetail[],
  detail?: string,
): OracleErrorBody {
  const section = SECTIONS[status];
  const type =
    status === 429
      ? "https://tools.ietf.org/html/rfc6585#section-4"
      : `http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html${section ? `#sec${section}` : ""}`;
  return {
    type,
    title: statusTitle(status),
    status,
    detail: detail ?? (details.map((d) => d.detail).join(" ") || statusTitle(status)),
    "o:errorCode": code,
    "o:errorDetails": details,
  };
}

/** An HTTP error a handler throws; carries extra headers such as `Allow` or `WWW-Authenticate`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly ErrorDetail[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    details: readonly ErrorDetail[] | string,
    headers: Readonly<Record<string, string>> = {},
  ) {
    const list = typeof details === "string" ? [{ detail: details }] : details;
    super(list.map((d) => d.detail).join(" ") || statusTitle(status));
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.details = list;
    this.headers = headers;
  }

  /** The Oracle error body for this error. */
  body(): OracleErrorBody {
    return oracleError(this.status, this.code, this.details, this.message);
  }
}

/** A 400 naming the offending field in `o:errorPath`. */
export function badRequest(code: string, path: string, detail: string): HttpError {
  return new HttpError(400, code, [{ detail, "o:errorPath": path }]);
}
