import { startSimulator } from "../../simulator";
import type { RunningSimulator } from "../../simulator";
import { call, expectOracleError } from "./simulator-helpers";

function q(value: unknown): string {
  return encodeURIComponent(JSON.stringify(value));
}

describe("simulator: users with the default seed", () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it("lists the default users with the documented item shape", async () => {
    const a = await call(sim, "GET", "/rest/v19/users");
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      hasMore: false,
      limit: 100,
      offset: 0,
      count: 3,
      totalResults: 3,
    });
    expect(a.json.items.map((u: { login: string }) => u.login)).toEqual([
      "jdoe",
      "asmith",
      "bwayne",
    ]);
    expect(a.json.items[0]).toEqual({
      partyNumber: "1001",
      login: "jdoe",
      firstName: "John",
      lastName: "Doe",
      emailAddress: "jdoe@example.com",
      type: "FullAccessUser",
      status: "Active",
    });
  });

  it("returns one user by party number, also under /cpq and older versions", async () => {
    for (const path of ["/rest/v19/users/1002", "/cpq/rest/v16/users/1002"]) {
      const a = await call(sim, "GET", path);
      expect(a.status).toBe(200);
      expect(a.json.login).toBe("asmith");
    }
  });

  it("answers 404 for an unknown party number", async () => {
    const a = await call(sim, "GET", "/rest/v19/users/9999");
    expectOracleError(a, 404);
    expect(a.json.detail).toContain("9999");
  });

  it("filters on login, exactly and case-insensitively", async () => {
    const a = await call(sim, "GET", `/rest/v19/users?q=${q({ login: "JDOE" })}`);
    expect(a.json.items.map((u: { partyNumber: string }) => u.partyNumber)).toEqual(["1001"]);
    expect(a.json.totalResults).toBe(1);
    const none = await call(sim, "GET", `/rest/v19/users?q=${q({ login: "jdo" })}`);
    expect(none.json.items).toEqual([]);
    expect(none.json.count).toBe(0);
  });

  it("filters on a list of logins with $in", async () => {
    const a = await call(
      sim,
      "GET",
      `/rest/v19/users?q=${q({ login: { $in: ["bwayne", "jdoe", "ghost"] } })}`,
    );
    expect(a.json.items.map((u: { login: string }) => u.login)).toEqual(["jdoe", "bwayne"]);
  });

  it.each([
    ["not JSON", "login=jdoe"],
    ["another field", JSON.stringify({ email: "x" })],
    ["two fields", JSON.stringify({ login: "jdoe", type: "x" })],
    ["an unknown operator", JSON.stringify({ login: { $like: "j%" } })],
    ["a non-string login", JSON.stringify({ login: 3 })],
  ])("refuses a q that is %s with a 400 naming q", async (_what, value) => {
    const a = await call(sim, "GET", `/rest/v19/users?q=${encodeURIComponent(value)}`);
    expectOracleError(a, 400, "q");
  });

  it("adds each user's integrations with expand=integrations", async () => {
    await call(sim, "PUT", "/rest/v19/users/1001/integrations/erp", {
      body: { login: "jdoe@erp.example.com", authType: "password", password: "pw" },
    });
    try {
      const a = await call(sim, "GET", "/rest/v19/users?expand=integrations");
      expect(a.json.items[0].integrations).toEqual({
        items: [
          { tab: "erp", login: "jdoe@erp.example.com", authType: "password", tokenPresent: false },
        ],
      });
      expect(a.json.items[1].integrations).toEqual({ items: [] });
      const one = await call(sim, "GET", "/rest/v19/users/1001?expand=integrations");
      expect(one.json.integrations.items).toHaveLength(1);
      const plain = await call(sim, "GET", "/rest/v19/users");
      expect(plain.json.items[0]).not.toHaveProperty("integrations");
    } finally {
      await call(sim, "POST", "/__sim/reset", { auth: null });
    }
  });

  it("refuses an unknown expand", async () => {
    expectOracleError(await call(sim, "GET", "/rest/v19/users?expand=roles"), 400, "expand");
  });
});

describe("simulator: users at scale", () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ generatedUsers: 2500 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("adds generated users user00001... with party numbers P00001... after the seeded ones", async () => {
    const a = await call(sim, "GET", "/rest/v19/users?limit=2&offset=3");
    expect(a.json.items).toEqual([
      expect.objectContaining({ partyNumber: "P00001", login: "user00001" }),
      expect.objectContaining({ partyNumber: "P00002", login: "user00002" }),
    ]);
    expect(a.json.totalResults).toBe(2503);
  });

  it("pages with limit and offset until hasMore is false", async () => {
    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const a = await call(sim, "GET", `/rest/v19/users?limit=1000&offset=${offset}`);
      expect(a.json.limit).toBe(1000);
      expect(a.json.offset).toBe(offset);
      expect(a.json.count).toBe(a.json.items.length);
      seen.push(...a.json.items.map((u: { partyNumber: string }) => u.partyNumber));
      if (!a.json.hasMore) break;
      offset += a.json.count;
    }
    expect(seen).toHaveLength(2503);
    expect(new Set(seen).size).toBe(2503);
  });

  it("answers an empty page past the end", async () => {
    const a = await call(sim, "GET", "/rest/v19/users?offset=5000");
    expect(a.json).toMatchObject({ items: [], hasMore: false, count: 0, totalResults: 2503 });
  });

  it.each([
    ["limit", "1001"],
    ["limit", "0"],
    ["limit", "-1"],
    ["limit", "ten"],
    ["offset", "-5"],
    ["offset", "1.5"],
    ["totalResults", "yes"],
  ])("refuses %s=%s with a 400 naming it", async (name, value) => {
    const a = await call(sim, "GET", `/rest/v19/users?${name}=${value}`);
    expectOracleError(a, 400, name);
  });

  it("refuses more than 100000 generated users at start", async () => {
    await expect(startSimulator({ generatedUsers: 100001 })).rejects.toThrow(/generatedUsers/);
  });

  it("refuses two users with one party number at start", async () => {
    await expect(
      startSimulator({
        users: [
          { partyNumber: "1", login: "a" },
          { partyNumber: "1", login: "b" },
        ],
      }),
    ).rejects.toThrow(/partyNumber 1/);
  });
});
