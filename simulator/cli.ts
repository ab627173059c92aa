/**
 * `cpq-sso simulator`: runs the simulator in the foreground until SIGINT or SIGTERM, printing
 * where it listens and which credentials it accepts (demo values, safe to print).
 */
import { parseCommandLine } from "../common/command-line";
import type { SimulatorBehavior } from "./behavior";
import { startSimulator } from "./server";
import { DEFAULT_CREDENTIALS } from "./seed";
import type { SimulatorOptions } from "./seed";

const USAGE = `Usage: cpq-sso simulator [options]

  --port N          port to listen on (default 8080; 0 = any free port)
  --host H          loopback address to listen on (default 127.0.0.1)
  --state-file F    keep the state in F (JSON, written atomically) so it survives a restart
  --seed-file F     JSON seed: credentials, users, integrations, partnerCredentials, sso
  --latency-ms N    add N ms to every CPQ request
  --users N         add N generated users (user00001 / P00001 ...)

Users can be added while it runs, in the seed file's user shape (docs/cpq-api.md, "The seed file"):
  curl -X POST http://127.0.0.1:8080/__sim/users -H 'content-type: application/json' \\
    -d '{"users": [{"partyNumber": "2001", "login": "mchen"}]}'
A state can be kept and returned to (in memory; POST /__sim/reset still means the seed):
  curl -X POST http://127.0.0.1:8080/__sim/checkpoint
  curl -X POST http://127.0.0.1:8080/__sim/restore
  (or under a name, beside it: /__sim/checkpoint/baseline-2, /__sim/restore/baseline-2)

Behaviour where Oracle is silent (each overrides the seed file):
  --unknown-expand refuse|ignore   an expand value Oracle does not list: 400, or ignored
                                   (default refuse)
  --[no-]batched-integrations      serve expand=integrations on the users routes (default false;
                                   --batched-integrations=true|false also works)
  --sso-post merge|replace         a field left out of an SSO POST keeps its value, or is reset
                                   (default merge)
  --[no-]sso-get-returns-passwords
                                   GET ssoConfiguration also returns the two passwords
                                   (default false; =true|false also works)
  --vendor-patch-properties replace|merge
                                   a PATCH of integrationVendors/{id}: its properties.items
                                   replace the list, or are merged by name (default replace)
  --help            show this help
`;

/** Where the CLI writes, and what stops it; tests pass their own. */
export interface SimulatorCliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves when the simulator should stop. @default SIGINT or SIGTERM */
  readonly stopped?: Promise<unknown>;
}

const processIo: SimulatorCliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/**
 * Resolves on SIGINT or SIGTERM, or when the process that started this one is gone: `npx
 * cpq-sso simulator` runs this under npm and a shell, and a killed npm (SIGKILL forwards nothing)
 * used to leave the simulator serving with no one to stop it. An orphan is re-parented, so a
 * changed parent pid means "stop".
 */
function untilSignal(parentPollMs = 500): Promise<string> {
  return new Promise((resolve) => {
    const parent = process.ppid;
    const on = (why: string) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      clearInterval(watch);
      resolve(why);
    };
    const onInt = () => on("SIGINT");
    const onTerm = () => on("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    const watch = setInterval(() => {
      if (process.ppid !== parent) on("parent gone");
    }, parentPollMs);
    watch.unref();
  });
}

/** The simulator's options, as `parseCommandLine` reads them. */
const SPEC = {
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "state-file": { type: "string" },
    "seed-file": { type: "string" },
    "latency-ms": { type: "string" },
    users: { type: "string" },
    "unknown-expand": { type: "string" },
    "sso-post": { type: "string" },
    "vendor-patch-properties": { type: "string" },
    "batched-integrations": { type: "boolean" },
    "no-batched-integrations": { type: "boolean" },
    "sso-get-returns-passwords": { type: "boolean" },
    "no-sso-get-returns-passwords": { type: "boolean" },
  },
} as const;

/** The switches, which also take the `=true` / `=false` spelling the usage has always shown. */
const SWITCHES = ["batched-integrations", "sso-get-returns-passwords"] as const;

