/**
 * The client's options and their validation. Validation happens once, in `createCpqClient`, so a
 * bad configuration fails before any request with a {@link CpqConfigError} naming the option; no
 * message here ever repeats a secret value (nor a URL, which may carry userinfo).
 */
import { CpqConfigError } from "./errors";

/** HTTP Basic: a CPQ administrator's username and password. */
export interface BasicAuth {
  readonly kind: "basic";
  readonly username: string;
  readonly password: string;
}

/** A bearer token obtained elsewhere. */
export interface BearerAuth {
  readonly kind: "bearer";
  readonly token: string;
}

/** OAuth 2.0 client credentials: a token is fetched from `tokenUrl`, cached and refreshed. */
export interface OAuthClientCredentials {
  readonly kind: "oauth";
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope?: string;
}

/** How the client authenticates to CPQ. */
export type CpqAuth = BasicAuth | BearerAuth | OAuthClientCredentials;

import { CLIENT_LIMITS } from "./limits";
import { serviceUrlProblem } from "./urls";
import type { PartnersSource } from "./partners";
import { DEFAULT_PATHS, REQUIRED_PLACEHOLDERS } from "./paths";
import type { CpqPathName, CpqPaths } from "./paths";

export { DEFAULT_PATHS };
export type { CpqPathName, CpqPaths };

/** REST versions the client speaks: Oracle supports the current one and the two before it. */
export const SUPPORTED_API_VERSIONS = ["v17", "v18", "v19"] as const;

/**
 * Receives the client's log lines; fields never hold secrets. `info` is for what a person running
 * Terraform wants to know (a retry, its reason and wait; credentials CPQ refused), `debug` for
 * every request and token fetch.
 */
export interface CpqLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link createCpqClient}. */
export interface CpqClientOptions {
  /** The site, e.g. `https://example.bigmachines.com`. Plain `http:` only for loopback hosts. */
  readonly baseUrl: string;
  /**
   * REST version, `v17` to `v19`: Oracle supports the current version and the two before it
   * (REST API reference, "Quick Start"). @default "v19"
   */
  readonly apiVersion?: string;
  /**
   * Where the site's partners (the User Integration tabs) are read: Oracle's documented
   * `integrationVendors` (the default), or this project's first, invented `integrations`.
   * @default "integrationVendors"
   */
  readonly partnersSource?: PartnersSource;
  /** `""`, or `"/cpq"` for Oracle-in-Fusion sites. @default "" */
  readonly pathPrefix?: string;
  readonly auth: CpqAuth;
  /** Time for one attempt, from sending to the last byte of the answer. @default 30000 */
  readonly requestTimeoutMs?: number;
  /**
   * Retries after the first attempt, for requests safe to repeat, on 429, 502, 503, 504 and
   * connection failures; on 429 for every request (CPQ did nothing, it asked to wait). A timeout
   * is not retried: the attempt already waited requestTimeoutMs, and more load does not help a
   * slow site. @default 4
   */
  readonly maxRetries?: number;
  /** No retry starts later than this after the first attempt began. @default 60000 */
  readonly maxRetryTimeMs?: number;
  /** First backoff step; doubles per retry, with jitter. @default 500 */
  readonly retryBaseDelayMs?: number;
  /** Largest single backoff (a longer `Retry-After` is still honoured). @default 10000 */
  readonly retryMaxDelayMs?: number;
  /** Requests in flight at once. @default 4 */
  readonly maxConcurrency?: number;
  /** Requests started per second. @default unlimited */
  readonly requestsPerSecond?: number;
  /** PEM certificate(s) trusted in addition to the system roots (a private CA). */
  readonly caCertificate?: string;
  /** Overrides of the path templates. */
  readonly paths?: Partial<CpqPaths>;
  readonly logger?: CpqLogger;
  /** @default "cpq-sso" */
  readonly userAgent?: string;
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  /** Origin plus any base path, without a trailing slash. */
  readonly origin: string;
  readonly basePath: string;
  readonly apiVersion: string;
  readonly partnersSource: PartnersSource;
  readonly pathPrefix: string;
  readonly auth: CpqAuth;
  readonly tokenUrl: URL | undefined;
  readonly requestTimeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryTimeMs: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly maxConcurrency: number;
  readonly requestsPerSecond: number | undefined;
  readonly caCertificate: string | undefined;
  readonly paths: CpqPaths;
  readonly logger: CpqLogger | undefined;
  readonly userAgent: string;
}

