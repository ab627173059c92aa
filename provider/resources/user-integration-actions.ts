/**
 * The User Integration page's buttons as actions (Terraform 1.14+): `cpq_user_integration_check`
 * (the Check button: "validates that the Login/Password combination is correct ... does not
 * perform a save") and `cpq_user_integration_revoke_token` (the Revoke Token button). Run by an
 * `action_trigger` in a login's lifecycle or by `terraform apply -invoke`; each refuses at plan
 * what cannot work on the site, from read-only calls, and never changes what Terraform tracks.
 */
import { attributeError, isKnown, isSet } from "../contract/attributes";
import { resolvePartyNumber, userNamingRules } from "../cpq/cpq-user";
import type { UserDirectory } from "../cpq/user-directory";
import { missingTabError, sentence } from "../cpq/logins";
import type {
  ActionDefinition,
  ActionRequest,
  Attribute,
  Diagnostic,
  ObjectValue,
} from "../contract/types";
import type { CpqClient, IntegrationPartnerWire } from "../client";

/** What the provider hands the actions. */
export interface UserIntegrationActionContext {
  readonly client: Pick<CpqClient, "checkUserIntegration" | "revokeUserIntegrationToken">;
  readonly directory: UserDirectory;
}

const USER: readonly Attribute[] = [
  {
    name: "party_number",
    type: "string",
    kind: "optional",
    description:
      "The CPQ user's party number. Give this, `user_login`, or both naming the same user.",
  },
  {
    name: "user_login",
    type: "string",
    kind: "optional",
    description: "The CPQ user's login, resolved to the party number at plan.",
  },
  {
    name: "tab",
    type: "string",
    kind: "required",
    description: "The User Integration tab, e.g. `crm`.",
  },
];

/** The configuration of `cpq_user_integration_check`. */
export const USER_INTEGRATION_CHECK_ATTRIBUTES: readonly Attribute[] = [
  ...USER,
  {
    name: "login",
    type: "string",
    kind: "required",
    description: "The login at the partner to check.",
  },
  {
    name: "password_wo",
    type: "string",
    kind: "optional",
    writeOnly: true,
    sensitive: true,
    description:
      "The partner password to check, write-only. Give it from an ephemeral value (an `ephemeral = true` variable): Terraform keeps an action's other values in the plan file.",
  },
  {
    name: "security_token_wo",
    type: "string",
    kind: "optional",
    writeOnly: true,
    sensitive: true,
    description: "The partner security token, when the partner's authentication requires one.",
  },
];

/** The configuration of `cpq_user_integration_revoke_token`. */
export const USER_INTEGRATION_REVOKE_TOKEN_ATTRIBUTES: readonly Attribute[] = USER;

/** The user and the tab's partner, or the diagnostics that say why the action cannot run. */
async function target(
  ctx: UserIntegrationActionContext,
  config: ObjectValue,
): Promise<
  | { partyNumber: string; tab: string; partner: IntegrationPartnerWire; diagnostics?: undefined }
  | { diagnostics: Diagnostic[] }
> {
  const who = await resolvePartyNumber(ctx.directory, config);
  if (who.diagnostics.length > 0) return { diagnostics: who.diagnostics };
  const tab = config.tab;
  if (!isKnown(who.partyNumber) || !isKnown(tab) || typeof tab !== "string") {
    // Terraform evaluates an action's configuration again at apply, with everything known.
    return { diagnostics: [] };
  }
  const partyNumber = String(who.partyNumber);
  if (!(await ctx.directory.byPartyNumber(partyNumber))) {
    return {
      diagnostics: [
        attributeError(
          "party_number",
          `No CPQ user has the party number "${partyNumber}"`,
          "Check the party number, or name the user by user_login.",
        ),
      ],
    };
  }
  const partners = await ctx.directory.sitePartners();
  const partner = partners.find((p) => p.tab === tab);
  if (!partner)
    return {
      diagnostics: [
        missingTabError(
          tab,
          partners.map((p) => p.tab),
        ),
      ],
    };
  return { partyNumber, tab, partner };
}

/** Why Check cannot run on this tab with this configuration, if it cannot. */
function checkRefusals(partner: IntegrationPartnerWire, config: ObjectValue): Diagnostic[] {
  if (partner.oauthEnabled) {
    return [
      attributeError(
        "tab",
        `Check needs a tab without OAuth: ${partner.partner} uses OAuth on this site`,
        `CPQ's Check validates a login/password pair; with OAuth the tab holds a login only and ${partner.partner} issues the token. Remove this action for tab "${partner.tab}".`,
      ),
    ];
  }
  if (!isSet(config.password_wo)) {
    return [
      attributeError(
        "password_wo",
        `Check needs the password of the login on tab "${partner.tab}"`,
        "CPQ's Check validates a login/password pair. Set password_wo (from an ephemeral variable).",
      ),
    ];
  }
  return [];
}

// ---- cpq_user_integration_check -----------------------------------------------------------------

