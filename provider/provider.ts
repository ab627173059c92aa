/**
 * The `cpq` provider: its configuration block, how it builds the CPQ client, and the resources it
 * serves. Loaded at every provider start, so it imports only attribute tables; the client (undici,
 * zod wire schemas) is required lazily in `configure`.
 */
import { isKnown, isUnknown } from "./contract/attributes";
import { ssoConfigurationResource } from "./resources/sso-configuration";
import type { SsoPostMode } from "./resources/sso-configuration";
import type { LoginReads } from "./cpq/user-directory";
import type { LockoutSettings } from "./cpq/lockout";
import { UserDirectory } from "./cpq/user-directory";
import { userIntegrationLoginResource } from "./resources/user-integration-login";
import { userIntegrationLoginsResource } from "./resources/user-integration-logins";
import { userSsoResource } from "./resources/user-sso";
import { oauthProviderResource } from "./resources/oauth-provider";
import {
  userIntegrationCheckAction,
  userIntegrationRevokeTokenAction,
} from "./resources/user-integration-actions";
import { usersDataSource } from "./resources/users-data-source";
import { spMetadataDataSource } from "./resources/sp-metadata-data-source";
import { certificateFunction } from "./functions/certificate";
import { idpMetadataFunction } from "./functions/idp-metadata";
import { idpMetadataWithCertificateFunction } from "./functions/idp-metadata-with-certificate";
import type { CpqClient } from "./client";
// The path templates alone: provider start-up must not load the client (undici, zod).
import { CLIENT_LIMITS } from "./client/limits";
// The URL rule alone (no zod, no undici), so it runs at validation, as at synth.
import { serviceUrlProblem } from "./client/urls";
import { DEFAULT_PATHS, REQUIRED_PLACEHOLDERS } from "./client/paths";
import type { CpqPathName } from "./client/paths";
import type {
  ActionDefinition,
  Attribute,
  DataSourceDefinition,
  Diagnostic,
  FunctionDefinition,
  ObjectValue,
  ProviderDefinition,
  ProviderHost,
  ResourceDefinition,
} from "./contract/types";

// Re-exported for the scripts that read the registry and the address together; its home is address.ts.
export { PROVIDER_SOURCE } from "./address";
/** The provider's type name: resources are `cpq_*`. */
export const PROVIDER_TYPE = "cpq";

/** What every resource receives: the CPQ client, configured once per provider process. */
export interface CpqContext {
  readonly client: CpqClient;
  /** The per-process listing of users and partners that serves the logins' reads. */
  readonly directory: UserDirectory;
  /** See the `sso_post_mode` attribute. */
  readonly ssoPostMode: SsoPostMode;
  /** See the `external_sso_id_field` attribute. */
  readonly externalSsoIdField: string;
  /** How the provider signs in, and `sso_users_sign_in_with_password`: for `lockout_risk`. */
  readonly lockout: LockoutSettings;
}

type PathKey = CpqPathName;

const PATH_ATTRIBUTES: readonly (readonly [string, PathKey])[] = (
  Object.keys(DEFAULT_PATHS) as PathKey[]
).map((k) => [`${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_path`, k] as const);

const str = (name: string, description: string, extra: Partial<Attribute> = {}): Attribute => ({
  name,
  type: "string",
  kind: "optional",
  description,
  ...extra,
});
const num = (name: string, description: string): Attribute => ({
  name,
  type: "number",
  kind: "optional",
  description,
});

