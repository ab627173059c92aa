/**
 * `cpq_user_sso`: who may sign in through SSO. One CPQ user's documented SSO fields: "Enabled For
 * SSO" (`enabledForSso`) and, for `saml_user_id_type = "assertionTypeExternal"`, the External SSO
 * Id the IdP's assertion must match. Written with Oracle's documented
 * `PATCH /rest/v19/users/{partyNumber}` (only the fields being changed); read through the users
 * listing, so a plan of many users costs one request per 1,000 users.
 *
 * Oracle types `enabledForSso` as an object without printing its inside; this provider writes
 * `{"value": true|false}` and reads `value` (or `displayValue`) as yes/no, the shape CPQ prints
 * for the user's other coded fields. The External SSO Id is named `externalSsoId` in the PATCH
 * reference; the GET reference does not print it, so its field name is the provider setting
 * `external_sso_id_field`.
 */
import { codedBoolean } from "../client/coded";
import type { CpqClient, UserWire } from "../client";
import { emptyObject, forceNewChanges, isKnown, isSet, isUnknown } from "../contract/attributes";
import {
  USER_NAMING_ATTRIBUTES,
  resolvePartyNumber,
  userNamingRules,
  userOfImportId,
} from "../cpq/cpq-user";
import type { UserDirectory } from "../cpq/user-directory";
import {
  holdsValue,
  replacedLiveValuesAttribute,
  replacedMap,
  replacementWarning,
} from "../contract/live-values";
import type { Replacement } from "../contract/live-values";
import {
  lockoutPossible,
  lockoutReason,
  lockoutRiskAttribute,
  lockoutWarning,
} from "../cpq/lockout";
import type { LockoutSettings } from "../cpq/lockout";
import type {
  ApplyRequest,
  DestroyRequest,
  ApplyResult,
  Attribute,
  Diagnostic,
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

/** What the provider hands this resource. */
export interface UserSsoContext {
  readonly client: Pick<CpqClient, "patchUser">;
  readonly directory: UserDirectory;
  /** The user record field of the External SSO Id (`external_sso_id_field`). */
  readonly externalSsoIdField: string;
  /** How the provider signs in, for `lockout_risk`. */
  readonly lockout?: LockoutSettings;
}

/** The attribute table of `cpq_user_sso`. */
export const USER_SSO_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "id",
    type: "string",
    kind: "computed",
    inputs: ["party_number"],
    description: "The user's party number.",
  },
  ...USER_NAMING_ATTRIBUTES,
  {
    name: "enabled_for_sso",
    type: "bool",
    kind: "optional_computed",
    description:
      'Whether the user signs in through SSO (the user\'s "Enabled For SSO"). Left out: not managed, read from CPQ.',
  },
  {
    name: "external_sso_id",
    type: "string",
    kind: "optional_computed",
    description:
      'The user\'s External SSO Id: with `saml_user_id_type = "assertionTypeExternal"`, the identifier the IdP\'s assertion carries instead of the CPQ login (an employee number, an alias). Left out: not managed, read from CPQ. `""` clears it.',
  },
  {
    name: "login",
    type: "string",
    kind: "computed",
    inputs: ["party_number"],
    description: "The user's CPQ login.",
  },
  replacedLiveValuesAttribute("the user's SSO settings", "the user"),
  lockoutRiskAttribute(
    "turns SSO on for this user while the user is the login the provider signs in as (its Basic `username`), or the last active FullAccess user outside SSO",
  ),
];

/** The settings this resource manages, when set. */
const SETTINGS = ["enabled_for_sso", "external_sso_id"] as const;

/** Offline checks beyond the table: the user named, and something to manage. */
function validateUserSso(config: Readonly<Record<string, unknown>>): Diagnostic[] {
  const diags: Diagnostic[] = [];
  diags.push(...userNamingRules(config));
  if (!isSet(config.enabled_for_sso) && !isSet(config.external_sso_id)) {
    diags.push({
      severity: "warning",
      summary: "Nothing is managed",
      detail:
        "Neither enabled_for_sso nor external_sso_id is set, so this resource only reads the user. Set one of them.",
      path: ["enabled_for_sso"],
    });
  }
  return diags;
}

