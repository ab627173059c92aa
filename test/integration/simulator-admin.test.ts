import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_CHECKPOINTS, runSimulatorCli, startSimulator } from "../../simulator";
import type { RunningSimulator } from "../../simulator";
import { SimulatorFixture } from "../support/simulator-fixture";
import {
  SEED_SAMPLE,
  basic,
  call,
  expectOracleError,
  simState,
  withSimulator,
} from "./simulator-helpers";

const SSO = "/rest/v19/ssoConfiguration";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function addFault(sim: RunningSimulator, fault: Record<string, unknown>): Promise<string> {
  const a = await call(sim, "POST", "/__sim/faults", { auth: null, body: fault });
  expect(a.status).toBe(200);
  return a.json.id as string;
}

/** A raw GET that reports what came over the wire, for faults fetch would hide. */
function rawGet(
  sim: RunningSimulator,
  path: string,
): Promise<{ error?: string; headers?: Record<string, unknown>; received: number }> {
  return new Promise((resolve) => {
    const req = request(
      `${sim.url}${path}`,
      { headers: { authorization: basic("cpqadmin", "cpqadmin-demo-password") } },
      (res) => {
        let received = 0;
        res.on("data", (c: Buffer) => (received += c.length));
        res.on("end", () => resolve({ headers: res.headers, received }));
        res.on("error", (e) => resolve({ error: e.message, headers: res.headers, received }));
        res.on("aborted", () => resolve({ error: "aborted", headers: res.headers, received }));
      },
    );
    req.on("error", (e) =>
      resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message, received: 0 }),
    );
    req.end();
  });
}

