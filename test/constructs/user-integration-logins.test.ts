import { TerraformStack, Testing } from "cdktf";
import { CpqProvider, UserIntegrationLogin, UserIntegrationLogins } from "../../constructs";
import { newStack, synthJson, validationError } from "./helpers";

/** The synthesized `cpq_user_integration_logins` resources of a stack, by name. */
const resources = (stack: TerraformStack) =>
  synthJson(stack).resource!.cpq_user_integration_logins as Record<string, Record<string, unknown>>;

describe("UserIntegrationLogins", () => {
  it("synthesizes one resource holding the tab's logins as a map", () => {
    const stack = newStack();
    new UserIntegrationLogins(stack, "idp", {
      tab: "idp",
      logins: { jdoe: "jdoe@login.example.com", asmith: "asmith@login.example.com" },
      exclusive: true,
    });
    expect(validationError(stack)).toBeUndefined();
    expect(Object.values(resources(stack))).toEqual([
      {
        tab: "idp",
        logins: { jdoe: "jdoe@login.example.com", asmith: "asmith@login.example.com" },
        exclusive: true,
      },
    ]);
  });

  it("fromList keys by login, or by party number when every entry names one", () => {
    const stack = newStack();
    UserIntegrationLogins.fromList(stack, "by_login", [{ userLogin: "jdoe", login: "jdoe@idp" }], {
      tab: "idp",
    });
    UserIntegrationLogins.fromList(
      stack,
      "by_party",
      [
        { partyNumber: "1001", login: "jdoe@crm" },
        { partyNumber: "1002", login: "asmith@crm" },
      ],
      { tab: "crm" },
    );
    const r = resources(stack);
    expect(r.by_login).toEqual({ tab: "idp", logins: { jdoe: "jdoe@idp" }, key_by: "login" });
    expect(r.by_party).toMatchObject({ key_by: "party_number", logins: { "1001": "jdoe@crm" } });
  });

  it("fromList refuses entries keyed two ways, and a user named twice", () => {
    expect(() =>
      UserIntegrationLogins.fromList(
        newStack(),
        "mixed",
        [
          { userLogin: "jdoe", login: "a" },
          { partyNumber: "1002", login: "b" },
        ],
        { tab: "idp" },
      ),
    ).toThrow(/entries\[1\]: name the user by userLogin in every entry, or by partyNumber/);
    expect(() =>
      UserIntegrationLogins.fromList(
        newStack(),
        "twice",
        [
          { userLogin: "jdoe", login: "a" },
          { userLogin: "jdoe", login: "b" },
        ],
        { tab: "idp" },
      ),
    ).toThrow(/entries\[1\] names user "jdoe" again/);
  });

  it("fromRows reads a CSV parser's rows by column, naming the row of a missing value", () => {
    const stack = newStack();
    UserIntegrationLogins.fromRows(
      stack,
      "from_csv",
      [
        { user_login: "jdoe", login: " jdoe@idp ", team: "sales" },
        { user_login: "asmith", login: "asmith@idp", team: "ops" },
      ],
      { tab: "idp" },
    );
    expect(resources(stack).from_csv!.logins).toEqual({ jdoe: "jdoe@idp", asmith: "asmith@idp" });

    UserIntegrationLogins.fromRows(stack, "renamed", [{ Employee: "1001", IdP: "x@idp" }], {
      tab: "crm",
      keyBy: "party_number",
      columns: { user: "Employee", login: "IdP" },
    });
    expect(resources(stack).renamed).toMatchObject({
      key_by: "party_number",
      logins: { "1001": "x@idp" },
    });

    expect(() =>
      UserIntegrationLogins.fromRows(
        newStack(),
        "broken",
        [{ user_login: "jdoe", login: "a" }, { user_login: "asmith" }],
        { tab: "idp" },
      ),
    ).toThrow(/row 3 has no "login"\. Each row needs the columns "user_login" and "login"/);
  });

  it("refuses at synth an entry with an empty partner login, as the provider does at plan", () => {
    const stack = newStack();
    new UserIntegrationLogins(stack, "idp", { tab: "idp", logins: { jdoe: "  " } });
    expect(validationError(stack)).toMatch(/logins \(logins\): .*empty partner login/);
  });

  it("refuses a user and tab also declared by a UserIntegrationLogin for the same provider", () => {
    const stack = newStack();
    new UserIntegrationLogins(stack, "idp", { tab: "idp", logins: { JDoe: "jdoe@idp" } });
    new UserIntegrationLogin(stack, "jdoe_idp", { userLogin: "jdoe", tab: "idp", login: "x" });
    // Another tab, or the same user on another site's provider, is fine.
    new UserIntegrationLogin(stack, "jdoe_crm", { userLogin: "jdoe", tab: "crm", login: "x" });
    const other = new CpqProvider(stack, "eu", { baseUrl: "https://eu.example.com", alias: "eu" });
    new UserIntegrationLogin(stack, "jdoe_idp_eu", {
      userLogin: "jdoe",
      tab: "idp",
      login: "x",
      provider: other,
    });
    const message = validationError(stack);
    expect(message).toContain(
      `logins (logins): "JDoe" (also "stack/jdoe_idp") is declared on tab "idp" here and by a UserIntegrationLogin for the same provider.`,
    );
    expect(message).not.toContain("jdoe_crm");
    expect(message).not.toContain("jdoe_idp_eu");
  });

  it("synthesizes a tab of 10,000 logins as one resource", () => {
    const stack = new TerraformStack(Testing.app(), "big");
    new CpqProvider(stack, "cpq", { baseUrl: "https://acme.bigmachines.com" });
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      user_login: `user${String(i + 1).padStart(5, "0")}`,
      login: `user${i + 1}@login.example.com`,
    }));
    UserIntegrationLogins.fromRows(stack, "idp", rows, { tab: "idp" });
    expect(validationError(stack)).toBeUndefined();
    // The stack's own JSON, as app.synth() writes it (Testing.synth re-sorts every object with a
    // spread per key, quadratic at this size).
    const json = stack.toTerraform() as {
      resource: { cpq_user_integration_logins: Record<string, { logins: Record<string, string> }> };
    };
    const logins = Object.values(json.resource.cpq_user_integration_logins)[0]!.logins;
    expect(Object.keys(logins)).toHaveLength(10_000);
    expect(logins.user10000).toBe("user10000@login.example.com");
  });
});
