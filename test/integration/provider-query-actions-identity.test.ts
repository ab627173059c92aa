/**
 * The provider as Terraform 1.12-1.16 drives it (protocol 6.9-6.11), over real gRPC (the server
 * of `cpq-sso exec`, on a Unix socket without TLS), against the simulator: the calls of a
 * `terraform query` in Terraform's order, an identity import of every resource, the actions'
 * validate/plan/invoke, and what a Terraform 1.11 request (no identity fields) still gets.
 * Values are msgpack written by the test's own codec (test/support/cty-msgpack.ts).
 */
import * as grpcjs from "@grpc/grpc-js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpqProvider } from "../../provider/provider";
import type { ProviderDefinition } from "../../provider/contract/types";
import { providerService, tfplugin6 } from "../../provider/plugin/codec";
import { createLogger } from "../../provider/plugin/log";
import { serveProvider } from "../../provider/plugin/server";
import type { ServingProvider } from "../../provider/plugin/server";
import { startSimulator } from "../../simulator";
import type { RunningSimulator } from "../../simulator";
import { SimAdmin } from "../../tooling/sim-admin";
import { siteAdministrator } from "../../tooling/terraform-env";
import { callStream, callUnary } from "../../tooling/plugin-client";
import { mp, unmp } from "../support/cty-msgpack";

type Diag = tfplugin6.IDiagnostic;
type Schemas = tfplugin6.GetProviderSchema.Response;
const ERROR = tfplugin6.Diagnostic.Severity.ERROR;
const errors = (ds: readonly Diag[] | null | undefined): Diag[] =>
  (ds ?? []).filter((d) => d.severity === ERROR);
const says = (ds: readonly Diag[] | null | undefined): string =>
  (ds ?? []).map((d) => `${d.summary}: ${d.detail}`).join("\n");

const CPQ_ENV = Object.keys(process.env).filter((k) => k.startsWith("CPQ_"));
const saved: Record<string, string | undefined> = {};
let sim: RunningSimulator;
let admin: SimAdmin;
let dir: string;
let served: ServingProvider;
const clients: grpcjs.Client[] = [];
const Client = grpcjs.makeGenericClientConstructor(providerService, "Provider");
let schema: Schemas;

