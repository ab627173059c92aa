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
import type { FaultSpec, LoggedRequest, RunningSimulator, SimulatorOptions } from "../../simulator";
import { SimAdmin } from "../../tooling/sim-admin";
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

/** A fault as `POST /__sim/faults` takes it, and a logged request: the simulator's own types. */
export type { FaultSpec, LoggedRequest } from "../../simulator";

export function oauth(sim: Simulator, clientSecret = "demo-client-secret"): OAuthClientCredentials {
  return {
    kind: "oauth",
    tokenUrl: `${sim.url}/oauth2/v1/token`,
    clientId: "cpq-sso-demo",
    clientSecret,
  };
}

/** Adds a fault through the one admin client of the tests. */
export async function addFault(sim: Simulator, fault: FaultSpec): Promise<void> {
  await new SimAdmin(sim.url).fault(fault);
}

/** The simulator's request log. */
export function loggedRequests(sim: Simulator): Promise<LoggedRequest[]> {
  return new SimAdmin(sim.url).requests();
}

/** A logger that keeps every line, to search for secrets and count retries. */
export interface MemoryLogger extends CpqLogger {
  readonly lines: {
    level: "debug" | "info";
    msg: string;
    fields: Record<string, unknown> | undefined;
  }[];
  text(): string;
}

export function memoryLogger(): MemoryLogger {
  const lines: MemoryLogger["lines"] = [];
  return {
    lines,
    debug(msg, fields) {
      lines.push({ level: "debug", msg, fields });
    },
    info(msg, fields) {
      lines.push({ level: "info", msg, fields });
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
