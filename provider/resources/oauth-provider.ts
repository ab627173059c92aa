/**
 * `cpq_oauth_provider`: the Integration Center's OAuth Provider integration (Oracle IAM identity
 * domain / IDCS), the prerequisite of OAuth user logins and the ground of OpenID Connect sign-in.
 * Planned and applied through Oracle's documented Integration Vendors REST endpoints
 * (`GET|POST integrationVendors`, `GET|PATCH|DELETE integrationVendors/{id}`), integration type
 * `oAuthProvider`.
 *
 * The attributes are Oracle's fields (`vendorName`, `loginEndpoint`, `cert`, `certName`) and the
 * properties of Oracle's samples (`issuer`, `tokenEP`, `oAuthProviderScope`, `cpqClientId`,
 * `clientId`, `resourceEP`, `retrieveCertificate`). What Oracle does not say, and this resource
 * assumes (docs/cpq-api.md): a PATCH's `properties.items` may replace the whole list, so an update
 * reads the integration and sends its whole list with the managed properties changed, and the
 * properties nobody manages go back as CPQ held them; a create over an integration of the same
 * name takes it over (PATCH) instead of making a second one.
 */
import type {
  CpqClient,
  IntegrationVendorPropertyWire,
  IntegrationVendorRequestWire,
  IntegrationVendorWire,
} from "../client";
import { OAUTH_PROVIDER_TYPE, partnerOfVendor, vendorProperty } from "../client/partners";
import { serviceUrlProblem } from "../client/urls";
import {
  attributeError,
  checkAgainstTable,
  emptyObject,
  isKnown,
  isSet,
  isUnknown,
} from "../contract/attributes";
import {
  holdsValue,
  replacedLiveValuesAttribute,
  replacedMap,
  replacementWarning,
} from "../contract/live-values";
import type { LiveValueKind, Replacement } from "../contract/live-values";
import type {
  ApplyRequest,
  ApplyResult,
  Attribute,
  Diagnostic,
  DestroyRequest,
  GeneratedConfig,
  ImportResult,
  ListedObject,
  ListRequest,
  ObjectValue,
  PlanRequest,
  PlanResult,
  ReadRequest,
  ReadResult,
  ResourceDefinition,
  Value,
} from "../contract/types";
import { UNKNOWN } from "../contract/types";
import { certificateWarnings } from "../cpq/certificate";

/** What the provider hands this resource. */
export interface OAuthProviderContext {
  readonly client: Pick<
    CpqClient,
    | "findIntegrationVendors"
    | "getIntegrationVendor"
    | "createIntegrationVendor"
    | "patchIntegrationVendor"
    | "deleteIntegrationVendor"
  >;
  /** Told when the integrations change, so logins applied later see the new tab. */
  readonly directory?: { partnersChanged(): void };
}

/** The integration type Oracle documents for the OAuth provider. */
export { OAUTH_PROVIDER_TYPE };

type TopField = "vendorName" | "loginEndpoint" | "cert" | "certName";

/** A row of the table, with where the setting is on the wire (the docs page shows `wire`). */
export interface OAuthProviderAttribute extends Attribute {
  /** The integration's field, or `properties.items <name>` for a property. */
  readonly wire?: string;
  readonly field?: TopField;
  /** The name of the setting in the integration's `properties.items`. */
  readonly property?: string;
}

/** The wire facts of a top-level field of the integration. */
const field = (name: TopField) => ({ wire: name, field: name });
/** The wire facts of a property of the integration (`properties.items`). */
const property = (name: string) => ({ wire: `properties.items ${name}`, property: name });

const LEFT_OUT = "Left out: not managed, read from CPQ.";
const PAGE = "Oracle's Integration Vendors REST reference";

/** Attributes whose change breaks users' OAuth sign-in until the identity domain matches. */
const SIGN_IN_ATTRIBUTES = ["issuer", "client_id", "token_endpoint"] as const;

