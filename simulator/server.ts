/**
 * The HTTP server: reads each request (bounded), sends `/__sim/` to the admin routes, and puts
 * every other request through the request log, the fault registry, authentication and the CPQ
 * routes, in that order. Listens on loopback only.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Principal } from "./auth";
import { TokenIssuer, authLabel, authenticate, forbidden } from "./auth";
import type { SimulatorBehavior } from "./behavior";
import { BehaviorSettings } from "./behavior";
import { HttpError, oracleError } from "./errors";
import type { Fault } from "./faults";
import { FaultRegistry } from "./faults";
import type { RequestContext, Route, SimResponse } from "./http";
import { MAX_BODY_BYTES, matchRoute, readBody } from "./http";
import type { SimulatorCredentials, SimulatorOptions } from "./seed";
import { isLoopbackHost } from "../common/loopback";
import { resolveSeed } from "./seed";
import type { LoggedRequest } from "./request-log";
import { RequestLog, loggableBody, maskSecrets } from "./request-log";
import { adminRoutes } from "./routes/admin";
import { integrationVendorRoutes } from "./routes/integration-vendors";
import { integrationRoutes } from "./routes/integrations";
import { oauthRoutes } from "./routes/oauth";
import { spMetadataRoutes } from "./routes/sp-metadata";
import { ssoRoutes } from "./routes/sso";
import { userRoutes } from "./routes/users";
import type { Services } from "./services";
import { SimulatorState } from "./state";

/** A simulator that is listening. */
export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:PORT`; CPQ paths go after it (`/rest/v19/...`). */
  readonly url: string;
  readonly port: number;
  /** Every credential the simulator accepts. */
  readonly credentials: SimulatorCredentials;
  /** The behaviour now in force: as started, or as `PATCH /__sim/options` changed it. */
  readonly behavior: SimulatorBehavior;
  /** Stops listening, drops open connections, and waits for pending state writes. */
  close(): Promise<void>;
}

/**
 * The REST versions served. Oracle: "we will support the current REST version and the two
 * previous REST versions"; the reference documents v19 as current.
 */
export const SERVED_VERSIONS = ["v17", "v18", "v19"] as const;

// `/rest/v17`..`/rest/v19`, optionally under `/cpq` as on Oracle-in-Fusion sites.
const CPQ_PREFIX = new RegExp(`^(?:/cpq)?/rest/(?:${SERVED_VERSIONS.join("|")})(?=/)`);
// The site's pages outside the REST API (the SP metadata), also under `/cpq`.
const SITE_PAGE = /^(?:\/cpq)?(?=\/sso\/)/;
// Any other version, so that it is told apart from a path that is not CPQ's at all.
const OTHER_VERSION = /^(?:\/cpq)?\/rest\/(v\d+)(?=\/|$)/;

function versionNotServed(version: string): HttpError {
  return new HttpError(
    404,
    "CPQ-VERSION-NOT-SUPPORTED",
    `REST version ${version} is not served; this site serves ${SERVED_VERSIONS.join(", ")}.`,
  );
}

// Unref'd so a long injected latency never keeps a closed simulator's process alive.
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

function errorResponse(e: unknown): SimResponse {
  if (e instanceof HttpError) return { status: e.status, headers: e.headers, json: e.body() };
  return {
    status: 500,
    json: oracleError(500, "CPQ-SERVER-ERROR", [
      { detail: "The simulator failed to handle the request; see its log." },
    ]),
  };
}

function faultResponse(f: Fault): SimResponse {
  const headers: Record<string, string> = {};
  if (f.retryAfter !== undefined) headers["Retry-After"] = String(f.retryAfter);
  const detail =
    f.status === 429
      ? "Too many requests; retry after the time in Retry-After."
      : "The server could not handle the request (injected fault).";
  const code = f.status === 429 ? "CPQ-TOO-MANY-REQUESTS" : "CPQ-SERVER-ERROR";
  return { status: f.status, headers, json: oracleError(f.status, code, [{ detail }]) };
}

function send(res: ServerResponse, r: SimResponse, truncate: boolean): void {
  const body =
    r.text !== undefined
      ? Buffer.from(r.text, "utf8")
      : r.json === undefined || r.status === 204
        ? Buffer.alloc(0)
        : Buffer.from(JSON.stringify(r.json));
  const headers: Record<string, string | number> = { ...r.headers };
  if (body.length > 0) headers["Content-Type"] = r.contentType ?? "application/json";
  if (truncate) {
    // Promise more than is sent, send part, then drop the connection: the client sees a body
    // that ends early, as when a proxy dies mid-answer.
    headers["Content-Length"] = body.length + 64;
    res.writeHead(r.status, headers);
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
    return;
  }
  headers["Content-Length"] = body.length;
  res.writeHead(r.status, headers);
  res.end(body);
}

/** The route tables of one simulator, built once over its services. */
interface RouteTables {
  readonly cpq: readonly Route[];
  readonly sitePages: readonly Route[];
  readonly admin: readonly Route[];
  readonly oauth: readonly Route[];
}

function routeTables(services: Services): RouteTables {
  return {
    cpq: [
      ...ssoRoutes(services),
      ...userRoutes(services),
      ...integrationRoutes(services),
      ...integrationVendorRoutes(services),
    ],
    sitePages: spMetadataRoutes(services),
    admin: adminRoutes(services),
    oauth: oauthRoutes(services),
  };
}

/** One request, as the routes see it. */
interface Incoming {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly rawBody: Buffer;
}

function requestContext(
  r: Incoming,
  base: string,
  params: Record<string, string>,
  principal?: Principal,
): RequestContext {
  const { method, path, query, rawBody } = r;
  return { method, path, base, query, params, headers: r.req.headers, rawBody, principal };
}

/**
 * Answers what a CPQ site serves: its REST API (authenticated, admins only unless a route says
 * otherwise), its public pages (SP metadata), and the OAuth token endpoint.
 */
async function routeSite(
  r: Incoming,
  routes: RouteTables,
  services: Services,
  credentials: SimulatorCredentials,
): Promise<SimResponse> {
  const { req, method, path } = r;
  // Links name the host the client used, as CPQ's name its site.
  const siteUrl = (prefix: string) => `http://${req.headers.host ?? "localhost"}${prefix}`;
  const prefix = CPQ_PREFIX.exec(path);
  if (prefix) {
    const principal = authenticate(req.headers.authorization, credentials, services.issuer);
    const rest = path.slice(prefix[0].length);
    const { route, handler, params } = matchRoute(routes.cpq, method, rest);
    if (route.adminOnly !== false && !principal.admin) throw forbidden();
    return handler(requestContext(r, siteUrl(prefix[0]), params, principal));
  }
  const page = SITE_PAGE.exec(path);
  if (page) {
    // Public pages, as a browser opens them: no authentication. `base` is the site's URL.
    const { handler, params } = matchRoute(routes.sitePages, method, path.slice(page[0].length));
    return handler(requestContext(r, siteUrl(page[0]), params));
  }
  const other = OTHER_VERSION.exec(path);
  if (other?.[1] && !(SERVED_VERSIONS as readonly string[]).includes(other[1])) {
    throw versionNotServed(other[1]);
  }
  const { handler, params } = matchRoute(routes.oauth, method, path);
  return handler(requestContext(r, "", params));
}

