/**
 * `cpq_oauth_provider`'s plan, apply, read, import and destroy against an in-memory Integration
 * Center whose PATCH replaces `properties.items` (the reading the resource assumes when Oracle is
 * silent), so an update that sent only the managed properties would lose the others.
 */
import type { IntegrationVendorRequestWire, IntegrationVendorWire } from "../../provider/client";
import fc from "fast-check";
import { emptyObject } from "../../provider/contract/attributes";
import type { ObjectValue } from "../../provider/contract/types";
import { UNKNOWN } from "../../provider/contract/types";
import {
  OAUTH_PROVIDER_ATTRIBUTES,
  oauthProviderResource,
  parseOAuthProviderImportId,
  validateOAuthProvider,
} from "../../provider/resources/oauth-provider";
import type { OAuthProviderContext } from "../../provider/resources/oauth-provider";

/** An Integration Center in memory; `calls` records every request as `METHOD what`. */
class FakeIntegrationCenter {
  readonly vendors = new Map<number, IntegrationVendorWire>();
  readonly calls: string[] = [];
  partnersChanged = 0;
  private next = 100;

  add(v: Omit<IntegrationVendorWire, "id">): IntegrationVendorWire {
    const id = this.next++;
    const made = { ...v, id } as IntegrationVendorWire;
    this.vendors.set(id, made);
    return made;
  }

  ctx(): OAuthProviderContext {
    return {
      client: {
        findIntegrationVendors: (f) => {
          this.calls.push(`GET ?${JSON.stringify(f)}`);
          return Promise.resolve(
            [...this.vendors.values()].filter(
              (v) =>
                (f.vendorName === undefined || v.vendorName === f.vendorName) &&
                (f.integrationType === undefined || v.integrationType === f.integrationType),
            ),
          );
        },
        getIntegrationVendor: (id) => {
          this.calls.push(`GET ${id}`);
          return Promise.resolve(this.vendors.get(Number(id)) ?? null);
        },
        createIntegrationVendor: (body: IntegrationVendorRequestWire) => {
          this.calls.push("POST");
          return Promise.resolve(
            this.add({ integrationType: body.integrationType ?? "", ...body } as never),
          );
        },
        patchIntegrationVendor: (id, body) => {
          this.calls.push(`PATCH ${id} ${JSON.stringify(body)}`);
          const before = this.vendors.get(Number(id))!;
          // Replace: the list sent is the whole list.
          const after = { ...before, ...body } as IntegrationVendorWire;
          this.vendors.set(Number(id), after);
          return Promise.resolve(after);
        },
        deleteIntegrationVendor: (id) => {
          this.calls.push(`DELETE ${id}`);
          this.vendors.delete(Number(id));
          return Promise.resolve();
        },
      },
      directory: { partnersChanged: () => void this.partnersChanged++ },
    };
  }
}

const CONFIG = {
  vendor_name: "IDCS",
  login_endpoint: "https://idcs-1234.identity.oraclecloud.com",
  client_id: "a1",
  token_endpoint: "/oauth2/v1/token",
};

function config(values: Record<string, unknown>): ObjectValue {
  return { ...emptyObject(OAUTH_PROVIDER_ATTRIBUTES), ...values } as ObjectValue;
}

async function planAndApply(
  site: FakeIntegrationCenter,
  prior: ObjectValue | null,
  values: Record<string, unknown>,
) {
  const cfg = config(values);
  const proposed = prior === null ? cfg : { ...prior, ...values };
  const planned = await oauthProviderResource.plan({
    ctx: site.ctx(),
    prior,
    proposed: proposed as ObjectValue,
    config: cfg,
    priorPrivate: {},
  });
  const applied = await oauthProviderResource.apply({
    ctx: site.ctx(),
    prior,
    planned: planned.planned as ObjectValue,
    config: cfg,
    plannedPrivate: {},
  });
  return { planned, applied };
}

const props = (v: IntegrationVendorWire | undefined) =>
  Object.fromEntries((v?.properties?.items ?? []).map((p) => [p.name, p.value]));

