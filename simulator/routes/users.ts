/**
 * `GET /rest/{version}/users`, `GET` and `PATCH /users/{partyNumber}` (documented by Oracle), with
 * the login subset of `q`, Oracle's paging rules, and this project's `expand=integrations` when the
 * `batchedIntegrations` behaviour serves it.
 */
import type { SimulatorBehavior } from "../behavior";
import { badRequest } from "../errors";
import type { RequestContext, Route } from "../http";
import { jsonBody, notFound, ok } from "../http";
import { likePattern, queryObject } from "../query";
import type { Services } from "../services";
import { parseUserPatch } from "../validation";
import type { StoredUser } from "../wire";
import { integrationItem, userItem } from "../wire";

// Oracle: "If no limit is specified or if a limit greater than 1000 is specified, a pagination
// limit of 1000 will be used." So a larger limit is capped, not refused.
const MAX_LIMIT = 1000;

/** The expand values Oracle lists for the users routes. */
const ORACLE_EXPANSIONS = ["groups", "accessPermissions"] as const;

type Expansion = (typeof ORACLE_EXPANSIONS)[number] | "integrations";

/** A whole-number query parameter, or undefined when absent; a 400 below `min` or not whole. */
function intParam(ctx: RequestContext, name: string, min: number): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw)) {
    throw badRequest(
      "CPQ-INVALID-QUERY",
      name,
      `Invalid value for ${name}: '${raw}'. Expected a whole number.`,
    );
  }
  const n = Number(raw);
  if (n < min) {
    throw badRequest(
      "CPQ-INVALID-QUERY",
      name,
      `Invalid value for ${name}: ${raw}. Expected ${min} or more.`,
    );
  }
  return n;
}

/** The login filter of `q` as a predicate on lower-cased logins, or undefined for no filter. */
function loginFilter(ctx: RequestContext): ((login: string) => boolean) | undefined {
  const parsed = queryObject(
    ctx,
    `Use {"login":"<login>"}, {"login":{"$in":["<login>",...]}} or {"login":{"$like":"%<part>%"}}.`,
  );
  if (!parsed) return undefined;
  const { q, refuse } = parsed;
  const keys = Object.keys(q);
  if (keys.length !== 1 || keys[0] !== "login") throw refuse("only login can be filtered on");
  const cond = q.login;
  if (typeof cond === "string") {
    const want = cond.toLowerCase();
    return (login) => login === want;
  }
  if (typeof cond === "object" && cond !== null && !Array.isArray(cond)) {
    const ops = Object.entries(cond);
    const [op, arg] = ops[0] ?? [];
    if (ops.length === 1 && op === "$in" && Array.isArray(arg)) {
      if (arg.every((x) => typeof x === "string")) {
        const set = new Set(arg.map((x: string) => x.toLowerCase()));
        return (login) => set.has(login);
      }
    }
    if (ops.length === 1 && op === "$like" && typeof arg === "string") {
      const re = likePattern(arg);
      return (login) => re.test(login);
    }
  }
  throw refuse('login must be a string, {"$in": [strings]} or {"$like": "pattern"}');
}

/**
 * The expansions a request asks for. A value outside the served ones is refused or dropped,
 * as the `unknownExpand` behaviour says; `integrations` is served only with `batchedIntegrations`.
 */
function expansions(ctx: RequestContext, behavior: SimulatorBehavior): ReadonlySet<Expansion> {
  const raw = ctx.query.get("expand");
  const out = new Set<Expansion>();
  if (raw === null) return out;
  const served: readonly Expansion[] = behavior.batchedIntegrations
    ? [...ORACLE_EXPANSIONS, "integrations"]
    : ORACLE_EXPANSIONS;
  for (const part of raw.split(",")) {
    const p = part.trim();
    if (p === "") continue;
    if ((served as readonly string[]).includes(p)) out.add(p as Expansion);
    else if (behavior.unknownExpand === "refuse") {
      throw badRequest(
        "CPQ-INVALID-QUERY",
        "expand",
        `Invalid expand: '${p}'. Allowed values: ${served.join(", ")}.`,
      );
    }
  }
  return out;
}

/** The users routes, relative to `/rest/{version}`. */
export function userRoutes(s: Services): Route[] {
  const item = (u: StoredUser, base: string, expand: ReadonlySet<Expansion>) => ({
    ...userItem(u, base),
    // The simulator keeps no groups or access permissions; the expansion's shape is what matters.
    ...(expand.has("groups") ? { groups: { items: [] } } : {}),
    ...(expand.has("accessPermissions") ? { accessPermissions: { items: [] } } : {}),
    ...(expand.has("integrations")
      ? {
          integrations: {
            items: s.state.integrationsOf(u.partyNumber).map(([tab, i]) => integrationItem(tab, i)),
          },
        }
      : {}),
  });
  const userOr404 = (ctx: RequestContext): StoredUser => {
    const party = ctx.params.partyNumber ?? "";
    const user = s.state.user(party);
    if (!user) throw notFound(`No user with partyNumber ${party}.`);
    return user;
  };
  return [
    {
      pattern: /^\/users$/,
      methods: {
        GET: (ctx) => {
          const askedLimit = intParam(ctx, "limit", 1);
          const askedOffset = intParam(ctx, "offset", 0);
          const limit = Math.min(askedLimit ?? MAX_LIMIT, MAX_LIMIT);
          const offset = askedOffset ?? 0;
          const filter = loginFilter(ctx);
          const expand = expansions(ctx, s.behavior.current);
          const tr = ctx.query.get("totalResults");
          if (tr !== null && tr !== "true" && tr !== "false") {
            throw badRequest(
              "CPQ-INVALID-QUERY",
              "totalResults",
              `Invalid totalResults: '${tr}'. Use true or false.`,
            );
          }
          const all = filter
            ? s.state.users.filter((u) => filter(u.login.toLowerCase()))
            : s.state.users;
          const page = all.slice(offset, offset + limit);
          // Oracle: totalResults is "Only effective when limit or offset are specified".
          const total =
            tr === "true" && (askedLimit !== undefined || askedOffset !== undefined)
              ? { totalResults: all.length }
              : {};
          return ok({
            items: page.map((u) => item(u, ctx.base, expand)),
            hasMore: offset + page.length < all.length,
            limit,
            offset,
            count: page.length,
            ...total,
            links: [{ rel: "self", href: `${ctx.base}/users` }],
          });
        },
      },
    },
    {
      pattern: /^\/users\/(?<partyNumber>[^/]+)$/,
      methods: {
        GET: (ctx) => {
          const user = userOr404(ctx);
          return ok(item(user, ctx.base, expansions(ctx, s.behavior.current)));
        },
        PATCH: async (ctx) => {
          const party = userOr404(ctx).partyNumber;
          const patch = parseUserPatch(jsonBody(ctx));
          const updated = await s.state.mutate((draft) => {
            // Read under the lock: a concurrent PATCH of another field must not be lost.
            const current = s.state.user(party);
            if (!current) throw notFound(`No user with partyNumber ${party}.`);
            const edits = {
              firstName: patch.firstName ?? current.firstName,
              lastName: patch.lastName ?? current.lastName,
              email: patch.email ?? current.email,
              enabledForSso: patch.enabledForSso ?? current.enabledForSso,
              externalSsoId: patch.externalSsoId ?? current.externalSsoId,
            };
            draft.users[party] = edits;
            return { ...current, ...edits };
          });
          return ok(item(updated, ctx.base, new Set()));
        },
      },
    },
  ];
}
