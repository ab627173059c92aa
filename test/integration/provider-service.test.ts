/**
 * ProviderService's handlers called directly, as the gRPC server calls them: no gRPC transport,
 * no terraform. Requests and responses go through the protobuf codec, and every DynamicValue is
 * msgpack as Terraform writes it (go-cty: an object with every schema attribute present, null
 * when unset, an unknown as extension type 0), encoded and decoded here with @msgpack/msgpack on
 * its own, not with the provider's value module. The provider talks to the in-process simulator.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import fc from "fast-check";
import { cpqProvider } from "../../provider/provider";
import type { CpqContext } from "../../provider/provider";
import type { Attribute, ProviderDefinition } from "../../provider/contract/types";
import { tfplugin6 } from "../../provider/plugin/codec";
import { UNK, mp, unmp, wire } from "../support/cty-msgpack";
import { createLogger } from "../../provider/plugin/log";
import { ProviderService } from "../../provider/plugin/provider-service";
import { startSimulator } from "../../simulator";
import type { RunningSimulator } from "../../simulator";
import { SimAdmin, sha256 } from "../../tooling/sim-admin";
import { siteAdministrator } from "../../tooling/terraform-env";

// ---- msgpack as go-cty writes it ---------------------------------------------------------------

/** An object of a schema as Terraform sends it: every attribute present, null unless given. */
function object(attributes: readonly string[], values: Record<string, unknown>) {
  return { ...Object.fromEntries(attributes.map((n) => [n, null])), ...values };
}

const SEVERITY = tfplugin6.Diagnostic.Severity;
const text = (b: Uint8Array | null | undefined): string => Buffer.from(b ?? []).toString("utf8");

// ---- the provider, the site ---------------------------------------------------------------------

const PEM = readFileSync(join(__dirname, "..", "fixtures", "idp-cert.pem"), "utf8");
const STORE_PASS = "canary-store-pass-provider-service";
const CPQ_ENV = Object.keys(process.env).filter((k) => k.startsWith("CPQ_"));

let sim: RunningSimulator;
let admin: SimAdmin;
const saved: Record<string, string | undefined> = {};
/** The names of each schema, read from GetProviderSchema as Terraform reads them. */
let names: { provider: string[]; sso: string[] };
/** The computed attributes (computed, or optional and computed) of each schema. */
let computed: { sso: Set<string> };

/**
 * The cpq provider with a bug the service must absorb: its SSO resource hands the write-only
 * password back in the planned and the new state.
 */
const leaky: ProviderDefinition<CpqContext> = {
  ...cpqProvider,
  resources: () =>
    cpqProvider.resources().map((r) =>
      r.typeName !== "cpq_sso_configuration"
        ? r
        : {
            ...r,
            plan: async (req) => {
              const res = await r.plan(req);
              const wo = req.config.saml_store_pass_wo ?? null;
              return { ...res, planned: { ...res.planned, saml_store_pass_wo: wo } };
            },
            apply: async (req) => {
              const res = await r.apply(req);
              const wo = req.config?.saml_store_pass_wo ?? null;
              return { ...res, state: res.state && { ...res.state, saml_store_pass_wo: wo } };
            },
          },
    ),
};

const logs: string[] = [];
const newService = (def: ProviderDefinition<CpqContext> = cpqProvider): ProviderService =>
  new ProviderService(def, { logger: createLogger("test", (l) => logs.push(l)) });

beforeAll(async () => {
  // The provider falls back to CPQ_* variables; none of the runner's may leak into these tests.
  for (const k of CPQ_ENV) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  sim = await startSimulator({ port: 0 });
  admin = SimAdmin.of(sim);
  const schema = await newService().GetProviderSchema();
  const attrs = (s: tfplugin6.ISchema | null | undefined): string[] =>
    (s?.block?.attributes ?? []).map((a) => a.name ?? "");
  names = {
    provider: attrs(schema.provider),
    sso: attrs(schema.resourceSchemas?.cpq_sso_configuration),
  };
  computed = {
    sso: new Set(
      (schema.resourceSchemas?.cpq_sso_configuration?.block?.attributes ?? [])
        .filter((a) => a.computed)
        .map((a) => a.name ?? ""),
    ),
  };
});

