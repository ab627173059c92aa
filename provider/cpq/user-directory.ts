/**
 * A short-lived, per-process view of the site's users and partner integrations. Terraform reads
 * every login of a plan through one provider process, so one paginated listing of the users
 * serves every "who is this user" question of a plan.
 *
 * The logins themselves (the User Integration tabs) are read in one of two ways:
 * - **batched**: the users listing brings each user's tabs along (`expand=integrations`), so a
 *   plan of many logins costs about one request per page of users. Oracle documents only
 *   `groups` and `accessPermissions` for `expand`: this is this project's assumed extension, used
 *   only where the site's answer proves it.
 * - **per user**: one `GET users/{partyNumber}/integrations/{tab}` per login read, in flight at
 *   most `max_concurrency` at a time (the client's limiter).
 *
 * `login_reads = "auto"` (the default) decides once per process, from the first listing: it asks
 * with `expand=integrations`, and batches only when every user of the answer carries an
 * `integrations` member. A site that refuses the value (a 400) or ignores it (no member) is read
 * per user; an empty answer proves nothing and is read per user too. An ignored `expand` is never
 * taken for "this user has no logins", which would make every login look deleted.
 */
import type { CpqClient, IntegrationPartnerWire, UserIntegrationWire, UserWire } from "../client";
// The error classes alone (no zod, no undici): this module loads at provider start-up.
import { CpqContractError } from "../client/errors";

/** What the directory needs of the client. */
export type DirectoryClient = Pick<
  CpqClient,
  "listAllUsers" | "getPartners" | "getUserIntegration"
>;

/** How logins are read: see the module comment. */
export type LoginReads = "auto" | "batched" | "per_user";

/**
 * The probe of `login_reads = "auto"`, as the log explains it once per provider process.
 * Oracle documents only `groups` and `accessPermissions` for `expand`.
 */
const PROBE =
  'login_reads = "auto": the provider asked the users listing for each user\'s logins ' +
  "(expand=integrations, an extension this project assumed; Oracle documents only groups and " +
  "accessPermissions for expand).";

/** Users per list request: CPQ's maximum (and default) page size. */
const PAGE_SIZE = 1000;

/** One listing of the users, with how the logins are read on this site. */
interface UserIndex {
  readonly byParty: Map<string, UserWire>;
  readonly byLogin: Map<string, UserWire[]>;
  /** Whether the listing holds every user's tabs. */
  readonly batched: boolean;
}

/** What a login read found: the user's login on the tab, none, or no such user. */
export type LoginLookup =
  | { readonly user: UserWire; readonly integration: UserIntegrationWire | null }
  | { readonly user: undefined; readonly integration: null };

export class UserDirectory {
  private users: Promise<UserIndex> | undefined;
  private firstListed: readonly UserWire[] | undefined;
  private usersAt = 0;
  private partners: Promise<IntegrationPartnerWire[]> | undefined;
  /** The mode `auto` settled on, kept for the life of the process. */
  private detected: boolean | undefined;

  constructor(
    private readonly client: DirectoryClient,
    private readonly options: {
      /** How long one listing serves reads; a plan's reads all happen within it. */
      readonly ttlMs?: number;
      readonly loginReads?: LoginReads;
      /** Where the probe's outcome is said once (Terraform's log, at INFO). */
      readonly logger?: { info(message: string, fields?: Record<string, unknown>): void };
    } = {},
  ) {}

  /** The site's partners, one per tab (cached for the life of the process). */
  sitePartners(): Promise<IntegrationPartnerWire[]> {
    this.partners ??= this.client.getPartners().catch((e: unknown) => {
      this.partners = undefined;
      throw e;
    });
    return this.partners;
  }

  /**
   * Forgets the partners read: an apply that created, changed or deleted an Integration Center
   * integration (`cpq_oauth_provider`) changed the tabs, and the logins applied after it in the
   * same process must see the new ones.
   */
  partnersChanged(): void {
    this.partners = undefined;
  }

  /** The partner on a tab, or undefined. */
  async partner(tab: string): Promise<IntegrationPartnerWire | undefined> {
    return (await this.sitePartners()).find((p) => p.tab === tab);
  }

  /** A user, or undefined when no such party number exists. */
  async byPartyNumber(partyNumber: string): Promise<UserWire | undefined> {
    return (await this.index()).byParty.get(partyNumber);
  }

  /** The users with this login (case-insensitive, as CPQ compares logins). */
  async byLogin(login: string): Promise<readonly UserWire[]> {
    return (await this.index()).byLogin.get(login.toLowerCase()) ?? [];
  }

  /**
   * The users as this process first listed them, before any write of its own. A judgement made
   * at plan from them (a lockout risk) then reads the same at the apply's re-plan, whichever
   * other resources the apply has written by then: Terraform refuses a final plan whose known
   * values changed.
   */
  async usersAsFirstListed(): Promise<readonly UserWire[]> {
    const index = await this.index();
    return this.firstListed ?? [...index.byParty.values()];
  }

  /** Whether this process reads logins from the listing (after the first listing). */
  async batched(): Promise<boolean> {
    return (await this.index()).batched;
  }

  /** The user's login on a tab: from the listing when batched, else one request. */
  async login(partyNumber: string, tab: string): Promise<LoginLookup> {
    const index = await this.index();
    const user = index.byParty.get(partyNumber);
    if (user === undefined) return { user: undefined, integration: null };
    return { user, integration: await this.integrationOf(index, user, tab) };
  }

