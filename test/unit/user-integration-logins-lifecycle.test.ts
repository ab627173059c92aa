/**
 * `cpq_user_integration_logins` through its whole lifecycle against a fake site: plan, apply,
 * read, import and destroy, as the plugin server calls them, on a site that batches its login
 * reads and on one read per user.
 */
import { emptyObject, validateConfiguration } from "../../provider/contract/attributes";
import { UserDirectory } from "../../provider/cpq/user-directory";
import type { DirectoryClient } from "../../provider/cpq/user-directory";
import {
  USER_INTEGRATION_LOGINS_ATTRIBUTES,
  userIntegrationLoginsResource as resource,
} from "../../provider/resources/user-integration-logins";
import type { UserIntegrationLoginsContext } from "../../provider/resources/user-integration-logins";
import type { ObjectValue, PlanResult, PrivateState, Value } from "../../provider/contract/types";
import { UNKNOWN } from "../../provider/contract/types";
import type { IntegrationPartnerWire, UserIntegrationWire } from "../../provider/client";

const validateUserIntegrationLogins = (config: Record<string, unknown>) =>
  validateConfiguration(resource, config);

const PARTNERS: IntegrationPartnerWire[] = [
  { tab: "crm", partner: "Oracle Sales", oauthEnabled: true, inbound: true, outbound: true },
  { tab: "idp", partner: "IDCS", oauthEnabled: true, inbound: true, outbound: false },
  { tab: "erp", partner: "Oracle ERP Cloud", oauthEnabled: false, inbound: false, outbound: true },
];
const USERS = [
  { partyNumber: "1001", login: "jdoe" },
  { partyNumber: "1002", login: "asmith" },
  { partyNumber: "1003", login: "bwayne" },
];

/** A fake CPQ site: users, partners, logins by party number and tab, and a log of its writes. */
class FakeSite {
  readonly logins = new Map<string, Map<string, UserIntegrationWire>>();
  readonly writes: string[] = [];
  /** Party numbers whose PUT fails, with the message CPQ's error would carry. */
  readonly failPut = new Map<string, string>();
  /** Party numbers whose DELETE fails, with the message. */
  readonly failDelete = new Map<string, string>();
  reads = 0;

  constructor(
    readonly batched: boolean,
    readonly users: readonly { partyNumber: string; login: string }[] = USERS,
  ) {}

  set(pn: string, tab: string, login: string, tokenPresent = false): void {
    const tabs = this.logins.get(pn) ?? new Map<string, UserIntegrationWire>();
    tabs.set(tab, { tab, login, authType: "oauth", tokenPresent });
    this.logins.set(pn, tabs);
  }

  get(pn: string, tab: string): UserIntegrationWire | undefined {
    return this.logins.get(pn)?.get(tab);
  }

  /** Logins of a tab by party number, as plain data for assertions. */
  tab(tab: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [pn, tabs] of this.logins) {
      const i = tabs.get(tab);
      if (i) out[pn] = i.login;
    }
    return out;
  }

  /** A fresh provider process: a new directory, as Terraform starts one per command. */
  ctx(): UserIntegrationLoginsContext {
    const client = {
      listAllUsers: () =>
        Promise.resolve(
          this.users.map((u) => ({
            ...u,
            ...(this.batched
              ? { integrations: { items: [...(this.logins.get(u.partyNumber)?.values() ?? [])] } }
              : {}),
          })),
        ),
      getPartners: () => Promise.resolve(PARTNERS),
      getUserIntegration: (pn: string, tab: string) => {
        this.reads++;
        return Promise.resolve(this.get(pn, tab) ?? null);
      },
      putUserIntegration: (pn: string, tab: string, body: { login: string }) => {
        this.writes.push(`PUT ${pn}/${tab} ${body.login}`);
        const failure = this.failPut.get(pn);
        if (failure !== undefined) return Promise.reject(new Error(failure));
        this.set(pn, tab, body.login);
        return Promise.resolve(this.get(pn, tab)!);
      },
      deleteUserIntegration: (pn: string, tab: string) => {
        this.writes.push(`DELETE ${pn}/${tab}`);
        const failure = this.failDelete.get(pn);
        if (failure !== undefined) return Promise.reject(new Error(failure));
        this.logins.get(pn)?.delete(tab);
        return Promise.resolve();
      },
      revokeUserIntegrationToken: (pn: string, tab: string) => {
        this.writes.push(`REVOKE ${pn}/${tab}`);
        const i = this.get(pn, tab)!;
        this.set(pn, tab, i.login, false);
        return Promise.resolve(this.get(pn, tab)!);
      },
    };
    return {
      client,
      directory: new UserDirectory(client as unknown as DirectoryClient, {
        loginReads: this.batched ? "batched" : "per_user",
      }),
    };
  }
}

