/**
 * Reading Terraform's machine-readable plan (`terraform show -json <planfile>`) into the few facts
 * the review comment and the drift report need, with every sensitive value masked on the way in:
 * Terraform's JSON holds sensitive values in clear, beside `*_sensitive` maps that say which.
 */
import { z } from "zod";
import { SSO_ATTRIBUTES } from "../resources/sso-configuration";
import { USER_INTEGRATION_LOGIN_ATTRIBUTES } from "../resources/user-integration-login";
import { USER_INTEGRATION_LOGINS_ATTRIBUTES } from "../resources/user-integration-logins";
import type { Attribute } from "../resources/types";

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
});

const ResourceChangeSchema = z.looseObject({
  address: z.string(),
  type: z.string(),
  name: z.string(),
  mode: z.string().optional(),
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
}

/** One resource's change. */
export interface ResourceChangeSummary {
  readonly address: string;
  readonly type: string;
  /** Terraform's action: create, update, delete, replace, read, no-op. */
  readonly action: string;
  readonly changes: readonly AttributeChange[];
  /** Every attribute's value before the change (masked); empty for a create. */
  readonly before: Readonly<Record<string, string>>;
  /** Every attribute's value after the change (masked); empty for a delete. */
  readonly after: Readonly<Record<string, string>>;
}

const TABLES: Readonly<Record<string, readonly Attribute[]>> = {
  cpq_sso_configuration: SSO_ATTRIBUTES,
  cpq_user_integration_login: USER_INTEGRATION_LOGIN_ATTRIBUTES,
  cpq_user_integration_logins: USER_INTEGRATION_LOGINS_ATTRIBUTES,
};

/** Attributes CPQ restarts for (write-only ones never show in a plan, but restart_required does). */
const RESTART = new Set(
  SSO_ATTRIBUTES.filter((a) => "restart" in a && a.restart).map((a) => a.name),
);

function sensitiveIn(flags: unknown, name: string): boolean {
  if (flags === true) return true;
  if (flags && typeof flags === "object" && !Array.isArray(flags)) {
    const v = (flags as Record<string, unknown>)[name];
    return v === true || (typeof v === "object" && v !== null);
  }
  return false;
}

/** Whether the attribute is a `map(string)` of this project's tables. */
function isMapAttribute(type: string, name: string): boolean {
  const t = attributeOf(type, name)?.type;
  return typeof t === "object" && "map" in t;
}

/** The attribute table entry of a resource type's attribute, when this project knows it. */
export function attributeOf(type: string, name: string): Attribute | undefined {
  return TABLES[type]?.find((a) => a.name === name);
}

function isSensitive(type: string, name: string, change: z.infer<typeof ChangeSchema>): boolean {
  const attr = attributeOf(type, name);
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
  type: string,
  name: string,
  change: z.infer<typeof ChangeSchema>,
): { readonly all: boolean; readonly keys: ReadonlySet<string> } {
  const attr = attributeOf(type, name);
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

/** Summarizes one resource change with every sensitive value masked. */
export function summarizeChange(rc: z.infer<typeof ResourceChangeSchema>): ResourceChangeSummary {
  const { change } = rc;
  const before = asRecord(change.before);
  const after = asRecord(change.after);
  const unknown = asRecord(change.after_unknown);
  const names = [
    ...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]),
  ].sort();
  const changes: AttributeChange[] = [];
  const beforeShown: Record<string, string> = {};
  const afterShown: Record<string, string> = {};
  const hasBefore = change.before !== null && change.before !== undefined;
  const hasAfter = change.after !== null && change.after !== undefined;
  for (const name of names) {
    const map = isMapAttribute(rc.type, name) ? mapSensitivity(rc.type, name, change) : undefined;
    // A map is shown masked as a whole when any entry is sensitive; its entries one by one.
    const sensitive = map ? map.all || map.keys.size > 0 : isSensitive(rc.type, name, change);
    const isUnknownAfter = unknown[name] === true;
    const b = before[name];
    const a = after[name];
    const beforeText = sensitive && b != null ? MASK : show(b);
    const afterText = isUnknownAfter ? UNKNOWN_TEXT : sensitive && a != null ? MASK : show(a);
    if (hasBefore) beforeShown[name] = beforeText;
    if (hasAfter) afterShown[name] = afterText;
    const changed = isUnknownAfter || JSON.stringify(b ?? null) !== JSON.stringify(a ?? null);
    // A delete has no attribute changes to list: the whole object goes.
    if (!changed || !hasAfter) continue;
    const entries =
      !isUnknownAfter && map
        ? entryChanges(name, b, a, (k) => map.all || map.keys.has(k))
        : undefined;
    if (entries) {
      changes.push(...entries);
      continue;
    }
    changes.push({
      attribute: name,
      before: beforeText,
      after: afterText,
      sensitive,
      restart: rc.type === "cpq_sso_configuration" && RESTART.has(name),
    });
  }
  return {
    address: rc.address,
    type: rc.type,
    action: actionOf(change.actions),
    changes,
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
