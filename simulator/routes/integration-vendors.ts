/**
 * `GET /rest/{version}/integrationVendors` and `/integrationVendors/{id}` (documented by Oracle):
 * the Integration Center's list, one item per seeded partner. Oracle documents the item's fields
 * but not how a partner of the User Integration page appears there; the mapping below is this
 * project's, and the provider reads exactly it, so it changes only with the provider.
 */
import { createHash } from "node:crypto";
import type { RequestContext, Route } from "../http";
import { notFound, ok } from "../http";
import { queryObject } from "../query";
import type { Services } from "../services";
import type { Link, Partner } from "../wire";

/** One property of an integration; Oracle prints every value as a string, booleans included. */
export interface IntegrationVendorProperty {
  readonly name: string;
  readonly value: string;
}

/** An item of `GET /rest/v19/integrationVendors`. */
export interface IntegrationVendorItem {
  /** "The unique integer identifier for the integration." */
  readonly id: number;
  readonly integrationType: string;
  readonly vendorName: string;
  readonly loginEndpoint: string;
  readonly properties: { readonly items: readonly IntegrationVendorProperty[] };
  readonly links: readonly Link[];
}

/** The id of the first partner's item (the id of Oracle's sample); the others count up. */
export const FIRST_VENDOR_ID = 3022910233;

/** The partner tab that is the site's OAuth provider, and the type Oracle gives such an item. */
const OAUTH_PROVIDER_TAB = "idp";
const OAUTH_PROVIDER_TYPE = "oAuthProvider";

// The filter criteria Oracle names: "Filter criteria are integrationType and vendorName."
const FILTER_FIELDS = ["integrationType", "vendorName"] as const;

/** The Integration Center item of the partner at `index` in seed order. */
export function integrationVendorItem(
  p: Partner,
  index: number,
  base: string,
): IntegrationVendorItem {
  const id = FIRST_VENDOR_ID + index;
  const oauthProvider = p.tab === OAUTH_PROVIDER_TAB;
  const properties: IntegrationVendorProperty[] = [
    { name: "tab", value: p.tab },
    { name: "oAuthEnabled", value: String(p.oauthEnabled) },
    { name: "inbound", value: String(p.inbound) },
    { name: "outbound", value: String(p.outbound) },
  ];
  if (oauthProvider) {
    // Two of the properties of Oracle's sample; the client id is stable per partner.
    const clientId = createHash("sha256").update(`${p.tab}:${p.partner}`).digest("hex");
    properties.push(
      { name: "tokenEP", value: "/oauth2/v1/token" },
      { name: "clientId", value: clientId.slice(0, 32) },
    );
  }
  return {
    id,
    integrationType: oauthProvider ? OAUTH_PROVIDER_TYPE : p.tab,
    vendorName: p.partner,
    loginEndpoint: `https://${p.tab}.example.com`,
    properties: { items: properties },
    links: [{ rel: "self", href: `${base}/integrationVendors/${id}` }],
  };
}

/** The `q` filter: required field values, all of which an item must have. */
function vendorFilter(ctx: RequestContext): Partial<Record<string, string>> | undefined {
  const parsed = queryObject(
    ctx,
    `Filter on ${FILTER_FIELDS.join(" and ")}, e.g. {"vendorName":"<name>"}.`,
  );
  if (!parsed) return undefined;
  const { q, refuse } = parsed;
  const out: Partial<Record<string, string>> = {};
  for (const [k, v] of Object.entries(q)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(k)) {
      throw refuse(`${k} cannot be filtered on`);
    }
    if (typeof v !== "string") throw refuse(`${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/** The integration vendor routes, relative to `/rest/{version}`. */
export function integrationVendorRoutes(s: Services): Route[] {
  const items = (base: string) => s.state.partners.map((p, i) => integrationVendorItem(p, i, base));
  return [
    {
      pattern: /^\/integrationVendors$/,
      methods: {
        GET: (ctx) => {
          const filter = vendorFilter(ctx);
          const all = items(ctx.base);
          const matching = filter
            ? all.filter((v) =>
                FILTER_FIELDS.every((f) => filter[f] === undefined || filter[f] === v[f]),
              )
            : all;
          return ok({
            items: matching,
            links: [{ rel: "self", href: `${ctx.base}/integrationVendors` }],
          });
        },
      },
    },
    {
      pattern: /^\/integrationVendors\/(?<id>[^/]+)$/,
      methods: {
        GET: (ctx) => {
          const id = ctx.params.id ?? "";
          const found = /^\d+$/.test(id)
            ? items(ctx.base).find((v) => v.id === Number(id))
            : undefined;
          if (!found) throw notFound(`No integration with id ${id}.`);
          return ok(found);
        },
      },
    },
  ];
}
