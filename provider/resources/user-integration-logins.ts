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
 * written, plus an error per failed entry, so the next plan shows only what is left; a create that
 * fails part way leaves no state at all, since Terraform would taint it and its replacement would
 * remove every login written (revoking tokens) to save it again.
 *
 * `unmanaged_logins` holds the tab's other logins, so that whatever `exclusive` removes shows in
 * the plan that removes it, by key; `replaced_live_values` records what a create replaced.
 *
 * This file holds the table, the validation and the lifecycle; its parts with names of their own
 * are in `user-integration-logins/`: the map's keys and the users they name (`keys.ts`), the tab
 * as CPQ holds it at plan (`live.ts`), the apply's batch of writes (`writes.ts`), and the wording
 * of messages about many entries (`words.ts`).
 */
import { emptyObject, forceNewChanges, isKnown, isUnknown } from "../contract/attributes";
import type { UserDirectory } from "../cpq/user-directory";
import { missingTabError, removeLogin } from "../cpq/logins";
import type {
  ApplyRequest,
  ApplyResult,
  Attribute,
  Diagnostic,
  ImportResult,
  ListedObject,
  ListRequest,
  ObjectValue,
  PlanRequest,
  PlanResult,
  PrivateState,
  ReadRequest,
  ReadResult,
  ResourceDefinition,
  Value,
} from "../contract/types";
import { UNKNOWN } from "../contract/types";
import { REPLACED_LIVE_VALUES } from "../contract/live-values";
import type { CpqClient, IntegrationPartnerWire, UserWire } from "../client";
// The parts of this resource that have names of their own; none imports this file back.
import type { Entry, KeyBy } from "./user-integration-logins/keys";
import {
  entriesOf,
  keyByOf,
  keyOf,
  mapOf,
  resolutionDiagnostics,
  resolveKeys,
  tabMap,
  usersOfKey,
} from "./user-integration-logins/keys";
import {
  createWarnings,
  keptUnmanaged,
  liveFacts,
  replacedLiveValues,
  takeOverWarnings,
  unlistedRemovalWarning,
} from "./user-integration-logins/live";
import { failureDiagnostics, inFlight, outcome, saveLogin } from "./user-integration-logins/writes";
import { err, plural, some } from "./user-integration-logins/words";

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

/** The attribute table of `cpq_user_integration_logins`. */
export const USER_INTEGRATION_LOGINS_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "id",
    type: "string",
    kind: "computed",
    inputs: ["tab"],
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
      "What the keys of `logins` are: `login` (default), the CPQ users' logins, compared without regard to case; or `party_number`. Changing it renames the keys and writes nothing (the plan shows every key removed and added, and warns that it is a rename).",
  },
  {
    name: "exclusive",
    type: "bool",
    kind: "optional",
    description:
      "When true, the resource owns the whole tab: the logins of users not in `logins` show in the plan as removed entries of `unmanaged_logins` (in the plan that turns it on, too), and the apply removes them (revoking their tokens), nothing more. Default false: only the users listed are touched.",
  },
  {
    name: "partner",
    type: "string",
    kind: "computed",
    inputs: ["tab"],
    description: "The partner integrated on this tab, e.g. `Oracle Identity Cloud Service`.",
  },
  {
    name: "unmanaged_logins",
    type: { map: "string" },
    kind: "computed",
    description:
      "The tab's logins of users not in `logins`, keyed as `logins` is: what `exclusive` removes. With `exclusive` on, the plan sets it to `{}`, so the plan that turns `exclusive` on (or finds a login made outside Terraform) shows each login it removes by its key. Read with the tab at every refresh: from the users listing where the site batches login reads, else one request per user of the site.",
  },
  {
    name: REPLACED_LIVE_VALUES,
    type: { map: "string" },
    kind: "computed",
    description:
      'What the create of this resource replaced in CPQ: from `logins["<key>"]` to the login the user had on the tab before, for each declared user whose live login differs, and from `unmanaged_logins["<key>"]` to the login an `exclusive` create removes. `{}` when the create replaced nothing; kept unchanged by later updates (`{}` after an import).',
  },
];

