/**
 * `cpq_user_integration_login`: one user's login on one partner tab of CPQ's User Integration
 * page (the CRM/IdP tab, or another partner's).
 *
 * On an OAuth partner the resource holds the login only: the partner makes tokens, never this
 * tool; `token_present` says a token is stored, which is not the same as valid. Without OAuth it
 * holds login, password and optional security token; `validate_credentials` runs the page's Check
 * action before the Save. Reads come from one listing of users per provider process.
 */
import { attributeError, emptyObject, isKnown, isSet, isUnknown } from "../contract/attributes";
import {
  USER_NAMING_ATTRIBUTES,
  resolvePartyNumber,
  userNamingRules,
  userOfImportId,
} from "../cpq/cpq-user";
import type { UserDirectory } from "../cpq/user-directory";
import { missingTabError, removeLogin, sentence } from "../cpq/logins";
import {
  cpqSecret,
  privateAfterApply,
  secretAttributes,
  secretFormRules,
  secretSendWarning,
  writeOnlyChanges,
} from "../contract/write-only";
import type {
  ApplyRequest,
  DestroyRequest,
  ApplyResult,
  Attribute,
  ClientCapabilities,
  Diagnostic,
  GeneratedConfig,
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
import type {
  CpqClient,
  IntegrationPartnerWire,
  UserIntegrationPutWire,
  UserIntegrationWire,
  UserWire,
} from "../client";
import {
  holdsValue,
  replacedLiveValuesAttribute,
  replacedMap,
  replacementWarning,
} from "../contract/live-values";
import type { Replacement } from "../contract/live-values";

/** What the provider hands this resource. */
export interface UserIntegrationContext {
  readonly client: Pick<
    CpqClient,
    | "putUserIntegration"
    | "deleteUserIntegration"
    | "checkUserIntegration"
    | "revokeUserIntegrationToken"
    | "getUserIntegration"
  >;
  readonly directory: UserDirectory;
}

/** The partner password and security token: CPQ takes them and never returns them. */
const PASSWORD = cpqSecret("password", "password");
const SECURITY_TOKEN = cpqSecret("security_token", "securityToken");

/** The attribute table of `cpq_user_integration_login`. */
export const USER_INTEGRATION_LOGIN_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "id",
    type: "string",
    kind: "computed",
    inputs: ["party_number", "tab"],
    description: "`<party_number>/<tab>`.",
  },
  ...USER_NAMING_ATTRIBUTES,
  {
    name: "tab",
    type: "string",
    kind: "required",
    forceNew: true,
    description:
      "The User Integration tab: `crm` for the CRM/IdP tab, or another partner tab the site has (see `GET /rest/v19/integrations`).",
  },
  {
    name: "login",
    type: "string",
    kind: "required",
    description:
      "The user's login at the partner (for an IdP such as IDCS, the IdP login). A change revokes a stored OAuth token.",
  },
  ...secretAttributes(PASSWORD, {
    plain:
      "Partner password, kept (sensitive) in state; prefer `password_wo`. For a partner without OAuth; on an OAuth partner only where the CRM is integrated both inbound and outbound (then CPQ requires it), refused otherwise.",
    wo: "Partner password, write-only (Terraform 1.11+): never stored in plan or state; a change is detected from a salted hash in private state. For a partner without OAuth; on an OAuth partner only where the CRM is integrated both inbound and outbound (then CPQ requires it), refused otherwise.",
  }),
  ...secretAttributes(SECURITY_TOKEN, {
    plain:
      "Partner security token, when the partner's authentication requires one, kept (sensitive) in state. Prefer `security_token_wo`.",
    wo: "Partner security token, write-only (Terraform 1.11+).",
  }),
  {
    name: "validate_credentials",
    type: "bool",
    kind: "optional",
    description:
      "Run the page's Check action before saving: the apply fails with CPQ's reason, saving nothing, when the partner refuses the login/password. Default false (Save alone, as on the page). Sites without OAuth only.",
  },
  {
    name: "auth_type",
    type: "string",
    kind: "computed",
    inputs: ["tab"],
    description: "`oauth` when the partner uses OAuth on this site, else `password`.",
  },
  {
    name: "partner",
    type: "string",
    kind: "computed",
    inputs: ["tab"],
    description: "The partner integrated on this tab, e.g. `Oracle Sales`.",
  },
  {
    name: "token_present",
    type: "bool",
    kind: "computed",
    description:
      "Whether CPQ holds an OAuth token for this login. A stored token is not necessarily a valid one (the page's Revoke Token button does not prove validity either).",
  },
  {
    name: "saved_at",
    type: "string",
    kind: "computed",
    description:
      "When Terraform last saved this login (RFC 3339); unknown in a plan that saves it.",
  },
  replacedLiveValuesAttribute("the login CPQ held on the user's tab", "the user or the tab"),
];

