/**
 * `cpq-sso exec -- <command> [args...]`: one provider process for a whole pipeline. Terraform
 * starts its providers 3-4 times per command; under exec every terraform command the command
 * runs (itself, or a script's, or `cdktf`'s) reattaches to one process instead, through
 * `TF_REATTACH_PROVIDERS`, and the start-up cost is paid once.
 *
 * The process listens on a Unix socket in a new directory only the user can enter (0700), never
 * on TCP; it ends with the command, on a signal, or when exec itself is killed (it watches its
 * stdin, a pipe from exec), and the socket and directory go with it. See docs/exec.md.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { REATTACH_SOCKET_FLAG, reattachEntry, unixSocketPathProblem } from "../plugin/handshake";
import { PROVIDER_ADDRESSES } from "../address";
import { defaultBundle } from "./install";
import { parseCommandLine } from "./io";
import { directoryTrustProblem } from "./safe-fs";

/** The variable Terraform and OpenTofu read reattached providers from. */
export const REATTACH_VARIABLE = "TF_REATTACH_PROVIDERS";

/** The keys exec sets in the variable: the addresses the mirror serves the provider under. */
export const REATTACH_ADDRESSES = PROVIDER_ADDRESSES;

/** How long the provider may take to listen before exec gives up. */
const START_TIMEOUT_MS = 30_000;
/** How long the provider may take to end after its stdin closed, before it is killed. */
const STOP_GRACE_MS = 5_000;
/** Lines of the provider's own output kept to explain an unexpected end. */
const KEPT_LINES = 20;

