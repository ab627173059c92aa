/**
 * Lockout risk (contract B in the team's brief): whether a plan that turns SSO on for a user can
 * leave the administrators without a way in. Oracle does not document whether a user enabled for
 * SSO can still sign in with the CPQ password (login page or REST Basic authentication); this
 * provider assumes not, unless the provider setting `sso_users_sign_in_with_password` says so
 * (docs/cpq-api.md, "Password sign-in of SSO users").
 */
import { codedBoolean, codedText } from "../client/coded";
import type { CodedWire } from "../client/coded";
import type { Attribute, Diagnostic } from "../contract/types";

/** What the provider knows of how it signs in, for the lockout judgement. */
export interface LockoutSettings {
  /** The login the provider signs in as (HTTP Basic); undefined with a token or OAuth client. */
  readonly signInLogin?: string | undefined;
  /**
   * `sso_users_sign_in_with_password`: true where the site lets SSO users sign in with their CPQ
   * password, so that turning SSO on locks nobody out.
   * @default false
   */
  readonly ssoUsersSignInWithPassword?: boolean | undefined;
}

/** The name of the attribute, in every table that has it. */
export const LOCKOUT_RISK = "lockout_risk";

/**
 * The table row of `lockout_risk`, with the resource's own words on when a plan risks a lockout.
 * Computed: judged by every plan, applied as planned, set back to null by a refresh.
 */
export function lockoutRiskAttribute(when: string): Attribute {
  return {
    name: LOCKOUT_RISK,
    type: "string",
    kind: "computed",
    description:
      `Null when the planned change risks locking no administrator out; else a one-line reason, and the plan warns. A risk is a plan that ${when}. ` +
      "Oracle does not say whether SSO users can still sign in with their CPQ password; the provider assumes not (set the provider's `sso_users_sign_in_with_password = true` where they can). " +
      "It describes the planned change: a refresh sets it back to null.",
  };
}

/** The coded fields of a user record the judgement reads. */
export interface LockoutUser {
  readonly partyNumber: string;
  readonly login: string;
  readonly type?: CodedWire | null | undefined;
  readonly status?: CodedWire | null | undefined;
  readonly enabledForSso?: CodedWire | null | undefined;
}

const squash = (s: string): string => s.toLowerCase().replace(/[^a-z]/g, "");

/** Whether a user record's type is FullAccess: `{value: "FULL_ACCESS", displayValue: "FullAccess"}` or bare. */
function isFullAccess(u: LockoutUser): boolean {
  const t = u.type;
  const raw = t !== null && typeof t === "object" ? [t.value, t.displayValue] : [t];
  return raw.some((v) => typeof v === "string" && squash(v) === "fullaccess");
}

/**
 * Whether turning SSO on can lock anyone out at all: not where SSO users still sign in with their
 * CPQ password (`sso_users_sign_in_with_password`). Checked before listing users, to skip it.
 */
export function lockoutPossible(settings: LockoutSettings | undefined): boolean {
  return settings?.ssoUsersSignInWithPassword !== true;
}

/** Whether a user can sign in at all: not inactive (a status CPQ does not give counts as active). */
function isActive(u: LockoutUser): boolean {
  const s = codedText(u.status);
  return s === null || !["inactive", "false", "no", "n", "disabled"].includes(squash(s));
}

/**
 * The reason a plan that turns SSO on for `users` (every one of them) risks a lockout, or null.
 * `listed` is the site's users as the process first listed them (see
 * UserDirectory.usersAsFirstListed), so the judgement is the same at plan and at the apply.
 */
export function lockoutReason(
  turnedOn: readonly LockoutUser[],
  listed: readonly LockoutUser[],
  settings: LockoutSettings,
): string | null {
  if (!lockoutPossible(settings) || turnedOn.length === 0) return null;
  const clauses: string[] = [];
  const self = settings.signInLogin?.toLowerCase();
  const me = turnedOn.find((u) => self !== undefined && u.login.toLowerCase() === self);
  if (me) {
    clauses.push(
      `${quoted(me.login)} is the login this provider signs in to CPQ as, so its next run can no longer authenticate with the password`,
    );
  }
  const on = new Set(turnedOn.map((u) => u.partyNumber));
  const admins = listed.filter((u) => isFullAccess(u) && isActive(u));
  const outside = admins.filter((u) => codedBoolean(u.enabledForSso) !== true);
  if (outside.length > 0 && outside.every((u) => on.has(u.partyNumber))) {
    clauses.push(
      `${outside.map((u) => quoted(u.login)).join(", ")} ${outside.length === 1 ? "is the last active FullAccess user" : "are the last active FullAccess users"} outside SSO, so no administrator is left to sign in with a password if SSO fails`,
    );
  }
  if (clauses.length === 0) return null;
  return `This plan turns SSO on for ${turnedOn.map((u) => quoted(u.login)).join(", ")}: ${clauses.join("; ")}.`;
}

/** A login in a reason: JSON-quoted, so CPQ's text cannot break the line. */
const quoted = (login: string): string => JSON.stringify(login);

/**
 * The reason a plan that switches the site's SSO on (from `None`) risks a lockout, or null: the
 * users already enabled for SSO must then sign in through the identity provider, so the risk is
 * the provider's own login among them, or no active FullAccess user left outside SSO.
 */
export function siteLockoutReason(
  listed: readonly LockoutUser[],
  settings: LockoutSettings,
): string | null {
  if (!lockoutPossible(settings)) return null;
  const sso = listed.filter((u) => codedBoolean(u.enabledForSso) === true);
  const reasons: string[] = [];
  const self = settings.signInLogin?.toLowerCase();
  const me = sso.find((u) => self !== undefined && u.login.toLowerCase() === self);
  if (me) {
    reasons.push(
      `switches SSO on while ${quoted(me.login)}, the login this provider signs in to CPQ as, is enabled for SSO, so its next run can no longer authenticate with the password`,
    );
  }
  const admins = listed.filter((u) => isFullAccess(u) && isActive(u));
  if (admins.length > 0 && admins.every((u) => codedBoolean(u.enabledForSso) === true)) {
    reasons.push(
      "switches SSO on while every active FullAccess user is enabled for SSO, so no administrator is left to sign in with a password if SSO fails",
    );
  }
  return reasons.length === 0 ? null : `This plan ${reasons.join("; and ")}.`;
}

/** The plan's warning for a lockout risk. */
export function lockoutWarning(reason: string, path: string): Diagnostic {
  return {
    severity: "warning",
    summary: "Lockout risk: this plan can lock administrators out of CPQ",
    detail:
      `${reason} Keep at least one active FullAccess user outside SSO (a break-glass administrator) and sign the provider in as a login that stays outside SSO (or with a token or OAuth client). ` +
      "Oracle does not say whether SSO users can still sign in with their CPQ password; where your site lets them, set sso_users_sign_in_with_password = true in the provider block.",
    path: [path],
  };
}