/** The attribute table of `cpq_oauth_provider`. */
export const OAUTH_PROVIDER_ATTRIBUTES: readonly OAuthProviderAttribute[] = [
  {
    name: "id",
    type: "string",
    kind: "computed",
    description: "The integration's id: Oracle's unique integer identifier, as a string.",
  },
  {
    name: "vendor_name",
    ...field("vendorName"),
    type: "string",
    kind: "required",
    description: `The integration's name in the Integration Center (\`vendorName\`, documented by ${PAGE}), e.g. \`Identity Cloud Service\`. A create over an OAuth provider of this name takes it over instead of making a second one.`,
  },
  {
    name: "login_endpoint",
    ...field("loginEndpoint"),
    type: "string",
    kind: "required",
    description: `The identity domain's base URL (\`loginEndpoint\`, documented), e.g. \`https://idcs-1234.identity.oraclecloud.com\`. Absolute https; plain http only to a loopback host.`,
  },
  {
    name: "issuer",
    ...property("issuer"),
    type: "string",
    kind: "optional_computed",
    description: `The token issuer CPQ accepts (property \`issuer\` of Oracle's sample), e.g. \`https://identity.oraclecloud.com/\`. Absolute https. A change breaks users' OAuth sign-in until tokens carry the new issuer. ${LEFT_OUT}`,
  },
  {
    name: "client_id",
    ...property("clientId"),
    type: "string",
    kind: "optional_computed",
    description: `The client id of the identity domain's application CPQ signs users in with (property \`clientId\` of Oracle's sample). A change breaks users' OAuth sign-in until the identity domain has that application. ${LEFT_OUT}`,
  },
  {
    name: "token_endpoint",
    ...property("tokenEP"),
    type: "string",
    kind: "optional_computed",
    description: `The token endpoint (property \`tokenEP\` of Oracle's sample, \`/oauth2/v1/token\`): a path under \`login_endpoint\`, or an absolute https URL. A change breaks users' OAuth sign-in if the identity domain does not answer there. ${LEFT_OUT}`,
  },
  {
    name: "scope",
    ...property("oAuthProviderScope"),
    type: "string",
    kind: "optional_computed",
    description: `The scope CPQ asks tokens for (property \`oAuthProviderScope\` of Oracle's sample), e.g. \`urn:opc:idm:__myscopes__\`. ${LEFT_OUT}`,
  },
  {
    name: "cpq_client_id",
    ...property("cpqClientId"),
    type: "string",
    kind: "optional_computed",
    description: `The client id of the application that registers CPQ as a resource in the identity domain (property \`cpqClientId\` of Oracle's sample). ${LEFT_OUT}`,
  },
  {
    name: "resource_endpoint",
    ...property("resourceEP"),
    type: "string",
    kind: "optional_computed",
    description: `Where CPQ reads the identity domain's signing keys (property \`resourceEP\` of Oracle's sample, \`/admin/v1/SigningCert/jwk\`): a path under \`login_endpoint\`, or an absolute https URL. ${LEFT_OUT}`,
  },
  {
    name: "retrieve_certificate",
    ...property("retrieveCertificate"),
    type: "bool",
    kind: "optional_computed",
    description: `Whether CPQ retrieves the identity domain's signing certificate itself from \`resource_endpoint\` (property \`retrieveCertificate\`, \`"true"\`/\`"false"\` on the wire). Oracle does not say how it combines with an uploaded \`certificate\`: both set is a warning. ${LEFT_OUT}`,
  },
  {
    name: "certificate",
    ...field("cert"),
    type: "string",
    kind: "optional_computed",
    description: `The identity domain's signing certificate, PEM or base64 DER (\`cert\`, documented). A certificate that does not parse is refused at plan; an expiring one is a warning. ${LEFT_OUT} A site that does not return it keeps the value last applied.`,
  },
  {
    name: "certificate_name",
    ...field("certName"),
    type: "string",
    kind: "optional_computed",
    description: `The certificate's name (\`certName\`, documented). ${LEFT_OUT}`,
  },
  {
    name: "tab",
    type: "string",
    kind: "computed",
    description:
      "The User Integration tab whose logins this integration serves (`idp` unless CPQ says otherwise, as docs/cpq-api.md assumes). Unknown at plan until the integration exists: give it as a login's `tab` so the login waits for the integration.",
  },
  replacedLiveValuesAttribute("an OAuth provider of the same name", "vendor_name"),
];

