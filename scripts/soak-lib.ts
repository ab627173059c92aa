/**
 * The soak: many plan/apply rounds of one stack (an SSO configuration and many partner logins)
 * under random transient faults injected into the CPQ simulator, with the real terraform and the
 * installed provider. Each round is sorted into converged, failed clearly, or went wrong; the last
 * must never happen. `scripts/soak.ts` runs it long, `test/e2e/reliability-soak.test.ts` short.
 * The fault choice comes from a seeded PRNG, so a run is reproducible.
 */
import { rmSync } from "node:fs";
import { startProviderSession } from "../provider/cli/exec";
import type { ProviderSession } from "../provider/cli/exec";
import { startSimulator } from "../simulator";
import type { FaultSpec, RunningSimulator } from "../simulator";
import { installProviderForTests } from "../tooling/install";
import { Prng } from "../tooling/prng";
import { SimAdmin } from "../tooling/sim-admin";
import {
  TAB,
  divergence,
  generatedUser,
  initialStack,
  stackConfig,
  stackEnv,
} from "../tooling/stack";
import type { StackSpec } from "../tooling/stack";
import { failedClearly, namedEndpoint, wrongSign } from "../tooling/terraform-output";
import { cpqEnv, terraformEnv } from "../tooling/terraform-env";
import { TfDir } from "../tooling/tf-dir";
import type { TfResult } from "../tooling/tf-dir";

// ---- faults ---------------------------------------------------------------------------------------

