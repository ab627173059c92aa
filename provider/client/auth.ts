/**
 * The Authorization header for each auth kind. OAuth client-credentials tokens are fetched once,
 * shared by concurrent callers (one fetch in flight), reused until shortly before they expire,
 * and dropped when CPQ answers 401 with them.
 */
import { CpqHttpError } from "./errors";
import type { CpqAuth, CpqLogger, OAuthClientCredentials } from "./options";
import type { Redactor } from "./redact";
import type { Exchange, RawResponse } from "./transport";
import { OAuthTokenWireSchema } from "./wire";
import { errorBody, parseBody } from "./responses";

/** Gives each request its Authorization header. */
export interface AuthProvider {
  /** The header value to send now. */
  header(): Promise<string>;
  /**
   * Called when CPQ answered 401 to `header`. True when a fresh header may fix it (a cached OAuth
   * token that was revoked or expired early), so the request is worth one more try.
   */
  unauthorized(header: string): boolean;
}

/** Refresh this long before expiry at most, so a token never expires in flight. */
const MAX_REFRESH_MARGIN_MS = 60_000;

/** Builds the provider for `auth`; secrets it learns (OAuth tokens) are added to `redactor`. */
export function createAuthProvider(
  auth: CpqAuth,
  tokenUrl: URL | undefined,
  exchange: (x: Exchange) => Promise<RawResponse>,
  redactor: Redactor,
  logger: CpqLogger | undefined,
): AuthProvider {
  switch (auth.kind) {
    case "basic": {
      const encoded = Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64");
      const value = `Basic ${encoded}`;
      // The bare base64 too: an echo of the credential without its scheme must not leak it.
      redactor.add(value);
      redactor.add(encoded);
      return { header: () => Promise.resolve(value), unauthorized: () => false };
    }
    case "bearer": {
      const value = `Bearer ${auth.token}`;
      return { header: () => Promise.resolve(value), unauthorized: () => false };
    }
    case "oauth":
      if (tokenUrl === undefined) throw new TypeError("tokenUrl must be resolved for OAuth");
      return new OAuthTokenSource(auth, tokenUrl, exchange, redactor, logger);
  }
}

interface CachedToken {
  readonly header: string;
  /** When to fetch a new one (ms since epoch); Infinity when the endpoint gave no lifetime. */
  readonly refreshAt: number;
}

class OAuthTokenSource implements AuthProvider {
  private cached: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;

  constructor(
    private readonly auth: OAuthClientCredentials,
    private readonly tokenUrl: URL,
    private readonly exchange: (x: Exchange) => Promise<RawResponse>,
    private readonly redactor: Redactor,
    private readonly logger: CpqLogger | undefined,
  ) {}

  async header(): Promise<string> {
    const c = this.cached;
    if (c !== undefined && Date.now() < c.refreshAt) return c.header;
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return (await this.inflight).header;
  }

  unauthorized(header: string): boolean {
    if (this.cached?.header === header) this.cached = undefined;
    return true;
  }

  private async fetch(): Promise<CachedToken> {
    const { clientId, clientSecret, scope } = this.auth;
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (scope !== undefined && scope !== "") form.set("scope", scope);
    // RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding.
    const basic = Buffer.from(
      `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`,
      "utf8",
    ).toString("base64");
    const redactor = this.redactor.with([basic]);
    const path = `${this.tokenUrl.pathname}${this.tokenUrl.search}`;
    const endpoint = `POST ${this.tokenUrl.pathname}`;
    this.logger?.debug("fetching OAuth access token", { tokenPath: this.tokenUrl.pathname });
    const res = await this.exchange({
      origin: this.tokenUrl.origin,
      path,
      method: "POST",
      headers: () =>
        Promise.resolve({
          authorization: `Basic ${basic}`,
          "content-type": "application/x-www-form-urlencoded",
        }),
      body: form.toString(),
      // A client-credentials grant has no side effect worth guarding: asking twice is harmless.
      safeToRepeat: true,
      // Not limited: the token is fetched before a slot is taken, so it can never wait on itself.
      limited: false,
      redactor,
    });
    if (res.status < 200 || res.status > 299) {
      const body = errorBody(res, redactor);
      throw new CpqHttpError({
        status: res.status,
        method: "POST",
        path: this.tokenUrl.pathname,
        endpoint: "oauth-token",
        ...body,
      });
    }
    const answer = parseBody(OAuthTokenWireSchema, res, endpoint);
    const token = answer.access_token;
    this.redactor.add(token);
    const fetchedAt = Date.now();
    const ttlMs = answer.expires_in === undefined ? undefined : Number(answer.expires_in) * 1000;
    const refreshAt =
      ttlMs === undefined
        ? Number.POSITIVE_INFINITY
        : fetchedAt + ttlMs - Math.min(MAX_REFRESH_MARGIN_MS, ttlMs / 10);
    this.logger?.debug("fetched OAuth access token", {
      tokenPath: this.tokenUrl.pathname,
      ...(ttlMs === undefined ? {} : { expiresInMs: ttlMs }),
    });
    this.cached = { header: `Bearer ${token}`, refreshAt };
    return this.cached;
  }
}
