// Every client method and auth mode against the simulator, over real HTTP on a free port.
import { CpqHttpError } from "../../provider/client";
import {
  BEARER,
  SALESREP,
  failure,
  loggedRequests,
  memoryLogger,
  simulatorWithClients,
} from "./client-helpers";

// Oracle's "Request Body Sample", exactly as printed in the REST reference.
const SEED_SAMPLE = {
  ssoMethod: "Federated and Remote",
  samlIssuerUrl: "BigMachines Issuer URL value",
  idProviderCertificate: "base64encodecertvalue",
  samlNeedRequestSigned: "true",
  samlRequestKeyStore: "base64encodedcertvalue",
  samlStorePass: "storePassValue",
  samlKeyPass: "keyPassValue",
  requestedNameIdentifierFormat: "identifier format value",
  samlIdpUrl: "identity provided url value",
  samlLogoutUrl: "logout url",
  samlSingleLogoutEndpoint: "logout endpoint",
  samlSingleLogoutResponseEndpoint: "logout response endpoint",
  samlUserIdType: "assertionTypeUsername",
  samlUserIdLocation: "idLocationAttribute",
  samlAttributeName: "AttributeValue",
};

// The batched listing (`expand=integrations`) is this project's assumed extension: on for this
// file's simulator, off in the default one (test/unit/user-directory.test.ts covers both).
const fx = simulatorWithClients({ batchedIntegrations: true });
const clients = fx.clients;

describe("CPQ client: SSO configuration", () => {
  it("reads the SSO settings as strings, without the two passwords", async () => {
    const sso = await clients.make().getSsoConfiguration();
    expect(sso.ssoMethod).toBe("None");
    for (const v of Object.values(sso)) expect(typeof v).toBe("string");
    expect(sso).not.toHaveProperty("samlStorePass");
    expect(sso).not.toHaveProperty("samlKeyPass");
  });

  it("posts Oracle's sample body, reports the restart it needs, and reads it back", async () => {
    const client = clients.make();
    await expect(client.postSsoConfiguration(SEED_SAMPLE)).resolves.toEqual({
      restartRequired: true,
      statusCode: "200",
      repeatedAfterLostAnswer: false,
    });
    const sso = await client.getSsoConfiguration();
    expect(sso).toMatchObject({
      ssoMethod: "Federated and Remote",
      samlAttributeName: "AttributeValue",
    });
    expect(sso).not.toHaveProperty("samlStorePass");
    // Only a URL changes: no restart.
    await expect(
      client.postSsoConfiguration({ samlLogoutUrl: "https://idp.example.com/logout" }),
    ).resolves.toEqual({
      restartRequired: false,
      statusCode: "200",
      repeatedAfterLostAnswer: false,
    });
  });

  it("turns CPQ's 400 into an HTTP error naming the refused field and CPQ's error code", async () => {
    const err = await failure(clients.make().postSsoConfiguration({ samlUserIdType: "foo" }));
    expect(err).toBeInstanceOf(CpqHttpError);
    const e = err as CpqHttpError;
    expect(e).toMatchObject({
      code: "CPQ_HTTP",
      status: 400,
      method: "POST",
      path: "/rest/v19/ssoConfiguration",
    });
    expect(e.errorPaths).toEqual(["samlUserIdType"]);
    expect(e.errorCode).toEqual(expect.any(String));
    expect(e.message).toMatch(/samlUserIdType/);
    expect(e.message).toMatch(/Fix the refused value/);
  });
});

