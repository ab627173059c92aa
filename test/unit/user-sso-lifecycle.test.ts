/**
 * `cpq_user_sso` plan, apply, read and import against a fake users listing and PATCH: only the
 * settings the configuration sets are sent, the rest follow CPQ.
 */
import { emptyObject, validateConfiguration } from "../../provider/contract/attributes";
import { UserDirectory } from "../../provider/cpq/user-directory";
import type { DirectoryClient } from "../../provider/cpq/user-directory";
import { USER_SSO_ATTRIBUTES, userSsoResource } from "../../provider/resources/user-sso";
import type { UserSsoContext } from "../../provider/resources/user-sso";
import type { UserWire } from "../../provider/client";
import type { ObjectValue, Value } from "../../provider/contract/types";
import { UNKNOWN } from "../../provider/contract/types";

const validateUserSso = (config: Record<string, unknown>) =>
  validateConfiguration(userSsoResource, config);

function fakeSite(users: Record<string, unknown>[], field = "externalSsoId") {
  const records = new Map(users.map((u) => [String(u.partyNumber), { ...u }]));
  const patches: { pn: string; body: Record<string, unknown> }[] = [];
  const client = {
    listAllUsers: () => Promise.resolve([...records.values()].map((u) => ({ ...u }))),
    getPartners: () => Promise.resolve([]),
    getUserIntegration: () => Promise.resolve(null),
    patchUser: (pn: string, body: Record<string, unknown>) => {
      patches.push({ pn, body });
      const u = records.get(pn)!;
      if ("enabledForSso" in body) {
        const on = (body.enabledForSso as { value: boolean }).value;
        u.enabledForSso = { value: on, displayValue: on ? "Yes" : "No" };
      }
      if (field in body) u[field] = body[field];
      return Promise.resolve({ ...u } as unknown as UserWire);
    },
  };
  const ctx: UserSsoContext = {
    client,
    directory: new UserDirectory(client as unknown as DirectoryClient),
    externalSsoIdField: field,
  };
  return { ctx, patches, records };
}

const JDOE = {
  partyNumber: "1001",
  login: "jdoe",
  enabledForSso: { value: false, displayValue: "No" },
  externalSsoId: "",
};

const config = (v: Record<string, Value>): ObjectValue => ({
  ...emptyObject(USER_SSO_ATTRIBUTES),
  ...v,
});

async function planApply(ctx: UserSsoContext, prior: ObjectValue | null, cfg: ObjectValue) {
  const plan = await userSsoResource.plan({
    ctx,
    prior,
    proposed: {
      ...(prior ?? {}),
      ...Object.fromEntries(Object.entries(cfg).filter(([, v]) => v !== null)),
    },
    config: cfg,
    priorPrivate: {},
  });
  const applied = await userSsoResource.apply({
    ctx,
    prior,
    planned: plan.planned,
    config: cfg,
    plannedPrivate: {},
  });
  return { plan, applied };
}

