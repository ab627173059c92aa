import { startSimulator } from "../../simulator";
import type { RunningSimulator } from "../../simulator";
import { SimulatorFixture } from "../support/simulator-fixture";
import { ADMIN_AUTH, SALESREP_AUTH, basic, call, expectOracleError } from "./simulator-helpers";

const SSO = "/rest/v19/ssoConfiguration";

async function token(
  sim: RunningSimulator,
  form: Record<string, string>,
  auth: string | null = null,
) {
  return call(sim, "POST", "/oauth2/v1/token", {
    auth,
    body: new URLSearchParams(form).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

describe("simulator: authentication and HTTP errors", () => {
  const fx = new SimulatorFixture({
    options: {
      credentials: {
        bearer: [
          { token: "demo-admin-token", admin: true },
          { token: "viewer-token", admin: false },
        ],
        tokenTtlSeconds: 1,
      },
    },
    resetEachTest: false,
  });

  it("exposes the default credentials, with the configured lists replacing only their own defaults", () => {
    expect(fx.simulator.url).toBe(`http://127.0.0.1:${fx.simulator.port}`);
    expect(fx.simulator.credentials.basic).toEqual([
      { username: "cpqadmin", password: "cpqadmin-demo-password", admin: true },
      { username: "salesrep", password: "salesrep-demo-password", admin: false },
    ]);
    expect(fx.simulator.credentials.oauthClients).toEqual([
      { clientId: "cpq-sso-demo", clientSecret: "demo-client-secret" },
    ]);
    expect(fx.simulator.credentials.bearer).toHaveLength(2);
    expect(fx.simulator.credentials.tokenTtlSeconds).toBe(1);
  });

  it("answers 401 with WWW-Authenticate when no credentials are sent", async () => {
    const a = await call(fx.simulator, "GET", SSO, { auth: null });
    expectOracleError(a, 401);
    expect(a.headers.get("www-authenticate")).toMatch(/^Basic realm=.*Bearer realm=/);
  });

  it.each([
    ["a wrong password", basic("cpqadmin", "wrong")],
    ["an unknown user", basic("nobody", "cpqadmin-demo-password")],
    ["an unknown bearer token", "Bearer not-a-token"],
    ["a malformed header", "Digest abc"],
    ["Basic without a colon", `Basic ${Buffer.from("cpqadmin").toString("base64")}`],
  ])("answers 401 for %s", async (_what, auth) => {
    const a = await call(fx.simulator, "GET", SSO, { auth });
    expectOracleError(a, 401);
    expect(a.headers.get("www-authenticate")).toBeTruthy();
  });

  it("answers 401 before anything else on CPQ paths, even unknown ones", async () => {
    expectOracleError(
      await call(fx.simulator, "GET", "/rest/v19/nothingHere", { auth: null }),
      401,
    );
  });

  it("accepts HTTP Basic and a configured bearer token of an administrator", async () => {
    expect((await call(fx.simulator, "GET", SSO, { auth: ADMIN_AUTH })).status).toBe(200);
    expect((await call(fx.simulator, "GET", SSO, { auth: "Bearer demo-admin-token" })).status).toBe(
      200,
    );
  });

  it("answers 403 to an authenticated user who is not an administrator, on every CPQ route", async () => {
    for (const [method, path] of [
      ["GET", SSO],
      ["POST", SSO],
      ["GET", "/rest/v19/users"],
      ["PATCH", "/rest/v19/users/1001"],
      ["GET", "/rest/v19/integrations"],
      ["GET", "/rest/v19/integrationVendors"],
      ["PUT", "/rest/v19/users/1001/integrations/erp"],
    ] as const) {
      const a = await call(fx.simulator, method, path, {
        auth: SALESREP_AUTH,
        ...(method === "GET" ? {} : { body: {} }),
      });
      expectOracleError(a, 403);
    }
    expectOracleError(await call(fx.simulator, "GET", SSO, { auth: "Bearer viewer-token" }), 403);
  });

  it("answers 404 for unknown paths, outside and inside the CPQ prefix", async () => {
    expectOracleError(await call(fx.simulator, "GET", "/"), 404);
    expectOracleError(await call(fx.simulator, "GET", "/rest/v19/nothingHere"), 404);
    expectOracleError(await call(fx.simulator, "GET", "/rest/v19/ssoConfiguration/extra"), 404);
    expectOracleError(await call(fx.simulator, "GET", "/__sim/nothingHere", { auth: null }), 404);
    expectOracleError(await call(fx.simulator, "GET", "/rest/v19/users/10%ZZ"), 404);
  });

  it("answers 405 with Allow on known paths", async () => {
    const users = await call(fx.simulator, "POST", "/rest/v19/users", { body: {} });
    expectOracleError(users, 405);
    expect(users.headers.get("allow")).toBe("GET");
    const tokenGet = await call(fx.simulator, "GET", "/oauth2/v1/token", { auth: null });
    expect(tokenGet.status).toBe(405);
    expect(tokenGet.headers.get("allow")).toBe("POST");
    const user = await call(fx.simulator, "DELETE", "/rest/v19/users/1001");
    expect(user.headers.get("allow")).toBe("GET, PATCH");
    const tab = await call(fx.simulator, "POST", "/rest/v19/users/1001/integrations/erp", {
      body: {},
    });
    expect(tab.headers.get("allow")).toBe("GET, PUT, DELETE");
  });

  it("answers 413 to a body over 1 MiB and changes nothing", async () => {
    const big = JSON.stringify({ samlLogoutUrl: "x".repeat(1024 * 1024) });
    const a = await call(fx.simulator, "POST", SSO, { body: big });
    expectOracleError(a, 413);
    const get = await call(fx.simulator, "GET", SSO);
    expect(get.json.samlLogoutUrl).toBe("");
  });

  it("accepts a body just under 1 MiB", async () => {
    const value = "x".repeat(1024 * 1024 - 100);
    const a = await call(fx.simulator, "POST", SSO, { body: { samlLogoutUrl: value } });
    expect(a.status).toBe(200);
    await call(fx.simulator, "POST", "/__sim/reset", { auth: null });
  });

  describe("OAuth client credentials", () => {
    it("issues a bearer token to a client authenticated by HTTP Basic", async () => {
      const a = await token(
        fx.simulator,
        { grant_type: "client_credentials", scope: "cpq" },
        basic("cpq-sso-demo", "demo-client-secret"),
      );
      expect(a.status).toBe(200);
      expect(a.headers.get("cache-control")).toBe("no-store");
      expect(a.json).toEqual({
        access_token: expect.any(String),
        token_type: "Bearer",
        expires_in: 1,
        scope: "cpq",
      });
      const get = await call(fx.simulator, "GET", SSO, { auth: `Bearer ${a.json.access_token}` });
      expect(get.status).toBe(200);
    });

    it("issues a token to a client that sends its id and secret in the form", async () => {
      const a = await token(fx.simulator, {
        grant_type: "client_credentials",
        client_id: "cpq-sso-demo",
        client_secret: "demo-client-secret",
      });
      expect(a.status).toBe(200);
      expect(a.json.access_token).toEqual(expect.any(String));
    });

    it("refuses a wrong secret with 401 invalid_client", async () => {
      const a = await token(fx.simulator, {
        grant_type: "client_credentials",
        client_id: "cpq-sso-demo",
        client_secret: "wrong",
      });
      expect(a.status).toBe(401);
      expect(a.json.error).toBe("invalid_client");
      expect(a.headers.get("www-authenticate")).toMatch(/^Basic/);
      expect((await token(fx.simulator, { grant_type: "client_credentials" })).status).toBe(401);
    });

    it("refuses other grant types and bodies that are not a form", async () => {
      const grant = await token(
        fx.simulator,
        { grant_type: "password" },
        basic("cpq-sso-demo", "demo-client-secret"),
      );
      expect(grant.status).toBe(400);
      expect(grant.json.error).toBe("unsupported_grant_type");
      const json = await call(fx.simulator, "POST", "/oauth2/v1/token", {
        auth: basic("cpq-sso-demo", "demo-client-secret"),
        body: { grant_type: "client_credentials" },
      });
      expect(json.status).toBe(400);
      expect(json.json.error).toBe("invalid_request");
    });

    it("answers 401 with error invalid_token once an issued token has expired", async () => {
      const a = await token(
        fx.simulator,
        { grant_type: "client_credentials" },
        basic("cpq-sso-demo", "demo-client-secret"),
      );
      const auth = `Bearer ${a.json.access_token}`;
      expect((await call(fx.simulator, "GET", SSO, { auth })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await call(fx.simulator, "GET", SSO, { auth });
      expectOracleError(expired, 401);
      expect(expired.json.detail).toContain("expired");
      expect(expired.headers.get("www-authenticate")).toContain('error="invalid_token"');
    });
  });
});

describe("simulator: where it listens", () => {
  it("refuses a host that is not a loopback address, saying why", async () => {
    await expect(startSimulator({ host: "0.0.0.0" })).rejects.toThrow(/loopback/);
    await expect(startSimulator({ host: "192.168.1.10" })).rejects.toThrow(/loopback/);
    await expect(startSimulator({ host: "example.com" })).rejects.toThrow(/loopback/);
  });

  it("listens on IPv6 loopback with a bracketed URL", async () => {
    let sim: RunningSimulator | undefined;
    try {
      sim = await startSimulator({ host: "::1" });
    } catch (e) {
      // A machine without IPv6 cannot run this check.
      if ((e as NodeJS.ErrnoException).code === "EADDRNOTAVAIL") return;
      throw e;
    }
    try {
      expect(sim.url).toBe(`http://[::1]:${sim.port}`);
      expect((await call(sim, "GET", SSO)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it("fails to start on a port that is already taken", async () => {
    const first = await startSimulator();
    try {
      await expect(startSimulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });

  it("closes idempotently", async () => {
    const sim = await startSimulator();
    await Promise.all([sim.close(), sim.close()]);
    await expect(fetch(`${sim.url}${SSO}`)).rejects.toThrow();
  });
});