/** Options of {@link startProviderSession}. */
export interface ProviderSessionOptions {
  /**
   * The provider executable: a `.js` file runs under this Node, anything else (e.g. the installed
   * `terraform-provider-cpq_v*` or a wrapper) is executed. @default the package's dist/provider.js
   */
  readonly executable?: string;
  /**
   * The provider's environment: its CPQ_* settings, TF_LOG and the code cache are read from it,
   * once, at start. @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

/** A provider process serving terraform commands reattached to it. */
export interface ProviderSession {
  /** The provider's pid. */
  readonly pid: number;
  /** The Unix socket it listens on. */
  readonly socketPath: string;
  /** What to add to a command's environment so its terraform uses this process. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Why the provider ended before {@link stop}, for the person reading the output (exit code or
   * signal, and its last lines), or undefined while it serves.
   */
  failure(): string | undefined;
  /** Ends the provider and removes its socket and directory; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The providers a `TF_REATTACH_PROVIDERS` value already names, by address: `{}` when it is unset
 * or blank, an Error when it is not a JSON object.
 */
function reattachedProviders(value: string | undefined): Record<string, unknown> {
  if (value === undefined || value.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(
      `${REATTACH_VARIABLE} is set but is not a JSON object of providers; unset it, or fix it, before cpq-sso exec adds the cpq provider to it.`,
    );
  }
  return parsed as Record<string, unknown>;
}

/**
 * `TF_REATTACH_PROVIDERS` with this provider added under both registry hosts (Terraform reads
 * `registry.terraform.io`, OpenTofu `registry.opentofu.org`), keeping the entries of other
 * providers already in `existing`.
 */
export function reattachProvidersValue(
  existing: string | undefined,
  pid: number,
  socketPath: string,
): string {
  const others = reattachedProviders(existing);
  // The process belongs to exec, not to any one terraform command (see reattachEntry's Test).
  const entry = reattachEntry({ network: "unix", address: socketPath }, pid);
  return JSON.stringify({
    ...others,
    ...Object.fromEntries(REATTACH_ADDRESSES.map((a) => [a, entry])),
  });
}

/**
 * Whether `env` already points Terraform at a running cpq provider (an enclosing `cpq-sso exec`,
 * or a `--debug` server): commands then reuse it rather than start another.
 */
export function hasReattachedProvider(env: NodeJS.ProcessEnv = process.env): boolean {
  let providers: Record<string, unknown>;
  try {
    providers = reattachedProviders(env[REATTACH_VARIABLE]);
  } catch {
    return false;
  }
  return REATTACH_ADDRESSES.some((a) => Object.hasOwn(providers, a));
}

/** The variable that turns exec off for `cpq-sso drift`, `cpq-sso ci`, the CI scripts and `npm start`. */
export const EXEC_SWITCH_VARIABLE = "CPQ_SSO_EXEC";

/**
 * Whether a command should run its terraform commands under one provider process: yes unless
 * its `--no-exec` flag was given, `CPQ_SSO_EXEC` is `0`, `false` or `off`, or this is Windows.
 */
export function execWanted(
  noExecFlag: boolean | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  // Exec serves on a Unix socket (made for Linux and macOS, tested on Linux): on Windows the
  // default stays off.
  if (noExecFlag === true || process.platform === "win32") return false;
  const v = env[EXEC_SWITCH_VARIABLE]?.trim().toLowerCase();
  return !(v === "0" || v === "false" || v === "off");
}

/** Whether TF_LOG or TF_LOG_PROVIDER asks for the provider's log lines. */
function wantsProviderLog(env: NodeJS.ProcessEnv): boolean {
  return [env.TF_LOG_PROVIDER, env.TF_LOG].some(
    (v) => v !== undefined && v.trim() !== "" && v.trim().toLowerCase() !== "off",
  );
}

/**
 * Makes the private (0700) directory of the socket inside `parent` (the temporary directory),
 * refusing a parent where another user could rename that directory away and put one of theirs in
 * its place after the provider checked it: writable by others without the sticky bit, or theirs.
 * The provider's traffic carries the CPQ credentials and write-only secrets. An Error with the
 * reason and the fix, never a stack trace.
 */
export function makeSocketDirectory(parent: string): string {
  const fix =
    "Set TMPDIR to a directory only you can write (for example $XDG_RUNTIME_DIR, or a directory " +
    "under your home made with mkdir -m 700), or use a sticky one such as /tmp; or run without " +
    "exec (--no-exec or CPQ_SSO_EXEC=0).";
  let problem: string | undefined;
  try {
    problem = directoryTrustProblem(parent, { stickyOk: true });
  } catch (err) {
    problem = `${parent} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (problem !== undefined) {
    throw new Error(
      `refusing to make the provider's socket directory in the temporary directory ${parent}: ` +
        `${problem}, and with it the provider's traffic, CPQ credentials included. ${fix}`,
    );
  }
  try {
    return mkdtempSync(join(parent, "cpq-"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(
      `could not make the provider's socket directory in the temporary directory ${parent} (${code}). ${fix}`,
    );
  }
}

/**
 * The CPQ_* variables that hold secrets. The provider of a session reads them once, at its start;
 * the command exec runs, and every process under it, gets its environment without them.
 */
export const PROVIDER_SECRET_VARIABLES = [
  "CPQ_PASSWORD",
  "CPQ_ACCESS_TOKEN",
  "CPQ_CLIENT_SECRET",
] as const;

/**
 * The command's environment under a session: `env` with the session's reattach variable, and
 * without {@link PROVIDER_SECRET_VARIABLES}, which only the provider needed. `TF_VAR_*` stay:
 * terraform evaluates the configuration's variables from them, and a variable that is a secret
 * reaches the provider through terraform's configuration, not through the environment.
 */
export function commandEnvironment(
  env: NodeJS.ProcessEnv,
  session: Pick<ProviderSession, "env">,
): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, ...session.env };
  for (const name of PROVIDER_SECRET_VARIABLES) delete out[name];
  return out;
}

/**
 * Starts a provider process on a Unix socket in a new private directory and resolves once it
 * listens. The caller must {@link ProviderSession.stop} it; if the caller is killed, the provider
 * notices its stdin closing and ends by itself.
 */
export async function startProviderSession(
  opts: ProviderSessionOptions = {},
): Promise<ProviderSession> {
  if (process.platform === "win32") {
    throw new Error(
      "cpq-sso exec serves the provider on a Unix socket and does not run on Windows; run terraform without it (cpq-sso drift, cpq-sso ci and npm start do there).",
    );
  }
  const env = opts.env ?? process.env;
  const executable = opts.executable ?? defaultBundle();
  // A value that cannot be added to is refused before anything starts.
  reattachedProviders(env[REATTACH_VARIABLE]);
  // mkdtemp makes the directory 0700: only this user may enter it, so only this user's
  // processes can reach the socket inside. A short prefix: socket paths are limited to ~104 bytes.
  const dir = makeSocketDirectory(tmpdir());
  const socketPath = join(dir, "tf.sock");
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  const tooLong = unixSocketPathProblem(socketPath);
  if (tooLong !== undefined) {
    removeDir();
    throw new Error(tooLong);
  }
  const quiet = !wantsProviderLog(env);
  const args = [REATTACH_SOCKET_FLAG, socketPath];
  let child: ChildProcess;
  try {
    child = spawn(
      executable.endsWith(".js") ? process.execPath : executable,
      executable.endsWith(".js") ? [executable, ...args] : args,
      {
        env,
        // stdin: the provider's lifeline (it ends at its EOF). Its own process group: the
        // terminal's Ctrl-C, or a runner's signal to the command's group, must not end it before
        // terraform has stopped, which needs it.
        stdio: ["pipe", "pipe", quiet ? "pipe" : "inherit"],
        detached: true,
      },
    );
  } catch (err) {
    removeDir();
    throw err;
  }
  const kept: string[] = [];
  const keep = (chunk: Buffer): void => {
    kept.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    kept.splice(0, Math.max(0, kept.length - KEPT_LINES));
  };
  child.stderr?.on("data", keep);
  // A broken pipe to an ending provider is not exec's failure.
  child.stdin?.on("error", () => undefined);

  let stopping = false;
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      ended = { code, signal };
      resolve();
    });
  });
  const lastLines = (): string =>
    kept.length > 0 ? `\nIts last output:\n  ${kept.join("\n  ")}` : "";
  const how = (): string =>
    ended?.signal ? `signal ${ended.signal}` : `exit code ${ended?.code ?? "?"}`;

  await new Promise<void>((resolve, reject) => {
    let line = "";
    const timer = setTimeout(
      () => fail(new Error(`the provider did not start within ${START_TIMEOUT_MS / 1000} s.`)),
      START_TIMEOUT_MS,
    );
    const onError = (err: Error): void =>
      fail(new Error(`could not start the provider ${executable}: ${err.message}`));
    const onExit = (): void =>
      fail(new Error(`the provider ended before it listened (${how()}).${lastLines()}`));
    const settle = (): void => {
      clearTimeout(timer);
      child.off("error", onError);
      child.off("exit", onExit);
      child.stdout?.off("data", onData);
    };
    const fail = (err: Error): void => {
      settle();
      child.kill("SIGKILL");
      removeDir();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      line += chunk.toString("utf8");
      const nl = line.indexOf("\n");
      if (nl < 0) return;
      // The go-plugin handshake line, naming the socket: `1|6|unix|PATH|grpc|`.
      const fields = line.slice(0, nl).split("|");
      if (fields[2] !== "unix" || fields[3] !== socketPath) {
        fail(new Error(`the provider answered an unexpected first line: ${line.slice(0, nl)}`));
        return;
      }
      settle();
      // Nothing follows the line; drained all the same, so a stray write can never block it.
      child.stdout?.resume();
      resolve();
    };
    child.once("error", onError);
    // Registered after `exited`'s listener, so `ended` is set when this runs.
    child.once("exit", onExit);
    child.stdout?.on("data", onData);
  });
  const pid = child.pid!;

  const stop = async (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      child.stdin?.end();
      if (ended === undefined) {
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
    }
    removeDir();
  };
  return {
    pid,
    socketPath,
    env: { [REATTACH_VARIABLE]: reattachProvidersValue(env[REATTACH_VARIABLE], pid, socketPath) },
    failure: () =>
      ended !== undefined && !stopping
        ? `The cpq provider process (pid ${pid}) ended while the command ran (${how()}); terraform commands after that fail to reach it.${lastLines()}`
        : undefined,
    stop,
  };
}