beforeAll(async () => {
  for (const k of CPQ_ENV) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  sim = await startSimulator({ port: 0, generatedUsers: 250 });
  admin = SimAdmin.of(sim);
  dir = mkdtempSync(join(tmpdir(), "cpq-q-"));
  served = await serveProvider(cpqProvider as ProviderDefinition<unknown>, {
    unixSocket: join(dir, "tf.sock"),
    out: () => undefined,
    logger: createLogger(undefined, () => undefined, "error"),
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await served.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
});

beforeEach(() => admin.reset());

/** One provider instance, as a terraform command opens one connection per instance. */
function connect(): grpcjs.Client {
  const c = new Client(`unix:${served.address.address}`, grpcjs.credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
  });
  clients.push(c);
  return c;
}

const call = <T>(c: grpcjs.Client, rpc: string, req: unknown = {}): Promise<T> =>
  callUnary<T>(c, rpc, req);

function names(s: tfplugin6.ISchema | null | undefined): string[] {
  return (s?.block?.attributes ?? []).map((a) => a.name ?? "");
}

/** An object of a schema as Terraform sends it: every attribute present, null unless given. */
function object(s: tfplugin6.ISchema | null | undefined, values: Record<string, unknown>) {
  return { ...Object.fromEntries(names(s).map((n) => [n, null])), ...values };
}

function providerConfig() {
  const basic = siteAdministrator(sim);
  return object(schema.provider, {
    base_url: sim.url,
    username: basic.username,
    password: basic.password,
  });
}

/** A provider instance configured as Terraform 1.14 configures it. */
async function configured(): Promise<grpcjs.Client> {
  const c = connect();
  schema ??= await call<Schemas>(c, "GetProviderSchema");
  const r = await call<{ diagnostics?: Diag[] }>(c, "ConfigureProvider", {
    terraformVersion: "1.14.0",
    config: mp(providerConfig()),
    clientCapabilities: { writeOnlyAttributesAllowed: true },
  });
  expect(says(r.diagnostics)).toBe("");
  return c;
}

/** Terraform's ProposedNewState: a computed attribute the configuration leaves null keeps its prior value. */
function proposed(
  typeName: string,
  prior: Record<string, unknown>,
  config: Record<string, unknown>,
) {
  const attrs = schema.resourceSchemas[typeName]?.block?.attributes ?? [];
  const computed = new Set(attrs.filter((a) => a.computed).map((a) => a.name));
  return Object.fromEntries(
    Object.entries(config).map(([n, v]) => [n, v === null && computed.has(n) ? prior[n] : v]),
  );
}

async function putLogin(pn: string, tab: string, login: string, authType: "oauth" | "password") {
  const r = await admin.cpq("PUT", `/rest/v19/users/${pn}/integrations/${tab}`, {
    login,
    authType,
    ...(authType === "password" ? { password: "the-real-partner-password" } : {}),
  });
  expect(r.status).toBe(200);
}

const VENDORS = "/rest/v19/integrationVendors";
/** The OAuth provider the simulator's default seed holds (the `idp` tab's integration). */
const SEEDED_OAUTH_PROVIDER = { id: "3022910234", vendorName: "Oracle Identity Cloud Service" };

/** An OAuth provider made in CPQ by hand, with a property no attribute manages; its id. */
async function postOAuthProvider(
  vendorName: string,
  values: { loginEndpoint?: string; cert?: string; issuer?: string } = {},
): Promise<string> {
  const r = await admin.cpq("POST", VENDORS, {
    integrationType: "oAuthProvider",
    vendorName,
    loginEndpoint: values.loginEndpoint ?? "https://idcs-5678.identity.oraclecloud.com",
    ...(values.cert !== undefined ? { cert: values.cert } : {}),
    properties: {
      items: [
        { name: "issuer", value: values.issuer ?? "https://identity.oraclecloud.com/" },
        { name: "clientId", value: "c0ffee" },
        { name: "setByHand", value: "kept" },
      ],
    },
  });
  expect(r.status).toBe(200);
  return String((r.body as { id: number }).id);
}

interface ListEvent {
  identity?: tfplugin6.IResourceIdentityData;
  displayName?: string;
  resourceObject?: tfplugin6.IDynamicValue;
  diagnostic?: Diag[];
}

interface Imported {
  importedResources?: {
    typeName: string;
    state?: tfplugin6.IDynamicValue;
    private?: Uint8Array;
    identity?: tfplugin6.IResourceIdentityData;
  }[];
  diagnostics?: Diag[];
}

const identityOf = (d: tfplugin6.IResourceIdentityData | null | undefined): unknown =>
  unmp(d?.identityData);

describe("terraform query (Terraform 1.14+), in Terraform's call order", () => {
  it("lists each login on a tab with its identity, and generates configuration that plans clean", async () => {
    await putLogin("1001", "idp", "jdoe@idp.example.com", "oauth");
    await putLogin("1002", "idp", "asmith@idp.example.com", "oauth");
    await putLogin("1003", "erp", "bwayne@erp.example.com", "password");
    const c = connect();
    // 1. The schemas: the list resource and the identity its results carry.
    schema = await call<Schemas>(c, "GetProviderSchema");
    expect(schema.serverCapabilities?.generateResourceConfig).toBe(true);
    expect(names(schema.listResourceSchemas.cpq_user_integration_login)).toEqual([
      "tab",
      "user_login",
    ]);
    const ids = await call<tfplugin6.GetResourceIdentitySchemas.Response>(
      c,
      "GetResourceIdentitySchemas",
    );
    expect(
      ids.identitySchemas.cpq_user_integration_login?.identityAttributes?.map((a) => [
        a.name,
        a.requiredForImport,
      ]),
    ).toEqual([
      ["party_number", true],
      ["tab", true],
    ]);
    // 2. Validation of the provider and of the list block's config, before configuring.
    const listConfig = object(schema.listResourceSchemas.cpq_user_integration_login, {
      tab: "idp",
    });
    const v = await call<{ diagnostics?: Diag[] }>(c, "ValidateListResourceConfig", {
      typeName: "cpq_user_integration_login",
      config: mp(listConfig),
      includeResourceObject: mp(true),
      limit: mp(100),
    });
    expect(says(v.diagnostics)).toBe("");
    await call(c, "ConfigureProvider", {
      terraformVersion: "1.14.0",
      config: mp(providerConfig()),
      clientCapabilities: { writeOnlyAttributesAllowed: true },
    });
    // 3. The stream: one event per login on the tab, each with its identity and state.
    const events = await callStream<ListEvent>(c, "ListResource", {
      typeName: "cpq_user_integration_login",
      config: mp(listConfig),
      includeResourceObject: true,
      limit: 100,
    });
    expect(events.map((e) => says(e.diagnostic))).toEqual(["", ""]);
    expect(events.map((e) => identityOf(e.identity))).toEqual([
      { party_number: "1001", tab: "idp" },
      { party_number: "1002", tab: "idp" },
    ]);
    expect(events[0]!.displayName).toContain("jdoe@idp.example.com");
    const state = unmp(events[0]!.resourceObject) as Record<string, unknown>;
    expect(state).toMatchObject({
      party_number: "1001",
      tab: "idp",
      login: "jdoe@idp.example.com",
    });
    // 4. -generate-config-out: configuration for the listed state.
    const gen = await call<{ config?: tfplugin6.IDynamicValue; diagnostics?: Diag[] }>(
      c,
      "GenerateResourceConfig",
      { typeName: "cpq_user_integration_login", state: events[0]!.resourceObject },
    );
    expect(says(gen.diagnostics)).toBe("");
    const config = unmp(gen.config) as Record<string, unknown>;
    expect(Object.fromEntries(Object.entries(config).filter(([, x]) => x !== null))).toEqual({
      party_number: "1001",
      tab: "idp",
      login: "jdoe@idp.example.com",
    });
    // 5. The generated import block (identity) and resource block, planned by the next plan.
    const imported = await call<Imported>(c, "ImportResourceState", {
      typeName: "cpq_user_integration_login",
      identity: events[0]!.identity,
      clientCapabilities: { writeOnlyAttributesAllowed: true },
    });
    expect(says(imported.diagnostics)).toBe("");
    const prior = unmp(imported.importedResources![0]!.state) as Record<string, unknown>;
    const planned = await call<tfplugin6.PlanResourceChange.Response>(c, "PlanResourceChange", {
      typeName: "cpq_user_integration_login",
      priorState: imported.importedResources![0]!.state,
      proposedNewState: mp(proposed("cpq_user_integration_login", prior, config)),
      config: mp(config),
      priorIdentity: imported.importedResources![0]!.identity,
      clientCapabilities: { writeOnlyAttributesAllowed: true },
    });
    expect(says(planned.diagnostics)).toBe("");
    expect(unmp(planned.plannedState)).toEqual(prior);
    expect(planned.requiresReplace ?? []).toEqual([]);
    expect(identityOf(planned.plannedIdentity)).toEqual({ party_number: "1001", tab: "idp" });
  });

  it("stops at Terraform's limit without fetching the pages after it", async () => {
    for (const pn of ["P00001", "P00002", "P00003"]) {
      expect(
        (await admin.cpq("PATCH", `/rest/v19/users/${pn}`, { enabledForSso: true })).status,
      ).toBe(200);
    }
    const c = await configured();
    await admin.clearRequests();
    const events = await callStream<ListEvent>(c, "ListResource", {
      typeName: "cpq_user_sso",
      config: mp(object(schema.listResourceSchemas.cpq_user_sso, { all_users: true })),
      limit: 2,
    });
    expect(events.map((e) => identityOf(e.identity))).toEqual([
      { party_number: "1001" },
      { party_number: "1002" },
    ]);
    const gets = (await admin.requests()).filter((r) => r.path.endsWith("/users"));
    // One page of 100 of the 253 users: the limit ended the listing.
    expect(gets.map((r) => r.query.limit)).toEqual(["100"]);
  });

  it("lists only the users Enabled For SSO, with CPQ's q filter passed through", async () => {
    for (const pn of ["1002", "P00007"]) {
      await admin.cpq("PATCH", `/rest/v19/users/${pn}`, { enabledForSso: true });
    }
    const c = await configured();
    const all = await callStream<ListEvent>(c, "ListResource", {
      typeName: "cpq_user_sso",
      config: mp(object(schema.listResourceSchemas.cpq_user_sso, {})),
      limit: 1000,
    });
    expect(all.map((e) => identityOf(e.identity))).toEqual([
      { party_number: "1002" },
      { party_number: "P00007" },
    ]);
    await admin.clearRequests();
    const filtered = await callStream<ListEvent>(c, "ListResource", {
      typeName: "cpq_user_sso",
      config: mp(
        object(schema.listResourceSchemas.cpq_user_sso, { q: `{"login":{"$like":"user%"}}` }),
      ),
      limit: 1000,
    });
    expect(filtered.map((e) => e.displayName)).toEqual(["user00007"]);
    expect((await admin.requests()).some((r) => r.query.q === `{"login":{"$like":"user%"}}`)).toBe(
      true,
    );
  });

  it("lists one user's logins on every tab, the user named by CPQ login, and escapes CPQ's text in the display name", async () => {
    await putLogin("1001", "idp", "jdoe@idp.example.com", "oauth");
    await putLogin("1001", "erp", "jdoe\u001b[2J@erp.example.com", "password");
    await putLogin("1002", "erp", "asmith@erp.example.com", "password");
    const c = await configured();
    const events = await callStream<ListEvent>(c, "ListResource", {
      typeName: "cpq_user_integration_login",
      config: mp(
        object(schema.listResourceSchemas.cpq_user_integration_login, { user_login: "JDOE" }),
      ),
      limit: 100,
    });
    expect(events.map((e) => identityOf(e.identity))).toEqual([
      { party_number: "1001", tab: "idp" },
      { party_number: "1001", tab: "erp" },
    ]);
    expect(events[1]!.displayName).not.toContain("\u001b");
    expect(events[1]!.displayName).toContain("\\u001b");
  });

  it("refuses a list of a tab the site does not have, naming the tabs it has", async () => {
    const c = await configured();
    const events = await callStream<ListEvent>(c, "ListResource", {
      typeName: "cpq_user_integration_login",
      config: mp(object(schema.listResourceSchemas.cpq_user_integration_login, { tab: "nope" })),
      limit: 100,
    });
    expect(events).toHaveLength(1);
    expect(errors(events[0]!.diagnostic)).toHaveLength(1);
    expect(says(events[0]!.diagnostic)).toMatch(/"crm", "idp", "erp"/);
  });
});

/**
 * -generate-config-out for a read state: the generated configuration validates and plans no
 * change, keeping the identity. Answers the generation's diagnostics and configuration.
 */
async function generatedPlansClean(
  c: grpcjs.Client,
  typeName: string,
  read: tfplugin6.ReadResource.Response,
  identity: unknown,
): Promise<{ diagnostics: Diag[]; config: Record<string, unknown> }> {
  const gen = await call<{ config?: tfplugin6.IDynamicValue; diagnostics?: Diag[] }>(
    c,
    "GenerateResourceConfig",
    { typeName, state: read.newState },
  );
  expect(errors(gen.diagnostics)).toEqual([]);
  const config = unmp(gen.config) as Record<string, unknown>;
  const prior = unmp(read.newState) as Record<string, unknown>;
  const valid = await call<{ diagnostics?: Diag[] }>(c, "ValidateResourceConfig", {
    typeName,
    config: gen.config,
    clientCapabilities: { writeOnlyAttributesAllowed: true },
  });
  expect(errors(valid.diagnostics)).toEqual([]);
  const planned = await call<tfplugin6.PlanResourceChange.Response>(c, "PlanResourceChange", {
    typeName,
    priorState: read.newState,
    proposedNewState: mp(proposed(typeName, prior, config)),
    config: gen.config,
    priorPrivate: read.private,
    priorIdentity: read.newIdentity,
    clientCapabilities: { writeOnlyAttributesAllowed: true },
  });
  expect(errors(planned.diagnostics)).toEqual([]);
  expect(unmp(planned.plannedState)).toEqual(prior);
  expect(planned.requiresReplace ?? []).toEqual([]);
  expect(identityOf(planned.plannedIdentity)).toEqual(identity);
  return { diagnostics: gen.diagnostics ?? [], config };
}

/** An identity import, read back as Terraform reads what it imported, carrying the identity. */
async function importByIdentity(
  c: grpcjs.Client,
  typeName: string,
  identity: tfplugin6.IResourceIdentityData | null | undefined,
): Promise<tfplugin6.ReadResource.Response> {
  const imported = await call<Imported>(c, "ImportResourceState", {
    typeName,
    identity,
    clientCapabilities: { writeOnlyAttributesAllowed: true },
  });
  expect(says(imported.diagnostics)).toBe("");
  const res = imported.importedResources![0]!;
  expect(identityOf(res.identity)).toEqual(identityOf(identity));
  const read = await call<tfplugin6.ReadResource.Response>(c, "ReadResource", {
    typeName,
    currentState: res.state,
    private: res.private,
    currentIdentity: res.identity,
    clientCapabilities: { writeOnlyAttributesAllowed: true },
  });
  expect(says(read.diagnostics)).toBe("");
  expect(unmp(read.newState)).toEqual(unmp(res.state));
  expect(identityOf(read.newIdentity)).toEqual(identityOf(identity));
  return read;
}

describe("terraform query of cpq_oauth_provider (Terraform 1.14+)", () => {
  it("lists each OAuth provider with its identity through CPQ's q on the integration type, and an identity import of each plans clean with its generated configuration", async () => {
    const made = await postOAuthProvider("IDCS Test");
    const c = await configured();
    await admin.clearRequests();
    const events = await callStream<ListEvent>(c, "ListResource", {
      typeName: "cpq_oauth_provider",
      config: mp(object(schema.listResourceSchemas.cpq_oauth_provider, {})),
      includeResourceObject: true,
      limit: 100,
    });
    expect(events.map((e) => says(e.diagnostic))).toEqual(["", ""]);
    // The seed's CRM and ERP integrations are other types: not OAuth providers.
    expect(events.map((e) => identityOf(e.identity))).toEqual([
      { id: SEEDED_OAUTH_PROVIDER.id },
      { id: made },
    ]);
    expect(events.map((e) => e.displayName)).toEqual([
      `${SEEDED_OAUTH_PROVIDER.vendorName} (id ${SEEDED_OAUTH_PROVIDER.id})`,
      `IDCS Test (id ${made})`,
    ]);
    expect(unmp(events[1]!.resourceObject)).toMatchObject({
      id: made,
      vendor_name: "IDCS Test",
      client_id: "c0ffee",
      tab: "idp",
    });
    const gets = (await admin.requests()).filter((r) => r.path === VENDORS);
    expect(gets.map((r) => JSON.parse(r.query.q ?? "null") as unknown)).toEqual([
      { integrationType: "oAuthProvider" },
    ]);
    for (const e of events) {
      const read = await importByIdentity(c, "cpq_oauth_provider", e.identity);
      expect(unmp(read.newState)).toEqual(unmp(e.resourceObject));
      const { diagnostics, config } = await generatedPlansClean(
        c,
        "cpq_oauth_provider",
        read,
        identityOf(e.identity),
      );
      expect(says(diagnostics)).toBe("");
      // A property no attribute manages is not in the configuration, and stays in CPQ.
      expect(Object.keys(config)).not.toContain("setByHand");
    }
  });

  it("lists only the OAuth provider of the vendor_name given, with CPQ's q filter on the name", async () => {
    const made = await postOAuthProvider("IDCS Test");
    const c = await configured();
    await admin.clearRequests();
    const events = await callStream<ListEvent>(c, "ListResource", {
      typeName: "cpq_oauth_provider",
      config: mp(
        object(schema.listResourceSchemas.cpq_oauth_provider, { vendor_name: "IDCS Test" }),
      ),
      limit: 100,
    });
    expect(events.map((e) => identityOf(e.identity))).toEqual([{ id: made }]);
    const gets = (await admin.requests()).filter((r) => r.path === VENDORS);
    expect(gets.map((r) => JSON.parse(r.query.q ?? "null") as unknown)).toEqual([
      { integrationType: "oAuthProvider", vendorName: "IDCS Test" },
    ]);
  });

  it("stops at Terraform's limit", async () => {
    await postOAuthProvider("IDCS Test");
    const c = await configured();
    const events = await callStream<ListEvent>(c, "ListResource", {
      typeName: "cpq_oauth_provider",
      config: mp(object(schema.listResourceSchemas.cpq_oauth_provider, {})),
      limit: 1,
    });
    expect(events.map((e) => identityOf(e.identity))).toEqual([{ id: SEEDED_OAUTH_PROVIDER.id }]);
  });

  it("leaves out of the generated configuration a setting CPQ holds that the plan refuses, with a warning naming it, so it still plans clean", async () => {
    const made = await postOAuthProvider("Hand-made", {
      issuer: "http://issuer.example.com/",
      cert: "not a certificate",
    });
    const c = await configured();
    const identity = { identityData: mp({ id: made }) };
    const read = await importByIdentity(c, "cpq_oauth_provider", identity);
    expect(unmp(read.newState)).toMatchObject({
      issuer: "http://issuer.example.com/",
      certificate: "not a certificate",
    });
    const { diagnostics, config } = await generatedPlansClean(c, "cpq_oauth_provider", read, {
      id: made,
    });
    expect(config).toMatchObject({ vendor_name: "Hand-made", issuer: null, certificate: null });
    expect(diagnostics.map((d) => d.attribute?.steps?.[0]?.attributeName).sort()).toEqual([
      "certificate",
      "issuer",
    ]);
    expect(diagnostics.map((d) => d.summary)).toContain(
      "issuer is left out of the generated configuration",
    );
  });
});

/**
 * An identity of each resource of the registry that names an object of the simulator's seed
 * (after the setup of the test below; `null`: an attribute an import may leave out).
 */
const IDENTITIES: Readonly<Record<string, Record<string, string | null>>> = {
  cpq_sso_configuration: { id: null },
  cpq_user_integration_login: { party_number: "1001", tab: "idp" },
  cpq_user_integration_logins: { tab: "idp" },
  cpq_user_sso: { party_number: "1002" },
  cpq_oauth_provider: { id: SEEDED_OAUTH_PROVIDER.id },
};

describe("an identity import of each resource reads it back, and its generated configuration plans clean", () => {
  it.each(cpqProvider.resources().map((r) => r.typeName))("%s", async (typeName) => {
    const identity = IDENTITIES[typeName];
    if (identity === undefined) throw new Error(`Add an identity of ${typeName} to IDENTITIES.`);
    await putLogin("1001", "idp", "jdoe@idp.example.com", "oauth");
    await admin.cpq("PATCH", "/rest/v19/users/1002", { enabledForSso: true, externalSsoId: "E-2" });
    const c = await configured();
    const imported = await call<Imported>(c, "ImportResourceState", {
      typeName,
      identity: { identityData: mp(identity) },
      clientCapabilities: { writeOnlyAttributesAllowed: true },
    });
    expect(says(imported.diagnostics)).toBe("");
    const res = imported.importedResources![0]!;
    const expected = Object.fromEntries(Object.entries(identity).map(([k, x]) => [k, x ?? "sso"]));
    expect(identityOf(res.identity)).toEqual(expected);
    // Terraform reads what it imported, carrying the identity.
    const read = await call<tfplugin6.ReadResource.Response>(c, "ReadResource", {
      typeName,
      currentState: res.state,
      private: res.private,
      currentIdentity: res.identity,
      clientCapabilities: { writeOnlyAttributesAllowed: true },
    });
    expect(says(read.diagnostics)).toBe("");
    expect(unmp(read.newState)).toEqual(unmp(res.state));
    expect(identityOf(read.newIdentity)).toEqual(expected);
    // -generate-config-out for an import block: a configuration that plans no change.
    await generatedPlansClean(c, typeName, read, expected);
  });

  it("keeps the identity of an object whose update failed, and gives none for a create that failed", async () => {
    await putLogin("1001", "idp", "jdoe@idp.example.com", "oauth");
    const c = await configured();
    const typeName = "cpq_user_integration_login";
    const imported = await call<Imported>(c, "ImportResourceState", { typeName, id: "1001/idp" });
    const prior = unmp(imported.importedResources![0]!.state) as Record<string, unknown>;
    const config = object(schema.resourceSchemas[typeName], {
      party_number: "1001",
      tab: "idp",
      login: "jdoe.renamed@idp.example.com",
    });
    const planned = await call<tfplugin6.PlanResourceChange.Response>(c, "PlanResourceChange", {
      typeName,
      priorState: mp(prior),
      proposedNewState: mp(proposed(typeName, prior, config)),
      config: mp(config),
      priorIdentity: imported.importedResources![0]!.identity,
    });
    expect(errors(planned.diagnostics)).toEqual([]);
    await admin.fault({
      method: "PUT",
      path: "/rest/v19/users/1001/integrations/idp",
      kind: "status",
      status: 400,
    });
    const update = await call<tfplugin6.ApplyResourceChange.Response>(c, "ApplyResourceChange", {
      typeName,
      priorState: mp(prior),
      plannedState: planned.plannedState,
      config: mp(config),
      plannedPrivate: planned.plannedPrivate,
      plannedIdentity: planned.plannedIdentity,
    });
    expect(errors(update.diagnostics)).not.toEqual([]);
    expect(identityOf(update.newIdentity)).toEqual({ party_number: "1001", tab: "idp" });

    const create = object(schema.resourceSchemas[typeName], {
      party_number: "1002",
      tab: "idp",
      login: "asmith@idp.example.com",
    });
    await admin.fault({
      method: "PUT",
      path: "/rest/v19/users/1002/integrations/idp",
      kind: "status",
      status: 400,
    });
    const createPlan = await call<tfplugin6.PlanResourceChange.Response>(c, "PlanResourceChange", {
      typeName,
      priorState: mp(null),
      proposedNewState: mp(create),
      config: mp(create),
    });
    const created = await call<tfplugin6.ApplyResourceChange.Response>(c, "ApplyResourceChange", {
      typeName,
      priorState: mp(null),
      plannedState: createPlan.plannedState,
      config: mp(create),
      plannedIdentity: createPlan.plannedIdentity,
    });
    expect(errors(created.diagnostics)).not.toEqual([]);
    expect(created.newIdentity ?? null).toBeNull();
  });

  it("refuses an identity without a required attribute, naming it", async () => {
    const c = await configured();
    const imported = await call<Imported>(c, "ImportResourceState", {
      typeName: "cpq_user_integration_login",
      identity: { identityData: mp({ party_number: "1001", tab: null }) },
    });
    expect(imported.importedResources ?? []).toEqual([]);
    expect(says(errors(imported.diagnostics))).toMatch(/needs "tab"/);
  });

  it("upgrades a stored identity through today's identity attributes", async () => {
    const c = connect();
    const r = await call<tfplugin6.UpgradeResourceIdentity.Response>(c, "UpgradeResourceIdentity", {
      typeName: "cpq_user_sso",
      version: 0,
      rawIdentity: { json: Buffer.from(JSON.stringify({ party_number: "1001", stale: "x" })) },
    });
    expect(says(r.diagnostics)).toBe("");
    expect(identityOf(r.upgradedIdentity)).toEqual({ party_number: "1001" });
    const newer = await call<tfplugin6.UpgradeResourceIdentity.Response>(
      c,
      "UpgradeResourceIdentity",
      { typeName: "cpq_user_sso", version: 7, rawIdentity: { json: Buffer.from("{}") } },
    );
    expect(says(errors(newer.diagnostics))).toMatch(/version 7/);
  });
});

describe("actions (Terraform 1.14+): validate, plan, invoke", () => {
  const checkConfig = (values: Record<string, unknown>) =>
    object(schema.actionSchemas.cpq_user_integration_check?.schema, values);

  interface InvokeEvent {
    progress?: { message: string };
    completed?: { diagnostics?: Diag[] };
  }

  it("reports a wrong password from CPQ's Check as a diagnostic, without saving anything or showing the password", async () => {
    await putLogin("1001", "erp", "jdoe@erp.example.com", "password");
    const c = await configured();
    const config = mp(
      checkConfig({
        party_number: "1001",
        tab: "erp",
        login: "jdoe@erp.example.com",
        password_wo: "wrong-canary-pw",
      }),
    );
    const validated = await call<{ diagnostics?: Diag[] }>(c, "ValidateActionConfig", {
      typeName: "cpq_user_integration_check",
      config,
    });
    expect(says(validated.diagnostics)).toBe("");
    const planned = await call<{ diagnostics?: Diag[] }>(c, "PlanAction", {
      actionType: "cpq_user_integration_check",
      config,
    });
    expect(says(planned.diagnostics)).toBe("");
    const before = await admin.state();
    await admin.clearRequests();
    const events = await callStream<InvokeEvent>(c, "InvokeAction", {
      actionType: "cpq_user_integration_check",
      config,
    });
    const progress = events.filter((e) => e.progress).map((e) => e.progress!.message);
    expect(progress[0]).toMatch(/nothing is saved/);
    const completed = events.filter((e) => e.completed);
    expect(completed).toHaveLength(1);
    expect(events[events.length - 1]).toBe(completed[0]);
    const failure = errors(completed[0]!.completed!.diagnostics);
    expect(failure).toHaveLength(1);
    expect(failure[0]!.summary).toMatch(/refused the credentials for user 1001 on tab "erp"/);
    expect(failure[0]!.detail).toMatch(/Nothing was saved/);
    expect(JSON.stringify(events)).not.toContain("wrong-canary-pw");
    const writes = (await admin.requests()).filter((r) => r.method !== "GET");
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /rest/v19/users/1001/integrations/erp/actions/check",
    ]);
    expect(await admin.state()).toEqual(before);
  });

  it("completes without a diagnostic when the partner accepts the pair", async () => {
    await putLogin("1001", "erp", "jdoe@erp.example.com", "password");
    const c = await configured();
    const events = await callStream<InvokeEvent>(c, "InvokeAction", {
      actionType: "cpq_user_integration_check",
      config: mp(
        checkConfig({
          user_login: "jdoe",
          tab: "erp",
          login: "jdoe@erp.example.com",
          password_wo: "jdoe-erp-password",
        }),
      ),
    });
    expect(events.at(-1)?.completed?.diagnostics ?? []).toEqual([]);
    expect(events.filter((e) => e.progress).at(-1)?.progress?.message).toMatch(/accepted/);
  });

  it("refuses Check at plan on an OAuth tab, and on a password tab without a password", async () => {
    const c = await configured();
    const oauth = await call<{ diagnostics?: Diag[] }>(c, "PlanAction", {
      actionType: "cpq_user_integration_check",
      config: mp(checkConfig({ party_number: "1001", tab: "idp", login: "x", password_wo: "p" })),
    });
    expect(errors(oauth.diagnostics).map((d) => d.summary)).toEqual([
      expect.stringMatching(/uses OAuth on this site/),
    ]);
    const nopw = await call<{ diagnostics?: Diag[] }>(c, "PlanAction", {
      actionType: "cpq_user_integration_check",
      config: mp(checkConfig({ party_number: "1001", tab: "erp", login: "x" })),
    });
    const d = errors(nopw.diagnostics);
    expect(d.map((x) => x.summary)).toEqual([expect.stringMatching(/needs the password/)]);
    expect(d[0]!.attribute?.steps?.[0]?.attributeName).toBe("password_wo");
  });

  it("revokes a stored OAuth token with progress messages, and refuses a password tab at plan", async () => {
    await putLogin("1001", "idp", "jdoe@idp.example.com", "oauth");
    await admin.grantToken("1001", "idp");
    const c = await configured();
    const revokeConfig = (values: Record<string, unknown>) =>
      mp(object(schema.actionSchemas.cpq_user_integration_revoke_token?.schema, values));
    const refused = await call<{ diagnostics?: Diag[] }>(c, "PlanAction", {
      actionType: "cpq_user_integration_revoke_token",
      config: revokeConfig({ party_number: "1001", tab: "erp" }),
    });
    expect(says(errors(refused.diagnostics))).toMatch(/needs an OAuth tab/);
    const events = await callStream<InvokeEvent>(c, "InvokeAction", {
      actionType: "cpq_user_integration_revoke_token",
      config: revokeConfig({ party_number: "1001", tab: "idp" }),
    });
    expect(events.filter((e) => e.progress).map((e) => e.progress!.message)).toEqual([
      'Revoking the OAuth token of user 1001 on tab "idp"',
      expect.stringMatching(/holds no token/),
    ]);
    expect(events.at(-1)?.completed?.diagnostics ?? []).toEqual([]);
    const r = await admin.cpq("GET", "/rest/v19/users/1001/integrations/idp");
    expect(r.body).toMatchObject({ tokenPresent: false });
  });
});