/** The partner secrets, each offered sensitive and write-only (the constructs map them too). */
export const USER_INTEGRATION_SECRETS = [PASSWORD, SECURITY_TOKEN] as const;

/** Offline checks beyond the table: the user named, one form per secret. */
function validateUserIntegrationLogin(
  config: Readonly<Record<string, unknown>>,
  caps: Pick<ClientCapabilities, "writeOnlyAttributesAllowed">,
): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const v = (n: string): unknown => config[n];
  diags.push(...userNamingRules(config));
  diags.push(...secretFormRules(USER_INTEGRATION_SECRETS, config, caps.writeOnlyAttributesAllowed));
  // Decidable without the site, so said at synth and validate rather than only at plan.
  if (v("validate_credentials") === true && !isSet(v("password")) && !isSet(v("password_wo"))) {
    diags.push(
      attributeError(
        "validate_credentials",
        '"validate_credentials" needs a password',
        "The Check action validates a login/password pair. Set password_wo (or password), or remove validate_credentials.",
      ),
    );
  }
  return diags;
}

/** The secret value configured in either form, or undefined. */
function secretValue(
  config: ObjectValue,
  s: (typeof USER_INTEGRATION_SECRETS)[number],
): Value | undefined {
  const v = isSet(config[s.wo]) ? config[s.wo] : config[s.plain];
  return isSet(v) ? v : undefined;
}

/** Rules that need the site's partners: the page's own rules, as CPQ would apply them. */
function partnerRules(
  config: ObjectValue,
  tab: string,
  partner: IntegrationPartnerWire | undefined,
  tabs: readonly string[],
): Diagnostic[] {
  if (!partner) return [missingTabError(tab, tabs)];
  const diags: Diagnostic[] = [];
  const password = secretValue(config, USER_INTEGRATION_SECRETS[0]);
  const token = secretValue(config, USER_INTEGRATION_SECRETS[1]);
  // Oracle: where a CRM partner needs both inbound and outbound integration, the tab requires the
  // user's partner password, with OAuth or without.
  const bothWays = partner.inbound && partner.outbound;
  if (bothWays && password === undefined) {
    diags.push(
      attributeError(
        "password_wo",
        `A password is required for ${partner.partner}`,
        `${partner.partner} is integrated both inbound and outbound on this site, so CPQ requires the user's partner password on this tab. Set password_wo (or password).`,
      ),
    );
  }
  if (partner.oauthEnabled) {
    for (const [s, value] of [
      [USER_INTEGRATION_SECRETS[0], password],
      [USER_INTEGRATION_SECRETS[1], token],
    ] as const) {
      if (value === undefined || (bothWays && s === USER_INTEGRATION_SECRETS[0])) continue;
      const attr = isSet(config[s.wo]) ? s.wo : s.plain;
      diags.push(
        attributeError(
          attr,
          `"${attr}" cannot be used: ${partner.partner} uses OAuth on this site`,
          `With OAuth the User Integration tab holds a login only, and the partner issues the token. Remove "${attr}".`,
        ),
      );
    }
    if (config.validate_credentials === true) {
      diags.push(
        attributeError(
          "validate_credentials",
          `"validate_credentials" needs a site without OAuth`,
          `The Check action validates a login/password pair; ${partner.partner} uses OAuth here. Remove validate_credentials.`,
        ),
      );
    }
    return diags;
  }
  if (partner.partner.toLowerCase() === "salesforce") {
    diags.push(
      attributeError(
        "tab",
        "Salesforce without OAuth is not supported since CPQ 23D",
        `Beginning in Oracle CPQ 23D, user integration without OAuth credentials is not supported for Salesforce. Enable OAuth for the Salesforce integration on the site, then declare the login only.`,
      ),
    );
  }
  return diags;
}

