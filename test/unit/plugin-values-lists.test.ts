import { decodeObject, encodeObject, ctyTypeJson, decodeRaw } from "../../provider/plugin/values";
import type { Attribute } from "../../provider/contract/types";

const ROWS: Attribute = {
  name: "users",
  type: { list: { object: { login: "string", party_number: "string", active: "bool" } } },
  kind: "computed",
  description: "rows",
};
const ID: Attribute = { name: "id", type: "string", kind: "computed", description: "id" };

describe("list-of-objects values", () => {
  it("declares the cty type as a list of objects", () => {
    expect(JSON.parse(ctyTypeJson(ROWS.type))).toEqual([
      "list",
      ["object", { login: "string", party_number: "string", active: "bool" }],
    ]);
  });

  it("round-trips rows, filling missing row attributes with null in sorted order", () => {
    const bytes = encodeObject({ id: "all", users: [{ login: "jdoe", party_number: "1001" }] }, [
      ID,
      ROWS,
    ]);
    const raw = decodeRaw(bytes) as { users: Record<string, unknown>[] };
    expect(Object.keys(raw.users[0]!)).toEqual(["active", "login", "party_number"]);
    expect(decodeObject({ msgpack: bytes }, [ID, ROWS])).toEqual({
      id: "all",
      users: [{ login: "jdoe", party_number: "1001", active: null }],
    });
  });

  it("refuses a row cell of the wrong type, naming the attribute", () => {
    expect(() =>
      encodeObject({ id: "x", users: [{ login: 5 as unknown as string }] }, [ID, ROWS]),
    ).toThrow('"users.login"');
  });
});
