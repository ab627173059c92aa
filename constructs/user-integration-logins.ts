/**
 * `UserIntegrationLogins`: the login-only entries of one OAuth partner tab
 * (`cpq_user_integration_logins`), typed and checked at synth by the same
 * `validateConfiguration` the provider runs at plan; built from a record, a list, or the
 * rows of a CSV file as a CSV parser returns them.
 */
import type { IResolvable, ITerraformDependable, TerraformProvider } from "cdktf";
import { TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { userIntegrationLoginsResource } from "../provider/resources/user-integration-logins";
import { validateConfiguration } from "../provider/contract/attributes";
import type { CpqProvider } from "./cpq-provider";
import { terraformProviderOf } from "./cpq-provider";
import { camel, definedOnly, reportWarnings, validationInputOf, watchProps } from "./diagnostics";
import type { OAuthProvider } from "./oauth-provider";
import { UserIntegrationLogin, dependsOnOf, tabOf } from "./user-integration-login";
import { UserIntegrationLogins as UserIntegrationLoginsL1 } from "./generated/user-integration-logins";
import type { UserIntegrationLoginsConfig } from "./generated/user-integration-logins";

/** What the keys of `logins` name: the CPQ users' logins, or their party numbers. */
export type LoginsKeyBy = "login" | "party_number";

/** The logins of one OAuth partner tab. */
export interface UserIntegrationLoginsProps {
  /**
   * The User Integration tab of an OAuth partner, e.g. `idp`.
   * @default - the tab of `oauthProvider` (one of the two is required)
   */
  readonly tab?: string;
  /**
   * The OAuth provider integration whose tab holds these logins: they take its tab (unless `tab`
   * is given) and wait for it, so one apply sets up the integration and then the logins, and a
   * destroy removes the logins first.
   * @default - none
   */
  readonly oauthProvider?: OAuthProvider;
  /**
   * From the CPQ user (their login, or their party number with `keyBy: "party_number"`) to their
   * login at the partner. Removing an entry removes that login from the tab.
   */
  readonly logins: Readonly<Record<string, string>>;
  /**
   * What the keys of `logins` are.
   * @default "login"
   */
  readonly keyBy?: LoginsKeyBy;
  /**
   * Own the whole tab: logins of users not in `logins` are removed (their tokens revoked).
   * @default false - only the users listed are touched
   */
  readonly exclusive?: boolean | IResolvable;
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
}

/** One entry of {@link UserIntegrationLogins.fromList}: a user, by login or by party number. */
export interface UserIntegrationLoginsEntry {
  /** The CPQ user's login. Give this or `partyNumber`, the same one for every entry. */
  readonly userLogin?: string;
  /** The CPQ user's party number. */
  readonly partyNumber?: string;
  /** The user's login at the partner. */
  readonly login: string;
}

/** Which columns of CSV rows hold what, for {@link UserIntegrationLogins.fromRows}. */
export interface CsvColumns {
  /**
   * The column naming the CPQ user.
   * @default "user_login" (or "party_number" with `keyBy: "party_number"`)
   */
  readonly user?: string;
  /**
   * The column holding the user's login at the partner.
   * @default "login"
   */
  readonly login?: string;
}

/** The props {@link UserIntegrationLogins.fromList} and `fromRows` take besides the entries. */
export type UserIntegrationLoginsShared = Omit<UserIntegrationLoginsProps, "logins" | "keyBy">;

/**
 * The logins of one OAuth tab of CPQ's User Integration page as one resource: Terraform plans and
 * applies one resource for thousands of users, and shows each changed entry by its key. Password
 * tabs stay with {@link UserIntegrationLogin}; a user and tab declared in both is refused at
 * synth.
 *
 * @example
 * new UserIntegrationLogins(this, "idp", {
 *   tab: "idp",
 *   logins: { jdoe: "jdoe@login.example.com", asmith: "asmith@login.example.com" },
 * });
 */
export class UserIntegrationLogins extends Construct {
  /** From a list of entries, each naming its user by `userLogin` or (all of them) `partyNumber`. */
  public static fromList(
    scope: Construct,
    id: string,
    entries: readonly UserIntegrationLoginsEntry[],
    shared: UserIntegrationLoginsShared,
  ): UserIntegrationLogins {
    const byParty = entries.length > 0 && entries.every((e) => e.partyNumber !== undefined);
    const logins: Record<string, string> = {};
    entries.forEach((e, i) => {
      const user = byParty ? e.partyNumber : e.userLogin;
      if (user === undefined || (e.userLogin !== undefined && e.partyNumber !== undefined)) {
        throw new Error(
          `[${scope.node.path}/${id}] entries[${i}]: name the user by userLogin in every entry, or by partyNumber in every entry (one resource keys its logins one way).`,
        );
      }
      addEntry(logins, user, e.login, `entries[${i}]`, `${scope.node.path}/${id}`);
    });
    return new UserIntegrationLogins(scope, id, {
      ...shared,
      logins,
      keyBy: byParty ? "party_number" : "login",
    });
  }

  /**
   * From the rows of a CSV file, as a CSV parser with a header line returns them (one object per
   * row, by column name; e.g. `parse(text, { columns: true })` of `csv-parse/sync`).
   */
  public static fromRows(
    scope: Construct,
    id: string,
    rows: readonly Readonly<Record<string, string | undefined>>[],
    shared: UserIntegrationLoginsShared & {
      readonly keyBy?: LoginsKeyBy;
      readonly columns?: CsvColumns;
    },
  ): UserIntegrationLogins {
    const { columns = {}, keyBy = "login", ...rest } = shared;
    const userColumn = columns.user ?? (keyBy === "party_number" ? "party_number" : "user_login");
    const loginColumn = columns.login ?? "login";
    const path = `${scope.node.path}/${id}`;
    const logins: Record<string, string> = {};
    rows.forEach((row, i) => {
      // Row numbers as a spreadsheet shows them: the header is row 1.
      const where = `row ${i + 2}`;
      const user = row[userColumn]?.trim();
      const login = row[loginColumn]?.trim();
      if (!user || !login) {
        const missing = !user ? userColumn : loginColumn;
        throw new Error(
          `[${path}] ${where} has no "${missing}". Each row needs the columns "${userColumn}" and "${loginColumn}" (columns: { user, login } names others).`,
        );
      }
      addEntry(logins, user, login, where, path);
    });
    return new UserIntegrationLogins(scope, id, { ...rest, logins, keyBy });
  }

  /** The generated L1 resource, for escape hatches (`addOverride`, `lifecycle`). */
  public readonly resource: UserIntegrationLoginsL1;
  private readonly props: UserIntegrationLoginsProps;

  public constructor(scope: Construct, id: string, props: UserIntegrationLoginsProps) {
    super(scope, id);
    // A prop this constructor never reads is a typo that would be dropped: refused at synth.
    props = watchProps(this, props);
    this.props = props;
    const provider = terraformProviderOf(props.provider);
    const config = definedOnly<UserIntegrationLoginsConfig>({
      tab: tabOf(props),
      logins: { ...props.logins },
      keyBy: props.keyBy,
      exclusive: props.exclusive,
      provider,
      dependsOn: dependsOnOf(props),
    });
    this.resource = new UserIntegrationLoginsL1(this, "Default", config);
    // The provider's own rules on what the L1 synthesizes (the map's entries one by one).
    const errors = reportWarnings(
      this,
      validateConfiguration(userIntegrationLoginsResource, validationInputOf(config)),
      camel,
    );
    this.node.addValidation({ validate: () => [...errors, ...this.declaredTwice()] });
  }

  /** The tab. */
  public get id(): string {
    return this.resource.id;
  }

  /** The partner integrated on the tab. */
  public get partner(): string {
    return this.resource.partner;
  }

  /**
   * The users of this tab also declared by a `UserIntegrationLogin` of the stack for the same
   * provider: the two resources would overwrite each other's login. Keys and props are compared
   * the same way (logins without regard to case); a user named by login in one and by party
   * number in the other is only seen at plan.
   */
  private declaredTwice(): string[] {
    const tab = tabOf(this.props);
    if (Token.isUnresolved(tab)) return [];
    const alias = (p: CpqProvider | TerraformProvider | undefined): string =>
      terraformProviderOf(p)?.alias ?? "";
    const byParty = this.props.keyBy === "party_number";
    const keys = new Map(
      Object.keys(this.props.logins).map((k) => [byParty ? k : k.toLowerCase(), k]),
    );
    const clashes: string[] = [];
    for (const c of TerraformStack.of(this).node.findAll()) {
      if (!(c instanceof UserIntegrationLogin)) continue;
      const other = c.declaration;
      if (other.tab !== tab || alias(other.provider) !== alias(this.props.provider)) continue;
      const user = byParty ? other.partyNumber : other.userLogin?.toLowerCase();
      const key = user === undefined ? undefined : keys.get(user);
      if (key !== undefined) clashes.push(`"${key}" (also "${c.node.path}")`);
    }
    if (clashes.length === 0) return [];
    const shown = clashes.slice(0, 5).join(", ");
    const more = clashes.length > 5 ? ` and ${clashes.length - 5} more` : "";
    return [
      `logins (logins): ${shown}${more} ${clashes.length === 1 ? "is" : "are"} declared on tab "${tab}" here and by a UserIntegrationLogin for the same provider. One user has one login per tab, and the two resources would overwrite each other: keep each user in one of them.`,
    ];
  }
}

function addEntry(
  logins: Record<string, string>,
  user: string,
  login: string,
  where: string,
  path: string,
): void {
  if (Object.hasOwn(logins, user)) {
    throw new Error(
      `[${path}] ${where} names user "${user}" again: one user has one login per tab. Remove one of the two.`,
    );
  }
  logins[user] = login;
}
