/**
 * `terraform plan -generate-config-out` after an `import` block, by every import id the examples
 * document (examples/resources/<type>/import.tf): the configuration terraform writes from the
 * imported state must validate and re-plan clean. It once failed validation after an import by
 * login (`jdoe`, `jdoe/idp`): the state names the user both ways, the generated configuration
 * sets both `party_number` and `user_login`, and the provider refused the pair. Both naming the
 * same user is valid now.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

/** The import ids, by resource address: as the examples document them, and by party number. */
const BY_LOGIN = {
  "cpq_user_integration_login.jdoe_idp": "jdoe/idp",
  "cpq_user_sso.jdoe": "jdoe",
  "cpq_user_integration_logins.idp": "idp",
};
const BY_PARTY_NUMBER = {
  "cpq_user_integration_login.jdoe_idp": "1001/idp",
  "cpq_user_sso.jdoe": "1001",
  "cpq_user_integration_logins.idp": "idp/party_number",
};

describeWithTerraform("configuration generated after an import", () => {
  const fixture = new E2eFixture();

  beforeEach(async () => {
    // Something to import on the idp tab: two OAuth logins, saved through CPQ's own API.
    for (const [pn, login] of [
      ["1001", "jdoe@idcs.example.com"],
      ["1002", "asmith@idcs.example.com"],
    ] as const) {
      const r = await fixture.sim.cpq("PUT", `/rest/v19/users/${pn}/integrations/idp`, {
        login,
        authType: "oauth",
      });
      expect(r.status).toBe(200);
    }
  });

  it.each([
    ["by login", BY_LOGIN, ['user_login = "jdoe"', 'user_login = "jdoe"']],
    ["by party number", BY_PARTY_NUMBER, []],
  ])("validates and re-plans clean after import %s", async (_how, ids, userLogins: string[]) => {
    const ws = fixture.workspace();
    ws.write({
      ...cpqProviderConfig(),
      import: Object.entries(ids).map(([to, id]) => ({ to, id })),
    });
    await ws.init();
    const gen = await ws.plan(["-generate-config-out=gen.tf", "-out=tfplan"]);
    const generated = readFileSync(join(ws.dir, "gen.tf"), "utf8");
    expect({ code: gen.code, stderr: gen.stderr }).toEqual({ code: 2, stderr: "" });
    expect(gen.stdout).toContain("3 to import, 0 to add, 0 to change, 0 to destroy");

    // By login, cpq_user_integration_login and cpq_user_sso name jdoe both ways, as the
    // import's state does; by party number, by party_number alone.
    expect(
      generated.match(/user_login\s*=\s*"[^"]*"/g)?.map((m) => m.replace(/\s+/g, " ")) ?? [],
    ).toEqual(userLogins);
    const validate = await ws.run(["validate", "-no-color"]);
    expect({ code: validate.code, out: validate.stdout + validate.stderr }).toMatchObject({
      code: 0,
    });

    // The import checked above, applied from its saved plan without planning it again; the
    // re-plan below then reads gen.tf against what the import stored.
    await ws.mustApply(["tfplan"]);
    const replan = await ws.plan();
    expect({ code: replan.code, stderr: replan.stderr }).toEqual({ code: 0, stderr: "" });
    expect(replan.stdout).toContain("No changes");
  });
});
