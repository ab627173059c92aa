import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../simulator";
import { SimulatorFixture } from "../support/simulator-fixture";
import {
  SALESREP_AUTH,
  call,
  expectOracleError,
  simState,
  withSimulator,
} from "./simulator-helpers";

function q(value: unknown): string {
  return encodeURIComponent(typeof value === "string" ? value : JSON.stringify(value));
}

const logins = (a: { json: { items: { login: string }[] } }) => a.json.items.map((u) => u.login);

describe("simulator: users with the default seed", () => {
  const fx = new SimulatorFixture({ resetEachTest: false });

  it("lists the default users, each in Oracle's shape with coded fields and a self link", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/users");
    expect(a.status).toBe(200);
    expect(logins(a)).toEqual(["jdoe", "asmith", "bwayne"]);
    expect(a.json.items[0]).toEqual({
      partyNumber: "1001",
      partyId: 300000000001,
      login: "jdoe",
      firstName: "John",
      lastName: "Doe",
      email: "jdoe@example.com",
      type: { value: "FULL_ACCESS", displayValue: "FullAccess" },
      status: { value: 1, displayValue: "Active" },
      enabledForSso: { value: false, displayValue: "No" },
      externalSsoId: "",
      currency: { value: "USD", displayValue: "USD" },
      dateFormat: { value: 0, displayValue: "MM/dd/yyyy h:mm a" },
      links: [{ rel: "self", href: `${fx.simulator.url}/rest/v19/users/1001` }],
    });
    expect(a.json.items[2].type).toEqual({ value: "SALES_USER", displayValue: "SalesUser" });
    expect(a.json.items[0]).not.toHaveProperty("emailAddress");
  });

  it("answers limit 1000, offset 0 and no totalResults when neither limit nor offset is given", async () => {
    for (const query of ["", "?totalResults=true"]) {
      const a = await call(fx.simulator, "GET", `/rest/v19/users${query}`);
      expect(a.json).toMatchObject({ hasMore: false, limit: 1000, offset: 0, count: 3 });
      expect(a.json).not.toHaveProperty("totalResults");
    }
  });

  it("adds totalResults only when totalResults=true comes with limit or offset", async () => {
    const withLimit = await call(fx.simulator, "GET", "/rest/v19/users?limit=2&totalResults=true");
    expect(withLimit.json).toMatchObject({ count: 2, hasMore: true, totalResults: 3 });
    const withOffset = await call(
      fx.simulator,
      "GET",
      "/rest/v19/users?offset=1&totalResults=true",
    );
    expect(withOffset.json).toMatchObject({ count: 2, hasMore: false, totalResults: 3 });
    for (const query of ["limit=2", "limit=2&totalResults=false", "offset=1"]) {
      const a = await call(fx.simulator, "GET", `/rest/v19/users?${query}`);
      expect(a.json).not.toHaveProperty("totalResults");
    }
  });

  it("returns one user by party number, with links on the prefix and version asked", async () => {
    for (const prefix of ["/rest/v19", "/cpq/rest/v17", "/rest/v18"]) {
      const a = await call(fx.simulator, "GET", `${prefix}/users/1002`);
      expect(a.status).toBe(200);
      expect(a.json.login).toBe("asmith");
      expect(a.json.links).toEqual([
        { rel: "self", href: `${fx.simulator.url}${prefix}/users/1002` },
      ]);
    }
  });

  it("answers 404 for an unknown party number", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/users/9999");
    expectOracleError(a, 404);
    expect(a.json.detail).toContain("9999");
  });

  it("filters on login, exactly and case-insensitively", async () => {
    const a = await call(fx.simulator, "GET", `/rest/v19/users?q=${q({ login: "JDOE" })}`);
    expect(a.json.items.map((u: { partyNumber: string }) => u.partyNumber)).toEqual(["1001"]);
    const none = await call(fx.simulator, "GET", `/rest/v19/users?q=${q({ login: "jdo" })}`);
    expect(none.json.items).toEqual([]);
    expect(none.json.count).toBe(0);
  });

  it("filters on a list of logins with $in", async () => {
    const a = await call(
      fx.simulator,
      "GET",
      `/rest/v19/users?q=${q({ login: { $in: ["bwayne", "JDOE", "ghost"] } })}`,
    );
    expect(logins(a)).toEqual(["jdoe", "bwayne"]);
  });

  it("filters with $like and % wildcards, accepting Oracle's single-quoted example form", async () => {
    const single = await call(
      fx.simulator,
      "GET",
      `/rest/v19/users?q=${q("{'login':{'$like':'%SMI%'}}")}`,
    );
    expect(single.status).toBe(200);
    expect(logins(single)).toEqual(["asmith"]);
    const prefix = await call(
      fx.simulator,
      "GET",
      `/rest/v19/users?q=${q({ login: { $like: "b%" } })}`,
    );
    expect(logins(prefix)).toEqual(["bwayne"]);
    // Without a wildcard, $like is an exact (case-insensitive) match; other characters are literal.
    const exact = await call(
      fx.simulator,
      "GET",
      `/rest/v19/users?q=${q({ login: { $like: "jdo" } })}`,
    );
    expect(logins(exact)).toEqual([]);
    const dot = await call(
      fx.simulator,
      "GET",
      `/rest/v19/users?q=${q({ login: { $like: "j.oe" } })}`,
    );
    expect(logins(dot)).toEqual([]);
  });

  it("accepts single-quoted equality and keeps an apostrophe inside double quotes", async () => {
    const a = await call(fx.simulator, "GET", `/rest/v19/users?q=${q("{'login':'asmith'}")}`);
    expect(logins(a)).toEqual(["asmith"]);
    const b = await call(fx.simulator, "GET", `/rest/v19/users?q=${q({ login: "o'brien" })}`);
    expect(b.status).toBe(200);
    expect(b.json.items).toEqual([]);
  });

  it.each([
    ["not JSON", "login=jdoe"],
    ["another field", JSON.stringify({ email: "x" })],
    ["two fields", JSON.stringify({ login: "jdoe", type: "x" })],
    ["an unknown operator", JSON.stringify({ login: { $regex: "j.*" } })],
    ["a $like that is not a string", JSON.stringify({ login: { $like: 3 } })],
    ["a non-string login", JSON.stringify({ login: 3 })],
  ])("refuses a q that is %s with a 400 naming q", async (_what, value) => {
    const a = await call(fx.simulator, "GET", `/rest/v19/users?q=${encodeURIComponent(value)}`);
    expectOracleError(a, 400, "q");
  });
});

