import { startSimulator } from "../../simulator";
import { E2eFixture } from "../support/e2e-fixture";
import { repeatInstance } from "../support/repeat-instance";
import { SimAdmin } from "../../tooling/sim-admin";
import { cpqEnv } from "../../tooling/terraform-env";
import type { TfDir } from "../../tooling/tf-dir";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

const RESOURCE = "cpq_user_integration_login";
// The simulator's default partners (simulator/options.ts): crm = Oracle Sales (OAuth, integrated
// both ways, so a password is required), idp = Oracle Identity Cloud Service (OAuth, login only),
// erp = Oracle ERP Cloud (no OAuth, password logins).
// The simulator's default partner credentials (simulator/options.ts): the Check action accepts these.
const JDOE_ERP_PASSWORD = "jdoe-erp-password";
const ASMITH_ERP_PASSWORD = "asmith-erp-password";
const ASMITH_ERP_TOKEN = "asmith-erp-token";
const WRONG_PASSWORD = "canary-wrong-password-71c2";

/** Three logins, as examples/basic declares them: OAuth-site style, with password, validated. */
function loginsConfig(overrides: Record<string, Record<string, unknown>> = {}) {
  return {
    ...cpqProviderConfig(),
    variable: {
      jdoe_erp_password: { type: "string", sensitive: true, ephemeral: true },
      asmith_erp_password: { type: "string", sensitive: true, ephemeral: true },
      asmith_erp_token: { type: "string", sensitive: true, ephemeral: true },
    },
    resource: {
      [RESOURCE]: {
        jdoe_idp: {
          user_login: "jdoe",
          tab: "idp",
          login: "jdoe@idcs.example.com",
          ...overrides.jdoe_idp,
        },
        jdoe_erp: {
          party_number: "1001",
          tab: "erp",
          login: "jdoe@erp.example.com",
          password_wo: "${var.jdoe_erp_password}",
          ...overrides.jdoe_erp,
        },
        asmith_erp: {
          user_login: "asmith",
          tab: "erp",
          login: "asmith@erp.example.com",
          password_wo: "${var.asmith_erp_password}",
          security_token_wo: "${var.asmith_erp_token}",
          validate_credentials: true,
          ...overrides.asmith_erp,
        },
      },
    },
  };
}

