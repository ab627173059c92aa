// Two applies at once on the same state: terraform's state lock holds. Without a lock timeout the
// second fails with the lock error and sends nothing to CPQ; with one, it waits and then applies
// its own changes on top. Either way the state holds every resource and a following plan is clean.
import { describeWithTerraform } from "./harness";
import { E2eFixture } from "../support/e2e-fixture";
import type { SimRequest } from "../../tooling/sim-admin";
import {
  LOGIN,
  divergence,
  expectedAddresses,
  generatedUser,
  initialStack,
  loginName,
  stackConfig,
  stackEnv,
  waitFor,
} from "../../tooling/stack";
import type { StackSpec } from "../../tooling/stack";
import { wrongSign } from "../../tooling/terraform-output";
import type { TfDir, TfResult } from "../../tooling/tf-dir";

const LOGINS = 6;
const text = (r: TfResult): string => `${r.stdout}\n${r.stderr}`;
const saves = (rs: readonly SimRequest[]): SimRequest[] =>
  rs.filter((r) => r.method === "PUT" && r.status === 200);

describeWithTerraform("two applies at once on the same state", () => {
  const fixture = new E2eFixture({ simulator: { generatedUsers: LOGINS } });
  let tf: TfDir;
  /** Logins 0-2 declared; 3-5 left for the second apply to add. */
  let first: StackSpec;

  beforeEach(async () => {
    tf = fixture.workspace();
    const all = initialStack(LOGINS);
    first = { ...all, logins: all.logins.map((l, i) => (i < 3 ? l : null)) };
    // A state with the SSO configuration only, so the first apply has logins to create.
    tf.write(stackConfig({ ...first, logins: first.logins.map(() => null) }));
    expect((await tf.init()).code).toBe(0);
    expect((await tf.apply([], stackEnv(first))).code).toBe(0);
    await fixture.sim.clearRequests();
    // Slow saves keep the first apply holding the lock while the second one starts.
    await fixture.sim.fault({
      method: "PUT",
      path: "/integrations/idp$",
      kind: "latency",
      latencyMs: 2000,
    });
  });
  afterEach(async () => {
    await fixture.sim.clearFaults();
  });

  /** Starts the first apply and waits until it holds the lock with CPQ writes in flight. */
  async function startFirst() {
    tf.write(stackConfig(first));
    const run = tf.startApply([], stackEnv(first));
    await waitFor("the first apply to hold the lock and write to CPQ", async () =>
      tf.lockInfoPresent() && (await fixture.sim.requests()).some((r) => r.method === "PUT")
        ? true
        : undefined,
    );
    return run;
  }

  it("refuses the second apply with the lock error, and it sends nothing to CPQ", async () => {
    const one = await startFirst();
    const two = await tf.apply([], stackEnv(first));
    expect(two.code).toBe(1);
    expect(text(two)).toMatch(/Error acquiring the state lock/);
    const r1 = await one.done;
    expect(wrongSign(text(r1))).toBeUndefined();
    expect(r1.code).toBe(0);
    // Only the first apply's three logins were saved, once each.
    const all = saves(await fixture.sim.requests());
    expect(all.map((r) => r.path).sort()).toEqual(
      [0, 1, 2].map((i) => `/rest/v19/users/${generatedUser(i).partyNumber}/integrations/idp`),
    );
    expect(tf.stateAddresses().sort()).toEqual(expectedAddresses(first));
    await fixture.sim.clearFaults();
    expect((await tf.plan([], stackEnv(first))).code).toBe(0);
    expect(await divergence(first, fixture.sim, tf)).toEqual([]);
  });

  it("makes the second apply wait with -lock-timeout, then apply its own changes on top, losing nothing", async () => {
    const one = await startFirst();
    // The second apply declares every login; it may only plan once the first has saved its state.
    const both: StackSpec = initialStack(LOGINS);
    tf.write(stackConfig(both));
    const two = tf.startApply(["-lock-timeout=120s"], stackEnv(both));
    const [r1, r2] = await Promise.all([one.done, two.done]);
    expect(wrongSign(text(r1))).toBeUndefined();
    expect(wrongSign(text(r2))).toBeUndefined();
    expect(r1.code).toBe(0);
    expect(r2.code).toBe(0);
    // The second apply saw the first one's work in the state and only added the rest.
    expect(r2.stdout).toMatch(/Plan: 3 to add, 0 to change, 0 to destroy/);
    const all = saves(await fixture.sim.requests());
    expect(all).toHaveLength(LOGINS);
    expect(new Set(all.map((r) => r.path)).size).toBe(LOGINS);
    expect(tf.stateAddresses().sort()).toEqual(expectedAddresses(both));
    expect(tf.stateAddresses()).toContain(`${LOGIN}.${loginName(LOGINS - 1)}`);
    await fixture.sim.clearFaults();
    expect((await tf.plan([], stackEnv(both))).code).toBe(0);
    expect(await divergence(both, fixture.sim, tf)).toEqual([]);
  });
});
