/**
 * A short-lived, per-process view of the site's users and partner integrations. Terraform reads
 * every login of a plan through one provider process; one paginated list of users with their
 * integration tabs (`expand=integrations`) serves all of those reads, so a plan of many logins
 * costs about one request per page of users instead of one per login.
 */
import type {
  CpqClient,
  IntegrationPartnerWire,
  IntegrationsWire,
  UserIntegrationWire,
  UserWire,
} from "../client";

/** What the directory needs of the client. */
export type DirectoryClient = Pick<CpqClient, "listAllUsers" | "getIntegrations">;

/** Users per list request: CPQ's maximum page size. */
const PAGE_SIZE = 1000;

export class UserDirectory {
  private users: Promise<UserIndex> | undefined;
  private usersAt = 0;
  private integrations: Promise<IntegrationsWire> | undefined;

  constructor(
    private readonly client: DirectoryClient,
    /** How long one listing serves reads; a plan's reads all happen within it. */
    private readonly ttlMs = 60_000,
  ) {}

  /** The site's partners (cached for the life of the process: they change with a CPQ release). */
  siteIntegrations(): Promise<IntegrationsWire> {
    this.integrations ??= this.client.getIntegrations().catch((e: unknown) => {
      this.integrations = undefined;
      throw e;
    });
    return this.integrations;
  }

  /** The partner on a tab, or undefined. */
  async partner(tab: string): Promise<IntegrationPartnerWire | undefined> {
    return (await this.siteIntegrations()).items.find((p) => p.tab === tab);
  }

  /** A user with its integration tabs, or undefined when no such party number exists. */
  async byPartyNumber(partyNumber: string): Promise<UserWire | undefined> {
    return (await this.index()).byParty.get(partyNumber);
  }

  /** The users with this login (case-insensitive, as CPQ compares logins). */
  async byLogin(login: string): Promise<readonly UserWire[]> {
    return (await this.index()).byLogin.get(login.toLowerCase()) ?? [];
  }

  /**
   * Records a write this process made to one user's tab (`undefined`: the login was deleted), so
   * later reads see it without listing every user again. An apply re-plans each login right
   * before it is written; listing again after every write made an apply of n logins cost about
   * n listings of every user.
   */
  recordIntegration(
    partyNumber: string,
    tab: string,
    integration: UserIntegrationWire | undefined,
  ): void {
    const listing = this.users;
    if (!listing) return;
    this.users = listing.then((index) => {
      const user = index.byParty.get(partyNumber);
      if (!user) return index;
      const others = (user.integrations?.items ?? []).filter((i) => i.tab !== tab);
      const items = integration ? [...others, { ...integration, tab }] : others;
      const updated: UserWire = { ...user, integrations: { ...user.integrations, items } };
      index.byParty.set(partyNumber, updated);
      const sameLogin = index.byLogin.get(user.login.toLowerCase());
      if (sameLogin) {
        const at = sameLogin.indexOf(user);
        if (at >= 0) sameLogin[at] = updated;
      }
      return index;
    });
    // A failed listing is forgotten by index(); the chained promise must not be left rejected.
    this.users.catch(() => undefined);
  }

  private index(): Promise<UserIndex> {
    const now = Date.now();
    if (!this.users || now - this.usersAt > this.ttlMs) {
      this.usersAt = now;
      // Concurrent reads share this one listing.
      this.users = this.client
        .listAllUsers({ expand: "integrations", pageSize: PAGE_SIZE })
        .then(indexUsers)
        .catch((e: unknown) => {
          this.users = undefined;
          throw e;
        });
    }
    return this.users;
  }
}

interface UserIndex {
  readonly byParty: Map<string, UserWire>;
  readonly byLogin: Map<string, UserWire[]>;
}

function indexUsers(users: readonly UserWire[]): UserIndex {
  const byParty = new Map<string, UserWire>();
  const byLogin = new Map<string, UserWire[]>();
  for (const u of users) {
    byParty.set(u.partyNumber, u);
    const key = u.login.toLowerCase();
    const list = byLogin.get(key);
    if (list) list.push(u);
    else byLogin.set(key, [u]);
  }
  return { byParty, byLogin };
}
