/**
 * Helpers that derive everything generic from an attribute table: the zod validation of a
 * configuration, the empty object value, and the diagnostics' wording. Kept free of heavy imports:
 * the constructs run this same validation at synth time.
 */
import type { z as Z } from "zod";
import type {
  Attribute,
  AttributeType,
  ClientCapabilities,
  ConfigurationRules,
  Diagnostic,
  FunctionDefinition,
  Value,
} from "./types";
import { UNKNOWN } from "./types";

/** True for a value Terraform (or CDKTF, for an unresolved token) does not know yet. */
export function isUnknown(v: unknown): v is typeof UNKNOWN {
  return v === UNKNOWN;
}

/** A value that is set and known. */
export function isKnown<T>(v: T | typeof UNKNOWN | null | undefined): v is T {
  return v !== null && v !== undefined && v !== UNKNOWN;
}

/** A value that is set: neither null nor missing. It may still be unknown. */
export function isSet(v: unknown): boolean {
  return v !== null && v !== undefined;
}

/** An error about one attribute, for the rules the attribute table cannot state. */
export function attributeError(path: string, summary: string, detail: string): Diagnostic {
  return { severity: "error", summary, detail, path: [path] };
}

/**
 * zod, required on first use: a provider process that only answers the schema never validates,
 * and in the provider bundle zod is a file of its own that such a process never reads.
 */
function zod(): typeof Z {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("zod") as typeof import("zod")).z;
}

/**
 * The cty type of an attribute as JSON: `"string"`, `["map", "string"]`, or
 * `["list", ["object", {...}]]`. One definition for the plugin's schema and the schema JSON.
 */
export function ctyType(type: AttributeType): unknown {
  if (typeof type === "string") return type;
  if ("map" in type) return ["map", type.map];
  return ["list", ["object", type.list.object]];
}

/** A readable name of a type, for messages: "string", "map of strings", "list of objects". */
export function typeName(type: AttributeType): string {
  if (typeof type === "string") return type === "bool" ? "boolean (true or false)" : type;
  return "map" in type ? "map of strings" : "list of objects";
}

const unknownValue = (z: typeof Z) => z.custom<typeof UNKNOWN>((v) => v === UNKNOWN);

function zodFor(attr: Attribute, z: typeof Z): Z.ZodType {
  let base: Z.ZodType;
  if (typeof attr.type !== "string" && "map" in attr.type) {
    // An element may be unknown until apply, like a whole value; a null element is a type error.
    base = z.record(z.string(), z.union([z.string(), unknownValue(z)]));
  } else if (typeof attr.type !== "string") base = z.array(z.record(z.string(), z.unknown()));
  else if (attr.type === "bool") base = z.boolean();
  else if (attr.type === "number") base = z.number();
  else if (attr.enum) base = z.enum(attr.enum as [string, ...string[]]);
  else base = z.string();
  // Unknown values are legal anywhere: their checks run again at apply, when they are known.
  return z.union([base, unknownValue(z), z.null()]);
}

const schemaCache = new WeakMap<readonly Attribute[], Z.ZodType>();

/** The zod schema of a configuration under this table: known attributes only, typed, enums. */
export function configSchema(attributes: readonly Attribute[]): Z.ZodType {
  let schema = schemaCache.get(attributes);
  if (!schema) {
    const z = zod();
    const shape: Record<string, Z.ZodType> = {};
    for (const a of attributes) {
      if (a.kind === "computed") continue;
      shape[a.name] = zodFor(a, z).optional();
    }
    schema = z.strictObject(shape);
    schemaCache.set(attributes, schema);
  }
  return schema;
}

/**
 * Checks types, enum values and unknown attribute names of a configuration, with one diagnostic
 * per problem naming the attribute and the fix. Computed-only attributes present with a non-null
 * value are refused too: the provider sets them.
 */
