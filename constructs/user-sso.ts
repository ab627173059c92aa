/**
 * `UserSso`: who may sign in through SSO (`cpq_user_sso`), typed, checked at synth by the same
 * `validateConfiguration` the provider runs at plan; and `fromList` to roll SSO out to many users.
 */
import type { IResolvable, ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { userSsoResource } from "../provider/resources/user-sso";
import { validateConfiguration } from "../provider/contract/attributes";
import type { CpqProvider } from "./cpq-provider";
import type { OAuthProvider } from "./oauth-provider";
import { terraformProviderOf } from "./cpq-provider";
import { camel, definedOnly, reportWarnings, validationInputOf, watchProps } from "./diagnostics";
import { freeDerivedId } from "./ids";
import { dependsOnOf } from "./user-integration-login";
import { UserSso as UserSsoL1 } from "./generated/user-sso";
import type { UserSsoConfig } from "./generated/user-sso";

/** One CPQ user's SSO settings. Name the user by `partyNumber` or by `userLogin` (exactly one). */
export interface UserSsoProps {
  /**
   * The CPQ user's party number. Give this, `userLogin`, or both naming the same user (checked at
   * plan).
   * @default - resolved from `userLogin` at plan
   */
  readonly partyNumber?: string;
  /**
   * The CPQ user's login, resolved to the party number through the users list at plan.
   * @default - the user is named by `partyNumber`
   */
  readonly userLogin?: string;
  /**
   * Whether the user signs in through SSO (the user's "Enabled For SSO").
   * @default - not managed (CPQ keeps its value)
   */
  readonly enabledForSso?: boolean | IResolvable;
  /**
   * The External SSO Id an IdP assertion must match, with `samlUserIdType:
   * "assertionTypeExternal"`; `""` clears it.
   * @default - not managed
   */
  readonly externalSsoId?: string;
  /**
   * The provider (site) to configure.
   * @default - the stack's default `cpq` provider
   */
  readonly provider?: CpqProvider | TerraformProvider;
  /**
   * Resources to create first (e.g. the `SsoConfiguration`).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The OAuth provider integration the user signs in through (OpenID Connect builds on it): the
   * SSO settings wait for it, and a destroy removes them first.
   * @default - none
   */
  readonly oauthProvider?: OAuthProvider;
}

/** One entry of {@link UserSso.fromList}: the props, with an optional construct id. */
export interface UserSsoEntry extends Omit<
  UserSsoProps,
  "provider" | "dependsOn" | "oauthProvider"
> {
  /** @default - derived from the user (`sso_<login or party number>`, `_2` ... on a clash) */
  readonly id?: string;
}

/**
 * The SSO settings of one CPQ user: `enabledForSso` and `externalSsoId`, sent with CPQ's
 * documented `PATCH /rest/v19/users/{partyNumber}`; only the props you set are managed. Every
 * rule of the provider is checked at synth.
 *
 * @example
 * new UserSso(this, "jdoe_sso", { userLogin: "jdoe", enabledForSso: true, externalSsoId: "E1001" });
 */
export class UserSso extends Construct {
  /**
   * Declares one `UserSso` per entry, with shared `provider` and `dependsOn`: a whole team's
   * roll-out from one list.
   */
  public static fromList(
    scope: Construct,
    entries: readonly UserSsoEntry[],
    shared: Pick<UserSsoProps, "provider" | "dependsOn" | "oauthProvider"> = {},
  ): UserSso[] {
    return entries.map((entry, index) => {
      const { id, ...props } = entry;
      const who = props.userLogin ?? props.partyNumber ?? "";
      return new UserSso(scope, id ?? freeDerivedId(scope, "sso", [who], index), {
        ...shared,
        ...props,
      });
    });
  }

  /** The generated L1 resource, for escape hatches (`addOverride`, `lifecycle`). */
  public readonly resource: UserSsoL1;

  public constructor(scope: Construct, id: string, props: UserSsoProps) {
    super(scope, id);
    // A prop this constructor never reads is a typo that would be dropped: refused at synth.
    props = watchProps(this, props);
    const provider = terraformProviderOf(props.provider);
    const config = definedOnly<UserSsoConfig>({
      partyNumber: props.partyNumber,
      userLogin: props.userLogin,
      enabledForSso: props.enabledForSso,
      externalSsoId: props.externalSsoId,
      provider,
      dependsOn: dependsOnOf(props),
    });
    this.resource = new UserSsoL1(this, "Default", config);
    // The provider's own rules, on what the L1 synthesizes.
    const errors = reportWarnings(
      this,
      validateConfiguration(userSsoResource, validationInputOf(config)),
      camel,
    );
    this.node.addValidation({ validate: () => errors });
  }

  /** The user's party number (resolved from `userLogin` at plan). */
  public get partyNumber(): string {
    return this.resource.partyNumber;
  }
}