  /**
   * Every login on a tab, with its user, in listing order: from the listing when batched, else
   * one request per user of the site (in flight at most `max_concurrency` at a time, the client's
   * limiter). For a resource that manages a whole tab.
   */
  async tabLogins(
    tab: string,
  ): Promise<{ readonly user: UserWire; readonly integration: UserIntegrationWire }[]> {
    const index = await this.index();
    const users = [...index.byParty.values()];
    const found = await Promise.all(
      users.map(async (user) => ({
        user,
        integration: await this.integrationOf(index, user, tab),
      })),
    );
    return found.flatMap((f) =>
      f.integration ? [{ user: f.user, integration: f.integration }] : [],
    );
  }

  /** A listed user's login on a tab: from the listing when it is batched, else one request. */
  private async integrationOf(
    index: UserIndex,
    user: UserWire,
    tab: string,
  ): Promise<UserIntegrationWire | null> {
    if (index.batched) return user.integrations?.items.find((i) => i.tab === tab) ?? null;
    return this.client.getUserIntegration(user.partyNumber, tab);
  }

  /**
   * Records a write this process made to one user's tab (`undefined`: the login was deleted), so
   * later reads see it without listing every user again. An apply re-plans each login right
   * before it is written; listing again after every write made an apply of n logins cost about
   * n listings of every user. Only a batched listing holds tabs; per-user reads ask CPQ anyway.
   */
  recordIntegration(
    partyNumber: string,
    tab: string,
    integration: UserIntegrationWire | undefined,
  ): void {
    this.update(partyNumber, (user, index) => {
      if (!index.batched) return user;
      const others = (user.integrations?.items ?? []).filter((i) => i.tab !== tab);
      const items = integration ? [...others, { ...integration, tab }] : others;
      return { ...user, integrations: { ...user.integrations, items } };
    });
  }

  /**
   * Records a user record this process wrote (the answer of a PATCH), so later reads of the same
   * listing see it. The tabs a batched listing carried are kept.
   */
  recordUser(updated: UserWire): void {
    this.update(updated.partyNumber, (before) => ({
      ...updated,
      integrations: before.integrations,
    }));
  }

  /** Replaces one user of the current listing (if any) with `change` of it, in both indexes. */
  private update(
    partyNumber: string,
    change: (user: UserWire, index: UserIndex) => UserWire,
  ): void {
    const listing = this.users;
    if (!listing) return;
    this.users = listing.then((index) => {
      const before = index.byParty.get(partyNumber);
      if (!before) return index;
      const after = change(before, index);
      if (after === before) return index;
      index.byParty.set(partyNumber, after);
      const sameLogin = index.byLogin.get(before.login.toLowerCase());
      const at = sameLogin?.indexOf(before) ?? -1;
      if (sameLogin && at >= 0) sameLogin[at] = after;
      return index;
    });
    // A failed listing is forgotten by index(); the chained promise must not be left rejected.
    this.users.catch(() => undefined);
  }

  private index(): Promise<UserIndex> {
    const now = Date.now();
    if (!this.users || now - this.usersAt > (this.options.ttlMs ?? 60_000)) {
      this.usersAt = now;
      // Concurrent reads share this one listing.
      this.users = this.list()
        .then((index) => {
          this.firstListed ??= [...index.byParty.values()];
          return index;
        })
        .catch((e: unknown) => {
          this.users = undefined;
          throw e;
        });
    }
    return this.users;
  }

  private async list(): Promise<UserIndex> {
    const mode = this.options.loginReads ?? "auto";
    if (mode === "per_user" || this.detected === false) {
      return indexUsers(await this.client.listAllUsers({ pageSize: PAGE_SIZE }), false);
    }
    let users: UserWire[];
    try {
      users = await this.client.listAllUsers({ expand: "integrations", pageSize: PAGE_SIZE });
    } catch (e) {
      // A site that refuses the unknown expand value: read per user from now on. Expected of a
      // site shaped as Oracle documents it, so said once, as what it is, not as a failure.
      if (mode === "auto" && (e as { status?: unknown }).status === 400) {
        this.detected = false;
        this.options.logger?.info(
          `${PROBE} This site refuses it (400), as expected of a site that follows Oracle's ` +
            "reference; each login is read with its own request. Nothing failed. " +
            'login_reads = "per_user" skips the probe.',
          { loginReads: "per_user" },
        );
        return indexUsers(await this.client.listAllUsers({ pageSize: PAGE_SIZE }), false);
      }
      throw e;
    }
    const carried = users.length > 0 && users.every((u) => u.integrations !== undefined);
    if (mode === "batched" && users.length > 0 && !carried) {
      throw new CpqContractError({
        endpoint: "GET users?expand=integrations",
        field: "items[].integrations",
        problem:
          'is missing: the site does not batch User Integration reads. Set login_reads = "auto" or "per_user"',
      });
    }
    if (mode === "auto" && users.length > 0) {
      const first = this.detected === undefined;
      this.detected = carried;
      if (first) {
        this.options.logger?.info(
          carried
            ? `${PROBE} This site answers with them: logins are read with the users listing.`
            : `${PROBE} This site answers without them: each login is read with its own ` +
                'request. Nothing failed. login_reads = "per_user" skips the probe.',
          { loginReads: carried ? "batched" : "per_user" },
        );
      }
    }
    return indexUsers(users, carried);
  }
}

function indexUsers(users: readonly UserWire[], batched: boolean): UserIndex {
  const byParty = new Map<string, UserWire>();
  const byLogin = new Map<string, UserWire[]>();
  for (const u of users) {
    byParty.set(u.partyNumber, u);
    const key = u.login.toLowerCase();
    const list = byLogin.get(key);
    if (list) list.push(u);
    else byLogin.set(key, [u]);
  }
  return { byParty, byLogin, batched };
}