describe("cpq_user_sso", () => {
  it("enables SSO for a user named by login, sending enabledForSso only", async () => {
    const site = fakeSite([JDOE]);
    const { plan, applied } = await planApply(
      site.ctx,
      null,
      config({ user_login: "jdoe", enabled_for_sso: true }),
    );
    expect(plan.planned).toMatchObject({ id: "1001", party_number: "1001", external_sso_id: "" });
    expect(site.patches).toEqual([{ pn: "1001", body: { enabledForSso: { value: true } } }]);
    expect(applied.state).toMatchObject({
      party_number: "1001",
      login: "jdoe",
      enabled_for_sso: true,
      external_sso_id: "",
    });
  });

  it("writes the External SSO Id under the configured field name, and sends nothing when nothing changed", async () => {
    const site = fakeSite([{ ...JDOE, employeeRef: "" }], "employeeRef");
    const cfg = config({ party_number: "1001", external_sso_id: "E1001" });
    const first = await planApply(site.ctx, null, cfg);
    expect(site.patches).toEqual([{ pn: "1001", body: { employeeRef: "E1001" } }]);
    await planApply(site.ctx, first.applied.state, cfg);
    expect(site.patches).toHaveLength(1);
  });

  it("reads a change made behind Terraform's back as drift, and a removed user as gone", async () => {
    const site = fakeSite([JDOE]);
    const { applied } = await planApply(
      site.ctx,
      null,
      config({ party_number: "1001", enabled_for_sso: true }),
    );
    site.records.get("1001")!.enabledForSso = { value: false, displayValue: "No" };
    const fresh = fakeSite([...site.records.values()]);
    const read = await userSsoResource.read({
      ctx: fresh.ctx,
      current: applied.state!,
      private: {},
    });
    expect(read.state?.enabled_for_sso).toBe(false);
    const gone = await userSsoResource.read({
      ctx: fakeSite([]).ctx,
      current: applied.state!,
      private: {},
    });
    expect(gone.state).toBeNull();
  });

  it("plans a user named by an unknown login as unknown, and refuses a login nobody has", async () => {
    const site = fakeSite([JDOE]);
    const unknown = await userSsoResource.plan({
      ctx: site.ctx,
      prior: null,
      proposed: config({ user_login: UNKNOWN, enabled_for_sso: true }),
      config: config({ user_login: UNKNOWN, enabled_for_sso: true }),
      priorPrivate: {},
    });
    expect(unknown.planned.party_number).toBe(UNKNOWN);
    const missing = await userSsoResource.plan({
      ctx: site.ctx,
      prior: null,
      proposed: config({ user_login: "nobody", enabled_for_sso: true }),
      config: config({ user_login: "nobody", enabled_for_sso: true }),
      priorPrivate: {},
    });
    expect(missing.diagnostics?.[0]?.summary).toBe('No CPQ user has the login "nobody"');
  });

  it("imports by party number or by login", async () => {
    const site = fakeSite([{ ...JDOE, enabledForSso: { value: true }, externalSsoId: "E1" }]);
    const byParty = await userSsoResource.importState(site.ctx, "1001");
    expect(byParty.state).toMatchObject({
      id: "1001",
      enabled_for_sso: true,
      external_sso_id: "E1",
      user_login: null,
    });
    const byLogin = await userSsoResource.importState(site.ctx, "JDOE");
    expect(byLogin.state).toMatchObject({ id: "1001", user_login: "JDOE" });
    const none = await userSsoResource.importState(site.ctx, "nobody");
    expect(none.diagnostics?.[0]?.summary).toBe('No CPQ user "nobody"');
  });

  it.each([
    ["by login, as written by hand", { user_login: "jdoe" }],
    ["both ways, as -generate-config-out writes it", { party_number: "1001", user_login: "jdoe" }],
  ])(
    "plans no change over an import by login, the configuration naming the user %s",
    async (_how, naming: Record<string, Value>) => {
      const site = fakeSite([{ ...JDOE, enabledForSso: { value: true }, externalSsoId: "E1" }]);
      const imported = (await userSsoResource.importState(site.ctx, "jdoe")).state!;
      const cfg = config({ ...naming, enabled_for_sso: true, external_sso_id: "E1" });
      const { plan } = await planApply(site.ctx, imported, cfg);
      expect(plan.diagnostics ?? []).toEqual([]);
      expect(plan.planned).toEqual(imported);
      expect(site.patches).toEqual([]);
    },
  );

  it("refuses party_number and user_login naming different users at plan, at user_login, naming both values and the fix", async () => {
    const site = fakeSite([JDOE, { ...JDOE, partyNumber: "1002", login: "asmith" }]);
    const cfg = config({ party_number: "1002", user_login: "jdoe", enabled_for_sso: true });
    const refused = await userSsoResource.plan({
      ctx: site.ctx,
      prior: null,
      proposed: cfg,
      config: cfg,
      priorPrivate: {},
    });
    expect(refused.diagnostics).toEqual([
      {
        severity: "error",
        summary: 'user_login "jdoe" and party_number "1002" name different CPQ users',
        detail:
          'The login "jdoe" is the user with party number 1001. Name the user once (by party_number or by user_login), or make them agree.',
        path: ["user_login"],
      },
    ]);
  });

  it("plans a party number given beside a login known only at apply as given, and one known only at apply as unknown", async () => {
    // The re-plan at apply, with both known, checks that they agree.
    const site = fakeSite([JDOE, { ...JDOE, partyNumber: "1002", login: "asmith" }]);
    const plan = (naming: Record<string, Value>) => {
      const cfg = config({ ...naming, enabled_for_sso: true });
      return userSsoResource.plan({
        ctx: site.ctx,
        prior: null,
        proposed: cfg,
        config: cfg,
        priorPrivate: {},
      });
    };
    const loginLater = await plan({ party_number: "1002", user_login: UNKNOWN });
    expect(loginLater.diagnostics ?? []).toEqual([]);
    expect(loginLater.planned.party_number).toBe("1002");
    const partyLater = await plan({ party_number: UNKNOWN, user_login: "jdoe" });
    expect(partyLater.diagnostics ?? []).toEqual([]);
    expect(partyLater.planned.party_number).toBe(UNKNOWN);
  });

  it("accepts party_number and user_login both set at validation (whether they name one user is for the plan), refuses neither, and warns when nothing is managed", () => {
    expect(
      validateUserSso({ party_number: "1001", user_login: "jdoe", enabled_for_sso: true }),
    ).toEqual([]);
    expect(validateUserSso({ enabled_for_sso: true }).map((d) => d.summary)).toEqual([
      "No CPQ user is named",
    ]);
    expect(validateUserSso({ party_number: "1001" }).map((d) => d.severity)).toEqual(["warning"]);
  });
});