const config = (v: Record<string, Value>): ObjectValue => ({
  ...emptyObject(USER_INTEGRATION_LOGINS_ATTRIBUTES),
  ...v,
});

const THREE = { jdoe: "jdoe@idp", asmith: "asmith@idp", bwayne: "bwayne@idp" };

/** What Terraform keeps between commands: the state, its private part, and the taint mark. */
interface Stored {
  state: ObjectValue | null;
  private: PrivateState;
  /** Terraform marks a create that failed yet returned a state as tainted. */
  tainted?: boolean;
}

/**
 * One `terraform apply`, as the plugin server drives it: refresh (when there is a state), plan
 * against the configuration, apply the plan; each in a fresh provider process.
 */
async function terraformApply(site: FakeSite, stored: Stored, cfg: ObjectValue) {
  let prior = stored.state;
  let priv = stored.private;
  if (prior && stored.tainted) {
    // A tainted object is replaced, destroy first: its delete gets the prior private state.
    const gone = await resource.destroy({ ctx: site.ctx(), prior, plannedPrivate: priv });
    prior = gone.state;
    priv = gone.private ?? {};
    stored.tainted = false;
  }
  if (prior) {
    const r = await resource.read({ ctx: site.ctx(), current: prior, private: priv });
    prior = r.state;
    priv = r.private ?? priv;
  }
  const plan = await resource.plan({
    ctx: site.ctx(),
    prior,
    proposed: cfg,
    config: cfg,
    priorPrivate: priv,
  });
  const errors = (plan.diagnostics ?? []).filter((d) => d.severity === "error");
  if (errors.length > 0) return { plan, prior };
  const applied = await resource.apply({
    ctx: site.ctx(),
    prior,
    planned: plan.planned,
    config: cfg,
    plannedPrivate: plan.plannedPrivate ?? {},
  });
  stored.state = applied.state;
  stored.private = applied.private ?? priv;
  const failed = (applied.diagnostics ?? []).some((d) => d.severity === "error");
  if (prior === null && failed && applied.state !== null) stored.tainted = true;
  return { plan, prior, applied };
}

/** The map keys whose value differs between the prior and the planned state (the plan's rows). */
function changedKeys(prior: ObjectValue | null, plan: PlanResult): string[] {
  const before = (prior?.logins ?? {}) as Record<string, string>;
  const after = plan.planned.logins as Record<string, string>;
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => before[k] !== after[k])
    .sort();
}

/** The context with its PUTs each held `ms`, and how many were in flight at most. */
function countingPuts(
  ctx: UserIntegrationLoginsContext,
  ms: number,
): { slow: UserIntegrationLoginsContext; most: () => number } {
  let inFlight = 0;
  let most = 0;
  const put = ctx.client.putUserIntegration.bind(ctx.client);
  const slow = {
    ...ctx,
    client: {
      ...ctx.client,
      putUserIntegration: async (...args: Parameters<typeof put>) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, ms));
        inFlight--;
        return put(...args);
      },
    },
  };
  return { slow, most: () => most };
}

