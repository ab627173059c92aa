/**
 * The seed file as docs/cpq-api.md shows it ("The seed file"), and users added to a running
 * simulator through `POST /__sim/users` in the same user shape. The docs' example is read from
 * the page itself, so the example a team copies is the one that starts a simulator here. (A team
 * once had to guess the format to load 500 users.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../simulator";
import type { RunningSimulator, SimulatorSeed } from "../../simulator";
import { SimAdmin } from "../../tooling/sim-admin";
import { basic, call, expectOracleError, withSimulator } from "./simulator-helpers";

const DOCS = readFileSync(join(__dirname, "..", "..", "docs", "cpq-api.md"), "utf8");

/** The JSON block after the `simulator-seed-example` marker of docs/cpq-api.md. */
function docsSeedExample(): string {
  const marker = DOCS.indexOf("<!-- simulator-seed-example -->");
  expect(marker).toBeGreaterThan(0);
  const m = /```json\n([\s\S]*?)\n```/.exec(DOCS.slice(marker));
  expect(m).not.toBeNull();
  return m![1]!;
}

const LOADTEST = basic("loadtest", "loadtest-demo-password");
const usersOf = async (sim: RunningSimulator, query = "") =>
  (await call(sim, "GET", `/rest/v19/users${query}`, { auth: LOADTEST })).json as {
    items: { partyNumber: string; login: string; partyId: number }[];
    totalResults?: number;
  };

describe("the simulator seed file of docs/cpq-api.md", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cpq-sso-seed-docs-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("starts a simulator with the docs' example as written: its users, the 500 generated, its login", async () => {
    const file = join(dir, "seed.json");
    writeFileSync(file, docsSeedExample());
    await withSimulator({ seedFile: file }, async (sim) => {
      const page = await usersOf(sim, "?limit=1000&totalResults=true");
      expect(page.totalResults).toBe(503);
      expect(page.items.slice(0, 4).map((u) => u.login)).toEqual([
        "mchen",
        "rkumar",
        "left.company",
        "user00001",
      ]);
      expect(page.items.find((u) => u.partyNumber === "2003")?.partyId).toBe(42);
      const state = await new SimAdmin(sim.url).state();
      expect(state.partners.map((p) => p.tab)).toEqual(["idp"]);
      expect(state.users.find((u) => u.partyNumber === "2002")).toMatchObject({
        type: "SALES_USER",
        enabledForSso: true,
        externalSsoId: "ravi.kumar@idp.example.com",
        firstName: "rkumar",
        email: "rkumar@example.com",
      });
      // The credentials list given replaced the default Basic logins only.
      expect(
        (await call(sim, "GET", "/rest/v19/users", { auth: basic("cpqadmin", "x") })).status,
      ).toBe(401);
      expect(
        (await call(sim, "GET", "/rest/v19/users", { auth: "Bearer demo-admin-token" })).status,
      ).toBe(200);
    });
  });

  it("refuses a seed file with an unknown key at start, naming it", async () => {
    const file = join(dir, "seed.json");
    const seed = JSON.parse(docsSeedExample()) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...seed, usres: [] }));
    await expect(startSimulator({ seedFile: file })).rejects.toThrow(/usres/);
  });
});

describe("POST /__sim/users: users added to a running simulator", () => {
  it("adds users in the seed's shape after the seed's, served by CPQ's users API at once", async () => {
    await withSimulator({}, async (sim) => {
      const admin = new SimAdmin(sim.url);
      const seed = JSON.parse(docsSeedExample()) as SimulatorSeed;
      const added = await admin.addUsers(seed.users!);
      expect(added.map((u) => u.login)).toEqual(["mchen", "rkumar", "left.company"]);
      // Defaults as a seed gives them: the position after the three default users.
      expect(added[0]).toMatchObject({
        partyId: 300000000004,
        type: "FULL_ACCESS",
        lastName: "Chen",
      });
      expect(added[2]).toMatchObject({
        partyId: 42,
        status: "Inactive",
        firstName: "left.company",
      });
      const r = await call(sim, "GET", '/rest/v19/users?q={"login":"rkumar"}');
      expect(r.json.items).toHaveLength(1);
      expect(r.json.items[0]).toMatchObject({
        partyNumber: "2002",
        externalSsoId: "ravi.kumar@idp.example.com",
      });
      expect((await call(sim, "GET", "/rest/v19/users/2001")).status).toBe(200);
      // PATCH works on an added user as on a seeded one.
      const patched = await call(sim, "PATCH", "/rest/v19/users/2001", {
        body: { enabledForSso: { value: true } },
      });
      expect(patched.status).toBe(200);
      expect((await admin.state()).users.map((u) => u.login)).toEqual([
        "jdoe",
        "asmith",
        "bwayne",
        "mchen",
        "rkumar",
        "left.company",
      ]);
    });
  });

  it("refuses, adding nothing, a party number or party id the site has, a repeat in the body, and a bad field", async () => {
    await withSimulator({}, async (sim) => {
      const post = (body: unknown) => call(sim, "POST", "/__sim/users", { auth: null, body });
      const taken = await post({
        users: [
          { partyNumber: "2001", login: "a" },
          { partyNumber: "1001", login: "b" },
        ],
      });
      expectOracleError(taken, 409, "users.1.partyNumber");
      expect(taken.json.detail).toContain("partyNumber 1001");
      const twice = await post({
        users: [
          { partyNumber: "2001", login: "a" },
          { partyNumber: "2001", login: "b" },
        ],
      });
      expectOracleError(twice, 409, "users.1.partyNumber");
      const sameId = await post({
        users: [{ partyNumber: "2001", login: "a", partyId: 300000000001 }],
      });
      expectOracleError(sameId, 409, "users.0.partyId");
      const badType = await post({ users: [{ partyNumber: "2001", login: "a", type: "ADMIN" }] });
      expectOracleError(badType, 400, "users.0.type");
      const unknown = await post({ users: [{ partyNumber: "2001", login: "a", role: "x" }] });
      expectOracleError(unknown, 400);
      expectOracleError(await post({ users: [] }), 400, "users");
      expect((await new SimAdmin(sim.url).state()).users).toHaveLength(3);
    });
  });

  it("keeps added users across a restart with a state file, and reset removes them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpq-sso-added-users-"));
    const stateFile = join(dir, "state.json");
    try {
      await withSimulator({ stateFile }, async (sim) => {
        await new SimAdmin(sim.url).addUsers([{ partyNumber: "2001", login: "mchen" }]);
      });
      await withSimulator({ stateFile }, async (sim) => {
        const admin = new SimAdmin(sim.url);
        expect((await admin.state()).users.map((u) => u.partyNumber)).toContain("2001");
        await admin.reset();
        expect((await admin.state()).users.map((u) => u.partyNumber)).toEqual([
          "1001",
          "1002",
          "1003",
        ]);
        expect((await call(sim, "GET", "/rest/v19/users/2001")).status).toBe(404);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