describe("what Terraform 1.11 sends still works: no identity fields, same schema", () => {
  it("reads, plans and imports by id without identity in the request", async () => {
    await putLogin("1001", "idp", "jdoe@idp.example.com", "oauth");
    const c = await configured();
    const imported = await call<Imported>(c, "ImportResourceState", {
      typeName: "cpq_user_integration_login",
      id: "jdoe/idp",
    });
    expect(says(imported.diagnostics)).toBe("");
    const state = imported.importedResources![0]!.state;
    expect(unmp(state)).toMatchObject({ party_number: "1001", user_login: "jdoe" });
    const read = await call<tfplugin6.ReadResource.Response>(c, "ReadResource", {
      typeName: "cpq_user_integration_login",
      currentState: state,
    });
    expect(unmp(read.newState)).toEqual(unmp(state));
  });

  it("keeps the 1.11 schema as it was: the list and action schemas are fields 1.11 does not read", () => {
    // Terraform 1.11's GetProviderSchema.Response has no fields 9 and 11: decoded by it, the
    // answer is the resources, data sources and functions alone.
    expect(Object.keys(schema.resourceSchemas).sort()).toEqual(
      cpqProvider
        .resources()
        .map((r) => r.typeName)
        .sort(),
    );
    expect(Object.keys(schema.actionSchemas).sort()).toEqual([
      "cpq_user_integration_check",
      "cpq_user_integration_revoke_token",
    ]);
    const check = schema.actionSchemas.cpq_user_integration_check?.schema?.block?.attributes ?? [];
    expect(check.find((a) => a.name === "password_wo")).toMatchObject({
      writeOnly: true,
      sensitive: true,
    });
  });
});