describe("CPQ client: users", () => {
  it("lists one page with limit and offset", async () => {
    const page = await clients.make().listUsers({ limit: 2, offset: 0 });
    expect(page.items).toHaveLength(2);
    expect(page.hasMore).toBe(true);
    expect(page.items[0]).toMatchObject({ partyNumber: "1001", login: "jdoe" });
  });

  it("lists every user across pages", async () => {
    const client = clients.make();
    const users = await client.listAllUsers({ pageSize: 1 });
    expect(users.map((u) => u.partyNumber)).toEqual(["1001", "1002", "1003"]);
    expect((await loggedRequests(fx.sim)).filter((r) => r.path === "/rest/v19/users")).toHaveLength(
      3,
    );
  });

  it("gets a user by party number, and reports an unknown one as a 404", async () => {
    const client = clients.make();
    await expect(client.getUser("1002")).resolves.toMatchObject({ login: "asmith" });
    const err = await failure(client.getUser("9999"));
    expect(err).toMatchObject({ code: "CPQ_HTTP", status: 404, path: "/rest/v19/users/9999" });
  });

  it("finds users by login, case-insensitively, with their integrations when asked", async () => {
    const client = clients.make();
    await client.putUserIntegration("1001", "crm", {
      login: "jdoe@sales.example.com",
      authType: "oauth",
      password: "crm-password",
    });
    const found = await client.findUsersByLogin("JDOE", { expand: "integrations" });
    expect(found.map((u) => u.partyNumber)).toEqual(["1001"]);
    expect(found[0]?.integrations?.items).toEqual([
      expect.objectContaining({
        tab: "crm",
        login: "jdoe@sales.example.com",
        authType: "oauth",
      }),
    ]);
    await expect(client.findUsersByLogin("nobody")).resolves.toEqual([]);
  });

  it("URL-encodes path segments", async () => {
    const err = await failure(clients.make().getUser("a/b c"));
    expect(err).toMatchObject({ status: 404, path: "/rest/v19/users/a%2Fb%20c" });
  });
});

describe("CPQ client: user integration", () => {
  it("reads the site's partners", async () => {
    const integrations = await clients.make().getIntegrations();
    expect(integrations.oauthEnabled).toBe(true);
    expect(integrations.items.map((p) => p.tab)).toEqual(["crm", "idp", "erp"]);
  });

  it("saves, reads, lists and deletes a login, and reads an empty tab as null", async () => {
    const client = clients.make();
    await expect(client.getUserIntegration("1002", "crm")).resolves.toBeNull();
    const saved = await client.putUserIntegration("1002", "crm", {
      login: "asmith@sales",
      authType: "oauth",
      password: "crm-password",
    });
    expect(saved).toMatchObject({ tab: "crm", login: "asmith@sales", authType: "oauth" });
    expect(saved).not.toHaveProperty("password");
    await expect(client.getUserIntegration("1002", "crm")).resolves.toMatchObject({
      login: "asmith@sales",
    });
    await expect(client.listUserIntegrations("1002")).resolves.toEqual([
      expect.objectContaining({ tab: "crm" }),
    ]);
    await client.deleteUserIntegration("1002", "crm");
    await expect(client.getUserIntegration("1002", "crm")).resolves.toBeNull();
    await expect(client.listUserIntegrations("1002")).resolves.toEqual([]);
  });

  it("saves a password login without ever reading the password back", async () => {
    const client = clients.make();
    const saved = await client.putUserIntegration("1001", "erp", {
      login: "jdoe@erp.example.com",
      authType: "password",
      password: "jdoe-erp-password",
    });
    expect(saved).toMatchObject({ authType: "password" });
    expect(saved).not.toHaveProperty("password");
  });

  it("checks a login with the partner without saving it", async () => {
    const client = clients.make();
    const good = await client.checkUserIntegration("1001", "erp", {
      login: "jdoe@erp.example.com",
      authType: "password",
      password: "jdoe-erp-password",
    });
    expect(good.valid).toBe(true);
    const bad = await client.checkUserIntegration("1001", "erp", {
      login: "jdoe@erp.example.com",
      authType: "password",
      password: "wrong",
    });
    expect(bad.valid).toBe(false);
    await expect(client.getUserIntegration("1001", "erp")).resolves.toBeNull();
  });

  it("revokes a stored token", async () => {
    const client = clients.make();
    await client.putUserIntegration("1001", "crm", {
      login: "jdoe@sales",
      authType: "oauth",
      password: "crm-password",
    });
    const revoked = await client.revokeUserIntegrationToken("1001", "crm");
    expect(revoked).toMatchObject({ tab: "crm", tokenPresent: false });
  });
});

