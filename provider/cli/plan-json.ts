/**
 * Reading Terraform's machine-readable plan (`terraform show -json <planfile>`) into the few facts
 * the review comment and the drift report need, with every sensitive value masked on the way in:
 * Terraform's JSON holds sensitive values in clear, beside `*_sensitive` maps that say which.
 */
import { z } from "zod";
import { cpqProvider } from "../provider";
import { REPLACED_LIVE_VALUES } from "../contract/live-values";
import { LOCKOUT_RISK } from "../cpq/lockout";
import { cap } from "../text/escape";
import type { Attribute, DataSourceDefinition, ResourceDefinition } from "../contract/types";

/** What a reader shows instead of a secret. */
export const MASK = "(sensitive)";
/** What a reader shows for an entry a map does not have (before an add, after a removal). */
export const NO_ENTRY = "(none)";
/** What a reader shows for a value known only after apply. */
export const UNKNOWN_TEXT = "(known after apply)";

const ChangeSchema = z.looseObject({
  actions: z.array(z.string()),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.unknown().optional(),
  /** Present when the plan imports the object (an `import` block); `id` is the import id. */
  importing: z.looseObject({ id: z.string().optional() }).nullish(),
});

const ResourceChangeSchema = z.looseObject({
  address: z.string(),
  type: z.string(),
  name: z.string(),
  mode: z.string().optional(),
  /** The address the object had before a `moved` block. */
  previous_address: z.string().optional(),
  change: ChangeSchema,
});

/** A check result: a `check` block, a precondition or postcondition, with its failures. */
const CheckResultSchema = z.looseObject({
  address: z.looseObject({ to_display: z.string().optional(), kind: z.string().optional() }),
  status: z.string(),
  instances: z
    .array(
      z.looseObject({
        address: z.looseObject({ to_display: z.string().optional() }).optional(),
        status: z.string(),
        problems: z.array(z.looseObject({ message: z.string() })).optional(),
      }),
    )
    .optional(),
});

/** The parts of `terraform show -json` this project reads. */
export const PlanJsonSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  resource_changes: z.array(ResourceChangeSchema).optional(),
  resource_drift: z.array(ResourceChangeSchema).optional(),
  output_changes: z.record(z.string(), ChangeSchema).optional(),
  /** The state the plan started from; absent when there was none. */
  prior_state: z.unknown().optional(),
  errored: z.boolean().optional(),
  /** `check` blocks and conditions, evaluated during the plan (Terraform 1.5+). */
  checks: z.array(CheckResultSchema).optional(),
});
export type PlanJson = z.infer<typeof PlanJsonSchema>;

/** One attribute's change, masked. */
export interface AttributeChange {
  readonly attribute: string;
  readonly before: string;
  readonly after: string;
  readonly sensitive: boolean;
  /** CPQ answers restartRequired for a change of this setting. */
  readonly restart: boolean;
  /** A create replaces this live value (contract A): `before` is what CPQ holds now. */
  readonly replacesLive?: boolean;
  /** An entry leaves the map but stays in CPQ (the resource's definition says so). */
  readonly leftInCpq?: boolean;
}