afterAll(async () => {
  await sim.close();
  for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
});

beforeEach(() => admin.reset());

/** A service configured against the simulator with Basic credentials. */
async function configured(def?: ProviderDefinition<CpqContext>): Promise<ProviderService> {
  const svc = newService(def);
  const basic = siteAdministrator(sim);
  const res = wire(
    tfplugin6.ConfigureProvider.Response,
    await svc.ConfigureProvider(
      wire(tfplugin6.ConfigureProvider.Request, {
        terraformVersion: "1.11.0",
        config: mp(
          object(names.provider, {
            base_url: sim.url,
            username: basic.username,
            password: basic.password,
          }),
        ),
        clientCapabilities: { writeOnlyAttributesAllowed: true },
      }),
    ),
  );
  expect(res.diagnostics).toEqual([]);
  return svc;
}

const sso = (values: Record<string, unknown>) => object(names.sso, values);

/** The configuration the lifecycle tests plan: federated SSO, a write-only keystore password. */
const CONFIG = {
  sso_method: "Federated Authentication",
  saml_idp_url: "https://idp.example.com/sso",
  id_provider_certificate: PEM,
  saml_store_pass_wo: STORE_PASS,
};

async function plan(
  svc: ProviderService,
  prior: unknown,
  config: Record<string, unknown>,
  priorPrivate: Uint8Array = new Uint8Array(0),
) {
  // Terraform's proposed new state: the configuration, with the prior's computed values (none on
  // a create) where the configuration has null.
  const proposed = prior === null ? config : mergeComputed(prior, config);
  return wire(
    tfplugin6.PlanResourceChange.Response,
    await svc.PlanResourceChange(
      wire(tfplugin6.PlanResourceChange.Request, {
        typeName: "cpq_sso_configuration",
        priorState: mp(prior),
        proposedNewState: mp(proposed),
        config: mp(config),
        priorPrivate,
        clientCapabilities: { writeOnlyAttributesAllowed: true },
      }),
    ),
  );
}

/** Terraform's ProposedNew: a computed attribute the configuration leaves null keeps the prior value. */
function mergeComputed(prior: unknown, config: Record<string, unknown>): Record<string, unknown> {
  const p = prior as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(config).map(([n, v]) => [n, v === null && computed.sso.has(n) ? p[n] : v]),
  );
}

async function apply(
  svc: ProviderService,
  prior: unknown,
  planned: tfplugin6.IDynamicValue | null | undefined,
  config: Record<string, unknown>,
  plannedPrivate: Uint8Array,
) {
  return wire(
    tfplugin6.ApplyResourceChange.Response,
    await svc.ApplyResourceChange(
      wire(tfplugin6.ApplyResourceChange.Request, {
        typeName: "cpq_sso_configuration",
        priorState: mp(prior),
        plannedState: planned ?? null,
        config: mp(config),
        plannedPrivate,
      }),
    ),
  );
}

const errors = (ds: readonly tfplugin6.IDiagnostic[] | null | undefined) =>
  (ds ?? []).filter((d) => d.severity === SEVERITY.ERROR);
const pathOf = (d: tfplugin6.IDiagnostic): string[] =>
  (d.attribute?.steps ?? []).map((s) => s.attributeName ?? "?");

// ---- the tests ----------------------------------------------------------------------------------

