/**
 * The tab as CPQ holds it, read at plan (and at apply where the plan could not): what a create
 * replaces or removes (contract A: `replaced_live_values` and its warnings), the unmanaged logins
 * an update keeps or an exclusive plan removes, and the users a plan takes over from another
 * manager.
 */
import type { UserDirectory } from "../../cpq/user-directory";
import type { Diagnostic, MapValue, ObjectValue, Value } from "../../contract/types";
import { renderLiveValue } from "../../contract/live-values";
import type { KeyBy, Resolution } from "./keys";
import { keyOf, mapOf, tabMap, usersOfKey } from "./keys";
import { entryPath, plural, quoted, rowLines, some } from "./words";

/** What CPQ holds on the tab for a create to replace, remove, or leave as it is. */
export interface LiveFacts {
  /** `logins["<key>"]` to the live login of a declared user, where it differs from the declared. */
  readonly replaced: Record<string, string>;
  /** The planned value of each replaced entry, as a warning shows it. */
  readonly plannedOf: Record<string, string>;
  /** The tab's logins of users not declared, keyed by `key_by`. */
  readonly unmanaged: Record<string, string>;
  /** The party numbers of those users. */
  readonly unmanagedUsers: readonly string[];
  /** Keys of declared users whose live login is already the declared one. */
  readonly alreadyRight: readonly string[];
}

/**
 * The tab as CPQ holds it, split into the declared users' logins and the others: one listing
 * where the site batches, else one read per user of the site (the refresh reads as much).
 */
export async function liveFacts(
  directory: UserDirectory,
  tab: string,
  resolution: Resolution,
  wanted: MapValue,
  keyBy: KeyBy,
): Promise<LiveFacts> {
  const onTab = await directory.tabLogins(tab);
  const byParty = new Map(onTab.map((f) => [f.user.partyNumber, f.integration]));
  const replaced: Record<string, string> = {};
  const plannedOf: Record<string, string> = {};
  const alreadyRight: string[] = [];
  for (const [key, user] of resolution.users) {
    const integration = byParty.get(user.partyNumber);
    if (!integration) continue;
    const want = wanted[key];
    if (want === integration.login) alreadyRight.push(key);
    else {
      replaced[entryPath("logins", key)] = integration.login;
      plannedOf[entryPath("logins", key)] =
        typeof want === "string" ? quoted(want) : "(known after apply)";
    }
  }
  const declaredUsers = new Set([...resolution.users.values()].map((u) => u.partyNumber));
  const others = onTab.filter((f) => !declaredUsers.has(f.user.partyNumber));
  return {
    replaced,
    plannedOf,
    unmanaged: tabMap(others, keyBy).logins,
    unmanagedUsers: others.map((f) => f.user.partyNumber),
    alreadyRight,
  };
}

/**
 * The `replaced_live_values` of a create (contract A): each declared user's live login it
 * overwrites and, when `exclusive`, each unlisted login it removes, as a reviewer sees them.
 */
export function replacedLiveValues(facts: LiveFacts, exclusive: boolean): Record<string, string> {
  const replaced: Record<string, string> = {};
  for (const [path, live] of Object.entries(facts.replaced)) {
    replaced[path] = renderLiveValue(live, "text");
  }
  if (exclusive) {
    for (const [k, v] of Object.entries(facts.unmanaged)) {
      replaced[entryPath("unmanaged_logins", k)] = renderLiveValue(v, "text");
    }
  }
  return replaced;
}

