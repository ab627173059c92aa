/**
 * `cpq_users` validate and read against a fake users listing: which CPQ call each filter makes,
 * the id it reads as, and each user as a row of the `users` attribute's object type.
 */
import { emptyObject, validateConfiguration } from "../../provider/contract/attributes";
import { USERS_ATTRIBUTES, usersDataSource } from "../../provider/resources/users-data-source";
import type { UsersContext } from "../../provider/resources/users-data-source";
import type { ListAllUsersQuery, UserWire } from "../../provider/client";
import type { ObjectValue, Value } from "../../provider/contract/types";
import { UNKNOWN } from "../../provider/contract/types";

const validateUsersQuery = (config: Record<string, unknown>) =>
  validateConfiguration(usersDataSource, config);

/** A site with these users; it records every listing call. */
function fakeSite(users: readonly UserWire[]) {
  const calls: { method: string; arg: unknown }[] = [];
  const client: UsersContext["client"] = {
    listAllUsers: (query?: ListAllUsersQuery) => {
      calls.push({ method: "listAllUsers", arg: query });
      return Promise.resolve(users.map((u) => ({ ...u })));
    },
    findUsersByLogin: (login: string) => {
      calls.push({ method: "findUsersByLogin", arg: login });
      return Promise.resolve(users.filter((u) => u.login.toLowerCase() === login.toLowerCase()));
    },
  };
  return { ctx: { client } satisfies UsersContext, calls };
}

const JDOE: UserWire = {
  partyNumber: "1001",
  login: "jdoe",
  firstName: "John",
  lastName: "Doe",
  email: "jdoe@example.com",
  type: { value: "FULL_ACCESS", displayValue: "FullAccess" },
  status: { value: "ACTIVE", displayValue: "Active" },
  enabledForSso: { value: true, displayValue: "Yes" },
};
/** A user as an older site prints one: emailAddress, coded values without a display value. */
const ASMITH: UserWire = {
  partyNumber: "1002",
  login: "asmith",
  emailAddress: "asmith@example.com",
  type: { value: "SALES_USER" },
  status: "Active",
  enabledForSso: "N",
};

/** A user CPQ says little about: no names, no email, no type, status or SSO flag. */
const BWAYNE: UserWire = { partyNumber: "1003", login: "bwayne" };

const config = (v: Record<string, Value>): ObjectValue => ({
  ...emptyObject(USERS_ATTRIBUTES),
  ...v,
});

const ROW_KEYS = Object.keys(
  (USERS_ATTRIBUTES.find((a) => a.name === "users")!.type as { list: { object: object } }).list
    .object,
).sort();

describe("cpq_users", () => {
  it("lists every user when neither login nor q is set, reading as id all", async () => {
    const site = fakeSite([JDOE, ASMITH, BWAYNE]);
    const cfg = config({});
    expect(validateUsersQuery(cfg)).toEqual([]);
    const res = await usersDataSource.read(site.ctx, cfg);
    expect(res.diagnostics).toEqual([]);
    expect(site.calls).toEqual([{ method: "listAllUsers", arg: { pageSize: 1000 } }]);
    expect(res.state).toEqual({
      id: "all",
      login: null,
      q: null,
      users: [
        {
          party_number: "1001",
          login: "jdoe",
          first_name: "John",
          last_name: "Doe",
          email: "jdoe@example.com",
          type: "FullAccess",
          status: "Active",
          enabled_for_sso: true,
        },
        {
          party_number: "1002",
          login: "asmith",
          first_name: null,
          last_name: null,
          email: "asmith@example.com",
          type: "SALES_USER",
          status: "Active",
          enabled_for_sso: false,
        },
        {
          party_number: "1003",
          login: "bwayne",
          first_name: null,
          last_name: null,
          email: null,
          type: null,
          status: null,
          // CPQ does not say: null, not false.
          enabled_for_sso: null,
        },
      ],
    });
  });

  it("reads one user by login through the login lookup, reading as id login:<login>", async () => {
    const site = fakeSite([JDOE, ASMITH]);
    const res = await usersDataSource.read(site.ctx, config({ login: "JDoe" }));
    expect(site.calls).toEqual([{ method: "findUsersByLogin", arg: "JDoe" }]);
    expect(res.state).toMatchObject({ id: "login:JDoe", login: "JDoe", q: null });
    expect(res.state.users).toEqual([expect.objectContaining({ party_number: "1001" })]);
  });

  it("passes a q filter to the users listing as given, reading as id q:<q>", async () => {
    const site = fakeSite([ASMITH]);
    const q = '{"login":{"$in":["asmith","bwayne"]}}';
    const cfg = config({ q });
    expect(validateUsersQuery(cfg)).toEqual([]);
    const res = await usersDataSource.read(site.ctx, cfg);
    expect(site.calls).toEqual([{ method: "listAllUsers", arg: { q, pageSize: 1000 } }]);
    expect(res.state).toMatchObject({ id: `q:${q}`, q, login: null });
  });

  it("answers an empty list, not an error, when no user matches", async () => {
    const res = await usersDataSource.read(fakeSite([JDOE]).ctx, config({ login: "nobody" }));
    expect(res.diagnostics).toEqual([]);
    expect(res.state).toMatchObject({ id: "login:nobody", users: [] });
  });

  it("gives every row exactly the attributes of the users object type", async () => {
    const res = await usersDataSource.read(fakeSite([JDOE, ASMITH, BWAYNE]).ctx, config({}));
    const rows = res.state.users as readonly Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(Object.keys(r).sort()).toEqual(ROW_KEYS);
  });

  it("lets a failing users listing reject the read, for the plugin to report", async () => {
    const ctx: UsersContext = {
      client: {
        listAllUsers: () => Promise.reject(new Error("CPQ answered 503")),
        findUsersByLogin: () => Promise.reject(new Error("CPQ answered 503")),
      },
    };
    await expect(usersDataSource.read(ctx, config({}))).rejects.toThrow("CPQ answered 503");
  });

  it("refuses login and q together, naming q", () => {
    const diags = validateUsersQuery(config({ login: "jdoe", q: '{"login":"jdoe"}' }));
    expect(diags.map((d) => [d.severity, d.summary, d.path])).toEqual([
      ["error", 'Both "login" and "q" are set', ["q"]],
    ]);
  });

  it("waits for an unknown login before refusing it beside q", () => {
    expect(validateUsersQuery(config({ login: UNKNOWN, q: '{"login":"jdoe"}' }))).toEqual([]);
  });

  it.each(["nope", "[1]", '"jdoe"', "null", "42"])(
    "refuses a q of %s, which is not a JSON object, naming q",
    (q) => {
      const diags = validateUsersQuery(config({ q }));
      expect(diags.map((d) => [d.severity, d.summary, d.path])).toEqual([
        ["error", '"q" is not a JSON object', ["q"]],
      ]);
    },
  );

  it("refuses a users list or an id in the configuration: the provider reads them", () => {
    const diags = validateUsersQuery(config({ id: "all", users: [] }));
    expect(diags.filter((d) => d.severity === "error").map((d) => d.path)).toEqual([
      ["id"],
      ["users"],
    ]);
  });
});