describeWithTerraform("cpq_user_integration_login with real terraform", () => {
  const fixture = new E2eFixture();
  let ws: TfDir;

  const workspace = (env: Record<string, string> = {}) =>
    fixture.workspace({
      TF_VAR_jdoe_erp_password: JDOE_ERP_PASSWORD,
      TF_VAR_asmith_erp_password: ASMITH_ERP_PASSWORD,
      TF_VAR_asmith_erp_token: ASMITH_ERP_TOKEN,
      ...env,
    });
  const requests = () => fixture.sim.requests();
  const clearRequests = () => fixture.sim.clearRequests();
  const integrations = () => fixture.sim.state().then((s) => s.integrations);
  // The tests that change or read logins already made start from one applied baseline of the
  // three logins. The fixture resets the simulator before every test, so the tests that create
  // the logins themselves still start from the seed.
  const baseline = fixture.appliedBaseline(loginsConfig(), () => workspace());

  beforeEach(() => {
    ws = workspace();
  });

  /** Starts a test where its own init and apply of `loginsConfig()` would have left it. */
  const fromBaseline = async () => {
    await baseline(ws);
    await clearRequests();
  };

  it("creates an OAuth login, a password login and a validated login, then re-plans with no changes", async () => {
    ws.write(loginsConfig());
    await ws.init();
    await ws.mustApply();
    const live = await integrations();
    expect(live["1001"]?.idp).toMatchObject({ login: "jdoe@idcs.example.com", authType: "oauth" });
    expect(live["1001"]?.erp).toMatchObject({
      login: "jdoe@erp.example.com",
      authType: "password",
    });
    expect(live["1002"]?.erp).toMatchObject({ login: "asmith@erp.example.com" });
    expect(ws.stateAttributes(RESOURCE, "jdoe_idp")).toMatchObject({
      party_number: "1001",
      auth_type: "oauth",
      partner: "Oracle Identity Cloud Service",
      token_present: false,
    });
    const checks = (await requests()).filter((r) => r.path.endsWith("/actions/check"));
    expect(checks).toHaveLength(1);

    const again = await ws.plan();
    expect(again.stdout).toContain("No changes");
    expect(again.code).toBe(0);
  });

  it("shows a partner-made token, and revokes it when the login changes", async () => {
    await fromBaseline();
    await fixture.sim.grantToken("1001", "idp");
    await ws.must(["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"]);
    expect(ws.stateAttributes(RESOURCE, "jdoe_idp").token_present).toBe(true);

    await clearRequests();
    ws.write(loginsConfig({ jdoe_idp: { login: "john.doe@idcs.example.com" } }));
    await ws.mustApply();
    const log = await requests();
    const revoke = log.findIndex((r) =>
      r.path.endsWith("/1001/integrations/idp/actions/revokeToken"),
    );
    const put = log.findIndex(
      (r) => r.method === "PUT" && r.path.endsWith("/1001/integrations/idp"),
    );
    expect(revoke).toBeGreaterThanOrEqual(0);
    expect(put).toBeGreaterThan(revoke);
    expect(ws.stateAttributes(RESOURCE, "jdoe_idp").token_present).toBe(false);
  });

  it("fails the apply with CPQ's reason and saves nothing when Check refuses the credentials", async () => {
    ws = workspace({ TF_VAR_asmith_erp_password: WRONG_PASSWORD });
    ws.write(loginsConfig());
    await ws.init();
    const r = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused the credentials for user 1002 on tab "erp"');
    expect(r.stderr).toContain("Nothing was saved");
    // CPQ's message ends in its own full stop: one, not two.
    expect(r.stderr.replace(/\s+/g, " ")).toContain("security token. Nothing was saved");
    expect(r.stdout + r.stderr).not.toContain(WRONG_PASSWORD);
    expect((await integrations())["1002"]?.erp).toBeUndefined();
    expect(
      (await requests()).filter((x) => x.method === "PUT" && x.path.includes("/1002/")),
    ).toEqual([]);
  });

  it("imports by party number and by login, then plans no changes", async () => {
    // The logins to import, as an apply of loginsConfig() made them.
    await fromBaseline();
    const fresh = workspace();
    // validate_credentials is Terraform's own setting, which an import cannot read back: left
    // out here, so the imported logins match the configuration exactly.
    fresh.write(loginsConfig({ asmith_erp: { validate_credentials: null } }));
    await fresh.init();
    await fresh.must(["import", "-input=false", "-no-color", `${RESOURCE}.jdoe_erp`, "1001/erp"]);
    await fresh.must(["import", "-input=false", "-no-color", `${RESOURCE}.jdoe_idp`, "jdoe/idp"]);
    await fresh.must([
      "import",
      "-input=false",
      "-no-color",
      `${RESOURCE}.asmith_erp`,
      "asmith/erp",
    ]);
    expect(fresh.stateAttributes(RESOURCE, "jdoe_idp")).toMatchObject({
      party_number: "1001",
      user_login: "jdoe",
    });
    const plan = await fresh.plan();
    expect(plan.stdout).toContain("No changes");
    expect(plan.stdout).toContain('"password_wo" is assumed unchanged');
    expect(plan.code).toBe(0);
  });

  it("shows a login changed in CPQ as drift, and puts it back", async () => {
    await fromBaseline();
    await fixture.sim.cpq("PUT", "/rest/v19/users/1001/integrations/erp", {
      login: "someone.else@erp.example.com",
      authType: "password",
    });
    const plan = await ws.plan();
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('"someone.else@erp.example.com" -> "jdoe@erp.example.com"');
    expect(plan.stdout).toContain("1 to change");
    await ws.mustApply();
    expect((await integrations())["1001"]?.erp?.login).toBe("jdoe@erp.example.com");
  });

  it("fails at plan, naming the attribute, for an unknown login, a login and party number of different users, a password on an OAuth tab, or a missing tab", async () => {
    // The cases differ only in a resource's arguments, never in the providers: one init serves all.
    ws.write(loginsConfig());
    await ws.init();
    const cases: [Record<string, Record<string, unknown>>, string][] = [
      [{ jdoe_idp: { user_login: "nobody" } }, 'No CPQ user has the login "nobody"'],
      [
        { jdoe_idp: { party_number: "1002" } },
        'user_login "jdoe" and party_number "1002" name different CPQ users',
      ],
      [{ jdoe_idp: { password: "x" } }, "uses OAuth on this site"],
      [{ jdoe_idp: { tab: "hr" } }, 'The site has no partner tab "hr"'],
      [{ jdoe_idp: { tab: "crm" } }, "A password is required for Oracle Sales"],
    ];
    for (const [overrides, message] of cases) {
      ws.write(loginsConfig(overrides));
      const plan = await ws.plan();
      expect(plan.code).toBe(1);
      expect(plan.stderr).toContain(message);
      expect(plan.stderr).toMatch(
        /on main\.tf\.json line \d+, in resource\.cpq_user_integration_login\.jdoe_idp:/,
      );
    }
    expect((await requests()).filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("plans a party_number known only after apply beside user_login, never an invalid plan; the apply refuses the pair naming different users at user_login, and applies it naming the same user", async () => {
    // party_number from another resource: unknown until that one is created.
    const config = (input: string, naming: Record<string, unknown>) => ({
      ...cpqProviderConfig(),
      resource: {
        terraform_data: { [`pn_${input}`]: { input } },
        [RESOURCE]: {
          jdoe_idp: { ...naming, tab: "idp", login: "jdoe@idcs.example.com" },
        },
      },
    });
    ws.write(
      config("1002", { party_number: "${terraform_data.pn_1002.output}", user_login: "jdoe" }),
    );
    await ws.init();
    const plan = await ws.plan();
    expect(plan.stdout + plan.stderr).not.toContain("invalid plan");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/\+ party_number\s+= \(known after apply\)/);

    // The re-plan at apply knows both: jdoe is 1001, not 1002.
    const refused = await ws.apply();
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).not.toContain("invalid plan");
    expect(refused.stderr).toContain(
      'user_login "jdoe" and party_number "1002" name different CPQ users',
    );
    expect(refused.stderr).toContain("or make them agree");
    expect(refused.stderr).toMatch(/"user_login": "jdoe"/);
    expect((await requests()).filter((x) => x.method !== "GET")).toEqual([]);

    // Named twice, the same user: planned unknown, then applied, and the next plan is clean.
    ws.write(
      config("1001", { party_number: "${terraform_data.pn_1001.output}", user_login: "jdoe" }),
    );
    const agreeing = await ws.plan();
    expect(agreeing.stdout).toMatch(/\+ party_number\s+= \(known after apply\)/);
    await ws.mustApply();
    expect(ws.stateAttributes(RESOURCE, "jdoe_idp")).toMatchObject({
      party_number: "1001",
      user_login: "jdoe",
      id: "1001/idp",
    });
    expect((await integrations())["1001"]?.idp).toMatchObject({ login: "jdoe@idcs.example.com" });
    const clean = await ws.plan();
    expect(clean.stdout).toContain("No changes");
    expect(clean.code).toBe(0);
  });

  it("deletes the logins on destroy, revoking a stored OAuth token first", async () => {
    await fromBaseline();
    await fixture.sim.grantToken("1001", "idp");
    await clearRequests();
    await ws.must(["destroy", "-auto-approve", "-input=false", "-no-color"]);
    const live = await integrations();
    expect(live["1001"]).toBeUndefined();
    expect(live["1002"]).toBeUndefined();
    expect(
      (await requests()).some((r) => r.path.endsWith("/1001/integrations/idp/actions/revokeToken")),
    ).toBe(true);
  });

  it("keeps write-only secrets out of the state and out of trace logs", async () => {
    ws.write(loginsConfig());
    await ws.init();
    const r = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"], {
      env: { TF_LOG: "trace" },
    });
    expect(r.code).toBe(0);
    const state = ws.stateText();
    for (const secret of [JDOE_ERP_PASSWORD, ASMITH_ERP_PASSWORD, ASMITH_ERP_TOKEN]) {
      expect(state).not.toContain(secret);
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
    expect(ws.stateAttributes(RESOURCE, "jdoe_erp").password_wo).toBeNull();
  });

  it("plans 1,000 logins with at most 5 user-list requests", async () => {
    const big = await startSimulator({ port: 0, generatedUsers: 1000 });
    const bigAdmin = SimAdmin.of(big);
    const many = fixture.workspace(cpqEnv(big));
    const COUNT = 1000;
    // What the configuration's format()s make of each index.
    const partyNumber = (i: number) => `P${String(i + 1).padStart(5, "0")}`;
    const login = (i: number) => `user${String(i + 1).padStart(5, "0")}@idcs.example.com`;
    try {
      many.write({
        ...cpqProviderConfig(),
        resource: {
          [RESOURCE]: {
            u: {
              count: COUNT,
              party_number: '${format("P%05d", count.index + 1)}',
              tab: "idp",
              login: '${format("user%05d@idcs.example.com", count.index + 1)}',
            },
          },
        },
      });
      await many.init();
      // The set-up, not the subject: terraform applies instance 0 for real; the other 999 logins
      // are made through CPQ's API, with the PUT the provider sends, and instance 0 is repeated
      // in the state (a real apply of all 1,000 costs ~40 s of terraform's CPU; see
      // test/support/repeat-instance.ts).
      await many.mustApply([`-target=${RESOURCE}.u[0]`]);
      const pending = Array.from({ length: COUNT - 1 }, (_, k) => k + 1);
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          for (let i = pending.shift(); i !== undefined; i = pending.shift()) {
            const put = await bigAdmin.cpq(
              "PUT",
              `/rest/v19/users/${partyNumber(i)}/integrations/idp`,
              { login: login(i), authType: "oauth" },
            );
            if (put.status !== 200) {
              throw new Error(`PUT login ${i}: ${put.status} ${JSON.stringify(put.body)}`);
            }
          }
        }),
      );
      repeatInstance(many.dir, { type: RESOURCE, name: "u" }, COUNT, (i) => ({
        id: `${partyNumber(i)}/idp`,
        party_number: partyNumber(i),
        login: login(i),
      }));
      await bigAdmin.clearRequests();

      const plan = await many.plan(["-out=tfplan"]);
      expect(plan.stdout).toContain("No changes");
      const log = await bigAdmin.requests();
      const lists = log.filter((r) => r.method === "GET" && /\/rest\/v\d+\/users$/.test(r.path));
      expect(lists.length).toBeGreaterThan(0);
      expect(lists.length).toBeLessThanOrEqual(5);
      expect(log.filter((r) => r.method !== "GET")).toEqual([]);
      // The refresh read every one of the 1,000 back from CPQ as the state holds it: each is a
      // no-op, and none drifted (a login the state and CPQ disagree on would be drift).
      const saved = JSON.parse((await many.must(["show", "-json", "tfplan"])).stdout) as {
        resource_changes?: { address: string; change: { actions: string[] } }[];
        resource_drift?: { address: string }[];
      };
      const changes = (saved.resource_changes ?? []).filter((c) => c.address.startsWith(RESOURCE));
      expect(changes.map((c) => c.address).sort()).toEqual(
        Array.from({ length: COUNT }, (_, i) => `${RESOURCE}.u[${i}]`).sort(),
      );
      expect(changes.filter((c) => c.change.actions.join() !== "no-op")).toEqual([]);
      expect(saved.resource_drift ?? []).toEqual([]);
    } finally {
      await big.close();
    }
  }, 300_000);
});