/**
 * What a create replaces of a login CPQ holds on the tab: the login when it differs, and each
 * secret the create sends (CPQ never returns one, so whether it differs cannot be known).
 */
function replacements(
  live: UserIntegrationWire,
  planned: Readonly<Record<string, Value>>,
  config: ObjectValue,
): Replacement[] {
  const out: Replacement[] = [];
  const login = planned.login ?? null;
  if (holdsValue(live.login) && login !== live.login) {
    out.push({
      attribute: "login",
      kind: "text",
      live: live.login,
      planned: isUnknown(login) ? UNKNOWN : String(login),
    });
  }
  for (const s of USER_INTEGRATION_SECRETS) {
    const attribute = isSet(config[s.wo]) ? s.wo : isSet(config[s.plain]) ? s.plain : undefined;
    if (attribute === undefined) continue;
    out.push({ attribute, kind: "sensitive", live: "", planned: "" });
  }
  return out;
}

/** The plan's warning about a login CPQ already holds on the tab a create saves to. */
function liveLoginWarning(
  pn: string,
  tab: string,
  live: UserIntegrationWire,
  replaced: readonly Replacement[],
  planned: Readonly<Record<string, Value>>,
): Diagnostic | undefined {
  const importHint = ` To take the login over as it is, without a write, import it instead: terraform import <address> ${pn}/${tab}.`;
  const tokenLost =
    live.tokenPresent && replaced.some((r) => r.attribute === "login")
      ? " CPQ's stored OAuth token belongs to the live login and is dropped with it."
      : "";
  const warning = replacementWarning(
    `the login of user ${pn} on tab "${tab}"`,
    replaced,
    tokenLost + importHint,
  );
  if (warning) return warning;
  return {
    severity: "warning",
    summary: `CPQ already has a login on tab "${tab}" for user ${pn}`,
    detail: `Terraform has no state for it (an earlier apply may have been interrupted after CPQ saved it). CPQ holds the same login (${JSON.stringify(String(planned.login))}); the apply saves it again and then manages it; nothing is replaced.${importHint}`,
    path: ["login"],
  };
}

// ---- lifecycle ------------------------------------------------------------------------------

