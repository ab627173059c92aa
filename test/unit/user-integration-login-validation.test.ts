import { userIntegrationLoginResource } from "../../provider/resources/user-integration-login";
import { validateConfiguration } from "../../provider/contract/attributes";
import { UNKNOWN } from "../../provider/contract/types";

const paths = (config: Record<string, unknown>, wo = true) =>
  validateConfiguration(userIntegrationLoginResource, config, { writeOnlyAttributesAllowed: wo })
    .filter((d) => d.severity === "error")
    .map((d) => (d.path ?? []).join("."));

describe("user integration login validation", () => {
  it("accepts a login named by party number or by user login", () => {
    expect(paths({ party_number: "1001", tab: "crm", login: "jdoe@idcs" })).toEqual([]);
    expect(paths({ user_login: "jdoe", tab: "crm", login: "jdoe@idcs" })).toEqual([]);
  });

  it("requires the user to be named, and accepts both names offline (whether they agree is for the plan)", () => {
    expect(paths({ tab: "crm", login: "x" })).toEqual(["party_number"]);
    expect(paths({ party_number: "1", user_login: "jdoe", tab: "crm", login: "x" })).toEqual([]);
  });

  it("does not count an unknown user name as missing", () => {
    expect(paths({ user_login: UNKNOWN, tab: "crm", login: "x" })).toEqual([]);
  });

  it("refuses empty logins and tabs", () => {
    expect(paths({ party_number: "1", tab: "", login: "" }).sort()).toEqual(["login", "tab"]);
  });

  it("refuses a login, tab or user name of spaces alone, as it refuses an empty one", () => {
    expect(paths({ party_number: "1", tab: " \t", login: "   " }).sort()).toEqual(["login", "tab"]);
    expect(paths({ user_login: "  ", tab: "crm", login: "x" })).toEqual(["user_login"]);
  });

  it("waits for both user names to be known before calling the user unnamed", () => {
    // party_number = cond ? null : "1001", user_login = cond ? "jdoe" : null, cond unknown.
    expect(paths({ party_number: UNKNOWN, user_login: UNKNOWN, tab: "crm", login: "x" })).toEqual(
      [],
    );
    expect(paths({ party_number: UNKNOWN, user_login: "jdoe", tab: "crm", login: "x" })).toEqual(
      [],
    );
  });

  it("refuses a secret given in both forms, and a version without its write-only value", () => {
    expect(
      paths({ party_number: "1", tab: "erp", login: "x", password: "a", password_wo: "b" }),
    ).toEqual(["password_wo"]);
    expect(
      paths({ party_number: "1", tab: "erp", login: "x", security_token_wo_version: 1 }),
    ).toEqual(["security_token_wo_version"]);
  });

  it("refuses write-only secrets when Terraform cannot handle them", () => {
    expect(paths({ party_number: "1", tab: "erp", login: "x", password_wo: "b" }, false)).toEqual([
      "password_wo",
    ]);
  });

  it("refuses the Check action without a password, in either form", () => {
    const base = { party_number: "1", tab: "erp", login: "x", validate_credentials: true };
    expect(paths(base)).toEqual(["validate_credentials"]);
    expect(paths({ ...base, password_wo: UNKNOWN })).toEqual([]);
    expect(paths({ ...base, password: "p" })).toEqual([]);
  });

  it("refuses unknown attributes and wrong types, naming them", () => {
    expect(paths({ party_number: "1", tab: "erp", login: "x", passwd: "b" })).toEqual(["passwd"]);
    expect(
      paths({ party_number: "1", tab: "erp", login: "x", validate_credentials: "yes" }),
    ).toEqual(["validate_credentials"]);
  });
});
