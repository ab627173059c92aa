/** A typed client of the CPQ simulator's `/__sim/` admin surface, on its own exported types. */
import { createHash } from "node:crypto";
import type { FaultSpec } from "../../simulator";

/** A request from the simulator's log. */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly fault?: string;
  readonly body?: unknown;
  /** When the request arrived (ISO time). */
  readonly at: string;
}

/** What `GET /__sim/state` answers (the parts read here). */
export interface SimState {
  readonly sso: Record<string, unknown>;
  readonly integrations: Record<
    string,
    Record<string, { login: string; tokenPresent: boolean; authType: string }>
  >;
}

/** A small client of the simulator's `/__sim/` surface. */
export class SimAdmin {
  constructor(readonly url: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  async fault(spec: FaultSpec): Promise<void> {
    await this.call("POST", "/__sim/faults", spec);
  }

  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/__sim/faults");
  }

  async requests(): Promise<SimRequest[]> {
    return ((await this.call("GET", "/__sim/requests")) as { items: SimRequest[] }).items;
  }

  async clearRequests(): Promise<void> {
    await this.call("DELETE", "/__sim/requests");
  }

  async state(): Promise<SimState> {
    return (await this.call("GET", "/__sim/state")) as SimState;
  }

  async reset(): Promise<void> {
    await this.call("POST", "/__sim/reset");
  }

  /** Plays the partner issuing an OAuth token for a login. */
  async grantToken(partyNumber: string, tab: string): Promise<void> {
    await this.call("POST", `/__sim/users/${partyNumber}/integrations/${tab}/token`);
  }
}

/** The hex SHA-256 the simulator shows for a secret. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
