/**
 * The keys of `cpq_user_integration_logins`'s map and the CPQ users they name: under `key_by`
 * (logins or party numbers), resolved through the user directory, with the plan errors of keys
 * that name no user, several, or the same one; and a tab's logins keyed back the same way.
 */
import { isUnknown } from "../../contract/attributes";
import type { UserDirectory } from "../../cpq/user-directory";
import type { Diagnostic, MapValue, ObjectValue, Value } from "../../contract/types";
import type { UserWire } from "../../client";
import { err, plural, some } from "./words";

/** How the map's keys name the CPQ user. */
export type KeyBy = "login" | "party_number";

/** The map of a value, or undefined when it is null or wholly unknown. */
export function mapOf(v: Value | undefined): MapValue | undefined {
  return v !== null &&
    v !== undefined &&
    !isUnknown(v) &&
    typeof v === "object" &&
    !Array.isArray(v)
    ? (v as MapValue)
    : undefined;
}

/** The `key_by` of a configuration or state (`login` when unset). */
export function keyByOf(o: Readonly<Record<string, Value>>): KeyBy {
  return o.key_by === "party_number" ? "party_number" : "login";
}

/** The key a user has under `keyBy` where the configuration does not name them. */
export function keyOf(user: UserWire, keyBy: KeyBy): string {
  return keyBy === "party_number" ? user.partyNumber : user.login;
}

/** The map's keys resolved to users, and the keys that name none, several, or the same user. */
export interface Resolution {
  readonly users: Map<string, UserWire>;
  readonly unknown: string[];
  readonly ambiguous: { readonly key: string; readonly users: readonly UserWire[] }[];
  readonly duplicates: { readonly keys: readonly string[]; readonly user: UserWire }[];
}

/** Each key resolved to the users it names under `keyBy`. */
export async function resolveKeys(
  directory: UserDirectory,
  keys: readonly string[],
  keyBy: KeyBy,
): Promise<Resolution> {
  const users = new Map<string, UserWire>();
  const unknown: string[] = [];
  const ambiguous: { key: string; users: readonly UserWire[] }[] = [];
  // One listing serves every lookup: these resolve from memory after the first.
  for (const key of keys) {
    const matches =
      keyBy === "party_number"
        ? [await directory.byPartyNumber(key)].filter((u): u is UserWire => u !== undefined)
        : await directory.byLogin(key);
    if (matches.length === 0) unknown.push(key);
    else if (matches.length > 1) ambiguous.push({ key, users: matches });
    else users.set(key, matches[0]!);
  }
  const byParty = new Map<string, string[]>();
  for (const [key, user] of users) {
    const list = byParty.get(user.partyNumber);
    if (list) list.push(key);
    else byParty.set(user.partyNumber, [key]);
  }
  const duplicates = [...byParty.values()]
    .filter((k) => k.length > 1)
    .map((k) => ({ keys: k, user: users.get(k[0]!)! }));
  return { users, unknown, ambiguous, duplicates };
}

/** The plan errors of a resolution: one for the unknown users, one per other kind of problem. */
export function resolutionDiagnostics(r: Resolution, keyBy: KeyBy): Diagnostic[] {
  const diags: Diagnostic[] = [];
  if (r.unknown.length > 0) {
    const what = keyBy === "party_number" ? "party number" : "login";
    diags.push(
      err(
        `${plural(r.unknown.length, "entry", "entries")} of "logins" ${r.unknown.length === 1 ? "names" : "name"} no CPQ user`,
        `No CPQ user has the ${what} ${some(r.unknown)}. Check the spelling (the cpq_users data source lists the users), or remove the ${r.unknown.length === 1 ? "entry" : "entries"}.` +
          (keyBy === "login" ? " Logins are compared without regard to case." : ""),
      ),
    );
  }
  if (r.ambiguous.length > 0) {
    const first = r.ambiguous[0]!;
    diags.push(
      err(
        `${plural(r.ambiguous.length, "login", "logins")} in "logins" ${r.ambiguous.length === 1 ? "matches" : "match"} several CPQ users`,
        `${some(r.ambiguous.map((a) => a.key))}: "${first.key}" is the login of users ${first.users.map((u) => u.partyNumber).join(", ")}. Key the map by party number instead: key_by = "party_number".`,
      ),
    );
  }
  for (const d of r.duplicates) {
    diags.push(
      err(
        `Entries ${d.keys.map((k) => `"${k}"`).join(" and ")} of "logins" name the same CPQ user`,
        `They all name user ${d.user.partyNumber} (${d.user.login}), who has one login on the tab: keep one entry.`,
      ),
    );
  }
  return diags;
}

/** The users a key names under `keyBy` (several where users share a login). */
export async function usersOfKey(
  directory: UserDirectory,
  key: string,
  keyBy: KeyBy,
): Promise<readonly UserWire[]> {
  if (keyBy === "login") return directory.byLogin(key);
  const user = await directory.byPartyNumber(key);
  return user ? [user] : [];
}

/** One user's entry: under which key, and their partner login. */
export interface Entry {
  readonly key: string;
  readonly login: string;
  readonly user: UserWire;
}

/** The entries of a state, by party number; keys that name no user now (gone) are left out. */
export async function entriesOf(
  directory: UserDirectory,
  state: ObjectValue,
  only?: ReadonlySet<string>,
): Promise<Map<string, Entry>> {
  const logins = mapOf(state.logins) ?? {};
  const keys = Object.keys(logins).filter((k) => only === undefined || only.has(k));
  const { users } = await resolveKeys(directory, keys, keyByOf(state));
  const out = new Map<string, Entry>();
  for (const [key, user] of users) {
    const login = logins[key];
    if (typeof login === "string") out.set(user.partyNumber, { key, login, user });
  }
  return out;
}

/** Logins of a tab keyed by `keyBy`, and the keys two users would share (a login CPQ repeats). */
export function tabMap(
  found: readonly { user: UserWire; integration: { login: string } }[],
  keyBy: KeyBy,
): { logins: Record<string, string>; collisions: string[] } {
  const logins: Record<string, string> = {};
  const collisions: string[] = [];
  for (const { user, integration } of found) {
    const key = keyOf(user, keyBy);
    if (key in logins) collisions.push(key);
    logins[key] = integration.login;
  }
  return { logins, collisions };
}
