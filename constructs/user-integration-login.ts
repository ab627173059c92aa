/**
 * `UserIntegrationLogin`: one user's login on one partner tab of CPQ's User Integration page
 * (`cpq_user_integration_login`), typed, checked at synth by the same
 * `validateConfiguration` the provider runs at plan; and `fromList` to declare many.
 */
import type { IResolvable, ITerraformDependable, TerraformProvider } from "cdktf";
import { TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import {
  USER_INTEGRATION_SECRETS,
  userIntegrationLoginResource,
} from "../provider/resources/user-integration-login";
import { validateConfiguration } from "../provider/contract/attributes";
import type { CpqProvider } from "./cpq-provider";
import type { OAuthProvider } from "./oauth-provider";
import { terraformProviderOf } from "./cpq-provider";
import { definedOnly, reportWarnings, snake, validationInputOf, watchProps } from "./diagnostics";
import { freeDerivedId } from "./ids";
import { UserIntegrationLogin as UserIntegrationLoginL1 } from "./generated/user-integration-login";
import type { UserIntegrationLoginConfig } from "./generated/user-integration-login";
import type { SecretValue, StoredSecret } from "./secrets";
import { propOfAttribute, resolveSecrets, secretProps, useSecrets } from "./secrets";

/**
 * A partner password or security token: a secret sent write-only (the default: never stored in
 * plan or state, Terraform 1.11+), or, wrapped with `storedInState(...)`, kept sensitive in state.
 */
export type PartnerSecret = SecretValue | StoredSecret;

/**
 * One user's login on one User Integration tab. Name the CPQ user by `partyNumber` or by
 * `userLogin` (exactly one).
 */
export interface UserIntegrationLoginProps {
  /**
   * The CPQ user's party number. Give this, `userLogin`, or both naming the same user (checked at
   * plan).
   * @default - resolved from `userLogin` at plan
   */
  readonly partyNumber?: string;
  /**
   * The CPQ user's login, resolved to the party number through the users list at plan (an
   * unknown or ambiguous login is a plan error). Give this, `partyNumber`, or both naming the same
   * user (checked at plan).
   * @default - the user is named by `partyNumber`
   */
  readonly userLogin?: string;
  /**
   * The User Integration tab: `"crm"` is the CRM/IdP tab; other partner tabs are named as the
   * site lists them (`GET /rest/v19/integrations`).
   * @default - the tab of `oauthProvider` (one of the two is required)
   */
  readonly tab?: string;
  /**
   * The OAuth provider integration whose tab this login is on: the login takes its tab (unless
   * `tab` is given) and waits for it, so one apply sets up the integration and then the login,
   * and a destroy removes the login first.
   * @default - none
   */
  readonly oauthProvider?: OAuthProvider;
  /**
   * The user's login at the partner (for an IdP such as IDCS, the IdP login). A change revokes a
   * stored OAuth token.
   */
  readonly login: string;
  /**
   * Partner password, from a sensitive variable: for a partner without OAuth, and on an OAuth
   * partner only where the CRM is integrated both inbound and outbound (CPQ then requires it;
   * refused otherwise). Sent write-only (`password_wo`) unless wrapped with `storedInState(...)`
   * (`password`, kept sensitive in state).
   * @default - no password
   */
  readonly password?: PartnerSecret;
  /**
   * Change this number to send the write-only `password` again (`password_wo_version`). A
   * changed password is detected without it, from a hash in private state.
   * @default - no version
   */
  readonly passwordVersion?: number;
  /**
   * Partner security token, when the partner's authentication requires one; as `password`
   * (`security_token_wo`, or `security_token` with `storedInState(...)`).
   * @default - no security token
   */
  readonly securityToken?: PartnerSecret;
  /**
   * Change this number to send the write-only `securityToken` again
   * (`security_token_wo_version`).
   * @default - no version
   */
  readonly securityTokenVersion?: number;
  /**
   * Run CPQ's Check action before the Save: the apply fails with CPQ's reason, saving nothing,
   * when the partner refuses the login and password. Sites without OAuth only; needs `password`.
   * @default false - Save alone, as on the page
   */
  readonly validateCredentials?: boolean | IResolvable;
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
 * One entry of {@link UserIntegrationLogin.fromList}: the props of one login, with `tab`
 * optional when the defaults give it.
 */
export interface UserIntegrationLoginEntry extends Omit<UserIntegrationLoginProps, "tab"> {
  /**
   * The User Integration tab (`"crm"` is the CRM/IdP tab).
   * @default - the `tab` of the defaults (one of the two is required)
   */
  readonly tab?: string;
  /**
   * The construct id of this login (its Terraform resource name when the scope is a stack).
   * @default - `<idPrefix>_<user>_<tab>`, sanitized, with `_2`, `_3` ... on a clash
   */
  readonly id?: string;
}

/** Props shared by the entries of {@link UserIntegrationLogin.fromList}; an entry's own win. */
export type UserIntegrationLoginDefaults = Partial<
  Pick<
    UserIntegrationLoginProps,
    | "tab"
    | "oauthProvider"
    | "passwordVersion"
    | "securityTokenVersion"
    | "validateCredentials"
    | "provider"
    | "dependsOn"
  >
>;

/** Prop names of the secrets, with the Terraform attributes each maps to. */
const SECRETS = secretProps(USER_INTEGRATION_SECRETS, ["password", "securityToken"] as const);

/** The prop a Terraform attribute of `cpq_user_integration_login` comes from. */
const propOf = propOfAttribute(USER_INTEGRATION_SECRETS);

/** The tab of a login: its own, else its OAuth provider's; `""` when neither is given. */
export function tabOf(props: Pick<UserIntegrationLoginProps, "tab" | "oauthProvider">): string {
  return props.tab ?? props.oauthProvider?.tab ?? "";
}

/**
 * The resources a login (or a user's SSO settings) waits for: its own `dependsOn`, and its OAuth
 * provider (the tab's token alone would do for a create; the explicit dependency also holds when
 * `tab` is given).
 */
export function dependsOnOf(
  props: Pick<UserIntegrationLoginProps, "dependsOn" | "oauthProvider">,
): ITerraformDependable[] | undefined {
  const own = props.dependsOn ?? [];
  const all = props.oauthProvider ? [...own, props.oauthProvider.resource] : own;
  return all.length > 0 ? all : undefined;
}

/** Where a login was declared by `fromList`, for messages naming both duplicates. */
interface ListOrigin {
  readonly call: string;
  readonly index: number;
  /** Neither the entry nor the defaults gave a tab. */
  readonly tabMissing: boolean;
}

/** The first login declared for each (provider, user, tab) of a stack: duplicates are refused. */
const declared = new WeakMap<TerraformStack, Map<string, UserIntegrationLogin>>();

/**
 * One CPQ user's login on one partner tab of the User Integration page
 * (`cpq_user_integration_login`). On an OAuth partner it holds the login only (the partner makes
 * the token; `tokenPresent` says whether one is stored); without OAuth, login, password and
 * optional security token. The provider's offline rules run at synth: errors fail `app.synth()`
 * naming this construct's path, the prop and the Terraform attribute. Secrets must come from
 * sensitive Terraform variables. Two logins for the same user and tab on one provider are refused.
 *
 * @example
 * new UserIntegrationLogin(this, "jdoe_crm", {
 *   userLogin: "jdoe",
 *   tab: "crm",
 *   login: "john.doe@example.com",
 * });
 */
export class UserIntegrationLogin extends Construct {
  /**
   * Declares one login per entry, directly under `scope`, with ids derived from the user and the
   * tab (`<idPrefix>_<user>_<tab>`, letters, digits and `_`; `_2`, `_3` ... when two entries
   * sanitize alike or the id is taken). Two entries for the same user and tab are a synth error
   * naming both. Cheap per entry: thousands of logins synthesize in well under a second.
   *
   * @param scope where the logins go (their Terraform names are their ids when it is a stack)
   * @param idPrefix first part of each derived id, e.g. `"login"`; may be `""`
   * @param entries the logins
   * @param defaults props shared by all entries (an entry's own props win)
   * @returns the constructs, in the order of `entries`
   *
   * @example
   * UserIntegrationLogin.fromList(this, "crm", [
   *   { userLogin: "jdoe", login: "john.doe@example.com" },
   *   { partyNumber: "1002", login: "ann.smith@example.com" },
   * ], { tab: "crm" });
   */
  public static fromList(
    scope: Construct,
    idPrefix: string,
    entries: readonly UserIntegrationLoginEntry[],
    defaults: UserIntegrationLoginDefaults = {},
  ): UserIntegrationLogin[] {
    const call = `UserIntegrationLogin.fromList(${JSON.stringify(scope.node.path)}, ${JSON.stringify(idPrefix)})`;
    return entries.map((entry, index) => {
      const { id: givenId, ...own } = entry;
      const props: UserIntegrationLoginProps = {
        ...defaults,
        ...definedOnly<Omit<UserIntegrationLoginProps, "tab">>(own),
        ...definedOnly({ tab: own.tab ?? defaults.tab }),
      };
      const id =
        givenId ??
        freeDerivedId(
          scope,
          idPrefix,
          [props.partyNumber ?? props.userLogin ?? "", tabOf(props)],
          index,
        );
      const login = new UserIntegrationLogin(scope, id, props);
      login.origin = {
        call,
        index,
        tabMissing: tabOf(props) === "",
      };
      return login;
    });
  }

  /** The generated L1 resource, for escape hatches (`addOverride`, `lifecycle`). */
  public readonly resource: UserIntegrationLoginL1;
  /**
   * What names this login: its user, tab and provider, as declared (read by
   * `UserIntegrationLogins` to refuse a user declared in both at synth).
   */
  public readonly declaration: Pick<
    UserIntegrationLoginProps,
    "partyNumber" | "userLogin" | "tab" | "provider"
  >;
  /** The entry of a `fromList` call this login comes from, when it does. */
  private origin: ListOrigin | undefined;
  /** The user and tab, as written (for messages), when both are known at synth. */
  private readonly identity: string | undefined;
  /** An earlier login of this stack for the same provider, user and tab. */
  private readonly duplicateOf: UserIntegrationLogin | undefined;

  public constructor(scope: Construct, id: string, props: UserIntegrationLoginProps) {
    super(scope, id);
    // A prop this constructor never reads is a typo that would be dropped: refused at synth.
    props = watchProps(this, props);
    const tab = tabOf(props);
    this.declaration = definedOnly({
      partyNumber: props.partyNumber,
      userLogin: props.userLogin,
      tab,
      provider: props.provider,
    });
    const secrets = resolveSecrets(SECRETS, props);
    const [password, securityToken] = secrets;
    const secretProblems = useSecrets(
      this,
      secrets.map((s) => s.given),
    );

    const provider = terraformProviderOf(props.provider);
    // "Default" is left out of logical ids: a top-level `UserIntegrationLogin(stack, "jdoe_crm")`
    // is the Terraform address `cpq_user_integration_login.jdoe_crm`.
    const l1Config = definedOnly<UserIntegrationLoginConfig>({
      partyNumber: props.partyNumber,
      userLogin: props.userLogin,
      tab,
      login: props.login,
      password: password?.stored,
      passwordWo: password?.writeOnly,
      passwordWoVersion: props.passwordVersion,
      securityToken: securityToken?.stored,
      securityTokenWo: securityToken?.writeOnly,
      securityTokenWoVersion: props.securityTokenVersion,
      validateCredentials: props.validateCredentials,
      provider,
      dependsOn: dependsOnOf(props),
    });
    this.resource = new UserIntegrationLoginL1(this, "Default", l1Config);

    // The provider's own rules, on what the L1 synthesizes in Terraform's names: unresolved
    // tokens (secrets from variables among them) are unknown to the rules, as at plan.
    const config = validationInputOf(l1Config);
    const errors = reportWarnings(
      this,
      validateConfiguration(userIntegrationLoginResource, config),
      propOf,
    );

    // Same provider, user and tab twice: the two resources would overwrite each other's login.
    const user = props.partyNumber ?? props.userLogin;
    const known = (s: string | undefined): s is string =>
      s !== undefined && s !== "" && !Token.isUnresolved(s);
    if (known(user) && known(tab)) {
      const named = by(props);
      this.identity = `${named} ${JSON.stringify(user)} on tab ${JSON.stringify(tab)}`;
      const stack = TerraformStack.of(this);
      let logins = declared.get(stack);
      if (logins === undefined) declared.set(stack, (logins = new Map()));
      // Providers of one stack differ by alias: the default `cpq` provider has none.
      const key = `${provider?.alias ?? ""}\0${named}\0${user}\0${tab}`;
      this.duplicateOf = logins.get(key);
      if (this.duplicateOf === undefined) logins.set(key, this);
    }

    this.node.addValidation({
      // Secrets are checked here, not in the constructor: a variable may be made sensitive (or
      // not) anywhere in the stack, and the whole tree exists only at synth.
      validate: () => [
        ...(this.origin?.tabMissing
          ? [
              `tab (tab): entries[${this.origin.index}] of ${this.origin.call} has no tab. Give the entry a tab, or pass { tab: "crm" } (or another tab) as the defaults.`,
              ...errors.filter((e) => !e.startsWith("tab (tab):")),
            ]
          : errors),
        ...this.duplicateProblem(by(props)),
        ...secretProblems(),
      ],
    });
  }

  /** The message for a second login of the same user and tab, naming both declarations. */
  private duplicateProblem(prop: "partyNumber" | "userLogin"): string[] {
    const first = this.duplicateOf;
    if (first === undefined) return [];
    const where = (l: UserIntegrationLogin): string =>
      l.origin
        ? `"${l.node.path}" (entries[${l.origin.index}] of ${l.origin.call})`
        : `"${l.node.path}"`;
    return [
      `${prop} (${snake(prop)}): ${where(this)} and ${where(first)} both declare the login of ${this.identity ?? "this user and tab"} for the same provider. One user has one login per tab, and two resources would overwrite each other; remove one of them.`,
    ];
  }

  /** The resource id, `<party_number>/<tab>`. */
  public get id(): string {
    return this.resource.id;
  }

  /** The user's party number (resolved from `userLogin` when the user is named by login). */
  public get partyNumber(): string {
    return this.resource.partyNumber;
  }

  /** `oauth` when the partner uses OAuth on this site, else `password`. */
  public get authType(): string {
    return this.resource.authType;
  }

  /** The partner integrated on this tab, e.g. `Oracle Sales`. */
  public get partner(): string {
    return this.resource.partner;
  }

  /**
   * Whether CPQ holds an OAuth token for this login. A token is stored, not necessarily valid
   * (the page's Revoke Token button does not prove validity either).
   */
  public get tokenPresent(): IResolvable {
    return this.resource.tokenPresent;
  }

  /** When Terraform last saved this login (RFC 3339). */
  public get savedAt(): string {
    return this.resource.savedAt;
  }
}

/** The prop that names the user. */
function by(props: UserIntegrationLoginProps): "partyNumber" | "userLogin" {
  return props.partyNumber !== undefined ? "partyNumber" : "userLogin";
}
