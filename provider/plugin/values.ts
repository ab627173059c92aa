/**
 * Terraform values on the wire (go-cty's msgpack encoding, and its JSON form for stored state)
 * to and from the contract's `ObjectValue`, always through the attribute table: every attribute
 * present, unknown keys dropped, numbers as numbers, write-only attributes null where asked.
 */
import { decode, encode, ExtensionCodec } from "@msgpack/msgpack";
import { ctyType, typeName } from "../contract/attributes";
import type {
  Attribute,
  AttributeType,
  MapValue,
  ObjectValue,
  PrimitiveType,
  Row,
  Scalar,
  Value,
} from "../contract/types";
import { UNKNOWN } from "../contract/types";

/** go-cty's extension code for a wholly unknown value. */
const EXT_UNKNOWN = 0;
/** go-cty's extension code for an unknown value with refinements (prefix, not-null, range). */
const EXT_UNKNOWN_REFINED = 0x0c;

const extensions = new ExtensionCodec();
// go-cty writes a wholly unknown value as fixext1 of type 0 with a zero byte; its reader accepts
// exactly that, so that is what UNKNOWN becomes.
extensions.register({
  type: EXT_UNKNOWN,
  encode: (v: unknown) => (v === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
// Refinements only narrow what an unknown may become; the resources need not know them.
extensions.register({ type: EXT_UNKNOWN_REFINED, encode: () => null, decode: () => UNKNOWN });

/** A value that does not fit the attribute table; the message names the attribute, never the value. */
export class ValueError extends Error {
  /** Attribute path of the offending value. */
  readonly path: readonly string[];
  constructor(message: string, path: readonly string[]) {
    super(message);
    this.name = "ValueError";
    this.path = path;
  }
}

/**
 * The cty type of an attribute, as Terraform reads it from a schema (JSON bytes of the attribute
 * table's `ctyType`: `"string"`, `["map", "string"]`, or `["list", ["object", {...}]]`).
 */
export function ctyTypeJson(type: AttributeType): string {
  return JSON.stringify(ctyType(type));
}

/**
 * A DynamicPseudoType value arrives as `[typeJson, value]`; unwraps it to the value when the type
 * is one of ours, so a dynamic slot holding a string reads like a string attribute.
 */
export function unwrapDynamic(raw: unknown): unknown {
  if (!Array.isArray(raw) || raw.length !== 2) return raw;
  const [type, value] = raw as [unknown, unknown];
  const text =
    type instanceof Uint8Array ? Buffer.from(type).toString("utf8") : (type as string | undefined);
  if (typeof text !== "string") return raw;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed === "string" || parsed === "number" || parsed === "bool" ? value : raw;
  } catch {
    return raw;
  }
}

function primitiveOf(raw: unknown, type: PrimitiveType): Scalar | undefined {
  if (raw === undefined || raw === null) return null;
  switch (type) {
    case "string":
      return typeof raw === "string" ? raw : undefined;
    case "bool":
      return typeof raw === "boolean" ? raw : undefined;
    case "number":
      if (typeof raw === "number") return raw;
      if (typeof raw === "bigint") return Number(raw);
      if (typeof raw === "string" && raw.trim() !== "" && !Number.isNaN(Number(raw))) {
        return Number(raw);
      }
      return undefined;
  }
}

function rowsOf(
  raw: unknown,
  attr: Attribute,
  object: Readonly<Record<string, PrimitiveType>>,
): Row[] {
  if (!Array.isArray(raw)) {
    throw new ValueError(
      `Attribute "${attr.name}" should be a list but Terraform sent a ${typeof raw}.`,
      [attr.name],
    );
  }
  return raw.map((item: unknown) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new ValueError(`Attribute "${attr.name}" should hold objects.`, [attr.name]);
    }
    const rec = item as Record<string, unknown>;
    const row: Record<string, Scalar> = {};
    for (const [k, t] of Object.entries(object)) {
      const v = primitiveOf(rec[k], t);
      if (v === undefined) {
        throw new ValueError(`Attribute "${attr.name}.${k}" should be a ${t}.`, [attr.name]);
      }
      row[k] = v;
    }
    return row;
  });
}