export function checkAgainstTable(
  attributes: readonly Attribute[],
  config: Readonly<Record<string, unknown>>,
): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const byName = new Map(attributes.map((a) => [a.name, a]));
  const settable: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const attr = byName.get(k);
    if (attr?.kind === "computed") {
      if (v !== null && v !== undefined && v !== UNKNOWN) {
        diags.push({
          severity: "error",
          summary: `Attribute "${k}" is read-only`,
          detail: `"${k}" is computed by the provider from what CPQ answers; remove it from the configuration.`,
          path: [k],
        });
      }
      continue;
    }
    settable[k] = v;
  }
  // A required text must say something: "" and "   " alike (CPQ would store the spaces).
  for (const a of attributes) {
    const v = config[a.name];
    if (a.kind === "required" && a.type === "string" && typeof v === "string" && v.trim() === "") {
      diags.push({
        severity: "error",
        summary: `"${a.name}" is empty`,
        detail: `"${a.name}" is required: give it a value${v === "" ? "" : " (not only spaces)"}.`,
        path: [a.name],
      });
    }
  }
  const result = configSchema(attributes).safeParse(settable);
  if (result.success) return diags;
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? "");
    const attr = byName.get(name);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const near = closest(
          key,
          attributes.filter((a) => a.kind !== "computed").map((a) => a.name),
        );
        diags.push({
          severity: "error",
          summary: `Unknown attribute "${key}"`,
          detail:
            `CPQ has no setting "${key}".` +
            (near ? ` Did you mean "${near}"?` : "") +
            " Remove it, or use one of the documented attributes.",
          path: [key],
        });
      }
    } else if (attr?.enum) {
      diags.push({
        severity: "error",
        summary: `Invalid value for "${attr.name}"`,
        detail: `${describe(config[attr.name], attr)} is not allowed. Use one of: ${attr.enum.map((e) => `"${e}"`).join(", ")}.`,
        path: [attr.name],
      });
    } else if (attr) {
      diags.push({
        severity: "error",
        summary: `Invalid type for "${attr.name}"`,
        detail: `"${attr.name}" must be a ${typeName(attr.type)}; got ${describe(config[attr.name], attr)}.`,
        path: [attr.name],
      });
    } else {
      diags.push({ severity: "error", summary: issue.message, path: [name] });
    }
  }
  return diags;
}

/**
 * The one validation of a configuration, for the plugin (Validate*Config) and the constructs
 * (at synth): the attribute table first (checkAgainstTable), then the definition's own rules.
 * Those run only where the table accepted the configuration, unless the definition says its
 * rules stand beside the table's errors (see ConfigurationRules).
 */
export function validateConfiguration(
  definition: ConfigurationRules,
  config: Readonly<Record<string, unknown>>,
  caps: Partial<ClientCapabilities> = {},
  now: Date = new Date(),
): Diagnostic[] {
  const diags = checkAgainstTable(definition.attributes, config);
  if (!definition.validate) return diags;
  const refused = new Set(diags.filter((d) => d.severity === "error").map((d) => d.path?.[0]));
  if (refused.size > 0 && definition.validateBesideTableErrors !== true) return diags;
  const all: ClientCapabilities = {
    deferralAllowed: caps.deferralAllowed ?? false,
    // Constructs do not know the Terraform version that will plan: write-only values pass at
    // synth, and the plugin, which knows, checks them again.
    writeOnlyAttributesAllowed: caps.writeOnlyAttributesAllowed ?? true,
  };
  for (const d of definition.validate(config, all, now)) {
    if (d.severity === "error" && refused.has(d.path?.[0])) continue;
    diags.push(d);
  }
  return diags;
}

/** The value for a message: never a secret's, and never a throw (BigInt, cycles, odd objects). */
function describe(v: unknown, attr?: Attribute): string {
  if (attr?.sensitive || attr?.writeOnly)
    return `a ${typeof v} (not shown: the attribute is sensitive)`;
  if (typeof v === "string") return `"${v}"`;
  // JSON has no Infinity or NaN: it would print them as null.
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  try {
    const json = JSON.stringify(v);
    if (json !== undefined) return json;
  } catch {
    // Not JSON-able: described by its type below.
  }
  return typeof v === "bigint" ? `${v.toString()}n` : `a ${typeof v}`;
}

/** The nearest name by edit distance, when close enough to be a likely typo. */
export function closest(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(3, Math.floor(word.length / 3)) + 1;
  for (const n of names) {
    const d = editDistance(word.toLowerCase(), n.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * Whether two values are the same Terraform value: scalars by `===`, maps and lists of rows
 * element by element; unknown equals only unknown.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameValue(ra[k], rb[k]));
}

/**
 * The table's `forceNew` attributes whose planned value differs from the prior state (an
 * unknown planned value counts as a change), as Terraform's requires-replace paths. None on a
 * create. The plugin adds these to every plan; a resource whose plan depends on whether it is
 * being replaced asks here rather than listing the attributes again.
 */
export function forceNewChanges(
  attributes: readonly Attribute[],
  prior: Readonly<Record<string, unknown>> | null,
  planned: Readonly<Record<string, unknown>>,
): string[][] {
  if (prior === null) return [];
  return attributes
    .filter(
      (a) => a.forceNew === true && !sameValue(planned[a.name] ?? null, prior[a.name] ?? null),
    )
    .map((a) => [a.name]);
}

/** An object value with every attribute of the table present and null. */
export function emptyObject(attributes: readonly Attribute[]): Record<string, Value> {
  const o: Record<string, Value> = {};
  for (const a of attributes) o[a.name] = null;
  return o;
}

/**
 * The cty type of a function's object result, as JSON: `["object", {"name": "string", "list":
 * ["list", "string"], ...}]` (a result attribute's type is already its cty JSON).
 */
export function functionReturnType(f: FunctionDefinition): unknown {
  return ["object", Object.fromEntries(f.returns.attributes.map((a) => [a.name, a.type]))];
}