/** The provider configuration's attribute table. */
export const PROVIDER_ATTRIBUTES: readonly Attribute[] = [
  str(
    "base_url",
    "The CPQ site, e.g. `https://acme.bigmachines.com`. Environment: `CPQ_BASE_URL`. Plain http is allowed only to loopback addresses.",
  ),
  str(
    "api_version",
    "REST API version, `v17` to `v19` (Oracle supports the current version and the two before it). Default `v19`.",
    { enum: ["v17", "v18", "v19"] },
  ),
  str(
    "path_prefix",
    'Path before `/rest`: `""` for CPQ sites, `"/cpq"` for Oracle-in-Fusion sites. Default `""`.',
    { enum: ["", "/cpq"] },
  ),
  str("username", "CPQ administrator login for HTTP Basic. Environment: `CPQ_USERNAME`."),
  str("password", "Password for HTTP Basic. Environment: `CPQ_PASSWORD`.", { sensitive: true }),
  str("access_token", "Bearer token, instead of Basic. Environment: `CPQ_ACCESS_TOKEN`.", {
    sensitive: true,
  }),
  str("token_url", "OAuth client-credentials token endpoint, instead of Basic or a bearer token."),
  str("client_id", "OAuth client id. Environment: `CPQ_CLIENT_ID`."),
  str("client_secret", "OAuth client secret. Environment: `CPQ_CLIENT_SECRET`.", {
    sensitive: true,
  }),
  str("scope", "OAuth scope to request."),
  num("request_timeout", "Seconds before one request times out. Default 30."),
  num(
    "max_retries",
    "Retries of a request that is safe to repeat (429, 502-504, network). Default 4.",
  ),
  num("max_concurrency", "Requests in flight at once. Default 4."),
  num("requests_per_second", "Request rate ceiling. Default: no ceiling."),
  ...PATH_ATTRIBUTES.map(([name, key]) =>
    str(
      name,
      `Path template of the ${key} endpoint, for a site whose endpoint differs from the default \`${DEFAULT_PATHS[key]}\`. Placeholders: ${["prefix", "version", ...REQUIRED_PLACEHOLDERS[key]].map((p) => `\`{${p}}\``).join(", ")}.`,
    ),
  ),
  str(
    "login_reads",
    "How User Integration logins are read. `auto` (default): batched through the users listing (`expand=integrations`, an assumed extension) only where the site's first answer carries every user's tabs, else one request per login. `batched`: always batched (an answer without the tabs is an error). `per_user`: one request per login.",
    { enum: ["auto", "batched", "per_user"] },
  ),
  str(
    "partners_source",
    "Where the site's partners (the User Integration tabs) are read: `integration_vendors` (default: Oracle's documented `GET integrationVendors`, mapped to tabs as docs/cpq-api.md says) or `integrations` (this project's first, assumed `GET integrations`).",
    { enum: ["integration_vendors", "integrations"] },
  ),
  str(
    "sso_post_mode",
    "What CPQ does with fields a `POST ssoConfiguration` leaves out (Oracle does not say). Every readable setting is sent either way. `merge` (default): CPQ keeps them, so a keystore password is sent only when it changed. `replace`: CPQ resets them, so the managed passwords go with every POST.",
    { enum: ["merge", "replace"] },
  ),
  str(
    "external_sso_id_field",
    "The user record field that holds the External SSO Id, for `cpq_user_sso`. Default `externalSsoId` (the name Oracle's PATCH users reference gives; its GET reference does not print it).",
  ),
  {
    name: "sso_users_sign_in_with_password",
    type: "bool",
    kind: "optional",
    description:
      "Whether a CPQ user enabled for SSO can still sign in with the CPQ password (login page and REST Basic authentication). Oracle does not say. `false` (default) assumes not: a plan that turns SSO on for the login the provider signs in as, or for the last active FullAccess user outside SSO, warns and sets `lockout_risk`. `true`: no lockout judgement.",
  },
  str(
    "ca_certificate",
    "PEM CA certificate to trust in addition to the system's (TLS is always verified).",
  ),
];

function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === "" ? undefined : v;
}

function pick(config: ObjectValue, name: string, envName?: string): string | undefined {
  const v = config[name];
  if (typeof v === "string" && v !== "") return v;
  return envName ? env(envName) : undefined;
}

function numberOf(config: ObjectValue, name: string): number | undefined {
  const v = config[name];
  return typeof v === "number" ? v : undefined;
}

/**
 * The provider configuration's rules beyond its table (numbers in range, URLs, one way to
 * authenticate). Each judges one attribute's own value, so they run beside the table's errors;
 * one out of range on an attribute whose type the table refused is dropped there.
 */
function validate(config: Readonly<Record<string, unknown>>): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const bad = (name: string, rule: string): void => {
    diags.push({
      severity: "error",
      summary: `Invalid value for "${name}"`,
      detail: `"${name}" must be ${rule}; got ${String(config[name])}.`,
      path: [name],
    });
  };
  // The client's own ranges, in the provider's units, so a bad value fails at plan naming the
  // attribute (a timeout past Node's timer limit made every request fail at once; a rate of
  // 0.001 made a run hang).
  const timeout = config.request_timeout;
  const maxTimeoutS = Math.floor(CLIENT_LIMITS.requestTimeoutMs.max / 1000);
  if (typeof timeout === "number" && !(timeout >= 0.001 && timeout <= maxTimeoutS)) {
    bad("request_timeout", `a number of seconds from 0.001 to ${maxTimeoutS} (about 24 days)`);
  }
  const rate = config.requests_per_second;
  const rps = CLIENT_LIMITS.requestsPerSecond;
  if (typeof rate === "number" && !(rate >= rps.min && rate <= rps.max)) {
    bad(
      "requests_per_second",
      `a number from ${rps.min.toPrecision(2)} (one a minute) to ${rps.max}`,
    );
  }
  // The client's own ranges, so a bad value fails here, at plan, naming the attribute.
  for (const [name, limits] of [
    ["max_retries", CLIENT_LIMITS.maxRetries],
    ["max_concurrency", CLIENT_LIMITS.maxConcurrency],
  ] as const) {
    const v = config[name];
    if (typeof v === "number" && !(Number.isInteger(v) && v >= limits.min && v <= limits.max)) {
      bad(name, `a whole number from ${limits.min} to ${limits.max}`);
    }
  }
  for (const name of ["base_url", "token_url"]) {
    const v = config[name];
    const problem = typeof v === "string" && v !== "" ? serviceUrlProblem(v) : undefined;
    if (problem !== undefined) {
      diags.push({
        severity: "error",
        summary: `Invalid value for "${name}"`,
        detail: `"${name}" ${problem}`,
        path: [name],
      });
    }
  }
  const modes = [
    isKnown(config.access_token) ? "access_token" : undefined,
    isKnown(config.token_url) ? "token_url" : undefined,
    isKnown(config.username) || isKnown(config.password) ? "username" : undefined,
  ].filter((m): m is string => m !== undefined);
  if (modes.length > 1) {
    diags.push({
      severity: "error",
      summary: "More than one way to authenticate is configured",
      detail: `Choose one of: username and password (Basic), access_token (bearer), or token_url with client_id and client_secret (OAuth). Configured: ${modes.join(", ")}.`,
      path: [modes[1]!],
    });
  }
  return diags;
}

async function configure(
  config: ObjectValue,
  host: ProviderHost = {},
): Promise<{
  ctx: CpqContext | null;
  diagnostics: Diagnostic[];
}> {
  const diagnostics: Diagnostic[] = [];
  const unknown = PROVIDER_ATTRIBUTES.find((a) => isUnknown(config[a.name]));
  if (unknown) {
    diagnostics.push({
      severity: "error",
      summary: `Provider attribute "${unknown.name}" is not known until apply`,
      detail:
        "The CPQ provider needs its configuration during plan. Use values known before apply (variables, not other resources' attributes).",
      path: [unknown.name],
    });
    return { ctx: null, diagnostics };
  }
  const baseUrl = pick(config, "base_url", "CPQ_BASE_URL");
  if (!baseUrl) {
    diagnostics.push({
      severity: "error",
      summary: "The CPQ site is not configured",
      detail:
        'Set base_url in the provider block (e.g. "https://acme.bigmachines.com") or the CPQ_BASE_URL environment variable.',
      path: ["base_url"],
    });
    return { ctx: null, diagnostics };
  }
  const token = pick(config, "access_token", "CPQ_ACCESS_TOKEN");
  const tokenUrl = pick(config, "token_url", "CPQ_TOKEN_URL");
  const username = pick(config, "username", "CPQ_USERNAME");
  const password = pick(config, "password", "CPQ_PASSWORD");
  let auth: import("./client").CpqAuth;
  if (tokenUrl) {
    const clientId = pick(config, "client_id", "CPQ_CLIENT_ID");
    const clientSecret = pick(config, "client_secret", "CPQ_CLIENT_SECRET");
    if (!clientId || !clientSecret) {
      diagnostics.push({
        severity: "error",
        summary: "OAuth client credentials are incomplete",
        detail:
          "With token_url, set client_id and client_secret (or CPQ_CLIENT_ID and CPQ_CLIENT_SECRET).",
        path: [clientId ? "client_secret" : "client_id"],
      });
      return { ctx: null, diagnostics };
    }
    const scope = pick(config, "scope");
    auth = { kind: "oauth", tokenUrl, clientId, clientSecret, ...(scope ? { scope } : {}) };
  } else if (token) {
    auth = { kind: "bearer", token };
  } else if (username && password) {
    auth = { kind: "basic", username, password };
  } else {
    diagnostics.push({
      severity: "error",
      summary: "No CPQ credentials are configured",
      detail:
        "Set username and password (or CPQ_USERNAME and CPQ_PASSWORD) for a CPQ administrator, or access_token (CPQ_ACCESS_TOKEN), or token_url with client_id and client_secret.",
      path: [username ? "password" : "username"],
    });
    return { ctx: null, diagnostics };
  }

  // Required here, not at the top: provider start-up must not pay for undici and zod.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createCpqClient } = require("./client") as typeof import("./client");
  const timeout = numberOf(config, "request_timeout");
  const retries = numberOf(config, "max_retries");
  const concurrency = numberOf(config, "max_concurrency");
  const rps = numberOf(config, "requests_per_second");
  const ca = pick(config, "ca_certificate");
  const partnersSource =
    pick(config, "partners_source") === "integrations" ? "integrations" : "integrationVendors";
  const apiVersion = pick(config, "api_version");
  const pathPrefix = config.path_prefix;
  const paths: Partial<Record<PathKey, string>> = {};
  for (const [name, key] of PATH_ATTRIBUTES) {
    const v = pick(config, name);
    if (v) paths[key] = v;
  }
  try {
    const client = createCpqClient({
      baseUrl,
      auth,
      ...(apiVersion ? { apiVersion } : {}),
      ...(typeof pathPrefix === "string" ? { pathPrefix } : {}),
      ...(timeout !== undefined
        ? { requestTimeoutMs: Math.max(1, Math.round(timeout * 1000)) }
        : {}),
      ...(retries !== undefined ? { maxRetries: retries } : {}),
      ...(concurrency !== undefined ? { maxConcurrency: concurrency } : {}),
      ...(rps !== undefined ? { requestsPerSecond: rps } : {}),
      ...(ca ? { caCertificate: ca } : {}),
      partnersSource,
      ...(Object.keys(paths).length ? { paths } : {}),
      userAgent: `cpq-sso-terraform-provider`,
      // Retries and refused credentials go to Terraform's log at INFO, requests and token
      // fetches at DEBUG; the client's fields hold no secrets.
      ...(host.logger ? { logger: host.logger } : {}),
    });
    const loginReads = (pick(config, "login_reads") ?? "auto") as LoginReads;
    return {
      ctx: {
        client,
        directory: new UserDirectory(client, {
          loginReads,
          ...(host.logger ? { logger: host.logger } : {}),
        }),
        ssoPostMode: pick(config, "sso_post_mode") === "replace" ? "replace" : "merge",
        externalSsoIdField: pick(config, "external_sso_id_field") ?? "externalSsoId",
        lockout: {
          // With a token or an OAuth client the provider's own login is not known here.
          signInLogin: auth.kind === "basic" ? auth.username : undefined,
          ssoUsersSignInWithPassword: config.sso_users_sign_in_with_password === true,
        },
      },
      diagnostics,
    };
  } catch (e) {
    const option = (e as { option?: unknown }).option;
    const attribute = typeof option === "string" ? attributeOfOption(option) : "base_url";
    const message = e instanceof Error ? e.message : String(e);
    diagnostics.push({
      severity: "error",
      summary: "Invalid CPQ provider configuration",
      // Named as the user wrote it: the provider attribute, not the client's option.
      detail:
        typeof option === "string"
          ? message.replace(`Invalid CPQ client option ${option}:`, `"${attribute}"`)
          : message,
      path: [attribute],
    });
    return { ctx: null, diagnostics };
  }
}

/** The provider attribute behind a client option (`maxRetries` -> `max_retries`). */
function attributeOfOption(option: string): string {
  const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (option.startsWith("paths.")) return `${snake(option.slice("paths.".length))}_path`;
  if (option.startsWith("auth.")) return snake(option.slice("auth.".length));
  const named: Readonly<Record<string, string>> = { requestTimeoutMs: "request_timeout" };
  const name = named[option] ?? snake(option);
  return PROVIDER_ATTRIBUTES.some((a) => a.name === name) ? name : "base_url";
}

const RESOURCES: readonly ResourceDefinition<CpqContext>[] = [
  ssoConfigurationResource,
  userIntegrationLoginResource,
  userIntegrationLoginsResource,
  userSsoResource,
  oauthProviderResource,
];
const DATA_SOURCES: readonly DataSourceDefinition<CpqContext>[] = [
  usersDataSource,
  spMetadataDataSource,
];
const FUNCTIONS: readonly FunctionDefinition[] = [
  certificateFunction,
  idpMetadataFunction,
  idpMetadataWithCertificateFunction,
];
const ACTIONS: readonly ActionDefinition<CpqContext>[] = [
  userIntegrationCheckAction,
  userIntegrationRevokeTokenAction,
];

/** The provider served by `dist/provider.js`. */
export const cpqProvider: ProviderDefinition<CpqContext> = {
  typeName: PROVIDER_TYPE,
  attributes: PROVIDER_ATTRIBUTES,
  validate,
  validateBesideTableErrors: true,
  configure,
  resources: () => RESOURCES,
  dataSources: () => DATA_SOURCES,
  functions: () => FUNCTIONS,
  actions: () => ACTIONS,
};