/** One managed setting and where it is on the wire, from the table. */
interface Mapping {
  readonly attribute: string;
  readonly field?: TopField;
  readonly property?: string;
  readonly bool: boolean;
  readonly kind: LiveValueKind;
}

/** Every setting this resource manages: the table's rows with a place on the wire. */
const MAPPINGS: readonly Mapping[] = OAUTH_PROVIDER_ATTRIBUTES.flatMap((a) =>
  a.field === undefined && a.property === undefined
    ? []
    : [
        {
          attribute: a.name,
          ...(a.field !== undefined ? { field: a.field } : {}),
          ...(a.property !== undefined ? { property: a.property } : {}),
          bool: a.type === "bool",
          kind: a.name === "certificate" ? ("certificate" as const) : ("text" as const),
        },
      ],
);

/** Optional settings: left out, they are not managed and read from CPQ. */
const OPTIONAL = MAPPINGS.filter(
  (m) => OAUTH_PROVIDER_ATTRIBUTES.find((a) => a.name === m.attribute)?.kind !== "required",
);

// ---- the import id --------------------------------------------------------------------------

/** What an import id names: an integration by its id, or by its vendor name. */
export type OAuthProviderImportId =
  { readonly id: string } | { readonly vendorName: string } | { readonly error: string };

/**
 * Reads an import id: `id:<n>` or a bare number is the integration's id; `vendor_name:<name>` or
 * any other text is its vendor name. Exported for Terraform's resource identity.
 */
export function parseOAuthProviderImportId(text: string): OAuthProviderImportId {
  const id = text.startsWith("id:") ? text.slice(3) : /^\d+$/.test(text) ? text : undefined;
  if (id !== undefined) {
    return /^\d+$/.test(id) ? { id } : { error: `"${id}" is not an integer id.` };
  }
  const name = text.startsWith("vendor_name:") ? text.slice("vendor_name:".length) : text;
  return name.trim() === "" ? { error: "The import id is empty." } : { vendorName: name };
}

// ---- validation -----------------------------------------------------------------------------

/** An endpoint given as a path under login_endpoint, or as an absolute URL. */
function endpointProblem(value: string): string | undefined {
  if (value.startsWith("/")) return undefined;
  return serviceUrlProblem(value);
}

/** Offline checks: types, the URL rule, the certificate. */
export function validateOAuthProvider(config: Readonly<Record<string, unknown>>): Diagnostic[] {
  const diags = checkAgainstTable(OAUTH_PROVIDER_ATTRIBUTES, config);
  if (diags.some((d) => d.severity === "error")) return diags;
  const url = (name: string, problem: (v: string) => string | undefined, example: string): void => {
    const v = config[name];
    if (typeof v !== "string" || v === "") return;
    const p = problem(v);
    if (p !== undefined) {
      diags.push(
        attributeError(
          name,
          `Invalid value for "${name}"`,
          `"${name}" ${p} Users' OAuth sign-in would fail against it. Example: ${example}.`,
        ),
      );
    }
  };
  url("login_endpoint", serviceUrlProblem, '"https://idcs-1234.identity.oraclecloud.com"');
  url("issuer", serviceUrlProblem, '"https://identity.oraclecloud.com/"');
  url("token_endpoint", endpointProblem, '"/oauth2/v1/token" (a path under login_endpoint)');
  url(
    "resource_endpoint",
    endpointProblem,
    '"/admin/v1/SigningCert/jwk" (a path under login_endpoint)',
  );
  const cert = config.certificate;
  if (typeof cert === "string") {
    diags.push(
      ...certificateWarnings(cert, "certificate", new Date(), 30, {
        severity: "error",
        consequence: "CPQ could not check the identity domain's tokens with it.",
      }),
    );
  }
  if (config.retrieve_certificate === true && typeof cert === "string" && cert.trim() !== "") {
    diags.push({
      severity: "warning",
      summary: "Both retrieve_certificate and certificate are set",
      detail:
        "CPQ retrieves the signing certificate from resource_endpoint when retrieve_certificate is true; Oracle does not say whether it then uses the uploaded certificate. Set one of the two.",
      path: ["retrieve_certificate"],
    });
  }
  return diags;
}