async function plan(req: PlanRequest<UserIntegrationContext>): Promise<PlanResult> {
  const { ctx, prior, proposed, config, priorPrivate } = req;
  const planned: Record<string, Value> = { ...proposed };
  const diagnostics: Diagnostic[] = [];
  const tab = planned.tab;

  // The user: by party number, or by login resolved through the users list.
  const who = await resolvePartyNumber(ctx.directory, config);
  if (who.diagnostics.length > 0) return { planned, diagnostics: who.diagnostics };
  if (isSet(config.user_login)) planned.party_number = who.partyNumber;

  if (isKnown(tab) && typeof tab === "string") {
    const partners = await ctx.directory.sitePartners();
    const partner = partners.find((p) => p.tab === tab);
    const rules = partnerRules(
      config,
      tab,
      partner,
      partners.map((p) => p.tab),
    );
    if (rules.length > 0) return { planned, diagnostics: rules };
    planned.partner = partner!.partner;
    planned.auth_type = partner!.oauthEnabled ? "oauth" : "password";
  }
  // A tab or user known only after apply leaves the partner, auth_type and id unknown (the
  // table's `inputs`, applied by the plugin).
  const pn = planned.party_number;
  if (isKnown(pn) && isKnown(tab)) planned.id = `${String(pn)}/${String(tab)}`;

  // Another user or another tab is another login (the table's forceNew, applied by the plugin);
  // naming the same user differently is not.
  let save = prior === null;
  if (prior !== null) {
    for (const name of ["login", "password", "security_token"]) {
      if (planned[name] !== prior[name]) save = true;
    }
    for (const c of await writeOnlyChanges(
      USER_INTEGRATION_SECRETS,
      prior,
      planned,
      config,
      priorPrivate,
    )) {
      const s = c.secret;
      if (c.warning) diagnostics.push(c.warning);
      if (c.send) {
        save = true;
        diagnostics.push(secretSendWarning(s));
      }
    }
  }
  if (prior === null) {
    if (isKnown(pn) && isKnown(tab)) {
      // A create saves over whatever login CPQ holds on the tab (an earlier apply interrupted
      // after CPQ saved it, or a login set by hand): said now, with what it replaces.
      const live = await ctx.directory.login(String(pn), String(tab));
      const replaced = live.integration ? replacements(live.integration, planned, config) : [];
      planned.replaced_live_values = replacedMap(replaced);
      const warning = live.integration
        ? liveLoginWarning(String(pn), String(tab), live.integration, replaced, planned)
        : undefined;
      if (warning) diagnostics.push(warning);
    } else {
      // The user or the tab is known only at apply, which reads the live login then.
      planned.replaced_live_values = UNKNOWN;
    }
  } else {
    planned.replaced_live_values = prior.replaced_live_values ?? null;
  }
  planned.saved_at = save ? UNKNOWN : (prior?.saved_at ?? null);
  if (planned.auth_type === "password") planned.token_present = false;
  else if (isUnknown(planned.auth_type) || prior === null) planned.token_present = UNKNOWN;
  // A new login on an OAuth tab starts without a token: the old login's token is revoked.
  else if (planned.login !== prior.login) planned.token_present = false;
  else planned.token_present = prior.token_present ?? null;
  return { planned, plannedPrivate: priorPrivate, diagnostics };
}

async function apply(req: ApplyRequest<UserIntegrationContext>): Promise<ApplyResult> {
  const { ctx, prior, planned, plannedPrivate } = req;
  const config = req.config ?? planned;
  const pn = String(planned.party_number);
  const tab = String(planned.tab);
  const oauth = planned.auth_type === "oauth";
  const body: UserIntegrationPutWire = {
    login: String(planned.login),
    authType: oauth ? "oauth" : "password",
  };
  const sent = new Set<string>();
  const changes = await writeOnlyChanges(
    USER_INTEGRATION_SECRETS,
    prior,
    planned,
    config,
    plannedPrivate,
  );
  for (const [i, s] of USER_INTEGRATION_SECRETS.entries()) {
    const value = secretValue(config, s);
    if (typeof value !== "string") continue;
    const fresh = isSet(config[s.wo])
      ? changes[i]!.send
      : prior === null || prior[s.plain] !== value;
    if (fresh) {
      body[s.wire] = value;
      sent.add(isSet(config[s.wo]) ? s.wo : s.plain);
    }
  }

  const needSave = prior === null || prior.login !== planned.login || sent.size > 0;
  if (!needSave) {
    // Only how the user is named changed (user_login <-> party_number): nothing to send.
    return {
      state: planned,
      private: await privateAfterApply(USER_INTEGRATION_SECRETS, plannedPrivate, config, sent),
    };
  }

  if (config.validate_credentials === true) {
    // Check validates and does not save; it needs the password even when it is not changing.
    const password = secretValue(config, USER_INTEGRATION_SECRETS[0]);
    const token = secretValue(config, USER_INTEGRATION_SECRETS[1]);
    const check = await ctx.client.checkUserIntegration(pn, tab, {
      ...body,
      ...(typeof password === "string" ? { password } : {}),
      ...(typeof token === "string" ? { securityToken: token } : {}),
    });
    if (!check.valid) {
      return {
        state: prior,
        private: plannedPrivate,
        diagnostics: [
          attributeError(
            "validate_credentials",
            `${typeof planned.partner === "string" ? planned.partner : "The partner"} refused the credentials for user ${pn} on tab "${tab}"`,
            `CPQ's Check answered: ${sentence(check.message ?? "invalid login or password")} Nothing was saved. Correct the login or password, or set validate_credentials = false to save without checking.`,
          ),
        ],
      };
    }
  }

  if (oauth && prior !== null && prior.login !== planned.login && prior.token_present === true) {
    // The stored token belongs to the old login: revoke it before the new login is saved.
    await ctx.client.revokeUserIntegrationToken(pn, tab);
  }
  let replaced: Value | undefined;
  if (isUnknown(planned.replaced_live_values)) {
    // Planned unknown (the user or tab was known only now): what this PUT saves over.
    const live = await ctx.directory.login(pn, tab);
    replaced = replacedMap(live.integration ? replacements(live.integration, planned, config) : []);
  }
  const saved = await ctx.client.putUserIntegration(pn, tab, body);
  ctx.directory.recordIntegration(pn, tab, saved);

  const state: Record<string, Value> = { ...planned };
  if (replaced !== undefined) state.replaced_live_values = replaced;
  state.saved_at = isUnknown(planned.saved_at)
    ? new Date().toISOString()
    : (planned.saved_at ?? null);
  state.token_present = isUnknown(planned.token_present)
    ? saved.tokenPresent
    : (planned.token_present ?? null);
  return {
    state,
    private: await privateAfterApply(USER_INTEGRATION_SECRETS, plannedPrivate, config, sent),
  };
}