/** The warnings of a create over a tab that already holds logins (contract A). */
export function createWarnings(tab: string, facts: LiveFacts, exclusive: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const replaced = Object.entries(facts.replaced);
  if (replaced.length > 0) {
    out.push({
      severity: "warning",
      summary: `The create replaces ${plural(replaced.length, "live login", "live logins")} on tab "${tab}"`,
      detail: `CPQ holds another login on this tab for ${replaced.length === 1 ? "a user" : "users"} declared here; the apply saves the declared login over it (revoking a stored token): ${rowLines(replaced.map(([path, live]) => ({ path, live, planned: facts.plannedOf[path] ?? "" })))}. If a cpq_user_integration_login declares the same user and tab, the two resources will overwrite each other at every apply: keep each user in one of them.`,
      path: ["logins"],
    });
  }
  const removed = Object.entries(facts.unmanaged);
  if (exclusive && removed.length > 0) {
    out.push({
      severity: "warning",
      summary: `The create removes ${plural(removed.length, "login", "logins")} of users not in "logins" from tab "${tab}" (exclusive)`,
      detail: `With exclusive = true this resource owns the whole tab: ${rowLines(removed.map(([k, live]) => ({ path: entryPath("unmanaged_logins", k), live })))}. Removing a login revokes its stored token. To keep a login, list its user in logins, or set exclusive = false.`,
      path: ["exclusive"],
    });
  }
  if (facts.alreadyRight.length > 0) {
    out.push({
      severity: "warning",
      summary: `${plural(facts.alreadyRight.length, "declared login is", "declared logins are")} already on tab "${tab}" as declared`,
      detail: `CPQ already holds ${some(facts.alreadyRight)} as declared (an earlier apply may have failed part way, or someone saved them): the apply leaves them as they are, and writes only the entries CPQ does not hold yet.`,
      path: ["logins"],
    });
  }
  return out;
}

/**
 * The refreshed `unmanaged_logins` as this plan leaves it (exclusive off): without the users the
 * configuration now declares, and under the configuration's `key_by`. Unchanged otherwise, so a
 * plan that changes nothing shows no diff.
 */
export async function keptUnmanaged(
  directory: UserDirectory,
  tab: string,
  before: MapValue,
  from: KeyBy,
  to: KeyBy,
  declared: ReadonlySet<string>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [key, login] of Object.entries(before)) {
    if (typeof login !== "string") continue;
    const users = await usersOfKey(directory, key, from);
    if (users.some((u) => declared.has(u.partyNumber))) continue;
    if (from === to) {
      out[key] = login;
      continue;
    }
    for (const u of users) {
      if ((await directory.login(u.partyNumber, tab)).integration) out[keyOf(u, to)] = login;
    }
  }
  return out;
}

/** The removals a per-user site's plan could not show as a diff, named in a warning instead. */
export function unlistedRemovalWarning(
  tab: string,
  others: { logins: Record<string, string> },
): Diagnostic {
  const rows = Object.entries(others.logins);
  return {
    severity: "warning",
    summary: `Turning exclusive on removes ${plural(rows.length, "login", "logins")} of users not in "logins" from tab "${tab}"`,
    detail: `${rowLines(rows.map(([k, live]) => ({ path: entryPath("unmanaged_logins", k), live })))}. The state holds no unmanaged_logins yet (it was written by an older provider, and this plan did not refresh it), so the plan cannot show them as removed entries: they are named here. Removing a login revokes its stored token.`,
    path: ["exclusive"],
  };
}

/**
 * Users newly listed here who already have a different login on the tab in CPQ: another resource
 * (a `cpq_user_integration_login` of this or another configuration) or a person manages it, and
 * the two would overwrite each other. Said where it costs nothing, with the batched listing in
 * hand; a site read one user at a time is not asked (it would cost a request per new user).
 */
export async function takeOverWarnings(
  directory: UserDirectory,
  tab: string,
  prior: ObjectValue | null,
  resolution: Resolution,
  logins: Readonly<Record<string, Value>>,
): Promise<Diagnostic[]> {
  if (!(await directory.batched())) return [];
  const before = prior !== null && prior.tab === tab ? (mapOf(prior.logins) ?? {}) : {};
  const taken: string[] = [];
  for (const [key, user] of resolution.users) {
    if (Object.hasOwn(before, key)) continue;
    const live = (await directory.login(user.partyNumber, tab)).integration;
    if (live && typeof logins[key] === "string" && live.login !== logins[key]) taken.push(key);
  }
  if (taken.length === 0) return [];
  return [
    {
      severity: "warning",
      summary: `${plural(taken.length, "user", "users")} listed here already ${taken.length === 1 ? "has" : "have"} another login on tab "${tab}"`,
      detail: `CPQ holds a different login on this tab for ${some(taken)}. The apply saves this resource's login over it. If a cpq_user_integration_login declares the same user and tab, the two resources will overwrite each other at every apply: keep each user in one of them.`,
      path: ["logins"],
    },
  ];
}