async function planCheck(req: ActionRequest<UserIntegrationActionContext>): Promise<Diagnostic[]> {
  const t = await target(req.ctx, req.config);
  if (t.diagnostics) return t.diagnostics;
  return checkRefusals(t.partner, req.config);
}

async function invokeCheck(
  req: ActionRequest<UserIntegrationActionContext>,
  progress: (message: string) => void,
): Promise<Diagnostic[]> {
  const { ctx, config } = req;
  const t = await target(ctx, config);
  if (t.diagnostics) return t.diagnostics;
  const refused = checkRefusals(t.partner, config);
  if (refused.length > 0) return refused;
  const login = String(config.login);
  progress(
    `Checking login "${login}" of user ${t.partyNumber} on tab "${t.tab}" with CPQ's Check (nothing is saved)`,
  );
  const token = config.security_token_wo;
  const check = await ctx.client.checkUserIntegration(t.partyNumber, t.tab, {
    login,
    authType: "password",
    password: String(config.password_wo),
    ...(typeof token === "string" && token !== "" ? { securityToken: token } : {}),
  });
  if (!check.valid) {
    return [
      attributeError(
        "login",
        `${t.partner.partner} refused the credentials for user ${t.partyNumber} on tab "${t.tab}"`,
        `CPQ's Check answered: ${sentence(check.message ?? "invalid login or password")} Nothing was saved. Correct the login or the password.`,
      ),
    ];
  }
  progress(
    `${t.partner.partner} accepted login "${login}" of user ${t.partyNumber} on tab "${t.tab}"`,
  );
  return [];
}

/** `cpq_user_integration_check`: CPQ's Check button. */
export const userIntegrationCheckAction = {
  typeName: "cpq_user_integration_check",
  description:
    "Runs the User Integration page's Check button for one user's login on a tab without OAuth: CPQ validates the login/password pair with the partner and saves nothing. A refusal is an error naming the user and tab; the password never appears in output.",
  attributes: USER_INTEGRATION_CHECK_ATTRIBUTES,
  // The offline rule beside the table's: the user named (by party number, login or both).
  validate: userNamingRules,
  plan: planCheck,
  invoke: invokeCheck,
} satisfies ActionDefinition<UserIntegrationActionContext>;

// ---- cpq_user_integration_revoke_token ----------------------------------------------------------

/** Why Revoke Token cannot run, and what the plan should say about it. */
async function revokePlan(
  ctx: UserIntegrationActionContext,
  config: ObjectValue,
): Promise<{ diagnostics: Diagnostic[]; run?: { partyNumber: string; tab: string } }> {
  const t = await target(ctx, config);
  if (t.diagnostics) return { diagnostics: t.diagnostics };
  if (!t.partner.oauthEnabled) {
    return {
      diagnostics: [
        attributeError(
          "tab",
          `Revoke Token needs an OAuth tab: ${t.partner.partner} does not use OAuth on this site`,
          `Tab "${t.tab}" holds a login and password, no token. Remove this action for it.`,
        ),
      ],
    };
  }
  const { integration } = await ctx.directory.login(t.partyNumber, t.tab);
  if (!integration) {
    return {
      diagnostics: [
        attributeError(
          "tab",
          `User ${t.partyNumber} has no login on tab "${t.tab}"`,
          "There is no token to revoke. Save the login first (cpq_user_integration_login), or remove this action.",
        ),
      ],
    };
  }
  return { diagnostics: [], run: { partyNumber: t.partyNumber, tab: t.tab } };
}

async function invokeRevoke(
  req: ActionRequest<UserIntegrationActionContext>,
  progress: (message: string) => void,
): Promise<Diagnostic[]> {
  const p = await revokePlan(req.ctx, req.config);
  if (!p.run) return p.diagnostics;
  const { partyNumber, tab } = p.run;
  progress(`Revoking the OAuth token of user ${partyNumber} on tab "${tab}"`);
  const after = await req.ctx.client.revokeUserIntegrationToken(partyNumber, tab);
  progress(
    after.tokenPresent
      ? `CPQ still reports a token for user ${partyNumber} on tab "${tab}"`
      : `CPQ holds no token for user ${partyNumber} on tab "${tab}" now; the partner issues a new one at the next sign-in`,
  );
  return [];
}

/** `cpq_user_integration_revoke_token`: CPQ's Revoke Token button. */
export const userIntegrationRevokeTokenAction = {
  typeName: "cpq_user_integration_revoke_token",
  description:
    "Runs the User Integration page's Revoke Token button for one user's login on an OAuth tab: CPQ ends the stored token (a token being stored never meant it was still valid). The login stays.",
  attributes: USER_INTEGRATION_REVOKE_TOKEN_ATTRIBUTES,
  // The offline rule beside the table's: the user named (by party number, login or both).
  validate: userNamingRules,
  plan: async (req) => (await revokePlan(req.ctx, req.config)).diagnostics,
  invoke: invokeRevoke,
} satisfies ActionDefinition<UserIntegrationActionContext>;