/** A map of strings as go-cty sends it: a msgpack map; elements may be unknown or null. */
function mapOf(raw: unknown, attr: Attribute): MapValue {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) {
    throw new ValueError(
      `Attribute "${attr.name}" should be a map of strings but Terraform sent a ${Array.isArray(raw) ? "list" : typeof raw}.`,
      [attr.name],
    );
  }
  const out: Record<string, string | null | typeof UNKNOWN> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v !== null && v !== UNKNOWN && typeof v !== "string") {
      // The key is the user's own text (a login), not a secret: it names the entry at fault.
      throw new ValueError(`Attribute "${attr.name}" entry "${k}" should be a string.`, [
        attr.name,
      ]);
    }
    out[k] = v;
  }
  return out;
}

function scalarOf(raw: unknown, attr: Attribute): Value {
  if (raw === undefined || raw === null) return null;
  if (raw === UNKNOWN) return UNKNOWN;
  const path = [attr.name];
  if (typeof attr.type !== "string" && "map" in attr.type) return mapOf(raw, attr);
  if (typeof attr.type !== "string") return rowsOf(raw, attr, attr.type.list.object);
  switch (attr.type) {
    case "string":
      if (typeof raw === "string") return raw;
      break;
    case "bool":
      if (typeof raw === "boolean") return raw;
      break;
    case "number":
      if (typeof raw === "number") return raw;
      if (typeof raw === "bigint") return Number(raw);
      // go-cty writes a number that fits neither int64 nor float64 exactly as a decimal string.
      if (typeof raw === "string" && raw.trim() !== "" && !Number.isNaN(Number(raw))) {
        return Number(raw);
      }
      break;
  }
  const dyn = unwrapDynamic(raw);
  if (dyn !== raw) return scalarOf(dyn, attr);
  throw new ValueError(
    `Attribute "${attr.name}" should be a ${typeName(attr.type)} but Terraform sent a ${typeof raw}.`,
    path,
  );
}

/** Options for reading a value into the table's shape. */
export interface NormalizeOptions {
  /** Make write-only attributes null (stored state and anything Terraform will persist). */
  readonly nullWriteOnly?: boolean;
}

/**
 * Shapes a decoded object to the attribute table: missing attributes become null, keys the table
 * does not know are dropped, scalars are checked (numbers sent as strings become numbers).
 */
export function normalizeObject(
  raw: unknown,
  attributes: readonly Attribute[],
  opts: NormalizeOptions = {},
): ObjectValue | null | typeof UNKNOWN {
  if (raw === null || raw === undefined) return null;
  if (raw === UNKNOWN) return UNKNOWN;
  if (typeof raw !== "object" || Array.isArray(raw) || raw instanceof Uint8Array) {
    const dyn = unwrapDynamic(raw);
    if (dyn !== raw) return normalizeObject(dyn, attributes, opts);
    throw new ValueError("Terraform sent a value that is not an object.", []);
  }
  const rec = raw as Record<string, unknown>;
  const out: ObjectValue = {};
  for (const a of attributes) {
    out[a.name] = opts.nullWriteOnly && a.writeOnly ? null : scalarOf(rec[a.name], a);
  }
  return out;
}

/** The bytes of a `DynamicValue`: msgpack normally, JSON in some older paths. */
export interface WireDynamicValue {
  readonly msgpack?: Uint8Array | null;
  readonly json?: Uint8Array | null;
}

/** Decodes a DynamicValue holding an object of this table's type. */
export function decodeObject(
  dv: WireDynamicValue | null | undefined,
  attributes: readonly Attribute[],
  opts: NormalizeOptions = {},
): ObjectValue | null | typeof UNKNOWN {
  if (!dv) return null;
  let raw: unknown = null;
  if (dv.msgpack && dv.msgpack.length > 0) {
    raw = decode(dv.msgpack, { extensionCodec: extensions });
  } else if (dv.json && dv.json.length > 0) {
    raw = JSON.parse(Buffer.from(dv.json).toString("utf8")) as unknown;
  }
  return normalizeObject(raw, attributes, opts);
}

