/**
 * The soak: many plan/apply rounds of one stack (an SSO configuration and many partner logins)
 * under random transient faults injected into the CPQ simulator, with the real terraform and the
 * installed provider. Each round is sorted into converged, failed clearly, or went wrong; the last
 * must never happen. `scripts/soak.ts` runs it long, `test/e2e/reliability-soak.test.ts` short.
 * The fault choice comes from a seeded PRNG, so a run is reproducible.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTerraform } from "../provider/cli/terraform";
import type { TerraformResult, TerraformRun } from "../provider/cli/terraform";
import { installProvider } from "../provider/cli/install";
import { startSimulator } from "../simulator";
import type { FaultSpec, RunningSimulator } from "../simulator";
import { cpqEnv, terraformEnv } from "./terraform-env";

const REPO = join(__dirname, "..");

// ---- a seeded PRNG --------------------------------------------------------------------------------

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Prng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(list: readonly T[]): T {
    const v = list[this.int(0, list.length - 1)];
    if (v === undefined) throw new Error("pick from an empty list");
    return v;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---- terraform, with a time limit and its own process group ---------------------------------------

/** What a terraform run ended with. */
/** A finished terraform run (the shared runner's result). */
export type TfResult = TerraformResult;

/** A terraform run under way (the shared runner's). */
export type TfRun = TerraformRun;

/**
 * A terraform working directory with a JSON configuration, run through the shared runner
 * (provider/cli/terraform.ts): a process group of its own, so a test can kill terraform with its
 * provider plugins, and a time limit, so a hung terraform cannot hang the caller.
 */
export class TfDir {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(cliConfigFile: string, env: Record<string, string>) {
    this.dir = mkdtempSync(join(tmpdir(), "cpq-sso-rel-"));
    this.env = terraformEnv(cliConfigFile, env);
  }

  write(config: unknown): void {
    writeFileSync(join(this.dir, "main.tf.json"), JSON.stringify(config, null, 2));
  }

  start(
    args: readonly string[],
    opts: { timeoutMs?: number; env?: Record<string, string> } = {},
  ): TfRun {
    return startTerraform(args, {
      cwd: this.dir,
      env: { ...this.env, ...opts.env },
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    });
  }

  run(
    args: readonly string[],
    opts: { timeoutMs?: number; env?: Record<string, string> } = {},
  ): Promise<TfResult> {
    return this.start(args, opts).done;
  }

  init(): Promise<TfResult> {
    return this.run(["init", "-input=false", "-no-color"]);
  }

