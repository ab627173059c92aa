/**
 * The checks CPQ makes on what it is sent (docs/cpq-api.md, "Validation"). Each problem names its
 * field, so a 400 can say exactly which one CPQ refused. Forms of URLs, certificates and
 * keystores are deliberately not checked: Oracle's own sample body has placeholder text there.
 */
import type { ErrorDetail } from "./errors";
import { HttpError, badRequest } from "./errors";
import type {
  AuthType,
  Partner,
  SsoConfiguration,
  SsoField,
  StoredIntegration,
  UserEdits,
} from "./wire";
import {
  FEDERATED_METHODS,
  SSO_ENUMS,
  SSO_FIELDS,
  SSO_RESTART_FIELDS,
  USER_EDIT_FIELDS,
  blankSso,
  emptySso,
  isSsoField,
} from "./wire";

/** The result of applying an SSO POST body to the stored configuration. */
export interface SsoMergeResult {
  readonly merged: SsoConfiguration;
  readonly restartRequired: boolean;
  readonly changed: readonly SsoField[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Throws a 400 listing every field problem, when there are any: `<prefix>-UNKNOWN-FIELD` when one
 * of them is an unknown field, else `<prefix>-INVALID-VALUE`.
 */
function throwFieldProblems(prefix: string, problems: readonly ErrorDetail[]): void {
  if (problems.length === 0) return;
  const unknown = problems.some((p) => p.detail.startsWith("Unknown field"));
  throw new HttpError(400, `${prefix}-${unknown ? "UNKNOWN-FIELD" : "INVALID-VALUE"}`, problems);
}

/** Field-level checks of an SSO body: unknown names, non-string values, enum values. */
function checkSsoFields(body: Record<string, unknown>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (!isSsoField(name)) {
      problems.push({
        detail: `Unknown field ${name}. Allowed fields: ${SSO_FIELDS.join(", ")}.`,
        "o:errorPath": name,
      });
      continue;
    }
    if (typeof value !== "string") {
      problems.push({
        detail: `Invalid value for ${name}: expected a string, got ${value === null ? "null" : typeof value}.`,
        "o:errorPath": name,
      });
      continue;
    }
    const allowed = SSO_ENUMS[name];
    // "" clears a free-text field, but an enum field has an explicit "off" value (None,
    // 'false'), so "" is refused there like any other value outside the list.
    if (allowed && !allowed.includes(value)) {
      problems.push({
        detail: `Invalid value for ${name}: '${value}'. Allowed values: ${allowed.join(", ")}.`,
        "o:errorPath": name,
      });
    }
  }
  return problems;
}

/** The cross-field rules, on a whole (merged) configuration. */
export function crossFieldProblems(c: SsoConfiguration): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const need = (field: SsoField, because: string): void => {
    if (c[field] === "") {
      problems.push({ detail: `${field} is required when ${because}.`, "o:errorPath": field });
    }
  };
  if (FEDERATED_METHODS.includes(c.ssoMethod)) {
    need("samlIdpUrl", `ssoMethod is '${c.ssoMethod}'`);
    need("idProviderCertificate", `ssoMethod is '${c.ssoMethod}'`);
  }
  if (c.samlUserIdLocation === "idLocationAttribute") {
    need("samlAttributeName", "samlUserIdLocation is 'idLocationAttribute'");
  }
  if (c.samlNeedRequestSigned === "true") {
    need("samlRequestKeyStore", "samlNeedRequestSigned is 'true'");
    need("samlStorePass", "samlNeedRequestSigned is 'true'");
    need("samlKeyPass", "samlNeedRequestSigned is 'true'");
  }
  return problems;
}

/**
 * Validates an SSO POST body and applies it to `current`. With `"merge"` a field left out keeps
 * its value; with `"replace"` it is first reset to a blank site's value (`""`, ssoMethod `None`),
 * passwords included. `""` clears a field either way. Throws a 400 listing every problem; field
 * problems are reported before cross-field ones, since the latter are meaningless on a body with
 * a wrong value. The restart rule compares the result with `current` in both modes.
 */