async function destroy({
  ctx,
  prior,
}: DestroyRequest<UserIntegrationContext>): Promise<ApplyResult> {
  await removeLogin(
    ctx,
    String(prior.party_number),
    String(prior.tab),
    prior.auth_type === "oauth",
  );
  return { state: null };
}

async function read(req: ReadRequest<UserIntegrationContext>): Promise<ReadResult> {
  const { ctx, current } = req;
  const { user, integration } = await ctx.directory.login(
    String(current.party_number),
    String(current.tab),
  );
  if (!user || !integration) return { state: null, private: req.private };
  const state: Record<string, Value> = {
    ...current,
    login: integration.login,
    auth_type: integration.authType,
    token_present: integration.tokenPresent,
  };
  return { state, private: req.private };
}

async function importState(ctx: UserIntegrationContext, id: string): Promise<ImportResult> {
  const slash = id.lastIndexOf("/");
  const who = slash > 0 ? id.slice(0, slash) : "";
  const tab = slash > 0 ? id.slice(slash + 1) : "";
  const fail = (summary: string, detail: string): ImportResult => ({
    state: null,
    diagnostics: [{ severity: "error", summary, detail }],
  });
  if (!who || !tab) {
    return fail(
      `Invalid import id "${id}"`,
      'Use "<party_number>/<tab>" or "<user login>/<tab>", e.g. "1001/crm" or "jdoe/crm".',
    );
  }
  const found = await userOfImportId(ctx.directory, who, (pn) => `${pn}/${tab}`);
  if (found.error) return fail(found.error.summary, found.error.detail);
  const { user, byLogin } = found;
  const partner = await ctx.directory.partner(tab);
  const { integration } = await ctx.directory.login(user.partyNumber, tab);
  if (!partner || !integration) {
    return fail(
      `User ${user.partyNumber} has no login on tab "${tab}"`,
      "Only a login that exists on the User Integration page can be imported; declare it instead to create it.",
    );
  }
  // An import by login keeps that login beside the party number (see userOfImportId).
  return {
    state: loginState(user.partyNumber, byLogin ? who : null, partner, integration),
    private: {},
  };
}

/**
 * The state of a login as CPQ holds it, as an import (or a `terraform query` listing) gives it:
 * the user named by party number, and by `userLogin` too where the import id named them so.
 */
function loginState(
  partyNumber: string,
  /** The login the import id named the user by; null for an import by party number, or a listing. */
  userLogin: string | null,
  partner: IntegrationPartnerWire,
  integration: UserIntegrationWire,
): ObjectValue {
  const state: Record<string, Value> = emptyObject(USER_INTEGRATION_LOGIN_ATTRIBUTES);
  Object.assign(state, {
    id: `${partyNumber}/${partner.tab}`,
    party_number: partyNumber,
    user_login: userLogin,
    tab: partner.tab,
    login: integration.login,
    auth_type: integration.authType,
    partner: partner.partner,
    token_present: integration.tokenPresent,
    // An import writes nothing, so it replaces nothing.
    replaced_live_values: {},
  });
  return state;
}

