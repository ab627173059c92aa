import {
  ctyTypeJson,
  decodeObject,
  decodeRaw,
  encodeObject,
  encodeRaw,
} from "../../provider/plugin/values";
import { checkAgainstTable } from "../../provider/contract/attributes";
import type { Attribute, MapValue } from "../../provider/contract/types";
import { UNKNOWN } from "../../provider/contract/types";

const LOGINS: Attribute = {
  name: "logins",
  type: { map: "string" },
  kind: "required",
  description: "logins",
};
const ID: Attribute = { name: "id", type: "string", kind: "computed", description: "id" };

describe("map-of-strings values", () => {
  it("declares the cty type as a map of strings", () => {
    expect(JSON.parse(ctyTypeJson(LOGINS.type))).toEqual(["map", "string"]);
  });

  it("round-trips a map, writing its keys in sorted order as go-cty does", () => {
    const bytes = encodeObject({ id: "idp", logins: { jdoe: "j@idp", asmith: "a@idp" } }, [
      ID,
      LOGINS,
    ]);
    const raw = decodeRaw(bytes) as { logins: Record<string, unknown> };
    expect(Object.keys(raw.logins)).toEqual(["asmith", "jdoe"]);
    expect(decodeObject({ msgpack: bytes }, [ID, LOGINS])).toEqual({
      id: "idp",
      logins: { asmith: "a@idp", jdoe: "j@idp" },
    });
  });

  it("keeps an unknown element unknown, and the rest of the map known", () => {
    const bytes = encodeRaw({ id: null, logins: { jdoe: UNKNOWN, asmith: "a@idp" } });
    const back = decodeObject({ msgpack: bytes }, [ID, LOGINS]);
    expect((back as { logins: MapValue }).logins).toEqual({ jdoe: UNKNOWN, asmith: "a@idp" });
    expect(decodeRaw(encodeObject(back as never, [ID, LOGINS]))).toEqual({
      id: null,
      logins: { asmith: "a@idp", jdoe: UNKNOWN },
    });
  });

  it("refuses a list where a map belongs, and an element that is not a string, naming the entry", () => {
    expect(() => decodeObject({ msgpack: encodeRaw({ logins: ["a"] }) }, [LOGINS])).toThrow(
      'Attribute "logins" should be a map of strings but Terraform sent a list.',
    );
    expect(() => decodeObject({ msgpack: encodeRaw({ logins: { jdoe: 5 } }) }, [LOGINS])).toThrow(
      'Attribute "logins" entry "jdoe" should be a string.',
    );
    expect(() => encodeObject({ logins: { jdoe: 5 as unknown as string } }, [LOGINS])).toThrow(
      '"logins", which is a map of strings',
    );
  });

  it("validates a configuration's map: strings and unknowns pass, a null element or a list does not", () => {
    expect(checkAgainstTable([LOGINS], { logins: { jdoe: "j", asmith: UNKNOWN } })).toEqual([]);
    expect(checkAgainstTable([LOGINS], { logins: UNKNOWN })).toEqual([]);
    for (const bad of [{ jdoe: null }, ["j"], "j"]) {
      const d = checkAgainstTable([LOGINS], { logins: bad });
      expect(d.map((x) => x.detail)).toEqual([
        expect.stringContaining('"logins" must be a map of strings; got'),
      ]);
    }
  });
});
