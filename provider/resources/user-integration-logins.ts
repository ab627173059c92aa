/**
 * `cpq_user_integration_logins`: the login-only entries of one OAuth partner tab of CPQ's User
 * Integration page, as one resource: a map from the CPQ user (their login, or their party number)
 * to their login at the partner.
 *
 * Why one resource for a tab: at thousands of users, one resource per login costs Terraform one
 * resource instance each (plan, state, graph). A map attribute keeps the plan readable too:
 * Terraform renders a map's change key by key, so a plan shows each changed entry, never the
 * whole map as one change.
 *
 * Password tabs (a partner without OAuth, or a CRM integrated both ways, where CPQ requires the
 * password) stay with `cpq_user_integration_login`: this resource refuses them at plan.
 *
 * Writes are worked out per user (party number), not per key: a change of `key_by` renames every
 * key but writes nothing. They fan out at once and the client's limiter (`max_concurrency`,
 * `requests_per_second`) bounds what is in flight. A partial failure returns the state of what was
 * written, plus an error per failed entry, so the next plan shows only what is left.
 */
import { checkAgainstTable, emptyObject, isKnown, isUnknown } from "./attributes";
import type { UserDirectory } from "./user-directory";
import { missingTabError, removeLogin, sentence } from "./user-integration-login";
import type {
  ApplyRequest,
  ApplyResult,
  Attribute,
  Diagnostic,
  ImportResult,
  MapValue,
  ObjectValue,
  PlanRequest,
  PlanResult,
  PrivateState,
  ReadRequest,
  ReadResult,
  ResourceDefinition,
  Value,
} from "./types";
import { UNKNOWN } from "./types";
import type { CpqClient, IntegrationPartnerWire, UserWire } from "../client";

/** What the provider hands this resource. */
export interface UserIntegrationLoginsContext {
  readonly client: Pick<
    CpqClient,
    | "putUserIntegration"
    | "deleteUserIntegration"
    | "revokeUserIntegrationToken"
    | "getUserIntegration"
  >;
  readonly directory: UserDirectory;
}

/** How the map's keys name the CPQ user. */
export type KeyBy = "login" | "party_number";

/** The attribute table of `cpq_user_integration_logins`. */
export const USER_INTEGRATION_LOGINS_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "id",
    type: "string",
    kind: "computed",
    description: "The tab.",
  },
  {
    name: "tab",
    type: "string",
    kind: "required",
    forceNew: true,
    description:
      "The User Integration tab of an OAuth partner, e.g. `idp` (see `GET /rest/v19/integrations`). A tab whose partner takes passwords is refused: declare its logins with `cpq_user_integration_login`.",
  },
  {
    name: "logins",
    type: { map: "string" },
    kind: "required",
    description:
      'The tab\'s logins: from the CPQ user (their CPQ login, or their party number with `key_by = "party_number"`) to their login at the partner. A user the site does not have is a plan error. Removing an entry removes that login (and revokes its token). The plan shows each changed entry by its key.',
  },
  {
    name: "key_by",
    type: "string",
    kind: "optional",
    enum: ["login", "party_number"],
    description:
      "What the keys of `logins` are: `login` (default), the CPQ users' logins, compared without regard to case; or `party_number`. Changing it renames the keys and writes nothing.",
  },
  {
    name: "exclusive",
    type: "bool",
    kind: "optional",
    description:
      "When true, the resource owns the whole tab: the logins of users not in `logins` show in the plan as removed entries, and the apply removes them (revoking their tokens). Default false: only the users listed are touched.",
  },
  {
    name: "partner",
    type: "string",
    kind: "computed",
    description: "The partner integrated on this tab, e.g. `Oracle Identity Cloud Service`.",
  },
];

/** Names shown in a message about many entries; the rest are counted. */
const NAMES_SHOWN = 5;
/** Failed entries reported one diagnostic each; the rest are summed up in one more. */
const FAILURES_SHOWN = 50;
/** Private state: the keys the last apply wrote, which are the keys a destroy removes. */
const PRIVATE_LISTED = "listed";

