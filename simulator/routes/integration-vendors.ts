/**
 * Oracle's "Integration Vendors REST Endpoints": `GET|POST /rest/{version}/integrationVendors` and
 * `GET|PATCH|DELETE /integrationVendors/{id}`, the Integration Center's integrations. The fields
 * (`cert`, `certName`, `integrationType`, `loginEndpoint`, `properties.items` of name/value
 * strings, `vendorName`, the integer `id`), the list shape with `links` and the `q` filter on
 * `integrationType` and `vendorName` are Oracle's; what Oracle does not say is the project's
 * choice, named in docs/cpq-api.md: a PATCH's `properties.items` replace the list (the behaviour
 * option `vendorPatchProperties` picks merge), a second integration of the same name is refused,
 * the type of an integration cannot change, and a DELETE answers 204. The User Integration tabs
 * (`state.partners`) follow the integrations held here.
 */
import type { RequestContext, Route } from "../http";
import { jsonBody, notFound, ok } from "../http";
import { badRequest } from "../errors";
import { queryObject } from "../query";
import type { Services } from "../services";
import type { Link, StoredVendor, VendorProperty } from "../wire";

/** One property of an integration; Oracle prints every value as a string, booleans included. */
export type IntegrationVendorProperty = VendorProperty;

/** An item of `GET /rest/v19/integrationVendors`. */
export interface IntegrationVendorItem {
  /** "The unique integer identifier for the integration." */
  readonly id: number;
  readonly integrationType: string;
  readonly vendorName: string;
  readonly loginEndpoint: string;
  /** Present when the integration holds a certificate. */
  readonly cert?: string;
  readonly certName?: string;
  readonly properties: { readonly items: readonly IntegrationVendorProperty[] };
  readonly links: readonly Link[];
}

// The filter criteria Oracle names: "Filter criteria are integrationType and vendorName."
const FILTER_FIELDS = ["integrationType", "vendorName"] as const;

/** The string fields of Oracle's `integrationVendor-request`. */
const TEXT_FIELDS = ["integrationType", "vendorName", "loginEndpoint", "cert", "certName"] as const;
type TextField = (typeof TEXT_FIELDS)[number];

const INVALID = "CPQ-INTEGRATION-INVALID-BODY";

/** The wire item of a stored integration. */
export function integrationVendorItem(v: StoredVendor, base: string): IntegrationVendorItem {
  return {
    id: v.id,
    integrationType: v.integrationType,
    vendorName: v.vendorName,
    loginEndpoint: v.loginEndpoint,
    ...(v.cert !== "" ? { cert: v.cert } : {}),
    ...(v.certName !== "" ? { certName: v.certName } : {}),
    properties: { items: v.properties },
    links: [{ rel: "self", href: `${base}/integrationVendors/${v.id}` }],
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

/** A body of POST or PATCH, checked: the request fields only, strings, properties of strings. */
interface VendorBody {
  readonly text: Partial<Record<TextField, string>>;
  readonly properties?: readonly VendorProperty[];
}

function parseVendorBody(body: unknown): VendorBody {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest(INVALID, "", "The body must be a JSON object of integration fields.");
  }
  const text: Partial<Record<TextField, string>> = {};
  let properties: VendorProperty[] | undefined;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if ((TEXT_FIELDS as readonly string[]).includes(k)) {
      if (typeof v !== "string") throw badRequest(INVALID, k, `${k} must be a string.`);
      text[k as TextField] = v;
    } else if (k === "properties") {
      const items = (v as { items?: unknown } | null)?.items;
      if (!Array.isArray(items)) {
        throw badRequest(INVALID, k, "properties must be an object with an items array.");
      }
      properties = items.map((item: unknown, i) => {
        const p = item as { name?: unknown; value?: unknown } | null;
        if (typeof p?.name !== "string" || p.name === "" || typeof p.value !== "string") {
          throw badRequest(
            INVALID,
            `properties/items/${i}`,
            "Each property is an object with a non-empty string name and a string value.",
          );
        }
        return { name: p.name, value: p.value };
      });
      const names = new Set<string>();
      for (const p of properties) {
        if (names.has(p.name)) {
          throw badRequest(INVALID, "properties/items", `The property ${p.name} is given twice.`);
        }
        names.add(p.name);
      }
    } else if (k !== "id" && k !== "links") {
      throw badRequest(INVALID, k, `${k} is not a field of an integration.`);
    }
  }
  return { text, ...(properties ? { properties } : {}) };
}

