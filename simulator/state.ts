/**
 * The site's mutable state (SSO configuration, users' partner logins, the user fields PATCH
 * changes), its persistence, and the lock that serializes every mutation: a mutation reads,
 * changes and persists the state as one step, so concurrent requests never lose each other's
 * updates.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import type { ResolvedSeed } from "./seed";
import type {
  Partner,
  SsoConfiguration,
  SsoField,
  StoredIntegration,
  StoredUser,
  StoredVendor,
  UserEdits,
} from "./wire";
import {
  SECRET_FIELD_NAMES,
  SSO_FIELDS,
  USER_STATUS_NAMES,
  USER_TYPE_CODES,
  emptySso,
  partnersOfVendors,
} from "./wire";

/** Users' partner logins: party number, then tab. */
export type IntegrationStore = Record<string, Record<string, StoredIntegration>>;

/**
 * What changes through the API; the users the seed names come from the seed, those added while
 * running are kept here. The partners (the User Integration tabs) follow the Integration Center's
 * integrations held in `vendors`.
 */
export interface MutableState {
  sso: SsoConfiguration;
  integrations: IntegrationStore;
  /** The edited fields of each user PATCH has changed, by party number; a user absent is as seeded. */
  users: Record<string, UserEdits>;
  /** The Integration Center's integrations (`integrationVendors`), in creation order. */
  vendors: StoredVendor[];
  /** Users added while running (`POST /__sim/users`), after the seed's, in the order added. */
  addedUsers: readonly StoredUser[];
}

const STATE_FORMAT = "cpq-sso-simulator-state/1";

/**
 * How many named checkpoints a simulator keeps at most: each is a whole copy of the state, and a
 * test file needs one or two (its baseline, and a later one for a nested group of tests).
 */
export const MAX_CHECKPOINTS = 16;

const storedIntegrationSchema = z.strictObject({
  login: z.string(),
  authType: z.enum(["oauth", "password"]),
  password: z.string(),
  securityToken: z.string(),
  tokenPresent: z.boolean(),
});

const userEditsSchema = z.strictObject({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  enabledForSso: z.boolean(),
  externalSsoId: z.string(),
});

const storedVendorSchema = z.strictObject({
  id: z.number().int().positive(),
  integrationType: z.string(),
  vendorName: z.string(),
  loginEndpoint: z.string(),
  cert: z.string(),
  certName: z.string(),
  properties: z.array(z.strictObject({ name: z.string(), value: z.string() })),
});

const storedUserSchema = z.strictObject({
  partyNumber: z.string(),
  partyId: z.number(),
  login: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  type: z.enum(USER_TYPE_CODES),
  status: z.enum(USER_STATUS_NAMES),
  enabledForSso: z.boolean(),
  externalSsoId: z.string(),
});

// `users`, `vendors` and `addedUsers` are optional so a state file written before PATCH users,
// before the Integration Center was writable (its integrations then come from the seed), or before
// users could be added, still loads.
const stateFileSchema = z.strictObject({
  format: z.literal(STATE_FORMAT),
  sso: z.partialRecord(z.enum(SSO_FIELDS), z.string()),
  integrations: z.record(z.string(), z.record(z.string(), storedIntegrationSchema)),
  users: z.record(z.string(), userEditsSchema).optional(),
  vendors: z.array(storedVendorSchema).optional(),
  addedUsers: z.array(storedUserSchema).optional(),
});

/** A partner login as `/__sim/state` shows it: its secrets as {@link SecretView}s. */
export interface IntegrationView {
  readonly login: string;
  readonly authType: StoredIntegration["authType"];
  readonly password: SecretView;
  readonly securityToken: SecretView;
  readonly tokenPresent: boolean;
}

/** What `GET /__sim/state` answers: the simulator's state with every secret as a hash. */
export interface StateView {
  readonly sso: Readonly<Record<SsoField, string | SecretView>>;
  /** By party number, then tab. */
  readonly integrations: Readonly<Record<string, Readonly<Record<string, IntegrationView>>>>;
  /** The User Integration tabs, as the integrations held make them. */
  readonly partners: readonly Partner[];
  readonly users: readonly StoredUser[];
  /** The Integration Center's integrations (nothing secret in them). */
  readonly vendors: readonly StoredVendor[];
}

