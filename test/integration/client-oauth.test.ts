// OAuth client credentials against the simulator's token endpoint: one fetch shared and cached,
// refreshed on expiry and after a 401.
import { sleep } from "../../provider/client/limiter";
import {
  addFault,
  failure,
  loggedRequests,
  memoryLogger,
  oauth,
  simulatorWithClients,
} from "./client-helpers";

const TOKEN_PATH = "/oauth2/v1/token";

// Tokens live one second, so expiry is observable within a fast test.
const fx = simulatorWithClients({ credentials: { tokenTtlSeconds: 1 } });
const clients = fx.clients;

async function tokenRequests(): Promise<number> {
  return (await loggedRequests(fx.sim)).filter((r) => r.path === TOKEN_PATH).length;
}

describe("CPQ client OAuth", () => {
  it("fetches one token for many concurrent calls and reuses it", async () => {
    const client = clients.make({ auth: oauth(fx.sim) });
    await Promise.all([
      client.getIntegrations(),
      client.getSsoConfiguration(),
      client.listUsers(),
      client.getUser("1001"),
    ]);
    await client.getIntegrations();
    expect(await tokenRequests()).toBe(1);
    const cpq = (await loggedRequests(fx.sim)).filter((r) => r.path !== TOKEN_PATH);
    expect(cpq).toHaveLength(5);
    expect(cpq.every((r) => r.status === 200)).toBe(true);
  });

  it("sends the client credentials grant with the scope", async () => {
    const client = clients.make({ auth: { ...oauth(fx.sim), scope: "urn:cpq:admin" } });
    await client.getIntegrations();
    const token = (await loggedRequests(fx.sim)).find((r) => r.path === TOKEN_PATH);
    expect(token).toMatchObject({ method: "POST", status: 200 });
    expect(token?.body).toMatchObject({ grant_type: "client_credentials", scope: "urn:cpq:admin" });
  });

  it("fetches a new token shortly before the old one expires", async () => {
    const logger = memoryLogger();
    const client = clients.make({ auth: oauth(fx.sim), logger });
    await client.getIntegrations();
    await sleep(950);
    await client.getIntegrations();
    expect(await tokenRequests()).toBe(2);
    expect((await loggedRequests(fx.sim)).every((r) => r.status === 200)).toBe(true);
    expect(logger.lines.filter((l) => l.msg === "fetched OAuth access token")).toHaveLength(2);
  });

  it("fetches a new token once when CPQ answers 401 to the cached one", async () => {
    const client = clients.make({ auth: oauth(fx.sim) });
    await client.getIntegrations();
    await addFault(fx.sim, { path: "integrations$", kind: "status", status: 401, count: 1 });
    await expect(client.getIntegrations()).resolves.toBeDefined();
    expect(await tokenRequests()).toBe(2);
    expect((await loggedRequests(fx.sim)).map((r) => r.status)).toEqual([200, 200, 401, 200, 200]);
  });

  it("gives up after one fresh token when CPQ keeps answering 401", async () => {
    await addFault(fx.sim, { path: "integrations$", kind: "status", status: 401, count: 5 });
    const err = await failure(clients.make({ auth: oauth(fx.sim) }).getIntegrations());
    expect(err).toMatchObject({ code: "CPQ_HTTP", status: 401 });
    expect(await tokenRequests()).toBe(2);
  });

  it("explains a refused client secret as an OAuth client problem", async () => {
    const err = await failure(
      clients.make({ auth: oauth(fx.sim, "wrong-secret") }).getIntegrations(),
    );
    expect(err).toMatchObject({ code: "CPQ_HTTP", path: TOKEN_PATH, method: "POST" });
    expect(String(err)).toMatch(
      /OAuth token endpoint answered 4\d\d.*Check client_id, client_secret and scope/,
    );
  });

  it("retries the token endpoint when it is briefly unavailable", async () => {
    await addFault(fx.sim, { path: "oauth2", kind: "status", status: 503, count: 1 });
    await expect(clients.make({ auth: oauth(fx.sim) }).getIntegrations()).resolves.toBeDefined();
    expect(await tokenRequests()).toBe(2);
  });
});