describe("cpq_oauth_provider lifecycle", () => {
  it("creates an oAuthProvider with the managed properties, plans its id and tab unknown, and tells the logins the tabs changed", async () => {
    const site = new FakeIntegrationCenter();
    const { planned, applied } = await planAndApply(site, null, CONFIG);
    expect(planned.planned.id).toBe(UNKNOWN);
    expect(planned.planned.tab).toBe(UNKNOWN);
    expect(planned.planned.replaced_live_values).toEqual({});
    const [made] = [...site.vendors.values()];
    expect(made).toMatchObject({
      integrationType: "oAuthProvider",
      vendorName: "IDCS",
      loginEndpoint: CONFIG.login_endpoint,
    });
    expect(props(made)).toEqual({ clientId: "a1", tokenEP: "/oauth2/v1/token" });
    expect(applied.state).toMatchObject({ id: String(made!.id), tab: "idp", scope: null });
    expect(site.partnersChanged).toBe(1);
  });

  it("updates with one PATCH that sends the whole property list, so properties set by hand survive a PATCH that replaces the list", async () => {
    const site = new FakeIntegrationCenter();
    const created = await planAndApply(site, null, CONFIG);
    const id = Number(created.applied.state!.id);
    const v = site.vendors.get(id)!;
    site.vendors.set(id, {
      ...v,
      properties: { items: [...(v.properties?.items ?? []), { name: "handSet", value: "x" }] },
    });
    site.calls.length = 0;
    await planAndApply(site, created.applied.state!, { ...CONFIG, token_endpoint: "/v2/token" });
    expect(site.calls.filter((c) => c.startsWith("PATCH"))).toHaveLength(1);
    expect(site.calls.filter((c) => c.startsWith("POST"))).toHaveLength(0);
    expect(props(site.vendors.get(id))).toEqual({
      clientId: "a1",
      tokenEP: "/v2/token",
      handSet: "x",
    });
  });

  it("sends no PATCH when CPQ already holds the planned values", async () => {
    const site = new FakeIntegrationCenter();
    const created = await planAndApply(site, null, CONFIG);
    site.calls.length = 0;
    await planAndApply(site, created.applied.state!, CONFIG);
    expect(site.calls.some((c) => c.startsWith("PATCH"))).toBe(false);
  });

  it("takes over an OAuth provider of the same name on create, recording and warning what it replaces", async () => {
    const site = new FakeIntegrationCenter();
    const live = site.add({
      integrationType: "oAuthProvider",
      vendorName: "IDCS",
      loginEndpoint: CONFIG.login_endpoint,
      properties: {
        items: [
          { name: "clientId", value: "old" },
          { name: "other", value: "y" },
        ],
      },
    });
    const { planned, applied } = await planAndApply(site, null, CONFIG);
    expect(planned.planned.id).toBe(String(live.id));
    expect(planned.planned.replaced_live_values).toEqual({ client_id: "old" });
    expect(planned.diagnostics?.[0]?.summary).toContain("This create replaces live settings");
    expect(site.calls.some((c) => c === "POST")).toBe(false);
    expect(props(site.vendors.get(live.id as number))).toEqual({
      clientId: "a1",
      other: "y",
      tokenEP: "/oauth2/v1/token",
    });
    expect(applied.state?.replaced_live_values).toEqual({ client_id: "old" });
  });

  it("refuses at plan a vendor name CPQ holds for another kind of integration, naming vendor_name", async () => {
    const site = new FakeIntegrationCenter();
    site.add({ integrationType: "crm", vendorName: "IDCS" });
    const { diagnostics } = await oauthProviderResource.plan({
      ctx: site.ctx(),
      prior: null,
      proposed: config(CONFIG),
      config: config(CONFIG),
      priorPrivate: {},
    });
    expect(diagnostics?.[0]).toMatchObject({ severity: "error", path: ["vendor_name"] });
  });

  it("reads an integration deleted outside Terraform as gone, so the next plan creates it again", async () => {
    const site = new FakeIntegrationCenter();
    const created = await planAndApply(site, null, CONFIG);
    site.vendors.clear();
    const read = await oauthProviderResource.read({
      ctx: site.ctx(),
      current: created.applied.state!,
      private: {},
    });
    expect(read.state).toBeNull();
  });

  it("imports by id and by vendor name, replacing nothing, and refuses another kind of integration", async () => {
    const site = new FakeIntegrationCenter();
    const v = site.add({
      integrationType: "oAuthProvider",
      vendorName: "By Hand",
      loginEndpoint: CONFIG.login_endpoint,
      properties: { items: [{ name: "retrieveCertificate", value: "true" }] },
    });
    const crm = site.add({ integrationType: "crm", vendorName: "Sales" });
    for (const id of [String(v.id), `id:${v.id}`, "By Hand", "vendor_name:By Hand"]) {
      const r = await oauthProviderResource.importState(site.ctx(), id);
      expect(r.state).toMatchObject({
        id: String(v.id),
        vendor_name: "By Hand",
        retrieve_certificate: true,
        replaced_live_values: {},
      });
    }
    const refused = await oauthProviderResource.importState(site.ctx(), String(crm.id));
    expect(refused.diagnostics?.[0]?.summary).toContain("is not an OAuth provider");
    const missing = await oauthProviderResource.importState(site.ctx(), "Nobody");
    expect(missing.diagnostics?.[0]?.detail).toContain("Import by the integration's id");
  });

  it("deletes the integration on destroy and tells the logins the tabs changed", async () => {
    const site = new FakeIntegrationCenter();
    const created = await planAndApply(site, null, CONFIG);
    await oauthProviderResource.destroy({
      ctx: site.ctx(),
      prior: created.applied.state!,
      plannedPrivate: {},
    });
    expect(site.vendors.size).toBe(0);
    expect(site.partnersChanged).toBe(2);
  });
});

