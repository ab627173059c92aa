/**
 * Who is calling: HTTP Basic, a configured bearer token, or a token from the simulator's own
 * client-credentials endpoint (which expires). Secrets are compared in constant time so the
 * simulator does not model a timing leak a real CPQ would not have.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { HttpError } from "./errors";
import type { SimulatorCredentials } from "./seed";

/** An authenticated caller. */
export interface Principal {
  readonly admin: boolean;
  /** For the request log: `basic:<user>` or `bearer`. */
  readonly label: string;
}

/** The challenge every 401 carries: both schemes CPQ accepts. */
export const WWW_AUTHENTICATE =
  'Basic realm="Oracle CPQ", charset="UTF-8", Bearer realm="Oracle CPQ"';

/** Equal strings, compared without an early exit. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Splits `Basic <base64>` into user and password; undefined when it is not Basic. */
export function parseBasic(
  header: string | undefined,
): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The label of the request log's `auth` column, from the header alone. */
export function authLabel(header: string | undefined): string {
  if (!header) return "none";
  if (/^Bearer\s/i.test(header)) return "bearer";
  const basic = parseBasic(header);
  return basic ? `basic:${basic.user}` : "none";
}

function unauthorized(detail: string, bearerError?: string): HttpError {
  const challenge = bearerError ? `${WWW_AUTHENTICATE}, error="${bearerError}"` : WWW_AUTHENTICATE;
  return new HttpError(401, "CPQ-UNAUTHORIZED", detail, { "WWW-Authenticate": challenge });
}

/** Tokens issued by `POST /oauth2/v1/token`, each with its expiry. */
export class TokenIssuer {
  private readonly tokens = new Map<string, number>();

  constructor(private readonly ttlSeconds: number) {}

  /** Issues a new token; its lifetime is the configured TTL. */
  issue(now: number = Date.now()): { token: string; expiresIn: number } {
    this.sweep(now);
    const token = `sim-${randomBytes(24).toString("base64url")}`;
    this.tokens.set(token, now + this.ttlSeconds * 1000);
    return { token, expiresIn: Math.max(1, Math.round(this.ttlSeconds)) };
  }

  /** "valid", "expired" or "unknown". */
  check(token: string, now: number = Date.now()): "valid" | "expired" | "unknown" {
    const exp = this.tokens.get(token);
    if (exp === undefined) return "unknown";
    return now < exp ? "valid" : "expired";
  }

  // Expired tokens are kept for one more TTL so a late caller hears "expired", not "unknown";
  // past that they are dropped so a long benchmark does not grow the map without bound.
  private sweep(now: number): void {
    for (const [t, exp] of this.tokens) {
      if (now >= exp + this.ttlSeconds * 1000) this.tokens.delete(t);
    }
  }
}

/**
 * Authenticates a request's `Authorization` header; throws a 401 with `WWW-Authenticate` when it
 * is missing, malformed or wrong.
 */
export function authenticate(
  header: string | undefined,
  credentials: SimulatorCredentials,
  issuer: TokenIssuer,
): Principal {
  if (!header) throw unauthorized("Authentication is required: use HTTP Basic or a bearer token.");
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer?.[1]) {
    const token = bearer[1];
    const configured = credentials.bearer.find((b) => safeEqual(b.token, token));
    if (configured) return { admin: configured.admin, label: "bearer" };
    const issued = issuer.check(token);
    if (issued === "valid") return { admin: true, label: "bearer" };
    if (issued === "expired") {
      throw unauthorized("The access token has expired; request a new one.", "invalid_token");
    }
    throw unauthorized("The access token is not valid.", "invalid_token");
  }
  const basic = parseBasic(header);
  if (!basic) throw unauthorized("The Authorization header is neither Basic nor Bearer.");
  const match = credentials.basic.find(
    (c) => safeEqual(c.username, basic.user) && safeEqual(c.password, basic.password),
  );
  if (!match) throw unauthorized("The user name or password is wrong.");
  return { admin: match.admin, label: `basic:${match.username}` };
}

/** A 403 for an authenticated caller who is not an administrator. */
export function forbidden(): HttpError {
  return new HttpError(
    403,
    "CPQ-FORBIDDEN",
    "This operation needs an administrator; the authenticated user is not one.",
  );
}
