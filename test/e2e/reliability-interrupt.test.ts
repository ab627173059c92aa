// An apply interrupted mid-flight: terraform, and with it the provider, killed (SIGKILL to the
// process group) or stopped (SIGINT) while CPQ writes are in flight. The next plan must show
// exactly what is still to do, applying it must converge, and no side effect may happen twice.
import { describeWithTerraform } from "./harness";
import { E2eFixture } from "../support/e2e-fixture";
import type { SimAdmin, SimRequest } from "../../tooling/sim-admin";
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
import type { TfDir } from "../../tooling/tf-dir";

const LOGINS = 8;
const WRITE_LATENCY_MS = 1500;
const isWrite = (r: SimRequest): boolean =>
  r.path.includes("/integrations/idp") && r.method !== "GET";

/** Logins 0-4 rotated (each revokes its token first), 5 and 6 removed, a new logout URL. */
function target(base: StackSpec): StackSpec {
  return {
    ...base,
    logoutUrl: "https://idp.example.com/logout/after",
    logins: base.logins.map((l, i) =>
      i < 5 ? `${generatedUser(i).userLogin}-after@idcs` : i < 7 ? null : l,
    ),
  };
}

/** What is left to do for the target, judged from CPQ itself: the plan must show exactly this. */
async function remaining(sim: SimAdmin, spec: StackSpec): Promise<Record<string, string[]>> {
  const live = await sim.state();
  const out: Record<string, string[]> = {};
  if (live.sso.samlLogoutUrl !== spec.logoutUrl) out[`${SSO}.sso`] = ["update"];
  spec.logins.forEach((want, i) => {
    const have = live.integrations[generatedUser(i).partyNumber]?.idp?.login ?? null;
    if (have === want) return;
    out[`${LOGIN}.${loginName(i)}`] = want === null ? ["delete"] : ["update"];
  });
  return out;
}

/** Side effects CPQ performed more than once: revocations, deletions, saves per login. */
function duplicates(requests: readonly SimRequest[]): string[] {
  const done = new Map<string, number>();
  for (const r of requests) {
    const ok =
      (r.method === "DELETE" && r.status === 204) ||
      (r.method !== "GET" && r.method !== "DELETE" && r.status === 200);
    if (!ok || !r.path.startsWith("/rest/")) continue;
    const key = `${r.method} ${r.path}`;
    done.set(key, (done.get(key) ?? 0) + 1);
  }
  return [...done].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
}

describeWithTerraform("an apply interrupted mid-flight", () => {
  const fixture = new E2eFixture({ simulator: { generatedUsers: LOGINS } });
  let tf: TfDir;
  let base: StackSpec;

  beforeEach(async () => {
    tf = fixture.workspace();
    base = initialStack(LOGINS);
    tf.write(stackConfig(base));
    expect((await tf.init()).code).toBe(0);
    expect((await tf.apply([], stackEnv(base))).code).toBe(0);
    // The partner has issued a token to every login, so rotating or removing one revokes it.
    for (let i = 0; i < LOGINS; i++)
      await fixture.sim.grantToken(generatedUser(i).partyNumber, "idp");
    await fixture.sim.clearRequests();
  });
  afterEach(async () => {
    await fixture.sim.clearFaults();
  });

  /**
   * Starts the apply to the target one resource at a time with slow CPQ writes, waits until the
   * third write is in flight, and interrupts it with `interrupt`.
   */
  async function interruptedApply(
    spec: StackSpec,
    interrupt: (run: ReturnType<TfDir["startApply"]>) => void,
  ) {
    await fixture.sim.fault({
      path: "/integrations/idp",
      method: "PUT",
      kind: "latency",
      latencyMs: WRITE_LATENCY_MS,
    });
    await fixture.sim.fault({
      path: "/integrations/idp",
      method: "DELETE",
      kind: "latency",
      latencyMs: WRITE_LATENCY_MS,
    });
    tf.write(stackConfig(spec));
    const run = tf.startApply(["-parallelism=1"], stackEnv(spec));
    await waitFor("the third CPQ write in flight", async () => {
      const writes = (await fixture.sim.requests()).filter(isWrite);
      return writes.length >= 3 && writes.at(-1)?.status === 0 ? true : undefined;
    });
    interrupt(run);
    const result = await run.done;
    // The request CPQ was handling when terraform died still completes on CPQ's side.
    await waitFor("CPQ to finish the writes in flight", async () =>
      (await fixture.sim.requests()).every((r) => r.status !== 0) ? true : undefined,
    );
    await fixture.sim.clearFaults();
    return result;
  }

  /** After the interruption: the plan shows exactly what CPQ lacks; applying it converges once. */
  async function resumes(spec: StackSpec): Promise<void> {
    const expected = await remaining(fixture.sim, spec);
    // Something was really left undone, or the test would prove nothing.
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    const p = await plannedChanges(tf, stackEnv(spec));
    expect(wrongSign(p.output)).toBeUndefined();
    expect(p.code).toBe(2);
    expect(p.changes).toEqual(expected);
    // The plan just checked, applied from its file: what was checked is what runs.
    const applied = await tf.apply([p.planFile], stackEnv(spec));
    expect(wrongSign(`${applied.stdout}\n${applied.stderr}`)).toBeUndefined();
    expect(applied.code).toBe(0);
    expect((await tf.plan([], stackEnv(spec))).code).toBe(0);
    expect(await divergence(spec, fixture.sim, tf)).toEqual([]);
    expect(duplicates(await fixture.sim.requests())).toEqual([]);
  }

  it("resumes after terraform and the provider are killed, with no side effect twice", async () => {
    const spec = target(base);
    let pid = 0;
    const killed = await interruptedApply(spec, (run) => {
      pid = run.child.pid ?? 0;
      run.killGroup("SIGKILL");
    });
    expect(killed.code).not.toBe(0);
    // The provider plugins died with terraform: nothing is left in its process group.
    await waitFor("the process group to be gone", () => {
      try {
        process.kill(-pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    // SIGKILL leaves the local backend's lock info file behind, but the lock itself (an OS file
    // lock) died with the process: resuming needs no force-unlock.
    await resumes(spec);
  });

  it("stops gracefully on one SIGINT, saves what it finished, and the next apply does the rest once", async () => {
    const spec = target(base);
    const serialBefore = tf.state()!.serial;
    const stopped = await interruptedApply(spec, (run) => run.child.kill("SIGINT"));
    expect(`${stopped.stdout}\n${stopped.stderr}`).toMatch(/Interrupt received/);
    expect(stopped.code).toBe(1);
    expect(tf.lockInfoPresent()).toBe(false);
    // What finished before the interrupt is in the state.
    expect(tf.state()!.serial).toBeGreaterThan(serialBefore);
    await resumes(spec);
  });
});
