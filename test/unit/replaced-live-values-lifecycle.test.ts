/**
 * A create over something CPQ already holds (the site's SSO settings, a login on a user's tab, a
 * user's SSO flags) says at plan what it replaces: `replaced_live_values` (the live values, as a
 * reviewer reads them) and a warning naming live and planned values. Update, read and import
 * keep what the create recorded. Issue 22, deliverable 1.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { emptyObject } from "../../provider/contract/attributes";
import {
  SSO_ATTRIBUTES,
  ssoConfigurationResource,
} from "../../provider/resources/sso-configuration";
import type { SsoContext } from "../../provider/resources/sso-configuration";
import { UserDirectory } from "../../provider/cpq/user-directory";
import type { DirectoryClient } from "../../provider/cpq/user-directory";
import {
  USER_INTEGRATION_LOGIN_ATTRIBUTES,
  userIntegrationLoginResource,
} from "../../provider/resources/user-integration-login";
import type { UserIntegrationContext } from "../../provider/resources/user-integration-login";
import { USER_SSO_ATTRIBUTES, userSsoResource } from "../../provider/resources/user-sso";
import { fakeUsersSite } from "../support/fake-users-site";
import type { Attribute, ObjectValue, Value } from "../../provider/contract/types";
import { UNKNOWN } from "../../provider/contract/types";

const fixture = (name: string): string =>
  readFileSync(join(__dirname, "..", "fixtures", name), "utf8");
const LIVE_CERT = fixture("idp-cert.pem");
const NEW_CERT = fixture("idp-cert-rolled.pem");

/** A certificate as the reviewer is to see it, computed here with node:crypto directly. */
function reviewerForm(pem: string): string {
  const c = new X509Certificate(pem);
  return `${c.subject.split("\n").join(", ")} (SHA-256 ${c.fingerprint256})`;
}

const objectOf =
  (attributes: readonly Attribute[]) =>
  (v: Record<string, Value>): ObjectValue => ({ ...emptyObject(attributes), ...v });
const warningsOf = (r: {
  diagnostics?: readonly { severity: string; summary: string; detail?: string }[];
}) => (r.diagnostics ?? []).filter((d) => d.severity === "warning");

// ---- cpq_sso_configuration ----------------------------------------------------------------------

const LIVE_SITE = {
  ssoMethod: "Federated Authentication",
  samlIdpUrl: "https://old-idp.example.com/sso",
  idProviderCertificate: LIVE_CERT,
  samlRequestKeyStore: "bGl2ZS1rZXlzdG9yZS1zZWNyZXQ=",
  samlLogoutUrl: "https://old-idp.example.com/logout",
  samlUserIdType: "assertionTypeUsername",
  samlUserIdLocation: "idLocationSubject",
};

function ssoSite(initial: Record<string, string>) {
  let stored = { ...initial };
  const ctx: SsoContext = {
    client: {
      getSsoConfiguration: () => Promise.resolve({ ...stored }),
      postSsoConfiguration: (body) => {
        stored = { ...stored, ...body };
        return Promise.resolve({ restartRequired: false, statusCode: "200" });
      },
    },
  };
  return { ctx, stored: () => stored };
}

const ssoConfig = objectOf(SSO_ATTRIBUTES);

async function ssoPlan(ctx: SsoContext, prior: ObjectValue | null, cfg: ObjectValue) {
  return ssoConfigurationResource.plan({
    ctx,
    prior,
    proposed: { ...(prior ?? emptyObject(SSO_ATTRIBUTES)), ...withoutNulls(cfg) },
    config: cfg,
    priorPrivate: {},
  });
}

function withoutNulls(o: ObjectValue): ObjectValue {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
}

