/**
 * Measuring helpers shared by the bench's sections (scripts/bench/) and
 * `scripts/bench-handshake.ts`: repeated runs summarised as median, min and max, the provider's
 * start-to-handshake time, and a whole plugin session as Terraform has one (start, schema,
 * shutdown).
 */
import type * as grpcjs from "@grpc/grpc-js";
import { spawn } from "node:child_process";
import { generateServerCertificate } from "../../provider/plugin/cert";
import { controllerService, providerService } from "../../provider/plugin/codec";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../provider/plugin/handshake";
import type { PluginClientCertificate } from "../../tooling/plugin-client";
import { callUnary, connectToPlugin } from "../../tooling/plugin-client";

/** The summary of repeated measurements of one figure. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Median, min and max of a non-empty list. */
export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) throw new Error("stats of no measurements");
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

/** Milliseconds since `started` (a `process.hrtime.bigint()` value). */
export function since(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Runs `fn` `runs` times one after the other and summarises the milliseconds it returns. */
export async function repeat(runs: number, fn: (i: number) => Promise<number>): Promise<Stats> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await fn(i));
  return stats(xs);
}

/**
 * The environment Terraform gives a plugin it starts (magic cookie, protocols, AutoMTLS with
 * `client`'s certificate), plus `extra` (the code cache's directory, say).
 */
export function pluginEnv(
  client: PluginClientCertificate = generateServerCertificate(),
  extra: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: "5,6",
    PLUGIN_CLIENT_CERT: client.certPem,
    ...extra,
  };
}

/** Milliseconds from spawn to each step of one plugin session. */
export interface SessionTimes {
  /** The handshake line on stdout. */
  readonly handshake: number;
  /** GetProviderSchema answered over mutual TLS: the first call of every Terraform session. */
  readonly schema: number;
  /** Controller.Shutdown answered and the process ended (its code cache written, if new). */
  readonly exited: number;
}

/**
 * One plugin session as Terraform has it: spawns `node <bundle>` with `client`'s certificate,
 * reads the handshake line, connects over mutual TLS, asks for the schema, asks the plugin to shut
 * down, and waits for the process to end. Unlike {@link timeProcess}, the process ends the way it
 * does under Terraform, so whatever it does at exit (writing its code cache) happens.
 */
export function pluginSession(
  bundle: string,
  client: PluginClientCertificate,
  env: NodeJS.ProcessEnv,
): Promise<SessionTimes> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [bundle], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let handshake: number | undefined;
    let schema: number | undefined;
    const clients: grpcjs.Client[] = [];
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      for (const c of clients) c.close();
      if (code === 0 && handshake !== undefined && schema !== undefined)
        resolve({ handshake, schema, exited: since(started) });
      else reject(new Error(`the provider exited ${code} during a session: ${err.slice(-2000)}`));
    });
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (handshake !== undefined || !out.includes("\n")) return;
      handshake = since(started);
      const plugin = connectToPlugin(out.split("\n")[0]!, client);
      const provider = plugin.client(providerService, "Provider");
      const controller = plugin.client(controllerService, "Controller");
      clients.push(provider, controller);
      callUnary(provider, "GetProviderSchema")
        .then(() => {
          schema = since(started);
          return callUnary(controller, "Shutdown");
        })
        // As go-plugin does: hang up once Shutdown is answered, then wait for the process.
        .then(() => {
          for (const c of clients) c.close();
        })
        .catch((e: unknown) => {
          child.kill();
          reject(e instanceof Error ? e : new Error(String(e)));
        });
    });
  });
}

/**
 * Milliseconds from spawning `node <args>` until the first line on its stdout (the go-plugin
 * handshake line), or, with `untilLine` false, until the process exits. The child is killed once
 * it has answered; a child that exits without a line is an error.
 */
export function timeProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  untilLine: boolean,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...args], {
      env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    let answered = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (untilLine && !answered && out.includes("\n")) {
        answered = true;
        resolve(since(started));
        child.kill();
      }
    });
    child.on("exit", (code) => {
      if (!untilLine) resolve(since(started));
      else if (!answered) reject(new Error(`node ${args.join(" ")} exited ${code} without a line`));
    });
    child.on("error", reject);
  });
}

/** `12.3` for milliseconds below 10 s, else seconds as `12.3 s`. */
export function fmtMs(ms: number): string {
  return ms < 10_000 ? `${ms.toFixed(ms < 100 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `median (min-max)` of a figure. */
export function fmtStats(s: Stats): string {
  return `${fmtMs(s.median)} (${fmtMs(s.min)}-${fmtMs(s.max)}, n=${s.n})`;
}