/** The kinds of transient fault the soak injects. */
const FAULT_KINDS = ["429", "503", "reset", "truncate", "latency"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** CPQ paths the faults aim at (regular expression sources, as the simulator takes them). */
const FAULT_PATHS = [
  "^/rest/v19/ssoConfiguration$",
  "^/rest/v19/users$",
  "^/rest/v19/integrationVendors$",
  "^/rest/v19/users/[^/]+/integrations/idp$",
  "/actions/revokeToken$",
] as const;

/** A random transient fault: it clears itself after a few requests. */
function randomFault(rng: Prng): { kind: FaultKind; spec: FaultSpec } {
  const kind = rng.pick(FAULT_KINDS);
  const path = rng.pick(FAULT_PATHS);
  switch (kind) {
    case "429":
      return {
        kind,
        spec: { path, kind: "status", status: 429, retryAfter: rng.int(0, 1), count: 1 },
      };
    case "503":
      return { kind, spec: { path, kind: "status", status: 503, count: rng.int(1, 3) } };
    case "reset":
      return { kind, spec: { path, kind: "reset", count: 1 } };
    case "truncate":
      return { kind, spec: { path, kind: "truncate", count: 1 } };
    case "latency":
      return {
        kind,
        spec: { path, kind: "latency", latencyMs: rng.int(50, 300), count: rng.int(1, 5) },
      };
  }
}

// ---- rounds ---------------------------------------------------------------------------------------

export type Outcome = "converged" | "failed clearly" | "went wrong";

/** What one round did and how it ended. */
export interface RoundResult {
  readonly round: number;
  readonly outcome: Outcome;
  readonly faults: readonly FaultKind[];
  /** Requests that met a terminal fault (status, reset, truncate), from the simulator's log. */
  readonly faultsMet: number;
  /** For a clear failure: the endpoint the error named. For a wrong one: what was wrong. */
  readonly note?: string;
  readonly ms: number;
}

/** Options of {@link runSoak}. */
export interface SoakOptions {
  readonly rounds: number;
  readonly logins: number;
  readonly seed: number;
  /** Called after each round, e.g. to print progress. */
  readonly onRound?: (r: RoundResult) => void;
  /**
   * Run every terraform command of the soak on one provider process, as `cpq-sso exec` does,
   * instead of Terraform starting the provider for each. @default false
   */
  readonly exec?: boolean;
}

/** Totals of a soak. */
export interface SoakReport {
  readonly rounds: number;
  readonly logins: number;
  readonly seed: number;
  readonly converged: number;
  readonly failedClearly: number;
  readonly wentWrong: number;
  readonly faultsInjected: Readonly<Record<FaultKind, number>>;
  readonly faultsMet: number;
  readonly results: readonly RoundResult[];
  readonly ms: number;
}

/** Changes the stack a little, so every round's apply has work. */
function mutate(spec: StackSpec, round: number, rng: Prng): StackSpec {
  const logins = [...spec.logins];
  const rotations = rng.int(1, 3);
  for (let k = 0; k < rotations; k++) {
    const i = rng.int(0, logins.length - 1);
    if (logins[i] !== null) logins[i] = `${generatedUser(i).userLogin}-${round}@idcs.example.com`;
  }
  if (rng.chance(0.2)) {
    // One login leaves the stack (a DELETE, with a token revoked first) or comes back (a PUT).
    const i = rng.int(0, logins.length - 1);
    logins[i] =
      logins[i] === null ? `${generatedUser(i).userLogin}-${round}@idcs.example.com` : null;
  }
  return {
    logoutUrl: rng.chance(0.5) ? `https://idp.example.com/logout/${round}` : spec.logoutUrl,
    storePass: rng.chance(0.2) ? `soak-store-pass-${round}` : spec.storePass,
    logins,
  };
}

/**
 * One round: the partner issues tokens to some logins (so rotating them revokes a token), the
 * stack changes, 0-3 transient faults are injected, terraform applies. Then, fault-free: a failed
 * apply must leave a plan that still shows work and an apply that converges; in every case a plan
 * must then be clean and CPQ and the state must hold exactly the stack.
 */
async function runRound(
  ctx: { tf: TfDir; sim: SimAdmin; rng: Prng },
  round: number,
  before: StackSpec,
): Promise<{ result: RoundResult; spec: StackSpec }> {
  const { tf, sim, rng } = ctx;
  const started = Date.now();
  const live = await sim.state();
  for (let i = 0; i < before.logins.length; i++) {
    const pn = generatedUser(i).partyNumber;
    const has = live.integrations[pn]?.[TAB];
    if (has && !has.tokenPresent && rng.chance(0.2)) await sim.grantToken(pn, TAB);
  }
  const spec = mutate(before, round, rng);
  tf.write(stackConfig(spec));
  const env = stackEnv(spec);

  await sim.clearRequests();
  const faults: FaultKind[] = [];
  const count = rng.int(0, 3);
  for (let k = 0; k < count; k++) {
    const f = randomFault(rng);
    faults.push(f.kind);
    await sim.fault(f.spec);
  }
  const applied = await tf.apply([], env);
  await sim.clearFaults();
  const faultsMet = (await sim.requests()).filter((r) => r.fault !== undefined).length;
  const end = (outcome: Outcome, note?: string) => ({
    result: {
      round,
      outcome,
      faults,
      faultsMet,
      ...(note === undefined ? {} : { note }),
      ms: Date.now() - started,
    },
    spec,
  });
  const out = (r: TfResult) => `${r.stdout}\n${r.stderr}`;

  const sign = wrongSign(out(applied));
  if (sign) return end("went wrong", `apply: ${sign}`);
  if (applied.timedOut) return end("went wrong", "apply hung (time limit)");
  let outcome: Outcome = "converged";
  let note: string | undefined;
  if (applied.code !== 0) {
    if (!failedClearly(applied)) {
      return end(
        "went wrong",
        `apply exit ${applied.code} without a clear error: ${out(applied).slice(-400)}`,
      );
    }
    outcome = "failed clearly";
    note = namedEndpoint(applied);
    // The following plan must be correct: it shows what is left (or nothing, when the failed
    // request had in fact been applied), never an error.
    const after = await tf.plan([], env);
    const s = wrongSign(out(after));
    if (s || (after.code !== 0 && after.code !== 2)) {
      return end(
        "went wrong",
        `plan after a failed apply: exit ${after.code} ${s ?? out(after).slice(-400)}`,
      );
    }
    const again = await tf.apply([], env);
    if (again.code !== 0 || wrongSign(out(again))) {
      return end(
        "went wrong",
        `fault-free apply after a failure: exit ${again.code} ${out(again).slice(-400)}`,
      );
    }
  }
  const check = await tf.plan([], env);
  if (check.code !== 0) {
    return end(
      "went wrong",
      `fault-free plan not clean: exit ${check.code} ${out(check).slice(-600)}`,
    );
  }
  const problems = await divergence(spec, sim, tf);
  if (problems.length) return end("went wrong", problems.join("; "));
  return end(outcome, note);
}

/** Runs a whole soak: its own simulator (loopback) and workspace, torn down at the end. */
export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const install = installProviderForTests();
  let simulator: RunningSimulator | undefined;
  let tf: TfDir | undefined;
  let session: ProviderSession | undefined;
  try {
    simulator = await startSimulator({ port: 0, generatedUsers: opts.logins });
    const sim = new SimAdmin(simulator.url);
    if (opts.exec === true) {
      // The provider gets the environment terraform would have passed it.
      session = await startProviderSession({
        env: terraformEnv(install.cliConfigFile, {
          CPQ_SSO_CODE_CACHE: install.codeCacheDir,
          ...cpqEnv(simulator),
        }),
      });
    }
    // The install's own code cache (or the run's, under jest), not the user's.
    tf = new TfDir(install, { ...cpqEnv(simulator), ...session?.env });
    let spec = initialStack(opts.logins);
    tf.write(stackConfig(spec));
    // init throws with terraform's output when it fails.
    await tf.init();
    const first = await tf.apply([], stackEnv(spec));
    if (first.code !== 0) throw new Error(`the fault-free first apply failed:\n${first.stderr}`);

    const rng = new Prng(opts.seed);
    const results: RoundResult[] = [];
    for (let round = 1; round <= opts.rounds; round++) {
      const r = await runRound({ tf, sim, rng }, round, spec);
      spec = r.spec;
      results.push(r.result);
      opts.onRound?.(r.result);
      if (r.result.outcome === "went wrong") {
        // The stack may be anywhere now; put it back so later rounds still measure something.
        await sim.clearFaults();
        await tf.apply([], stackEnv(spec));
      }
    }
    const faultsInjected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
      FaultKind,
      number
    >;
    for (const r of results) for (const k of r.faults) faultsInjected[k] += 1;
    return {
      rounds: opts.rounds,
      logins: opts.logins,
      seed: opts.seed,
      converged: results.filter((r) => r.outcome === "converged").length,
      failedClearly: results.filter((r) => r.outcome === "failed clearly").length,
      wentWrong: results.filter((r) => r.outcome === "went wrong").length,
      faultsInjected,
      faultsMet: results.reduce((n, r) => n + r.faultsMet, 0),
      results,
      ms: Date.now() - started,
    };
  } finally {
    tf?.dispose();
    await session?.stop();
    await simulator?.close();
    rmSync(install.dir, { recursive: true, force: true });
  }
}

