/**
 * `cpq-sso simulator`: runs the simulator in the foreground until SIGINT or SIGTERM, printing
 * where it listens and which credentials it accepts (demo values, safe to print).
 */
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

Behaviour where Oracle is silent (each overrides the seed file):
  --unknown-expand refuse|ignore   an expand value Oracle does not list: 400, or ignored
                                   (default refuse)
  --batched-integrations[=BOOL]    serve expand=integrations on the users routes (default false)
  --sso-post merge|replace         a field left out of an SSO POST keeps its value, or is reset
                                   (default merge)
  --sso-get-returns-passwords[=BOOL]
                                   GET ssoConfiguration also returns the two passwords
                                   (default false)
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

function parseArgs(argv: readonly string[]): SimulatorOptions | "help" | string {
  const opts: {
    port: number;
    host?: string;
    stateFile?: string;
    seedFile?: string;
    latencyMs?: number;
    generatedUsers?: number;
  } & { -readonly [K in keyof SimulatorBehavior]?: SimulatorBehavior[K] } = { port: 8080 };
  const choice = <T extends string>(
    flag: string,
    v: string | undefined,
    allowed: readonly T[],
  ): T | string =>
    allowed.find((a) => a === v) ??
    `${flag} needs one of ${allowed.join(", ")}, got ${v === undefined ? "nothing" : `'${v}'`}.`;
  // A switch: on when given alone, or set by an inline `=true` / `=false`.
  const toggle = (flag: string, inline: string | undefined): boolean | string => {
    if (inline === undefined || inline === "true") return true;
    if (inline === "false") return false;
    return `${flag} takes =true or =false, got '${inline}'.`;
  };
  const number = (flag: string, v: string | undefined, max: number): number | string => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) > max) {
      return `${flag} needs a whole number from 0 to ${max}, got ${v === undefined ? "nothing" : `'${v}'`}.`;
    }
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? "";
    const eq = raw.indexOf("=");
    const flag = raw.startsWith("--") && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith("--") && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--port": {
        const n = number(flag, value(), 65535);
        if (typeof n === "string") return n;
        opts.port = n;
        break;
      }
      case "--latency-ms": {
        const n = number(flag, value(), 600000);
        if (typeof n === "string") return n;
        opts.latencyMs = n;
        break;
      }
      case "--users": {
        const n = number(flag, value(), 100000);
        if (typeof n === "string") return n;
        opts.generatedUsers = n;
        break;
      }
      case "--unknown-expand": {
        const v = choice(flag, value(), ["refuse", "ignore"] as const);
        if (v !== "refuse" && v !== "ignore") return v;
        opts.unknownExpand = v;
        break;
      }
      case "--sso-post": {
        const v = choice(flag, value(), ["merge", "replace"] as const);
        if (v !== "merge" && v !== "replace") return v;
        opts.ssoPost = v;
        break;
      }
      case "--batched-integrations":
      case "--sso-get-returns-passwords": {
        const on = toggle(flag, inline);
        if (typeof on === "string") return on;
        if (flag === "--batched-integrations") opts.batchedIntegrations = on;
        else opts.ssoGetReturnsPasswords = on;
        break;
      }
      case "--host":
      case "--state-file":
      case "--seed-file": {
        const v = value();
        if (v === undefined || v === "") return `${flag} needs a value.`;
        if (flag === "--host") opts.host = v;
        else if (flag === "--state-file") opts.stateFile = v;
        else opts.seedFile = v;
        break;
      }
      default:
        return `Unknown argument '${raw}'.`;
    }
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
  const parsed = parseArgs(argv);
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