describe("cpq_oauth_provider identity and listing", () => {
  it("reads an identity's id as an id only: one that is not an integer is refused, never taken for a vendor name", async () => {
    const site = new FakeIntegrationCenter();
    const v = site.add({ integrationType: "oAuthProvider", vendorName: "IDCS" });
    site.add({ integrationType: "oAuthProvider", vendorName: "abc" });
    const byId = await oauthProviderResource.importState(
      site.ctx(),
      oauthProviderResource.identity.toImportId({ id: String(v.id) }),
    );
    expect(byId.state).toMatchObject({ id: String(v.id), vendor_name: "IDCS" });
    const notAnId = await oauthProviderResource.importState(
      site.ctx(),
      oauthProviderResource.identity.toImportId({ id: "abc" }),
    );
    expect(notAnId.state).toBeNull();
    expect(notAnId.diagnostics?.[0]?.detail).toContain('"abc" is not an integer id.');
  });

  it("lists only OAuth providers, as an import of each gives it, and hands on no more than the limit", async () => {
    const site = new FakeIntegrationCenter();
    const a = site.add({ integrationType: "oAuthProvider", vendorName: "A" });
    site.add({ integrationType: "crm", vendorName: "Sales" });
    const b = site.add({ integrationType: "oAuthProvider", vendorName: "B" });
    const listed = async (filters: Record<string, unknown>, limit: number) => {
      const out = [];
      const cfg = { vendor_name: null, ...filters } as ObjectValue;
      for await (const o of oauthProviderResource.list.list({
        ctx: site.ctx(),
        config: cfg,
        limit,
      }))
        out.push(o);
      return out;
    };
    const all = await listed({}, 100);
    expect(all.map((o) => o.state.id)).toEqual([String(a.id), String(b.id)]);
    expect(all[1]!.state).toEqual(
      (await oauthProviderResource.importState(site.ctx(), `${b.id}`)).state,
    );
    expect((await listed({}, 1)).map((o) => o.state.id)).toEqual([String(a.id)]);
    site.calls.length = 0;
    expect((await listed({ vendor_name: "B" }, 100)).map((o) => o.displayName)).toEqual([
      `B (id ${b.id})`,
    ]);
    expect(site.calls).toEqual(['GET ?{"integrationType":"oAuthProvider","vendorName":"B"}']);
  });

  it("generates configuration without a setting the plan would refuse, warning about it, and with every valid one", () => {
    const state = config({
      id: "7",
      vendor_name: "By Hand",
      login_endpoint: CONFIG.login_endpoint,
      issuer: "http://issuer.example.com/",
      token_endpoint: "/oauth2/v1/token",
      certificate: "not a certificate",
    });
    const out = oauthProviderResource.generateConfig(state, { ...state, id: null });
    expect(out.config).toMatchObject({
      vendor_name: "By Hand",
      login_endpoint: CONFIG.login_endpoint,
      token_endpoint: "/oauth2/v1/token",
      issuer: null,
      certificate: null,
    });
    expect(out.diagnostics?.map((d) => [d.severity, d.path?.[0]])).toEqual([
      ["warning", "issuer"],
      ["warning", "certificate"],
    ]);
    expect(validateOAuthProvider(out.config).filter((d) => d.severity === "error")).toEqual([]);
  });
});