/** A secret as `/__sim/state` shows it: whether it is set, and a hash to tell a change. */
export interface SecretView {
  readonly set: boolean;
  readonly sha256: string;
}

function secretView(value: string): SecretView {
  return { set: value !== "", sha256: createHash("sha256").update(value, "utf8").digest("hex") };
}

/** A promise chain that runs one task at a time, in arrival order. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    // A failed task must not wedge the queue.
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** The simulator's state, seeded and optionally persisted. */
export class SimulatorState {
  private readonly seedUsers: ReadonlyMap<string, StoredUser>;
  private current: MutableState;
  // The merged user list of `current`, built at most once per state so that a list of 100,000
  // users does not merge the edits on every page.
  private usersOf: { state: MutableState; users: readonly StoredUser[] } | undefined;
  // The partners of `current`'s integrations, built once per state.
  private partnersOf: { state: MutableState; partners: readonly Partner[] } | undefined;
  private addedIndex:
    { list: readonly StoredUser[]; byParty: ReadonlyMap<string, StoredUser> } | undefined;
  private readonly lock = new Mutex();
  private writes = 0;
  // What `checkpoint` kept, by name, for `restore`; in memory only, as issued tokens are.
  private readonly saved = new Map<string, MutableState>();

  private constructor(
    private readonly seed: ResolvedSeed,
    private readonly stateFile: string | undefined,
    initial: MutableState,
  ) {
    this.seedUsers = new Map(seed.users.map((u) => [u.partyNumber, u]));
    this.current = initial;
  }

  /** Starts from the state file when it exists, else from the seed. */
  static async open(seed: ResolvedSeed, stateFile: string | undefined): Promise<SimulatorState> {
    const loaded = stateFile !== undefined ? await loadStateFile(stateFile, seed) : undefined;
    return new SimulatorState(seed, stateFile, loaded ?? seedState(seed));
  }

  /** The current state; treat as read-only and change it only through {@link mutate}. */
  get value(): Readonly<MutableState> {
    return this.current;
  }

  /** Every user, in seed order and then in the order added, with the edits PATCH made. */
  get users(): readonly StoredUser[] {
    const state = this.current;
    if (this.usersOf?.state !== state) {
      const edits = state.users;
      const all =
        state.addedUsers.length === 0 ? this.seed.users : [...this.seed.users, ...state.addedUsers];
      const users =
        Object.keys(edits).length === 0 ? all : all.map((u) => withEdits(u, edits[u.partyNumber]));
      this.usersOf = { state, users };
    }
    return this.usersOf.users;
  }

  /** A user by party number, with the edits PATCH made. */
  user(partyNumber: string): StoredUser | undefined {
    const found = this.seedUsers.get(partyNumber) ?? this.addedUser(partyNumber);
    return found && withEdits(found, this.current.users[partyNumber]);
  }

  /** An added user by party number, through an index built once per list of added users. */
  private addedUser(partyNumber: string): StoredUser | undefined {
    const added = this.current.addedUsers;
    if (added.length === 0) return undefined;
    if (this.addedIndex?.list !== added) {
      this.addedIndex = { list: added, byParty: new Map(added.map((u) => [u.partyNumber, u])) };
    }
    return this.addedIndex.byParty.get(partyNumber);
  }

  /** The partners the site is integrated with: one per tab, as its integrations make them. */
  get partners(): readonly Partner[] {
    const state = this.current;
    if (this.partnersOf?.state !== state) {
      this.partnersOf = { state, partners: partnersOfVendors(state.vendors) };
    }
    return this.partnersOf.partners;
  }

  /** A partner by tab. */
  partner(tab: string): Partner | undefined {
    return this.partners.find((p) => p.tab === tab);
  }

