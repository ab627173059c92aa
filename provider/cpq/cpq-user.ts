/**
 * Naming a CPQ user in a resource, by `party_number` or by `user_login` (resolved through the
 * users listing at plan): the rules and the lookup that `cpq_user_integration_login` and
 * `cpq_user_sso` share.
 */
import { attributeError, isKnown, isSet, isUnknown } from "../contract/attributes";
import type { UserWire } from "../client";
import type { UserDirectory } from "./user-directory";
import type { Attribute, Diagnostic, Value } from "../contract/types";
import { UNKNOWN } from "../contract/types";

/** The two attributes that name the user, in the resources' tables. */
export const USER_NAMING_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "party_number",
    type: "string",
    kind: "optional_computed",
    forceNew: true,
    description:
      "The CPQ user's party number. Give this, `user_login`, or both naming the same user (as the configuration `terraform plan -generate-config-out` writes after an import by login); when `user_login` is given, it is resolved to this.",
  },
  {
    name: "user_login",
    type: "string",
    kind: "optional",
    description:
      "The CPQ user's login, resolved to the party number through the users list at plan. An unknown or ambiguous login is a plan error, and so is a login of another user than `party_number` names when both are set.",
  },
];

/**
 * Offline: at least one of `party_number` and `user_login`, and neither of them blank. Both may be
 * set: whether they name the same user needs the users list, so that is said at plan.
 */
export function userNamingRules(config: Readonly<Record<string, unknown>>): Diagnostic[] {
  const blank = ["party_number", "user_login"].flatMap((name) => {
    const v = config[name];
    return typeof v === "string" && v.trim() === ""
      ? [attributeError(name, `"${name}" is empty`, `Give "${name}" a value, or leave it out.`)]
      : [];
  });
  return [...named(config), ...blank];
}

function named(config: Readonly<Record<string, unknown>>): Diagnostic[] {
  // A rule about two attributes waits until both are known: `cond ? null : "1001"` beside
  // `cond ? "jdoe" : null` is one name or the other once `cond` is known.
  if (isUnknown(config.party_number) || isUnknown(config.user_login)) return [];
  if (!isSet(config.party_number) && !isSet(config.user_login)) {
    return [
      attributeError(
        "party_number",
        "No CPQ user is named",
        'Set party_number (e.g. "1001") or user_login (the user\'s CPQ login).',
      ),
    ];
  }
  return [];
}

/**
 * At plan: the party number the configuration names (UNKNOWN while either name is), or the
 * error that says why there is none. A party number given directly must exist; given beside a
 * login, the login must be that user's.
 */
export async function resolvePartyNumber(
  directory: UserDirectory,
  config: Readonly<Record<string, Value>>,
): Promise<{ partyNumber: Value; diagnostics: Diagnostic[] }> {
  // Validation let an unknown pass; at plan both may be known, and then the rule applies.
  const naming = userNamingRules(config);
  if (naming.length > 0) return { partyNumber: null, diagnostics: naming };
  // A party number known only at apply is planned unknown, whatever user_login says: Terraform
  // refuses a known plan of an unknown configured value, and the naming rule above waits for
  // both to be known (the re-plan at apply checks the pair agrees once both are).
  if (isUnknown(config.party_number)) return { partyNumber: UNKNOWN, diagnostics: [] };
  const userLogin = config.user_login;
  if (isKnown(userLogin) && typeof userLogin === "string") {
    const matches = await directory.byLogin(userLogin);
    if (matches.length === 0) {
      return {
        partyNumber: null,
        diagnostics: [
          attributeError(
            "user_login",
            `No CPQ user has the login "${userLogin}"`,
            "Check the spelling, or name the user by party_number. Logins are compared without regard to case.",
          ),
        ],
      };
    }
    if (matches.length > 1) {
      return {
        partyNumber: null,
        diagnostics: [
          attributeError(
            "user_login",
            `The login "${userLogin}" matches ${matches.length} CPQ users`,
            `Party numbers: ${matches.map((u) => u.partyNumber).join(", ")}. Name the user by party_number instead.`,
          ),
        ],
      };
    }
    const resolved = matches[0]!.partyNumber;
    const pn = config.party_number;
    if (isKnown(pn) && typeof pn === "string" && pn !== resolved) {
      return {
        partyNumber: null,
        diagnostics: [
          attributeError(
            "user_login",
            `user_login "${userLogin}" and party_number "${pn}" name different CPQ users`,
            `The login "${userLogin}" is the user with party number ${resolved}. Name the user once (by party_number or by user_login), or make them agree.`,
          ),
        ],
      };
    }
    return { partyNumber: resolved, diagnostics: [] };
  }
  // A login known only at apply names the user then; a party number given beside it is planned
  // as given (the same re-plan checks the login is that user's once it is known).
  if (isUnknown(userLogin) && !isSet(config.party_number)) {
    return { partyNumber: UNKNOWN, diagnostics: [] };
  }
  const pn = config.party_number;
  if (isKnown(pn) && typeof pn === "string" && !(await directory.byPartyNumber(pn))) {
    return {
      partyNumber: pn,
      diagnostics: [
        attributeError(
          "party_number",
          `No CPQ user has the party number "${pn}"`,
          "Check the party number (the cpq_users data source lists them), or name the user by user_login.",
        ),
      ],
    };
  }
  return { partyNumber: pn ?? null, diagnostics: [] };
}

/**
 * The user an import id names: a party number, else a login (one match only), with the error
 * that says why there is none. `byLogin` says which it was: an import by login keeps that login
 * as `user_login` beside `party_number`, so a configuration naming the user by `user_login`
 * plans clean after it; an import by party number leaves `user_login` null. Both in state is
 * valid configuration (the two may name the same user), and `terraform plan
 * -generate-config-out` writes both.
 */
export async function userOfImportId(
  directory: UserDirectory,
  who: string,
  /** The import id that names a user by party number, for the "matches several" message. */
  idOf: (partyNumber: string) => string,
): Promise<
  | { user: UserWire; byLogin: boolean; error?: undefined }
  | { user?: undefined; byLogin?: undefined; error: { summary: string; detail: string } }
> {
  const byParty = await directory.byPartyNumber(who);
  if (byParty) return { user: byParty, byLogin: false };
  const matches = await directory.byLogin(who);
  if (matches.length > 1) {
    return {
      error: {
        summary: `The login "${who}" matches ${matches.length} CPQ users`,
        detail: `Import by party number instead: ${matches.map((u) => `"${idOf(u.partyNumber)}"`).join(", ")}.`,
      },
    };
  }
  const user = matches[0];
  if (!user) {
    return {
      error: { summary: `No CPQ user "${who}"`, detail: "No user has that party number or login." },
    };
  }
  return { user, byLogin: true };
}