// ---- wire <-> state -------------------------------------------------------------------------

/** A managed setting as CPQ holds it (null: CPQ holds none). */
function liveValue(v: IntegrationVendorWire, m: Mapping): Value {
  if (m.field !== undefined) {
    const raw = v[m.field];
    return typeof raw === "string" ? raw : null;
  }
  const raw = vendorProperty(v, m.property ?? "");
  if (raw === undefined) return null;
  return m.bool ? raw.trim().toLowerCase() === "true" : raw;
}

/** The value of a setting on the wire. */
function wireValue(m: Mapping, value: Value): string {
  return m.bool ? (value === true ? "true" : "false") : String(value);
}

/** The state of an integration; `keep` holds the values kept where CPQ does not return a field. */
function stateOf(
  base: ObjectValue,
  v: IntegrationVendorWire,
  keep: ObjectValue | null,
): ObjectValue {
  const state: ObjectValue = {
    ...base,
    id: String(v.id ?? base.id ?? ""),
    tab: partnerOfVendor(v).tab,
  };
  for (const m of MAPPINGS) state[m.attribute] = liveValue(v, m);
  // Oracle's sample answers print no certificate: a site that does not return it is no drift.
  for (const name of ["certificate", "certificate_name"]) {
    const kept = keep?.[name];
    if (state[name] === null && isKnown(kept)) state[name] = kept;
  }
  return state;
}

/**
 * The body that makes `live` hold the managed settings of `planned` (those set in `config`), or
 * the whole body of a create when `live` is null. The properties are sent whole: CPQ's list with
 * the managed ones changed, so a PATCH that replaces the list keeps what nobody manages.
 */
function bodyFor(
  live: IntegrationVendorWire | null,
  planned: Readonly<Record<string, Value>>,
  config: Readonly<Record<string, Value>>,
): IntegrationVendorRequestWire {
  const body: IntegrationVendorRequestWire =
    live === null ? { integrationType: OAUTH_PROVIDER_TYPE } : {};
  const items: IntegrationVendorPropertyWire[] = (live?.properties?.items ?? []).flatMap((p) =>
    p.value === undefined || p.value === null ? [] : [{ name: p.name, value: String(p.value) }],
  );
  let propertiesChanged = false;
  for (const m of MAPPINGS) {
    const value = planned[m.attribute];
    if (!isSet(config[m.attribute]) || !isKnown(value)) continue;
    if (live !== null && liveValue(live, m) === value) continue;
    const wire = wireValue(m, value);
    if (m.field !== undefined) body[m.field] = wire;
    else {
      const at = items.findIndex((p) => p.name === m.property);
      if (at >= 0) items[at] = { name: m.property ?? "", value: wire };
      else items.push({ name: m.property ?? "", value: wire });
      propertiesChanged = true;
    }
  }
  if (propertiesChanged || (live === null && items.length > 0)) body.properties = { items };
  return body;
}

/** The managed settings whose live value a create over `live` overwrites. */
function replacements(
  live: IntegrationVendorWire,
  planned: Readonly<Record<string, Value>>,
  config: Readonly<Record<string, Value>>,
): Replacement[] {
  const out: Replacement[] = [];
  for (const m of MAPPINGS) {
    const was = liveValue(live, m);
    const will = planned[m.attribute] ?? null;
    if (!isSet(config[m.attribute]) || !holdsValue(was) || was === will) continue;
    out.push({
      attribute: m.attribute,
      kind: m.kind,
      live: String(was),
      planned: isUnknown(will) ? UNKNOWN : String(will),
    });
  }
  return out;
}

