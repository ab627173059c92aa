/**
 * `CpqProvider`: the `cpq` provider configuration, typed, with its secrets taken from sensitive
 * variables and its settings checked at synth by the provider's own validation.
 */
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { CpqPathName } from "../provider/client/paths";
import { cpqProvider } from "../provider/provider";
import { validateConfiguration } from "../provider/contract/attributes";
import {
  camel,
  definedOnly,
  reportWarnings,
  snake,
  validationInputOf,
  watchProps,
} from "./diagnostics";
import { CpqProvider as CpqProviderL1 } from "./generated/provider";
import type { CpqProviderConfig } from "./generated/provider";
import type { SecretValue } from "./secrets";
import { secretToken, useSecrets } from "./secrets";

/**
 * CPQ REST API versions the provider speaks: Oracle supports the current version and the two
 * before it.
 */
export type CpqApiVersion = "v17" | "v18" | "v19";

/** Path templates of the CPQ endpoints, for a site whose endpoints differ from the defaults. */
export type CpqPathTemplates = {
  readonly [K in CpqPathName]?: string;
};

/** Configuration of {@link CpqProvider}. Every prop can also come from the environment. */
export interface CpqProviderProps {
  /**
   * The CPQ site, e.g. `https://acme.bigmachines.com`. Plain http only to loopback addresses.
   * @default - the `CPQ_BASE_URL` environment variable at plan time
   */
  readonly baseUrl?: string;
  /**
   * REST API version.
   * @default "v19"
   */
  readonly apiVersion?: CpqApiVersion;
  /**
   * Path before `/rest`: `""` for CPQ sites, `"/cpq"` for Oracle-in-Fusion sites.
   * @default ""
   */
  readonly pathPrefix?: "" | "/cpq";
  /**
   * CPQ administrator login for HTTP Basic.
   * @default - the `CPQ_USERNAME` environment variable
   */
  readonly username?: string;
  /**
   * Password for HTTP Basic, from a sensitive variable.
   * @default - the `CPQ_PASSWORD` environment variable
   */
  readonly password?: SecretValue;
  /**
   * Bearer token, instead of Basic, from a sensitive variable.
   * @default - the `CPQ_ACCESS_TOKEN` environment variable
   */
  readonly accessToken?: SecretValue;
  /**
   * OAuth client-credentials token endpoint, instead of Basic or a bearer token.
   * @default - no OAuth client credentials
   */
  readonly tokenUrl?: string;
  /**
   * OAuth client id.
   * @default - the `CPQ_CLIENT_ID` environment variable
   */
  readonly clientId?: string;
  /**
   * OAuth client secret, from a sensitive variable.
   * @default - the `CPQ_CLIENT_SECRET` environment variable
   */
  readonly clientSecret?: SecretValue;
  /**
   * OAuth scope to request.
   * @default - no scope parameter
   */
  readonly scope?: string;
  /**
   * Seconds before one request times out.
   * @default 30
   */
  readonly requestTimeout?: number;
  /**
   * Retries of a request that is safe to repeat (429, 502-504, network errors).
   * @default 4
   */
  readonly maxRetries?: number;
  /**
   * Requests in flight at once.
   * @default 4
   */
  readonly maxConcurrency?: number;
  /**
   * Request rate ceiling.
   * @default - no ceiling
   */
  readonly requestsPerSecond?: number;
  /**
   * How User Integration logins are read: `auto` batches them through the users listing only
   * where the site proves it can, `per_user` reads each login, `batched` insists on batching.
   * @default "auto"
   */
  readonly loginReads?: "auto" | "batched" | "per_user";
  /**
   * Where the site's partners are read: Oracle's `integrationVendors`, or this project's first,
   * assumed `integrations` endpoint.
   * @default "integration_vendors"
   */
  readonly partnersSource?: "integration_vendors" | "integrations";
  /**
   * What CPQ does with the fields an SSO POST leaves out (Oracle does not say): `merge` keeps
   * them, `replace` resets them (then the managed keystore passwords go with every POST).
   * @default "merge"
   */
  readonly ssoPostMode?: "merge" | "replace";
  /**
   * The user record field holding the External SSO Id (for `UserSso`).
   * @default "externalSsoId"
   */
  readonly externalSsoIdField?: string;
  /**
   * Whether a user enabled for SSO can still sign in with the CPQ password (Oracle does not say).
   * `false` assumes not: turning SSO on for the provider's own login, or for the last active
   * FullAccess user outside SSO, warns at plan and sets `lockoutRisk`.
   * @default false
   */
  readonly ssoUsersSignInWithPassword?: boolean;
  /**
   * PEM CA certificate to trust in addition to the system's (TLS is always verified).
   * @default - the system's CAs only
   */
  readonly caCertificate?: string;
  /**
   * Endpoint path templates that differ from Oracle's documented ones (see docs/cpq-api.md).
   * @default - the documented paths
   */
  readonly paths?: CpqPathTemplates;
  /**
   * Provider alias, to configure several CPQ sites in one stack.
   * @default - the default `cpq` provider
   */
  readonly alias?: string;
}

