/**
 * A typed client of the CPQ simulator's `/__sim/` admin surface, on the simulator's own types,
 * and of its CPQ API as the site's administrator, for the changes a test makes behind
 * Terraform's back.
 */
import { createHash } from "node:crypto";
import type {
  BasicCredential,
  FaultSpec,
  LoggedRequest,
  RunningSimulator,
  SimulatorUser,
  SsoConfiguration,
  StateView,
  StoredUser,
} from "../simulator";
import { siteAdministrator } from "./terraform-env";

/** A request from the simulator's log (`GET /__sim/requests`), its secrets masked. */
export type SimRequest = LoggedRequest;

/** What `GET /__sim/state` answers, secrets as hashes: the simulator's own type. */
export type SimState = StateView;

/** An answer of the simulator's CPQ API: its status and its JSON body, if any. */
export interface CpqAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** A small client of the simulator's `/__sim/` surface and, with a login, of its CPQ API. */
export class SimAdmin {
  /**
   * @param url the simulator's base URL.
   * @param administrator the login of {@link SimAdmin.cpq}; without one, only `/__sim/` works.
   */
  constructor(
    readonly url: string,
    private readonly administrator?: Pick<BasicCredential, "username" | "password">,
  ) {}

  /** The client of a running simulator, with its administrator's login. */
  static of(sim: Pick<RunningSimulator, "url" | "credentials">): SimAdmin {
    return new SimAdmin(sim.url, siteAdministrator(sim));
  }

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

  /** Back to the seed: state, faults, request log and behaviour. */
  async reset(): Promise<void> {
    await this.call("POST", "/__sim/reset");
  }

  /**
   * Keeps the simulator's current state (`POST /__sim/checkpoint`) for {@link SimAdmin.restore},
   * replacing an earlier checkpoint of the same name; a reset leaves it alone. Without a name,
   * the file's one baseline; a name (letters, digits, `-`, `_`) keeps a second one beside it, for
   * a nested group of tests that starts from a later state.
   */
  async checkpoint(name?: string): Promise<void> {
    await this.call(
      "POST",
      name === undefined ? "/__sim/checkpoint" : `/__sim/checkpoint/${encodeURIComponent(name)}`,
    );
  }

  /**
   * Makes the checkpoint's state current again (`POST /__sim/restore`, or the named one's);
   * faults, the request log and the behaviour are left as they are. Throws (a 409) when there
   * is no such checkpoint.
   */
  async restore(name?: string): Promise<void> {
    await this.call(
      "POST",
      name === undefined ? "/__sim/restore" : `/__sim/restore/${encodeURIComponent(name)}`,
    );
  }

  /**
   * Adds users to the running site (`POST /__sim/users`), in the seed file's user shape; the
   * users as the site holds them, defaults filled in. Throws with the simulator's error (a 409
   * naming a party number it already has, a 400 naming a bad field).
   */
  async addUsers(users: readonly SimulatorUser[]): Promise<StoredUser[]> {
    return ((await this.call("POST", "/__sim/users", { users })) as { items: StoredUser[] }).items;
  }

  /** Plays the partner issuing an OAuth token for a login. */
  async grantToken(partyNumber: string, tab: string): Promise<void> {
    await this.call("POST", `/__sim/users/${partyNumber}/integrations/${tab}/token`);
  }

  /**
   * Calls CPQ's REST API (`/rest/...`) as the site's administrator, outside Terraform; any status
   * is returned, for the caller to judge.
   */
  async cpq(method: string, path: string, body?: unknown): Promise<CpqAnswer> {
    if (!this.administrator) throw new Error(`${method} ${path}: SimAdmin has no CPQ login`);
    const { username, password } = this.administrator;
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** POSTs SSO settings as an administrator would in CPQ; throws unless CPQ answers 200. */
  async postSso(settings: Partial<SsoConfiguration>): Promise<void> {
    const r = await this.cpq("POST", "/rest/v19/ssoConfiguration", settings);
    if (r.status !== 200)
      throw new Error(`POST ssoConfiguration: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/** The hex SHA-256 the simulator shows for a secret. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
