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
      "The CPQ user's party number. Give this or `user_login`; when `user_login` is given, it is resolved to this.",
  },
  {
    name: "user_login",
    type: "string",
    kind: "optional",
    description:
      "The CPQ user's login, resolved to the party number through the users list at plan. An unknown or ambiguous login is a plan error.",
  },
];

/** Offline: exactly one of `party_number` and `user_login`, and neither of them blank. */
export function userNamingRules(config: Readonly<Record<string, unknown>>): Diagnostic[] {
  const blank = ["party_number", "user_login"].flatMap((name) => {
    const v = config[name];
    return typeof v === "string" && v.trim() === ""
      ? [attributeError(name, `"${name}" is empty`, `Give "${name}" a value, or leave it out.`)]
      : [];
  });
  return [...namedOnce(config), ...blank];
}

function namedOnce(config: Readonly<Record<string, unknown>>): Diagnostic[] {
  // A rule about two attributes waits until both are known: `cond ? null : "1001"` beside
  // `cond ? "jdoe" : null` is one name or the other once `cond` is known.
  if (isUnknown(config.party_number) || isUnknown(config.user_login)) return [];
  if (isSet(config.party_number) && isSet(config.user_login)) {
    return [
      attributeError(
        "user_login",
        'Both "party_number" and "user_login" are set',
        "Name the CPQ user once: by party_number, or by user_login (resolved to the party number at plan).",
      ),
    ];
  }
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
 * error that says why there is none. A party number given directly must exist.
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
  // both to be known (the re-plan at apply refuses the pair if both turn out set).
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
    return { partyNumber: matches[0]!.partyNumber, diagnostics: [] };
  }
  // A login known only at apply names the user then; a party number given beside it is planned
  // as given (the same re-plan refuses the pair if the login turns out set).
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
 * that says why there is none. An import names the user in state by party number only, whichever
 * the id used: the pair is exclusive in configuration, and `terraform plan
 * -generate-config-out` writes every optional attribute the state holds, so a state with both
 * would generate configuration the provider refuses ("Both ... are set").
 */
export async function userOfImportId(
  directory: UserDirectory,
  who: string,
  /** The import id that names a user by party number, for the "matches several" message. */
  idOf: (partyNumber: string) => string,
): Promise<
  | { user: UserWire; error?: undefined }
  | { user?: undefined; error: { summary: string; detail: string } }
> {
  const byParty = await directory.byPartyNumber(who);
  if (byParty) return { user: byParty };
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
  return { user };
}
