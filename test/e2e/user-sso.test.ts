/**
 * `cpq_user_sso` with real terraform against the simulator: SSO rolled out to two users (one by
 * login with an External SSO Id, one by party number), a clean re-plan, drift when CPQ changes
 * behind Terraform's back, and import by login.
 */
import { E2eFixture } from "../support/e2e-fixture";
import type { SimRequest } from "../../tooling/sim-admin";
import type { TfDir } from "../../tooling/tf-dir";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

describeWithTerraform("cpq_user_sso with real terraform", () => {
  const fixture = new E2eFixture();
  let ws: TfDir;

  const user = async (party: string): Promise<Record<string, unknown>> =>
    (await fixture.sim.cpq("GET", `/rest/v19/users/${party}`)).body as Record<string, unknown>;
  const patches = async (): Promise<SimRequest[]> =>
    (await fixture.sim.requests()).filter((r) => r.method === "PATCH");

  beforeEach(() => {
    ws = fixture.workspace();
  });

  const config = {
    ...cpqProviderConfig(),
    resource: {
      cpq_user_sso: {
        jdoe: { user_login: "jdoe", enabled_for_sso: true, external_sso_id: "E1001" },
        asmith: { party_number: "1002", enabled_for_sso: true },
      },
    },
  };

  it("enables SSO for two users with one PATCH each, sending only what is managed, and re-plans clean", async () => {
    ws.write(config);
    await ws.init();
    // Saved and applied from its file: the apply carries out exactly the plan checked here,
    // without terraform planning it again.
    const plan = await ws.plan(["-out=tfplan"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("Plan: 2 to add, 0 to change, 0 to destroy.");
    await ws.mustApply(["tfplan"]);
    expect((await user("1001")).enabledForSso).toMatchObject({ value: true });
    expect((await user("1001")).externalSsoId).toBe("E1001");
    expect((await user("1002")).enabledForSso).toMatchObject({ value: true });
    const sent = await patches();
    expect(sent.map((p) => [p.path, p.body]).sort()).toEqual([
      ["/rest/v19/users/1001", { enabledForSso: { value: true }, externalSsoId: "E1001" }],
      ["/rest/v19/users/1002", { enabledForSso: { value: true } }],
    ]);
    expect(ws.stateAttributes("cpq_user_sso", "jdoe")).toMatchObject({
      id: "1001",
      party_number: "1001",
      login: "jdoe",
    });
    expect((await ws.plan()).code).toBe(0);
  });

  it("shows a change made in CPQ behind Terraform's back, and imports a user by login", async () => {
    ws.write(config);
    await ws.init();
    await ws.mustApply();
    await fixture.sim.cpq("PATCH", "/rest/v19/users/1002", { enabledForSso: { value: false } });
    const drift = await ws.plan();
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(/~ enabled_for_sso\s+= false -> true/);

    await ws.must(["state", "rm", "cpq_user_sso.jdoe"]);
    const imported = await ws.must([
      "import",
      "-input=false",
      "-no-color",
      "cpq_user_sso.jdoe",
      "jdoe",
    ]);
    expect(imported.stdout).toContain("Import successful!");
    expect(ws.stateAttributes("cpq_user_sso", "jdoe")).toMatchObject({
      party_number: "1001",
      enabled_for_sso: true,
      external_sso_id: "E1001",
    });
  });
});
