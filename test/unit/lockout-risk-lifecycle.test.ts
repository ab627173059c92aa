/**
 * `lockout_risk`: a plan that turns SSO on for the login the provider signs in as, or for the last
 * active FullAccess user outside SSO (or switches the site's SSO on when no such user is left),
 * warns and carries a one-line reason; everything else plans null. User records are shaped as
 * Oracle prints them (object-valued `type`, `status`, `enabledForSso`). Issue 22, deliverable 4.
 */
import { emptyObject } from "../../provider/contract/attributes";
import type { LockoutSettings } from "../../provider/cpq/lockout";
import {
  SSO_ATTRIBUTES,
  ssoConfigurationResource,
} from "../../provider/resources/sso-configuration";
import type { SsoContext } from "../../provider/resources/sso-configuration";
import { UserDirectory } from "../../provider/cpq/user-directory";
import type { DirectoryClient } from "../../provider/cpq/user-directory";
import { USER_SSO_ATTRIBUTES, userSsoResource } from "../../provider/resources/user-sso";
import type { UserSsoContext } from "../../provider/resources/user-sso";
import { fakeUsersSite } from "../support/fake-users-site";
import type { ObjectValue, Value } from "../../provider/contract/types";

const FULL = { value: "FULL_ACCESS", displayValue: "FullAccess" };
const SALES = { value: "SALES_USER", displayValue: "SalesUser" };
const ACTIVE = { value: "ACTIVE", displayValue: "Active" };
const INACTIVE = { value: "INACTIVE", displayValue: "Inactive" };
const sso = (on: boolean) => ({ value: on, displayValue: on ? "Yes" : "No" });

const user = (pn: string, login: string, type: unknown, on: boolean, status: unknown = ACTIVE) => ({
  partyNumber: pn,
  login,
  type,
  status,
  enabledForSso: sso(on),
});

const site = (users: Record<string, unknown>[], lockout: LockoutSettings) =>
  fakeUsersSite(users, lockout);

const cfgOf = (v: Record<string, Value>): ObjectValue => ({
  ...emptyObject(USER_SSO_ATTRIBUTES),
  ...v,
});

async function planUser(
  ctx: UserSsoContext,
  partyNumber: string,
  prior: ObjectValue | null = null,
) {
  const cfg = cfgOf({ party_number: partyNumber, enabled_for_sso: true });
  return userSsoResource.plan({
    ctx,
    prior,
    proposed: { ...(prior ?? cfg), ...cfg },
    config: cfg,
    priorPrivate: {},
  });
}

const lockoutWarnings = (r: { diagnostics?: readonly { summary: string; detail?: string }[] }) =>
  (r.diagnostics ?? []).filter((d) => d.summary.startsWith("Lockout risk"));

