/**
 * `cpq_users` data source: the site's users, filtered by login or by a CPQ `q` expression, so a
 * configuration can look up party numbers for its logins.
 */
import { isKnown } from "../contract/attributes";
import type {
  Attribute,
  DataSourceDefinition,
  Diagnostic,
  ObjectValue,
  Row,
} from "../contract/types";
import type { CpqClient, UserWire } from "../client";
import { codedBoolean, codedText, userEmail } from "../client/coded";

/** What the provider hands this data source. */
export interface UsersContext {
  readonly client: Pick<CpqClient, "listAllUsers" | "findUsersByLogin">;
}

/** The attributes of one user row. */
const USER_ROW = {
  party_number: "string",
  login: "string",
  first_name: "string",
  last_name: "string",
  email: "string",
  type: "string",
  status: "string",
  enabled_for_sso: "bool",
} as const;

/** The attribute table of `cpq_users`. */
export const USERS_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "id",
    type: "string",
    kind: "computed",
    description: "The filter this list was read with (`login:<login>`, `q:<q>`, or `all`).",
  },
  {
    name: "login",
    type: "string",
    kind: "optional",
    description: "Only the user with this CPQ login (compared without regard to case).",
  },
  {
    name: "q",
    type: "string",
    kind: "optional",
    description:
      'A CPQ `q` filter as JSON, e.g. `{"login":{"$in":["jdoe","asmith"]}}`. Leave out both `login` and `q` to list every user.',
  },
  {
    name: "users",
    type: { list: { object: USER_ROW } },
    kind: "computed",
    description:
      "The matching users: `party_number`, `login`, `first_name`, `last_name`, `email`, `type` and `status` (CPQ's display values, e.g. `FullAccess`, `Active`), `enabled_for_sso` (null when CPQ does not say).",
  },
];

/** Offline checks beyond the table: one filter at most, and `q` must be a JSON object. */
function validateUsersQuery(config: Readonly<Record<string, unknown>>): Diagnostic[] {
  const diags: Diagnostic[] = [];
  if (isKnown(config.login) && isKnown(config.q)) {
    diags.push({
      severity: "error",
      summary: 'Both "login" and "q" are set',
      detail: 'Filter by login, or by a q expression (which can name logins: {"login":"jdoe"}).',
      path: ["q"],
    });
  }
  const q = config.q;
  if (typeof q === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(q);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      diags.push({
        severity: "error",
        summary: '"q" is not a JSON object',
        detail: 'Give a CPQ q filter as a JSON object, e.g. jsonencode({ login = "jdoe" }).',
        path: ["q"],
      });
    }
  }
  return diags;
}

function row(u: UserWire): Row {
  return {
    party_number: u.partyNumber,
    login: u.login,
    first_name: u.firstName ?? null,
    last_name: u.lastName ?? null,
    email: userEmail(u),
    type: codedText(u.type),
    status: codedText(u.status),
    enabled_for_sso: codedBoolean(u.enabledForSso),
  };
}

async function read(
  ctx: UsersContext,
  config: ObjectValue,
): Promise<{ state: ObjectValue; diagnostics: Diagnostic[] }> {
  const login = typeof config.login === "string" ? config.login : undefined;
  const q = typeof config.q === "string" ? config.q : undefined;
  const users = login
    ? await ctx.client.findUsersByLogin(login)
    : await ctx.client.listAllUsers(q ? { q, pageSize: 1000 } : { pageSize: 1000 });
  return {
    state: {
      ...config,
      id: login ? `login:${login}` : q ? `q:${q}` : "all",
      users: users.map(row),
    },
    diagnostics: [],
  };
}

/** The data source definition served by the provider. */
export const usersDataSource = {
  typeName: "cpq_users",
  description:
    "CPQ users, by login or by a `q` filter: use it to look up party numbers for `cpq_user_integration_login`.",
  attributes: USERS_ATTRIBUTES,
  validate: validateUsersQuery,
  read,
} satisfies DataSourceDefinition<UsersContext>;
