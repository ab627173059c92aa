/**
 * The client's one error family. Every failure the client reports is a {@link CpqError} with a
 * stable {@link CpqErrorCode}, so callers branch on `code` rather than on message text, and every
 * message says the cause and the fix. No message, field or stack ever carries a secret: the
 * transport redacts CPQ's own texts before they reach these constructors, and request bodies and
 * headers are never copied in.
 */

/** Stable codes of the client's errors. */
export type CpqErrorCode =
  "CPQ_HTTP" | "CPQ_NETWORK" | "CPQ_TIMEOUT" | "CPQ_CONTRACT" | "CPQ_CONFIG";

/** Base of all errors raised by the CPQ client. */
export class CpqError extends Error {
  /** The stable code; one per subclass. */
  readonly code: CpqErrorCode;
  /**
   * An earlier attempt of the same request ended unclear (a lost or cut-off answer, a gateway's
   * 5xx) before this error ended the retries: CPQ may have acted on that attempt, whatever this
   * error says (a refused connection while CPQ restarts, say). Set by the transport.
   */
  afterUnclearAttempt = false;

  constructor(code: CpqErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One entry of CPQ's `o:errorDetails`: which field (`o:errorPath`) was refused and why. */
export interface CpqErrorDetail {
  readonly path: string;
  readonly detail: string;
}

/** Fields of a {@link CpqHttpError}. */
export interface CpqHttpErrorInit {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** CPQ's `detail`, redacted. */
  readonly detail?: string;
  /** CPQ's `o:errorCode`. */
  readonly errorCode?: string;
  /** CPQ's `o:errorDetails`, redacted. */
  readonly errorDetails?: readonly CpqErrorDetail[];
  /** The `Retry-After` CPQ sent, in milliseconds, when it sent one. */
  readonly retryAfterMs?: number;
  /** Which server answered, when it is not CPQ's REST API itself (the OAuth token endpoint). */
  readonly endpoint?: "cpq" | "oauth-token";
  /**
   * CPQ refused these credentials (401) earlier in this provider process, and that error carries
   * the fix: this one says so in a line, and the request was not sent again.
   */
  readonly refusedBefore?: boolean;
}

/** CPQ (or the OAuth token endpoint) answered with an HTTP error status. */
export class CpqHttpError extends CpqError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly detail: string | undefined;
  readonly errorCode: string | undefined;
  /** The `o:errorPath` of each `o:errorDetails` entry: the fields CPQ refused. */
  readonly errorPaths: readonly string[];
  readonly errorDetails: readonly CpqErrorDetail[];
  readonly retryAfterMs: number | undefined;
  /** See {@link CpqHttpErrorInit.refusedBefore}. */
  readonly refusedBefore: boolean;

  constructor(init: CpqHttpErrorInit) {
    super("CPQ_HTTP", httpMessage(init));
    this.refusedBefore = init.refusedBefore === true;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.detail = init.detail;
    this.errorCode = init.errorCode;
    this.errorDetails = init.errorDetails ?? [];
    this.errorPaths = this.errorDetails.map((d) => d.path).filter((p) => p !== "");
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The connection failed (refused, reset, closed early, DNS, TLS verification). */
export class CpqNetworkError extends CpqError {
  readonly method: string;
  readonly path: string;
  /** The system or undici error code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  readonly causeCode: string | undefined;
  /** What failed, in words: "example.com closed the connection before the answer was complete". */
  readonly reason: string;

  constructor(init: {
    method: string;
    path: string;
    causeCode?: string;
    reason: string;
    fix: string;
  }) {
    super(
      "CPQ_NETWORK",
      `${init.method} ${init.path} failed: ${init.reason}${init.causeCode === undefined ? "" : ` (${init.causeCode})`}. ${init.fix}`,
    );
    this.method = init.method;
    this.path = init.path;
    this.causeCode = init.causeCode;
    this.reason = init.reason;
  }
}

/** No complete answer arrived within `requestTimeoutMs`. */
export class CpqTimeoutError extends CpqError {
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;

  constructor(init: { method: string; path: string; timeoutMs: number }) {
    super(
      "CPQ_TIMEOUT",
      `${init.method} ${init.path} got no complete answer within ${init.timeoutMs} ms. ` +
        "CPQ may be slow or unreachable: retry later, or raise request_timeout.",
    );
    this.method = init.method;
    this.path = init.path;
    this.timeoutMs = init.timeoutMs;
  }
}

/** CPQ answered with a body that does not match the API contract. */
export class CpqContractError extends CpqError {
  /** `METHOD path` of the call, e.g. `GET /rest/v19/users`. */
  readonly endpoint: string;
  /** The offending field as a dotted path (`items.0.login`), or `(body)` for the body as a whole. */
  readonly field: string;

  constructor(init: { endpoint: string; field: string; problem: string }) {
    super(
      "CPQ_CONTRACT",
      `${init.endpoint} answered with a body that breaks the CPQ API contract: ` +
        `${init.field === "(body)" ? "the body" : `field "${init.field}"`} ${init.problem}. ` +
        "Check that base_url, api_version, path_prefix and the path templates point at a CPQ REST endpoint.",
    );
    this.endpoint = init.endpoint;
    this.field = init.field;
  }
}

/** The client's options are invalid; raised before any request is made. */
export class CpqConfigError extends CpqError {
  /** The option at fault, e.g. `baseUrl`, `auth.password`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super("CPQ_CONFIG", `Invalid CPQ client option ${option}: ${message}`);
    this.option = option;
  }
}

/** True when `err` is a {@link CpqError}, optionally of the given code. */
export function isCpqError(err: unknown, code?: CpqErrorCode): err is CpqError {
  return err instanceof CpqError && (code === undefined || err.code === code);
}

/**
 * The reason phrase of a status, from Node's own table. Required here, on the error path only:
 * this module loads at provider start-up, which must not pay for node:http.
 */
export function statusText(status: number): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("node:http") as typeof import("node:http")).STATUS_CODES[status];
}

function httpMessage(init: CpqHttpErrorInit): string {
  if (init.refusedBefore === true) {
    return (
      `CPQ refused the credentials earlier in this run; another error says how to fix them. ` +
      `${init.method} ${init.path} was not sent, so a wrong password is not tried again.`
    );
  }
  const who = init.endpoint === "oauth-token" ? "The OAuth token endpoint" : "CPQ";
  const text = statusText(init.status);
  const head = `${who} answered ${init.status}${text === undefined ? "" : ` ${text}`} to ${init.method} ${init.path}`;
  const detail = init.detail === undefined || init.detail === "" ? "" : `: ${init.detail}`;
  const paths = (init.errorDetails ?? []).map((d) => d.path).filter((p) => p !== "");
  const fields = paths.length === 0 ? "" : ` (fields: ${paths.join(", ")})`;
  const said = `${head}${detail}${fields}`;
  // CPQ's detail may end in its own full stop: one, not two.
  return `${said}${/[.!?]$/.test(said) ? "" : "."} ${httpFix(init)}`;
}

function httpFix(init: CpqHttpErrorInit): string {
  if (init.endpoint === "oauth-token") {
    if (init.status === 400 || init.status === 401) {
      return "Check client_id, client_secret and scope of the OAuth client.";
    }
    if (init.status === 404) return "Check token_url.";
  }
  switch (init.status) {
    case 400:
      return "Fix the refused value(s); CPQ saved nothing.";
    case 401:
      return (
        "Check the username and password, or the access token / OAuth client credentials " +
        "(the provider block, or CPQ_USERNAME and CPQ_PASSWORD, CPQ_ACCESS_TOKEN, CPQ_CLIENT_ID " +
        "and CPQ_CLIENT_SECRET). The provider sends nothing more with these credentials in this " +
        "run, so the other resources report this error in one line."
      );
    case 403:
      return "The user is authenticated but is not allowed to do this: it must be a CPQ administrator (FullAccess).";
    case 404:
      return "Check base_url, api_version, path_prefix and the path templates, and that the user or tab exists.";
    case 405:
      return "The path template points at an endpoint that does not accept this method: check the path templates.";
    case 429: {
      const after =
        init.retryAfterMs === undefined
          ? ""
          : ` (CPQ asked to wait ${Math.ceil(init.retryAfterMs / 1000)} s)`;
      return `CPQ is rate limiting${after}: retry later, or lower requests_per_second / max_concurrency.`;
    }
    default:
      return init.status >= 500
        ? "CPQ had a server fault: retry later; if it persists, check the CPQ site's health."
        : "Check the request and the CPQ site's configuration.";
  }
}
