/**
 * The small HTTP vocabulary shared by the routes: a request context in, a response record out.
 * Handlers return records rather than writing to the socket, so the server can apply faults
 * (a truncated body, say) to any answer in one place.
 */
import type { IncomingMessage } from "node:http";
import { HttpError, badRequest } from "./errors";
import type { Principal } from "./auth";

/** A response as a handler produces it. */
export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialized as JSON; undefined means no body. */
  readonly json?: unknown;
  /** A body that is not JSON (the SP metadata page's XML), sent as is with {@link contentType}. */
  readonly text?: string;
  readonly contentType?: string;
}

/** What a handler sees of a request. */
export interface RequestContext {
  readonly method: string;
  readonly path: string;
  /**
   * The absolute URL of the REST version root the request used, e.g.
   * `http://127.0.0.1:8080/cpq/rest/v19`, for the links CPQ puts in items; `""` outside CPQ routes.
   */
  readonly base: string;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage["headers"];
  readonly rawBody: Buffer;
  /** Set for CPQ routes once the caller is authenticated. */
  readonly principal: Principal | undefined;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => SimResponse | Promise<SimResponse>;

/** A path pattern and its handlers by method. */
export interface Route {
  readonly pattern: RegExp;
  readonly methods: Readonly<Partial<Record<string, Handler>>>;
  /** Admin-only routes answer 403 to other callers (CPQ routes only). @default true */
  readonly adminOnly?: boolean;
}

/** The largest request body the simulator reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A 200 JSON answer. */
export function ok(json: unknown, status = 200): SimResponse {
  return { status, json };
}

/** The request body as JSON; a 400 when it is empty or not JSON. */
export function jsonBody(ctx: RequestContext): unknown {
  const text = ctx.rawBody.toString("utf8");
  if (text.trim() === "")
    throw badRequest("CPQ-MALFORMED-JSON", "", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON.parse's message: Node quotes the body in it, and the body may hold a password.
    throw badRequest("CPQ-MALFORMED-JSON", "", "The request body is not valid JSON.");
  }
}

/** Matches a path against routes: the handler, or the 404/405 to answer. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; handler: Handler; params: Record<string, string> } {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    const handler = route.methods[method];
    if (!handler) {
      const allow = Object.keys(route.methods).join(", ");
      throw new HttpError(
        405,
        "CPQ-METHOD-NOT-ALLOWED",
        `${method} is not allowed on ${path}; allowed: ${allow}.`,
        { Allow: allow },
      );
    }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      if (v === undefined) continue;
      try {
        params[k] = decodeURIComponent(v);
      } catch {
        throw notFound(`No resource at ${path}.`);
      }
    }
    return { route, handler, params };
  }
  throw notFound(`No resource at ${path}.`);
}

/** A 404. */
export function notFound(detail: string): HttpError {
  return new HttpError(404, "CPQ-NOT-FOUND", detail);
}

/**
 * Reads a request body up to {@link MAX_BODY_BYTES}. Past the limit the rest is drained (up to a
 * hard cap, then the socket is dropped) so the client is not cut off mid-upload and reads the 413.
 */
export function readBody(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean }> {
  const hardCap = 16 * MAX_BODY_BYTES;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > hardCap) req.destroy();
    });
    req.on("end", () => resolve({ body: Buffer.concat(chunks), tooLarge: size > MAX_BODY_BYTES }));
    req.on("error", reject);
  });
}