/**
 * Encodes an object (or null) of this table's type as msgpack, attributes in sorted order as
 * go-cty writes them. Write-only attributes are written null when asked: they must never reach
 * a plan or a state, whatever a resource returns.
 */
export function encodeObject(
  value: ObjectValue | null | typeof UNKNOWN,
  attributes: readonly Attribute[],
  opts: NormalizeOptions = {},
): Uint8Array {
  if (value === null || value === UNKNOWN) {
    return encode(value, { extensionCodec: extensions });
  }
  const out: Record<string, unknown> = {};
  const names = attributes.map((a) => a.name).sort();
  const byName = new Map(attributes.map((a) => [a.name, a]));
  for (const name of names) {
    const a = byName.get(name)!;
    const v = value[name];
    out[name] = opts.nullWriteOnly && a.writeOnly ? null : checkOutgoing(v, a);
  }
  return encode(out, { extensionCodec: extensions });
}

function checkOutgoing(v: Value | undefined, a: Attribute): Value {
  if (v === undefined || v === null || v === UNKNOWN) return v ?? null;
  if (typeof a.type !== "string" && "map" in a.type) {
    if (typeof v !== "object" || Array.isArray(v)) {
      throw new ValueError(
        `The provider produced a ${Array.isArray(v) ? "list" : typeof v} for "${a.name}", which is a map of strings. This is a bug in the provider.`,
        [a.name],
      );
    }
    // Keys in sorted order, as go-cty writes a map.
    const out: Record<string, string | null | typeof UNKNOWN> = {};
    for (const k of Object.keys(v).sort()) {
      const cell = (v as MapValue)[k];
      if (cell !== null && cell !== UNKNOWN && typeof cell !== "string") {
        throw new ValueError(
          `The provider produced a ${typeof cell} in "${a.name}", which is a map of strings. This is a bug in the provider.`,
          [a.name],
        );
      }
      out[k] = cell ?? null;
    }
    return out;
  }
  if (typeof a.type !== "string") {
    // Rows go out with every attribute present, in go-cty's sorted order.
    const object = a.type.list.object;
    const keys = Object.keys(object).sort();
    if (!Array.isArray(v)) {
      throw new ValueError(
        `The provider produced a ${typeof v} for "${a.name}", which is a list. This is a bug in the provider.`,
        [a.name],
      );
    }
    return (v as readonly Row[]).map((row) => {
      const out: Record<string, Scalar> = {};
      for (const k of keys) {
        const cell = row[k] ?? null;
        if (cell !== null && primitiveOf(cell, object[k]!) === undefined) {
          throw new ValueError(
            `The provider produced a ${typeof cell} for "${a.name}.${k}", which is a ${object[k]}. This is a bug in the provider.`,
            [a.name],
          );
        }
        out[k] = cell;
      }
      return out;
    });
  }
  const ok =
    (a.type === "string" && typeof v === "string") ||
    (a.type === "bool" && typeof v === "boolean") ||
    (a.type === "number" && typeof v === "number" && !Number.isNaN(v));
  if (!ok) {
    throw new ValueError(
      `The provider produced a ${typeof v} for "${a.name}", which is a ${a.type}. This is a bug in the provider.`,
      [a.name],
    );
  }
  return v;
}

/** Decodes any msgpack value (tests and diagnostics); unknowns become UNKNOWN. */
export function decodeRaw(bytes: Uint8Array): unknown {
  return decode(bytes, { extensionCodec: extensions });
}

/** Encodes any value (tests); UNKNOWN becomes go-cty's unknown. */
export function encodeRaw(value: unknown): Uint8Array {
  return encode(value, { extensionCodec: extensions });
}
