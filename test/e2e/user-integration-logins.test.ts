/**
 * `cpq_user_integration_logins` with the real terraform against the simulator: the logins of the
 * `idp` tab (Oracle Identity Cloud Service: OAuth, inbound only, so login-only entries) as one
 * resource, planned entry by entry.
 */
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import type { TfDir, TfResult } from "../../tooling/tf-dir";
import type { DriftReport } from "../../provider/cli/drift";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

const RESOURCE = "cpq_user_integration_logins";
/** The simulator's default users (simulator/seed.ts), by login, with their IdP logins. */
const THREE = {
  jdoe: "jdoe@idcs.example.com",
  asmith: "asmith@idcs.example.com",
  bwayne: "bwayne@idcs.example.com",
};

function tabConfig(
  logins: Record<string, string>,
  extra: Record<string, unknown> = {},
  more: Record<string, unknown> = {},
  provider: Record<string, unknown> = {},
) {
  return {
    ...cpqProviderConfig(provider),
    resource: { [RESOURCE]: { idp: { tab: "idp", logins, ...extra } } },
    ...more,
  };
}

/** Two of the three users, for the tests that leave bwayne's login to someone else. */
const TWO = { jdoe: THREE.jdoe, asmith: THREE.asmith };

describeWithTerraform("cpq_user_integration_logins with real terraform", () => {
  const fixture = new E2eFixture();
  let ws: TfDir;

  /** The idp tab's logins on the simulator, by party number. */
  const idpTab = async (): Promise<Record<string, string>> => {
    const all = (await fixture.sim.state()).integrations;
    const out: Record<string, string> = {};
    for (const [pn, tabs] of Object.entries(all)) {
      const login = tabs.idp?.login;
      if (login !== undefined) out[pn] = login;
    }
    return out;
  };
  /** A login saved on the idp tab behind Terraform's back, through CPQ's own API. */
  const putOutOfBand = async (pn: string, login: string) => {
    const r = await fixture.sim.cpq("PUT", `/rest/v19/users/${pn}/integrations/idp`, {
      login,
      authType: "oauth",
    });
    expect(r.status).toBe(200);
  };

  /** The writes (`METHOD path`) CPQ received while `step` ran, in the order they came. */
  const writesDuring = async (step: () => Promise<unknown>): Promise<string[]> => {
    await fixture.sim.clearRequests();
    await step();
    return (await fixture.sim.requests())
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.path}`);
  };

  // The exclusive tests start from `TWO` applied as an exclusive tab, built once. The state does
  // not depend on login_reads (a create under per_user leaves the same state as under auto), so
  // one baseline serves both settings.
  const exclusiveTwo = fixture.appliedBaseline(tabConfig(TWO, { exclusive: true }));
  beforeEach(() => {
    ws = fixture.workspace();
  });

  it("creates three logins on the idp tab, re-plans clean, plans a changed entry as that key alone, and destroys them", async () => {
    ws.write(tabConfig(THREE));
    await ws.init();
    await ws.mustApply();
    expect(await idpTab()).toEqual({
      "1001": THREE.jdoe,
      "1002": THREE.asmith,
      "1003": THREE.bwayne,
    });
    expect(ws.stateAttributes(RESOURCE, "idp")).toMatchObject({
      id: "idp",
      partner: "Oracle Identity Cloud Service",
      logins: THREE,
    });
    const again = await ws.plan();
    expect(again.stdout).toContain("No changes.");
    expect(again.code).toBe(0);

    ws.write(tabConfig({ ...THREE, asmith: "alice.smith@idcs.example.com" }));
    const changed = await ws.plan();
    expect(changed.code).toBe(2);
    expect(changed.stdout).toMatch(
      /~ "?asmith"? += "asmith@idcs\.example\.com" -> "alice\.smith@idcs\.example\.com"/,
    );
    expect(changed.stdout).toContain("# (2 unchanged elements hidden)");
    expect(changed.stdout).not.toContain(THREE.jdoe);
    expect(changed.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");

    expect(await writesDuring(() => ws.mustApply())).toEqual([
      "PUT /rest/v19/users/1002/integrations/idp",
    ]);
    expect((await idpTab())["1002"]).toBe("alice.smith@idcs.example.com");

    // Destroy removes the three logins, revoking the token a partner made for one of them.
    await fixture.sim.grantToken("1001", "idp");
    const destroyed = await writesDuring(() =>
      ws.must(["destroy", "-auto-approve", "-input=false", "-no-color"]),
    );
    expect(destroyed.sort()).toEqual([
      "DELETE /rest/v19/users/1001/integrations/idp",
      "DELETE /rest/v19/users/1002/integrations/idp",
      "DELETE /rest/v19/users/1003/integrations/idp",
      "POST /rest/v19/users/1001/integrations/idp/actions/revokeToken",
    ]);
    expect(await idpTab()).toEqual({});
  });

  // The simulator batches login reads (expand=integrations); per_user reads the tab one user at
  // a time, as a site that does not batch is read.
  it.each(["auto", "per_user"])(
    "exclusive (login_reads = %s): plans a login made outside Terraform as a removed key, and removes it",
    async (loginReads) => {
      await exclusiveTwo(ws);
      ws.write(tabConfig(TWO, { exclusive: true }, {}, { login_reads: loginReads }));
      await putOutOfBand("1003", "bruce@idcs.example.com");
      await fixture.sim.grantToken("1003", "idp");

      const plan = await ws.plan();
      expect(plan.code).toBe(2);
      expect(plan.stdout).toMatch(/- "?bwayne"? += "bruce@idcs\.example\.com" -> null/);
      expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
      const drift = await fixture.cpqSso(["drift", "--dir", ws.dir], { cwd: ws.dir });
      expect(drift.code).toBe(2);
      expect(drift.stdout).toContain('unmanaged_logins["bwayne"]');

      expect(await writesDuring(() => ws.mustApply())).toEqual([
        "POST /rest/v19/users/1003/integrations/idp/actions/revokeToken",
        "DELETE /rest/v19/users/1003/integrations/idp",
      ]);
      expect(await idpTab()).toEqual({ "1001": THREE.jdoe, "1002": THREE.asmith });
      expect((await ws.plan()).code).toBe(0);
    },
  );

  it("keeps what an update wrote when one entry fails, and the next plan shows only that entry", async () => {
    ws.write(tabConfig({ jdoe: THREE.jdoe }));
    await ws.init();
    await ws.mustApply();
    await fixture.sim.fault({
      method: "PUT",
      path: "/users/1002/integrations/idp$",
      kind: "status",
      status: 400,
    });
    ws.write(tabConfig(THREE));
    const failed = await ws.apply();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Could not save the login of "asmith" on tab "idp"');
    // Terraform wraps a diagnostic's detail at its terminal width.
    expect(failed.stderr.replace(/\s+/g, " ")).toContain(
      "the state holds what was written, so the next plan shows only what is left",
    );
    const plan = await ws.plan();
    expect(plan.stdout).not.toContain("tainted");
    expect(plan.stdout).toMatch(/\+ "?asmith"? += "asmith@idcs\.example\.com"/);
    expect(plan.stdout).toContain("# (2 unchanged elements hidden)");
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
  });

  it("a create with a refused write leaves nothing to taint: the second apply writes only the refused entry and deletes no declared login", async () => {
    await fixture.sim.fault({
      method: "PUT",
      path: "/users/1002/integrations/idp$",
      kind: "status",
      status: 400,
    });
    ws.write(tabConfig(THREE));
    await ws.init();
    const failed = await ws.apply();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Could not save the login of "asmith" on tab "idp"');
    expect(await idpTab()).toEqual({ "1001": THREE.jdoe, "1003": THREE.bwayne });
    // No state, so nothing for Terraform to taint (and replace, deleting what was written).
    expect(ws.stateAddresses()).toEqual([]);
    expect(failed.stderr.replace(/\s+/g, " ")).toContain("removes no declared login");
    // The partner issued a token to a login the failed create wrote: a replacement would revoke it.
    await fixture.sim.grantToken("1001", "idp");
    await fixture.sim.clearFaults();

    const plan = await ws.plan();
    expect(plan.stdout).not.toContain("tainted");
    expect(plan.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
    expect(plan.stdout.replace(/\s+/g, " ")).toContain(
      '2 declared logins are already on tab "idp" as declared',
    );
    expect(await writesDuring(() => ws.mustApply())).toEqual([
      "PUT /rest/v19/users/1002/integrations/idp",
    ]);
    expect(await idpTab()).toEqual({
      "1001": THREE.jdoe,
      "1002": THREE.asmith,
      "1003": THREE.bwayne,
    });
    expect((await fixture.sim.state()).integrations["1001"]?.idp?.tokenPresent).toBe(true);
    expect((await ws.plan()).code).toBe(0);
  });

  it("the plan that turns exclusive on shows each unlisted login removed by its key, drift stays 0 until it is applied, and the next plan is clean", async () => {
    const two = { jdoe: THREE.jdoe, asmith: THREE.asmith };
    ws.write(tabConfig(two));
    await ws.init();
    await ws.mustApply();
    await putOutOfBand("1003", "bruce@idcs.example.com");
    const drift = () =>
      fixture.cpqSso(["drift", "--dir", ws.dir, "--json", join(ws.dir, "d.json")], {
        cwd: ws.dir,
      });
    // Not exclusive: another user's login is none of this resource's business.
    expect((await ws.plan()).code).toBe(0);
    expect((await drift()).code).toBe(0);

    ws.write(tabConfig(two, { exclusive: true }));
    const plan = await ws.plan(["-out=flip.tfplan"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/~ unmanaged_logins += \{/);
    expect(plan.stdout).toMatch(/- "?bwayne"? += "bruce@idcs\.example\.com"/);
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    const shown = JSON.parse((await ws.must(["show", "-json", "flip.tfplan"])).stdout) as {
      resource_changes: {
        change: { before: Record<string, unknown>; after: Record<string, unknown> };
      }[];
    };
    expect(shown.resource_changes[0]?.change.before.unmanaged_logins).toEqual({
      bwayne: "bruce@idcs.example.com",
    });
    expect(shown.resource_changes[0]?.change.after.unmanaged_logins).toEqual({});
    // The pull-request comment counts the removal.
    const { readFileSync, writeFileSync } = await import("node:fs");
    writeFileSync(join(ws.dir, "flip.json"), JSON.stringify(shown));
    const md = join(ws.dir, "comment.md");
    const report = await fixture.cpqSso(["report", join(ws.dir, "flip.json"), "--markdown", md], {
      cwd: ws.dir,
    });
    expect(report.code).toBe(0);
    expect(readFileSync(md, "utf8")).toContain("`unmanaged_logins`: 1 login removed.");

    // The pull request is planned, not merged: main's configuration is still in sync.
    ws.write(tabConfig(two));
    expect((await drift()).code).toBe(0);

    ws.write(tabConfig(two, { exclusive: true }));
    expect(await writesDuring(() => ws.mustApply())).toEqual([
      "DELETE /rest/v19/users/1003/integrations/idp",
    ]);
    expect(await idpTab()).toEqual({ "1001": THREE.jdoe, "1002": THREE.asmith });
    const next = await ws.plan();
    expect(next.stdout).toContain("No changes.");
    expect(next.code).toBe(0);
    expect((await drift()).code).toBe(0);
  });

  // The per-login resource, checked for the same fault: its create is one write, so a refused
  // write leaves no state (the plugin server hands back the prior, null), and nothing is tainted.
  it("a cpq_user_integration_login create with a refused write leaves nothing to taint: the second apply saves it and deletes nothing", async () => {
    await fixture.sim.fault({
      method: "PUT",
      path: "/users/1002/integrations/idp$",
      kind: "status",
      status: 400,
    });
    ws.write({
      ...cpqProviderConfig(),
      resource: {
        cpq_user_integration_login: {
          asmith: { user_login: "asmith", tab: "idp", login: THREE.asmith },
        },
      },
    });
    await ws.init();
    expect((await ws.apply()).code).toBe(1);
    expect(ws.stateAddresses()).toEqual([]);
    await fixture.sim.clearFaults();
    // The second apply prints the plan it applies: no separate plan of the same configuration.
    let second: TfResult | undefined;
    expect(
      await writesDuring(async () => {
        second = await ws.mustApply();
      }),
    ).toEqual(["PUT /rest/v19/users/1002/integrations/idp"]);
    expect(second?.stdout).not.toContain("tainted");
    expect(second?.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
  });

  it("leaves no state when a create writes nothing, so the next plan is a plain create", async () => {
    await fixture.sim.fault({
      method: "PUT",
      path: "/integrations/idp$",
      kind: "status",
      status: 400,
      count: 3,
    });
    ws.write(tabConfig(THREE));
    await ws.init();
    const failed = await ws.apply();
    expect(failed.code).toBe(1);
    expect(ws.stateAddresses()).toEqual([]);
    const plan = await ws.plan();
    expect(plan.stdout).not.toContain("tainted");
    expect(plan.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
  });

  it("cpq-sso drift names the one entry changed behind Terraform's back, by its key", async () => {
    ws.write(tabConfig(THREE));
    await ws.init();
    await ws.mustApply();
    const drift = () =>
      fixture.cpqSso(["drift", "--dir", ws.dir, "--json", join(ws.dir, "d.json")], {
        cwd: ws.dir,
      });
    const inSync = await drift();
    expect(inSync.stderr).toBe("");
    expect(inSync.code).toBe(0);

    await putOutOfBand("1002", "someone-else@idcs.example.com");
    const drifted = await drift();
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toContain(
      'logins["asmith"]: declared "asmith@idcs.example.com", live "someone-else@idcs.example.com" (changed outside Terraform)',
    );
    const { readFileSync } = await import("node:fs");
    const report = JSON.parse(readFileSync(join(ws.dir, "d.json"), "utf8")) as DriftReport;
    expect(report.resources).toEqual([
      expect.objectContaining({
        address: `${RESOURCE}.idp`,
        attributes: [expect.objectContaining({ attribute: 'logins["asmith"]' })],
      }),
    ]);
  });

  it("imports the whole tab by its name, then plans no change", async () => {
    await putOutOfBand("1001", THREE.jdoe);
    await putOutOfBand("1003", THREE.bwayne);
    ws.write(
      tabConfig(
        { jdoe: THREE.jdoe, bwayne: THREE.bwayne },
        {},
        { import: [{ to: `${RESOURCE}.idp`, id: "idp" }] },
      ),
    );
    await ws.init();
    // The apply prints the plan it applies, and what its planning writes to stderr: no separate
    // plan of the same configuration.
    const applied = await ws.mustApply();
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toContain("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.");
    expect(ws.stateAttributes(RESOURCE, "idp").logins).toEqual({
      jdoe: THREE.jdoe,
      bwayne: THREE.bwayne,
    });
    expect((await ws.plan()).code).toBe(0);
  });

  it("refuses unknown users at plan, naming them, and a password tab, naming the resource to use", async () => {
    ws.write(tabConfig({ ...THREE, ghost: "ghost@idcs.example.com" }));
    await ws.init();
    const unknown = await ws.plan();
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('1 entry of "logins" names no CPQ user');
    expect(unknown.stderr).toContain('No CPQ user has the login "ghost"');

    ws.write({
      ...cpqProviderConfig(),
      resource: { [RESOURCE]: { erp: { tab: "erp", logins: { jdoe: "jdoe@erp.example.com" } } } },
    });
    const password = await ws.plan();
    expect(password.code).toBe(1);
    expect(password.stderr).toContain('Tab "erp" takes passwords');
    expect(password.stderr).toContain("cpq_user_integration_login");
    expect(await idpTab()).toEqual({});
  });
});