/**
 * `--switch=true` as `--switch` and `--switch=false` as `--no-switch`: parseArgs gives booleans no
 * value, and Node 20 has no `allowNegative`. Any other value of a switch is refused here, with the
 * two it takes.
 */
function spelledAsSwitches(argv: readonly string[]): string[] | string {
  const out: string[] = [];
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/s.exec(arg);
    const name = m?.[1];
    if (name === undefined || !(SWITCHES as readonly string[]).includes(name)) {
      out.push(arg);
    } else if (m?.[2] === "true" || m?.[2] === "false") {
      out.push(m[2] === "true" ? `--${name}` : `--no-${name}`);
    } else {
      return `--${name} takes =true or =false (or --no-${name}), got '${m?.[2] ?? ""}'.`;
    }
  }
  return out;
}

/**
 * The simulator's options from its arguments, "help", or what is wrong with them (a sentence naming
 * the flag). Exported for the tests; starts nothing.
 */
export function parseSimulatorArgs(argv: readonly string[]): SimulatorOptions | "help" | string {
  const args = spelledAsSwitches(argv);
  if (typeof args === "string") return args;
  let line;
  try {
    // No usage here: runSimulatorCli prints it after every mistake, this one included.
    line = parseCommandLine(args, SPEC, "");
  } catch (e) {
    return (e as Error).message.trimEnd();
  }
  if (line === "help") return "help";
  const v = line.values;
  const opts: {
    port: number;
    host?: string;
    stateFile?: string;
    seedFile?: string;
    latencyMs?: number;
    generatedUsers?: number;
  } & { -readonly [K in keyof SimulatorBehavior]?: SimulatorBehavior[K] } = { port: 8080 };
  const number = (
    flag: string,
    given: string | undefined,
    max: number,
  ): number | undefined | string => {
    if (given === undefined) return undefined;
    if (!/^\d+$/.test(given) || Number(given) > max) {
      return `--${flag} needs a whole number from 0 to ${max}, got '${given}'.`;
    }
    return Number(given);
  };
  const choice = <T extends string>(
    flag: string,
    given: string | undefined,
    allowed: readonly T[],
  ): T | undefined | string =>
    given === undefined
      ? undefined
      : (allowed.find((a) => a === given) ??
        `--${flag} needs one of ${allowed.join(", ")}, got '${given}'.`);

  for (const [flag, max, set] of [
    ["port", 65535, (n: number) => (opts.port = n)],
    ["latency-ms", 600000, (n: number) => (opts.latencyMs = n)],
    ["users", 100000, (n: number) => (opts.generatedUsers = n)],
  ] as const) {
    const n = number(flag, v[flag], max);
    if (typeof n === "string") return n;
    if (n !== undefined) set(n);
  }
  const unknownExpand = choice("unknown-expand", v["unknown-expand"], ["refuse", "ignore"]);
  if (unknownExpand === "refuse" || unknownExpand === "ignore") opts.unknownExpand = unknownExpand;
  else if (unknownExpand !== undefined) return unknownExpand;
  const ssoPost = choice("sso-post", v["sso-post"], ["merge", "replace"]);
  if (ssoPost === "merge" || ssoPost === "replace") opts.ssoPost = ssoPost;
  else if (ssoPost !== undefined) return ssoPost;
  const vendorPatch = choice("vendor-patch-properties", v["vendor-patch-properties"], [
    "replace",
    "merge",
  ]);
  if (vendorPatch === "replace" || vendorPatch === "merge")
    opts.vendorPatchProperties = vendorPatch;
  else if (vendorPatch !== undefined) return vendorPatch;
  for (const [name, set] of [
    ["batched-integrations", (on: boolean) => (opts.batchedIntegrations = on)],
    ["sso-get-returns-passwords", (on: boolean) => (opts.ssoGetReturnsPasswords = on)],
  ] as const) {
    const on = v[name] === true;
    const off = v[`no-${name}`] === true;
    if (on && off) return `--${name} and --no-${name} contradict each other; give one.`;
    if (on || off) set(on);
  }
  for (const [flag, set] of [
    ["host", (p: string) => (opts.host = p)],
    ["state-file", (p: string) => (opts.stateFile = p)],
    ["seed-file", (p: string) => (opts.seedFile = p)],
  ] as const) {
    const p = v[flag];
    if (p === "") return `--${flag} needs a value.`;
    if (p !== undefined) set(p);
  }
  return opts;
}