describe("simulator: faults", () => {
  const fx = new SimulatorFixture();

  // Regression: a kept-alive admin connection the server closed for idleness, reused by a test's
  // fetch at that moment, reset the next request (report.test.ts, in a clean-clone run).
  it("closes each /__sim/ connection after its answer, and keeps CPQ's alive", async () => {
    const admin = await fetch(`${fx.simulator.url}/__sim/requests`);
    await admin.text();
    expect(admin.headers.get("connection")).toBe("close");
    const site = await call(fx.simulator, "GET", SSO);
    expect(site.status).toBe(200);
    const again = await fetch(`${fx.simulator.url}${SSO}`);
    await again.text();
    expect(again.headers.get("connection")).not.toBe("close");
  });

  it("answers 429 with Retry-After for the given number of matching requests, then normally", async () => {
    await addFault(fx.simulator, {
      path: "ssoConfiguration$",
      kind: "status",
      status: 429,
      retryAfter: 7,
      count: 2,
    });
    for (let i = 0; i < 2; i++) {
      const a = await call(fx.simulator, "GET", SSO);
      expectOracleError(a, 429);
      expect(a.headers.get("retry-after")).toBe("7");
    }
    expect((await call(fx.simulator, "GET", SSO)).status).toBe(200);
  });

  it("makes a bare status fault a single 429 with Retry-After 1", async () => {
    await addFault(fx.simulator, { path: ".", kind: "status" });
    const a = await call(fx.simulator, "GET", SSO);
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("1");
    expect((await call(fx.simulator, "GET", SSO)).status).toBe(200);
  });

  it.each([500, 502, 503])("answers an injected %i in the Oracle error shape", async (status) => {
    await addFault(fx.simulator, { path: "ssoConfiguration", kind: "status", status });
    const a = await call(fx.simulator, "GET", SSO);
    expectOracleError(a, status);
    expect(a.headers.get("retry-after")).toBeNull();
  });

  it("matches the method when one is given, and the path without the query", async () => {
    await addFault(fx.simulator, {
      method: "post",
      path: "^/rest/v19/ssoConfiguration$",
      kind: "status",
      status: 503,
    });
    expect((await call(fx.simulator, "GET", `${SSO}?x=1`)).status).toBe(200);
    expect((await call(fx.simulator, "POST", `${SSO}?x=1`, { body: {} })).status).toBe(503);
  });

  it("does not touch state when a status fault answers instead", async () => {
    await addFault(fx.simulator, { path: "ssoConfiguration", kind: "status", status: 500 });
    await call(fx.simulator, "POST", SSO, { body: { samlLogoutUrl: "https://x" } });
    expect((await call(fx.simulator, "GET", SSO)).json.samlLogoutUrl).toBe("");
  });

  it("delays matching requests until cleared, with latency faults", async () => {
    await addFault(fx.simulator, { path: "users", kind: "latency", latencyMs: 300 });
    for (let i = 0; i < 2; i++) {
      const t0 = Date.now();
      expect((await call(fx.simulator, "GET", "/rest/v19/users")).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    }
    const t1 = Date.now();
    await call(fx.simulator, "GET", SSO);
    expect(Date.now() - t1).toBeLessThan(250);
    expect(
      (await call(fx.simulator, "GET", "/__sim/faults", { auth: null })).json.items,
    ).toHaveLength(1);
    expect((await call(fx.simulator, "DELETE", "/__sim/faults", { auth: null })).status).toBe(204);
    const t2 = Date.now();
    await call(fx.simulator, "GET", "/rest/v19/users");
    expect(Date.now() - t2).toBeLessThan(250);
  });

  it("drops the connection without an answer with a reset fault", async () => {
    await addFault(fx.simulator, { path: "ssoConfiguration", kind: "reset" });
    const r = await rawGet(fx.simulator, SSO);
    expect(r.error).toMatch(/ECONNRESET|socket hang up/);
    expect(r.headers).toBeUndefined();
    await expect(fetch(`${fx.simulator.url}${SSO}`)).resolves.toBeDefined();
    const log = (await call(fx.simulator, "GET", "/__sim/requests", { auth: null })).json.items;
    expect(log[0]).toMatchObject({ path: SSO, status: 0, fault: "reset" });
  });

  it("sends a Content-Length larger than the body and ends early with a truncate fault", async () => {
    await addFault(fx.simulator, { path: "ssoConfiguration", kind: "truncate" });
    const r = await rawGet(fx.simulator, SSO);
    expect(r.error).toBeDefined();
    const declared = Number(r.headers?.["content-length"]);
    expect(declared).toBeGreaterThan(r.received);
    // fetch sees the same fault as a failed body read.
    await addFault(fx.simulator, { path: "ssoConfiguration", kind: "truncate" });
    const res = await fetch(`${fx.simulator.url}${SSO}`, {
      headers: { authorization: basic("cpqadmin", "cpqadmin-demo-password") },
    });
    await expect(res.text()).rejects.toThrow();
  });

  it("applies a truncated POST even though its answer is lost", async () => {
    await addFault(fx.simulator, { method: "POST", path: "ssoConfiguration", kind: "truncate" });
    await expect(
      fetch(`${fx.simulator.url}${SSO}`, {
        method: "POST",
        headers: {
          authorization: basic("cpqadmin", "cpqadmin-demo-password"),
          "content-type": "application/json",
        },
        body: JSON.stringify({ samlLogoutUrl: "https://applied" }),
      }).then((r) => r.text()),
    ).rejects.toThrow();
    expect((await call(fx.simulator, "GET", SSO)).json.samlLogoutUrl).toBe("https://applied");
  });

  it("never faults the admin surface", async () => {
    await addFault(fx.simulator, { path: ".*", kind: "status", status: 503, count: 100 });
    expect((await call(fx.simulator, "GET", "/__sim/state", { auth: null })).status).toBe(200);
  });

  it.each([
    [{ path: "(", kind: "status" }, "path"],
    [{ path: "x", kind: "explode" }, "kind"],
    [{ path: "x", kind: "status", status: 200 }, "status"],
    [{ path: "x", kind: "latency", count: 0 }, "count"],
    [{ kind: "reset" }, "path"],
    [{ path: "x", kind: "reset", bogus: 1 }, ""],
  ])("refuses an invalid fault %j", async (fault, field) => {
    const a = await call(fx.simulator, "POST", "/__sim/faults", { auth: null, body: fault });
    expect(a.status).toBe(400);
    if (field) expect(a.json["o:errorDetails"][0]["o:errorPath"]).toBe(field);
  });

  // Before path patterns were matched in linear time, this pattern made the next request to
  // /rest/v19/aaaa...! backtrack for minutes and hung every test sharing the simulator.
  it("refuses a fault path pattern with a nested quantifier, and stays responsive", async () => {
    const a = await call(fx.simulator, "POST", "/__sim/faults", {
      auth: null,
      body: { path: "^/rest/v19/(a+)+$", kind: "status" },
    });
    expect(a.status).toBe(400);
    expect(a.json["o:errorDetails"][0]["o:errorPath"]).toBe("path");
    expect(JSON.stringify(a.json)).toMatch(/linear/);
    await addFault(fx.simulator, { path: "^/rest/v19/a*a*a*a*a*a*a*a*a*a*!$", kind: "status" });
    const t0 = Date.now();
    const b = await call(fx.simulator, "GET", `/rest/v19/${"a".repeat(4000)}`);
    expect(b.status).toBe(404);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe("simulator: request log, state view and reset", () => {
  /** Expects an answer's status: 200 unless said. */
  const ok = async (a: Promise<{ status: number }>, status = 200) =>
    expect((await a).status).toBe(status);
  const fx = new SimulatorFixture();

  it("logs CPQ requests with method, path, query, status, body, auth and time, and not admin requests", async () => {
    await call(fx.simulator, "GET", `/rest/v19/users?limit=5&offset=0`);
    await call(fx.simulator, "GET", SSO, { auth: "Bearer demo-admin-token" });
    await call(fx.simulator, "GET", SSO, { auth: null });
    await call(fx.simulator, "GET", "/__sim/state", { auth: null });
    const items = (await call(fx.simulator, "GET", "/__sim/requests", { auth: null })).json.items;
    expect(items).toEqual([
      {
        method: "GET",
        path: "/rest/v19/users",
        query: { limit: "5", offset: "0" },
        status: 200,
        body: null,
        auth: "basic:cpqadmin",
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
      expect.objectContaining({ path: SSO, status: 200, auth: "bearer" }),
      expect.objectContaining({ path: SSO, status: 401, auth: "none" }),
    ]);
  });

  it("masks every secret in logged bodies, forms and queries, but keeps cleared ones visible", async () => {
    await call(fx.simulator, "POST", SSO, { body: SEED_SAMPLE });
    await call(fx.simulator, "POST", SSO, {
      body: { samlStorePass: "", samlNeedRequestSigned: "false" },
    });
    await call(fx.simulator, "PUT", "/rest/v19/users/1001/integrations/erp", {
      body: {
        login: "a",
        authType: "password",
        password: "erp-secret-1",
        securityToken: "erp-tok-1",
      },
    });
    await call(fx.simulator, "POST", "/oauth2/v1/token", {
      auth: null,
      body: "grant_type=client_credentials&client_id=cpq-sso-demo&client_secret=demo-client-secret",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await call(fx.simulator, "GET", "/rest/v19/users?password=in-query-secret");
    const a = await call(fx.simulator, "GET", "/__sim/requests", { auth: null });
    for (const secret of [
      SEED_SAMPLE.samlStorePass!,
      SEED_SAMPLE.samlKeyPass!,
      SEED_SAMPLE.samlRequestKeyStore!,
      "erp-secret-1",
      "erp-tok-1",
      "demo-client-secret",
      "in-query-secret",
    ]) {
      expect(a.text).not.toContain(secret);
    }
    const [sample, cleared, put, tokenReq, query] = a.json.items;
    expect(sample.body).toMatchObject({
      samlStorePass: "***",
      samlKeyPass: "***",
      samlRequestKeyStore: "***",
      ssoMethod: "Federated and Remote",
    });
    expect(cleared.body).toEqual({ samlStorePass: "", samlNeedRequestSigned: "false" });
    expect(put.body).toEqual({
      login: "a",
      authType: "password",
      password: "***",
      securityToken: "***",
    });
    expect(tokenReq.body).toMatchObject({ client_id: "cpq-sso-demo", client_secret: "***" });
    expect(query.query).toEqual({ password: "***" });
  });

  it("does not store a body that is not JSON, since it could hold a secret", async () => {
    await call(fx.simulator, "POST", SSO, { body: '{"samlStorePass": "oops' });
    const items = (await call(fx.simulator, "GET", "/__sim/requests", { auth: null })).json.items;
    expect(JSON.stringify(items)).not.toContain("oops");
    expect(items[0].status).toBe(400);
  });

  it("clears the log with DELETE /__sim/requests", async () => {
    await call(fx.simulator, "GET", SSO);
    expect((await call(fx.simulator, "DELETE", "/__sim/requests", { auth: null })).status).toBe(
      204,
    );
    expect((await call(fx.simulator, "GET", "/__sim/requests", { auth: null })).json.items).toEqual(
      [],
    );
  });

  it("shows secrets in the state only as set and sha256", async () => {
    await call(fx.simulator, "POST", SSO, { body: SEED_SAMPLE });
    const state = await simState(fx.simulator);
    expect(state.sso.samlStorePass).toEqual({ set: true, sha256: sha256("storePassValue") });
    expect(state.sso.samlKeyPass).toEqual({ set: true, sha256: sha256("keyPassValue") });
    expect(state.sso.samlRequestKeyStore).toEqual({
      set: true,
      sha256: sha256("base64encodedcertvalue"),
    });
    expect(state.sso.ssoMethod).toBe("Federated and Remote");
    expect(JSON.stringify(state)).not.toContain("storePassValue");
    expect(state.partners).toHaveLength(3);
    expect(state.users).toHaveLength(3);
    await withSimulator({}, async (fresh) => {
      expect((await simState(fresh)).sso.samlKeyPass).toEqual({ set: false, sha256: sha256("") });
    });
  });

  it("restores the seed state and clears faults and the log on POST /__sim/reset", async () => {
    await call(fx.simulator, "POST", SSO, { body: SEED_SAMPLE });
    await call(fx.simulator, "PUT", "/rest/v19/users/1001/integrations/erp", {
      body: { login: "a", authType: "password", password: "p" },
    });
    await addFault(fx.simulator, { path: "users", kind: "status", status: 503 });
    expect((await call(fx.simulator, "POST", "/__sim/reset", { auth: null })).status).toBe(204);
    expect((await call(fx.simulator, "GET", "/__sim/requests", { auth: null })).json.items).toEqual(
      [],
    );
    expect((await call(fx.simulator, "GET", "/__sim/faults", { auth: null })).json.items).toEqual(
      [],
    );
    const state = await simState(fx.simulator);
    expect(state.sso.ssoMethod).toBe("None");
    expect(state.integrations).toEqual({});
    expect((await call(fx.simulator, "GET", "/rest/v19/users")).status).toBe(200);
  });

  it("brings back the state POST /__sim/checkpoint kept on POST /__sim/restore, secrets included, after a reset and as often as asked", async () => {
    const sim = fx.simulator;
    const login = (password: string) => ({ login: "a", authType: "password", password });
    // The baseline: SSO settings, a login, a user's edits, an integration, an added user.
    await ok(call(sim, "POST", SSO, { body: SEED_SAMPLE }));
    await ok(call(sim, "PUT", "/rest/v19/users/1001/integrations/erp", { body: login("kept") }));
    await ok(call(sim, "PATCH", "/rest/v19/users/1002", { body: { externalSsoId: "E-kept" } }));
    await ok(
      call(sim, "POST", "/rest/v19/integrationVendors", {
        body: { integrationType: "crm", vendorName: "Checkpoint CRM" },
      }),
    );
    await ok(
      call(sim, "POST", "/__sim/users", {
        auth: null,
        body: { users: [{ partyNumber: "2001", login: "mchen" }] },
      }),
      201,
    );
    const kept = await simState(sim);
    await ok(call(sim, "POST", "/__sim/checkpoint", { auth: null }), 204);

    // Changes after the checkpoint, to the same entries (a mutation commits logins and edits to
    // the maps in place) and to others.
    const change = async () => {
      await ok(
        call(sim, "POST", SSO, { body: { samlStorePass: "changed", samlKeyPass: "changed" } }),
      );
      await ok(
        call(sim, "PUT", "/rest/v19/users/1001/integrations/erp", { body: login("changed") }),
      );
      await ok(call(sim, "PUT", "/rest/v19/users/1002/integrations/erp", { body: login("new") }));
      await ok(call(sim, "PATCH", "/rest/v19/users/1002", { body: { externalSsoId: "E-2" } }));
      await ok(call(sim, "PATCH", "/rest/v19/users/1001", { body: { enabledForSso: true } }));
      const added = kept.vendors.find(
        (v: { vendorName: string }) => v.vendorName === "Checkpoint CRM",
      );
      await ok(call(sim, "DELETE", `/rest/v19/integrationVendors/${added.id}`), 204);
      await ok(
        call(sim, "POST", "/__sim/users", {
          auth: null,
          body: { users: [{ partyNumber: "2002", login: "rkumar" }] },
        }),
        201,
      );
      expect(await simState(sim)).not.toEqual(kept);
    };
    await change();
    // Reset keeps meaning the seed, and leaves the checkpoint alone.
    await ok(call(sim, "POST", "/__sim/reset", { auth: null }), 204);
    expect((await simState(sim)).integrations).toEqual({});
    await ok(call(sim, "POST", "/__sim/restore", { auth: null }), 204);
    const restored = await simState(sim);
    expect(restored).toEqual(kept);
    // The secrets came back, not only their being set.
    expect(restored.sso.samlStorePass).toEqual({ set: true, sha256: sha256("storePassValue") });
    expect(restored.sso.samlKeyPass).toEqual({ set: true, sha256: sha256("keyPassValue") });
    expect(restored.integrations["1001"].erp.password).toEqual({
      set: true,
      sha256: sha256("kept"),
    });
    expect(restored.users.map((u: { login: string }) => u.login)).toContain("mchen");
    expect(restored.users[1]).toMatchObject({ partyNumber: "1002", externalSsoId: "E-kept" });
    expect(restored.vendors.map((v: { vendorName: string }) => v.vendorName)).toContain(
      "Checkpoint CRM",
    );
    expect((await call(sim, "GET", "/rest/v19/users/2002")).status).toBe(404);
    expect(JSON.stringify(restored)).not.toContain("storePassValue");

    // The changes after a restore do not reach the checkpoint: a second restore is the same.
    await change();
    await ok(call(sim, "POST", "/__sim/restore", { auth: null }), 204);
    expect(await simState(sim)).toEqual(kept);
  });

  it("refuses POST /__sim/restore without a checkpoint, saying how to make one, and changes nothing", async () => {
    await withSimulator({}, async (sim) => {
      await call(sim, "POST", SSO, { body: SEED_SAMPLE });
      const before = await simState(sim);
      const a = await call(sim, "POST", "/__sim/restore", { auth: null });
      expectOracleError(a, 409);
      expect(a.json["o:errorCode"]).toBe("SIM-NO-CHECKPOINT");
      expect(a.json.detail).toContain("POST /__sim/checkpoint");
      expect(await simState(sim)).toEqual(before);
    });
  });

  it("keeps named checkpoints beside the unnamed one, each restored on its own, and refuses a bad name, an unknown one and a seventeenth", async () => {
    await withSimulator({}, async (sim) => {
      await ok(call(sim, "POST", "/__sim/checkpoint", { auth: null }), 204);
      const first = await simState(sim);
      await call(sim, "POST", SSO, { body: SEED_SAMPLE });
      await ok(call(sim, "POST", "/__sim/checkpoint/after-post", { auth: null }), 204);
      const second = await simState(sim);
      expect(second).not.toEqual(first);

      await ok(call(sim, "POST", "/__sim/restore", { auth: null }), 204);
      expect(await simState(sim)).toEqual(first);
      await ok(call(sim, "POST", "/__sim/restore/after-post", { auth: null }), 204);
      expect(await simState(sim)).toEqual(second);

      const unknown = await call(sim, "POST", "/__sim/restore/never-kept", { auth: null });
      expectOracleError(unknown, 409);
      expect(unknown.json.detail).toContain("POST /__sim/checkpoint/never-kept");
      const bad = await call(sim, "POST", "/__sim/checkpoint/no%20spaces", { auth: null });
      expectOracleError(bad, 400);
      expect(bad.json["o:errorCode"]).toBe("SIM-INVALID-CHECKPOINT");

      // Each checkpoint is a whole copy of the state: the names are bounded, a kept one reusable.
      for (let i = 2; i < MAX_CHECKPOINTS; i++) {
        await ok(call(sim, "POST", `/__sim/checkpoint/n${i}`, { auth: null }), 204);
      }
      const over = await call(sim, "POST", "/__sim/checkpoint/one-too-many", { auth: null });
      expectOracleError(over, 409);
      expect(over.json["o:errorCode"]).toBe("SIM-TOO-MANY-CHECKPOINTS");
      await ok(call(sim, "POST", "/__sim/checkpoint/after-post", { auth: null }), 204);
      expect(await simState(sim)).toEqual(second);
    });
  });

  it("shows the default behaviour options on GET /__sim/options", async () => {
    const a = await call(fx.simulator, "GET", "/__sim/options", { auth: null });
    expect(a.status).toBe(200);
    expect(a.json).toEqual({
      unknownExpand: "refuse",
      batchedIntegrations: false,
      ssoPost: "merge",
      ssoGetReturnsPasswords: false,
      vendorPatchProperties: "replace",
    });
    expect(fx.simulator.behavior).toEqual(a.json);
  });

  it("changes behaviour options at run time with PATCH /__sim/options, until reset", async () => {
    expect((await call(fx.simulator, "GET", "/rest/v19/users?expand=integrations")).status).toBe(
      400,
    );
    const a = await call(fx.simulator, "PATCH", "/__sim/options", {
      auth: null,
      body: { batchedIntegrations: true, ssoGetReturnsPasswords: true },
    });
    expect(a.status).toBe(200);
    expect(a.json).toEqual({
      unknownExpand: "refuse",
      batchedIntegrations: true,
      ssoPost: "merge",
      ssoGetReturnsPasswords: true,
      vendorPatchProperties: "replace",
    });
    expect(fx.simulator.behavior.batchedIntegrations).toBe(true);
    expect((await call(fx.simulator, "GET", "/rest/v19/users?expand=integrations")).status).toBe(
      200,
    );
    expect((await call(fx.simulator, "GET", SSO)).json).toHaveProperty("samlKeyPass", "");
    await call(fx.simulator, "POST", "/__sim/reset", { auth: null });
    expect(
      (await call(fx.simulator, "GET", "/__sim/options", { auth: null })).json.batchedIntegrations,
    ).toBe(false);
    expect((await call(fx.simulator, "GET", SSO)).json).not.toHaveProperty("samlKeyPass");
  });

  it.each([
    [{ ssoPost: "overwrite" }, "ssoPost"],
    [{ batchedIntegrations: "yes" }, "batchedIntegrations"],
    [{ latencyMs: 5 }, ""],
  ])("refuses invalid options %j, changing nothing", async (body, field) => {
    const a = await call(fx.simulator, "PATCH", "/__sim/options", { auth: null, body });
    expect(a.status).toBe(400);
    expect(a.json["o:errorDetails"][0]["o:errorPath"]).toBe(field);
    expect((await call(fx.simulator, "GET", "/__sim/options", { auth: null })).json.ssoPost).toBe(
      "merge",
    );
  });

  it("takes behaviour options from a seed file, with options given directly winning", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpq-sim-behaviour-"));
    const seedFile = join(dir, "seed.json");
    writeFileSync(seedFile, JSON.stringify({ ssoPost: "replace", unknownExpand: "ignore" }));
    try {
      await withSimulator({ seedFile, unknownExpand: "refuse" }, async (seeded) => {
        expect(seeded.behavior).toEqual({
          unknownExpand: "refuse",
          batchedIntegrations: false,
          ssoPost: "replace",
          ssoGetReturnsPasswords: false,
          vendorPatchProperties: "replace",
        });
      });
      writeFileSync(seedFile, JSON.stringify({ ssoPost: "sometimes" }));
      await expect(startSimulator({ seedFile })).rejects.toThrow(/ssoPost/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers 405 with Allow on admin paths", async () => {
    const a = await call(fx.simulator, "PUT", "/__sim/faults", { auth: null, body: {} });
    expect(a.status).toBe(405);
    expect(a.headers.get("allow")).toBe("GET, POST, DELETE");
  });

  it("adds the configured latency to every CPQ request but not to the admin surface", async () => {
    await withSimulator({ latencyMs: 200 }, async (slow) => {
      let t = Date.now();
      await call(slow, "GET", SSO);
      expect(Date.now() - t).toBeGreaterThanOrEqual(180);
      t = Date.now();
      await call(slow, "GET", "/__sim/state", { auth: null });
      expect(Date.now() - t).toBeLessThan(180);
    });
  });

  it("passes one line per request to the log option", async () => {
    const lines: string[] = [];
    await withSimulator({ log: (l) => lines.push(l) }, async (logged) => {
      await call(logged, "GET", SSO);
    });
    expect(lines).toEqual([expect.stringMatching(/^GET \/rest\/v19\/ssoConfiguration 200 \d+ms$/)]);
  });
});

describe("simulator: seed file and persistence", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cpq-sim-test-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the state across a restart with a state file written with mode 0600", async () => {
    const stateFile = join(dir, "nested", "state.json");
    const first = await startSimulator({ stateFile });
    await call(first, "POST", SSO, { body: SEED_SAMPLE });
    await call(first, "PUT", "/rest/v19/users/1002/integrations/erp", {
      body: { login: "asmith@erp", authType: "password", password: "pw" },
    });
    const before = await simState(first);
    await first.close();

    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, "nested"))).toEqual(["state.json"]);

    await withSimulator({ stateFile }, async (second) => {
      const get = await call(second, "GET", SSO);
      const { samlStorePass: _s, samlKeyPass: _k, ...readable } = SEED_SAMPLE;
      expect(get.json).toEqual(readable);
      expect(await simState(second)).toEqual(before);
      // Reset returns to the seed and persists that too.
      await call(second, "POST", "/__sim/reset", { auth: null });
    });
    await withSimulator({ stateFile }, async (third) => {
      expect((await call(third, "GET", SSO)).json.ssoMethod).toBe("None");
    });
  });

  it("writes a restored state to the state file, and keeps the checkpoint in memory only", async () => {
    const stateFile = join(dir, "state.json");
    let kept: unknown;
    await withSimulator({ stateFile }, async (first) => {
      await call(first, "POST", SSO, { body: SEED_SAMPLE });
      kept = await simState(first);
      await call(first, "POST", "/__sim/checkpoint", { auth: null });
      await call(first, "POST", SSO, { body: { samlStorePass: "changed" } });
      expect((await call(first, "POST", "/__sim/restore", { auth: null })).status).toBe(204);
    });
    await withSimulator({ stateFile }, async (second) => {
      expect(await simState(second)).toEqual(kept);
      expectOracleError(await call(second, "POST", "/__sim/restore", { auth: null }), 409);
    });
  });

  it("loses no update among 50 concurrent POSTs while persisting, in memory or on disk", async () => {
    const stateFile = join(dir, "state.json");
    const sim = await startSimulator({ stateFile });
    const fields = [
      "samlIdpUrl",
      "samlIssuerUrl",
      "idProviderCertificate",
      "requestedNameIdentifierFormat",
      "samlLogoutUrl",
      "samlSingleLogoutEndpoint",
      "samlSingleLogoutResponseEndpoint",
      "samlAttributeName",
      "samlRequestKeyStore",
      "samlStorePass",
    ];
    try {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call(sim, "POST", SSO, { body: { [fields[i % fields.length]!]: `v${i}` } }),
        ),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const get = (await call(sim, "GET", SSO)).json;
      const onDisk = JSON.parse(readFileSync(stateFile, "utf8")).sso;
      fields.forEach((f, k) => {
        const sent = Array.from({ length: 5 }, (_, j) => `v${k + j * fields.length}`);
        expect(sent).toContain(onDisk[f]);
        if (f !== "samlStorePass") expect(get[f]).toBe(onDisk[f]);
      });
    } finally {
      await sim.close();
    }
  });

  it("refuses to start on a state file that is not one, saying how to recover", async () => {
    const stateFile = join(dir, "state.json");
    writeFileSync(stateFile, "{}");
    await expect(startSimulator({ stateFile })).rejects.toThrow(
      /not a simulator state file.*delete it/s,
    );
    writeFileSync(stateFile, "not json");
    await expect(startSimulator({ stateFile })).rejects.toThrow(/not JSON/);
  });

  it("seeds users, partners, credentials and SSO from a seed file, with options winning", async () => {
    const seedFile = join(dir, "seed.json");
    writeFileSync(
      seedFile,
      JSON.stringify({
        credentials: { basic: [{ username: "ops", password: "ops-pw", admin: true }] },
        users: [{ partyNumber: "42", login: "zed" }],
        integrations: {
          partners: [
            {
              tab: "crm",
              partner: "Microsoft Dynamics",
              oauthEnabled: true,
              inbound: false,
              outbound: true,
            },
          ],
        },
        sso: { samlLogoutUrl: "https://from-seed" },
      }),
    );
    await withSimulator(
      { seedFile, sso: { samlIssuerUrl: "https://from-options" } },
      async (sim) => {
        const auth = basic("ops", "ops-pw");
        expect(
          (await call(sim, "GET", SSO, { auth: basic("cpqadmin", "cpqadmin-demo-password") }))
            .status,
        ).toBe(401);
        const sso = await call(sim, "GET", SSO, { auth });
        expect(sso.json.samlIssuerUrl).toBe("https://from-options");
        expect(sso.json.samlLogoutUrl).toBe("");
        expect(sso.json.ssoMethod).toBe("None");
        const users = await call(sim, "GET", "/rest/v19/users", { auth });
        expect(users.json.items).toEqual([
          {
            partyNumber: "42",
            partyId: 300000000001,
            login: "zed",
            firstName: "zed",
            lastName: "",
            email: "zed@example.com",
            type: { value: "FULL_ACCESS", displayValue: "FullAccess" },
            status: { value: 1, displayValue: "Active" },
            enabledForSso: { value: false, displayValue: "No" },
            externalSsoId: "",
            currency: { value: "USD", displayValue: "USD" },
            dateFormat: { value: 0, displayValue: "MM/dd/yyyy h:mm a" },
            links: [{ rel: "self", href: `${sim.url}/rest/v19/users/42` }],
          },
        ]);
        expect(
          (await call(sim, "GET", "/rest/v19/integrations", { auth })).json.items[0].partner,
        ).toBe("Microsoft Dynamics");
      },
    );
  });

  it("refuses an invalid seed at start, naming the problem", async () => {
    const seedFile = join(dir, "seed.json");
    writeFileSync(seedFile, JSON.stringify({ users: [{ login: "x" }] }));
    await expect(startSimulator({ seedFile })).rejects.toThrow(/partyNumber/);
    await expect(startSimulator({ sso: { ssoMethod: "SAML" } })).rejects.toThrow(/ssoMethod/);
    await expect(startSimulator({ seedFile: join(dir, "missing.json") })).rejects.toThrow(
      /Cannot read/,
    );
  });
});

describe("simulator: command line", () => {
  it("prints its URL and credentials, serves until stopped, then resolves 0", async () => {
    let out = "";
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    const done = runSimulatorCli(["--port", "0", "--users", "3", "--latency-ms=0"], {
      out: (t) => (out += t),
      err: (t) => (out += t),
      stopped,
    });
    for (let i = 0; i < 100 && !out.includes("Ctrl+C"); i++)
      await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(url).toBeDefined();
    expect(out).toContain("cpqadmin / cpqadmin-demo-password (administrator)");
    expect(out).toContain("demo-admin-token");
    expect(out).toContain("cpq-sso-demo / demo-client-secret");
    // Ready to paste into a shell for the provider.
    expect(out).toContain(
      `  export CPQ_BASE_URL='${url}' CPQ_USERNAME='cpqadmin' CPQ_PASSWORD='cpqadmin-demo-password'`,
    );
    const res = await fetch(`${url}/rest/v19/users?limit=10&totalResults=true`, {
      headers: { authorization: basic("cpqadmin", "cpqadmin-demo-password") },
    });
    expect(((await res.json()) as { totalResults: number }).totalResults).toBe(6);
    stop();
    await expect(done).resolves.toBe(0);
    expect(out).toContain("stopped");
  });

  it("takes the behaviour options as flags, prints them, and serves accordingly", async () => {
    let out = "";
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    const done = runSimulatorCli(
      [
        "--port",
        "0",
        "--unknown-expand",
        "ignore",
        "--batched-integrations",
        "--sso-post=replace",
        "--sso-get-returns-passwords=true",
        "--vendor-patch-properties",
        "merge",
      ],
      { out: (t) => (out += t), err: (t) => (out += t), stopped },
    );
    for (let i = 0; i < 100 && !out.includes("Ctrl+C"); i++)
      await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(out).toContain(
      "unknownExpand=ignore, batchedIntegrations=true, ssoPost=replace, ssoGetReturnsPasswords=true, vendorPatchProperties=merge",
    );
    const options = await fetch(`${url}/__sim/options`);
    expect(await options.json()).toEqual({
      unknownExpand: "ignore",
      batchedIntegrations: true,
      ssoPost: "replace",
      ssoGetReturnsPasswords: true,
      vendorPatchProperties: "merge",
    });
    const users = await fetch(`${url}/rest/v19/users?expand=roles,integrations`, {
      headers: { authorization: basic("cpqadmin", "cpqadmin-demo-password") },
    });
    expect(users.status).toBe(200);
    expect(((await users.json()) as { items: object[] }).items[0]).toHaveProperty("integrations");
    stop();
    await expect(done).resolves.toBe(0);
  });

  it("prints credentials from a seed file by name only, never their secrets", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpq-sso-sim-cli-"));
    const seedFile = join(dir, "seed.json");
    writeFileSync(
      seedFile,
      JSON.stringify({
        credentials: {
          basic: [{ username: "siteadmin", password: "canary-seeded-password-7z", admin: true }],
          bearer: [{ token: "canary-seeded-token-7z", admin: true }],
        },
      }),
    );
    let out = "";
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    const done = runSimulatorCli(["--port", "0", "--seed-file", seedFile], {
      out: (t) => (out += t),
      err: (t) => (out += t),
      stopped,
    });
    for (let i = 0; i < 100 && !out.includes("Ctrl+C"); i++)
      await new Promise((r) => setTimeout(r, 20));
    stop();
    await expect(done).resolves.toBe(0);
    rmSync(dir, { recursive: true, force: true });
    expect(out).toContain("siteadmin / (from the seed file) (administrator)");
    expect(out).not.toContain("canary-seeded");
  });

  it("stops on SIGTERM", async () => {
    let out = "";
    const done = runSimulatorCli(["--port", "0"], {
      out: (t) => (out += t),
      err: (t) => (out += t),
    });
    for (let i = 0; i < 100 && !out.includes("Ctrl+C"); i++)
      await new Promise((r) => setTimeout(r, 20));
    process.emit("SIGTERM");
    await expect(done).resolves.toBe(0);
  });

  it.each([
    [["--port", "abc"]],
    [["--port"]],
    [["--users", "100001"]],
    [["--verbose"]],
    [["--state-file"]],
    [["--unknown-expand", "warn"]],
    [["--sso-post"]],
    [["--batched-integrations=yes"]],
  ])("refuses bad arguments %j with usage and exit code 2", async (argv) => {
    let err = "";
    const code = await runSimulatorCli(argv, { out: () => undefined, err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toContain("Usage:");
  });

  it("exits 1 with the reason when the simulator cannot start", async () => {
    let err = "";
    const code = await runSimulatorCli(["--host", "10.0.0.1"], {
      out: () => undefined,
      err: (t) => (err += t),
      stopped: Promise.resolve(),
    });
    expect(code).toBe(1);
    expect(err).toContain("loopback");
  });

  it("prints usage for --help", async () => {
    let out = "";
    expect(
      await runSimulatorCli(["--help"], { out: (t) => (out += t), err: () => undefined }),
    ).toBe(0);
    expect(out).toContain("--state-file");
    expect(out).toContain("--sso-post merge|replace");
    expect(out).toContain("/__sim/checkpoint");
  });
});

describe("cpq-sso simulator as a command", () => {
  /** Whether a process has ended (gone, or a zombie nobody reaped yet). */
  const ended = (pid: number): boolean => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
    } catch {
      return true;
    }
  };

  it("stops when the process that started it is killed, as npx's npm is on a runner's cancel", async () => {
    const bin = join(__dirname, "..", "..", "bin", "cpq-sso.js");
    // A shell stands in for npx's npm: it starts the simulator and is then killed outright.
    const parent = spawn(
      "sh",
      ["-c", `"${process.execPath}" "${bin}" simulator --port 0 & echo "child $!"; wait`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    parent.stdout.on("data", (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200 && !out.includes("Ctrl+C"); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const pid = Number(/child (\d+)/.exec(out)?.[1]);
    expect(out).toContain("listening on");
    expect(ended(pid)).toBe(false);
    parent.kill("SIGKILL");
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 50));
      gone = ended(pid);
    }
    if (!gone) process.kill(pid, "SIGTERM");
    expect(gone).toBe(true);
  });
});