describe("cpq_user_sso lockout_risk", () => {
  const users = [
    user("1001", "jdoe", FULL, false),
    user("1002", "asmith", FULL, false),
    user("1003", "bwayne", SALES, false),
  ];

  it("names the provider's own login when the plan turns SSO on for it", async () => {
    const { ctx } = site(users, { signInLogin: "JDOE" });
    const r = await planUser(ctx, "1001");
    expect(r.planned.lockout_risk).toBe(
      'This plan turns SSO on for "jdoe": "jdoe" is the login this provider signs in to CPQ as, so its next run can no longer authenticate with the password.',
    );
    expect(lockoutWarnings(r)).toHaveLength(1);
    expect(lockoutWarnings(r)[0]?.detail).toContain("sso_users_sign_in_with_password = true");
  });

  it("names the last active FullAccess user outside SSO, not counting inactive or sales users", async () => {
    const { ctx } = site(
      [
        user("1001", "jdoe", FULL, false),
        user("1002", "asmith", FULL, true),
        user("1004", "old-admin", FULL, false, INACTIVE),
        user("1003", "bwayne", SALES, false),
      ],
      { signInLogin: "svc-terraform" },
    );
    const r = await planUser(ctx, "1001");
    expect(r.planned.lockout_risk).toBe(
      'This plan turns SSO on for "jdoe": "jdoe" is the last active FullAccess user outside SSO, so no administrator is left to sign in with a password if SSO fails.',
    );
  });

  it("plans null while another FullAccess user stays outside SSO, for a sales user, and when SSO is already on", async () => {
    const { ctx } = site([...users, user("1005", "carol", FULL, true)], {
      signInLogin: "svc-terraform",
    });
    expect((await planUser(ctx, "1001")).planned.lockout_risk).toBeNull();
    expect((await planUser(ctx, "1003")).planned.lockout_risk).toBeNull();
    const self = site([user("1005", "carol", FULL, true)], { signInLogin: "carol" });
    const already = await planUser(self.ctx, "1005");
    expect(already.planned.lockout_risk).toBeNull();
    expect(lockoutWarnings(already)).toEqual([]);
  });

  it("plans null where the provider is told SSO users keep password sign-in", async () => {
    const { ctx } = site(users, { signInLogin: "jdoe", ssoUsersSignInWithPassword: true });
    const r = await planUser(ctx, "1001");
    expect(r.planned.lockout_risk).toBeNull();
    expect(lockoutWarnings(r)).toEqual([]);
  });

  it("judges the apply's re-plan as the plan did, after another resource's PATCH in the same process", async () => {
    // Two admins, both turned on by two resources: the second's re-plan must not change its
    // planned value because the first was applied meanwhile (Terraform refuses such a plan).
    const { ctx } = site(users.slice(0, 2), { signInLogin: "svc-terraform" });
    const before = await planUser(ctx, "1002");
    const first = await planUser(ctx, "1001");
    await userSsoResource.apply({
      ctx,
      prior: null,
      planned: first.planned,
      config: cfgOf({ party_number: "1001", enabled_for_sso: true }),
      plannedPrivate: {},
    });
    const again = await planUser(ctx, "1002");
    expect(again.planned.lockout_risk).toEqual(before.planned.lockout_risk);
  });

  it("applies the planned reason, and a refresh clears it so the next plan is clean", async () => {
    const { ctx } = site(users, { signInLogin: "jdoe" });
    const r = await planUser(ctx, "1001");
    const cfg = cfgOf({ party_number: "1001", enabled_for_sso: true });
    const applied = await userSsoResource.apply({
      ctx,
      prior: null,
      planned: r.planned,
      config: cfg,
      plannedPrivate: {},
    });
    expect(applied.state?.lockout_risk).toBe(r.planned.lockout_risk);
    const read = await userSsoResource.read({ ctx, current: applied.state!, private: {} });
    expect(read.state?.lockout_risk).toBeNull();
    const next = await planUser(ctx, "1001", read.state!);
    expect(next.planned).toEqual(read.state);
  });
});

describe("cpq_sso_configuration lockout_risk", () => {
  function ssoCtx(method: string, users: Record<string, unknown>[], lockout: LockoutSettings) {
    const directory = new UserDirectory({
      listAllUsers: () => Promise.resolve(users),
      getPartners: () => Promise.resolve([]),
      getUserIntegration: () => Promise.resolve(null),
    } as unknown as DirectoryClient);
    const ctx: SsoContext = {
      client: {
        getSsoConfiguration: () => Promise.resolve({ ssoMethod: method }),
        postSsoConfiguration: () => Promise.resolve({ restartRequired: true, statusCode: "200" }),
      },
      directory,
      lockout,
    };
    return ctx;
  }
  const cfg: ObjectValue = {
    ...emptyObject(SSO_ATTRIBUTES),
    sso_method: "Federated Authentication",
  };
  const plan = (ctx: SsoContext) =>
    ssoConfigurationResource.plan({
      ctx,
      prior: null,
      proposed: cfg,
      config: cfg,
      priorPrivate: {},
    });

  it("flags switching SSO on while every active FullAccess user is enabled for SSO", async () => {
    const ctx = ssoCtx(
      "None",
      [user("1001", "jdoe", FULL, true), user("1003", "b", SALES, false)],
      {
        signInLogin: "svc-terraform",
      },
    );
    const r = await plan(ctx);
    expect(r.planned.lockout_risk).toBe(
      "This plan switches SSO on while every active FullAccess user is enabled for SSO, so no administrator is left to sign in with a password if SSO fails.",
    );
    expect(lockoutWarnings(r)).toHaveLength(1);
  });

  it("flags switching SSO on while the provider's own login is enabled for SSO", async () => {
    const ctx = ssoCtx("None", [user("1001", "jdoe", FULL, true), user("1002", "a", FULL, false)], {
      signInLogin: "jdoe",
    });
    expect((await plan(ctx)).planned.lockout_risk).toContain(
      '"jdoe", the login this provider signs in to CPQ as, is enabled for SSO',
    );
  });

  it("plans null where SSO is already on, or an admin stays outside SSO", async () => {
    const users = [user("1001", "jdoe", FULL, true)];
    expect((await plan(ssoCtx("Federated and Remote", users, {}))).planned.lockout_risk).toBeNull();
    const mixed = [...users, user("1002", "a", FULL, false)];
    expect((await plan(ssoCtx("None", mixed, {}))).planned.lockout_risk).toBeNull();
  });
});