/** Validates `raw` and fills in defaults; throws {@link CpqConfigError}. */
export function resolveOptions(raw: CpqClientOptions): ResolvedOptions {
  const base = parseServiceUrl("baseUrl", raw.baseUrl);
  if (base.search !== "" || base.hash !== "") {
    throw new CpqConfigError(
      "baseUrl",
      "must not have a query string or fragment; give the site's address only.",
    );
  }
  const apiVersion = raw.apiVersion ?? "v19";
  if (!(SUPPORTED_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw new CpqConfigError(
      "apiVersion",
      `"${apiVersion}" is not supported; use one of ${SUPPORTED_API_VERSIONS.join(", ")} (Oracle supports the current REST version and the two before it).`,
    );
  }
  const partnersSource = raw.partnersSource ?? "integrationVendors";
  if (partnersSource !== "integrationVendors" && partnersSource !== "integrations") {
    throw new CpqConfigError(
      "partnersSource",
      `"${String(partnersSource)}" is not supported; use "integrationVendors" or "integrations".`,
    );
  }
  const pathPrefix = raw.pathPrefix ?? "";
  if (pathPrefix !== "" && pathPrefix !== "/cpq") {
    throw new CpqConfigError(
      "pathPrefix",
      `"${pathPrefix}" is not supported; use "" (CPQ sites) or "/cpq" (Oracle-in-Fusion sites), or set the path templates.`,
    );
  }
  const auth = checkAuth(raw.auth);
  const tokenUrl =
    auth.kind === "oauth" ? parseServiceUrl("auth.tokenUrl", auth.tokenUrl) : undefined;
  const paths = checkPaths(raw.paths ?? {});
  if (
    raw.caCertificate !== undefined &&
    !raw.caCertificate.includes("-----BEGIN CERTIFICATE-----")
  ) {
    throw new CpqConfigError(
      "caCertificate",
      "must be one or more PEM certificates (-----BEGIN CERTIFICATE-----).",
    );
  }
  const userAgent = raw.userAgent ?? "cpq-sso";
  if (/[\r\n]/.test(userAgent) || userAgent === "") {
    throw new CpqConfigError("userAgent", "must be a non-empty single line.");
  }
  const rps = CLIENT_LIMITS.requestsPerSecond;
  if (
    raw.requestsPerSecond !== undefined &&
    !(raw.requestsPerSecond >= rps.min && raw.requestsPerSecond <= rps.max)
  ) {
    throw new CpqConfigError(
      "requestsPerSecond",
      `must be a number from ${rps.min.toPrecision(2)} (one a minute) to ${rps.max}, or left unset for no limit.`,
    );
  }
  return {
    origin: base.origin,
    basePath: base.pathname.replace(/\/+$/, ""),
    apiVersion,
    partnersSource,
    pathPrefix,
    auth,
    tokenUrl,
    requestTimeoutMs: int(
      "requestTimeoutMs",
      raw.requestTimeoutMs,
      30_000,
      CLIENT_LIMITS.requestTimeoutMs.min,
      CLIENT_LIMITS.requestTimeoutMs.max,
    ),
    maxRetries: int(
      "maxRetries",
      raw.maxRetries,
      4,
      CLIENT_LIMITS.maxRetries.min,
      CLIENT_LIMITS.maxRetries.max,
    ),
    maxRetryTimeMs: int("maxRetryTimeMs", raw.maxRetryTimeMs, 60_000, 0),
    retryBaseDelayMs: int("retryBaseDelayMs", raw.retryBaseDelayMs, 500, 0),
    retryMaxDelayMs: int("retryMaxDelayMs", raw.retryMaxDelayMs, 10_000, 0),
    maxConcurrency: int(
      "maxConcurrency",
      raw.maxConcurrency,
      4,
      CLIENT_LIMITS.maxConcurrency.min,
      CLIENT_LIMITS.maxConcurrency.max,
    ),
    requestsPerSecond: raw.requestsPerSecond,
    caCertificate: raw.caCertificate,
    paths,
    logger: raw.logger,
    userAgent,
  };
}

function parseServiceUrl(option: string, value: string): URL {
  const problem = serviceUrlProblem(value);
  if (problem !== undefined) throw new CpqConfigError(option, problem);
  return new URL(value);
}

function checkAuth(auth: CpqAuth | undefined): CpqAuth {
  // The kind is checked at run time too: the options may come from untyped configuration.
  switch (auth?.kind) {
    case "basic":
      nonEmpty("auth.username", auth.username);
      nonEmpty("auth.password", auth.password);
      if (auth.username.includes(":")) {
        throw new CpqConfigError(
          "auth.username",
          "must not contain ':' (HTTP Basic cannot carry it).",
        );
      }
      return auth;
    case "bearer":
      nonEmpty("auth.token", auth.token);
      if (/[\s]/.test(auth.token))
        throw new CpqConfigError("auth.token", "must not contain whitespace.");
      return auth;
    case "oauth":
      nonEmpty("auth.tokenUrl", auth.tokenUrl);
      nonEmpty("auth.clientId", auth.clientId);
      nonEmpty("auth.clientSecret", auth.clientSecret);
      return auth;
    default:
      throw new CpqConfigError(
        "auth",
        'must be {kind: "basic"}, {kind: "bearer"} or {kind: "oauth"} with its fields.',
      );
  }
}

function nonEmpty(option: string, value: unknown): void {
  if (typeof value !== "string" || value === "") {
    throw new CpqConfigError(option, "is required and must be a non-empty string.");
  }
}

function int(
  option: string,
  value: number | undefined,
  dflt: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return dflt;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CpqConfigError(
      option,
      `must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}, got ${String(value)}.`,
    );
  }
  return value;
}

