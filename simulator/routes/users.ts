/**
 * `GET /rest/{version}/users` and `/users/{partyNumber}` (documented by Oracle), with the
 * project's assumed `q` subset and `expand=integrations`.
 */
import { badRequest } from "../errors";
import type { RequestContext, Route } from "../http";
import { notFound, ok } from "../http";
import type { Services } from "../services";
import type { UserItem } from "../wire";
import { integrationItem } from "../wire";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function intParam(
  ctx: RequestContext,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw badRequest(
      "CPQ-INVALID-QUERY",
      name,
      `Invalid value for ${name}: '${raw}'. Expected a whole number.`,
    );
  }
  const n = Number(raw);
  if (n < min || n > max) {
    throw badRequest(
      "CPQ-INVALID-QUERY",
      name,
      `Invalid value for ${name}: ${n}. Allowed: ${min} to ${max === Number.MAX_SAFE_INTEGER ? "any" : max}.`,
    );
  }
  return n;
}

/** The login filter of `q`: a set of lower-cased logins, or undefined for no filter. */
function loginFilter(ctx: RequestContext): Set<string> | undefined {
  const raw = ctx.query.get("q");
  if (raw === null || raw.trim() === "") return undefined;
  const refuse = (why: string) =>
    badRequest(
      "CPQ-INVALID-QUERY",
      "q",
      `Invalid q: ${why}. Use {"login":"<login>"} or {"login":{"$in":["<login>",...]}}.`,
    );
  let q: unknown;
  try {
    q = JSON.parse(raw);
  } catch {
    throw refuse("not JSON");
  }
  if (typeof q !== "object" || q === null || Array.isArray(q)) throw refuse("not a JSON object");
  const keys = Object.keys(q);
  if (keys.length !== 1 || keys[0] !== "login") throw refuse("only login can be filtered on");
  const cond = (q as { login: unknown }).login;
  if (typeof cond === "string") return new Set([cond.toLowerCase()]);
  if (typeof cond === "object" && cond !== null && !Array.isArray(cond)) {
    const ops = Object.keys(cond);
    const list = (cond as Record<string, unknown>).$in;
    if (ops.length === 1 && Array.isArray(list) && list.every((x) => typeof x === "string")) {
      return new Set((list as string[]).map((x) => x.toLowerCase()));
    }
  }
  throw refuse('login must be a string or {"$in": [strings]}');
}

function expandIntegrations(ctx: RequestContext): boolean {
  const raw = ctx.query.get("expand");
  if (raw === null || raw === "") return false;
  const parts = raw.split(",").map((p) => p.trim());
  for (const p of parts) {
    if (p !== "integrations" && p !== "all") {
      throw badRequest(
        "CPQ-INVALID-QUERY",
        "expand",
        `Invalid expand: '${p}'. Allowed: integrations, all.`,
      );
    }
  }
  return true;
}

/** The users routes, relative to `/rest/{version}`. */
export function userRoutes(s: Services): Route[] {
  const withIntegrations = (u: UserItem) => ({
    ...u,
    integrations: {
      items: s.state.integrationsOf(u.partyNumber).map(([tab, i]) => integrationItem(tab, i)),
    },
  });
  return [
    {
      pattern: /^\/users$/,
      methods: {
        GET: (ctx) => {
          const limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
          const offset = intParam(ctx, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
          const filter = loginFilter(ctx);
          const expand = expandIntegrations(ctx);
          const tr = ctx.query.get("totalResults");
          if (tr !== null && tr !== "true" && tr !== "false") {
            throw badRequest(
              "CPQ-INVALID-QUERY",
              "totalResults",
              `Invalid totalResults: '${tr}'. Use true or false.`,
            );
          }
          const all = filter
            ? s.state.users.filter((u) => filter.has(u.login.toLowerCase()))
            : s.state.users;
          const page = all.slice(offset, offset + limit);
          return ok({
            items: expand ? page.map(withIntegrations) : page,
            hasMore: offset + page.length < all.length,
            limit,
            offset,
            count: page.length,
            totalResults: all.length,
          });
        },
      },
    },
    {
      pattern: /^\/users\/(?<partyNumber>[^/]+)$/,
      methods: {
        GET: (ctx) => {
          const party = ctx.params.partyNumber ?? "";
          const user = s.state.user(party);
          if (!user) throw notFound(`No user with partyNumber ${party}.`);
          return ok(expandIntegrations(ctx) ? withIntegrations(user) : user);
        },
      },
    },
  ];
}