  /** The logins a user holds, in the order of the site's partners. */
  integrationsOf(partyNumber: string): [string, StoredIntegration][] {
    const tabs = this.current.integrations[partyNumber] ?? {};
    const out: [string, StoredIntegration][] = [];
    for (const p of this.partners) {
      const s = tabs[p.tab];
      if (s) out.push([p.tab, s]);
    }
    return out;
  }

  /**
   * Runs `change` on a copy of the state, then makes the copy current and persists it, all under
   * the lock. `change` may throw (a 400, say) and then nothing is changed.
   */
  mutate<T>(change: (draft: MutableState) => T): Promise<T> {
    return this.lock.run(async () => {
      const integrations = overlay(this.current.integrations);
      const users = overlay(this.current.users);
      const draft: MutableState = {
        sso: { ...this.current.sso },
        integrations: integrations.draft,
        users: users.draft,
        vendors: [...this.current.vendors],
        // Replaced whole, never changed in place, by the one route that adds users.
        addedUsers: this.current.addedUsers,
      };
      const result = change(draft);
      // Only now, with `change` done, do its writes reach the state.
      this.current = {
        sso: draft.sso,
        integrations:
          draft.integrations === integrations.draft ? integrations.commit() : draft.integrations,
        users: draft.users === users.draft ? users.commit() : draft.users,
        vendors: draft.vendors,
        addedUsers: draft.addedUsers,
      };
      await this.persist();
      return result;
    });
  }

  /** Restores the seed state (and writes it to the state file). */
  reset(): Promise<void> {
    return this.mutate((draft) => {
      const fresh = seedState(this.seed);
      draft.sso = fresh.sso;
      draft.integrations = fresh.integrations;
      draft.users = fresh.users;
      draft.vendors = fresh.vendors;
      draft.addedUsers = fresh.addedUsers;
    });
  }

  /**
   * Keeps a copy of the current state under `name` (`""`, the unnamed one, by default) for
   * {@link restore}, replacing an earlier checkpoint of that name; under the lock, so it never
   * lands between a mutation's change and its write. False, and nothing kept, when
   * {@link MAX_CHECKPOINTS} other names are taken already: each holds a whole copy of the state.
   */
  checkpoint(name = ""): Promise<boolean> {
    return this.lock.run(async () => {
      if (!this.saved.has(name) && this.saved.size >= MAX_CHECKPOINTS) return false;
      this.saved.set(name, copyOfState(this.current));
      return true;
    });
  }

  /**
   * Makes the state {@link checkpoint} kept under `name` current again and persists it, as a
   * mutation does; the checkpoint stays, for the next restore. False, and nothing changed, when
   * there is no checkpoint of that name.
   */
  restore(name = ""): Promise<boolean> {
    return this.lock.run(async () => {
      const kept = this.saved.get(name);
      if (kept === undefined) return false;
      this.current = copyOfState(kept);
      await this.persist();
      return true;
    });
  }

  /** Waits for every queued mutation and write. */
  settle(): Promise<void> {
    return this.lock.run(async () => undefined);
  }

  /** The state for `/__sim/state`: secrets replaced by {@link SecretView}. */
  view(): StateView {
    const sso = {} as Record<SsoField, string | SecretView>;
    for (const f of SSO_FIELDS) {
      const v = this.current.sso[f];
      sso[f] = SECRET_FIELD_NAMES.includes(f) ? secretView(v) : v;
    }
    const integrations: Record<string, Record<string, IntegrationView>> = {};
    for (const [party, tabs] of Object.entries(this.current.integrations)) {
      const out: Record<string, IntegrationView> = {};
      for (const [tab, s] of Object.entries(tabs)) {
        out[tab] = {
          login: s.login,
          authType: s.authType,
          password: secretView(s.password),
          securityToken: secretView(s.securityToken),
          tokenPresent: s.tokenPresent,
        };
      }
      integrations[party] = out;
    }
    return {
      sso,
      integrations,
      partners: this.partners,
      users: this.users,
      vendors: this.current.vendors,
    };
  }