/** How many entries of one map attribute an apply adds, changes and removes. */
export interface EntryCount {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

/** One resource's change. */
export interface ResourceChangeSummary {
  readonly address: string;
  readonly type: string;
  /** `managed` (a resource) or `data` (a data source). */
  readonly mode: "managed" | "data";
  /** Terraform's action: create, update, delete, replace, read, no-op. */
  readonly action: string;
  /** The plan imports the object, with this import id (`null`: an id Terraform did not print). */
  readonly importing?: { readonly id: string | null };
  /** A `moved` block moves the object from this address. */
  readonly movedFrom?: string;
  readonly changes: readonly AttributeChange[];
  /**
   * Per map attribute (a tab's `logins`), the entries added, changed and removed; a destroy
   * removes every entry the object had.
   */
  readonly entries: Readonly<Record<string, EntryCount>>;
  /**
   * A create over what CPQ already holds (contract A): the live value each setting replaces,
   * by the row's attribute (`saml_idp_url`, `logins["jdoe"]`), as the provider rendered it.
   */
  readonly replacedLiveValues: Readonly<Record<string, string>>;
  /** The planned `lockout_risk` (contract B): why the apply may lock admins out. */
  readonly lockoutRisk?: string;
  /** Every attribute's value before the change (masked); empty for a create. */
  readonly before: Readonly<Record<string, string>>;
  /** Every attribute's value after the change (masked); empty for a delete. */
  readonly after: Readonly<Record<string, string>>;
}

/** The computed attribute holding CPQ's restart answer, in the tables whose POST gets one. */
export const RESTART_REQUIRED = "restart_required";

/** The provider's own registry, by type name: the one list of what exists and what it declares. */
let registry:
  | {
      readonly resources: ReadonlyMap<string, ResourceDefinition<unknown>>;
      readonly dataSources: ReadonlyMap<string, DataSourceDefinition<unknown>>;
    }
  | undefined;
function registered(): NonNullable<typeof registry> {
  registry ??= {
    resources: new Map(cpqProvider.resources().map((r) => [r.typeName, r])),
    dataSources: new Map(cpqProvider.dataSources().map((d) => [d.typeName, d])),
  };
  return registry;
}

/** The provider's definition of a resource type; undefined for a type of another provider. */
export function resourceOf(type: string): ResourceDefinition<unknown> | undefined {
  return registered().resources.get(type);
}

/** The provider's definition of a data source type. */
export function dataSourceOf(type: string): DataSourceDefinition<unknown> | undefined {
  return registered().dataSources.get(type);
}

/** Whether CPQ answers restartRequired for a change of this attribute (its table row says). */
export function restartsCpq(attr: Attribute | undefined): boolean {
  return (attr as { readonly restart?: unknown } | undefined)?.restart === true;
}

/** Whether the type's table holds `restart_required`: CPQ's answer to its writes. */
export function answersRestart(type: string): boolean {
  return resourceOf(type)?.attributes.some((a) => a.name === RESTART_REQUIRED) ?? false;
}

function sensitiveIn(flags: unknown, name: string): boolean {
  if (flags === true) return true;
  if (flags && typeof flags === "object" && !Array.isArray(flags)) {
    const v = (flags as Record<string, unknown>)[name];
    return v === true || (typeof v === "object" && v !== null);
  }
  return false;
}

/** Whether the attribute is a `map(string)` of this project's tables. */
function isMapAttribute(attr: Attribute | undefined): boolean {
  const t = attr?.type;
  return typeof t === "object" && "map" in t;
}

/**
 * The table row of a resource's (or, with `mode` `data`, a data source's) attribute, from the
 * provider's registry; undefined for an attribute or type this provider does not declare.
 */
export function attributeOf(type: string, name: string, mode = "managed"): Attribute | undefined {
  const def = mode === "data" ? dataSourceOf(type) : resourceOf(type);
  return def?.attributes.find((a) => a.name === name);
}

function isSensitive(
  attr: Attribute | undefined,
  name: string,
  change: z.infer<typeof ChangeSchema>,
): boolean {
  // The schema is trusted over the plan's flags: a secret stays masked even if a flag is missing.
  return (
    attr?.sensitive === true ||
    attr?.writeOnly === true ||
    sensitiveIn(change.before_sensitive, name) ||
    sensitiveIn(change.after_sensitive, name)
  );
}

/** A value as a reader sees it: JSON, never longer than `max`. */
export function show(value: unknown, max = 200): string {
  if (value === undefined || value === null) return "null";
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function actionOf(actions: readonly string[]): string {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  return actions[0] === "no-op" ? "no-op" : (actions[0] ?? "no-op");
}

/** A JSON value as an object, or `{}` when it is none (terraform's JSON has nulls). */
export const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A resource as `terraform show -json` lists it under `values` (a state, or a plan's prior state). */
export interface ShownResource {
  readonly address: string;
  readonly type: string;
  readonly mode?: string;
  readonly values?: Record<string, unknown>;
}

/** Every resource of a `values.root_module` tree, each module's before its child modules'. */
export function shownResources(rootModule: unknown): ShownResource[] {
  const out: ShownResource[] = [];
  const walk = (mod: unknown): void => {
    const m = asRecord(mod) as { resources?: ShownResource[]; child_modules?: unknown[] };
    out.push(...(m.resources ?? []));
    for (const c of m.child_modules ?? []) walk(c);
  };
  walk(rootModule);
  return out;
}

/** A map attribute's value: an object of strings (or null), as `map(string)` is in plan JSON. */
function stringMap(v: unknown): Record<string, unknown> | undefined {
  if (v === null || v === undefined) return {};
  if (typeof v !== "object" || Array.isArray(v)) return undefined;
  return Object.values(v).every((x) => x === null || typeof x === "string")
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The attribute name of one entry of a map attribute: `logins["jdoe"]`, as Terraform writes it. */
function entryName(attribute: string, key: string): string {
  return `${attribute}[${JSON.stringify(key)}]`;
}

/** `logins["jdoe"]` -> `{ attribute: "logins", key: "jdoe" }`; undefined for a plain name. */
export function parseEntryName(name: string): { attribute: string; key: string } | undefined {
  const m = /^([a-z0-9_]+)\[(".*")\]$/.exec(name);
  if (!m) return undefined;
  try {
    return { attribute: m[1] ?? "", key: JSON.parse(m[2] ?? "") as string };
  } catch {
    return undefined;
  }
}

/**
 * The entries of a map attribute that differ, one change each, as Terraform's plan shows a map
 * (`~ "jdoe" = "a" -> "b"`): a tab of 10,000 logins with one changed shows one row, not the map.
 */
function entryChanges(
  name: string,
  b: unknown,
  a: unknown,
  sensitive: (key: string) => boolean,
): AttributeChange[] | undefined {
  const before = stringMap(b);
  const after = stringMap(a);
  if (!before || !after) return undefined;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const text = (v: unknown, masked: boolean): string =>
    v === undefined ? NO_ENTRY : masked ? MASK : show(v);
  return keys
    .filter((k) => before[k] !== after[k])
    .map((k) => ({
      attribute: entryName(name, k),
      before: text(before[k], sensitive(k)),
      after: text(after[k], sensitive(k)),
      sensitive: sensitive(k),
      restart: false,
    }));
}

/**
 * Which entries of a map attribute are sensitive. Terraform's `*_sensitive` flags give a map as
 * `true` (all of it) or as an object of its sensitive keys: `{}` when none is, which is not a
 * sensitive map. The schema's flag covers every entry.
 */
function mapSensitivity(
  attr: Attribute | undefined,
  name: string,
  change: z.infer<typeof ChangeSchema>,
): { readonly all: boolean; readonly keys: ReadonlySet<string> } {
  const flagsOf = (flags: unknown): unknown =>
    flags && typeof flags === "object" && !Array.isArray(flags)
      ? (flags as Record<string, unknown>)[name]
      : flags;
  const flags = [flagsOf(change.before_sensitive), flagsOf(change.after_sensitive)];
  const keys = new Set<string>();
  for (const f of flags) {
    if (f && typeof f === "object" && !Array.isArray(f))
      for (const [k, v] of Object.entries(f)) if (v === true) keys.add(k);
  }
  const all =
    attr?.sensitive === true ||
    attr?.writeOnly === true ||
    flags.some((f) => f === true) ||
    change.before_sensitive === true ||
    change.after_sensitive === true;
  return { all, keys };
}

/** A string of the plan, capped: what a reader sees of a provider-rendered value. */
/**
 * A `check` block or condition that failed in the plan, with its messages: the stack's own
 * assertions, which the comment shows and drift counts like drift.
 */
export interface FailedCheck {
  readonly address: string;
  readonly messages: readonly string[];
}

/** The plan's failed `check` blocks and conditions. */
export function failedChecks(plan: PlanJson): FailedCheck[] {
  return (plan.checks ?? [])
    .filter((c) => c.status === "fail" || c.status === "error")
    .map((c) => ({
      address: c.address.to_display ?? "(a check)",
      messages: (c.instances ?? []).flatMap((i) => (i.problems ?? []).map((p) => p.message)),
    }));
}

/**
 * Per map attribute, the entries an apply adds, changes and removes in CPQ (rows named `a["k"]`),
 * as the resource's definition says its entries behave: a removal that deletes nothing (the row
 * is marked `leftInCpq`) and a change to a map that only mirrors CPQ are not counted.
 */
function countEntries(
  type: string,
  changes: AttributeChange[],
  after: Readonly<Record<string, unknown>> | null,
): Record<string, EntryCount> {
  const out: Record<string, { added: number; changed: number; removed: number }> = {};
  const reviews = resourceOf(type)?.review.entries;
  changes.forEach((c, i) => {
    const name = parseEntryName(c.attribute)?.attribute;
    if (name === undefined) return;
    const review = reviews?.[name];
    const removal = c.after === NO_ENTRY;
    if (removal && review && !review.removes(after)) {
      changes[i] = { ...c, leftInCpq: true };
      return;
    }
    if (!removal && review?.readOnly) return;
    const n = (out[name] ??= { added: 0, changed: 0, removed: 0 });
    if (c.before === NO_ENTRY) n.added++;
    else if (removal) n.removed++;
    else n.changed++;
  });
  return out;
}

/** Summarizes one resource change with every sensitive value masked. */
export function summarizeChange(rc: z.infer<typeof ResourceChangeSchema>): ResourceChangeSummary {
  const { change } = rc;
  const mode = rc.mode === "data" ? "data" : "managed";
  const before = asRecord(change.before);
  const after = asRecord(change.after);
  const unknown = asRecord(change.after_unknown);
  const names = [
    ...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]),
  ].sort();
  const changes: AttributeChange[] = [];
  const beforeShown: Record<string, string> = {};
  const afterShown: Record<string, string> = {};
  const entries: Record<string, EntryCount> = {};
  const hasBefore = change.before !== null && change.before !== undefined;
  const hasAfter = change.after !== null && change.after !== undefined;
  const action = actionOf(change.actions);
  for (const name of names) {
    const attr = attributeOf(rc.type, name, mode);
    // replaced_live_values is a map(string) by contract A, declared in the table or not (yet).
    const map =
      isMapAttribute(attr) || name === REPLACED_LIVE_VALUES
        ? mapSensitivity(attr, name, change)
        : undefined;
    // A map is shown masked as a whole when any entry is sensitive; its entries one by one.
    const sensitive = map ? map.all || map.keys.size > 0 : isSensitive(attr, name, change);
    const isUnknownAfter = unknown[name] === true;
    const b = before[name];
    const a = after[name];
    const beforeText = sensitive && b != null ? MASK : show(b);
    const afterText = isUnknownAfter ? UNKNOWN_TEXT : sensitive && a != null ? MASK : show(a);
    if (hasBefore) beforeShown[name] = beforeText;
    if (hasAfter) afterShown[name] = afterText;
    if (map && action === "delete" && hasBefore) {
      // A destroy removes the whole map, where the definition says it does (a forget keeps it):
      // its entries are counted, not listed.
      const n = Object.keys(stringMap(b) ?? {}).length;
      const removes = resourceOf(rc.type)?.review.entries?.[name]?.removes(null) ?? true;
      if (n > 0 && removes) entries[name] = { added: 0, changed: 0, removed: n };
    }
    // The contract attributes are facts about the change, shown as flags, not as rows.
    if (name === REPLACED_LIVE_VALUES || name === LOCKOUT_RISK) continue;
    const changed = isUnknownAfter || JSON.stringify(b ?? null) !== JSON.stringify(a ?? null);
    // A delete has no attribute changes to list: the whole object goes.
    if (!changed || !hasAfter) continue;
    const mapEntries =
      !isUnknownAfter && map
        ? entryChanges(name, b, a, (k) => map.all || map.keys.has(k))
        : undefined;
    if (mapEntries) {
      changes.push(...mapEntries);
      continue;
    }
    changes.push({
      attribute: name,
      before: beforeText,
      after: afterText,
      sensitive,
      restart: restartsCpq(attr),
    });
  }
  // Contract A: a create's replaced live values are the "before" of its rows.
  const replacedLiveValues: Record<string, string> = {};
  const live = stringMap(after[REPLACED_LIVE_VALUES]);
  if (
    (action === "create" || action === "replace") &&
    live &&
    unknown[REPLACED_LIVE_VALUES] !== true
  ) {
    const masked = mapSensitivity(
      attributeOf(rc.type, REPLACED_LIVE_VALUES, mode),
      REPLACED_LIVE_VALUES,
      change,
    );
    // An index of the rows: a tab of 10,000 logins replaces up to 10,000 values.
    const rowOf = new Map(changes.map((c, i) => [c.attribute, i]));
    for (const [key, value] of Object.entries(live)) {
      if (typeof value !== "string") continue;
      const row = rowOf.get(key) ?? -1;
      const secret = masked.all || masked.keys.has(key) || (row >= 0 && changes[row]!.sensitive);
      const shown = secret ? MASK : cap(value, 200);
      replacedLiveValues[key] = shown;
      if (row >= 0) {
        changes[row] = { ...changes[row]!, before: shown, replacesLive: true };
        continue;
      }
      // A setting the create leaves unchanged in the plan: an entry the planned map no longer
      // holds (a login an exclusive create removes), or an attribute planned as is.
      const entry = parseEntryName(key);
      const planned = entry ? stringMap(after[entry.attribute])?.[entry.key] : undefined;
      changes.push({
        attribute: key,
        before: shown,
        after: entry
          ? typeof planned === "string"
            ? secret
              ? MASK
              : show(planned)
            : NO_ENTRY
          : (afterShown[key] ?? UNKNOWN_TEXT),
        sensitive: secret,
        restart: restartsCpq(attributeOf(rc.type, entry?.attribute ?? key, mode)),
        replacesLive: true,
      });
    }
  }
  // Counted after contract A's rows: an exclusive create's removals are among them.
  Object.assign(entries, countEntries(rc.type, changes, hasAfter ? after : null));
  // Contract B: a planned, non-empty lockout_risk is the reason (masked if Terraform flags it).
  const risk = after[LOCKOUT_RISK];
  const hasRisk = typeof risk === "string" && risk.trim() !== "";
  const lockoutRisk = !hasRisk
    ? undefined
    : sensitiveIn(change.after_sensitive, LOCKOUT_RISK)
      ? MASK
      : cap(risk, 500);
  const importing = change.importing
    ? { id: typeof change.importing.id === "string" ? change.importing.id : null }
    : undefined;
  return {
    address: rc.address,
    type: rc.type,
    mode,
    action,
    ...(importing ? { importing } : {}),
    ...(rc.previous_address !== undefined && rc.previous_address !== rc.address
      ? { movedFrom: rc.previous_address }
      : {}),
    changes,
    entries,
    replacedLiveValues,
    ...(lockoutRisk !== undefined ? { lockoutRisk } : {}),
    before: beforeShown,
    after: afterShown,
  };
}

/** Parses plan JSON text; a clear error when it is not what `terraform show -json` prints. */
export function parsePlanJson(text: string): PlanJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(
      "The input is not JSON. Give the output of `terraform show -json <planfile>` (a file or stdin).",
    );
  }
  const parsed = PlanJsonSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      "The input is JSON but not a Terraform plan: expected `format_version` and `resource_changes` from `terraform show -json <planfile>`.",
    );
  }
  return parsed.data;
}