describe("CPQ client: authentication and addressing", () => {
  it("authenticates with a bearer token", async () => {
    await expect(clients.make({ auth: BEARER }).getIntegrations()).resolves.toBeDefined();
  });

  it("reports refused credentials once: the first 401 carries the fix, later calls fail in one line and send nothing", async () => {
    const logger = memoryLogger();
    const client = clients.make({
      auth: { kind: "basic", username: "cpqadmin", password: "wrong-password" },
      logger,
    });
    const first = await failure(client.getSsoConfiguration());
    expect(String(first)).toMatch(/Check the username and password, or the access token/);
    expect(String(first)).toContain("CPQ_PASSWORD");
    const sent = (await loggedRequests(fx.sim)).length;
    const later = await failure(client.listUsers());
    expect(later).toMatchObject({ code: "CPQ_HTTP", status: 401, refusedBefore: true });
    expect((later as Error).message).toBe(
      "CPQ refused the credentials earlier in this run; another error says how to fix them. " +
        "GET /rest/v19/users was not sent, so a wrong password is not tried again.",
    );
    expect((await loggedRequests(fx.sim)).length).toBe(sent);
    expect(logger.lines.filter((l) => l.level === "info").map((l) => l.msg)).toEqual([
      "CPQ refused the credentials (401); no further request is sent with them in this run",
    ]);
    expect(logger.text()).not.toContain("wrong-password");
  });

  it("reports refused credentials once when several requests were in flight", async () => {
    const client = clients.make({
      auth: { kind: "basic", username: "cpqadmin", password: "wrong-password" },
    });
    const errors = await Promise.all([
      failure(client.getSsoConfiguration()),
      failure(client.listUsers()),
      failure(client.getUser("1001")),
    ]);
    expect(
      errors.filter((e) => String(e).includes("Check the username and password")),
    ).toHaveLength(1);
    expect(errors.filter((e) => (e as { refusedBefore?: boolean }).refusedBefore)).toHaveLength(2);
  });

  it("explains a 401 as a credentials problem", async () => {
    const err = await failure(
      clients
        .make({ auth: { kind: "basic", username: "cpqadmin", password: "wrong-password" } })
        .getSsoConfiguration(),
    );
    expect(err).toMatchObject({ code: "CPQ_HTTP", status: 401 });
    expect(String(err)).toMatch(/Check the username and password, or the access token/);
    const bearer = await failure(
      clients.make({ auth: { kind: "bearer", token: "not-a-token" } }).getSsoConfiguration(),
    );
    expect(bearer).toMatchObject({ status: 401 });
  });

  it("explains a 403 as a user who is not a CPQ administrator", async () => {
    const err = await failure(clients.make({ auth: SALESREP }).getSsoConfiguration());
    expect(err).toMatchObject({ code: "CPQ_HTTP", status: 403 });
    expect(String(err)).toMatch(/must be a CPQ administrator/);
  });

  it("addresses Oracle-in-Fusion sites under /cpq and the oldest supported API version", async () => {
    const client = clients.make({ pathPrefix: "/cpq", apiVersion: "v17" });
    await expect(client.getSsoConfiguration()).resolves.toMatchObject({ ssoMethod: "None" });
    await client.listUsers({ limit: 1 });
    expect((await loggedRequests(fx.sim)).map((r) => r.path)).toEqual([
      "/cpq/rest/v17/ssoConfiguration",
      "/cpq/rest/v17/users",
    ]);
  });

  it("follows a path template set for a site's own endpoint", async () => {
    const client = clients.make({ paths: { integrations: "/cpq/rest/v18/integrations" } });
    await client.getIntegrations();
    expect((await loggedRequests(fx.sim)).map((r) => r.path)).toEqual([
      "/cpq/rest/v18/integrations",
    ]);
  });
});
