/**
 * The User Integration page as REST (assumed by this project: Oracle publishes no such surface).
 * Save saves without validating; Check validates against what the partner knows and saves
 * nothing; tokens are made by the partner only (see the admin route that plays the partner).
 */
import { HttpError, badRequest } from "../errors";
import type { RequestContext, Route } from "../http";
import { jsonBody, notFound, ok } from "../http";
import type { Services } from "../services";
import { mergeIntegration, parseIntegrationBody } from "../validation";
import type { Partner, StoredIntegration, StoredUser } from "../wire";
import { integrationItem } from "../wire";

/** The user and partner a per-tab route names; 404 when either is unknown. */
export function userAndPartner(
  s: Services,
  ctx: RequestContext,
): { user: StoredUser; partner: Partner } {
  const party = ctx.params.partyNumber ?? "";
  const tab = ctx.params.tab ?? "";
  const user = s.state.user(party);
  if (!user) throw notFound(`No user with partyNumber ${party}.`);
  const partner = s.state.partner(tab);
  if (!partner) {
    throw notFound(`The site has no partner on tab ${tab}; see GET /rest/v19/integrations.`);
  }
  return { user, partner };
}

/** The stored login on a tab; 404 when the tab holds none. */
export function storedOrNotFound(
  tabs: Readonly<Record<string, StoredIntegration>> | undefined,
  user: StoredUser,
  partner: Partner,
): StoredIntegration {
  const stored = tabs?.[partner.tab];
  if (!stored) {
    throw notFound(`User ${user.partyNumber} has no login on tab ${partner.tab}.`);
  }
  return stored;
}

/** The integration routes, relative to `/rest/{version}`. */
export function integrationRoutes(s: Services): Route[] {
  const tabPath = String.raw`^\/users\/(?<partyNumber>[^/]+)\/integrations\/(?<tab>[^/]+)`;
  return [
    {
      pattern: /^\/integrations$/,
      methods: {
        GET: () =>
          ok({
            oauthEnabled: s.state.partners.some((p) => p.oauthEnabled),
            items: s.state.partners,
          }),
      },
    },
    {
      pattern: /^\/users\/(?<partyNumber>[^/]+)\/integrations$/,
      methods: {
        GET: (ctx) => {
          const party = ctx.params.partyNumber ?? "";
          if (!s.state.user(party)) throw notFound(`No user with partyNumber ${party}.`);
          return ok({
            items: s.state.integrationsOf(party).map(([tab, i]) => integrationItem(tab, i)),
          });
        },
      },
    },
    {
      pattern: new RegExp(`${tabPath}$`),
      methods: {
        GET: (ctx) => {
          const { user, partner } = userAndPartner(s, ctx);
          const stored = storedOrNotFound(
            s.state.value.integrations[user.partyNumber],
            user,
            partner,
          );
          return ok(integrationItem(partner.tab, stored));
        },
        PUT: async (ctx) => {
          const { user, partner } = userAndPartner(s, ctx);
          const body = parseIntegrationBody(jsonBody(ctx));
          const saved = await s.state.mutate((draft) => {
            const tabs = draft.integrations[user.partyNumber] ?? {};
            const next = mergeIntegration(partner, tabs[partner.tab], body);
            draft.integrations[user.partyNumber] = { ...tabs, [partner.tab]: next };
            return next;
          });
          return ok(integrationItem(partner.tab, saved));
        },
        DELETE: async (ctx) => {
          const { user, partner } = userAndPartner(s, ctx);
          await s.state.mutate((draft) => {
            const tabs = draft.integrations[user.partyNumber];
            storedOrNotFound(tabs, user, partner);
            const rest = { ...tabs };
            delete rest[partner.tab];
            if (Object.keys(rest).length === 0) delete draft.integrations[user.partyNumber];
            else draft.integrations[user.partyNumber] = rest;
          });
          return { status: 204 };
        },
      },
    },
    {
      pattern: new RegExp(`${tabPath}\\/actions\\/check$`),
      methods: {
        POST: (ctx) => {
          const { user, partner } = userAndPartner(s, ctx);
          const body = parseIntegrationBody(jsonBody(ctx));
          // The Check button checks what is in the fields; a password left out is the one the
          // tab already holds for the same login.
          const stored = s.state.value.integrations[user.partyNumber]?.[partner.tab];
          const sameLogin = stored !== undefined && stored.login === body.login;
          const password = body.password ?? (sameLogin ? stored.password : "");
          const securityToken = body.securityToken ?? (sameLogin ? stored.securityToken : "");
          if (password === "") {
            throw badRequest(
              "CPQ-INTEGRATION-REQUIRED-FIELD",
              "password",
              "password is required to check a login.",
            );
          }
          const known = s.seed.partnerCredentials.find(
            (c) =>
              c.tab === partner.tab &&
              c.login.toLowerCase() === body.login.toLowerCase() &&
              c.password === password &&
              (c.securityToken === undefined || c.securityToken === securityToken),
          );
          return ok(
            known
              ? { valid: true, message: `${partner.partner} accepted the login and password.` }
              : {
                  valid: false,
                  message: `${partner.partner} refused the login, password or security token.`,
                },
          );
        },
      },
    },
    {
      pattern: new RegExp(`${tabPath}\\/actions\\/revokeToken$`),
      methods: {
        POST: async (ctx) => {
          const { user, partner } = userAndPartner(s, ctx);
          if (!partner.oauthEnabled) {
            throw new HttpError(400, "CPQ-INTEGRATION-NO-OAUTH", [
              {
                detail: `${partner.partner} does not use OAuth on this site; there is no token to revoke.`,
                "o:errorPath": "tab",
              },
            ]);
          }
          const revoked = await s.state.mutate((draft) => {
            const tabs = draft.integrations[user.partyNumber];
            const stored = storedOrNotFound(tabs, user, partner);
            const next = { ...stored, tokenPresent: false };
            draft.integrations[user.partyNumber] = { ...tabs, [partner.tab]: next };
            return next;
          });
          return ok(integrationItem(partner.tab, revoked));
        },
      },
    },
  ];
}