  /** `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
  plan(extra: readonly string[] = [], env: Record<string, string> = {}): Promise<TfResult> {
    return this.run(["plan", "-input=false", "-no-color", "-detailed-exitcode", ...extra], { env });
  }

  apply(extra: readonly string[] = [], env: Record<string, string> = {}): Promise<TfResult> {
    return this.run(["apply", "-input=false", "-no-color", "-auto-approve", ...extra], { env });
  }

  startApply(extra: readonly string[] = [], env: Record<string, string> = {}): TfRun {
    return this.start(["apply", "-input=false", "-no-color", "-auto-approve", ...extra], { env });
  }

  /** The state file, parsed; undefined when there is none. */
  state(): TfState | undefined {
    const file = join(this.dir, "terraform.tfstate");
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, "utf8")) as TfState;
  }

  /** `type.name` of every resource instance in the state. */
  stateAddresses(): string[] {
    return (this.state()?.resources ?? []).flatMap((r) =>
      r.instances.map(() => `${r.type}.${r.name}`),
    );
  }

  /** Whether terraform left its lock info file (local backend) behind. */
  lockInfoPresent(): boolean {
    return existsSync(join(this.dir, ".terraform.tfstate.lock.info"));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The part of a state file the reliability checks read. */
export interface TfState {
  readonly serial: number;
  readonly resources: readonly {
    readonly type: string;
    readonly name: string;
    readonly instances: readonly { readonly attributes: Record<string, unknown> }[];
  }[];
}

/** Installs the built provider bundle into a fresh mirror; returns the CLI configuration file. */
export function installBuiltProvider(): { cliConfigFile: string; dir: string } {
  if (!existsSync(join(REPO, "dist", "provider.js"))) {
    throw new Error("dist/provider.js is missing: run `npm run build` first.");
  }
  const dir = mkdtempSync(join(tmpdir(), "cpq-sso-mirror-"));
  return { cliConfigFile: installProvider({ dir }).cliConfigFile, dir };
}

// ---- how a terraform run ended --------------------------------------------------------------------

/** Output that must never appear: Terraform's or the plugin's own failure, not a CPQ fault. */
const WRONG = [
  /inconsistent result/i,
  /inconsistent final plan/i,
  /Provider produced invalid/i,
  /panic/i,
  /plugin (exited|crashed|did not respond)/i,
  /unexpected EOF/i,
  /rpc error/i,
  // A bug in the provider surfaces as a JavaScript error message in a diagnostic.
  /Cannot read propert|is not a function|is not defined|Maximum call stack/,
];

/** The first line of `text` showing Terraform or the provider misbehaving, if any. */
export function wrongSign(text: string): string | undefined {
  for (const re of WRONG) {
    const m = re.exec(text);
    if (m) {
      const start = text.lastIndexOf("\n", m.index) + 1;
      const end = text.indexOf("\n", m.index);
      return text.slice(start, end === -1 ? undefined : end).trim();
    }
  }
  return undefined;
}

/** A CPQ request named in an error: `METHOD /path`. */
// Terraform wraps diagnostics at about 78 columns, so method and path may be a line apart.
const ENDPOINT = /\b(GET|POST|PUT|DELETE)\s+\/rest\/v\d+\/[^\s:]+/;

/**
 * Whether a failed run failed clearly: exit 1, an `Error:` block naming the CPQ endpoint that
 * failed, and no sign of Terraform or the provider misbehaving.
 */
export function failedClearly(r: TfResult): boolean {
  const out = `${r.stdout}\n${r.stderr}`;
  return (
    r.code === 1 &&
    !r.timedOut &&
    /Error: /.test(out) &&
    ENDPOINT.test(out) &&
    wrongSign(out) === undefined
  );
}

/** The endpoint an error names, for reports. */
export function namedEndpoint(r: TfResult): string | undefined {
  return ENDPOINT.exec(`${r.stdout}\n${r.stderr}`)?.[0].replace(/\s+/, " ");
}

// ---- the simulator's admin surface ----------------------------------------------------------------

/** A request from the simulator's log. */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly fault?: string;
  readonly body?: unknown;
  /** When the request arrived (ISO time). */
  readonly at: string;
}

/** What `GET /__sim/state` answers (the parts read here). */
export interface SimState {
  readonly sso: Record<string, unknown>;
  readonly integrations: Record<
    string,
    Record<string, { login: string; tokenPresent: boolean; authType: string }>
  >;
}

/** A small client of the simulator's `/__sim/` surface. */
export class SimAdmin {
  constructor(readonly url: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  async fault(spec: FaultSpec): Promise<void> {
    await this.call("POST", "/__sim/faults", spec);
  }

  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/__sim/faults");
  }

  async requests(): Promise<SimRequest[]> {
    return ((await this.call("GET", "/__sim/requests")) as { items: SimRequest[] }).items;
  }

  async clearRequests(): Promise<void> {
    await this.call("DELETE", "/__sim/requests");
  }

  async state(): Promise<SimState> {
    return (await this.call("GET", "/__sim/state")) as SimState;
  }

  async reset(): Promise<void> {
    await this.call("POST", "/__sim/reset");
  }

  /** Plays the partner issuing an OAuth token for a login. */
  async grantToken(partyNumber: string, tab: string): Promise<void> {
    await this.call("POST", `/__sim/users/${partyNumber}/integrations/${tab}/token`);
  }
}

