/**
 * The provider process of `cpq-sso exec` (`provider.js --reattach-socket PATH`): one process that
 * every terraform command of a pipeline reattaches to, over a Unix socket in a directory only the
 * user can enter. It lives exactly as long as the `cpq-sso exec` that started it: it ends when its
 * stdin (a pipe from exec) reaches its end, which also happens when exec is killed outright, and
 * removes its socket and the directory on the way out.
 */
import { lstatSync, rmdirSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import type { ProviderDefinition } from "../contract/types";
import { unixSocketPathProblem } from "./handshake";
import { createLogger } from "./log";
import { ProviderService } from "./provider-service";
import { PluginStartError, serveProvider, whenParentEnds } from "./server";
import { encodeObject } from "./values";

/**
 * Refuses a socket directory that anyone but the user could enter: the directory's permissions
 * are what keeps other users from driving a provider that holds CPQ credentials.
 */
export function checkSocketDirectory(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch (err) {
    throw new PluginStartError(
      `The socket directory ${dir} cannot be read (${(err as Error).message}); cpq-sso exec makes it before starting the provider.`,
    );
  }
  if (!st.isDirectory()) {
    throw new PluginStartError(`The socket directory ${dir} is not a directory (or is a link).`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new PluginStartError(
      `The socket directory ${dir} belongs to uid ${st.uid}, not to this user (${uid}): refusing to serve there.`,
    );
  }
  if ((st.mode & 0o077) !== 0) {
    throw new PluginStartError(
      `The socket directory ${dir} has mode ${(st.mode & 0o777).toString(8)}: other users could reach the provider. It must be 0700, as cpq-sso exec makes it.`,
    );
  }
}

/**
 * Makes, once, the calls every terraform command starts with, on a provider of its own that no
 * connection sees: the schema, the validation of each resource (which loads zod) and a
 * configuration naming an unreachable loopback site (which loads the CPQ client; nothing is
 * sent). The process is otherwise idle while the command starts, and the first plan no longer
 * pays for loading and compiling them (about 100 ms of a first plan of examples/basic).
 */
async function warmUp(def: () => ProviderDefinition<unknown>): Promise<void> {
  const service = new ProviderService(def, {
    logger: createLogger(undefined, () => undefined, "error"),
  });
  await service.GetProviderSchema();
  const p = def();
  const nulls = (names: readonly { name: string }[]) =>
    Object.fromEntries(names.map((a) => [a.name, null]));
  for (const r of p.resources()) {
    await service.ValidateResourceConfig({
      typeName: r.typeName,
      config: { msgpack: encodeObject(nulls(r.attributes), r.attributes) },
    });
  }
  const config = {
    ...nulls(p.attributes),
    base_url: "http://127.0.0.1:9",
    username: "warm-up",
    password: "warm-up",
  };
  await service.ValidateProviderConfig({ config: { msgpack: encodeObject(config, p.attributes) } });
  await service.ConfigureProvider({
    terraformVersion: "",
    config: { msgpack: encodeObject(config, p.attributes) },
  });
}

/** Serves `def` on `socketPath` until stdin ends, the parent changes, or SIGTERM/SIGHUP. */
export async function serveForExec(
  def: () => ProviderDefinition<unknown>,
  socketPath: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const tooLong = unixSocketPathProblem(socketPath);
  if (tooLong !== undefined) throw new PluginStartError(tooLong);
  const dir = dirname(socketPath);
  checkSocketDirectory(dir);
  // Exec may be gone when a log line is written: a closed stderr must not end the process early.
  process.stderr.on("error", () => undefined);

  const served = await serveProvider(def, { unixSocket: socketPath, env });
  // After the handshake line: exec starts the command meanwhile.
  setImmediate(() => {
    warmUp(def).catch(() => undefined);
  });
  let ending = false;
  const end = (): void => {
    if (ending) return;
    ending = true;
    void served.stop().then(() => {
      for (const remove of [() => unlinkSync(socketPath), () => rmdirSync(dir)]) {
        try {
          remove();
        } catch {
          // Exec removes them too; whichever ends second finds nothing left.
        }
      }
      // Exit code 0 lets the launcher keep the code cache this long-lived process compiled.
      process.exit(0);
    });
  };
  process.stdin.on("end", end);
  process.stdin.on("close", end);
  process.stdin.on("error", end);
  process.stdin.resume();
  process.on("SIGTERM", end);
  process.on("SIGHUP", end);
  // A second way to notice (stdin may be something other than exec's pipe when the provider is
  // started by hand).
  whenParentEnds(end);
}