describe("cpq_sso_configuration created over a site's live SSO settings", () => {
  const desired = ssoConfig({
    sso_method: "Federated Authentication",
    saml_idp_url: "https://new-idp.example.com/sso",
    id_provider_certificate: NEW_CERT,
    saml_request_keystore: "bmV3LWtleXN0b3JlLXNlY3JldA==",
    saml_logout_url: LIVE_SITE.samlLogoutUrl,
  });

  it("plans the live IdP URL, certificate and keystore it replaces, and warns with live and planned values", async () => {
    const site = ssoSite(LIVE_SITE);
    const plan = await ssoPlan(site.ctx, null, desired);
    // Unchanged (sso_method, logout URL) and unmanaged (user id type) settings are not listed.
    expect(plan.planned.replaced_live_values).toEqual({
      saml_idp_url: "https://old-idp.example.com/sso",
      id_provider_certificate: reviewerForm(LIVE_CERT),
      saml_request_keystore: "(sensitive)",
    });
    const [warning, ...others] = warningsOf(plan).filter((w) =>
      w.summary.startsWith("This create replaces live settings"),
    );
    expect(others).toEqual([]);
    expect(warning?.detail).toContain(
      'saml_idp_url: "https://old-idp.example.com/sso" -> "https://new-idp.example.com/sso"',
    );
    expect(warning?.detail).toContain(
      `id_provider_certificate: ${reviewerForm(LIVE_CERT)} -> ${reviewerForm(NEW_CERT)}`,
    );
    expect(warning?.detail).toContain("saml_request_keystore: (sensitive) -> (sensitive)");
    // Secrets never by value, in the plan or its messages.
    const everything = JSON.stringify(plan.diagnostics) + JSON.stringify(plan.planned);
    expect(everything).not.toContain(LIVE_SITE.samlRequestKeyStore);
    expect(JSON.stringify(plan.diagnostics)).not.toContain("bmV3LWtleXN0b3JlLXNlY3JldA==");
  });

  it("plans {} and no warning on a site whose settings are CPQ's unset defaults", async () => {
    const site = ssoSite({ ssoMethod: "None", samlIdpUrl: "", idProviderCertificate: "" });
    const plan = await ssoPlan(site.ctx, null, desired);
    expect(plan.planned.replaced_live_values).toEqual({});
    expect(warningsOf(plan).map((w) => w.summary)).not.toContainEqual(
      expect.stringContaining("replaces live settings"),
    );
  });

  it("counts the same certificate in another encoding as no replacement", async () => {
    const der = new X509Certificate(LIVE_CERT).raw.toString("base64");
    const site = ssoSite({ ...LIVE_SITE, idProviderCertificate: der });
    const plan = await ssoPlan(
      site.ctx,
      null,
      ssoConfig({ sso_method: LIVE_SITE.ssoMethod, id_provider_certificate: LIVE_CERT }),
    );
    expect(plan.planned.replaced_live_values).toEqual({});
  });

  it("leaves the map unknown while a managed value is, so the apply's re-plan may drop a key, and still warns", async () => {
    const site = ssoSite(LIVE_SITE);
    const plan = await ssoPlan(
      site.ctx,
      null,
      ssoConfig({ ...withoutNulls(desired), id_provider_certificate: UNKNOWN }),
    );
    expect(plan.planned.replaced_live_values).toBe(UNKNOWN);
    const [warning] = warningsOf(plan).filter((w) => w.summary.includes("replaces live settings"));
    expect(warning?.detail).toContain(
      `id_provider_certificate: ${reviewerForm(LIVE_CERT)} -> (known after apply)`,
    );
  });

  it("applies the planned map, keeps it through update, refresh and re-plan, and imports {}", async () => {
    const site = ssoSite(LIVE_SITE);
    const plan = await ssoPlan(site.ctx, null, desired);
    const applied = await ssoConfigurationResource.apply({
      ctx: site.ctx,
      prior: null,
      planned: plan.planned,
      config: desired,
      plannedPrivate: {},
    });
    const recorded = plan.planned.replaced_live_values;
    expect(applied.state?.replaced_live_values).toEqual(recorded);
    const read = await ssoConfigurationResource.read({
      ctx: site.ctx,
      current: applied.state!,
      private: {},
    });
    expect(read.state?.replaced_live_values).toEqual(recorded);
    const changed = ssoConfig({ ...withoutNulls(desired), saml_logout_url: "https://x.example/" });
    const update = await ssoPlan(site.ctx, read.state!, changed);
    expect(update.planned.replaced_live_values).toEqual(recorded);
    expect(warningsOf(update).map((w) => w.summary)).not.toContainEqual(
      expect.stringContaining("replaces live settings"),
    );
    const imported = await ssoConfigurationResource.importState(site.ctx, "sso");
    expect(imported.state?.replaced_live_values).toEqual({});
  });
});