const err = (summary: string, detail: string, path = "logins"): Diagnostic => ({
  severity: "error",
  summary,
  detail,
  path: [path],
});

/** A few names quoted, and how many more: `"a", "b" and 3 more`. */
function some(names: readonly string[]): string {
  const shown = names
    .slice(0, NAMES_SHOWN)
    .map((n) => `"${n}"`)
    .join(", ");
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The map of a value, or undefined when it is null or wholly unknown. */
function mapOf(v: Value | undefined): MapValue | undefined {
  return v !== null &&
    v !== undefined &&
    !isUnknown(v) &&
    typeof v === "object" &&
    !Array.isArray(v)
    ? (v as MapValue)
    : undefined;
}

function keyByOf(o: Readonly<Record<string, Value>>): KeyBy {
  return o.key_by === "party_number" ? "party_number" : "login";
}

/** The key a user has under `keyBy` where the configuration does not name them. */
function keyOf(user: UserWire, keyBy: KeyBy): string {
  return keyBy === "party_number" ? user.partyNumber : user.login;
}

/** Offline checks: types, and no entry with a blank key or login. */
export function validateUserIntegrationLogins(
  config: Readonly<Record<string, unknown>>,
): Diagnostic[] {
  const diags = checkAgainstTable(USER_INTEGRATION_LOGINS_ATTRIBUTES, config);
  if (diags.some((d) => d.severity === "error")) return diags;
  const logins = mapOf(config.logins as Value);
  if (!logins) return diags;
  const blankKeys = Object.keys(logins).filter((k) => k.trim() === "");
  if (blankKeys.length > 0) {
    diags.push(
      err(
        'An entry of "logins" has an empty key',
        'Each key names a CPQ user (their login, or their party number with key_by = "party_number"): give it one, or remove the entry.',
      ),
    );
  }
  const blankValues = Object.entries(logins)
    .filter(([k, v]) => k.trim() !== "" && typeof v === "string" && v.trim() === "")
    .map(([k]) => k);
  if (blankValues.length > 0) {
    diags.push(
      err(
        `${plural(blankValues.length, "entry", "entries")} of "logins" with an empty partner login`,
        `The partner login of ${some(blankValues)} is empty: give each the user's login at the partner, or remove the entry (removing it removes the login from the tab).`,
      ),
    );
  }
  return diags;
}

/** The partner rules: the tab exists and takes login-only entries. */
function partnerRules(
  tab: string,
  partner: IntegrationPartnerWire | undefined,
  partners: readonly IntegrationPartnerWire[],
): Diagnostic[] {
  const oauthTabs = partners
    .filter((p) => p.oauthEnabled && !(p.inbound && p.outbound))
    .map((p) => `"${p.tab}"`);
  const elsewhere =
    oauthTabs.length > 0
      ? ` This site's tabs that take login-only entries: ${oauthTabs.join(", ")}.`
      : "";
  if (!partner)
    return [
      missingTabError(
        tab,
        partners.map((p) => p.tab),
      ),
    ];
  if (!partner.oauthEnabled) {
    return [
      err(
        `Tab "${tab}" takes passwords: ${partner.partner} does not use OAuth on this site`,
        `cpq_user_integration_logins holds login-only entries, for OAuth partners. Declare each login of this tab with cpq_user_integration_login (it takes password_wo).${elsewhere}`,
        "tab",
      ),
    ];
  }
  if (partner.inbound && partner.outbound) {
    return [
      err(
        `Tab "${tab}" needs passwords: ${partner.partner} is integrated both inbound and outbound`,
        `With both ways, CPQ requires each user's partner password on this tab, and cpq_user_integration_logins holds logins only. Declare each login of this tab with cpq_user_integration_login (it takes password_wo).${elsewhere}`,
        "tab",
      ),
    ];
  }
  return [];
}

/** The site's partner on a tab, or the diagnostics that say why the tab cannot be used. */
async function tabPartner(
  directory: UserDirectory,
  tab: string,
): Promise<{ partner?: IntegrationPartnerWire; diagnostics: Diagnostic[] }> {
  const partners = await directory.sitePartners();
  const partner = partners.find((p) => p.tab === tab);
  const diagnostics = partnerRules(tab, partner, partners);
  return diagnostics.length > 0 || !partner ? { diagnostics } : { partner, diagnostics };
}

/** The map's keys resolved to users, and the keys that name none, several, or the same user. */
interface Resolution {
  readonly users: Map<string, UserWire>;
  readonly unknown: string[];
  readonly ambiguous: { readonly key: string; readonly users: readonly UserWire[] }[];
  readonly duplicates: { readonly keys: readonly string[]; readonly user: UserWire }[];
}

async function resolveKeys(
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
function resolutionDiagnostics(r: Resolution, keyBy: KeyBy): Diagnostic[] {
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

// ---- lifecycle ------------------------------------------------------------------------------

async function plan(req: PlanRequest<UserIntegrationLoginsContext>): Promise<PlanResult> {
  const { ctx, prior, proposed, config, priorPrivate } = req;
  const planned: Record<string, Value> = { ...proposed };
  const tab = config.tab;
  if (!isKnown(tab) || typeof tab !== "string") {
    planned.id = UNKNOWN;
    planned.partner = UNKNOWN;
    return { planned, plannedPrivate: priorPrivate };
  }
  planned.id = tab;
  const site = await tabPartner(ctx.directory, tab);
  if (!site.partner) return { planned, diagnostics: site.diagnostics };
  planned.partner = site.partner.partner;

  const logins = mapOf(config.logins);
  const warnings: Diagnostic[] = [];
  if (logins && !isUnknown(config.key_by)) {
    const keyBy = keyByOf(config);
    const resolution = await resolveKeys(ctx.directory, Object.keys(logins), keyBy);
    const diagnostics = resolutionDiagnostics(resolution, keyBy);
    if (diagnostics.length > 0) return { planned, diagnostics };
    warnings.push(...(await takeOverWarnings(ctx.directory, tab, prior, resolution, logins)));
  }
  // Another tab is another set of logins; the same users keyed otherwise are not.
  const requiresReplace = prior !== null && prior.tab !== tab ? [["tab"]] : [];
  return { planned, requiresReplace, plannedPrivate: priorPrivate, diagnostics: warnings };
}

/**
 * Users newly listed here who already have a different login on the tab in CPQ: another resource
 * (a `cpq_user_integration_login` of this or another configuration) or a person manages it, and
 * the two would overwrite each other. Said where it costs nothing, with the batched listing in
 * hand; a site read one user at a time is not asked (it would cost a request per new user).
 */
async function takeOverWarnings(
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

/** One user's entry: under which key, and their partner login. */
interface Entry {
  readonly key: string;
  readonly login: string;
  readonly user: UserWire;
}

/** The entries of a state, by party number; keys that name no user now (gone) are left out. */
async function entriesOf(
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

/**
 * Tasks started at most {@link WRITE_WINDOW} at a time, their results in input order. The client's
 * limiter sets the pace (`max_concurrency`); this only keeps the queue in front of it short.
 */
const WRITE_WINDOW = 256;

async function inFlight<T, R>(items: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_WINDOW, items.length) }, worker));
  return results;
}

/** What became of one entry's write. */
type Outcome =
  { readonly ok: true } | { readonly ok: false; readonly key: string; readonly reason: string };

/** One entry's write, its failure caught as the entry's outcome. */
async function outcome(key: string, write: () => Promise<void>): Promise<Outcome> {
  try {
    await write();
    return { ok: true };
  } catch (e) {
    return { ok: false, key, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** Saves one user's login; a login CPQ already has is left alone, a token of another revoked. */
async function saveLogin(
  ctx: UserIntegrationLoginsContext,
  pn: string,
  tab: string,
  login: string,
): Promise<void> {
  const { integration } = await ctx.directory.login(pn, tab);
  if (integration?.login === login) return;
  // The stored token belongs to the old login: revoked before the new login is saved.
  if (integration?.tokenPresent) await ctx.client.revokeUserIntegrationToken(pn, tab);
  const saved = await ctx.client.putUserIntegration(pn, tab, { login, authType: "oauth" });
  ctx.directory.recordIntegration(pn, tab, saved);
}

/** One diagnostic per failed entry (up to {@link FAILURES_SHOWN}), then one for the rest. */
function failureDiagnostics(
  failures: readonly { key: string; reason: string; removal: boolean }[],
  tab: string,
  created: boolean,
): Diagnostic[] {
  const after = created
    ? " Terraform marks a resource whose create failed as tainted, and would replace it (removing every login written, then saving them again): if any entry was written, run terraform untaint on this resource first, and the next plan shows only what is left."
    : " The other entries' writes stand: the state holds what was written, so the next plan shows only what is left.";
  const diags = failures
    .slice(0, FAILURES_SHOWN)
    .map((f) =>
      err(
        `Could not ${f.removal ? "remove" : "save"} the login of "${f.key}" on tab "${tab}"`,
        `${sentence(f.reason)}${after}`,
      ),
    );
  const rest = failures.slice(FAILURES_SHOWN);
  if (rest.length > 0) {
    diags.push(
      err(
        `${plural(rest.length, "more entry", "more entries")} of "logins" failed on tab "${tab}"`,
        `Also failed: ${some(rest.map((f) => f.key))}.${after}`,
      ),
    );
  }
  return diags;
}

async function apply(req: ApplyRequest<UserIntegrationLoginsContext>): Promise<ApplyResult> {
  const { ctx, prior, planned, plannedPrivate } = req;
  if (planned === null) return destroy(ctx, prior!, plannedPrivate);
  const tab = String(planned.tab);
  const keyBy = keyByOf(planned);
  const wanted = mapOf(planned.logins) ?? {};
  // A replacement destroys the old tab's resource first, so a prior here is of the same tab.
  const before = prior === null ? new Map<string, Entry>() : await entriesOf(ctx.directory, prior);

  const resolution = await resolveKeys(ctx.directory, Object.keys(wanted), keyBy);
  const failures: { key: string; reason: string; removal: boolean }[] = [];
  // Users gone (or made ambiguous) between plan and apply: their entries are not written.
  for (const key of resolution.unknown) {
    failures.push({
      key,
      reason: `No CPQ user has the ${keyBy === "party_number" ? "party number" : "login"} "${key}" any more.`,
      removal: false,
    });
  }
  for (const a of resolution.ambiguous) {
    failures.push({
      key: a.key,
      reason: `The login "${a.key}" now matches CPQ users ${a.users.map((u) => u.partyNumber).join(", ")}; key the map by party number (key_by = "party_number").`,
      removal: false,
    });
  }
  const desired = new Map<string, Entry>();
  for (const [key, user] of resolution.users) {
    const login = wanted[key];
    if (typeof login === "string") desired.set(user.partyNumber, { key, login, user });
  }

  const saves = [...desired.values()].filter(
    (e) => before.get(e.user.partyNumber)?.login !== e.login,
  );
  const removals = [...before.values()].filter((e) => !desired.has(e.user.partyNumber));
  // The client's limiter holds them to max_concurrency in flight; inFlight keeps only a window of
  // them started, so 10,000 writes are not 10,000 pending requests in memory at once.
  const [saved, removed] = await Promise.all([
    inFlight(saves, (e) => outcome(e.key, () => saveLogin(ctx, e.user.partyNumber, tab, e.login))),
    inFlight(removals, (e) =>
      outcome(e.key, () => removeLogin(ctx, e.user.partyNumber, tab, true)),
    ),
  ]);
  for (const o of saved) if (!o.ok) failures.push({ key: o.key, reason: o.reason, removal: false });
  for (const o of removed)
    if (!o.ok) failures.push({ key: o.key, reason: o.reason, removal: true });

  if (failures.length === 0) {
    return { state: { ...planned }, private: listedPrivate(plannedPrivate, Object.keys(wanted)) };
  }
  // What CPQ now holds, as far as this apply knows: the prior entries, with each write that
  // succeeded applied, under the configuration's keys where it names the user.
  const failedSave = new Set(saves.filter((_, i) => !saved[i]!.ok).map((e) => e.user.partyNumber));
  const failedRemoval = new Set(
    removals.filter((_, i) => !removed[i]!.ok).map((e) => e.user.partyNumber),
  );
  const logins: Record<string, string> = {};
  for (const [pn, e] of desired) {
    if (!failedSave.has(pn)) logins[e.key] = e.login;
    else {
      const was = before.get(pn);
      if (was) logins[e.key] = was.login;
    }
  }
  for (const [pn, e] of before) {
    if (failedRemoval.has(pn)) {
      logins[keyByOf(prior!) === keyBy ? e.key : keyOf(e.user, keyBy)] = e.login;
    }
  }
  const diagnostics = failureDiagnostics(failures, tab, prior === null);
  // A create that wrote nothing leaves no state: the next plan is a plain create again, where an
  // empty state would be tainted and replaced.
  if (prior === null && Object.keys(logins).length === 0) return { state: null, diagnostics };
  return {
    state: { ...planned, logins },
    private: listedPrivate(plannedPrivate, Object.keys(logins)),
    diagnostics,
  };
}

/** The private state recording which keys this resource wrote (a destroy removes those). */
function listedPrivate(priv: PrivateState, keys: readonly string[]): PrivateState {
  return { ...priv, [PRIVATE_LISTED]: JSON.stringify(keys) };
}

function listedOf(priv: PrivateState): ReadonlySet<string> | undefined {
  const raw = priv[PRIVATE_LISTED];
  if (raw === undefined) return undefined;
  try {
    const keys = JSON.parse(raw) as unknown;
    return Array.isArray(keys) ? new Set(keys.filter((k) => typeof k === "string")) : undefined;
  } catch {
    return undefined;
  }
}

async function destroy(
  ctx: UserIntegrationLoginsContext,
  prior: ObjectValue,
  priv: PrivateState,
): Promise<ApplyResult> {
  const tab = String(prior.tab);
  // An exclusive resource's refreshed state also holds logins made outside Terraform since its
  // last apply; a destroy removes only the ones it wrote (all of them after a bare import).
  const entries = [...(await entriesOf(ctx.directory, prior, listedOf(priv))).values()];
  // Windowed as an apply's writes are: a destroy of 10,000 entries is not 10,000 pending requests.
  const outcomes = await inFlight(entries, (e) =>
    outcome(e.key, () => removeLogin(ctx, e.user.partyNumber, tab, true)),
  );
  const failures = outcomes.flatMap((o) =>
    o.ok ? [] : [{ key: o.key, reason: o.reason, removal: true }],
  );
  if (failures.length === 0) return { state: null };
  const failed = new Set(failures.map((f) => f.key));
  const left = mapOf(prior.logins) ?? {};
  const logins = Object.fromEntries(Object.entries(left).filter(([k]) => failed.has(k)));
  return {
    state: { ...prior, logins },
    private: listedPrivate(priv, Object.keys(logins)),
    diagnostics: failureDiagnostics(failures, tab, false),
  };
}

/**
 * Every login of a tab keyed by `keyBy`; a user the state already names keeps the key as the
 * configuration spells it (logins are compared without regard to case).
 */
function tabMap(
  found: readonly { user: UserWire; integration: { login: string } }[],
  keyBy: KeyBy,
  named: ReadonlyMap<string, Entry> = new Map(),
): { logins: Record<string, string>; collisions: string[] } {
  const logins: Record<string, string> = {};
  const collisions: string[] = [];
  for (const { user, integration } of found) {
    const key = named.get(user.partyNumber)?.key ?? keyOf(user, keyBy);
    if (key in logins) collisions.push(key);
    logins[key] = integration.login;
  }
  return { logins, collisions };
}

async function read(req: ReadRequest<UserIntegrationLoginsContext>): Promise<ReadResult> {
  const { ctx, current } = req;
  const tab = String(current.tab);
  const partner = await ctx.directory.partner(tab);
  // The tab is gone from the site, and its logins with it: Terraform plans a create, whose plan
  // says what is wrong with the tab.
  if (!partner) return { state: null, private: req.private };
  const keyBy = keyByOf(current);
  const named = await entriesOf(ctx.directory, current);
  let logins: Record<string, string>;
  if (current.exclusive === true) {
    logins = tabMap(await ctx.directory.tabLogins(tab), keyBy, named).logins;
  } else {
    // Only the users the state lists; one listing (or one request each) serves them all.
    const live = await Promise.all(
      [...named.values()].map(async (e) => ({
        e,
        integration: (await ctx.directory.login(e.user.partyNumber, tab)).integration,
      })),
    );
    logins = {};
    for (const { e, integration } of live) if (integration) logins[e.key] = integration.login;
  }
  return { state: { ...current, logins, partner: partner.partner }, private: req.private };
}

async function importState(ctx: UserIntegrationLoginsContext, id: string): Promise<ImportResult> {
  const fail = (summary: string, detail: string): ImportResult => ({
    state: null,
    diagnostics: [{ severity: "error", summary, detail }],
  });
  const [tab, keyed, ...extra] = id.split("/");
  if (!tab || extra.length > 0 || (keyed !== undefined && keyed !== "party_number")) {
    return fail(
      `Invalid import id "${id}"`,
      'Use the tab, e.g. "idp" (keys by login), or "<tab>/party_number" to key the map by party number.',
    );
  }
  const keyBy: KeyBy = keyed === "party_number" ? "party_number" : "login";
  const site = await tabPartner(ctx.directory, tab);
  if (!site.partner) {
    const d = site.diagnostics[0]!;
    return fail(d.summary, d.detail ?? "");
  }
  const { logins, collisions } = tabMap(await ctx.directory.tabLogins(tab), keyBy);
  if (collisions.length > 0) {
    return fail(
      `Several CPQ users with a login on tab "${tab}" share a CPQ login`,
      `${some(collisions)}: keyed by login, their entries would collide. Import "${tab}/party_number" and set key_by = "party_number".`,
    );
  }
  const state: Record<string, Value> = emptyObject(USER_INTEGRATION_LOGINS_ATTRIBUTES);
  Object.assign(state, {
    id: tab,
    tab,
    logins,
    key_by: keyed === undefined ? null : keyBy,
    partner: site.partner.partner,
  });
  return { state, private: {} };
}

/** The resource definition served by the provider. */
export const userIntegrationLoginsResource = {
  typeName: "cpq_user_integration_logins",
  description:
    "The logins of one OAuth partner tab of CPQ's User Integration page as one resource: a map from the CPQ user to their login at the partner, planned entry by entry; optionally exclusive (the tab's other logins are removed). Password tabs stay with `cpq_user_integration_login`.",
  schemaVersion: 0,
  attributes: USER_INTEGRATION_LOGINS_ATTRIBUTES,
  review: {
    // What destroy() below does: the logins it wrote leave the tab, their tokens revoked.
    destroy: () => ({
      text: "Each login this resource wrote is removed from the tab, and its OAuth token revoked; logins it never wrote stay.",
      changesCpq: true,
      restart: false,
    }),
    entries: { logins: { one: "login", many: "logins" } },
  },
  validate: (config) => validateUserIntegrationLogins(config),
  plan,
  apply,
  read,
  importState,
} satisfies ResourceDefinition<UserIntegrationLoginsContext>;