/**
 * Runs the simulator CLI with `argv` (the arguments after `simulator`). Resolves 0 after a clean
 * stop, 2 on bad arguments, 1 when the simulator cannot start.
 */
export async function runSimulatorCli(
  argv: string[],
  io: SimulatorCliIo = processIo,
): Promise<number> {
  const parsed = parseSimulatorArgs(argv);
  if (parsed === "help") {
    io.out(USAGE);
    return 0;
  }
  if (typeof parsed === "string") {
    io.err(`cpq-sso simulator: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  // Listen for signals before starting, so a signal during start-up is not lost.
  const stopped = io.stopped ?? untilSignal();
  let sim;
  try {
    sim = await startSimulator({ ...parsed, log: (line) => io.out(`${line}\n`) });
  } catch (e) {
    io.err(`cpq-sso simulator: ${(e as Error).message}\n`);
    return 1;
  }
  const c = sim.credentials;
  // The demo defaults are printed so a reader can try them; credentials from a seed file are
  // someone's choice and stay off the terminal (and out of CI logs): names only.
  const shown = (secret: string, demo: readonly string[]): string =>
    demo.includes(secret) ? secret : "(from the seed file)";
  const demoSecrets = [
    ...DEFAULT_CREDENTIALS.basic.map((b) => b.password),
    ...DEFAULT_CREDENTIALS.bearer.map((b) => b.token),
    ...DEFAULT_CREDENTIALS.oauthClients.map((o) => o.clientSecret),
  ];
  const lines = [
    `CPQ REST simulator listening on ${sim.url}`,
    `  SSO configuration: ${sim.url}/rest/v19/ssoConfiguration (also /cpq/rest/v17..v19)`,
    `  token endpoint:    ${sim.url}/oauth2/v1/token`,
    `  admin surface:     ${sim.url}/__sim/state (no auth)`,
    `  behaviour:         ${Object.entries(sim.behavior)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(", ")} (${sim.url}/__sim/options)`,
    "Credentials it accepts:",
    ...c.basic.map(
      (b) =>
        `  basic   ${b.username} / ${shown(b.password, demoSecrets)}${b.admin ? " (administrator)" : " (not an administrator)"}`,
    ),
    ...c.bearer.map(
      (b) => `  bearer  ${shown(b.token, demoSecrets)}${b.admin ? " (administrator)" : ""}`,
    ),
    ...c.oauthClients.map(
      (o) =>
        `  oauth   client ${o.clientId} / ${shown(o.clientSecret, demoSecrets)} (tokens live ${c.tokenTtlSeconds}s)`,
    ),
    ...(parsed.stateFile ? [`State file: ${parsed.stateFile}`] : []),
    ...exportLines(
      sim.url,
      c.basic.find((b) => b.admin),
      demoSecrets,
    ),
    "Press Ctrl+C to stop.",
  ];
  io.out(lines.join("\n") + "\n");
  await stopped;
  await sim.close();
  io.out("CPQ REST simulator stopped.\n");
  return 0;
}

/**
 * Lines to paste into a shell so the provider (and terraform) use this simulator. A password that
 * came from a seed file is not printed: the line says where to put it instead.
 */
function exportLines(
  url: string,
  admin: { readonly username: string; readonly password: string } | undefined,
  demo: readonly string[],
): string[] {
  if (admin === undefined) return [];
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  const password = demo.includes(admin.password)
    ? quote(admin.password)
    : "'<the administrator password from the seed file>'";
  return [
    "For the provider, in this shell:",
    `  export CPQ_BASE_URL=${quote(url)} CPQ_USERNAME=${quote(admin.username)} CPQ_PASSWORD=${password}`,
  ];
}