  // Atomic: a reader (or a crash) sees the old file or the new one, never half of one. 0600
  // because the file holds the secrets in clear.
  private async persist(): Promise<void> {
    if (this.stateFile === undefined) return;
    const file = this.stateFile;
    const tmp = `${file}.${process.pid}.${++this.writes}.tmp`;
    const body = JSON.stringify({ format: STATE_FORMAT, ...this.current }, null, 2) + "\n";
    await mkdir(dirname(file), { recursive: true });
    try {
      await writeFile(tmp, body, { mode: 0o600 });
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}

function seedState(seed: ResolvedSeed): MutableState {
  return {
    sso: { ...seed.sso },
    integrations: {},
    users: {},
    vendors: [...seed.vendors],
    addedUsers: [],
  };
}

/**
 * A state that no later mutation changes: a mutation commits its writes to `integrations` and
 * `users` in place (see {@link overlay}), so those two maps are copied; the rest is replaced whole
 * by every mutation, never changed in place. Their entries are replaced, never changed, too.
 */
function copyOfState(s: MutableState): MutableState {
  return {
    sso: { ...s.sso },
    integrations: { ...s.integrations },
    users: { ...s.users },
    vendors: [...s.vendors],
    addedUsers: s.addedUsers,
  };
}

function withEdits(u: StoredUser, edits: UserEdits | undefined): StoredUser {
  return edits ? { ...u, ...edits } : u;
}

/**
 * A draft of one of the state's maps (users' logins, users' edits): reads see the map and the
 * draft's own writes; the map itself changes only on `commit`, when the change is done, so a
 * change that throws leaves it as it was. Copying the map for every change made one write cost
 * O(users): 10,000 logins took 45 s to save at 10 in flight, most of it in copying.
 */
function overlay<V>(base: Record<string, V>): {
  readonly draft: Record<string, V>;
  commit(): Record<string, V>;
} {
  const written = new Map<string, V>();
  const deleted = new Set<string>();
  const holds = (k: string): boolean =>
    written.has(k) || (!deleted.has(k) && Object.hasOwn(base, k));
  const read = (k: string): V | undefined => (written.has(k) ? written.get(k) : base[k]);
  const draft = new Proxy({} as Record<string, V>, {
    get: (_t, k) => (typeof k === "string" && holds(k) ? read(k) : undefined),
    set: (_t, k, v: V) => {
      if (typeof k !== "string") return false;
      written.set(k, v);
      deleted.delete(k);
      return true;
    },
    deleteProperty: (_t, k) => {
      if (typeof k !== "string") return false;
      written.delete(k);
      deleted.add(k);
      return true;
    },
    has: (_t, k) => typeof k === "string" && holds(k),
    ownKeys: () => [
      ...Object.keys(base).filter((k) => !deleted.has(k) && !written.has(k)),
      ...written.keys(),
    ],
    getOwnPropertyDescriptor: (_t, k) =>
      typeof k === "string" && holds(k)
        ? { value: read(k), writable: true, enumerable: true, configurable: true }
        : undefined,
  });
  return {
    draft,
    commit() {
      for (const k of deleted) delete base[k];
      for (const [k, v] of written) base[k] = v;
      return base;
    },
  };
}

async function loadStateFile(file: string, seed: ResolvedSeed): Promise<MutableState | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`Cannot read the simulator state file ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `The simulator state file ${file} is not JSON (${(e as Error).message}); delete it to start from the seed.`,
    );
  }
  const r = stateFileSchema.safeParse(json);
  if (!r.success) {
    throw new Error(
      `${file} is not a simulator state file; delete it to start from the seed.\n${z.prettifyError(r.error)}`,
    );
  }
  return {
    sso: { ...emptySso(), ...r.data.sso },
    integrations: r.data.integrations,
    users: r.data.users ?? {},
    vendors: r.data.vendors ?? [...seed.vendors],
    addedUsers: r.data.addedUsers ?? [],
  };
}
