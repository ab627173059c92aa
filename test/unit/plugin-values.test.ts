import { encode } from "@msgpack/msgpack";
import type { Attribute, ObjectValue } from "../../provider/contract/types";
import { UNKNOWN } from "../../provider/contract/types";
import {
  decodeObject,
  decodeRaw,
  encodeObject,
  normalizeObject,
  unwrapDynamic,
  ValueError,
} from "../../provider/plugin/values";

const ATTRS: readonly Attribute[] = [
  { name: "name", type: "string", kind: "required", description: "" },
  { name: "count", type: "number", kind: "optional", description: "" },
  { name: "enabled", type: "bool", kind: "optional", description: "" },
  { name: "id", type: "string", kind: "computed", description: "" },
  { name: "pass_wo", type: "string", kind: "optional", description: "", writeOnly: true },
];

const mp = (v: unknown): { msgpack: Uint8Array } => ({ msgpack: encode(v) });

describe("msgpack values", () => {
  it("decodes go-cty's unknown (fixext1 type 0) as UNKNOWN", () => {
    const bytes = Buffer.from([0x81, 0xa4, ...Buffer.from("name"), 0xd4, 0x00, 0x00]);
    expect(decodeObject({ msgpack: bytes }, ATTRS)).toEqual({
      name: UNKNOWN,
      count: null,
      enabled: null,
      id: null,
      pass_wo: null,
    });
  });

  it("decodes a refined unknown (extension 0x0c with a refinement map) as UNKNOWN", () => {
    // {1: false}: "definitely not null".
    const bytes = Buffer.from([
      0x81,
      0xa2,
      ...Buffer.from("id"),
      0xc7,
      0x03,
      0x0c,
      0x81,
      0x01,
      0xc2,
    ]);
    expect(decodeObject({ msgpack: bytes }, ATTRS)?.valueOf()).toMatchObject({ id: UNKNOWN });
  });

  it("encodes UNKNOWN as go-cty writes it, d4 00 00", () => {
    const bytes = encodeObject({ id: UNKNOWN }, [ATTRS[3]!]);
    expect(Buffer.from(bytes).toString("hex")).toBe("81a26964d40000");
  });

  it("fills missing attributes with null and drops keys the table does not know", () => {
    expect(decodeObject(mp({ name: "a", stray: 1 }), ATTRS)).toEqual({
      name: "a",
      count: null,
      enabled: null,
      id: null,
      pass_wo: null,
    });
  });

  it("reads a number sent as a decimal string (too big for int64 or float64) as a number", () => {
    expect(decodeObject(mp({ count: "12345678901234567890.5" }), ATTRS)).toMatchObject({
      count: Number("12345678901234567890.5"),
    });
    expect(decodeObject(mp({ count: 3.25 }), ATTRS)).toMatchObject({ count: 3.25 });
  });

  it("refuses a value of the wrong type, naming the attribute", () => {
    expect(() => decodeObject(mp({ enabled: "yes" }), ATTRS)).toThrow(ValueError);
    try {
      decodeObject(mp({ enabled: "yes" }), ATTRS);
    } catch (e) {
      expect((e as ValueError).path).toEqual(["enabled"]);
      expect((e as ValueError).message).not.toContain("yes");
    }
  });

  it("decodes a null object and an absent value as null", () => {
    expect(decodeObject(mp(null), ATTRS)).toBeNull();
    expect(decodeObject(null, ATTRS)).toBeNull();
    expect(decodeObject({ msgpack: new Uint8Array(0) }, ATTRS)).toBeNull();
  });

  it("reads the JSON form too", () => {
    const json = Buffer.from(JSON.stringify({ name: "j", count: 2 }));
    expect(decodeObject({ json }, ATTRS)).toMatchObject({ name: "j", count: 2 });
  });

  it("round-trips an object with nulls, unknowns, numbers and booleans", () => {
    const v: ObjectValue = {
      name: "x",
      count: 2 ** 40 + 0.5,
      enabled: false,
      id: UNKNOWN,
      pass_wo: null,
    };
    expect(decodeObject({ msgpack: encodeObject(v, ATTRS) }, ATTRS)).toEqual(v);
  });

  it("writes attributes in sorted order, as go-cty does", () => {
    const raw = decodeRaw(encodeObject({ name: "x" }, ATTRS)) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(["count", "enabled", "id", "name", "pass_wo"]);
  });

  it("nulls write-only attributes when asked, whatever the value", () => {
    const bytes = encodeObject({ name: "x", pass_wo: "secret" }, ATTRS, { nullWriteOnly: true });
    expect(decodeRaw(bytes)).toMatchObject({ pass_wo: null });
    expect(Buffer.from(bytes).toString("latin1")).not.toContain("secret");
    expect(normalizeObject({ pass_wo: "s" }, ATTRS, { nullWriteOnly: true })).toMatchObject({
      pass_wo: null,
    });
  });

  it("refuses to encode a value of the wrong type (a provider bug) with the attribute path", () => {
    expect(() => encodeObject({ count: "3" as unknown as number }, ATTRS)).toThrow(/"count"/);
  });

  it("unwraps a DynamicPseudoType value ([type json, value])", () => {
    expect(unwrapDynamic([Buffer.from('"string"'), "v"])).toBe("v");
    expect(unwrapDynamic(['"number"', 4])).toBe(4);
    expect(normalizeObject({ name: ['"string"', "d"] }, ATTRS)).toMatchObject({ name: "d" });
    expect(unwrapDynamic(["x", 1, 2])).toEqual(["x", 1, 2]);
  });
});