/** The report as a markdown table, plus the rounds that did not converge. */
export function formatReport(r: SoakReport): string {
  const injected = FAULT_KINDS.map((k) => `${k}: ${r.faultsInjected[k]}`).join(", ");
  const total = FAULT_KINDS.reduce((n, k) => n + r.faultsInjected[k], 0);
  const lines = [
    "| figure | value |",
    "| --- | --- |",
    `| rounds | ${r.rounds} |`,
    `| logins in the stack | ${r.logins} (+ 1 SSO configuration) |`,
    `| seed | ${r.seed} |`,
    `| faults injected | ${total} (${injected}) |`,
    `| requests that met a status/reset/truncate fault | ${r.faultsMet} |`,
    `| converged | ${r.converged} |`,
    `| failed clearly | ${r.failedClearly} |`,
    `| went wrong | ${r.wentWrong} |`,
    `| time | ${(r.ms / 1000).toFixed(0)} s (${(r.ms / 1000 / Math.max(r.rounds, 1)).toFixed(1)} s per round) |`,
  ];
  const notable = r.results.filter((x) => x.outcome !== "converged");
  if (notable.length) {
    lines.push("", "Rounds that did not converge at once:");
    for (const x of notable) {
      lines.push(`- round ${x.round}: ${x.outcome}${x.note ? ` (${x.note})` : ""}`);
    }
  }
  return lines.join("\n");
}