function checkPaths(overrides: Partial<CpqPaths>): CpqPaths {
  const paths: Record<string, string> = { ...DEFAULT_PATHS };
  for (const [name, template] of Object.entries(overrides)) {
    if (!(name in DEFAULT_PATHS)) {
      throw new CpqConfigError(
        `paths.${name}`,
        `is not a known path; known: ${Object.keys(DEFAULT_PATHS).join(", ")}.`,
      );
    }
    if (template === undefined) continue;
    const option = `paths.${name}`;
    if (
      typeof template !== "string" ||
      !(template.startsWith("/") || template.startsWith("{prefix}/"))
    ) {
      throw new CpqConfigError(option, 'must be a path starting with "/" or "{prefix}/".');
    }
    if (/[?#]/.test(template))
      throw new CpqConfigError(option, "must not contain a query string or fragment.");
    const allowed = ["prefix", "version", ...REQUIRED_PLACEHOLDERS[name as CpqPathName]];
    for (const m of template.matchAll(/\{([^}]*)\}/g)) {
      if (!allowed.includes(m[1] ?? "")) {
        throw new CpqConfigError(
          option,
          `placeholder {${m[1] ?? ""}} is not known here; allowed: {${allowed.join("}, {")}}.`,
        );
      }
    }
    for (const p of REQUIRED_PLACEHOLDERS[name as CpqPathName]) {
      if (!template.includes(`{${p}}`)) throw new CpqConfigError(option, `must contain {${p}}.`);
    }
    paths[name] = template;
  }
  return paths as unknown as CpqPaths;
}

/**
 * Fills a template; `{partyNumber}`, `{tab}` and `{id}` values are URL-encoded as one path
 * segment each.
 */
export function expandPath(
  opts: Pick<ResolvedOptions, "basePath" | "pathPrefix" | "apiVersion" | "paths">,
  name: CpqPathName,
  params: { readonly partyNumber?: string; readonly tab?: string; readonly id?: string } = {},
): string {
  const template = opts.paths[name];
  const expanded = template.replace(
    /\{(prefix|version|partyNumber|tab|id)\}/g,
    (_m, key: string) => {
      switch (key) {
        case "prefix":
          return opts.pathPrefix;
        case "version":
          return opts.apiVersion;
        default: {
          const value = key === "tab" ? params.tab : key === "id" ? params.id : params.partyNumber;
          // "." and ".." survive encodeURIComponent and would climb the path on the server.
          if (value === undefined || value === "" || value === "." || value === "..") {
            throw new CpqConfigError(
              key,
              `is required for the ${name} path and must be a non-empty name.`,
            );
          }
          return encodeURIComponent(value);
        }
      }
    },
  );
  return `${opts.basePath}${expanded}`;
}