/** Private state: the keys the last apply wrote, which are the keys a destroy removes. */
const PRIVATE_LISTED = "listed";

/** Offline checks beyond the table: no entry with a blank key or login. */
function validateUserIntegrationLogins(config: Readonly<Record<string, unknown>>): Diagnostic[] {
  const diags: Diagnostic[] = [];
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

// ---- lifecycle ------------------------------------------------------------------------------

/** Private state: the party numbers of the unlisted users whose logins an exclusive plan removes. */
const PRIVATE_REMOVE = "remove";

/** The private state without the removal list of the last plan. */
function withoutRemove(priv: PrivateState): PrivateState {
  const rest: Record<string, string> = { ...priv };
  delete rest[PRIVATE_REMOVE];
  return rest;
}

function removeOf(priv: PrivateState): string[] {
  try {
    const v = JSON.parse(priv[PRIVATE_REMOVE] ?? "[]") as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

async function plan(req: PlanRequest<UserIntegrationLoginsContext>): Promise<PlanResult> {
  const { ctx, prior, proposed, config } = req;
  const priorPrivate = withoutRemove(req.priorPrivate);
  const planned: Record<string, Value> = { ...proposed };
  // Kept as the adopting create recorded it (contract A); a create works it out below.
  planned.replaced_live_values = prior === null ? UNKNOWN : (prior.replaced_live_values ?? null);
  planned.unmanaged_logins = UNKNOWN;
  const tab = config.tab;
  // A tab known only after apply leaves id and partner unknown (the table's `inputs`, applied by
  // the plugin).
  if (!isKnown(tab) || typeof tab !== "string") return { planned, plannedPrivate: priorPrivate };
  planned.id = tab;
  const site = await tabPartner(ctx.directory, tab);
  if (!site.partner) return { planned, diagnostics: site.diagnostics };
  planned.partner = site.partner.partner;
  // Another tab is another set of logins (the table's forceNew, applied by the plugin); the same
  // users keyed otherwise are not.
  const replacing = forceNewChanges(USER_INTEGRATION_LOGINS_ATTRIBUTES, prior, planned).length > 0;

  const logins = mapOf(config.logins);
  // Until the map is known, so is not whom it declares: the apply works out the rest.
  if (!logins || isUnknown(config.key_by) || isUnknown(config.exclusive)) {
    return { planned, plannedPrivate: priorPrivate };
  }
  const keyBy = keyByOf(config);
  const exclusive = config.exclusive === true;
  const resolution = await resolveKeys(ctx.directory, Object.keys(logins), keyBy);
  const errors = resolutionDiagnostics(resolution, keyBy);
  if (errors.length > 0) return { planned, diagnostics: errors };
  const declared = new Set([...resolution.users.values()].map((u) => u.partyNumber));

  const warnings: Diagnostic[] = [];
  let remove: readonly string[] = [];
  if (prior === null || replacing) {
    // A create (or the create half of a replacement): what it replaces or removes in CPQ is said
    // here, by key (contract A), since the diff of a create has no "before".
    const facts = await liveFacts(ctx.directory, tab, resolution, logins, keyBy);
    if (exclusive) {
      remove = facts.unmanagedUsers;
      planned.unmanaged_logins = {};
    } else planned.unmanaged_logins = facts.unmanaged;
    planned.replaced_live_values = replacedLiveValues(facts, exclusive);
    warnings.push(...createWarnings(tab, facts, exclusive));
  } else {
    warnings.push(...(await takeOverWarnings(ctx.directory, tab, prior, resolution, logins)));
    const before = mapOf(prior.unmanaged_logins);
    const priorKeyBy = keyByOf(prior);
    if (exclusive) {
      // The refresh listed the tab's other logins: this plan removes each, shown by its key.
      planned.unmanaged_logins = {};
      if (before !== undefined) {
        const users = await Promise.all(
          Object.keys(before).map((k) => usersOfKey(ctx.directory, k, priorKeyBy)),
        );
        remove = users.flat().map((u) => u.partyNumber);
      } else {
        // A state written before unmanaged_logins existed, planned without a refresh: the
        // removals are read and named here, as the diff cannot show them.
        const others = (await ctx.directory.tabLogins(tab)).filter(
          (f) => !declared.has(f.user.partyNumber),
        );
        remove = others.map((f) => f.user.partyNumber);
        if (others.length > 0) warnings.push(unlistedRemovalWarning(tab, tabMap(others, keyBy)));
      }
    } else {
      planned.unmanaged_logins =
        before === undefined
          ? null
          : await keptUnmanaged(ctx.directory, tab, before, priorKeyBy, keyBy, declared);
    }
    if (priorKeyBy !== keyBy && Object.keys(mapOf(prior.logins) ?? {}).length > 0) {
      warnings.push({
        severity: "warning",
        summary: `key_by changes from "${priorKeyBy}" to "${keyBy}": every key of "logins" is renamed`,
        detail:
          "The plan shows each entry removed under its old key and added under its new one. For a user whose partner login stays the same, the apply writes nothing and removes nothing.",
        path: ["key_by"],
      });
    }
  }
  const removal = remove.filter((pn) => !declared.has(pn));
  return {
    planned,
    plannedPrivate:
      removal.length > 0
        ? { ...priorPrivate, [PRIVATE_REMOVE]: JSON.stringify([...new Set(removal)]) }
        : priorPrivate,
    diagnostics: warnings,
  };
}

async function apply(req: ApplyRequest<UserIntegrationLoginsContext>): Promise<ApplyResult> {
  const { ctx, prior, planned } = req;
  const plannedPrivate = withoutRemove(req.plannedPrivate);
  const tab = String(planned.tab);
  const keyBy = keyByOf(planned);
  const exclusive = planned.exclusive === true;
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

  const state: Record<string, Value> = { ...planned };
  let remove = removeOf(req.plannedPrivate);
  if (isUnknown(planned.unmanaged_logins) || isUnknown(planned.replaced_live_values)) {
    // The plan did not know the map (or the tab): what the plan could not say is worked out now,
    // from CPQ as it is before any write.
    const facts = await liveFacts(ctx.directory, tab, resolution, wanted, keyBy);
    if (isUnknown(state.unmanaged_logins)) {
      state.unmanaged_logins = exclusive ? {} : facts.unmanaged;
      if (exclusive) remove = [...facts.unmanagedUsers];
    }
    if (isUnknown(state.replaced_live_values)) {
      state.replaced_live_values = replacedLiveValues(facts, exclusive);
    }
  }

  const saves = [...desired.values()].filter(
    (e) => before.get(e.user.partyNumber)?.login !== e.login,
  );
  const removals: { key: string; user: UserWire }[] = [...before.values()].filter(
    (e) => !desired.has(e.user.partyNumber),
  );
  // The unlisted users' logins the plan showed removed from unmanaged_logins (exclusive).
  // Each is read first (from the listing where batched): one removed since the plan is skipped.
  const unlisted = await inFlight(
    [...new Set(remove)].filter((pn) => !desired.has(pn) && !before.has(pn)),
    (pn) => ctx.directory.login(pn, tab),
  );
  for (const { user, integration } of unlisted) {
    if (user && integration) removals.push({ key: keyOf(user, keyBy), user });
  }
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
    return { state, private: listedPrivate(plannedPrivate, Object.keys(wanted)) };
  }
  const diagnostics = failureDiagnostics(failures, tab, prior === null);
  // A create that failed part way leaves no state. Terraform taints a failed create that returns
  // one, and replacing it removes every login written (revoking its token) to save it again; with
  // no state the next plan is a create, whose apply writes only what CPQ lacks (saveLogin leaves
  // a login CPQ already holds alone) and removes nothing declared.
  if (prior === null) return { state: null, diagnostics };
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
      logins[keyByOf(prior) === keyBy ? e.key : keyOf(e.user, keyBy)] = e.login;
    }
  }
  if (exclusive) {
    // An unlisted login whose removal failed is still unmanaged: the next plan removes it again.
    const left: Record<string, string> = {};
    for (const e of removals) {
      if (!failedRemoval.has(e.user.partyNumber) || before.has(e.user.partyNumber)) continue;
      const { integration } = await ctx.directory.login(e.user.partyNumber, tab);
      if (integration) left[e.key] = integration.login;
    }
    state.unmanaged_logins = left;
  }
  return {
    state: { ...state, logins },
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

async function read(req: ReadRequest<UserIntegrationLoginsContext>): Promise<ReadResult> {
  const { ctx, current } = req;
  const tab = String(current.tab);
  const partner = await ctx.directory.partner(tab);
  // The tab is gone from the site, and its logins with it: Terraform plans a create, whose plan
  // says what is wrong with the tab.
  if (!partner) return { state: null, private: req.private };
  const keyBy = keyByOf(current);
  const named = await entriesOf(ctx.directory, current);
  // The whole tab, for the listed users' logins and the others' (unmanaged_logins, what exclusive
  // removes, so that turning it on shows each removal in its own plan): one listing where the site
  // batches, else one read per user of the site, at most max_concurrency in flight.
  const onTab = await ctx.directory.tabLogins(tab);
  const logins: Record<string, string> = {};
  const others: typeof onTab = [];
  for (const f of onTab) {
    const e = named.get(f.user.partyNumber);
    if (e) logins[e.key] = f.integration.login;
    else others.push(f);
  }
  const unmanaged = tabMap(others, keyBy).logins;
  return {
    state: { ...current, logins, partner: partner.partner, unmanaged_logins: unmanaged },
    private: req.private,
  };
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
    unmanaged_logins: {},
    replaced_live_values: {},
  });
  return { state, private: {} };
}