describe("parseOAuthProviderImportId", () => {
  it.each([
    ["3022910233", { id: "3022910233" }],
    ["id:42", { id: "42" }],
    ["IDCS", { vendorName: "IDCS" }],
    ["vendor_name:42", { vendorName: "42" }],
  ])("reads %s", (text, want) => {
    expect(parseOAuthProviderImportId(text)).toEqual(want);
  });

  it.each(["", "id:x", "vendor_name: "])("refuses %j", (text) => {
    expect(parseOAuthProviderImportId(text)).toHaveProperty("error");
  });
});

describe("validateOAuthProvider", () => {
  const errors = (c: Record<string, unknown>) =>
    validateOAuthProvider({ ...CONFIG, ...c }).filter((d) => d.severity === "error");

  it.each([
    ["login_endpoint", "http://idcs.example.com"],
    ["issuer", "ftp://idcs.example.com"],
    ["token_endpoint", "oauth2/v1/token"],
    ["resource_endpoint", "http://idcs.example.com/jwk"],
  ])("refuses %s = %j naming the attribute and an example", (name, value) => {
    const [e] = errors({ [name]: value });
    expect(e?.path).toEqual([name]);
    expect(e?.detail).toContain("Example:");
  });

  it("accepts a loopback http endpoint and endpoints as paths", () => {
    expect(
      errors({
        login_endpoint: "http://127.0.0.1:8080",
        token_endpoint: "/oauth2/v1/token",
        resource_endpoint: "/admin/v1/SigningCert/jwk",
      }),
    ).toEqual([]);
  });

  it("refuses a certificate that does not parse, naming certificate", () => {
    expect(errors({ certificate: "nope" })[0]?.path).toEqual(["certificate"]);
  });
});

describe("validateOAuthProvider under generated input", () => {
  const settable = OAUTH_PROVIDER_ATTRIBUTES.filter((a) => a.kind !== "computed");
  const params = { numRuns: 300, seed: 20261207 };

  it("refuses a value of the wrong type in any settable attribute, naming it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...settable),
        fc.oneof(fc.integer(), fc.array(fc.string(), { maxLength: 2 }), fc.string(), fc.boolean()),
        (a, v) => {
          const wrong =
            (a.type === "string" && typeof v !== "string") ||
            (a.type === "bool" && typeof v !== "boolean");
          fc.pre(wrong);
          const errors = validateOAuthProvider({ ...CONFIG, [a.name]: v }).filter(
            (d) => d.severity === "error",
          );
          expect(errors.some((d) => d.path?.[0] === a.name)).toBe(true);
        },
      ),
      params,
    );
  });

  it("refuses a plain-http URL to a host outside loopback in every URL attribute, and never throws on arbitrary text", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("login_endpoint", "issuer", "token_endpoint", "resource_endpoint"),
        fc.domain().filter((h) => !h.startsWith("localhost")),
        fc.string({ maxLength: 60 }),
        (name, host, text) => {
          const errors = validateOAuthProvider({ ...CONFIG, [name]: `http://${host}/x` });
          expect(errors.some((d) => d.severity === "error" && d.path?.[0] === name)).toBe(true);
          expect(() => validateOAuthProvider({ ...CONFIG, [name]: text })).not.toThrow();
        },
      ),
      params,
    );
  });
});
