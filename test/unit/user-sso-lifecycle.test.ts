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

  it("refuses both ways of naming the user at validation, and warns when nothing is managed", () => {
    expect(
      validateUserSso({ party_number: "1001", user_login: "jdoe", enabled_for_sso: true }).map(
        (d) => d.summary,
      ),
    ).toEqual(['Both "party_number" and "user_login" are set']);
    expect(validateUserSso({ party_number: "1001" }).map((d) => d.severity)).toEqual(["warning"]);
  });
});