/** The hex SHA-256 the simulator shows for a secret. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

// ---- the stack ------------------------------------------------------------------------------------

export const SSO = "cpq_sso_configuration";
export const LOGIN = "cpq_user_integration_login";
/** The simulator's OAuth identity-provider tab: a login only, so many logins stay cheap. */
export const TAB = "idp";

/** What the stack declares; the soak changes it a little every round. */
export interface StackSpec {
  readonly logoutUrl: string;
  /** The keystore store password, given as a write-only attribute from an ephemeral variable. */
  readonly storePass: string;
  /** One entry per generated user (index i is party number P0000i+1): its login, or null. */
  readonly logins: readonly (string | null)[];
}

/** The simulator's generated user number `i` (0-based): party number and CPQ login. */
export function generatedUser(i: number): { partyNumber: string; userLogin: string } {
  const n = String(i + 1).padStart(5, "0");
  return { partyNumber: `P${n}`, userLogin: `user${n}` };
}

/** Resource name of login `i` in the configuration. */
export const loginName = (i: number): string => `l${String(i + 1).padStart(3, "0")}`;

const KEYSTORE = Buffer.from("soak-keystore").toString("base64");
const KEY_PASS = "soak-key-pass";

/** Short retries and timeouts: the soak's faults are short, and rounds must stay fast. */
export const PROVIDER_SETTINGS = { max_retries: 4, request_timeout: 10 } as const;

/** The terraform JSON configuration of a stack. */
export function stackConfig(
  spec: StackSpec,
  provider: Record<string, unknown> = PROVIDER_SETTINGS,
): Record<string, unknown> {
  const cert = readFileSync(join(REPO, "test", "fixtures", "idp-cert.pem"), "utf8");
  const logins: Record<string, Record<string, unknown>> = {};
  spec.logins.forEach((login, i) => {
    if (login === null) return;
    const u = generatedUser(i);
    // Half by party number, half by CPQ login (resolved through the users list at plan).
    logins[loginName(i)] = {
      ...(i % 2 === 0 ? { party_number: u.partyNumber } : { user_login: u.userLogin }),
      tab: TAB,
      login,
    };
  });
  return {
    terraform: { required_providers: { cpq: { source: "cpq-sso/cpq" } } },
    provider: { cpq: [provider] },
    variable: {
      store_pass: { type: "string", sensitive: true, ephemeral: true },
      key_pass: { type: "string", sensitive: true, ephemeral: true },
    },
    resource: {
      [SSO]: {
        sso: {
          sso_method: "Federated Authentication",
          saml_idp_url: "https://idp.example.com/saml2/sso",
          saml_issuer_url: "https://acme.bigmachines.com",
          id_provider_certificate: cert,
          saml_need_request_signed: true,
          saml_request_keystore: KEYSTORE,
          saml_store_pass_wo: "${var.store_pass}",
          saml_key_pass_wo: "${var.key_pass}",
          saml_logout_url: spec.logoutUrl,
        },
      },
      ...(Object.keys(logins).length ? { [LOGIN]: logins } : {}),
    },
  };
}

/** The variables the stack reads (its write-only secrets). */
export function stackEnv(spec: StackSpec): Record<string, string> {
  return { TF_VAR_store_pass: spec.storePass, TF_VAR_key_pass: KEY_PASS };
}

/** The first stack of a run: every login present. */
export function initialStack(logins: number): StackSpec {
  return {
    logoutUrl: "https://idp.example.com/logout/0",
    storePass: "soak-store-pass-0",
    logins: Array.from(
      { length: logins },
      (_, i) => `${generatedUser(i).userLogin}-0@idcs.example.com`,
    ),
  };
}

/** The state addresses a stack must have after a converged apply. */
export function expectedAddresses(spec: StackSpec): string[] {
  return [
    `${SSO}.sso`,
    ...spec.logins.flatMap((l, i) => (l === null ? [] : [`${LOGIN}.${loginName(i)}`])),
  ].sort();
}