describe("simulator: users seeded with SSO fields", () => {
  it("serves a seed's email, type, status, enabledForSso and externalSsoId in the coded shapes", async () => {
    await withSimulator(
      {
        users: [
          {
            partyNumber: "BM_Zb69fNkzcp8",
            partyId: 181556695830934,
            login: "partner.pat",
            email: "pat@partner.example.com",
            type: "PARTNER_USER",
            status: "Inactive",
            enabledForSso: true,
            externalSsoId: "E-4711",
          },
        ],
      },
      async (sim) => {
        const a = await call(sim, "GET", "/rest/v19/users/BM_Zb69fNkzcp8");
        expect(a.json).toMatchObject({
          partyId: 181556695830934,
          firstName: "partner.pat",
          lastName: "",
          email: "pat@partner.example.com",
          type: { value: "PARTNER_USER", displayValue: "PartnerUser" },
          status: { value: 0, displayValue: "Inactive" },
          enabledForSso: { value: true, displayValue: "Yes" },
          externalSsoId: "E-4711",
        });
      },
    );
  });

  it("refuses the old emailAddress and type names in a seed, naming the field", async () => {
    await expect(
      startSimulator({
        users: [{ partyNumber: "1", login: "a", emailAddress: "a@x" } as never],
      }),
    ).rejects.toThrow(/emailAddress/);
    await expect(
      startSimulator({
        users: [{ partyNumber: "1", login: "a", type: "FullAccessUser" as never }],
      }),
    ).rejects.toThrow(/type/);
  });

  it("refuses two users with one partyId at start", async () => {
    await expect(
      startSimulator({
        users: [
          { partyNumber: "1", login: "a", partyId: 7 },
          { partyNumber: "2", login: "b", partyId: 7 },
        ],
      }),
    ).rejects.toThrow(/partyId 7/);
  });
});

