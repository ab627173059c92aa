/**
 * `cpq_sso_configuration` and the server restart: an SSO POST whose answer was lost is resolved
 * by reading the settings back, and a pending restart stays in the state, across applies and
 * refreshes, until `restart_done_at` acknowledges it. Against a fake CPQ that can apply a POST and
 * lose its answer.
 */
import { fakeSsoSite } from "../support/fake-sso-site";
import { emptyObject } from "../../provider/contract/attributes";
import {
  SSO_ATTRIBUTES,
  ssoConfigurationResource,
} from "../../provider/resources/sso-configuration";
import type { SsoContext } from "../../provider/resources/sso-configuration";
import type { Diagnostic, ObjectValue, Value } from "../../provider/contract/types";
import { UNKNOWN } from "../../provider/contract/types";

/** A CPQ that merges POSTs and answers restartRequired for a change of a setting it restarts for. */
const fakeCpq = (initial: Record<string, string>) =>
  fakeSsoSite(initial, {
    restartFields: ["ssoMethod", "idProviderCertificate", "samlNeedRequestSigned", "samlStorePass"],
  });

const SITE = {
  ssoMethod: "Federated Authentication",
  samlIdpUrl: "https://idp.example.com/sso",
  idProviderCertificate: "cert-1",
  samlLogoutUrl: "https://idp.example.com/logout",
};

function config(values: Record<string, Value>): ObjectValue {
  return { ...emptyObject(SSO_ATTRIBUTES), ...values };
}