/** The two settings as CPQ holds them for a user. */
function settingsOf(u: UserWire, field: string): Record<(typeof SETTINGS)[number], Value> {
  const external = (u as Record<string, unknown>)[field];
  return {
    enabled_for_sso: codedBoolean(u.enabledForSso),
    external_sso_id: typeof external === "string" ? external : null,
  };
}

function stateOf(base: ObjectValue, u: UserWire, field: string): ObjectValue {
  return {
    ...base,
    id: u.partyNumber,
    party_number: u.partyNumber,
    login: u.login,
    ...settingsOf(u, field),
  };
}

async function plan(req: PlanRequest<UserSsoContext>): Promise<PlanResult> {
  const { ctx, prior, proposed, config } = req;
  const planned: Record<string, Value> = { ...proposed };
  const who = await resolvePartyNumber(ctx.directory, config);
  if (who.diagnostics.length > 0) return { planned, diagnostics: who.diagnostics };
  if (isSet(config.user_login)) planned.party_number = who.partyNumber;
  const pn = planned.party_number;
  // A user known only after apply leaves id and login unknown (the table's `inputs`, applied by
  // the plugin), and so does another user the site does not have.
  if (isKnown(pn)) planned.id = pn;

  // Another user is another resource (the table's forceNew, applied by the plugin): its create
  // half starts from what CPQ holds for the new user, not from this prior.
  const updated =
    prior !== null && forceNewChanges(USER_SSO_ATTRIBUTES, prior, planned).length === 0
      ? prior
      : null;
  // What the configuration leaves out is CPQ's: on create, whatever the user has now.
  const user =
    isKnown(pn) && typeof pn === "string" ? await ctx.directory.byPartyNumber(pn) : undefined;
  for (const name of SETTINGS) {
    if (isSet(config[name])) continue;
    planned[name] =
      updated !== null
        ? (updated[name] ?? null)
        : user
          ? settingsOf(user, ctx.externalSsoIdField)[name]
          : UNKNOWN;
  }
  if (user) planned.login = user.login;
  const diagnostics: Diagnostic[] = [];
  if (prior === null) {
    // A create takes over the user's flags as CPQ holds them; a user named by a login not known
    // until apply is read there.
    if (user) {
      const replaced = replacements(settingsOf(user, ctx.externalSsoIdField), planned, config);
      planned.replaced_live_values = replacedMap(replaced);
      const warning = replacementWarning(`the SSO settings of user ${user.login}`, replaced);
      if (warning) diagnostics.push(warning);
    } else {
      planned.replaced_live_values = UNKNOWN;
    }
  } else {
    planned.replaced_live_values = prior.replaced_live_values ?? null;
  }
  planned.lockout_risk = await lockoutOf(ctx, planned, updated);
  if (typeof planned.lockout_risk === "string") {
    diagnostics.push(lockoutWarning(planned.lockout_risk, "enabled_for_sso"));
  }
  return { planned, plannedPrivate: req.priorPrivate, diagnostics };
}

/**
 * The lockout risk of a plan (null: none; UNKNOWN while the user or the flag is): whether it
 * turns SSO on for this user, judged against the users as this process first listed them, so
 * that the apply's re-plan judges the same. `prior`: the state an update starts from (null on a
 * create, which starts from what CPQ holds).
 */
async function lockoutOf(
  ctx: UserSsoContext,
  planned: Readonly<Record<string, Value>>,
  prior: ObjectValue | null,
): Promise<Value> {
  const pn = planned.party_number;
  const on = planned.enabled_for_sso;
  if (!lockoutPossible(ctx.lockout)) return null;
  if (isUnknown(on) || isUnknown(pn)) return UNKNOWN;
  if (on !== true || typeof pn !== "string") return null;
  const listed = await ctx.directory.usersAsFirstListed();
  const user = listed.find((u) => u.partyNumber === pn) ?? (await ctx.directory.byPartyNumber(pn));
  if (!user) return null;
  const before = prior !== null ? prior.enabled_for_sso : codedBoolean(user.enabledForSso);
  if (before === true) return null;
  return lockoutReason([user], listed, ctx.lockout ?? {});
}