describe("simulator: users expand", () => {
  const fx = new SimulatorFixture({ resetEachTest: false });

  it("expands groups and accessPermissions, the two values Oracle lists, to item lists", async () => {
    const list = await call(fx.simulator, "GET", "/rest/v19/users?expand=groups,accessPermissions");
    expect(list.status).toBe(200);
    expect(list.json.items[0]).toMatchObject({
      groups: { items: [] },
      accessPermissions: { items: [] },
    });
    const one = await call(fx.simulator, "GET", "/rest/v19/users/1001?expand=groups");
    expect(one.json.groups).toEqual({ items: [] });
    expect(one.json).not.toHaveProperty("accessPermissions");
    const plain = await call(fx.simulator, "GET", "/rest/v19/users/1001");
    expect(plain.json).not.toHaveProperty("groups");
  });

  it("refuses an unknown expand by default, naming the value and the allowed ones", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/users?expand=groups,roles");
    expectOracleError(a, 400, "expand");
    expect(a.json.detail).toContain("'roles'");
    expect(a.json.detail).toContain("groups, accessPermissions");
    expectOracleError(
      await call(fx.simulator, "GET", "/rest/v19/users/1001?expand=all"),
      400,
      "expand",
    );
  });

  it("treats expand=integrations as unknown unless batchedIntegrations is on", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/users?expand=integrations");
    expectOracleError(a, 400, "expand");
    expect(a.json.detail).not.toContain("Allowed values: groups, accessPermissions, integrations");
    expectOracleError(
      await call(fx.simulator, "GET", "/rest/v19/users/1001?expand=integrations"),
      400,
    );
  });

  it("answers as if an unknown expand were not given with unknownExpand ignore", async () => {
    await withSimulator({ unknownExpand: "ignore" }, async (lenient) => {
      const a = await call(lenient, "GET", "/rest/v19/users?expand=roles,groups,integrations");
      expect(a.status).toBe(200);
      expect(a.json.items[0].groups).toEqual({ items: [] });
      expect(a.json.items[0]).not.toHaveProperty("roles");
      expect(a.json.items[0]).not.toHaveProperty("integrations");
      const one = await call(lenient, "GET", "/rest/v19/users/1001?expand=roles");
      expect(one.status).toBe(200);
      expect(Object.keys(one.json)).toEqual(
        Object.keys((await call(lenient, "GET", "/rest/v19/users/1001")).json),
      );
    });
  });

  it("adds each user's integration tabs with expand=integrations when batchedIntegrations is on", async () => {
    await withSimulator({ batchedIntegrations: true }, async (batched) => {
      await call(batched, "PUT", "/rest/v19/users/1001/integrations/erp", {
        body: { login: "jdoe@erp.example.com", authType: "password", password: "pw" },
      });
      const a = await call(batched, "GET", "/rest/v19/users?expand=integrations");
      expect(a.status).toBe(200);
      expect(a.json.items[0].integrations).toEqual({
        items: [
          { tab: "erp", login: "jdoe@erp.example.com", authType: "password", tokenPresent: false },
        ],
      });
      expect(a.json.items[1].integrations).toEqual({ items: [] });
      const one = await call(batched, "GET", "/rest/v19/users/1001?expand=integrations,groups");
      expect(one.json.integrations.items).toHaveLength(1);
      expect(one.json.groups).toEqual({ items: [] });
      const plain = await call(batched, "GET", "/rest/v19/users");
      expect(plain.json.items[0]).not.toHaveProperty("integrations");
      const unknown = await call(batched, "GET", "/rest/v19/users?expand=roles");
      expect(unknown.json.detail).toContain("groups, accessPermissions, integrations");
    });
  });
});

