import { E2eFixture } from "../support/e2e-fixture";
import type { TfDir } from "../../tooling/tf-dir";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

describeWithTerraform("cpq_users data source with real terraform", () => {
  const fixture = new E2eFixture();
  let ws: TfDir;

  beforeEach(() => {
    ws = fixture.workspace();
  });

  it("looks up a party number by login and feeds it to a login resource", async () => {
    ws.write({
      ...cpqProviderConfig(),
      data: {
        cpq_users: {
          asmith: { login: "ASmith" },
          some: { q: JSON.stringify({ login: { $in: ["jdoe", "bwayne"] } }) },
        },
      },
      resource: {
        cpq_user_integration_login: {
          asmith_idp: {
            party_number: "${data.cpq_users.asmith.users[0].party_number}",
            tab: "idp",
            login: "asmith@idcs.example.com",
          },
        },
      },
      output: {
        some_logins: { value: "${[for u in data.cpq_users.some.users : u.login]}" },
        asmith_party: { value: "${data.cpq_users.asmith.users[0].party_number}" },
      },
    });
    await ws.init();
    await ws.mustApply();
    const outputs = await ws.outputs();
    expect(outputs.asmith_party?.value).toBe("1002");
    expect(outputs.some_logins?.value).toEqual(["jdoe", "bwayne"]);
    const state = await fixture.sim.state();
    expect(state.integrations["1002"]?.idp).toMatchObject({ login: "asmith@idcs.example.com" });
    const again = await ws.plan();
    expect(again.code).toBe(0);
  });

  it("refuses a q filter that is not a JSON object, naming q", async () => {
    ws.write({ ...cpqProviderConfig(), data: { cpq_users: { bad: { q: "login=jdoe" } } } });
    await ws.init();
    const plan = await ws.plan();
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('"q" is not a JSON object');
    expect(plan.stderr).toMatch(/in data\.cpq_users\.bad:/);
  });
});
