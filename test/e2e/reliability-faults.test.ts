// Faults during plan and apply, injected into the simulator, with the real terraform and the
// installed provider: transient faults are ridden out, persistent ones fail with an error naming
// the endpoint, and in both cases the following plan is correct. Terraform must never report an
// inconsistent result. The stack is the soak's (scripts/soak-lib.ts), with three logins.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FaultSpec } from "../../simulator";
import { describeWithTerraform } from "./harness";
import { E2eFixture } from "../support/e2e-fixture";
import { sha256 } from "../../tooling/sim-admin";
import type { SimRequest } from "../../tooling/sim-admin";
import {
  LOGIN,
  SSO,
  divergence,
  generatedUser,
  initialStack,
  loginName,
  plannedChanges,
  stackConfig,
  stackEnv,
  waitFor,
} from "../../tooling/stack";
import type { StackSpec } from "../../tooling/stack";
import { wrongSign } from "../../tooling/terraform-output";
import { terraformEnv } from "../../tooling/terraform-env";
import type { TfDir, TfResult } from "../../tooling/tf-dir";

const LOGINS = 3;
const CPQ_SSO_BIN = join(__dirname, "..", "..", "bin", "cpq-sso.js");
const SSO_PATH = "/rest/v19/ssoConfiguration";
const loginPath = (i: number): string =>
  `/rest/v19/users/${generatedUser(i).partyNumber}/integrations/idp`;

/** The baseline stack with logins 0 and 1 rotated and a new logout URL: a POST and two PUTs. */
function changed(spec: StackSpec): StackSpec {
  return {
    ...spec,
    logoutUrl: "https://idp.example.com/logout/changed",
    logins: spec.logins.map((l, i) => (i < 2 ? `${generatedUser(i).userLogin}-changed@idcs` : l)),
  };
}

const text = (r: TfResult): string => `${r.stdout}\n${r.stderr}`;
/** Terraform's wrapped diagnostics may break a line between method and path. */
const names = (r: TfResult, method: string, path: string): boolean =>
  new RegExp(`${method}\\s+${path.replace(/[/.]/g, "\\$&")}`).test(text(r));

/** A keystore other than the stack's: a change of a readable setting CPQ restarts for. */
const ROTATED_KEYSTORE = Buffer.from("soak-keystore-rotated").toString("base64");

/**
 * The stack with the SSO settings overridden by `sso`, and the restart outputs a pipeline reads
 * (as the SsoConfiguration construct adds them).
 */
function restartStack(
  spec: StackSpec,
  sso: Record<string, unknown> = {},
  provider?: Record<string, unknown>,
): Record<string, unknown> {
  const config = stackConfig(spec, provider) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  const res = config.resource[SSO]!;
  res.sso = { ...res.sso, ...sso };
  const ref = (a: string) => ({ value: `\${${SSO}.sso.${a}}` });
  return {
    ...config,
    output: {
      restart_required: ref("restart_required"),
      restart_pending_since: ref("restart_pending_since"),
    },
  };
}

