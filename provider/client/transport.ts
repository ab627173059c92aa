/**
 * The HTTP layer: one keep-alive undici Agent per client, a timeout per attempt, the limiter, and
 * retries with jittered exponential backoff. It returns raw answers (status, headers, text) and
 * throws only for faults without an answer (network, timeout); what a status means is the
 * client's business. undici is loaded on the first request, not when this module loads, because
 * Terraform starts several provider processes per command and most never call CPQ.
 */
// A static import: the client bundle runs through vm.Script with a V8 code cache, where a
// dynamic import() of a built-in has no loader once the cache is warm (scripts/build.mjs refuses one).
import { rootCertificates } from "node:tls";
import type { Agent as UndiciAgent, Dispatcher } from "undici";
import {
  CpqConfigError,
  CpqContractError,
  CpqError,
  CpqNetworkError,
  CpqTimeoutError,
  statusText,
} from "./errors";
import { Limiter, sleep } from "./limiter";
import type { CpqLogger, ResolvedOptions } from "./options";
import type { Redactor } from "./redact";
import {
  RETRYABLE_NETWORK_CODES,
  RETRYABLE_STATUSES,
  backoffDelay,
  parseRetryAfter,
} from "./retry";

/** One logical request; the transport may send it several times. */
export interface Exchange {
  readonly origin: string;
  /** Path and query, already encoded. */
  readonly path: string;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Built per attempt, so a refreshed token is picked up by a retry. */
  readonly headers: () => Promise<Record<string, string>>;
  readonly body?: string;
  /** Safe to send again after an unclear outcome (idempotent, or a merge of the same values). */
  readonly safeToRepeat: boolean;
  /** Whether the request counts against maxConcurrency/requestsPerSecond. */
  readonly limited: boolean;
  /** Masks the secrets of this request in log lines and error texts. */
  readonly redactor: Redactor;
  /** The `Accept` header. @default "application/json" */
  readonly accept?: string;
  /** The largest body read; a longer one is refused unread. @default {@link MAX_RESPONSE_BYTES} */
  readonly maxBodyBytes?: number;
}

/** An HTTP answer, body read in full. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /**
   * True when this answer came after a retry of an attempt whose outcome is unknown (a lost or
   * cut-off answer, a 5xx from a gateway): CPQ may have acted on that earlier attempt, so what
   * this answer says about "the change" may describe no change at all.
   */
  readonly afterUnclearAttempt?: boolean;
}

type TransportOptions = Pick<
  ResolvedOptions,
  | "requestTimeoutMs"
  | "maxRetries"
  | "maxRetryTimeMs"
  | "retryBaseDelayMs"
  | "retryMaxDelayMs"
  | "maxConcurrency"
  | "requestsPerSecond"
  | "caCertificate"
  | "userAgent"
> & { readonly logger: CpqLogger | undefined };

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * The largest answer read, in bytes. CPQ's biggest answer (a page of 1,000 users with their tabs)
 * is well under 1 MiB; a body beyond this is not CPQ, and reading it whole could exhaust the
 * provider's memory.
 */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Sends requests with limits, timeouts and retries. */
export class Transport {
  /** Exposed for tests and diagnostics: requests in flight now. */
  readonly limiter: Limiter;
  private dispatcher: Promise<Dispatcher> | undefined;
  private closed = false;

  constructor(private readonly opts: TransportOptions) {
    this.limiter = new Limiter(opts.maxConcurrency, opts.requestsPerSecond);
  }