/**
 * Runs `fn` with one provider process for all its terraform commands: `fn` gets the environment
 * to add to them. When `enabled` is false, or an enclosing exec already serves one (see
 * {@link hasReattachedProvider}), `fn` gets nothing to add and terraform starts its own as usual.
 * A provider that ended while `fn` ran is an error, as are `fn`'s own.
 */
export async function withProviderSession<T>(
  opts: ProviderSessionOptions & { readonly enabled?: boolean },
  fn: (env: Readonly<Record<string, string>>) => Promise<T>,
): Promise<T> {
  if (opts.enabled === false || hasReattachedProvider(opts.env ?? process.env)) return fn({});
  const session = await startProviderSession(opts);
  const cleanup = removeOnExit(session);
  try {
    const result = await fn(session.env);
    const failure = session.failure();
    if (failure !== undefined) throw new Error(failure);
    return result;
  } finally {
    await session.stop();
    process.off("exit", cleanup);
  }
}

/**
 * Removes the session's directory if this process exits without stopping it (an uncaught error,
 * `process.exit`); the provider also ends by itself once its stdin closes. Returns the listener.
 */
function removeOnExit(session: ProviderSession): () => void {
  const cleanup = (): void => rmSync(dirname(session.socketPath), { recursive: true, force: true });
  process.once("exit", cleanup);
  return cleanup;
}

