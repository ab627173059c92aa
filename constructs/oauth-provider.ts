/**
 * `OAuthProvider`: the Integration Center's OAuth Provider integration (`cpq_oauth_provider`),
 * typed, checked at synth by the same `validateOAuthProvider` the provider runs at plan. Logins
 * on its tab take it as their `oauthProvider` prop, which gives them its tab and makes them wait
 * for it (and go first on destroy).
 */
import type { IResolvable, ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { validateOAuthProvider } from "../provider/resources/oauth-provider";
import type { CpqProvider } from "./cpq-provider";
import { terraformProviderOf } from "./cpq-provider";
import { camel, definedOnly, reportWarnings, validationInputOf, watchProps } from "./diagnostics";
import { OauthProvider as OAuthProviderL1 } from "./generated/oauth-provider";
import type { OauthProviderConfig } from "./generated/oauth-provider";

/** The OAuth provider integration: Oracle's fields and the properties of Oracle's sample. */
export interface OAuthProviderProps {
  /** The integration's name in the Integration Center (`vendorName`). */
  readonly vendorName: string;
  /** The identity domain's base URL (`loginEndpoint`), absolute https. */
  readonly loginEndpoint: string;
  /**
   * The token issuer CPQ accepts (property `issuer`).
   * @default - not managed (CPQ keeps its value)
   */
  readonly issuer?: string;
  /**
   * The client id of the identity domain's application CPQ signs users in with (`clientId`).
   * @default - not managed
   */
  readonly clientId?: string;
  /**
   * The token endpoint (`tokenEP`): a path under `loginEndpoint`, or an absolute https URL.
   * @default - not managed
   */
  readonly tokenEndpoint?: string;
  /**
   * The scope CPQ asks tokens for (`oAuthProviderScope`).
   * @default - not managed
   */
  readonly scope?: string;
  /**
   * The client id of the application that registers CPQ as a resource (`cpqClientId`).
   * @default - not managed
   */
  readonly cpqClientId?: string;
  /**
   * Where CPQ reads the signing keys (`resourceEP`): a path under `loginEndpoint`, or a URL.
   * @default - not managed
   */
  readonly resourceEndpoint?: string;
  /**
   * Whether CPQ retrieves the signing certificate itself (`retrieveCertificate`).
   * @default - not managed
   */
  readonly retrieveCertificate?: boolean | IResolvable;
  /**
   * The identity domain's signing certificate, PEM or base64 DER (`cert`).
   * @default - not managed
   */
  readonly certificate?: string;
  /**
   * The certificate's name (`certName`).
   * @default - not managed
   */
  readonly certificateName?: string;
  /**
   * The provider (site) to configure.
   * @default - the stack's default `cpq` provider
   */
  readonly provider?: CpqProvider | TerraformProvider;
  /**
   * Resources to create first.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The OAuth Provider integration of CPQ's Integration Center (an Oracle IAM identity domain), the
 * prerequisite of OAuth logins on the User Integration page. Only the props you set are managed;
 * the integration's other properties stay as CPQ holds them.
 *
 * @example
 * const idcs = new OAuthProvider(this, "idcs", {
 *   vendorName: "IDCS",
 *   loginEndpoint: "https://idcs-1234.identity.oraclecloud.com",
 *   clientId: "836954009fe54f1382d0ba1d607a038d",
 *   tokenEndpoint: "/oauth2/v1/token",
 * });
 * new UserIntegrationLogins(this, "idp_logins", { oauthProvider: idcs, logins: { jdoe: "jdoe@example.com" } });
 */
export class OAuthProvider extends Construct {
  /** The generated L1 resource, for escape hatches (`addOverride`, `lifecycle`). */
  public readonly resource: OAuthProviderL1;

  public constructor(scope: Construct, id: string, props: OAuthProviderProps) {
    super(scope, id);
    // A prop this constructor never reads is a typo that would be dropped: refused at synth.
    props = watchProps(this, props);
    const config = definedOnly<OauthProviderConfig>({
      vendorName: props.vendorName,
      loginEndpoint: props.loginEndpoint,
      issuer: props.issuer,
      clientId: props.clientId,
      tokenEndpoint: props.tokenEndpoint,
      scope: props.scope,
      cpqClientId: props.cpqClientId,
      resourceEndpoint: props.resourceEndpoint,
      retrieveCertificate: props.retrieveCertificate,
      certificate: props.certificate,
      certificateName: props.certificateName,
      provider: terraformProviderOf(props.provider),
      dependsOn: props.dependsOn,
    });
    this.resource = new OAuthProviderL1(this, "Default", config);
    // The provider's own rules, on what the L1 synthesizes.
    const errors = reportWarnings(this, validateOAuthProvider(validationInputOf(config)), camel);
    this.node.addValidation({ validate: () => errors });
  }

  /** The integration's id in CPQ (known after apply). */
  public get integrationId(): string {
    return this.resource.id;
  }

  /**
   * The User Integration tab whose logins the integration serves (known once it exists): what
   * the logins of its tab take as their `tab`, through their `oauthProvider` prop.
   */
  public get tab(): string {
    return this.resource.tab;
  }
}