  /** Sends `x`, retrying what may be retried; resolves with the last answer. */
  async exchange(x: Exchange): Promise<RawResponse> {
    const started = Date.now();
    const { maxRetries, maxRetryTimeMs } = this.opts;
    let unclear = false;
    const done = (outcome: RawResponse | CpqError): RawResponse => {
      if (outcome instanceof CpqError) outcome.afterUnclearAttempt = unclear;
      const res = settle(outcome);
      return unclear ? { ...res, afterUnclearAttempt: true } : res;
    };
    for (let retry = 0; ; retry++) {
      if (this.closed) throw new CpqConfigError("client", "is closed; create a new client.");
      const headers = await x.headers();
      const release = x.limited ? await this.limiter.acquire() : undefined;
      let outcome: RawResponse | CpqError;
      try {
        outcome = await this.attempt(x, headers);
      } catch (err) {
        if (!(err instanceof CpqError)) throw err;
        outcome = err;
      } finally {
        release?.();
      }
      const reason =
        outcome instanceof CpqError
          ? outcome instanceof CpqNetworkError &&
            outcome.causeCode !== undefined &&
            RETRYABLE_NETWORK_CODES.has(outcome.causeCode)
            ? outcome.causeCode
            : undefined
          : RETRYABLE_STATUSES.has(outcome.status)
            ? String(outcome.status)
            : undefined;
      // A 429 says CPQ refused the request without acting on it, so any request may be sent
      // again; other failures leave the outcome unclear, so only a request safe to repeat is.
      if (reason === undefined || (!x.safeToRepeat && reason !== "429")) return done(outcome);
      const logFields = {
        method: x.method,
        path: x.redactor.redact(x.path),
        attempt: retry + 1,
        reason,
      };
      const request = `${x.method} ${logFields.path}`;
      const why = retryReason(outcome);
      if (retry >= maxRetries) {
        this.info(
          `cpq request failed; no retries left: ${why} to ${request} ` +
            `after ${retry + 1} attempt${retry === 0 ? "" : "s"} (max_retries = ${maxRetries})`,
          { ...logFields, maxRetries },
        );
        return done(outcome);
      }
      const retryAfterMs =
        outcome instanceof CpqError ? undefined : parseRetryAfter(outcome.headers["retry-after"]);
      const delayMs = Math.max(
        backoffDelay(retry + 1, this.opts.retryBaseDelayMs, this.opts.retryMaxDelayMs),
        retryAfterMs ?? 0,
      );
      const elapsedMs = Date.now() - started;
      if (elapsedMs + delayMs > maxRetryTimeMs) {
        this.info(
          `cpq request failed; not retrying: ${why} to ${request}, and waiting ` +
            `${seconds(delayMs)} more would pass the retry time budget of one request ` +
            `(${seconds(maxRetryTimeMs)}; ${seconds(elapsedMs)} spent)`,
          { ...logFields, elapsedMs, delayMs, maxRetryTimeMs },
        );
        return done(outcome);
      }
      // Only a 429 says CPQ did nothing; after anything else the first attempt may have counted.
      if (reason !== "429") unclear = true;
      this.info(
        `cpq request failed; retrying ${request} in ${seconds(delayMs)}: ${why}` +
          (retryAfterMs === undefined ? "" : ` (CPQ asked to wait ${seconds(retryAfterMs)})`) +
          `; retry ${retry + 1} of at most ${maxRetries}`,
        {
          ...logFields,
          delayMs,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
      );
      await sleep(delayMs);
    }
  }

  /** Closes the connections; pending requests finish first. */
  async close(): Promise<void> {
    this.closed = true;
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (d !== undefined) await (await d).close();
  }

  private debug(msg: string, fields: Record<string, unknown>): void {
    this.opts.logger?.debug(msg, fields);
  }

  /** A line for the person running Terraform (`TF_LOG=info`): what happened and what comes next. */
  private info(msg: string, fields: Record<string, unknown>): void {
    this.opts.logger?.info(msg, fields);
  }

  private getDispatcher(): Promise<Dispatcher> {
    this.dispatcher ??= (async () => {
      const { Agent } = undiciAgent();
      let ca: string[] | undefined;
      if (this.opts.caCertificate !== undefined) {
        // `ca` replaces Node's trust store, so the system roots are passed along: the option adds.
        ca = [...rootCertificates, this.opts.caCertificate];
      }
      return new Agent({
        connections: this.opts.maxConcurrency,
        keepAliveTimeout: 10_000,
        connect: { rejectUnauthorized: true, ...(ca === undefined ? {} : { ca }) },
      });
    })();
    return this.dispatcher;
  }

  private async attempt(x: Exchange, headers: Record<string, string>): Promise<RawResponse> {
    const dispatcher = await this.getDispatcher();
    const timeoutMs = this.opts.requestTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const began = Date.now();
    try {
      const res = await undiciAgent().request.call(dispatcher, {
        origin: x.origin,
        path: x.path,
        method: x.method,
        headers: {
          "user-agent": this.opts.userAgent,
          accept: x.accept ?? "application/json",
          ...headers,
        },
        ...(x.body === undefined ? {} : { body: x.body }),
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await readBounded(
        res,
        `${x.method} ${x.redactor.redact(x.path.split("?")[0] ?? "")}`,
        x.maxBodyBytes ?? MAX_RESPONSE_BYTES,
      );
      this.debug("cpq request", {
        method: x.method,
        path: x.redactor.redact(x.path),
        status: res.statusCode,
        ms: Date.now() - began,
      });
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      if (err instanceof CpqError) throw err;
      throw this.classify(err, x, controller.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(err: unknown, x: Exchange, aborted: boolean): CpqError {
    const path = x.redactor.redact(x.path);
    const code = errorCode(err);
    if (aborted || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return new CpqTimeoutError({ method: x.method, path, timeoutMs: this.opts.requestTimeoutMs });
    }
    const host = new URL(x.origin).host;
    const init = { method: x.method, path, ...(code === undefined ? {} : { causeCode: code }) };
    if (code !== undefined && TLS_CODES.has(code)) {
      return new CpqNetworkError({
        ...init,
        reason: `the TLS certificate of ${host} could not be verified`,
        fix: "If the site uses a private CA, set ca_certificate to its PEM certificate; verification is never turned off.",
      });
    }
    switch (code) {
      case "ECONNREFUSED":
        return new CpqNetworkError({
          ...init,
          reason: `${host} refused the connection`,
          fix: "Check base_url (host and port) and that the site is up.",
        });
      case "ENOTFOUND":
        return new CpqNetworkError({
          ...init,
          reason: `the host name ${host} does not resolve`,
          fix: "Check the host in base_url.",
        });
      case "ECONNRESET":
      case "EPIPE":
      case "UND_ERR_SOCKET":
      case "UND_ERR_CLOSED":
      case "UND_ERR_RES_CONTENT_LENGTH_MISMATCH":
        return new CpqNetworkError({
          ...init,
          reason: `${host} closed the connection before the answer was complete`,
          fix: "Retry later; if it persists, check proxies and load balancers between here and CPQ.",
        });
      default:
        return new CpqNetworkError({
          ...init,
          reason: `the connection to ${host} failed`,
          fix: "Check base_url, the network path to the site, and proxies.",
        });
    }
  }
}

/** undici's `request`, called with the dispatcher as `this` (as `Dispatcher.prototype.request`). */
type UndiciRequest = (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

/** The two parts of undici the client uses. */
interface UndiciParts {
  readonly Agent: typeof UndiciAgent;
  readonly request: UndiciRequest;
}

let undici: UndiciParts | undefined;

/**
 * undici's Agent and its `request`, required from their own modules rather than the package's
 * index, once, on first use. The index also loads fetch, WebSocket, EventSource, the cache
 * stores, the mock agents and every interceptor, none of which the client uses: bundled, that was
 * 1 MB that every process configuring the provider evaluated, about 100 ms of CPU against about
 * 45 ms for these two modules (docs/performance.md, change 12). undici publishes no `exports`
 * map, so these paths are reachable; the index itself assigns `request` to `Dispatcher.prototype`
 * from the same module, so calling it with the agent as `this` is what `agent.request()` does.
 * test/integration/package-build.test.ts fails if the bundle grows the index's modules back, and
 * every client test fails if a new undici moves these files.
 */
function undiciAgent(): UndiciParts {
  undici ??= {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Agent: require("undici/lib/dispatcher/agent") as typeof UndiciAgent,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    request: require("undici/lib/api/api-request") as UndiciRequest,
  };
  return undici;
}

/** The body as text, refused (and the connection dropped) beyond `limit` bytes. */
async function readBounded(
  res: Dispatcher.ResponseData,
  endpoint: string,
  limit: number,
): Promise<string> {
  const tooLarge = (): CpqContractError => {
    res.body.destroy();
    return new CpqContractError({
      endpoint,
      field: "(body)",
      problem: `is larger than ${limit / 1024 / 1024} MiB, far more than any CPQ answer`,
    });
  };
  if (Number(res.headers["content-length"] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Why an attempt is retried, in words: "CPQ answered 503 Service Unavailable", "ECONNRESET: ...". */
function retryReason(outcome: RawResponse | CpqError): string {
  if (outcome instanceof CpqError) {
    const code = outcome instanceof CpqNetworkError ? outcome.causeCode : undefined;
    const reason = outcome instanceof CpqNetworkError ? outcome.reason : outcome.message;
    return code === undefined ? reason : `${reason} (${code})`;
  }
  const text = statusText(outcome.status);
  return `CPQ answered ${outcome.status}${text === undefined ? "" : ` ${text}`}`;
}

/** A wait in seconds, to a tenth: "1.3 s". */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function settle(outcome: RawResponse | CpqError): RawResponse {
  if (outcome instanceof CpqError) throw outcome;
  return outcome;
}

/**
 * The most telling code of a failure. undici wraps system errors (`cause`), and Node's
 * happy-eyeballs connect reports an AggregateError with one error per address.
 */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== "object" || err === null || depth > 4) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const inner = errorCode(e.cause, depth + 1);
  const own = typeof e.code === "string" ? e.code : undefined;
  // A generic wrapper code says less than the system code beneath it.
  if (inner !== undefined && (own === undefined || own === "UND_ERR" || own === "UND_ERR_SOCKET"))
    return inner;
  if (own !== undefined) return own;
  if (Array.isArray(e.errors)) {
    for (const sub of e.errors) {
      const c = errorCode(sub, depth + 1);
      if (c !== undefined) return c;
    }
  }
  return inner;
}