export function mergeSsoBody(
  current: SsoConfiguration,
  body: unknown,
  mode: "merge" | "replace" = "merge",
): SsoMergeResult {
  if (!isPlainObject(body)) {
    throw badRequest("CPQ-SSO-INVALID-BODY", "", "The body must be a JSON object of SSO fields.");
  }
  throwFieldProblems("CPQ-SSO", checkSsoFields(body));
  const merged: SsoConfiguration = mode === "replace" ? blankSso() : { ...current };
  for (const [name, value] of Object.entries(body)) {
    if (isSsoField(name) && typeof value === "string") merged[name] = value;
  }
  const crossProblems = crossFieldProblems(merged);
  if (crossProblems.length > 0) {
    throw new HttpError(400, "CPQ-SSO-REQUIRED-FIELD", crossProblems);
  }
  const changed = SSO_FIELDS.filter((f) => merged[f] !== current[f]);
  return {
    merged,
    changed,
    restartRequired: changed.some((f) => SSO_RESTART_FIELDS.includes(f)),
  };
}

/** Checks a whole initial SSO configuration (from options or a seed file); throws on problems. */
export function checkInitialSso(sso: Readonly<Record<string, unknown>>): SsoConfiguration {
  try {
    return mergeSsoBody(emptySso(), sso).merged;
  } catch (e) {
    if (e instanceof HttpError) {
      throw new Error(`The simulator's initial sso settings are invalid: ${e.message}`);
    }
    throw e;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** A validated `PATCH /rest/{v}/users/{partyNumber}` body: the fields it sets. */
export type UserPatch = Partial<UserEdits>;

const USER_STRING_FIELDS = ["firstName", "lastName", "email", "externalSsoId"] as const;

/**
 * Field-level checks of a user PATCH body. `enabledForSso` is Oracle's object form
 * `{ "value": true }`; a bare boolean is accepted too, as clients reading the type "object" as
 * "any JSON" may send one. Every problem is reported together, each naming its field.
 */
export function parseUserPatch(body: unknown): UserPatch {
  if (!isPlainObject(body)) {
    throw badRequest("CPQ-USER-INVALID-BODY", "", "The body must be a JSON object of user fields.");
  }
  const problems: ErrorDetail[] = [];
  const out: { -readonly [K in keyof UserEdits]?: UserEdits[K] } = {};
  // A problem inside enabledForSso names the field itself, as the other fields do.
  const wrongType = (name: string, expected: string, value: unknown) =>
    problems.push({
      detail: `Invalid value for ${name}: expected ${expected}, got ${describe(value)}.`,
      "o:errorPath": name.split(".")[0] ?? name,
    });
  for (const [name, value] of Object.entries(body)) {
    if ((USER_STRING_FIELDS as readonly string[]).includes(name)) {
      if (typeof value === "string") out[name as (typeof USER_STRING_FIELDS)[number]] = value;
      else wrongType(name, "a string", value);
    } else if (name === "enabledForSso") {
      if (typeof value === "boolean") out.enabledForSso = value;
      else if (isPlainObject(value)) {
        const extra = Object.keys(value).filter((k) => k !== "value");
        for (const k of extra) {
          problems.push({
            detail: `Unknown field enabledForSso.${k}. Send enabledForSso as {"value": true|false}.`,
            "o:errorPath": "enabledForSso",
          });
        }
        if (typeof value.value === "boolean") out.enabledForSso = value.value;
        else wrongType("enabledForSso.value", "true or false", value.value);
      } else wrongType(name, '{"value": true|false}', value);
    } else {
      problems.push({
        detail: `Unknown field ${name}. Allowed fields: ${USER_EDIT_FIELDS.join(", ")}.`,
        "o:errorPath": name,
      });
    }
  }
  throwFieldProblems("CPQ-USER", problems);
  return out;
}

/** A validated PUT or check body of a user integration. */
export interface IntegrationBody {
  readonly login: string;
  readonly authType: AuthType;
  readonly password?: string;
  readonly securityToken?: string;
}

const INTEGRATION_FIELDS = ["login", "authType", "password", "securityToken"];

/** Field-level checks of a user integration body (shape only; partner rules come after). */
export function parseIntegrationBody(body: unknown): IntegrationBody {
  if (!isPlainObject(body)) {
    throw badRequest(
      "CPQ-INTEGRATION-INVALID-BODY",
      "",
      "The body must be a JSON object with login and authType.",
    );
  }
  const problems: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (!INTEGRATION_FIELDS.includes(name)) {
      problems.push({
        detail: `Unknown field ${name}. Allowed fields: ${INTEGRATION_FIELDS.join(", ")}.`,
        "o:errorPath": name,
      });
    } else if (typeof value !== "string") {
      problems.push({
        detail: `Invalid value for ${name}: expected a string.`,
        "o:errorPath": name,
      });
    }
  }
  const login = body.login;
  const authType = body.authType;
  if (login === undefined || login === "") {
    problems.push({ detail: "login is required.", "o:errorPath": "login" });
  }
  if (authType === undefined) {
    problems.push({
      detail: "authType is required: oauth or password.",
      "o:errorPath": "authType",
    });
  } else if (typeof authType === "string" && authType !== "oauth" && authType !== "password") {
    problems.push({
      detail: `Invalid value for authType: '${authType}'. Allowed values: oauth, password.`,
      "o:errorPath": "authType",
    });
  }
  if (problems.length > 0) throw new HttpError(400, "CPQ-INTEGRATION-INVALID-VALUE", problems);
  const out: {
    login: string;
    authType: AuthType;
    password?: string;
    securityToken?: string;
  } = { login: login as string, authType: authType as AuthType };
  if (typeof body.password === "string") out.password = body.password;
  if (typeof body.securityToken === "string") out.securityToken = body.securityToken;
  return out;
}

/** Whether a partner is Salesforce, whose logins without OAuth CPQ 23D stopped supporting. */
function isSalesforce(p: Partner): boolean {
  return /salesforce/i.test(p.partner);
}

/**
 * The partner rules of a Save, on the body merged with what the tab holds: the auth type must be
 * the partner's, Salesforce needs OAuth, and a partner with inbound and outbound integration
 * needs a password. Secrets left out of the body keep their stored value (as SSO fields do), so
 * an update that does not change the password need not resend it.
 */
export function mergeIntegration(
  partner: Partner,
  stored: StoredIntegration | undefined,
  body: IntegrationBody,
): StoredIntegration {
  if (isSalesforce(partner) && !partner.oauthEnabled) {
    throw badRequest(
      "CPQ-INTEGRATION-UNSUPPORTED",
      "authType",
      `${partner.partner} logins without OAuth are not supported since CPQ 23D; enable OAuth for the partner.`,
    );
  }
  if (body.authType === "password" && partner.oauthEnabled) {
    throw badRequest(
      "CPQ-INTEGRATION-INVALID-VALUE",
      "authType",
      `Invalid value for authType: 'password'. ${partner.partner} uses OAuth on this site; use 'oauth'.`,
    );
  }
  if (body.authType === "oauth" && !partner.oauthEnabled) {
    throw badRequest(
      "CPQ-INTEGRATION-INVALID-VALUE",
      "authType",
      `Invalid value for authType: 'oauth'. ${partner.partner} does not use OAuth on this site; use 'password'.`,
    );
  }
  const password = body.password ?? stored?.password ?? "";
  const securityToken = body.securityToken ?? stored?.securityToken ?? "";
  if (partner.inbound && partner.outbound && password === "") {
    throw badRequest(
      "CPQ-INTEGRATION-REQUIRED-FIELD",
      "password",
      `password is required: ${partner.partner} has both inbound and outbound integration.`,
    );
  }
  // The partner makes tokens; a new or changed login has none until it does.
  const sameLogin = stored !== undefined && stored.login === body.login;
  const tokenPresent = partner.oauthEnabled && sameLogin && stored.tokenPresent;
  return { login: body.login, authType: body.authType, password, securityToken, tokenPresent };
}