const SECRET_PROPS = ["password", "accessToken", "clientSecret"] as const;

/**
 * The `cpq` provider (source `cpq-sso/cpq`). Pass it to `SsoConfiguration` as `provider` when a
 * stack configures more than one CPQ site; otherwise it is the stack's default `cpq` provider.
 *
 * @example
 * new CpqProvider(this, "cpq", {
 *   baseUrl: "https://acme.bigmachines.com",
 *   username: "sso-admin",
 *   password: sensitiveVariable(this, "cpq_password", "CPQ admin password"),
 * });
 */
export class CpqProvider extends Construct {
  /** The generated L1 provider, for escape hatches (`addOverride`). */
  public readonly provider: CpqProviderL1;

  public constructor(scope: Construct, id: string, props: CpqProviderProps = {}) {
    super(scope, id);
    // A prop this constructor never reads is a typo that would be dropped: refused at synth.
    props = watchProps(this, props);
    const paths: Record<string, string | undefined> = {};
    for (const [key, template] of Object.entries(props.paths ?? {})) paths[`${key}Path`] = template;

    const l1Config = definedOnly<CpqProviderConfig>({
      baseUrl: props.baseUrl,
      apiVersion: props.apiVersion,
      pathPrefix: props.pathPrefix,
      username: props.username,
      password: props.password && secretToken(props.password),
      accessToken: props.accessToken && secretToken(props.accessToken),
      tokenUrl: props.tokenUrl,
      clientId: props.clientId,
      clientSecret: props.clientSecret && secretToken(props.clientSecret),
      scope: props.scope,
      requestTimeout: props.requestTimeout,
      maxRetries: props.maxRetries,
      maxConcurrency: props.maxConcurrency,
      requestsPerSecond: props.requestsPerSecond,
      caCertificate: props.caCertificate,
      loginReads: props.loginReads,
      partnersSource: props.partnersSource,
      ssoPostMode: props.ssoPostMode,
      externalSsoIdField: props.externalSsoIdField,
      ssoUsersSignInWithPassword: props.ssoUsersSignInWithPassword,
      alias: props.alias,
      ...paths,
    });
    this.provider = new CpqProviderL1(this, "Default", l1Config);

    // The provider's own offline checks (types, enums, ranges, one auth mode), as at plan.
    // Derived from what the L1 synthesizes (`alias` is a meta-argument, not a setting).
    const { alias: _alias, ...settings } = l1Config;
    const config = validationInputOf({
      ...settings,
      // Secrets are never looked at (nor quoted in a message): set or not is all that counts. A
      // known placeholder, not UNKNOWN, so that "more than one auth mode" is caught at synth.
      ...Object.fromEntries(
        SECRET_PROPS.filter((p) => props[p] !== undefined).map((p) => [p, "(sensitive)"]),
      ),
    });
    const propOf = (attribute: string): string =>
      attribute.endsWith("_path") ? `paths.${camel(attribute.slice(0, -5))}` : camel(attribute);
    const errors = reportWarnings(this, validateConfiguration(cpqProvider, config), propOf);
    const secretProblems = useSecrets(
      this,
      SECRET_PROPS.map((p) => {
        const value = props[p];
        return value === undefined
          ? undefined
          : { prop: p, attribute: snake(p), value, use: "provider" as const };
      }),
    );
    this.node.addValidation({ validate: () => [...errors, ...secretProblems()] });
  }
}

/**
 * The Terraform provider a construct's `provider` prop names: a `CpqProvider`'s L1, or the
 * provider given; undefined for the stack's default `cpq` provider.
 */
export function terraformProviderOf(
  provider: CpqProvider | TerraformProvider | undefined,
): TerraformProvider | undefined {
  return provider instanceof CpqProvider ? provider.provider : provider;
}