describeWithTerraform("terraform under injected CPQ faults", () => {
  const fixture = new E2eFixture({ simulator: { generatedUsers: LOGINS } });
  let tf: TfDir;
  const base: StackSpec = initialStack(LOGINS);
  /** The baseline workspace: initialized, `base` applied; each test works in a copy of it. */
  let template: TfDir;

  /** Every run of a test goes through here: none may show Terraform or the provider misbehaving. */
  const sane = (r: TfResult): TfResult => {
    expect(wrongSign(text(r))).toBeUndefined();
    expect(r.timedOut).toBe(false);
    return r;
  };
  const apply = async (spec: StackSpec, provider?: Record<string, unknown>) => {
    tf.write(stackConfig(spec, provider));
    return sane(await tf.apply([], stackEnv(spec)));
  };
  const plan = async (spec: StackSpec) => sane(await tf.plan([], stackEnv(spec)));
  const faults = async (...specs: FaultSpec[]) => {
    for (const s of specs) await fixture.sim.fault(s);
  };
  const logged = (method: string, path: string): Promise<SimRequest[]> =>
    fixture.sim.requests().then((rs) => rs.filter((r) => r.method === method && r.path === path));
  /** After a failure, fault-free: the plan shows the remaining change, and applying it converges. */
  const recovers = async (spec: StackSpec, expected: Record<string, string[]>) => {
    await fixture.sim.clearFaults();
    const p = await plannedChanges(tf, stackEnv(spec));
    expect(wrongSign(p.output)).toBeUndefined();
    expect(p.code).toBe(2);
    expect(p.changes).toEqual(expected);
    // The plan just checked, applied from its file: what was checked is what runs.
    expect(sane(await tf.apply([p.planFile], stackEnv(spec))).code).toBe(0);
    expect((await plan(spec)).code).toBe(0);
    expect(await divergence(spec, fixture.sim, tf)).toEqual([]);
  };

  // The baseline every test starts from, built once: the init and apply of the stack are the set-up
  // of each test, not its subject, and cost seconds of CPU each. The simulator keeps a checkpoint
  // of the state the apply left, and each test restores it (after the fixture's reset) and works
  // in a copy of the workspace, so it sees the site and the terraform state it would have seen
  // after its own init and apply.
  beforeAll(async () => {
    template = fixture.workspace();
    template.write(stackConfig(base));
    expect((await template.init()).code).toBe(0);
    expect(sane(await template.apply([], stackEnv(base))).code).toBe(0);
    await fixture.sim.checkpoint();
  });
  beforeEach(async () => {
    await fixture.sim.restore();
    tf = fixture.workspaceFrom(template);
    await fixture.sim.clearRequests();
  });
  afterEach(async () => {
    await fixture.sim.clearFaults();
  });

  it("waits out 429s with Retry-After during plan and apply, and converges", async () => {
    const spec = changed(base);
    await faults(
      {
        method: "GET",
        path: "^/rest/v19/users$",
        kind: "status",
        status: 429,
        retryAfter: 1,
        count: 2,
      },
      { method: "POST", path: `^${SSO_PATH}$`, kind: "status", status: 429, retryAfter: 1 },
      {
        method: "PUT",
        path: "/integrations/idp$",
        kind: "status",
        status: 429,
        retryAfter: 0,
        count: 2,
      },
    );
    const r = await apply(spec);
    expect(r.code).toBe(0);
    const all = await fixture.sim.requests();
    expect(all.filter((x) => x.status === 429)).toHaveLength(5);
    // The POST was retried no sooner than CPQ asked.
    const posts = await logged("POST", SSO_PATH);
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    const [first, second] = posts as [SimRequest, SimRequest];
    expect(Date.parse(second.at) - Date.parse(first.at)).toBeGreaterThanOrEqual(1000);
    expect((await plan(spec)).code).toBe(0);
    expect(await divergence(spec, fixture.sim, tf)).toEqual([]);
  });

  it("rides out bursts of 503s on reads and writes, and converges", async () => {
    const spec = changed(base);
    await faults(
      {
        method: "GET",
        path: "^/rest/v19/integrationVendors$",
        kind: "status",
        status: 503,
        count: 3,
      },
      { method: "GET", path: `^${SSO_PATH}$`, kind: "status", status: 503, count: 3 },
      { method: "PUT", path: "/integrations/idp$", kind: "status", status: 503, count: 3 },
      { method: "POST", path: `^${SSO_PATH}$`, kind: "status", status: 502, count: 2 },
    );
    expect((await apply(spec)).code).toBe(0);
    expect((await fixture.sim.requests()).filter((x) => x.status >= 502)).toHaveLength(11);
    expect((await plan(spec)).code).toBe(0);
    expect(await divergence(spec, fixture.sim, tf)).toEqual([]);
  });

  it("rides out connection resets and truncated bodies, sending the SSO change once", async () => {
    const spec = changed(base);
    await faults(
      { method: "POST", path: `^${SSO_PATH}$`, kind: "reset" },
      { method: "PUT", path: "/integrations/idp$", kind: "truncate", count: 2 },
      { method: "GET", path: "^/rest/v19/users$", kind: "truncate" },
      { method: "GET", path: "^/rest/v19/integrationVendors$", kind: "reset" },
    );
    expect((await apply(spec)).code).toBe(0);
    expect((await fixture.sim.requests()).filter((x) => x.fault !== undefined)).toHaveLength(5);
    // A reset POST was never handled: CPQ saw the change exactly once.
    expect((await logged("POST", SSO_PATH)).map((p) => p.status)).toEqual([0, 200]);
    expect((await plan(spec)).code).toBe(0);
    expect(await divergence(spec, fixture.sim, tf)).toEqual([]);
  });

  it("reports the restart as needed when the answer to an SSO POST that changed a password was cut off and the repeat answered false", async () => {
    // The keystore store password is a setting CPQ restarts for.
    const spec = { ...base, storePass: "soak-store-pass-rotated" };
    await faults({ method: "POST", path: `^${SSO_PATH}$`, kind: "truncate" });
    const r = await apply(spec);
    expect(r.code).toBe(0);
    // CPQ applied the first POST (its answer was cut off) and answered the repeat "no restart".
    expect((await logged("POST", SSO_PATH)).map((p) => p.status)).toEqual([200, 200]);
    const sso = tf.state()?.resources.find((x) => x.type === "cpq_sso_configuration");
    expect(sso?.instances[0]?.attributes.restart_required).toBe(true);
    expect(text(r)).toContain("CPQ requires a server restart");
    expect(text(r).replace(/\s+/g, " ")).toContain("The answer to the first POST was lost");
  });

  it("converges through slow answers on every CPQ path", async () => {
    const spec = changed(base);
    await faults({ path: "^/rest/", kind: "latency", latencyMs: 300 });
    expect((await apply(spec)).code).toBe(0);
    await fixture.sim.clearFaults();
    expect((await plan(spec)).code).toBe(0);
    expect(await divergence(spec, fixture.sim, tf)).toEqual([]);
  });

  it("fails clearly on a 500 to the SSO POST, keeps the other changes, and the next plan shows the rest", async () => {
    const spec = changed(base);
    await faults({ method: "POST", path: `^${SSO_PATH}$`, kind: "status", status: 500 });
    const r = await apply(spec);
    expect(r.code).toBe(1);
    expect(names(r, "POST", SSO_PATH)).toBe(true);
    expect(text(r)).toMatch(/500 Internal Server Error/);
    // A 500 is not retried: CPQ may have a real fault, and the user must hear of it.
    expect(await logged("POST", SSO_PATH)).toHaveLength(1);
    // The logins' PUTs are independent of the SSO POST and went through.
    expect((await fixture.sim.state()).integrations[generatedUser(0).partyNumber]?.idp?.login).toBe(
      spec.logins[0],
    );
    await recovers(spec, { [`${SSO}.sso`]: ["update"] });
  });

  it("fails clearly after its retries when 503s persist on a login's PUT, and the next plan shows that login", async () => {
    const spec = changed(base);
    await faults({
      method: "PUT",
      path: `^${loginPath(0)}$`,
      kind: "status",
      status: 503,
      count: 1000,
    });
    const r = await apply(spec, { max_retries: 2, request_timeout: 10 });
    expect(r.code).toBe(1);
    expect(names(r, "PUT", loginPath(0))).toBe(true);
    expect(text(r)).toMatch(/503 Service Unavailable/);
    // Bounded: the first attempt and max_retries more.
    expect(await logged("PUT", loginPath(0))).toHaveLength(3);
    await recovers(spec, { [`${LOGIN}.${loginName(0)}`]: ["update"] });
  });

  it("fails the plan clearly when the users list keeps failing, and plans correctly once it heals", async () => {
    const spec = changed(base);
    tf.write(stackConfig(spec, { max_retries: 1, request_timeout: 10 }));
    await faults({ method: "GET", path: "^/rest/v19/users$", kind: "reset", count: 1000 });
    const r = await plan(spec);
    expect(r.code).toBe(1);
    expect(names(r, "GET", "/rest/v19/users")).toBe(true);
    expect(text(r)).toMatch(/closed the connection/);
    await fixture.sim.clearFaults();
    const p = await plannedChanges(tf, stackEnv(spec));
    expect(p.code).toBe(2);
    expect(p.changes).toEqual({
      [`${SSO}.sso`]: ["update"],
      [`${LOGIN}.${loginName(0)}`]: ["update"],
      [`${LOGIN}.${loginName(1)}`]: ["update"],
    });
  });

  it("reports a timeout naming the endpoint, and the next plan sees the write CPQ finished late", async () => {
    const spec = changed(base);
    await faults({ method: "PUT", path: `^${loginPath(1)}$`, kind: "latency", latencyMs: 2500 });
    const r = await apply(spec, { max_retries: 2, request_timeout: 1 });
    expect(r.code).toBe(1);
    expect(names(r, "PUT", loginPath(1))).toBe(true);
    expect(text(r)).toMatch(/no complete answer within\s+1000 ms/);
    // A timeout is not retried (the outcome is unknown and the site is slow): one PUT only.
    await fixture.sim.clearFaults();
    const puts = await waitFor("the slow PUT to finish", async () => {
      const p = await logged("PUT", loginPath(1));
      return p.every((x) => x.status !== 0) ? p : undefined;
    });
    expect(puts.map((p) => p.status)).toEqual([200]);
    // CPQ did save it, late: the refresh finds it, so nothing is left to do for that login.
    tf.write(stackConfig(spec));
    const p = await plannedChanges(tf, stackEnv(spec));
    expect(p.code).toBe(0);
    expect(p.changes).toEqual({});
    expect(await divergence(spec, fixture.sim, tf)).toEqual([]);
  });

  it("retries a token revocation whose answer was cut off (revoking twice is harmless), and converges", async () => {
    await fixture.sim.grantToken(generatedUser(0).partyNumber, "idp");
    const spec = changed(base);
    await faults({ method: "POST", path: "/actions/revokeToken$", kind: "truncate" });
    expect((await apply(spec)).code).toBe(0);
    const revoke = `${loginPath(0)}/actions/revokeToken`;
    // The first answer was lost after CPQ revoked; the retry revoked nothing more.
    expect((await logged("POST", revoke)).map((x) => x.status)).toEqual([200, 200]);
    const live = (await fixture.sim.state()).integrations[generatedUser(0).partyNumber]?.idp;
    expect(live).toMatchObject({ login: spec.logins[0], tokenPresent: false });
    expect((await plan(spec)).code).toBe(0);
    expect(await divergence(spec, fixture.sim, tf)).toEqual([]);
  });

  it("waits out a 429 on a token revocation, and converges", async () => {
    await fixture.sim.grantToken(generatedUser(0).partyNumber, "idp");
    const spec = changed(base);
    await faults({
      method: "POST",
      path: "/actions/revokeToken$",
      kind: "status",
      status: 429,
      retryAfter: 0,
    });
    expect((await apply(spec)).code).toBe(0);
    const revoke = `${loginPath(0)}/actions/revokeToken`;
    expect((await logged("POST", revoke)).map((x) => x.status)).toEqual([429, 200]);
    expect((await plan(spec)).code).toBe(0);
    expect(await divergence(spec, fixture.sim, tf)).toEqual([]);
  });

  describe("a restart CPQ asked for (or may have) reaches every run after the fault", () => {
    it("cpq-sso ci apply interrupted while the SSO POST is in flight: terraform stops gracefully, and the recipe still writes restart_required=true", async () => {
      const sso = { saml_request_keystore: ROTATED_KEYSTORE };
      tf.write(restartStack(base, sso));
      await faults({ method: "POST", path: `^${SSO_PATH}$`, kind: "latency", latencyMs: 3000 });
      const out = join(tf.dir, "github-output");
      writeFileSync(out, "");
      const child = spawn(process.execPath, [CPQ_SSO_BIN, "ci", "apply", tf.dir], {
        cwd: tf.dir,
        env: terraformEnv(fixture.install.cliConfigFile, {
          CPQ_SSO_CODE_CACHE: fixture.install.codeCacheDir,
          ...fixture.env({ ...stackEnv(base), GITHUB_OUTPUT: out }),
        }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      await waitFor("the SSO POST in flight", async () =>
        (await logged("POST", SSO_PATH)).some((p) => p.status === 0) ? true : undefined,
      );
      // The runner's cancel: one SIGINT to the recipe's process.
      child.kill("SIGINT");
      const code = await exited;
      expect(output).toMatch(/Interrupt received/);
      expect(code).toBe(130);
      expect(readFileSync(out, "utf8")).toMatch(/^restart_required=true$/m);
      expect(tf.stateAttributes(SSO, "sso").restart_required).toBe(true);
    });

    const restartOutput = async (): Promise<unknown> =>
      (await tf.outputs()).restart_required?.value;
    const applyRestart = async (
      spec: StackSpec,
      sso: Record<string, unknown> = {},
      provider?: Record<string, unknown>,
    ) => {
      tf.write(restartStack(spec, sso, provider));
      return sane(await tf.apply([], stackEnv(spec)));
    };
    // The stack's first apply (a create that sent the keystore) left a restart pending: it was
    // done, so to speak, before each test. That acknowledgement is applied once, in a workspace
    // of its own, and kept as a second baseline (a named checkpoint beside the file's): each test
    // here starts from a copy of it, with the site as that apply left it.
    let acknowledged: TfDir;
    beforeAll(async () => {
      await fixture.sim.reset();
      await fixture.sim.restore();
      acknowledged = fixture.workspaceFrom(template);
      acknowledged.write(restartStack(base, { restart_done_at: new Date().toISOString() }));
      expect((await acknowledged.apply([], stackEnv(base))).code).toBe(0);
      expect((await acknowledged.outputs()).restart_required?.value).toBe(false);
      await fixture.sim.checkpoint("acknowledged");
    });
    beforeEach(async () => {
      await fixture.sim.restore("acknowledged");
      tf = fixture.workspaceFrom(acknowledged);
      await fixture.sim.clearRequests();
    });
    /** `cpq-sso report --apply` of the state file: the line it writes to $GITHUB_OUTPUT. */
    const reportApply = async (): Promise<string | undefined> => {
      const r = await fixture.cpqSso(["report", "--apply", join(tf.dir, "terraform.tfstate")], {
        cwd: tf.dir,
      });
      return /^restart_required=(true|false)$/m.exec(r.stdout)?.[1];
    };
    /** The second apply after the fault, fault-free, and the acknowledgement after it. */
    const staysPendingUntilAcknowledged = async (spec: StackSpec, sso: Record<string, unknown>) => {
      await fixture.sim.clearFaults();
      const since = tf.stateAttributes(SSO, "sso").restart_pending_since;
      expect(typeof since).toBe("string");
      expect((await applyRestart(spec, sso)).code).toBe(0);
      expect(await restartOutput()).toBe(true);
      expect(await reportApply()).toBe("true");
      expect(tf.stateAttributes(SSO, "sso").restart_pending_since).toBe(since);
      expect((await applyRestart(spec, { ...sso, restart_done_at: since })).code).toBe(0);
      expect(await restartOutput()).toBe(false);
      expect(await reportApply()).toBe("false");
    };

    it("the answer to the SSO POST cut off on every attempt: CPQ holds the settings, so the apply succeeds with the restart", async () => {
      const spec = { ...changed(base), storePass: "soak-store-pass-rotated" };
      await faults({ method: "POST", path: `^${SSO_PATH}$`, kind: "truncate", count: 1000 });
      const r = await applyRestart(spec, {}, { max_retries: 1, request_timeout: 10 });
      expect(r.code).toBe(0);
      // Both attempts were applied and cut off; the read-back settled it, with no third POST.
      expect((await logged("POST", SSO_PATH)).map((p) => p.status)).toEqual([200, 200]);
      expect(text(r).replace(/\s+/g, " ")).toContain(
        "it holds the new settings; the changed saml_store_pass_wo needs a restart per the provider's attribute table",
      );
      expect(await restartOutput()).toBe(true);
      await staysPendingUntilAcknowledged(spec, {});
    });

    it("the answer to the SSO POST later than request_timeout: CPQ holds the settings, so the apply succeeds with the restart, and the second apply still reports it", async () => {
      const spec = { ...changed(base), storePass: "soak-store-pass-rotated" };
      await faults({ method: "POST", path: `^${SSO_PATH}$`, kind: "late", latencyMs: 2500 });
      const r = await applyRestart(spec, {}, { max_retries: 2, request_timeout: 1 });
      expect(r.code).toBe(0);
      expect(text(r)).toMatch(/CPQ's answer was lost/);
      expect(await restartOutput()).toBe(true);
      await staysPendingUntilAcknowledged(spec, {});
    });

    it("terraform killed right after CPQ applied the POST: the next apply's refresh finds the changed keystore and reports the restart", async () => {
      const sso = { saml_request_keystore: ROTATED_KEYSTORE };
      // The answer never comes in time: terraform is killed while CPQ has applied the POST.
      await faults({ method: "POST", path: `^${SSO_PATH}$`, kind: "late", latencyMs: 60_000 });
      tf.write(restartStack(base, sso));
      const run = tf.startApply([], stackEnv(base));
      await waitFor("CPQ to apply the POST", async () => {
        const held = (await fixture.sim.state()).sso.samlRequestKeyStore;
        return typeof held === "object" && held.sha256 === sha256(ROTATED_KEYSTORE)
          ? true
          : undefined;
      });
      run.killGroup("SIGKILL");
      expect((await run.done).code).not.toBe(0);
      // Nothing of the answer reached the state.
      expect(tf.stateAttributes(SSO, "sso").restart_required).not.toBe(true);
      await fixture.sim.clearFaults();
      // The nightly drift check, read-only, finds it too.
      const drift = await fixture.cpqSso(["drift", "--dir", tf.dir], {
        cwd: tf.dir,
        env: stackEnv(base),
      });
      expect(drift.stdout).toMatch(
        /cpq_sso_configuration\.sso: a restart has been pending since \d{4}-/,
      );
      const r = await applyRestart(base, sso);
      expect(r.code).toBe(0);
      expect(await restartOutput()).toBe(true);
      expect(tf.stateAttributes(SSO, "sso").restart_pending_reason).toBe(
        "a setting that needs a restart changed without a recorded answer (saml_request_keystore): an interrupted apply or a change outside Terraform",
      );
      await staysPendingUntilAcknowledged(base, sso);
    });

    it("an SSO change that needs a restart and a login that fails, through cpq-sso ci apply twice: both runs write restart_required=true, and false after the acknowledgement", async () => {
      const sso = { saml_request_keystore: ROTATED_KEYSTORE };
      const spec = changed(base);
      tf.write(restartStack(spec, sso));
      await faults({
        method: "PUT",
        path: `^${loginPath(0)}$`,
        kind: "status",
        status: 400,
        count: 1000,
      });
      const ciApply = async (n: number) => {
        const out = join(tf.dir, `github-output-${n}`);
        const summary = join(tf.dir, `summary-${n}.md`);
        writeFileSync(out, "");
        const r = await fixture.cpqSso(["ci", "apply", tf.dir], {
          cwd: tf.dir,
          env: { ...stackEnv(spec), GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary },
        });
        // Written by the recipe; missing, the assertions below say what was not reported.
        const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
        return { ...r, output: read(out), summary: read(summary) };
      };
      const first = await ciApply(1);
      expect(first.code).toBe(1);
      expect(first.stderr).toMatch(/400/);
      expect(first.output).toMatch(/^restart_required=true$/m);
      expect(first.output).toMatch(/^restart_pending_since=\d{4}-\d\d-\d\dT/m);
      expect(first.summary).toContain("restart required");
      expect(first.summary).toContain("CPQ SSO apply failed (exit 1)");

      await fixture.sim.clearFaults();
      const second = await ciApply(2);
      expect(second.code).toBe(0);
      expect(second.output).toMatch(/^restart_required=true$/m);
      expect(second.stdout).toMatch(/a restart has been pending since/);

      const since = tf.stateAttributes(SSO, "sso").restart_pending_since as string;
      tf.write(restartStack(spec, { ...sso, restart_done_at: since }));
      const third = await ciApply(3);
      expect(third.code).toBe(0);
      expect(third.output).toMatch(/^restart_required=false$/m);
    });
  });
});