/**
 * Whether this process is in the foreground process group of its terminal: a Ctrl-C there reaches
 * the whole group, the command exec runs included, and must not be sent to it a second time
 * (terraform reads two interrupts as "stop now, without saving state").
 */
function inTerminalForeground(): boolean {
  try {
    // /proc/self/stat: "pid (comm) state ppid pgrp session tty_nr tpgid ..."; comm may hold spaces.
    const stat = readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return f[2] !== undefined && f[2] === f[5];
  } catch {
    return process.stdin.isTTY === true;
  }
}

const USAGE = `Usage: cpq-sso exec [--provider FILE] [--] COMMAND [ARGS...]

Runs COMMAND with one cpq provider process for all the terraform commands it runs (terraform,
tofu, cdktf diff/deploy, a script of several): TF_REATTACH_PROVIDERS points them at it, over a
Unix socket in a private directory. The provider ends when COMMAND ends; exec exits with
COMMAND's exit code (1 if the provider ended early and COMMAND did not fail).

  --provider FILE   the provider executable to serve (default: this package's dist/provider.js)

The provider reads its environment (CPQ_*, TF_LOG, CPQ_SSO_CODE_CACHE) once, when exec starts:
set it before exec, not inside COMMAND. See docs/exec.md.
`;

/** `cpq-sso exec`; resolves to the exit code. */
export async function runExec(argv: readonly string[]): Promise<number> {
  // Everything after `--`, or from the first argument that is not an option of ours, is the
  // command: its own options (terraform's -out, --help...) are not exec's.
  const dashes = argv.indexOf("--");
  let ours: readonly string[];
  let command: readonly string[];
  if (dashes >= 0) {
    ours = argv.slice(0, dashes);
    command = argv.slice(dashes + 1);
  } else {
    let i = 0;
    while (i < argv.length && argv[i]!.startsWith("-")) i += argv[i] === "--provider" ? 2 : 1;
    ours = argv.slice(0, i);
    command = argv.slice(i);
  }
  const args = parseCommandLine(ours, { options: { provider: { type: "string" } } }, USAGE);
  if (args === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const [file, ...rest] = command;
  if (file === undefined) {
    process.stderr.write(`cpq-sso exec: no command to run\n\n${USAGE}`);
    return 64;
  }
  const executable = args.values.provider;
  let session: ProviderSession | undefined;
  if (!hasReattachedProvider()) {
    try {
      session = await startProviderSession(executable === undefined ? {} : { executable });
    } catch (err) {
      process.stderr.write(`cpq-sso exec: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  const cleanup = session && removeOnExit(session);
  let code: number;
  let failure: string | undefined;
  try {
    code = await runCommand(
      file,
      rest,
      session ? commandEnvironment(process.env, session) : process.env,
    );
  } finally {
    failure = session?.failure();
    await session?.stop();
    if (cleanup) process.off("exit", cleanup);
  }
  if (failure === undefined) return code;
  process.stderr.write(`cpq-sso exec: ${failure}\n`);
  // A pipeline must not pass on a provider that died, even if the command hid its errors.
  return code !== 0 ? code : 1;
}

/**
 * Runs the user's command in exec's own process group, on the terminal (so `terraform apply` can
 * ask for approval), and resolves to its exit code, 128 + the signal's number when a signal ended
 * it. SIGTERM and SIGHUP are passed on; SIGINT only when no terminal already delivered it.
 */
function runCommand(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return new Promise((resolve, reject) => {
    // Listening before the command starts: a signal that came while it started, before the
    // listeners, would end exec by Node's default action and leave the command without it. Node
    // runs a listener on a later turn of the event loop, when the child is there.
    const running: { child?: ReturnType<typeof spawn> } = {};
    const forward = (signal: NodeJS.Signals): void => {
      if (signal === "SIGINT" && inTerminalForeground()) return;
      running.child?.kill(signal);
    };
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    for (const s of signals) process.on(s, forward);
    const child = spawn(file, [...args], { stdio: "inherit", env });
    running.child = child;
    const done = (): void => {
      for (const s of signals) process.off(s, forward);
    };
    child.once("error", (err: NodeJS.ErrnoException) => {
      done();
      if (err.code === "ENOENT") {
        process.stderr.write(`cpq-sso exec: ${file}: command not found\n`);
        resolve(127);
      } else if (err.code === "EACCES") {
        process.stderr.write(`cpq-sso exec: ${file}: permission denied\n`);
        resolve(126);
      } else reject(err);
    });
    child.once("exit", (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