// ---- cpq_user_sso -------------------------------------------------------------------------------

const usersSite = (users: Record<string, unknown>[]) => fakeUsersSite(users).ctx;

const userSsoConfig = objectOf(USER_SSO_ATTRIBUTES);

describe("cpq_user_sso created over a user's live SSO flags", () => {
  const jdoe = {
    partyNumber: "1001",
    login: "jdoe",
    enabledForSso: { value: true, displayValue: "Yes" },
    externalSsoId: "E-OLD-17",
  };

  it("plans the live External SSO Id it replaces, not the flag it keeps, and warns", async () => {
    const ctx = usersSite([jdoe]);
    const cfg = userSsoConfig({
      party_number: "1001",
      enabled_for_sso: true,
      external_sso_id: "E-NEW-42",
    });
    const plan = await userSsoResource.plan({
      ctx,
      prior: null,
      proposed: cfg,
      config: cfg,
      priorPrivate: {},
    });
    expect(plan.planned.replaced_live_values).toEqual({ external_sso_id: "E-OLD-17" });
    expect(warningsOf(plan)[0]?.summary).toBe(
      "This create replaces live settings: the SSO settings of user jdoe",
    );
    expect(warningsOf(plan)[0]?.detail).toContain('external_sso_id: "E-OLD-17" -> "E-NEW-42"');
  });

  it("leaves the map unknown while the user's login is, and the apply records what it replaced", async () => {
    const ctx = usersSite([jdoe]);
    const planCfg = userSsoConfig({ user_login: UNKNOWN, external_sso_id: "E-NEW-42" });
    const plan = await userSsoResource.plan({
      ctx,
      prior: null,
      proposed: planCfg,
      config: planCfg,
      priorPrivate: {},
    });
    expect(plan.planned.replaced_live_values).toBe(UNKNOWN);
    const cfg = userSsoConfig({ user_login: "jdoe", external_sso_id: "E-NEW-42" });
    const applied = await userSsoResource.apply({
      ctx,
      prior: null,
      planned: { ...plan.planned, user_login: "jdoe", party_number: "1001" },
      config: cfg,
      plannedPrivate: {},
    });
    expect(applied.state?.replaced_live_values).toEqual({ external_sso_id: "E-OLD-17" });
  });

  it("keeps the recorded map on update and refresh, and imports {}", async () => {
    const ctx = usersSite([jdoe]);
    const prior = userSsoConfig({
      id: "1001",
      party_number: "1001",
      login: "jdoe",
      enabled_for_sso: true,
      external_sso_id: "E-NEW-42",
      replaced_live_values: { external_sso_id: "E-OLD-17" },
    });
    const cfg = userSsoConfig({ party_number: "1001", external_sso_id: "E-NEWER" });
    const plan = await userSsoResource.plan({
      ctx,
      prior,
      proposed: { ...prior, external_sso_id: "E-NEWER" },
      config: cfg,
      priorPrivate: {},
    });
    expect(plan.planned.replaced_live_values).toEqual({ external_sso_id: "E-OLD-17" });
    const read = await userSsoResource.read({ ctx, current: prior, private: {} });
    expect(read.state?.replaced_live_values).toEqual({ external_sso_id: "E-OLD-17" });
    const imported = await userSsoResource.importState(ctx, "1001");
    expect(imported.state?.replaced_live_values).toEqual({});
  });
});

// ---- cpq_user_integration_login -----------------------------------------------------------------

const ERP = { tab: "erp", partner: "ERP", oauthEnabled: false, inbound: false, outbound: true };
const IDP = { tab: "idp", partner: "IDCS", oauthEnabled: true, inbound: false, outbound: false };