describe("ProviderService, called as Terraform calls it", () => {
  it("answers GetProviderSchema with every resource, the data sources, and the attributes' flags", async () => {
    const res = wire(tfplugin6.GetProviderSchema.Response, await newService().GetProviderSchema());
    expect(res.diagnostics).toEqual([]);
    expect(Object.keys(res.resourceSchemas).sort()).toEqual([
      "cpq_sso_configuration",
      "cpq_user_integration_login",
      "cpq_user_integration_logins",
      "cpq_user_sso",
    ]);
    expect(Object.keys(res.dataSourceSchemas)).toEqual([
      "cpq_users",
      "cpq_service_provider_metadata",
    ]);
    expect(res.serverCapabilities).toMatchObject({
      planDestroy: false,
      getProviderSchemaOptional: true,
    });
    const attrs = res.resourceSchemas.cpq_sso_configuration!.block!.attributes!;
    const attr = (n: string) => attrs.find((a) => a.name === n)!;
    expect(attr("saml_store_pass_wo")).toMatchObject({ writeOnly: true, sensitive: true });
    expect(attr("saml_store_pass")).toMatchObject({ writeOnly: false, sensitive: true });
    expect(attr("id")).toMatchObject({ computed: true, optional: false, required: false });
    expect(JSON.parse(text(attr("sso_method").type))).toBe("string");
    expect(JSON.parse(text(attr("saml_store_pass_wo_version").type))).toBe("number");
    const provider = res.provider!.block!.attributes!;
    expect(provider.find((a) => a.name === "password")).toMatchObject({ sensitive: true });
  });

  it("refuses a value outside the enum in ValidateResourceConfig, pointing at the attribute", async () => {
    const res = wire(
      tfplugin6.ValidateResourceConfig.Response,
      await newService().ValidateResourceConfig(
        wire(tfplugin6.ValidateResourceConfig.Request, {
          typeName: "cpq_sso_configuration",
          config: mp(sso({ sso_method: "Federated" })),
          clientCapabilities: { writeOnlyAttributesAllowed: true },
        }),
      ),
    );
    expect(res.diagnostics).toHaveLength(1);
    const [d] = res.diagnostics;
    expect(d!.severity).toBe(SEVERITY.ERROR);
    expect(pathOf(d!)).toEqual(["sso_method"]);
    expect(d!.summary).toContain("sso_method");
    expect(d!.detail).toContain('"Federated Authentication"');
  });

  it("accepts an unknown value in ValidateResourceConfig, and refuses a write-only attribute for a Terraform without them", async () => {
    const validate = async (config: Record<string, unknown>, wo: boolean) =>
      wire(
        tfplugin6.ValidateResourceConfig.Response,
        await newService().ValidateResourceConfig(
          wire(tfplugin6.ValidateResourceConfig.Request, {
            typeName: "cpq_sso_configuration",
            config: mp(sso(config)),
            clientCapabilities: { writeOnlyAttributesAllowed: wo },
          }),
        ),
      ).diagnostics;
    expect(errors(await validate({ ...CONFIG, saml_idp_url: UNK }, true))).toEqual([]);
    const refused = errors(await validate(CONFIG, false));
    expect(refused.map(pathOf)).toEqual([["saml_store_pass_wo"]]);
    expect(JSON.stringify(refused)).not.toContain(STORE_PASS);
  });

  it("configures from the provider block, and says which credential is missing without one", async () => {
    await configured();
    const res = wire(
      tfplugin6.ConfigureProvider.Response,
      await newService().ConfigureProvider(
        wire(tfplugin6.ConfigureProvider.Request, {
          config: mp(object(names.provider, { base_url: sim.url })),
        }),
      ),
    );
    expect(errors(res.diagnostics)).toHaveLength(1);
    expect(res.diagnostics[0]!.summary).toBe("No CPQ credentials are configured");
    expect(pathOf(res.diagnostics[0]!)).toEqual(["username"]);
  });

  it("refuses to plan before ConfigureProvider with an error diagnostic, not a crash", async () => {
    const res = await plan(newService(), null, sso(CONFIG));
    expect(errors(res.diagnostics)).toHaveLength(1);
    expect(res.diagnostics[0]!.detail).toContain("used before it was configured");
  });

  it("plans a create with the configuration's unknowns kept, what only apply learns unknown, and the write-only password null", async () => {
    const svc = await configured();
    const res = await plan(svc, null, sso({ ...CONFIG, saml_logout_url: UNK }));
    expect(errors(res.diagnostics)).toEqual([]);
    const planned = unmp(res.plannedState) as Record<string, unknown>;
    expect(Object.keys(planned).sort()).toEqual([...names.sso].sort());
    const x = new X509Certificate(PEM);
    expect(planned).toMatchObject({
      id: "sso",
      sso_method: "Federated Authentication",
      saml_idp_url: "https://idp.example.com/sso",
      saml_logout_url: UNK,
      // Unset settings are whatever the site has: read at apply.
      saml_issuer_url: UNK,
      restart_required: UNK,
      certificate_sha256_fingerprint: x.fingerprint256,
      saml_store_pass_wo: null,
    });
    expect(Buffer.from(res.plannedState!.msgpack!).includes(STORE_PASS)).toBe(false);
  });

  it("applies the plan: CPQ gets the settings and the password, the new state is known and holds no password", async () => {
    const svc = await configured();
    const config = sso({ ...CONFIG, saml_logout_url: "https://idp.example.com/logout" });
    const planned = await plan(svc, null, config);
    const res = await apply(svc, null, planned.plannedState, config, planned.plannedPrivate);
    expect(errors(res.diagnostics)).toEqual([]);
    const state = unmp(res.newState) as Record<string, unknown>;
    expect(Object.values(state)).not.toContain(UNK);
    expect(state).toMatchObject({
      id: "sso",
      sso_method: "Federated Authentication",
      saml_logout_url: "https://idp.example.com/logout",
      saml_issuer_url: "",
      restart_required: true,
      saml_store_pass_wo: null,
    });
    expect(res.diagnostics.map((d) => d.summary)).toContain(
      "CPQ requires a server restart for the new SSO settings to take effect",
    );
    const site = (await admin.state()).sso;
    expect(site).toMatchObject({
      ssoMethod: "Federated Authentication",
      samlLogoutUrl: "https://idp.example.com/logout",
      samlStorePass: { set: true, sha256: sha256(STORE_PASS) },
    });
    // Neither the state nor the private state Terraform stores beside it holds the password.
    expect(Buffer.from(res.newState!.msgpack!).includes(STORE_PASS)).toBe(false);
    expect(text(res["private"])).toMatch(/^\{"saml_store_pass_wo":"scrypt1\$/);
    expect(text(res["private"])).not.toContain(STORE_PASS);
  });

  it("writes a write-only attribute null in the planned and the new state even when the resource hands its value back", async () => {
    const svc = await configured(leaky);
    const config = sso(CONFIG);
    const planned = await plan(svc, null, config);
    expect(errors(planned.diagnostics)).toEqual([]);
    expect(unmp(planned.plannedState)).toMatchObject({ saml_store_pass_wo: null });
    expect(Buffer.from(planned.plannedState!.msgpack!).includes(STORE_PASS)).toBe(false);
    const res = await apply(svc, null, planned.plannedState, config, planned.plannedPrivate);
    expect(errors(res.diagnostics)).toEqual([]);
    expect(unmp(res.newState)).toMatchObject({ sso_method: "Federated Authentication" });
    expect(unmp(res.newState)).toMatchObject({ saml_store_pass_wo: null });
    expect(Buffer.from(res.newState!.msgpack!).includes(STORE_PASS)).toBe(false);
  });

  it("plans no change from the state it applied, and a write-only change from its hash alone", async () => {
    const svc = await configured();
    const config = sso(CONFIG);
    const first = await plan(svc, null, config);
    const applied = await apply(svc, null, first.plannedState, config, first.plannedPrivate);
    const prior = unmp(applied.newState);

    const same = await plan(svc, prior, config, applied["private"]);
    expect(same.diagnostics).toEqual([]);
    expect(unmp(same.plannedState)).toEqual(prior);

    const changed = await plan(
      svc,
      prior,
      sso({ ...CONFIG, saml_store_pass_wo: "another-store-pass" }),
      applied["private"],
    );
    expect(changed.diagnostics.map((d) => [d.summary, pathOf(d)])).toContainEqual([
      '"saml_store_pass_wo" changed and will be sent to CPQ',
      ["saml_store_pass_wo"],
    ]);
    expect(unmp(changed.plannedState)).toMatchObject({
      restart_required: UNK,
      saml_store_pass_wo: null,
    });
  });

  it("reads CPQ's live settings in ReadResource, keeping the private state, a write-only value null", async () => {
    const svc = await configured();
    const config = sso(CONFIG);
    const first = await plan(svc, null, config);
    const applied = await apply(svc, null, first.plannedState, config, first.plannedPrivate);
    // Someone changes a setting in CPQ's admin pages.
    await admin.postSso({ samlIdpUrl: "https://idp.example.com/other" });
    // A state holding a write-only value (which Terraform never stores) reads back without it.
    const current = { ...(unmp(applied.newState) as object), saml_store_pass_wo: "stale" };
    const res = wire(
      tfplugin6.ReadResource.Response,
      await svc.ReadResource(
        wire(tfplugin6.ReadResource.Request, {
          typeName: "cpq_sso_configuration",
          currentState: mp(current),
          private: applied["private"],
        }),
      ),
    );
    expect(res.diagnostics).toEqual([]);
    expect(unmp(res.newState)).toEqual({
      ...(unmp(applied.newState) as object),
      saml_idp_url: "https://idp.example.com/other",
      saml_store_pass_wo: null,
    });
    expect(text(res["private"])).toBe(text(applied["private"]));
  });

  it('imports the site\'s configuration with the id "sso", and refuses any other id', async () => {
    const svc = await configured();
    const imp = async (id: string) =>
      wire(
        tfplugin6.ImportResourceState.Response,
        await svc.ImportResourceState(
          wire(tfplugin6.ImportResourceState.Request, { typeName: "cpq_sso_configuration", id }),
        ),
      );
    const res = await imp("sso");
    expect(res.diagnostics).toEqual([]);
    expect(res.importedResources).toHaveLength(1);
    const [imported] = res.importedResources;
    expect(imported!.typeName).toBe("cpq_sso_configuration");
    const state = unmp(imported!.state) as Record<string, unknown>;
    expect(Object.keys(state).sort()).toEqual([...names.sso].sort());
    expect(state).toMatchObject({
      id: "sso",
      sso_method: "None",
      restart_required: false,
      saml_store_pass_wo: null,
      saml_store_pass: null,
    });
    expect(imported!["private"]).toHaveLength(0);

    const other = await imp("site-1");
    expect(other.importedResources).toEqual([]);
    expect(errors(other.diagnostics).map((d) => d.summary)).toEqual(['Unknown import id "site-1"']);
  });

  it("plans a destroy as null without asking CPQ, carrying the private state over", async () => {
    const svc = await configured();
    await admin.clearRequests();
    const priv = Buffer.from('{"saml_store_pass_wo":"scrypt1$AAAA$BBBB"}');
    const res = wire(
      tfplugin6.PlanResourceChange.Response,
      await svc.PlanResourceChange(
        wire(tfplugin6.PlanResourceChange.Request, {
          typeName: "cpq_sso_configuration",
          priorState: mp(sso({ ...CONFIG, id: "sso", saml_store_pass_wo: null })),
          proposedNewState: mp(null),
          config: mp(null),
          priorPrivate: priv,
        }),
      ),
    );
    expect(res.diagnostics).toEqual([]);
    expect(unmp(res.plannedState)).toBeNull();
    expect(text(res.plannedPrivate)).toBe(priv.toString());
    expect(await admin.requests()).toEqual([]);
  });

  it("answers a wholly unknown proposed state with an error diagnostic", async () => {
    const svc = await configured();
    const res = wire(
      tfplugin6.PlanResourceChange.Response,
      await svc.PlanResourceChange(
        wire(tfplugin6.PlanResourceChange.Request, {
          typeName: "cpq_sso_configuration",
          priorState: mp(null),
          proposedNewState: mp(UNK),
          config: mp(sso(CONFIG)),
        }),
      ),
    );
    expect(errors(res.diagnostics).map((d) => d.detail)).toEqual([
      "The proposed state is wholly unknown.",
    ]);
  });
});

describe("every resource's own plan keeps Terraform's plan rules, against the simulator", () => {
  const SEED = Number(process.env.FC_SEED ?? 250_125);
  /**
   * Known values a configuration may give, among what the simulator's site holds (and a few it
   * does not), so that plans get past the lookups; any other string attribute takes "x".
   */
  const KNOWN: Readonly<Record<string, readonly unknown[]>> = {
    party_number: ["1001", "1002", "9999"],
    user_login: ["jdoe", "asmith", "nobody"],
    tab: ["idp", "erp", "crm"],
    login: ["jdoe@idcs.example.com"],
    logins: [{ jdoe: "jdoe@idcs.example.com" }, { asmith: UNK }, {}],
    sso_method: ["Federated Authentication", "None"],
    saml_idp_url: ["https://idp.example.com/sso"],
    id_provider_certificate: [PEM],
  };
  const known = (a: Attribute): fc.Arbitrary<unknown> => {
    const pool = KNOWN[a.name];
    if (pool) return fc.constantFrom(...pool);
    if (a.enum) return fc.constantFrom(...a.enum);
    if (a.type === "bool") return fc.boolean();
    if (a.type === "number") return fc.constantFrom(1, 2);
    return fc.constant("x");
  };
  const valueOf = (a: Attribute): fc.Arbitrary<unknown> =>
    a.kind === "computed"
      ? fc.constant(null)
      : fc.oneof(fc.constant(null), fc.constant(UNK), known(a));
  const same = (x: unknown, y: unknown): boolean => JSON.stringify([x]) === JSON.stringify([y]);
  /** The attributes whose planned value breaks the rule, by the test's own reading of it. */
  const broken = (attrs: readonly Attribute[], config: Record<string, unknown>, planned: unknown) =>
    attrs
      .filter((a) => a.kind !== "computed" && !a.writeOnly)
      .filter((a) => {
        const c = config[a.name] ?? null;
        const p = (planned as Record<string, unknown>)[a.name] ?? null;
        if (c === null && a.kind === "optional_computed") return false;
        if (c === UNK || p === UNK) return c !== p;
        return !same(c, p);
      })
      .map((a) => a.name);

  async function planCreate(
    svc: ProviderService,
    typeName: string,
    attrs: readonly Attribute[],
    config: Record<string, unknown>,
  ) {
    // Terraform's proposed new state of a create: what the provider may compute, unknown.
    const proposed = Object.fromEntries(
      attrs.map((a) => {
        const v = config[a.name] ?? null;
        if (a.writeOnly) return [a.name, null];
        return [a.name, v === null && a.kind !== "required" && a.kind !== "optional" ? UNK : v];
      }),
    );
    return wire(
      tfplugin6.PlanResourceChange.Response,
      await svc.PlanResourceChange(
        wire(tfplugin6.PlanResourceChange.Request, {
          typeName,
          priorState: mp(null),
          proposedNewState: mp(proposed),
          config: mp(config),
          clientCapabilities: { writeOnlyAttributesAllowed: true },
        }),
      ),
    );
  }

  const RESOURCES = cpqProvider.resources().map((r) => [r.typeName, r.attributes] as const);

  it.each(RESOURCES)(
    "plans %s from configurations with unknown, null and known values as configured, or refuses them for a reason of its own",
    async (typeName, attrs) => {
      const svc = await configured();
      await fc.assert(
        fc.asyncProperty(
          fc.record(Object.fromEntries(attrs.map((a) => [a.name, valueOf(a)]))),
          async (config) => {
            const res = await planCreate(svc, typeName, attrs, config);
            const failed = errors(res.diagnostics);
            // The plugin's refusal of a plan that breaks the rules is a bug in the resource.
            expect(failed.filter((d) => d.detail?.includes("bug in the cpq provider"))).toEqual([]);
            if (failed.length === 0) {
              expect(broken(attrs, config, unmp(res.plannedState))).toEqual([]);
            }
          },
        ),
        { numRuns: 40, seed: SEED },
      );
    },
  );

  /** Terraform's proposed new state of an update: the configuration over the prior state. */
  async function planUpdate(
    svc: ProviderService,
    typeName: string,
    attrs: readonly Attribute[],
    prior: Record<string, unknown>,
    config: Record<string, unknown>,
  ) {
    const proposed = Object.fromEntries(
      attrs.map((a) => {
        const v = config[a.name] ?? null;
        if (a.writeOnly) return [a.name, null];
        if (a.kind === "computed" || (a.kind === "optional_computed" && v === null)) {
          return [a.name, prior[a.name] ?? null];
        }
        return [a.name, v];
      }),
    );
    return wire(
      tfplugin6.PlanResourceChange.Response,
      await svc.PlanResourceChange(
        wire(tfplugin6.PlanResourceChange.Request, {
          typeName,
          priorState: mp(prior),
          proposedNewState: mp(proposed),
          config: mp(config),
          clientCapabilities: { writeOnlyAttributesAllowed: true },
        }),
      ),
    );
  }

  it.each(RESOURCES)(
    "plans an update of %s from configurations with unknown, null and known values as configured, or refuses it for a reason of its own",
    async (typeName, attrs) => {
      const svc = await configured();
      // A prior state as an earlier apply could have left it: known or null values, computed null.
      const priorOf = (a: Attribute): fc.Arbitrary<unknown> =>
        a.kind === "computed" || a.writeOnly
          ? fc.constant(null)
          : fc.oneof(fc.constant(null), known(a));
      await fc.assert(
        fc.asyncProperty(
          fc.record(Object.fromEntries(attrs.map((a) => [a.name, priorOf(a)]))),
          fc.record(Object.fromEntries(attrs.map((a) => [a.name, valueOf(a)]))),
          async (prior, config) => {
            const res = await planUpdate(svc, typeName, attrs, { ...prior, id: "x" }, config);
            const failed = errors(res.diagnostics);
            expect(failed.filter((d) => d.detail?.includes("bug in the cpq provider"))).toEqual([]);
            if (failed.length === 0) {
              expect(broken(attrs, config, unmp(res.plannedState))).toEqual([]);
            }
          },
        ),
        { numRuns: 40, seed: SEED },
      );
    },
  );

  it.each(["cpq_user_integration_login", "cpq_user_sso"])(
    "plans %s with party_number unknown beside a known user_login: party_number stays unknown",
    async (typeName) => {
      const svc = await configured();
      const attrs = cpqProvider.resources().find((r) => r.typeName === typeName)!.attributes;
      const config = {
        ...Object.fromEntries(attrs.map((a) => [a.name, null])),
        party_number: UNK,
        user_login: "jdoe",
        ...(typeName === "cpq_user_sso"
          ? { enabled_for_sso: false }
          : { tab: "idp", login: "jdoe@idcs.example.com" }),
      };
      const res = await planCreate(svc, typeName, attrs, config);
      expect(errors(res.diagnostics)).toEqual([]);
      expect(unmp(res.plannedState)).toMatchObject({ party_number: UNK, user_login: "jdoe" });
    },
  );
});
