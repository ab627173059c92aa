import { SimulatorFixture } from "../support/simulator-fixture";
import { call, expectOracleError, simState, withSimulator } from "./simulator-helpers";

const ERP = "/rest/v19/users/1001/integrations/erp";
const CRM = "/rest/v19/users/1001/integrations/crm";

describe("simulator: user integration", () => {
  const fx = new SimulatorFixture();

  it("lists the site's partners with OAuth per partner", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/integrations");
    expect(a.status).toBe(200);
    expect(a.json).toEqual({
      oauthEnabled: true,
      items: [
        { tab: "crm", partner: "Oracle Sales", oauthEnabled: true, inbound: true, outbound: true },
        {
          tab: "idp",
          partner: "Oracle Identity Cloud Service",
          oauthEnabled: true,
          inbound: true,
          outbound: false,
        },
        {
          tab: "erp",
          partner: "Oracle ERP Cloud",
          oauthEnabled: false,
          inbound: false,
          outbound: true,
        },
      ],
    });
  });

  it("answers an empty list and oauthEnabled false for a site without partners", async () => {
    await withSimulator({ integrations: { partners: [] } }, async (bare) => {
      expect((await call(bare, "GET", "/rest/v19/integrations")).json).toEqual({
        oauthEnabled: false,
        items: [],
      });
    });
  });

  it("saves a password login, returns it without its secrets, and lists it", async () => {
    const put = await call(fx.simulator, "PUT", ERP, {
      body: { login: "jdoe@erp", authType: "password", password: "p1", securityToken: "t1" },
    });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({
      tab: "erp",
      login: "jdoe@erp",
      authType: "password",
      tokenPresent: false,
    });
    const get = await call(fx.simulator, "GET", ERP);
    expect(get.json).toEqual(put.json);
    expect(get.text).not.toContain("p1");
    const list = await call(fx.simulator, "GET", "/rest/v19/users/1001/integrations");
    expect(list.json).toEqual({ items: [put.json] });
    const state = await simState(fx.simulator);
    expect(state.integrations["1001"].erp.password.set).toBe(true);
    expect(state.integrations["1001"].erp.securityToken.set).toBe(true);
  });

  it("keeps a stored password when a later PUT leaves it out, and replaces it when sent", async () => {
    await call(fx.simulator, "PUT", ERP, {
      body: { login: "a", authType: "password", password: "p1" },
    });
    const first = (await simState(fx.simulator)).integrations["1001"].erp.password;
    await call(fx.simulator, "PUT", ERP, { body: { login: "b", authType: "password" } });
    expect((await simState(fx.simulator)).integrations["1001"].erp.password).toEqual(first);
    await call(fx.simulator, "PUT", ERP, {
      body: { login: "b", authType: "password", password: "p2" },
    });
    expect((await simState(fx.simulator)).integrations["1001"].erp.password.sha256).not.toBe(
      first.sha256,
    );
  });

  it("answers 404 for a tab without a login, an unknown tab and an unknown user", async () => {
    expectOracleError(await call(fx.simulator, "GET", ERP), 404);
    expectOracleError(await call(fx.simulator, "GET", "/rest/v19/users/1001/integrations/hr"), 404);
    expectOracleError(await call(fx.simulator, "GET", "/rest/v19/users/9999/integrations"), 404);
    expectOracleError(
      await call(fx.simulator, "PUT", "/rest/v19/users/9999/integrations/erp", {
        body: { login: "x", authType: "password" },
      }),
      404,
    );
  });

  it("deletes a login with 204, after which the tab answers 404", async () => {
    await call(fx.simulator, "PUT", ERP, {
      body: { login: "a", authType: "password", password: "p" },
    });
    const del = await call(fx.simulator, "DELETE", ERP);
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    expectOracleError(await call(fx.simulator, "GET", ERP), 404);
    expectOracleError(await call(fx.simulator, "DELETE", ERP), 404);
    expect((await simState(fx.simulator)).integrations).toEqual({});
  });

  describe("validation of a Save", () => {
    it.each([
      ["login", { authType: "password" }],
      ["login", { login: "", authType: "password" }],
      ["authType", { login: "a" }],
      ["authType", { login: "a", authType: "basic" }],
      ["password", { login: "a", authType: "password", password: 5 }],
      ["extra", { login: "a", authType: "password", extra: "x" }],
    ])("refuses a body with a bad %s", async (field, body) => {
      expectOracleError(await call(fx.simulator, "PUT", ERP, { body }), 400, field);
    });

    it("refuses password logins on an OAuth partner and OAuth logins on a partner without it", async () => {
      expectOracleError(
        await call(fx.simulator, "PUT", CRM, {
          body: { login: "a", authType: "password", password: "p" },
        }),
        400,
        "authType",
      );
      expectOracleError(
        await call(fx.simulator, "PUT", ERP, { body: { login: "a", authType: "oauth" } }),
        400,
        "authType",
      );
    });

    it("needs a password for a partner with both inbound and outbound integration", async () => {
      const a = await call(fx.simulator, "PUT", CRM, {
        body: { login: "jdoe@sales", authType: "oauth" },
      });
      expectOracleError(a, 400, "password");
      expect(a.json.detail).toContain("inbound and outbound");
    });

    it("refuses Salesforce without OAuth, as CPQ has since 23D", async () => {
      await withSimulator(
        {
          integrations: {
            partners: [
              {
                tab: "crm",
                partner: "Salesforce",
                oauthEnabled: false,
                inbound: false,
                outbound: true,
              },
            ],
          },
        },
        async (sf) => {
          const a = await call(sf, "PUT", "/rest/v19/users/1001/integrations/crm", {
            body: { login: "a", authType: "password", password: "p" },
          });
          expectOracleError(a, 400, "authType");
          expect(a.json.detail).toContain("23D");
        },
      );
    });

    it("saves nothing when a Save is refused", async () => {
      await call(fx.simulator, "PUT", ERP, { body: { login: "a", authType: "oauth" } });
      expect((await simState(fx.simulator)).integrations).toEqual({});
    });
  });

  describe("OAuth tokens", () => {
    const save = (login: string) =>
      call(fx.simulator, "PUT", CRM, { body: { login, authType: "oauth", password: "crm-pw" } });
    const generate = () =>
      call(fx.simulator, "POST", "/__sim/users/1001/integrations/crm/token", { auth: null });

    it("saves an OAuth login without a token until the partner generates one", async () => {
      expect((await save("jdoe@sales")).json.tokenPresent).toBe(false);
      const gen = await generate();
      expect(gen.status).toBe(200);
      expect(gen.json.tokenPresent).toBe(true);
      expect((await call(fx.simulator, "GET", CRM)).json.tokenPresent).toBe(true);
    });

    it("keeps the token when the same login is saved again, and drops it when the login changes", async () => {
      await save("jdoe@sales");
      await generate();
      expect((await save("jdoe@sales")).json.tokenPresent).toBe(true);
      expect((await save("john@sales")).json.tokenPresent).toBe(false);
    });

    it("revokes a token", async () => {
      await save("jdoe@sales");
      await generate();
      const r = await call(fx.simulator, "POST", `${CRM}/actions/revokeToken`);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        tab: "crm",
        login: "jdoe@sales",
        authType: "oauth",
        tokenPresent: false,
      });
      expect((await call(fx.simulator, "GET", CRM)).json.tokenPresent).toBe(false);
    });

    it("refuses to revoke on a partner without OAuth or a tab without a login", async () => {
      expectOracleError(await call(fx.simulator, "POST", `${CRM}/actions/revokeToken`), 404);
      await call(fx.simulator, "PUT", ERP, {
        body: { login: "a", authType: "password", password: "p" },
      });
      expectOracleError(await call(fx.simulator, "POST", `${ERP}/actions/revokeToken`), 400, "tab");
    });

    it("lets only the partner make tokens: the admin route refuses a partner without OAuth", async () => {
      expect((await generate()).status).toBe(404);
      await call(fx.simulator, "PUT", ERP, {
        body: { login: "a", authType: "password", password: "p" },
      });
      const a = await call(fx.simulator, "POST", "/__sim/users/1001/integrations/erp/token", {
        auth: null,
      });
      expect(a.status).toBe(409);
    });
  });

  describe("the Check action", () => {
    const check = (body: unknown, path = ERP) =>
      call(fx.simulator, "POST", `${path}/actions/check`, { body });

    it("accepts a login and password the partner knows", async () => {
      const a = await check({
        login: "jdoe@erp.example.com",
        authType: "password",
        password: "jdoe-erp-password",
      });
      expect(a.status).toBe(200);
      expect(a.json).toEqual({ valid: true, message: expect.any(String) });
    });

    it("refuses a wrong password without saving anything", async () => {
      const a = await check({
        login: "jdoe@erp.example.com",
        authType: "password",
        password: "nope",
      });
      expect(a.json.valid).toBe(false);
      expect(a.json.message).not.toContain("nope");
      expectOracleError(await call(fx.simulator, "GET", ERP), 404);
    });

    it("needs the security token when the partner requires one", async () => {
      const base = {
        login: "asmith@erp.example.com",
        authType: "password",
        password: "asmith-erp-password",
      };
      expect((await check(base, "/rest/v19/users/1002/integrations/erp")).json.valid).toBe(false);
      expect(
        (
          await check(
            { ...base, securityToken: "asmith-erp-token" },
            "/rest/v19/users/1002/integrations/erp",
          )
        ).json.valid,
      ).toBe(true);
    });

    it("checks the stored password of the same login when the body leaves it out", async () => {
      await call(fx.simulator, "PUT", ERP, {
        body: {
          login: "jdoe@erp.example.com",
          authType: "password",
          password: "jdoe-erp-password",
        },
      });
      expect(
        (await check({ login: "jdoe@erp.example.com", authType: "password" })).json.valid,
      ).toBe(true);
      expectOracleError(await check({ login: "other", authType: "password" }), 400, "password");
    });

    it("saves nothing, even for a valid login", async () => {
      await check({
        login: "jdoe@erp.example.com",
        authType: "password",
        password: "jdoe-erp-password",
      });
      expect((await simState(fx.simulator)).integrations).toEqual({});
    });

    it("answers 405 to GET on an action", async () => {
      const a = await call(fx.simulator, "GET", `${ERP}/actions/check`);
      expectOracleError(a, 405);
      expect(a.headers.get("allow")).toBe("POST");
    });
  });
});
