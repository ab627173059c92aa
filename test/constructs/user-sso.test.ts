import { UserSso } from "../../constructs";
import { newStack, synthJson, validationError, warnings } from "./helpers";

describe("UserSso", () => {
  it("synthesizes cpq_user_sso with only the props given, at a readable address", () => {
    const stack = newStack();
    new UserSso(stack, "jdoe_sso", { userLogin: "jdoe", enabledForSso: true });
    expect(synthJson(stack).resource).toEqual({
      cpq_user_sso: { jdoe_sso: { enabled_for_sso: true, user_login: "jdoe" } },
    });
    expect(validationError(stack)).toBeUndefined();
  });

  it("rolls SSO out from a list, one resource per user", () => {
    const stack = newStack();
    UserSso.fromList(stack, [
      { userLogin: "jdoe", enabledForSso: true, externalSsoId: "E1001" },
      { partyNumber: "1002", enabledForSso: true, id: "asmith" },
    ]);
    expect(Object.keys(synthJson(stack).resource?.cpq_user_sso as object).sort()).toEqual([
      "asmith",
      "sso_jdoe",
    ]);
  });

  it("synthesizes a user named both ways (whether they agree is for the plan), fails synth naming the prop and the attribute when the user is not named, and warns when nothing is managed", () => {
    const stack = newStack();
    new UserSso(stack, "both", { userLogin: "jdoe", partyNumber: "1001", enabledForSso: true });
    new UserSso(stack, "idle", { userLogin: "asmith" });
    expect(validationError(stack)).toBeUndefined();
    expect(synthJson(stack).resource).toMatchObject({
      cpq_user_sso: { both: { party_number: "1001", user_login: "jdoe" } },
    });
    expect(warnings(stack).join("\n")).toContain(
      "enabledForSso (enabled_for_sso): Nothing is managed.",
    );
    new UserSso(stack, "nobody", { enabledForSso: true });
    expect(validationError(stack)).toContain(
      "[stack/nobody] partyNumber (party_number): No CPQ user is named.",
    );
  });
});