async function planAndApply(
  ctx: SsoContext,
  prior: ObjectValue | null,
  cfg: ObjectValue,
  priorPrivate: Readonly<Record<string, string>> = {},
) {
  const proposed: ObjectValue = { ...(prior ?? {}), ...cfg };
  const plan = await ssoConfigurationResource.plan({
    ctx,
    prior,
    proposed,
    config: cfg,
    priorPrivate,
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

const text = (ds: readonly Diagnostic[] | undefined): string =>
  (ds ?? []).map((d) => `${d.severity}: ${d.summary} ${d.detail ?? ""}`).join("\n");

/** An imported, then applied, configuration managing the certificate and the logout URL. */
async function managed(cpq: ReturnType<typeof fakeCpq>) {
  const ctx: SsoContext = { client: cpq.client };
  const imported = await ssoConfigurationResource.importState(ctx, "sso");
  return { ctx, state: imported.state! };
}

/** Managed with a write-only store password already sent, so that a new one is a change. */
async function withPassword(cpq: ReturnType<typeof fakeCpq>) {
  const ctx: SsoContext = { client: cpq.client };
  const first = await planAndApply(ctx, null, config({ saml_store_pass_wo: "p0" }));
  cpq.posts.length = 0;
  // As if that first restart had been done and acknowledged.
  const state = { ...first.applied.state!, restart_required: false, restart_pending_since: null };
  return {
    ctx,
    state: { ...state, restart_pending_reason: null },
    priv: first.applied.private ?? {},
  };
}

describe("cpq_sso_configuration when the answer to its POST is lost", () => {
  it("reads the settings back, and when CPQ holds them succeeds with the restart the changed certificate needs", async () => {
    const cpq = fakeCpq(SITE);
    const { ctx, state } = await withPassword(cpq);
    cpq.lose.push("after");
    const { applied } = await planAndApply(
      ctx,
      state,
      config({ id_provider_certificate: "cert-2", saml_logout_url: SITE.samlLogoutUrl }),
    );
    expect(applied.diagnostics?.filter((d) => d.severity === "error")).toEqual([]);
    expect(cpq.posts).toHaveLength(1);
    expect(applied.state).toMatchObject({
      id_provider_certificate: "cert-2",
      restart_required: true,
    });
    expect(applied.state?.restart_pending_since).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(text(applied.diagnostics)).toContain(
      "CPQ's answer was lost (POST /rest/v19/ssoConfiguration got no complete answer within 1000 ms.",
    );
    expect(text(applied.diagnostics)).toContain(
      "it holds the new settings; the changed id_provider_certificate needs a restart per the provider's attribute table",
    );
  });

  it("fails, without sending the POST again, when CPQ does not hold what was sent", async () => {
    const cpq = fakeCpq(SITE);
    const { ctx, state } = await managed(cpq);
    cpq.lose.push("before");
    const { applied } = await planAndApply(
      ctx,
      state,
      config({ id_provider_certificate: "cert-2" }),
    );
    expect(cpq.posts).toHaveLength(1);
    expect(text(applied.diagnostics)).toMatch(
      /error: .*Read back, CPQ does not hold the settings sent \(id_provider_certificate differ\)/s,
    );
    // Nothing changed: the prior state stays, with no restart.
    expect(applied.state).toEqual(state);
  });

  it("reads back, rather than failing, when a refused connection ends retries that began with a lost answer (transport-unclear-then-refused)", async () => {
    const cpq = fakeCpq(SITE);
    const { ctx, state } = await managed(cpq);
    cpq.lose.push("refused-after");
    const { applied } = await planAndApply(
      ctx,
      state,
      config({ id_provider_certificate: "cert-2" }),
    );
    expect(cpq.stored().idProviderCertificate).toBe("cert-2");
    expect(applied.state?.restart_required).toBe(true);
    expect(text(applied.diagnostics)).toMatch(/CPQ's answer was lost/);
  });

  it("sends a password-only change once more, since CPQ never returns passwords, and counts its restart", async () => {
    const cpq = fakeCpq(SITE);
    const { ctx, state, priv } = await withPassword(cpq);
    cpq.lose.push("after");
    const { applied } = await planAndApply(
      ctx,
      state,
      config({ saml_store_pass_wo: "rotated" }),
      priv,
    );
    expect(cpq.posts.map((p) => p.samlStorePass)).toEqual(["rotated", "rotated"]);
    expect(applied.state?.restart_required).toBe(true);
  });

  it("fails and still records the restart as pending when a password-only change gets no answer twice", async () => {
    const cpq = fakeCpq(SITE);
    const { ctx, state, priv } = await withPassword(cpq);
    cpq.lose.push("after", "after");
    const { applied } = await planAndApply(
      ctx,
      state,
      config({ saml_store_pass_wo: "rotated" }),
      priv,
    );
    expect(text(applied.diagnostics)).toMatch(/^error: CPQ did not confirm the SSO settings/);
    expect(applied.state).toMatchObject({ restart_required: true });
    expect(applied.state?.restart_pending_reason).toMatch(
      /CPQ may have applied a change of saml_store_pass_wo/,
    );
  });
});

describe("cpq_sso_configuration's pending restart", () => {
  it("is said by the destroy's warning when the resource goes before it is acknowledged (sso-destroy-drops-pending-restart)", async () => {
    const cpq = fakeCpq(SITE);
    const { ctx, state } = await managed(cpq);
    const first = await planAndApply(ctx, state, config({ id_provider_certificate: "cert-2" }));
    const pending = first.applied.state!;
    expect(pending.restart_required).toBe(true);

    const gone = await ssoConfigurationResource.destroy({
      ctx,
      prior: pending,
      plannedPrivate: {},
    });
    expect(gone.state).toBeNull();
    expect(text(gone.diagnostics)).toContain("A CPQ server restart is still pending");
  });

  it("stays true, with its first time, through a later apply that CPQ answers without a restart, until restart_done_at acknowledges it", async () => {
    const cpq = fakeCpq(SITE);
    const { ctx, state } = await managed(cpq);
    const first = await planAndApply(ctx, state, config({ id_provider_certificate: "cert-2" }));
    const since = first.applied.state?.restart_pending_since;
    expect(first.applied.state?.restart_required).toBe(true);
    expect(typeof since).toBe("string");

    const second = await planAndApply(
      ctx,
      first.applied.state!,
      config({ id_provider_certificate: "cert-2", saml_logout_url: "https://x.example.com/" }),
    );
    expect(cpq.posts).toHaveLength(2);

    expect(second.applied.state).toMatchObject({
      restart_required: true,
      restart_pending_since: since,
    });

    const early = new Date(Date.parse(since as string) - 60_000).toISOString();
    const notYet = await planAndApply(
      ctx,
      second.applied.state!,
      config({
        id_provider_certificate: "cert-2",
        saml_logout_url: "https://x.example.com/",
        restart_done_at: early,
      }),
    );
    expect(notYet.applied.state?.restart_required).toBe(true);

    const done = await planAndApply(
      ctx,
      notYet.applied.state!,
      config({
        id_provider_certificate: "cert-2",
        saml_logout_url: "https://x.example.com/",
        restart_done_at: since as string,
      }),
    );
    expect(done.plan.planned).toMatchObject({
      restart_required: false,
      restart_pending_since: null,
      restart_pending_reason: null,
    });
    expect(done.applied.state?.restart_required).toBe(false);
    // An acknowledgement sends nothing to CPQ.
    expect(cpq.posts).toHaveLength(2);
  });

  it("leaves restart_required unknown in a plan that only changes a write-only password while a restart is pending, so the change shows", async () => {
    const cpq = fakeCpq(SITE);
    const ctx: SsoContext = { client: cpq.client };
    const first = await planAndApply(ctx, null, config({ saml_store_pass_wo: "p0" }));
    expect(first.applied.state?.restart_required).toBe(true);
    const cfg = config({ saml_store_pass_wo: "p1" });
    const plan = await ssoConfigurationResource.plan({
      ctx,
      prior: first.applied.state!,
      proposed: { ...first.applied.state!, ...cfg },
      config: cfg,
      priorPrivate: first.applied.private ?? {},
    });
    expect(plan.planned.restart_required).toBe(UNKNOWN);
  });

  it("is found on a refresh when a setting CPQ restarts for changed without a recorded answer", async () => {
    const cpq = fakeCpq(SITE);
    const { ctx, state } = await managed(cpq);
    cpq.set({ samlLogoutUrl: "https://elsewhere.example.com/" });
    const urlOnly = await ssoConfigurationResource.read({ ctx, current: state, private: {} });
    expect(urlOnly.state?.restart_required).toBe(false);

    cpq.set({ idProviderCertificate: "cert-killed-apply" });
    const read = await ssoConfigurationResource.read({ ctx, current: state, private: {} });
    expect(read.state).toMatchObject({
      id_provider_certificate: "cert-killed-apply",
      restart_required: true,
      restart_pending_reason:
        "a setting that needs a restart changed without a recorded answer (id_provider_certificate): an interrupted apply or a change outside Terraform",
    });
    // A refresh after it keeps the first time.
    const again = await ssoConfigurationResource.read({ ctx, current: read.state!, private: {} });
    expect(again.state?.restart_pending_since).toBe(read.state?.restart_pending_since);
  });

  it("refuses a restart_done_at that is not an RFC 3339 time, and warns of one in the future", async () => {
    const cpq = fakeCpq(SITE);
    const { ctx, state } = await managed(cpq);
    const plan = (v: string) =>
      ssoConfigurationResource.plan({
        ctx,
        prior: state,
        proposed: { ...state, restart_done_at: v },
        config: config({ restart_done_at: v }),
        priorPrivate: {},
      });
    const bad = await plan("7 Dec 2026");
    expect(bad.diagnostics?.[0]).toMatchObject({ severity: "error", path: ["restart_done_at"] });
    const future = await plan("2999-01-01T00:00:00Z");
    expect(future.diagnostics?.[0]).toMatchObject({
      severity: "warning",
      path: ["restart_done_at"],
    });
  });
});