/** The OAuth provider of this name, an error when the name is another kind of integration. */
async function byName(
  ctx: OAuthProviderContext,
  name: string,
): Promise<{ vendor?: IntegrationVendorWire; error?: Diagnostic }> {
  const found = await ctx.client.findIntegrationVendors({ vendorName: name });
  const other = found.find((v) => v.integrationType !== OAUTH_PROVIDER_TYPE);
  const vendor = found.find((v) => v.integrationType === OAUTH_PROVIDER_TYPE);
  if (!vendor && other) {
    return {
      error: attributeError(
        "vendor_name",
        `The integration "${name}" is not an OAuth provider`,
        `CPQ's Integration Center holds an integration of this name of type ${JSON.stringify(other.integrationType)}. Give the OAuth provider another vendor_name.`,
      ),
    };
  }
  return vendor ? { vendor } : {};
}

// ---- lifecycle ------------------------------------------------------------------------------

async function plan(req: PlanRequest<OAuthProviderContext>): Promise<PlanResult> {
  const { ctx, prior, proposed, config } = req;
  const planned: Record<string, Value> = { ...proposed };
  const diagnostics: Diagnostic[] = [];
  if (prior !== null) {
    planned.id = prior.id ?? UNKNOWN;
    planned.tab = prior.tab ?? UNKNOWN;
    planned.replaced_live_values = prior.replaced_live_values ?? null;
    for (const m of OPTIONAL) {
      if (!isSet(config[m.attribute])) planned[m.attribute] = prior[m.attribute] ?? null;
    }
    return { planned, plannedPrivate: req.priorPrivate };
  }
  // A create: over the OAuth provider of the same name, when CPQ holds one.
  const name = planned.vendor_name;
  const found = isKnown(name) && typeof name === "string" ? await byName(ctx, name) : undefined;
  if (found?.error) return { planned, diagnostics: [found.error] };
  const live = found?.vendor;
  if (live) {
    planned.id = String(live.id ?? "");
    planned.tab = partnerOfVendor(live).tab;
    for (const m of OPTIONAL) {
      if (!isSet(config[m.attribute])) planned[m.attribute] = liveValue(live, m);
    }
    const replaced = replacements(live, planned, config);
    planned.replaced_live_values = replacedMap(replaced);
    const warning = replacementWarning(
      `the OAuth provider integration "${String(name)}"`,
      replaced,
      ` To take it over as it is, import it instead: terraform import <address> ${String(live.id ?? "")}.`,
    );
    if (warning) diagnostics.push(warning);
  } else {
    // New: the id, and the tab the logins wait for, exist once CPQ has the integration.
    planned.id = UNKNOWN;
    planned.tab = UNKNOWN;
    planned.replaced_live_values = found !== undefined ? {} : UNKNOWN;
    for (const m of OPTIONAL) if (!isSet(config[m.attribute])) planned[m.attribute] = UNKNOWN;
  }
  return { planned, plannedPrivate: req.priorPrivate, diagnostics };
}

function goneError(id: string): Diagnostic {
  return {
    severity: "error",
    summary: `The OAuth provider integration ${id} is gone from CPQ`,
    detail:
      "It was deleted outside Terraform during the apply. Run terraform apply again to create it.",
    path: ["id"],
  };
}

