/**
 * Helpers for the simulator's integration tests: plain `fetch` against a simulator on port 0,
 * with nothing from the provider's client (so a client bug cannot hide a simulator bug).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSimulator } from "../../simulator";
import type { RunningSimulator, SimulatorOptions } from "../../simulator";

/** `Authorization` value for HTTP Basic. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** The default administrator and non-administrator logins. */
export const ADMIN_AUTH = basic("cpqadmin", "cpqadmin-demo-password");
export const SALESREP_AUTH = basic("salesrep", "salesrep-demo-password");

/** The seed's "Request Body Sample", exactly as printed. */
export const SEED_SAMPLE = JSON.parse(
  readFileSync(join(__dirname, "..", "fixtures", "simulator-seed-sample.json"), "utf8"),
) as Record<string, string>;

/** A parsed answer. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

/** Options of {@link call}. */
export interface CallOptions {
  /** JSON-encoded unless a string. */
  readonly body?: unknown;
  /** `null` sends no Authorization header. @default the administrator */
  readonly auth?: string | null;
  readonly headers?: Record<string, string>;
}

/** Sends one request and reads the whole answer. */
export async function call(
  sim: RunningSimulator,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  const auth = opts.auth === undefined ? ADMIN_AUTH : opts.auth;
  if (auth !== null) headers.authorization = auth;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * Runs `body` against a simulator of its own, started with `options` on a free port, and closes
 * it afterwards, whether `body` passed or threw: for the tests of one seed or option, beside the
 * file's {@link SimulatorFixture}.
 */
export async function withSimulator<T>(
  options: Omit<SimulatorOptions, "port">,
  body: (sim: RunningSimulator) => Promise<T>,
): Promise<T> {
  const sim = await startSimulator(options);
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}

/** The simulator's `/__sim/state`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function simState(sim: RunningSimulator): Promise<any> {
  return (await call(sim, "GET", "/__sim/state", { auth: null })).json;
}

/** Expects an Oracle error body naming `path` in its first `o:errorDetails` entry. */
export function expectOracleError(a: Answer, status: number, path?: string): void {
  expect(a.status).toBe(status);
  expect(a.json).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    "o:errorCode": expect.any(String),
    "o:errorDetails": expect.any(Array),
  });
  if (path !== undefined) {
    expect(
      a.json["o:errorDetails"].map((d: { "o:errorPath"?: string }) => d["o:errorPath"]),
    ).toContain(path);
  }
}
