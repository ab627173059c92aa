/**
 * `cpq_sso_configuration` plan and apply against a fake CPQ that either merges a POST into its
 * settings or replaces them with it (Oracle does not say which): whichever it does, settings the
 * configuration does not manage survive an apply.
 */
import { SSO_READABLE_FIELDS } from "../../provider/client/wire";
import { fakeSsoSite } from "../support/fake-sso-site";
import { emptyObject } from "../../provider/contract/attributes";
import {
  SSO_ATTRIBUTES,
  ssoConfigurationResource,
} from "../../provider/resources/sso-configuration";
import type { SsoContext, SsoPostMode } from "../../provider/resources/sso-configuration";
import type { ObjectValue, Value } from "../../provider/contract/types";

/** What GET returns: the settings without the two passwords. */
const READABLE: readonly string[] = SSO_READABLE_FIELDS;

/** A CPQ that holds settings and passwords, and treats a POST as `semantics` says. */
const fakeCpq = (semantics: SsoPostMode, initial: Record<string, string>) =>
  fakeSsoSite(initial, { semantics });

const SITE = {
  ssoMethod: "Federated Authentication",
  samlIdpUrl: "https://idp.example.com/sso",
  idProviderCertificate: "cert",
  samlLogoutUrl: "https://idp.example.com/logout",
  samlUserIdType: "assertionTypeUsername",
  samlUserIdLocation: "idLocationSubject",
  samlStorePass: "site-store-pass",
  samlKeyPass: "site-key-pass",
};

/** A configuration with only `values` set, as Terraform hands it over. */
function config(values: Record<string, Value>): ObjectValue {
  return { ...emptyObject(SSO_ATTRIBUTES), ...values };
}

async function planAndApply(ctx: SsoContext, prior: ObjectValue | null, cfg: ObjectValue) {
  const proposed: ObjectValue = { ...(prior ?? {}), ...cfg };
  const plan = await ssoConfigurationResource.plan({
    ctx,
    prior,
    proposed,
    config: cfg,
    priorPrivate: {},
  });
  const applied = await ssoConfigurationResource.apply({
    ctx,
    prior,
    planned: plan.planned,
    config: cfg,
    plannedPrivate: plan.plannedPrivate ?? {},
  });
  return { plan, applied };
}

describe("cpq_sso_configuration apply, whatever CPQ does with an omitted field", () => {
  it.each(["merge", "replace"] as const)(
    "keeps the settings it does not manage when CPQ %ss a POST",
    async (semantics) => {
      const cpq = fakeCpq(semantics, SITE);
      const ctx: SsoContext = { client: cpq.client, ssoPostMode: semantics };
      await planAndApply(ctx, null, config({ saml_idp_url: "https://idp2.example.com/sso" }));
      expect(cpq.posts).toHaveLength(1);
      expect(cpq.stored()).toMatchObject({
        ...Object.fromEntries(Object.entries(SITE).filter(([k]) => READABLE.includes(k))),
        samlIdpUrl: "https://idp2.example.com/sso",
      });
      // The body holds every readable setting, and no password the configuration did not give.
      expect(Object.keys(cpq.posts[0]!).sort()).toEqual(
        Object.keys(SITE)
          .filter((k) => READABLE.includes(k))
          .sort(),
      );
    },
  );

  it("sends a managed write-only password only when it changes, in merge mode", async () => {
    const cpq = fakeCpq("merge", SITE);
    const ctx: SsoContext = { client: cpq.client, ssoPostMode: "merge" };
    const cfg = config({ saml_store_pass_wo: "new-store-pass" });
    const first = await planAndApply(ctx, null, cfg);
    expect(cpq.posts[0]?.samlStorePass).toBe("new-store-pass");
    const next = config({ saml_store_pass_wo: "new-store-pass", saml_logout_url: "https://x/" });
    const prior = first.applied.state!;
    const plan = await ssoConfigurationResource.plan({
      ctx,
      prior,
      proposed: { ...prior, ...next, saml_store_pass_wo: null },
      config: next,
      priorPrivate: first.applied.private ?? {},
    });
    await ssoConfigurationResource.apply({
      ctx,
      prior,
      planned: plan.planned,
      config: next,
      plannedPrivate: plan.plannedPrivate ?? {},
    });
    expect(cpq.posts).toHaveLength(2);
    expect(cpq.posts[1]).not.toHaveProperty("samlStorePass");
    expect(cpq.stored().samlStorePass).toBe("new-store-pass");
  });

  it("sends the managed passwords with every POST in replace mode, and warns at plan about the ones it does not manage", async () => {
    const cpq = fakeCpq("replace", SITE);
    const ctx: SsoContext = { client: cpq.client, ssoPostMode: "replace" };
    const { plan } = await planAndApply(
      ctx,
      null,
      config({ saml_store_pass_wo: "store", saml_logout_url: "https://idp.example.com/bye" }),
    );
    expect(cpq.posts[0]?.samlStorePass).toBe("store");
    expect(cpq.posts[0]).not.toHaveProperty("samlKeyPass");
    const warnings = (plan.diagnostics ?? []).filter((d) => d.severity === "warning");
    expect(warnings.map((w) => w.summary)).toContain(
      'CPQ will clear "saml_key_pass": the configuration does not manage it',
    );
    expect(warnings.map((w) => w.summary).join("\n")).not.toContain("saml_store_pass:");
  });

  it("switches SSO off on destroy with destroy_behavior = disable and keeps the other settings", async () => {
    const cpq = fakeCpq("replace", SITE);
    const ctx: SsoContext = { client: cpq.client, ssoPostMode: "replace" };
    const prior = config({ destroy_behavior: "disable", id: "sso" });
    const destroyed = await ssoConfigurationResource.destroy({ ctx, prior, plannedPrivate: {} });
    // No state is left to hold restart_required: the destroy says it in a warning.
    expect((destroyed.diagnostics ?? []).map((d) => d.summary)).toContain(
      "CPQ requires a server restart for SSO to be switched off",
    );
    expect(cpq.stored()).toMatchObject({
      ssoMethod: "None",
      samlIdpUrl: SITE.samlIdpUrl,
      samlLogoutUrl: SITE.samlLogoutUrl,
    });
  });
});

describe("cpq_sso_configuration import", () => {
  it("imports with restart_required false, so the construct's output is false after an apply that sends nothing", async () => {
    const cpq = fakeCpq("merge", SITE);
    const imported = await ssoConfigurationResource.importState({ client: cpq.client }, "sso");
    expect(imported.state?.restart_required).toBe(false);
    const cfg = config({ sso_method: SITE.ssoMethod });
    const plan = await ssoConfigurationResource.plan({
      ctx: { client: cpq.client },
      prior: imported.state!,
      proposed: { ...imported.state!, sso_method: SITE.ssoMethod },
      config: cfg,
      priorPrivate: {},
    });
    expect(plan.planned.restart_required).toBe(false);
  });
});