/** The filters of `list "cpq_user_integration_login"` (Terraform 1.14+ `terraform query`). */
export const USER_INTEGRATION_LOGIN_LIST_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "tab",
    type: "string",
    kind: "optional",
    description:
      "Only the logins on this User Integration tab (e.g. `crm`). Default: every tab of the site.",
  },
  {
    name: "user_login",
    type: "string",
    kind: "optional",
    description:
      "Only the logins of the CPQ user with this login (compared as CPQ does, ignoring case).",
  },
];

/** Each login CPQ holds, tab by tab in the site's order, users in listing order. */
async function* listLogins(req: ListRequest<UserIntegrationContext>): AsyncIterable<ListedObject> {
  const { ctx, config } = req;
  const partners = await ctx.directory.sitePartners();
  const tab = typeof config.tab === "string" ? config.tab : undefined;
  if (tab !== undefined && !partners.some((p) => p.tab === tab)) {
    throw new Error(
      missingTabError(
        tab,
        partners.map((p) => p.tab),
      ).detail,
    );
  }
  const who = typeof config.user_login === "string" ? config.user_login : undefined;
  const users = who === undefined ? undefined : await ctx.directory.byLogin(who);
  for (const partner of partners) {
    if (tab !== undefined && partner.tab !== tab) continue;
    const found: { user: UserWire; integration: UserIntegrationWire }[] = [];
    if (users === undefined) found.push(...(await ctx.directory.tabLogins(partner.tab)));
    for (const user of users ?? []) {
      const { integration } = await ctx.directory.login(user.partyNumber, partner.tab);
      if (integration) found.push({ user, integration });
    }
    for (const { user, integration } of found) {
      yield {
        displayName: `${user.login} on ${partner.tab} (${partner.partner}): ${integration.login}`,
        state: loginState(user.partyNumber, null, partner, integration),
      };
    }
  }
}

/**
 * Generated configuration: the user by party number, the tab and the login. A password tab's
 * password is CPQ's secret and never read back, so the user adds it where the tab needs one.
 */
function generateConfig(state: ObjectValue, config: ObjectValue): GeneratedConfig {
  if (state.auth_type === "oauth") return { config };
  return {
    config,
    diagnostics: [
      {
        severity: "warning",
        summary: `The password of ${String(state.party_number)}/${String(state.tab)} is not in the generated configuration`,
        detail:
          "CPQ never returns a partner password. Where the tab needs one (a partner integrated both inbound and outbound), add password_wo (with password_wo_version) before applying.",
        path: ["password_wo"],
      },
    ],
  };
}

/** The resource definition served by the provider. */
export const userIntegrationLoginResource = {
  typeName: "cpq_user_integration_login",
  description:
    "A CPQ user's login on one partner tab of the User Integration page. On OAuth partners, the login only (the partner issues tokens); otherwise login, password and optional security token.",
  schemaVersion: 0,
  attributes: USER_INTEGRATION_LOGIN_ATTRIBUTES,
  review: {
    // What destroy() below does: removeLogin revokes an OAuth token, then deletes the login.
    destroy: (before) => ({
      text:
        before.auth_type === "oauth"
          ? "The login is removed from the user's integration tab, and its stored OAuth token revoked."
          : "The login is removed from the user's integration tab, with its password and security token.",
      changesCpq: true,
      restart: false,
    }),
  },
  validate: validateUserIntegrationLogin,
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
      {
        name: "tab",
        description: "The User Integration tab, e.g. `crm`.",
        requiredForImport: true,
      },
    ],
    toImportId: (id) => `${id.party_number}/${id.tab}`,
  },
  list: {
    description:
      "The logins CPQ holds on the User Integration page, one result per user and tab, with their identity.",
    attributes: USER_INTEGRATION_LOGIN_LIST_ATTRIBUTES,
    list: listLogins,
  },
  generateConfig,
} satisfies ResourceDefinition<UserIntegrationContext>;