/** The filter of `list "cpq_user_integration_logins"` (Terraform 1.14+ `terraform query`). */
export const USER_INTEGRATION_LOGINS_LIST_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "tab",
    type: "string",
    kind: "optional",
    description: "Only this OAuth tab. Default: every OAuth tab of the site.",
  },
];

/**
 * Each OAuth tab as one object, its logins keyed by login, as an import of the tab gives it. A
 * tab this resource cannot hold (a password tab, logins that collide by login) is left out of an
 * unfiltered listing and an error when it is the one asked for.
 */
async function* listTabs(
  req: ListRequest<UserIntegrationLoginsContext>,
): AsyncIterable<ListedObject> {
  const { ctx, config } = req;
  const only = typeof config.tab === "string" ? config.tab : undefined;
  const partners = await ctx.directory.sitePartners();
  for (const partner of partners) {
    if (only !== undefined ? partner.tab !== only : !partner.oauthEnabled) continue;
    const res = await importState(ctx, partner.tab);
    if (res.state) {
      yield { displayName: `${partner.tab} (${partner.partner})`, state: res.state };
    } else if (only !== undefined) {
      const d = res.diagnostics?.[0];
      throw new Error(`${d?.summary ?? "Cannot list the tab"}. ${d?.detail ?? ""}`);
    }
  }
  if (only !== undefined && !partners.some((p) => p.tab === only)) {
    throw new Error(
      missingTabError(
        only,
        partners.map((p) => p.tab),
      ).detail,
    );
  }
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
    entries: {
      // A listed login leaving `logins` is removed; a destroy removes the ones it wrote.
      logins: { one: "login", many: "logins", removes: () => true },
      // The tab's other logins: removed only by an exclusive apply, never by a destroy.
      unmanaged_logins: {
        one: "login",
        many: "logins",
        readOnly: true,
        removes: (after) => after?.exclusive === true,
      },
    },
  },
  validate: validateUserIntegrationLogins,
  plan,
  apply,
  destroy: (req) => destroy(req.ctx, req.prior, withoutRemove(req.plannedPrivate)),
  read,
  importState,
  identity: {
    version: 0,
    attributes: [
      {
        name: "tab",
        description: "The OAuth User Integration tab, e.g. `idp`.",
        requiredForImport: true,
      },
    ],
    toImportId: (id) => String(id.tab),
  },
  list: {
    description: "The site's OAuth User Integration tabs, each with every login it holds.",
    attributes: USER_INTEGRATION_LOGINS_LIST_ATTRIBUTES,
    list: listTabs,
  },
} satisfies ResourceDefinition<UserIntegrationLoginsContext>;