async function apply(req: ApplyRequest<OAuthProviderContext>): Promise<ApplyResult> {
  const { ctx, prior, planned } = req;
  const config = req.config ?? planned;
  let replaced: Value | undefined;
  let live: IntegrationVendorWire | null;
  if (prior === null && !isKnown(planned.id)) {
    // Planned as new; an integration of the name made since the plan is taken over, not doubled.
    const found = await byName(ctx, String(planned.vendor_name));
    if (found.error) return { state: null, diagnostics: [found.error] };
    live = found.vendor ?? null;
    if (isUnknown(planned.replaced_live_values)) {
      replaced = live ? replacedMap(replacements(live, planned, config)) : {};
    }
  } else {
    live = await ctx.client.getIntegrationVendor(String(planned.id));
    if (live === null) return { state: prior, diagnostics: [goneError(String(planned.id))] };
  }
  let result: IntegrationVendorWire;
  if (live === null) {
    result = await ctx.client.createIntegrationVendor(bodyFor(null, planned, config));
  } else {
    const body = bodyFor(live, planned, config);
    result =
      Object.keys(body).length > 0
        ? await ctx.client.patchIntegrationVendor(String(live.id ?? planned.id), body)
        : live;
  }
  // Only a write changes the tabs: an apply that sent nothing leaves the partners read valid.
  if (result !== live) ctx.directory?.partnersChanged();
  const state = stateOf(planned, result, planned);
  if (replaced !== undefined) state.replaced_live_values = replaced;
  // A managed value CPQ did not echo (a site that returns less than it takes) stays as planned.
  for (const m of MAPPINGS) {
    if (
      isSet(config[m.attribute]) &&
      state[m.attribute] === null &&
      isKnown(planned[m.attribute])
    ) {
      state[m.attribute] = planned[m.attribute] ?? null;
    }
  }
  return { state, private: req.plannedPrivate };
}

async function destroy({
  ctx,
  prior,
  plannedPrivate,
}: DestroyRequest<OAuthProviderContext>): Promise<ApplyResult> {
  await ctx.client.deleteIntegrationVendor(String(prior.id));
  ctx.directory?.partnersChanged();
  return { state: null, private: plannedPrivate };
}

async function read(req: ReadRequest<OAuthProviderContext>): Promise<ReadResult> {
  const live = await req.ctx.client.getIntegrationVendor(String(req.current.id));
  if (live === null || live.integrationType !== OAUTH_PROVIDER_TYPE) {
    return { state: null, private: req.private };
  }
  return { state: stateOf(req.current, live, req.current), private: req.private };
}

async function importState(ctx: OAuthProviderContext, text: string): Promise<ImportResult> {
  const parsed = parseOAuthProviderImportId(text);
  const fail = (summary: string, detail: string): ImportResult => ({
    state: null,
    diagnostics: [{ severity: "error", summary, detail }],
  });
  const how =
    'Import by the integration\'s id (a number, or "id:<n>") or its vendor name ("vendor_name:<name>", or the name itself).';
  if ("error" in parsed)
    return fail("Invalid import id for cpq_oauth_provider", `${parsed.error} ${how}`);
  let live: IntegrationVendorWire | null;
  if ("id" in parsed) live = await ctx.client.getIntegrationVendor(parsed.id);
  else {
    const found = await byName(ctx, parsed.vendorName);
    if (found.error) return { state: null, diagnostics: [found.error] };
    live = found.vendor ?? null;
  }
  if (live === null) {
    return fail(
      `No OAuth provider integration ${JSON.stringify(text)} in CPQ`,
      `CPQ's Integration Center has none by that ${"id" in parsed ? "id" : "name"}. ${how}`,
    );
  }
  if (live.integrationType !== OAUTH_PROVIDER_TYPE) {
    return fail(
      `Integration ${JSON.stringify(text)} is not an OAuth provider`,
      `Its type is ${JSON.stringify(live.integrationType)}; cpq_oauth_provider manages integrations of type ${OAUTH_PROVIDER_TYPE} only.`,
    );
  }
  return { state: importedState(live), private: {} };
}

/** The state an import of an integration gives (and a listing of it, which is the same). */
function importedState(live: IntegrationVendorWire): ObjectValue {
  const state = stateOf(emptyObject(OAUTH_PROVIDER_ATTRIBUTES), live, null);
  // An import writes nothing, so it replaces nothing.
  return { ...state, replaced_live_values: {} };
}

// ---- Terraform 1.12+ identity, 1.14+ list and generated configuration ------------------------

/** The filter of `list "cpq_oauth_provider"` (Terraform 1.14+ `terraform query`). */
export const OAUTH_PROVIDER_LIST_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "vendor_name",
    type: "string",
    kind: "optional",
    description:
      "Only the OAuth provider of this name (CPQ's own `q` filter on `vendorName`, exact match). Default: every OAuth provider of the site.",
  },
];