describe.each([
  ["batched", true],
  ["per-user", false],
])("cpq_user_integration_logins on a %s site", (_, batched) => {
  let site: FakeSite;
  let stored: Stored;
  beforeEach(() => {
    site = new FakeSite(batched);
    stored = { state: null, private: {} };
  });

  it("plans a create with the tab as id and the partner, and applies every entry", async () => {
    const { plan, applied } = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: THREE }),
    );
    expect(plan.diagnostics ?? []).toEqual([]);
    expect(plan.planned).toMatchObject({ id: "idp", partner: "IDCS", logins: THREE });
    expect(applied?.diagnostics ?? []).toEqual([]);
    expect(site.tab("idp")).toEqual({
      "1001": "jdoe@idp",
      "1002": "asmith@idp",
      "1003": "bwayne@idp",
    });
    expect(stored.state?.logins).toEqual(THREE);
  });

  it("re-plans with no change and writes nothing when the site matches", async () => {
    await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    site.writes.length = 0;
    const { plan, prior } = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: THREE }),
    );
    expect(plan.planned).toEqual(prior);
    // The table's forceNew is the plugin's to add, and finds no change in a plan equal to the
    // prior; the resource adds no replacement of its own.
    expect(plan.requiresReplace ?? []).toEqual([]);
    expect(site.writes).toEqual([]);
  });

  it("changes one entry: the plan differs in that key alone, and the apply writes that user alone", async () => {
    await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    site.writes.length = 0;
    const { plan, prior } = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: { ...THREE, asmith: "alice@idp" } }),
    );
    expect(changedKeys(prior, plan)).toEqual(["asmith"]);
    expect(site.writes).toEqual(["PUT 1002/idp alice@idp"]);
  });

  it("revokes the old login's token before saving a changed login", async () => {
    await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    site.set("1002", "idp", "asmith@idp", true);
    site.writes.length = 0;
    await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: { ...THREE, asmith: "alice@idp" } }),
    );
    expect(site.writes).toEqual(["REVOKE 1002/idp", "PUT 1002/idp alice@idp"]);
  });

  it("warns at a create over a user's different live login, naming it by key with the live and planned value, and records it in replaced_live_values", async () => {
    // As a cpq_user_integration_login (or a person) would have saved it.
    site.set("1002", "idp", "asmith-own@idp");
    const { plan, applied } = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: THREE }),
    );
    const warnings = (plan.diagnostics ?? []).filter((d) => d.severity === "warning");
    expect(warnings).toEqual([
      expect.objectContaining({
        summary: 'The create replaces 1 live login on tab "idp"',
        path: ["logins"],
      }),
    ]);
    expect(warnings[0]!.detail).toContain(
      'logins["asmith"]: live "asmith-own@idp", planned "asmith@idp"',
    );
    expect(warnings[0]!.detail).toContain("cpq_user_integration_login");
    expect(plan.planned.replaced_live_values).toEqual({ 'logins["asmith"]': "asmith-own@idp" });
    expect(applied?.state?.replaced_live_values).toEqual({
      'logins["asmith"]': "asmith-own@idp",
    });
    // Updates keep what the create replaced, and warn no more.
    const again = await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    expect(again.plan.diagnostics ?? []).toEqual([]);
    expect(again.plan.planned.replaced_live_values).toEqual({
      'logins["asmith"]': "asmith-own@idp",
    });
  });

  it("plans an empty replaced_live_values for a create over an empty tab, and {} after an import", async () => {
    const { plan } = await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    expect(plan.planned.replaced_live_values).toEqual({});
    expect((await resource.importState(site.ctx(), "idp")).state?.replaced_live_values).toEqual({});
  });

  it("warns at an update, where the listing holds the tab, of a newly listed user who has another login there", async () => {
    await terraformApply(site, stored, config({ tab: "idp", logins: { jdoe: THREE.jdoe } }));
    site.set("1002", "idp", "asmith-own@idp");
    const { plan } = await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    const warnings = (plan.diagnostics ?? []).filter((d) => d.severity === "warning");
    if (batched) {
      expect(warnings).toEqual([
        expect.objectContaining({
          summary: '1 user listed here already has another login on tab "idp"',
          path: ["logins"],
        }),
      ]);
    } else {
      // One request per new user would be the price of every such plan: not asked.
      expect(warnings).toEqual([]);
    }
  });

  it("leaves a login made outside Terraform alone when not exclusive", async () => {
    const two = { jdoe: THREE.jdoe, asmith: THREE.asmith };
    await terraformApply(site, stored, config({ tab: "idp", logins: two }));
    site.set("1003", "idp", "bruce@idp", true);
    site.writes.length = 0;
    const { plan, prior } = await terraformApply(site, stored, config({ tab: "idp", logins: two }));
    expect(prior?.logins).toEqual(two);
    expect(changedKeys(prior, plan)).toEqual([]);
    expect(site.writes).toEqual([]);
    expect(site.tab("idp")["1003"]).toBe("bruce@idp");
  });

  it("exclusive: the refresh brings the tab's other logins as unmanaged_logins, the plan removes them by key, the apply deletes them and revokes their tokens", async () => {
    const two = { jdoe: THREE.jdoe, asmith: THREE.asmith };
    const cfg = config({ tab: "idp", logins: two, exclusive: true });
    await terraformApply(site, stored, cfg);
    site.set("1003", "idp", "bruce@idp", true);
    site.writes.length = 0;
    const { plan, prior } = await terraformApply(site, stored, cfg);
    expect(prior?.logins).toEqual(two);
    expect(prior?.unmanaged_logins).toEqual({ bwayne: "bruce@idp" });
    expect(plan.planned.unmanaged_logins).toEqual({});
    expect(changedKeys(prior, plan)).toEqual([]);
    expect(site.writes).toEqual(["REVOKE 1003/idp", "DELETE 1003/idp"]);
    expect(stored.state).toMatchObject({ logins: two, unmanaged_logins: {} });
    const after = await terraformApply(site, stored, cfg);
    expect(after.plan.planned).toEqual(after.prior);
  });

  it("the plan that turns exclusive on shows each unlisted user's login removed, by key; the apply removes them and the next plan is clean", async () => {
    const one = { jdoe: THREE.jdoe };
    await terraformApply(site, stored, config({ tab: "idp", logins: one }));
    site.set("1002", "idp", "alice@idp", true);
    site.set("1003", "idp", "bruce@idp");
    // Exclusive off: the other logins are read where it costs nothing, and the plan keeps them.
    const off = await terraformApply(site, stored, config({ tab: "idp", logins: one }));
    expect(off.plan.planned).toEqual(off.prior);
    expect(off.prior?.unmanaged_logins).toEqual({ asmith: "alice@idp", bwayne: "bruce@idp" });
    site.writes.length = 0;

    const on = config({ tab: "idp", logins: one, exclusive: true });
    const { plan, prior } = await terraformApply(site, stored, on);
    expect(plan.planned.unmanaged_logins).toEqual({});
    // The diff unmanaged_logins {asmith, bwayne} -> {} is the plan's "- "asmith" = ..." rows.
    expect(prior?.unmanaged_logins).toEqual({ asmith: "alice@idp", bwayne: "bruce@idp" });
    expect(plan.diagnostics ?? []).toEqual([]);
    expect(site.writes.sort()).toEqual(["DELETE 1002/idp", "DELETE 1003/idp", "REVOKE 1002/idp"]);
    expect(site.tab("idp")).toEqual({ "1001": THREE.jdoe });
    site.writes.length = 0;
    const next = await terraformApply(site, stored, on);
    expect(next.plan.planned).toEqual(next.prior);
    expect(next.plan.diagnostics ?? []).toEqual([]);
    expect(site.writes).toEqual([]);
  });

  it("names the removals in a warning when turning exclusive on over a state without unmanaged_logins, planned without a refresh", async () => {
    const one = { jdoe: THREE.jdoe };
    await terraformApply(site, stored, config({ tab: "idp", logins: one }));
    site.set("1003", "idp", "bruce@idp");
    const old = { ...stored.state!, unmanaged_logins: null };
    const on = config({ tab: "idp", logins: one, exclusive: true });
    const plan = await resource.plan({
      ctx: site.ctx(),
      prior: old,
      proposed: on,
      config: on,
      priorPrivate: stored.private,
    });
    expect(plan.planned.unmanaged_logins).toEqual({});
    expect(plan.diagnostics).toEqual([
      expect.objectContaining({
        summary: 'Turning exclusive on removes 1 login of users not in "logins" from tab "idp"',
        path: ["exclusive"],
      }),
    ]);
    expect(plan.diagnostics?.[0]?.detail).toContain('unmanaged_logins["bwayne"]: live "bruce@idp"');
    site.writes.length = 0;
    await resource.apply({
      ctx: site.ctx(),
      prior: old,
      planned: plan.planned,
      config: on,
      plannedPrivate: plan.plannedPrivate ?? {},
    });
    expect(site.writes).toEqual(["DELETE 1003/idp"]);
  });

  it("keeps an unlisted login whose removal failed in unmanaged_logins, so the next plan removes it again", async () => {
    const one = { jdoe: THREE.jdoe };
    await terraformApply(site, stored, config({ tab: "idp", logins: one }));
    site.set("1002", "idp", "alice@idp");
    site.set("1003", "idp", "bruce@idp");
    site.failDelete.set("1003", "CPQ answered 503 Service Unavailable");
    const on = config({ tab: "idp", logins: one, exclusive: true });
    const { applied } = await terraformApply(site, stored, on);
    expect(applied?.diagnostics?.map((d) => d.summary)).toEqual([
      'Could not remove the login of "bwayne" on tab "idp"',
    ]);
    expect(stored.state).toMatchObject({ logins: one, unmanaged_logins: { bwayne: "bruce@idp" } });
    site.failDelete.clear();
    site.writes.length = 0;
    const { plan, prior } = await terraformApply(site, stored, on);
    expect(prior?.unmanaged_logins).toEqual({ bwayne: "bruce@idp" });
    expect(plan.planned.unmanaged_logins).toEqual({});
    expect(site.writes).toEqual(["DELETE 1003/idp"]);
  });

  it("removes nothing at apply that its plan did not show: a login made between plan and apply waits for the next plan", async () => {
    const one = { jdoe: THREE.jdoe };
    await terraformApply(site, stored, config({ tab: "idp", logins: one }));
    site.set("1002", "idp", "alice@idp");
    const on = config({ tab: "idp", logins: one, exclusive: true });
    const refreshed = await resource.read({
      ctx: site.ctx(),
      current: stored.state!,
      private: stored.private,
    });
    const plan = await resource.plan({
      ctx: site.ctx(),
      prior: refreshed.state,
      proposed: on,
      config: on,
      priorPrivate: refreshed.private ?? {},
    });
    site.set("1003", "idp", "bruce@idp");
    site.writes.length = 0;
    const applied = await resource.apply({
      ctx: site.ctx(),
      prior: refreshed.state,
      planned: plan.planned,
      config: on,
      plannedPrivate: plan.plannedPrivate ?? {},
    });
    expect(applied.diagnostics ?? []).toEqual([]);
    expect(site.writes).toEqual(["DELETE 1002/idp"]);
    expect(applied.state?.unmanaged_logins).toEqual({});
    const reread = await resource.read({
      ctx: site.ctx(),
      current: applied.state!,
      private: applied.private ?? {},
    });
    expect(reread.state?.unmanaged_logins).toEqual({ bwayne: "bruce@idp" });
  });

  it("an exclusive create over a tab with unlisted logins warns naming each, records them in replaced_live_values, removes them, and the next plan is clean", async () => {
    site.set("1003", "idp", "bruce@idp", true);
    const cfg = config({ tab: "idp", logins: { jdoe: THREE.jdoe }, exclusive: true });
    const { plan } = await terraformApply(site, stored, cfg);
    expect(plan.planned.unmanaged_logins).toEqual({});
    expect(plan.planned.replaced_live_values).toEqual({
      'unmanaged_logins["bwayne"]': "bruce@idp",
    });
    expect(plan.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        summary: 'The create removes 1 login of users not in "logins" from tab "idp" (exclusive)',
        path: ["exclusive"],
      }),
    ]);
    expect(plan.diagnostics?.[0]?.detail).toContain('unmanaged_logins["bwayne"]: live "bruce@idp"');
    expect(site.tab("idp")).toEqual({ "1001": THREE.jdoe });
    expect(site.writes.sort()).toEqual([
      "DELETE 1003/idp",
      "PUT 1001/idp jdoe@idp",
      "REVOKE 1003/idp",
    ]);
    const next = await terraformApply(site, stored, cfg);
    expect(next.plan.planned).toEqual(next.prior);
  });

  it("a user newly declared leaves unmanaged_logins in the plan that declares them", async () => {
    await terraformApply(site, stored, config({ tab: "idp", logins: { jdoe: THREE.jdoe } }));
    site.set("1002", "idp", "asmith@idp");
    const two = { jdoe: THREE.jdoe, asmith: "asmith@idp" };
    const { plan, prior } = await terraformApply(site, stored, config({ tab: "idp", logins: two }));
    expect(prior?.unmanaged_logins).toEqual({ asmith: "asmith@idp" });
    expect(plan.planned.unmanaged_logins).toEqual({});
    const next = await terraformApply(site, stored, config({ tab: "idp", logins: two }));
    expect(next.plan.planned).toEqual(next.prior);
  });

  it("removes an entry taken out of the map, and only that one", async () => {
    await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    site.writes.length = 0;
    await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: { jdoe: THREE.jdoe, asmith: THREE.asmith } }),
    );
    expect(site.writes).toEqual(["DELETE 1003/idp"]);
  });

  it("refuses unknown users at plan in one error: the first five and a count", async () => {
    const logins: Record<string, string> = { jdoe: "jdoe@idp" };
    for (const n of ["ghost1", "ghost2", "ghost3", "ghost4", "ghost5", "ghost6", "ghost7"]) {
      logins[n] = `${n}@idp`;
    }
    const { plan } = await terraformApply(site, stored, config({ tab: "idp", logins }));
    expect(plan.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        summary: '7 entries of "logins" name no CPQ user',
        path: ["logins"],
      }),
    ]);
    expect(plan.diagnostics?.[0]?.detail).toContain(
      'No CPQ user has the login "ghost1", "ghost2", "ghost3", "ghost4", "ghost5" and 2 more.',
    );
    expect(site.writes).toEqual([]);
  });

  it("refuses at plan two keys naming the same user", async () => {
    const { plan } = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: { jdoe: "a", JDoe: "b" } }),
    );
    expect(plan.diagnostics?.map((d) => d.summary)).toEqual([
      'Entries "jdoe" and "JDoe" of "logins" name the same CPQ user',
    ]);
  });

  it("refuses a password tab and a tab that needs passwords, pointing at the per-login resource", async () => {
    for (const [tab, summary] of [
      ["erp", 'Tab "erp" takes passwords: Oracle ERP Cloud does not use OAuth on this site'],
      ["crm", 'Tab "crm" needs passwords: Oracle Sales is integrated both inbound and outbound'],
      ["hr", 'The site has no partner tab "hr"'],
    ] as const) {
      const { plan } = await terraformApply(
        site,
        { state: null, private: {} },
        config({ tab, logins: { jdoe: "j" } }),
      );
      expect(plan.diagnostics?.map((d) => d.summary)).toEqual([summary]);
      expect(plan.diagnostics?.[0]?.path).toEqual(["tab"]);
    }
    const { plan } = await terraformApply(site, stored, config({ tab: "erp", logins: {} }));
    expect(plan.diagnostics?.[0]?.detail).toContain("cpq_user_integration_login");
    expect(plan.diagnostics?.[0]?.detail).toContain('login-only entries: "idp"');
  });

  it("keeps what was written when some writes fail: an error per failed entry, and the next plan shows only what is left", async () => {
    await terraformApply(site, stored, config({ tab: "idp", logins: { jdoe: THREE.jdoe } }));
    site.failPut.set("1002", "CPQ answered 503 Service Unavailable");
    const { applied } = await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    expect(applied?.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        summary: 'Could not save the login of "asmith" on tab "idp"',
        path: ["logins"],
      }),
    ]);
    expect(applied?.diagnostics?.[0]?.detail).toContain("CPQ answered 503 Service Unavailable.");
    expect(applied?.diagnostics?.[0]?.detail).toContain("the next plan shows only what is left");
    expect(stored.state?.logins).toEqual({ jdoe: THREE.jdoe, bwayne: THREE.bwayne });

    site.failPut.clear();
    site.writes.length = 0;
    const { plan, prior } = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: THREE }),
    );
    expect(changedKeys(prior, plan)).toEqual(["asmith"]);
    expect(site.writes).toEqual(["PUT 1002/idp asmith@idp"]);
  });

  it("reports the first 50 failed entries one by one and sums up the rest in one more", async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      partyNumber: String(2000 + i),
      login: `user${i}`,
    }));
    const big = new FakeSite(batched, many);
    for (const u of many) big.failPut.set(u.partyNumber, "CPQ answered 400");
    const logins = Object.fromEntries(many.map((u) => [u.login, `${u.login}@idp`]));
    const { applied } = await terraformApply(big, stored, config({ tab: "idp", logins }));
    expect(applied?.diagnostics).toHaveLength(51);
    expect(applied?.diagnostics?.[50]?.summary).toBe(
      '10 more entries of "logins" failed on tab "idp"',
    );
    expect(applied?.diagnostics?.[50]?.detail).toContain('Also failed: "user50", "user51"');
    // Nothing was written: no state, so the next plan is a plain create, not a tainted replace.
    expect(stored.state).toBeNull();
  });

  it("a create refused in part leaves no state (nothing to taint), and the next apply writes only the refused entry, deleting nothing", async () => {
    site.failPut.set("1003", "CPQ answered 400 Bad Request");
    const { applied } = await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    expect(applied?.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        summary: 'Could not save the login of "bwayne" on tab "idp"',
      }),
    ]);
    expect(applied?.diagnostics?.[0]?.detail).toContain("removes no declared login");
    expect(stored.state).toBeNull();
    expect(stored.tainted).toBeFalsy();
    expect(site.tab("idp")).toEqual({ "1001": THREE.jdoe, "1002": THREE.asmith });

    site.failPut.clear();
    site.set("1001", "idp", THREE.jdoe, true);
    site.writes.length = 0;
    const { plan } = await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    // The create plan says which entries CPQ already holds and leaves alone.
    expect(plan.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        summary: '2 declared logins are already on tab "idp" as declared',
      }),
    ]);
    expect(plan.planned.replaced_live_values).toEqual({});
    expect(site.writes).toEqual(["PUT 1003/idp bwayne@idp"]);
    expect(site.get("1001", "idp")?.tokenPresent).toBe(true);
    expect(stored.state?.logins).toEqual(THREE);
  });

  it("warns that a change of key_by renames every key and writes nothing", async () => {
    await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    site.writes.length = 0;
    const byPn = { "1001": "jdoe@idp", "1002": "asmith@idp", "1003": "bwayne@idp" };
    const { plan } = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: byPn, key_by: "party_number" }),
    );
    expect(plan.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        summary: 'key_by changes from "login" to "party_number": every key of "logins" is renamed',
        path: ["key_by"],
      }),
    ]);
    expect(site.writes).toEqual([]);
  });

  it("adopts logins CPQ already has on create without writing them again", async () => {
    site.set("1001", "idp", "jdoe@idp");
    await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    expect(site.writes).toEqual(["PUT 1002/idp asmith@idp", "PUT 1003/idp bwayne@idp"]);
  });

  it("keys by party number, and switching key_by renames the keys without a write", async () => {
    const byPn = { "1001": "jdoe@idp", "1002": "asmith@idp", "1003": "bwayne@idp" };
    const { plan } = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: byPn, key_by: "party_number" }),
    );
    expect(plan.diagnostics ?? []).toEqual([]);
    expect(site.tab("idp")).toEqual(byPn);
    site.writes.length = 0;
    await terraformApply(site, stored, config({ tab: "idp", logins: THREE }));
    expect(site.writes).toEqual([]);
    expect(stored.state).toMatchObject({ key_by: null, logins: THREE });
    const unknown = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: { "9999": "x" }, key_by: "party_number" }),
    );
    expect(unknown.plan.diagnostics?.[0]?.detail).toContain(
      'No CPQ user has the party number "9999"',
    );
  });

  it("imports a whole tab by its name, keyed by login or by party number", async () => {
    site.set("1001", "idp", "jdoe@idp");
    site.set("1003", "idp", "bwayne@idp");
    site.set("1002", "erp", "asmith@erp");
    const r = await resource.importState(site.ctx(), "idp");
    expect(r.diagnostics ?? []).toEqual([]);
    expect(r.state).toMatchObject({
      id: "idp",
      tab: "idp",
      partner: "IDCS",
      key_by: null,
      exclusive: null,
      logins: { jdoe: "jdoe@idp", bwayne: "bwayne@idp" },
    });
    const byPn = await resource.importState(site.ctx(), "idp/party_number");
    expect(byPn.state).toMatchObject({
      key_by: "party_number",
      logins: { "1001": "jdoe@idp", "1003": "bwayne@idp" },
    });
    // Declared as it was imported, the tab plans no change.
    stored = { state: r.state, private: r.private ?? {} };
    site.writes.length = 0;
    const { plan, prior } = await terraformApply(
      site,
      stored,
      config({ tab: "idp", logins: { jdoe: "jdoe@idp", bwayne: "bwayne@idp" } }),
    );
    expect(plan.planned).toEqual(prior);
    expect(site.writes).toEqual([]);

    for (const [id, summary] of [
      ["idp/login/x", 'Invalid import id "idp/login/x"'],
      ["erp", 'Tab "erp" takes passwords: Oracle ERP Cloud does not use OAuth on this site'],
    ] as const) {
      expect((await resource.importState(site.ctx(), id)).diagnostics?.[0]?.summary).toBe(summary);
    }
  });

  it("destroys the logins it wrote, revoking their tokens, and leaves logins made since alone", async () => {
    const two = { jdoe: THREE.jdoe, asmith: THREE.asmith };
    await terraformApply(site, stored, config({ tab: "idp", logins: two, exclusive: true }));
    site.set("1001", "idp", "jdoe@idp", true);
    site.set("1003", "idp", "bruce@idp");
    const refreshed = await resource.read({
      ctx: site.ctx(),
      current: stored.state!,
      private: stored.private,
    });
    site.writes.length = 0;
    const r = await resource.destroy({
      ctx: site.ctx(),
      prior: refreshed.state!,
      plannedPrivate: refreshed.private ?? {},
    });
    expect(r).toEqual({ state: null });
    expect(site.writes.sort()).toEqual(["DELETE 1001/idp", "DELETE 1002/idp", "REVOKE 1001/idp"]);
    expect(site.tab("idp")).toEqual({ "1003": "bruce@idp" });
  });

  it("refreshes the whole tab from the listing where batched, and with one request per user of the site otherwise", async () => {
    await terraformApply(site, stored, config({ tab: "idp", logins: { jdoe: THREE.jdoe } }));
    site.set("1003", "idp", "bruce@idp");
    site.reads = 0;
    const r = await resource.read({
      ctx: site.ctx(),
      current: stored.state!,
      private: stored.private,
    });
    expect(r.state).toMatchObject({
      logins: { jdoe: THREE.jdoe },
      unmanaged_logins: { bwayne: "bruce@idp" },
    });
    // Per user: each of the site's 3 users once, the listed one included (not twice).
    expect(site.reads).toBe(batched ? 0 : 3);
  });

  it("fans the writes out at once, leaving the bound to the client's limiter", async () => {
    const { slow, most } = countingPuts(site.ctx(), 5);
    const cfg = config({ tab: "idp", logins: THREE });
    const plan = await resource.plan({
      ctx: slow,
      prior: null,
      proposed: cfg,
      config: cfg,
      priorPrivate: {},
    });
    await resource.apply({
      ctx: slow,
      prior: null,
      planned: plan.planned,
      config: cfg,
      plannedPrivate: {},
    });
    expect(most()).toBe(3);
  });

  it("keeps at most 256 writes started at once, however many entries change", async () => {
    const many = Array.from({ length: 600 }, (_, i) => ({
      partyNumber: String(2000 + i),
      login: `user${i}`,
    }));
    const big = new FakeSite(batched, many);
    const { slow, most } = countingPuts(big.ctx(), 1);
    const cfg = config({
      tab: "idp",
      logins: Object.fromEntries(many.map((u) => [u.login, `${u.login}@idp`])),
    });
    const plan = await resource.plan({
      ctx: slow,
      prior: null,
      proposed: cfg,
      config: cfg,
      priorPrivate: {},
    });
    const applied = await resource.apply({
      ctx: slow,
      prior: null,
      planned: plan.planned,
      config: cfg,
      plannedPrivate: {},
    });
    expect(applied.diagnostics ?? []).toEqual([]);
    expect(Object.keys(big.tab("idp"))).toHaveLength(600);
    expect(most()).toBe(256);
  });

  it("plans an unknown map, or an unknown entry, without asking the site about users", async () => {
    const { plan } = await terraformApply(site, stored, config({ tab: "idp", logins: UNKNOWN }));
    expect(plan.diagnostics ?? []).toEqual([]);
    expect(plan.planned.logins).toBe(UNKNOWN);
    const entry = await resource.plan({
      ctx: site.ctx(),
      prior: null,
      proposed: config({ tab: "idp", logins: { jdoe: UNKNOWN } }),
      config: config({ tab: "idp", logins: { jdoe: UNKNOWN } }),
      priorPrivate: {},
    });
    expect(entry.diagnostics ?? []).toEqual([]);
  });
});

describe("cpq_user_integration_logins validation", () => {
  it("refuses empty keys and empty partner logins in one diagnostic each", () => {
    const d = validateUserIntegrationLogins({
      tab: "idp",
      logins: { "": "x", jdoe: "", asmith: "  ", bwayne: "ok" },
    });
    expect(d.map((x) => x.summary)).toEqual([
      'An entry of "logins" has an empty key',
      '2 entries of "logins" with an empty partner login',
    ]);
    expect(d[1]?.detail).toContain('"jdoe", "asmith"');
  });

  it("refuses a key_by it does not know, naming the allowed values", () => {
    const d = validateUserIntegrationLogins({ tab: "idp", logins: {}, key_by: "email" });
    expect(d[0]?.detail).toContain('Use one of: "login", "party_number".');
  });
});