function byId(vendors: readonly StoredVendor[], id: string): StoredVendor | undefined {
  return /^\d+$/.test(id) ? vendors.find((v) => v.id === Number(id)) : undefined;
}

function sameNameTaken(vendors: readonly StoredVendor[], name: string, except?: number): void {
  if (vendors.some((v) => v.vendorName === name && v.id !== except)) {
    throw badRequest(INVALID, "vendorName", `An integration named ${name} exists already.`);
  }
}

/** The integration vendor routes, relative to `/rest/{version}`. */
export function integrationVendorRoutes(s: Services): Route[] {
  const one = (ctx: RequestContext): StoredVendor => {
    const id = ctx.params.id ?? "";
    const found = byId(s.state.value.vendors, id);
    if (!found) throw notFound(`No integration with id ${id}.`);
    return found;
  };
  return [
    {
      pattern: /^\/integrationVendors$/,
      methods: {
        GET: (ctx) => {
          const filter = vendorFilter(ctx);
          const all = s.state.value.vendors;
          const matching = filter
            ? all.filter((v) =>
                FILTER_FIELDS.every((f) => filter[f] === undefined || filter[f] === v[f]),
              )
            : all;
          return ok({
            items: matching.map((v) => integrationVendorItem(v, ctx.base)),
            links: [{ rel: "self", href: `${ctx.base}/integrationVendors` }],
          });
        },
        POST: async (ctx) => {
          const body = parseVendorBody(jsonBody(ctx));
          const created = await s.state.mutate((draft) => {
            for (const f of ["integrationType", "vendorName"] as const) {
              if (!body.text[f]?.trim()) throw badRequest(INVALID, f, `${f} is required.`);
            }
            sameNameTaken(draft.vendors, body.text.vendorName ?? "");
            const id = Math.max(0, ...draft.vendors.map((v) => v.id)) + 1;
            const v: StoredVendor = {
              id,
              integrationType: body.text.integrationType ?? "",
              vendorName: body.text.vendorName ?? "",
              loginEndpoint: body.text.loginEndpoint ?? "",
              cert: body.text.cert ?? "",
              certName: body.text.certName ?? "",
              properties: body.properties ?? [],
            };
            draft.vendors.push(v);
            return v;
          });
          return ok(integrationVendorItem(created, ctx.base));
        },
      },
    },
    {
      pattern: /^\/integrationVendors\/(?<id>[^/]+)$/,
      methods: {
        GET: (ctx) => ok(integrationVendorItem(one(ctx), ctx.base)),
        PATCH: async (ctx) => {
          const body = parseVendorBody(jsonBody(ctx));
          const mode = s.behavior.current.vendorPatchProperties;
          const updated = await s.state.mutate((draft) => {
            const before = one(ctx);
            const t = body.text;
            if (t.integrationType !== undefined && t.integrationType !== before.integrationType) {
              throw badRequest(
                INVALID,
                "integrationType",
                "The type of an integration cannot change; create another integration.",
              );
            }
            if (t.vendorName !== undefined) {
              if (t.vendorName.trim() === "") {
                throw badRequest(INVALID, "vendorName", "vendorName cannot be empty.");
              }
              sameNameTaken(draft.vendors, t.vendorName, before.id);
            }
            let properties = before.properties;
            if (body.properties !== undefined) {
              if (mode === "replace") properties = body.properties;
              else {
                const sent = new Map(body.properties.map((p) => [p.name, p.value]));
                properties = [
                  ...before.properties.map((p) =>
                    sent.has(p.name) ? { name: p.name, value: sent.get(p.name) ?? "" } : p,
                  ),
                  ...body.properties.filter(
                    (p) => !before.properties.some((b) => b.name === p.name),
                  ),
                ];
              }
            }
            const v: StoredVendor = { ...before, ...t, properties };
            draft.vendors = draft.vendors.map((x) => (x.id === v.id ? v : x));
            return v;
          });
          return ok(integrationVendorItem(updated, ctx.base));
        },
        DELETE: async (ctx) => {
          await s.state.mutate((draft) => {
            const gone = one(ctx);
            draft.vendors = draft.vendors.filter((v) => v.id !== gone.id);
          });
          return { status: 204 };
        },
      },
    },
  ];
}