/**
 * The managed settings whose live value a create overwrites: set in the configuration, held by
 * CPQ (SSO on, a non-empty External SSO Id) and different from the planned value.
 */
function replacements(
  live: Readonly<Record<(typeof SETTINGS)[number], Value>>,
  planned: Readonly<Record<string, Value>>,
  config: ObjectValue,
): Replacement[] {
  const out: Replacement[] = [];
  for (const name of SETTINGS) {
    const was = live[name];
    const will = planned[name] ?? null;
    if (!isSet(config[name]) || !holdsValue(was) || was === will) continue;
    out.push({
      attribute: name,
      kind: "text",
      live: String(was),
      planned: isUnknown(will) ? UNKNOWN : String(will),
    });
  }
  return out;
}

async function apply(req: ApplyRequest<UserSsoContext>): Promise<ApplyResult> {
  const { ctx, prior, planned } = req;
  const config = req.config ?? planned;
  const pn = String(planned.party_number);
  const body: Record<string, unknown> = {};
  for (const name of SETTINGS) {
    const value = planned[name];
    if (!isSet(config[name]) || !isKnown(value)) continue;
    if (prior !== null && prior[name] === value) continue;
    if (name === "enabled_for_sso") body.enabledForSso = { value: value === true };
    else body[ctx.externalSsoIdField] = String(value);
  }
  let user: UserWire | undefined;
  let replaced: Value | undefined;
  if (isUnknown(planned.replaced_live_values)) {
    // Planned unknown (the user was named by a login known only now): what the PATCH replaces.
    const before = await ctx.directory.byPartyNumber(pn);
    replaced = before
      ? replacedMap(replacements(settingsOf(before, ctx.externalSsoIdField), planned, config))
      : {};
  }
  if (Object.keys(body).length > 0) {
    user = await ctx.client.patchUser(pn, body);
    ctx.directory.recordUser(user);
  } else {
    user = await ctx.directory.byPartyNumber(pn);
  }
  if (!user) {
    return {
      state: prior,
      diagnostics: [
        {
          severity: "error",
          summary: `No CPQ user has the party number "${pn}"`,
          detail: "The user was removed from CPQ during the apply.",
          path: ["party_number"],
        },
      ],
    };
  }
  const state = stateOf(planned, user, ctx.externalSsoIdField);
  if (replaced !== undefined) state.replaced_live_values = replaced;
  if (isUnknown(planned.lockout_risk)) state.lockout_risk = await lockoutOf(ctx, planned, prior);
  // A managed value CPQ did not echo (a site that does not return the field) stays as planned.
  for (const name of SETTINGS) {
    if (isSet(config[name]) && state[name] === null && !isUnknown(planned[name])) {
      state[name] = planned[name] ?? null;
    }
  }
  return { state, private: req.plannedPrivate };
}

/** CPQ keeps the user's settings: a destroy only says so. */
function destroy({ prior }: DestroyRequest<UserSsoContext>): Promise<ApplyResult> {
  return Promise.resolve({
    state: null,
    diagnostics: [
      {
        severity: "warning",
        summary: `SSO settings of user ${String(prior.party_number)} left in place in CPQ`,
        detail:
          "Terraform no longer manages this user's Enabled For SSO and External SSO Id; CPQ keeps them as they are. Set enabled_for_sso = false before removing the resource to turn SSO off for the user.",
      },
    ],
  });
}

async function read(req: ReadRequest<UserSsoContext>): Promise<ReadResult> {
  const user = await req.ctx.directory.byPartyNumber(String(req.current.party_number));
  if (!user) return { state: null, private: req.private };
  // lockout_risk describes a planned change: once applied and refreshed, there is none pending,
  // so the next plan is clean.
  const live: ObjectValue = {
    ...stateOf(req.current, user, req.ctx.externalSsoIdField),
    lockout_risk: null,
  };
  // A field the site does not return is not drift: keep what Terraform last wrote.
  for (const name of SETTINGS) if (live[name] === null) live[name] = req.current[name] ?? null;
  return { state: live, private: req.private };
}