/**
 * Where the live site (the simulator) and the state differ from the stack: a list of problems,
 * empty when everything the stack declares is in CPQ and in the state, and nothing else is.
 */
export async function divergence(spec: StackSpec, sim: SimAdmin, tf: TfDir): Promise<string[]> {
  const problems: string[] = [];
  const live = await sim.state();
  if (live.sso.samlLogoutUrl !== spec.logoutUrl) {
    problems.push(
      `CPQ samlLogoutUrl is ${JSON.stringify(live.sso.samlLogoutUrl)}, not ${spec.logoutUrl}`,
    );
  }
  const pass = live.sso.samlStorePass as { sha256?: string } | undefined;
  if (pass?.sha256 !== sha256(spec.storePass)) problems.push("CPQ holds another samlStorePass");
  spec.logins.forEach((login, i) => {
    const pn = generatedUser(i).partyNumber;
    const have = live.integrations[pn]?.[TAB]?.login ?? null;
    if (have !== login) {
      problems.push(`CPQ login of ${pn} is ${JSON.stringify(have)}, not ${JSON.stringify(login)}`);
    }
  });
  const addresses = tf.stateAddresses().sort();
  const expected = expectedAddresses(spec);
  const missing = expected.filter((a) => !addresses.includes(a));
  const extra = addresses.filter((a) => !expected.includes(a));
  if (missing.length) problems.push(`state lost ${missing.join(", ")}`);
  if (extra.length) problems.push(`state has extra ${extra.join(", ")}`);
  return problems;
}

// ---- faults ---------------------------------------------------------------------------------------

/** The kinds of transient fault the soak injects. */
export const FAULT_KINDS = ["429", "503", "reset", "truncate", "latency"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** CPQ paths the faults aim at (regular expression sources, as the simulator takes them). */
export const FAULT_PATHS = [
  "^/rest/v19/ssoConfiguration$",
  "^/rest/v19/users$",
  "^/rest/v19/integrationVendors$",
  "^/rest/v19/users/[^/]+/integrations/idp$",
  "/actions/revokeToken$",
] as const;

/** A random transient fault: it clears itself after a few requests. */
export function randomFault(rng: Prng): { kind: FaultKind; spec: FaultSpec } {
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
export function mutate(spec: StackSpec, round: number, rng: Prng): StackSpec {
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
export async function runRound(
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
  const install = installBuiltProvider();
  let simulator: RunningSimulator | undefined;
  let tf: TfDir | undefined;
  try {
    simulator = await startSimulator({ port: 0, generatedUsers: opts.logins });
    const sim = new SimAdmin(simulator.url);
    tf = new TfDir(install.cliConfigFile, cpqEnv(simulator));
    let spec = initialStack(opts.logins);
    tf.write(stackConfig(spec));
    const init = await tf.init();
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
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

// ---- small helpers the reliability tests share ----------------------------------------------------

/** Polls `check` every `everyMs` until it returns a value, for at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The addresses a plan would change, with their actions (`terraform show -json` of a plan). */
export async function plannedChanges(
  tf: TfDir,
  env: Record<string, string>,
): Promise<{ code: number; changes: Record<string, string[]>; output: string }> {
  const planned = await tf.run(
    ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=check.tfplan"],
    { env },
  );
  const output = `${planned.stdout}\n${planned.stderr}`;
  if (planned.code === 1) return { code: 1, changes: {}, output };
  const shown = await tf.run(["show", "-json", "-no-color", "check.tfplan"], { env });
  const plan = JSON.parse(shown.stdout) as {
    resource_changes?: { address: string; change: { actions: string[] } }[];
  };
  const changes: Record<string, string[]> = {};
  for (const rc of plan.resource_changes ?? []) {
    if (rc.change.actions.join() !== "no-op") changes[rc.address] = rc.change.actions;
  }
  return { code: planned.code, changes, output };
}