/** The admin surface (`/__sim/...`): no faults, no request log, no authentication. */
async function serveAdmin(
  r: Incoming,
  res: ServerResponse,
  admin: readonly Route[],
  isTooLarge: boolean,
  log: ((line: string) => void) | undefined,
): Promise<void> {
  let answer: SimResponse;
  try {
    if (isTooLarge) throw tooLarge();
    const { handler, params } = matchRoute(admin, r.method, r.path);
    answer = await handler(requestContext(r, "", params));
  } catch (e) {
    answer = errorResponse(e);
    if (!(e instanceof HttpError)) log?.(`simulator error: ${(e as Error).stack ?? String(e)}`);
  }
  send(res, answer, false);
}

/**
 * A request to the site: logged, then the faults armed for it applied (latency, a reset, a
 * status, a truncated or late answer) around what the site answers.
 */
async function serveSite(
  r: Incoming,
  res: ServerResponse,
  site: {
    readonly routes: RouteTables;
    readonly services: Services;
    readonly credentials: SimulatorCredentials;
    readonly latencyMs: number;
    readonly log: ((line: string) => void) | undefined;
  },
  isTooLarge: boolean,
  started: number,
): Promise<void> {
  const { req, method, path } = r;
  const { services, log } = site;
  const entry: LoggedRequest = services.requests.add({
    method,
    path,
    query: maskSecrets(Object.fromEntries(r.query)) as Record<string, string>,
    status: 0,
    body: isTooLarge
      ? `<${MAX_BODY_BYTES}+ bytes, refused>`
      : loggableBody(r.rawBody, req.headers["content-type"]),
    auth: authLabel(req.headers.authorization),
    at: new Date(started).toISOString(),
  });
  const finish = (status: number, note = "") => {
    entry.status = status;
    log?.(`${method} ${path} ${status === 0 ? "-" : status} ${Date.now() - started}ms${note}`);
  };

  const plan = services.faults.take(method, path);
  const wait = site.latencyMs + plan.latencyMs;
  if (wait > 0) await sleep(wait);
  const fault = plan.terminal;
  if (fault) entry.fault = fault.kind;
  if (fault?.kind === "reset") {
    finish(0, " (fault: reset)");
    req.socket.destroy();
    return;
  }
  if (fault?.kind === "status") {
    const answer = faultResponse(fault);
    send(res, answer, false);
    finish(answer.status, " (fault: status)");
    return;
  }

  let answer: SimResponse;
  try {
    if (isTooLarge) throw tooLarge();
    answer = await routeSite(r, site.routes, services, site.credentials);
  } catch (e) {
    answer = errorResponse(e);
    if (!(e instanceof HttpError)) log?.(`simulator error: ${(e as Error).stack ?? String(e)}`);
  }
  const truncate = fault?.kind === "truncate";
  // late: the request is handled (a POST is applied) and the answer waits, as a slow CPQ's
  // does after it has saved.
  if (fault?.kind === "late") await sleep(fault.latencyMs);
  send(res, answer, truncate);
  finish(answer.status, truncate ? " (fault: truncate)" : "");
}