async function importState(ctx: UserSsoContext, id: string): Promise<ImportResult> {
  const found = await userOfImportId(ctx.directory, id, (pn) => pn);
  if (found.error) {
    return { state: null, diagnostics: [{ severity: "error", ...found.error }] };
  }
  // An import by login keeps that login beside the party number (see userOfImportId).
  return {
    state: { ...importedState(ctx, found.user), user_login: found.byLogin ? id : null },
    private: {},
  };
}

/** The state an import of a user gives (and a listing of it, which is the same). */
function importedState(ctx: Pick<UserSsoContext, "externalSsoIdField">, u: UserWire): ObjectValue {
  const state = stateOf(emptyObject(USER_SSO_ATTRIBUTES), u, ctx.externalSsoIdField);
  // An import writes nothing, so it replaces nothing.
  return { ...state, replaced_live_values: {} };
}

/** The filters of `list "cpq_user_sso"` (Terraform 1.14+ `terraform query`). */
export const USER_SSO_LIST_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "q",
    type: "string",
    kind: "optional",
    description:
      "CPQ's query specification for the users listing, passed as it is (Oracle's example: `{'login':{'$like':'%jsmith%'}}`).",
  },
  {
    name: "all_users",
    type: "bool",
    kind: "optional",
    description: "List every user the query finds, not only those Enabled For SSO. Default false.",
  },
];

/** Users per page of a listing: small, so a `terraform query` limit stops the paging early. */
const LIST_PAGE = 100;

/**
 * The users Enabled For SSO (or all, with `all_users`), page by page with CPQ's own `q` filter;
 * no page is fetched past Terraform's limit.
 */
async function* listUsers(req: ListRequest<UserSsoListContext>): AsyncIterable<ListedObject> {
  const { ctx, config, limit } = req;
  const q = typeof config.q === "string" && config.q !== "" ? config.q : undefined;
  let yielded = 0;
  for (let offset = 0; yielded < limit;) {
    const page = await ctx.client.listUsers({ limit: LIST_PAGE, offset, ...(q ? { q } : {}) });
    for (const u of page.items) {
      if (config.all_users !== true && codedBoolean(u.enabledForSso) !== true) continue;
      yielded++;
      yield { displayName: u.login, state: importedState(ctx, u) };
    }
    if (page.hasMore !== true || page.items.length === 0) return;
    offset += page.items.length;
  }
}

/** What listing needs beyond the resource's context: CPQ's paged users listing. */
type UserSsoListContext = UserSsoContext & { readonly client: Pick<CpqClient, "listUsers"> };

/** The resource definition served by the provider. */
export const userSsoResource = {
  typeName: "cpq_user_sso",
  description:
    "One CPQ user's SSO settings: whether the user signs in through SSO (Enabled For SSO) and the External SSO Id an IdP assertion must match. Only the settings you set are sent (PATCH); destroy leaves them in CPQ.",
  schemaVersion: 0,
  attributes: USER_SSO_ATTRIBUTES,
  review: {
    // apply()'s destroy (planned null) writes nothing to CPQ: the user keeps both settings.
    destroy: () => ({
      text: "Terraform stops managing the user's SSO settings; CPQ keeps them (Enabled For SSO and the External SSO Id stay as they are).",
      changesCpq: false,
      restart: false,
    }),
  },
  validate: validateUserSso,
  plan,
  apply,
  destroy,
  read,
  importState,
  identity: {
    version: 0,
    attributes: [
      {
        name: "party_number",
        description: "The CPQ user's party number.",
        requiredForImport: true,
      },
    ],
    toImportId: (id) => String(id.party_number),
  },
  list: {
    description: "The CPQ users Enabled For SSO (or every user), with their SSO settings.",
    attributes: USER_SSO_LIST_ATTRIBUTES,
    list: listUsers,
  },
} satisfies ResourceDefinition<UserSsoListContext>;