describe("simulator: PATCH a user", () => {
  const fx = new SimulatorFixture();

  it("sets enabledForSso and externalSsoId, keeps the fields left out, and answers the record", async () => {
    const a = await call(fx.simulator, "PATCH", "/rest/v19/users/1002", {
      body: { enabledForSso: { value: true }, externalSsoId: "E-1002" },
    });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      partyNumber: "1002",
      login: "asmith",
      firstName: "Alice",
      lastName: "Smith",
      email: "asmith@example.com",
      enabledForSso: { value: true, displayValue: "Yes" },
      externalSsoId: "E-1002",
      links: [{ rel: "self", href: `${fx.simulator.url}/rest/v19/users/1002` }],
    });
    const get = await call(fx.simulator, "GET", "/rest/v19/users/1002");
    expect(get.json).toEqual(a.json);
    const list = await call(fx.simulator, "GET", "/rest/v19/users");
    expect(list.json.items[1]).toEqual(a.json);
    expect(list.json.items[0].enabledForSso.value).toBe(false);
    const state = await simState(fx.simulator);
    expect(state.users[1]).toMatchObject({ enabledForSso: true, externalSsoId: "E-1002" });
  });

  it("accepts a bare boolean enabledForSso and the plain name and email strings", async () => {
    await call(fx.simulator, "PATCH", "/rest/v19/users/1001", { body: { enabledForSso: true } });
    const a = await call(fx.simulator, "PATCH", "/rest/v19/users/1001", {
      body: { firstName: "Jon", lastName: "Doh", email: "jon@example.com", enabledForSso: false },
    });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      firstName: "Jon",
      lastName: "Doh",
      email: "jon@example.com",
      enabledForSso: { value: false, displayValue: "No" },
      externalSsoId: "",
    });
  });

  it("records a PATCH in the request log with its body", async () => {
    await call(fx.simulator, "PATCH", "/rest/v19/users/1001", { body: { externalSsoId: "x1" } });
    const items = (await call(fx.simulator, "GET", "/__sim/requests", { auth: null })).json.items;
    expect(items).toEqual([
      expect.objectContaining({
        method: "PATCH",
        path: "/rest/v19/users/1001",
        status: 200,
        body: { externalSsoId: "x1" },
      }),
    ]);
  });

  it.each([
    ["an unknown field", { login: "other" }, "login"],
    ["a misspelt field", { externalSSOId: "x" }, "externalSSOId"],
    ["a non-string externalSsoId", { externalSsoId: 5 }, "externalSsoId"],
    ["a null email", { email: null }, "email"],
    ["a string enabledForSso value", { enabledForSso: { value: "true" } }, "enabledForSso"],
    ["an enabledForSso without value", { enabledForSso: {} }, "enabledForSso"],
    [
      "an extra field inside enabledForSso",
      { enabledForSso: { value: true, x: 1 } },
      "enabledForSso",
    ],
    ["a string enabledForSso", { enabledForSso: "Yes" }, "enabledForSso"],
  ])("refuses %s with a 400 naming it and changes nothing", async (_what, body, field) => {
    const a = await call(fx.simulator, "PATCH", "/rest/v19/users/1001", {
      body: { externalSsoId: "kept-out", ...body },
    });
    expectOracleError(a, 400, field);
    expect(a.json.detail).toContain(field);
    expect((await call(fx.simulator, "GET", "/rest/v19/users/1001")).json.externalSsoId).toBe("");
  });

  it("refuses a body that is not a JSON object", async () => {
    for (const body of ["", "{nope", [], "true"]) {
      expectOracleError(await call(fx.simulator, "PATCH", "/rest/v19/users/1001", { body }), 400);
    }
  });

  it("answers 404 for an unknown user", async () => {
    const a = await call(fx.simulator, "PATCH", "/rest/v19/users/9999", {
      body: { externalSsoId: "x" },
    });
    expectOracleError(a, 404);
    expect(a.json.detail).toContain("9999");
  });

  it("answers 403 to a caller who is not an administrator, and changes nothing", async () => {
    const a = await call(fx.simulator, "PATCH", "/rest/v19/users/1001", {
      auth: SALESREP_AUTH,
      body: { externalSsoId: "sneaky" },
    });
    expectOracleError(a, 403);
    expect((await call(fx.simulator, "GET", "/rest/v19/users/1001")).json.externalSsoId).toBe("");
  });

  it("loses no update when PATCHes of different users and fields arrive at once", async () => {
    const answers = await Promise.all([
      call(fx.simulator, "PATCH", "/rest/v19/users/1001", { body: { externalSsoId: "a" } }),
      call(fx.simulator, "PATCH", "/rest/v19/users/1001", {
        body: { enabledForSso: { value: true } },
      }),
      call(fx.simulator, "PATCH", "/rest/v19/users/1001", { body: { firstName: "J" } }),
      call(fx.simulator, "PATCH", "/rest/v19/users/1003", { body: { externalSsoId: "c" } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const one = (await call(fx.simulator, "GET", "/rest/v19/users/1001")).json;
    expect(one).toMatchObject({
      externalSsoId: "a",
      enabledForSso: { value: true },
      firstName: "J",
    });
    expect((await call(fx.simulator, "GET", "/rest/v19/users/1003")).json.externalSsoId).toBe("c");
  });

  it("restores the seeded fields on POST /__sim/reset", async () => {
    await call(fx.simulator, "PATCH", "/rest/v19/users/1001", { body: { enabledForSso: true } });
    await call(fx.simulator, "POST", "/__sim/reset", { auth: null });
    expect((await call(fx.simulator, "GET", "/rest/v19/users/1001")).json.enabledForSso.value).toBe(
      false,
    );
  });

  it("keeps PATCHed fields across a restart with a state file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpq-sim-users-"));
    const stateFile = join(dir, "state.json");
    try {
      const first = await startSimulator({ stateFile });
      await call(first, "PATCH", "/rest/v19/users/1003", {
        body: { enabledForSso: { value: true }, externalSsoId: "E-3" },
      });
      await first.close();
      await withSimulator({ stateFile }, async (second) => {
        const a = await call(second, "GET", "/rest/v19/users/1003");
        expect(a.json).toMatchObject({ enabledForSso: { value: true }, externalSsoId: "E-3" });
        expect(a.json.login).toBe("bwayne");
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("simulator: users at scale", () => {
  const fx = new SimulatorFixture({ options: { generatedUsers: 1500 }, resetEachTest: false });

  it("adds generated users user00001... with party numbers P00001... after the seeded ones", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/users?limit=2&offset=3&totalResults=true");
    expect(a.json.items).toEqual([
      expect.objectContaining({ partyNumber: "P00001", login: "user00001", partyId: 300000000004 }),
      expect.objectContaining({ partyNumber: "P00002", login: "user00002" }),
    ]);
    expect(a.json.totalResults).toBe(1503);
  });

  it("caps a limit over 1000 at 1000 instead of refusing it", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/users?limit=5000");
    expect(a.status).toBe(200);
    expect(a.json.limit).toBe(1000);
    expect(a.json.items).toHaveLength(1000);
    expect(a.json.count).toBe(1000);
    expect(a.json.hasMore).toBe(true);
    const huge = await call(
      fx.simulator,
      "GET",
      "/rest/v19/users?limit=99999999999999999999&offset=1000",
    );
    expect(huge.json).toMatchObject({ limit: 1000, count: 503, hasMore: false });
  });

  it("answers 1000 items when no limit is given", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/users");
    expect(a.json.items).toHaveLength(1000);
    expect(a.json.hasMore).toBe(true);
  });

  it("pages with limit and offset until hasMore is false", async () => {
    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const a = await call(fx.simulator, "GET", `/rest/v19/users?limit=400&offset=${offset}`);
      expect(a.json.limit).toBe(400);
      expect(a.json.offset).toBe(offset);
      expect(a.json.count).toBe(a.json.items.length);
      seen.push(...a.json.items.map((u: { partyNumber: string }) => u.partyNumber));
      if (!a.json.hasMore) break;
      offset += a.json.count;
    }
    expect(seen).toHaveLength(1503);
    expect(new Set(seen).size).toBe(1503);
  });

  it("answers an empty page past the end", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/users?offset=5000&totalResults=true");
    expect(a.json).toMatchObject({ items: [], hasMore: false, count: 0, totalResults: 1503 });
  });

  it.each([
    ["limit", "0"],
    ["limit", "-1"],
    ["limit", "ten"],
    ["limit", "1.5"],
    ["limit", ""],
    ["offset", "-5"],
    ["offset", "1.5"],
    ["totalResults", "yes"],
  ])("refuses %s=%s with a 400 naming it", async (name, value) => {
    const a = await call(fx.simulator, "GET", `/rest/v19/users?${name}=${value}`);
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