/** Listens on `host` (loopback) and `port` (0: any free one); resolves with the port taken. */
async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Starts a simulator. Rejects when the host is not loopback, the seed or state file is invalid,
 * or the port is taken.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    throw new Error(
      `The simulator listens on loopback only, and ${host} is not a loopback address; ` +
        "use 127.0.0.1, ::1 or localhost.",
    );
  }
  const seed = resolveSeed(options);
  const services: Services = {
    seed,
    state: await SimulatorState.open(seed, options.stateFile),
    issuer: new TokenIssuer(seed.credentials.tokenTtlSeconds),
    faults: new FaultRegistry(),
    requests: new RequestLog(),
    behavior: new BehaviorSettings(seed.behavior),
  };
  const log = options.log;
  const site = {
    routes: routeTables(services),
    services,
    credentials: seed.credentials,
    latencyMs: options.latencyMs ?? 0,
    log,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > 16 * MAX_BODY_BYTES) {
      // Too large to drain politely: answer and close.
      res.setHeader("Connection", "close");
      send(res, errorResponse(tooLarge()), false);
      req.destroy();
      return;
    }
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const { body: rawBody, tooLarge: isTooLarge } = await readBody(req);
    const r: Incoming = {
      req,
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      rawBody,
    };
    if (r.path.startsWith("/__sim/")) {
      // Each admin connection is closed after its answer. A test calls `/__sim/` between long
      // synchronous steps; a kept-alive connection the server closes for idleness while the
      // client reuses it gets the next request reset (ECONNRESET in a test's `fetch`, seen once
      // in a clean-clone run of report.test.ts). Admin calls are few; a new loopback connection
      // each costs nothing.
      res.setHeader("Connection", "close");
      return serveAdmin(r, res, site.routes.admin, isTooLarge, log);
    }
    return serveSite(r, res, site, isTooLarge, started);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log?.(`simulator error: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) send(res, errorResponse(e), false);
      else res.destroy();
    });
  });
  // A client that drops its connection must not take the simulator down.
  server.on("clientError", (_e, socket) => socket.destroy());

  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  const port = await listen(server, bare, options.port ?? 0);
  const urlHost = bare.includes(":") ? `[${bare}]` : bare;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    credentials: seed.credentials,
    get behavior() {
      return services.behavior.current;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => services.state.settle());
      return closing;
    },
  };
}

function tooLarge(): HttpError {
  return new HttpError(
    413,
    "CPQ-PAYLOAD-TOO-LARGE",
    `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
  );
}