function loginSite(batched: boolean, saved: Record<string, unknown> | null) {
  const user = {
    partyNumber: "1001",
    login: "jdoe",
    ...(batched ? { integrations: { items: saved ? [saved] : [] } } : {}),
  };
  const gets: string[] = [];
  const directoryClient = {
    listAllUsers: () => Promise.resolve([user]),
    getPartners: () => Promise.resolve([ERP, IDP]),
    getUserIntegration: (pn: string, tab: string) => {
      gets.push(`${pn}/${tab}`);
      return Promise.resolve(saved && saved.tab === tab ? saved : null);
    },
  } as unknown as DirectoryClient;
  const directory = new UserDirectory(directoryClient);
  const ctx: UserIntegrationContext = {
    client: {
      putUserIntegration: (_pn: string, tab: string, body: { login: string }) =>
        Promise.resolve({ tab, login: body.login, authType: "password", tokenPresent: false }),
    } as never,
    directory,
  };
  return { ctx, gets };
}

const loginConfig = objectOf(USER_INTEGRATION_LOGIN_ATTRIBUTES);

describe("cpq_user_integration_login created over a login CPQ holds on the tab", () => {
  const erpLive = { tab: "erp", login: "old@erp.example.com", authType: "password" };
  const cfg = loginConfig({
    party_number: "1001",
    tab: "erp",
    login: "jdoe@erp.example.com",
    password_wo: "canary-partner-password-5c1e",
  });
  const plan = (ctx: UserIntegrationContext, c: ObjectValue = cfg) =>
    userIntegrationLoginResource.plan({
      ctx,
      prior: null,
      proposed: { ...c, password_wo: null },
      config: c,
      priorPrivate: {},
    });

  it.each([true, false])(
    "plans the live login and the secret it saves over (batched reads: %s), never the secret's value",
    async (batched) => {
      const { ctx } = loginSite(batched, erpLive);
      const r = await plan(ctx);
      expect(r.planned.replaced_live_values).toEqual({
        login: "old@erp.example.com",
        password_wo: "(sensitive)",
      });
      const [warning] = warningsOf(r);
      expect(warning?.summary).toBe(
        'This create replaces live settings: the login of user 1001 on tab "erp"',
      );
      expect(warning?.detail).toContain('login: "old@erp.example.com" -> "jdoe@erp.example.com"');
      expect(warning?.detail).toContain("password_wo: (sensitive) -> (sensitive)");
      expect(warning?.detail).toContain("terraform import <address> 1001/erp");
      expect(JSON.stringify(r)).not.toContain("canary-partner-password-5c1e");
    },
  );

  it("says the live login's OAuth token is dropped when the create saves another login over it", async () => {
    const { ctx } = loginSite(true, {
      tab: "idp",
      login: "old@idcs",
      authType: "oauth",
      tokenPresent: true,
    });
    const r = await plan(
      ctx,
      loginConfig({ party_number: "1001", tab: "idp", login: "jdoe@idcs" }),
    );
    expect(r.planned.replaced_live_values).toEqual({ login: "old@idcs" });
    expect(warningsOf(r)[0]?.detail).toContain("OAuth token belongs to the live login");
  });

  it("plans {} and no warning where the tab holds no login", async () => {
    const { ctx } = loginSite(false, null);
    const r = await plan(ctx);
    expect(r.planned.replaced_live_values).toEqual({});
    expect(warningsOf(r)).toEqual([]);
  });

  it("leaves the map unknown while the user is, and the apply records what its PUT saved over", async () => {
    const { ctx } = loginSite(false, erpLive);
    const planCfg = loginConfig({ user_login: UNKNOWN, tab: "erp", login: "jdoe@erp.example.com" });
    const r = await plan(ctx, planCfg);
    expect(r.planned.replaced_live_values).toBe(UNKNOWN);
    const applyCfg = { ...planCfg, user_login: "jdoe" };
    const applied = await userIntegrationLoginResource.apply({
      ctx,
      prior: null,
      planned: { ...r.planned, user_login: "jdoe", party_number: "1001", id: "1001/erp" },
      config: applyCfg,
      plannedPrivate: {},
    });
    expect(applied.state?.replaced_live_values).toEqual({ login: "old@erp.example.com" });
  });
});
