// Shared by the client integration tests: a simulator per file, its admin surface, a logger that
// keeps what it is told, and a way to catch the error a call ends with.
import type {
  CpqAuth,
  CpqClient,
  CpqClientOptions,
  CpqLogger,
  OAuthClientCredentials,
} from "../../provider/client";
import { createCpqClient } from "../../provider/client";
import type { RunningSimulator, SimulatorOptions } from "../../simulator";
import { SimulatorFixture } from "../support/simulator-fixture";

export type Simulator = RunningSimulator;

export const ADMIN: CpqAuth = {
  kind: "basic",
  username: "cpqadmin",
  password: "cpqadmin-demo-password",
};
export const SALESREP: CpqAuth = {
  kind: "basic",
  username: "salesrep",
  password: "salesrep-demo-password",
};
export const BEARER: CpqAuth = { kind: "bearer", token: "demo-admin-token" };

/** A fault as `POST /__sim/faults` takes it. */
export interface FaultSpec {
  readonly method?: string;
  readonly path: string;
  readonly kind: "status" | "latency" | "reset" | "truncate";
  readonly status?: number;
  readonly retryAfter?: number;
  readonly latencyMs?: number;
  readonly count?: number;
}

/** One entry of `GET /__sim/requests`. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: unknown;
  readonly status: number;
  readonly body: unknown;
  readonly auth: unknown;
  readonly at: unknown;
}

export function oauth(sim: Simulator, clientSecret = "demo-client-secret"): OAuthClientCredentials {
  return {
    kind: "oauth",
    tokenUrl: `${sim.url}/oauth2/v1/token`,
    clientId: "cpq-sso-demo",
    clientSecret,
  };
}

async function admin(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

export async function addFault(sim: Simulator, fault: FaultSpec): Promise<void> {
  await admin(sim, "POST", "/__sim/faults", fault);
}

export async function loggedRequests(sim: Simulator): Promise<LoggedRequest[]> {
  return ((await admin(sim, "GET", "/__sim/requests")) as { items: LoggedRequest[] }).items;
}

/** A logger that keeps every line, to search for secrets and count retries. */
export interface MemoryLogger extends CpqLogger {
  readonly lines: { msg: string; fields: Record<string, unknown> | undefined }[];
  text(): string;
}

export function memoryLogger(): MemoryLogger {
  const lines: MemoryLogger["lines"] = [];
  return {
    lines,
    debug(msg, fields) {
      lines.push({ msg, fields });
    },
    text: () => JSON.stringify(lines),
  };
}

/** Creates clients for one test file and closes them all after each test. */
export function clientFactory(sim: () => Simulator): {
  make(options?: Partial<CpqClientOptions>): CpqClient;
  closeAll(): Promise<void>;
} {
  const open: CpqClient[] = [];
  return {
    make(options = {}) {
      const c = createCpqClient({
        baseUrl: sim().url,
        auth: ADMIN,
        retryBaseDelayMs: 20,
        retryMaxDelayMs: 200,
        ...options,
      });
      open.push(c);
      return c;
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((c) => c.close()));
    },
  };
}

/** The error `p` rejects with; fails when it resolves. */
export async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected a failure, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
}

/**
 * A client test file's simulator (a {@link SimulatorFixture}: started before its tests, reset
 * before each, closed at the end) and its clients, closed after each test. Read `sim` and call
 * `clients.make()` inside tests and hooks.
 */
export function simulatorWithClients(options: Omit<SimulatorOptions, "port"> = {}): {
  readonly sim: Simulator;
  readonly clients: ReturnType<typeof clientFactory>;
} {
  const fixture = new SimulatorFixture({ options });
  const clients = clientFactory(() => fixture.simulator);
  afterEach(async () => {
    await clients.closeAll();
  });
  return {
    get sim() {
      return fixture.simulator;
    },
    clients,
  };
}