/**
 * The site's OAuth providers, in CPQ's order: one `GET integrationVendors` with CPQ's `q` filter
 * on the integration type (and the name, when given). Oracle documents no paging for this
 * listing, so it is one request, and nothing past Terraform's limit is handed on.
 */
async function* listOAuthProviders(
  req: ListRequest<OAuthProviderContext>,
): AsyncIterable<ListedObject> {
  const { ctx, config, limit } = req;
  const name = typeof config.vendor_name === "string" ? config.vendor_name : undefined;
  const found = await ctx.client.findIntegrationVendors({
    integrationType: OAUTH_PROVIDER_TYPE,
    ...(name !== undefined ? { vendorName: name } : {}),
  });
  for (const [i, v] of found.entries()) {
    if (i >= limit) return;
    const state = importedState(v);
    yield { displayName: `${v.vendorName || "(no name)"} (id ${String(state.id)})`, state };
  }
}

/**
 * Generated configuration: the plugin's default (every setting as CPQ holds it), less an optional
 * setting CPQ holds in a form the plan refuses (an `http://` endpoint outside loopback, a
 * certificate that does not parse): left out, it is kept as CPQ holds it and unmanaged, so the
 * configuration plans clean; a warning says which, and why.
 */
function generateConfig(_state: ObjectValue, config: ObjectValue): GeneratedConfig {
  const refused = validateOAuthProvider(config).filter((d) => d.severity === "error");
  const out: ObjectValue = { ...config };
  const diagnostics: Diagnostic[] = [];
  for (const d of refused) {
    const name = d.path?.[0];
    const row = OAUTH_PROVIDER_ATTRIBUTES.find((a) => a.name === name);
    if (name === undefined || row?.kind !== "optional_computed" || out[name] === null) continue;
    out[name] = null;
    diagnostics.push({
      severity: "warning",
      summary: `${name} is left out of the generated configuration`,
      detail: `CPQ holds a value the plan refuses (${d.summary}: ${d.detail ?? ""}), so it is not managed and stays as CPQ holds it. Set a valid value to manage it.`,
      path: [name],
    });
  }
  return { config: out, diagnostics };
}

/** The resource definition served by the provider. */
export const oauthProviderResource = {
  typeName: "cpq_oauth_provider",
  description:
    "The Integration Center's OAuth Provider integration (Oracle IAM identity domain / IDCS): the prerequisite of OAuth logins on the User Integration page, and the ground of OpenID Connect sign-in. Managed through Oracle's documented Integration Vendors REST endpoints; properties the configuration does not manage are kept as CPQ has them.",
  schemaVersion: 0,
  attributes: OAUTH_PROVIDER_ATTRIBUTES,
  review: {
    destroy: () => ({
      text: "The OAuth Provider integration is deleted from CPQ's Integration Center: OAuth logins on its tab and REST calls authenticated through it stop working.",
      changesCpq: true,
      restart: false,
    }),
    certificates: ["certificate"],
    signIn: {
      attributes: SIGN_IN_ATTRIBUTES,
      consequence:
        "users' OAuth sign-in through this integration fails unless the identity domain matches the new value",
    },
  },
  validate: (config) => validateOAuthProvider(config),
  plan,
  apply,
  destroy,
  read,
  importState,
  identity: {
    version: 0,
    attributes: [
      {
        name: "id",
        description:
          "The integration's id: Oracle's unique integer identifier, as a string (it never changes; the vendor name may).",
        requiredForImport: true,
      },
    ],
    // `id:` so that an id is never read as a vendor name (parseOAuthProviderImportId).
    toImportId: (id) => `id:${id.id}`,
  },
  list: {
    description: "The site's OAuth Provider integrations, each as an import of it gives it.",
    attributes: OAUTH_PROVIDER_LIST_ATTRIBUTES,
    list: listOAuthProviders,
  },
  generateConfig,
} satisfies ResourceDefinition<OAuthProviderContext>;
