/**
 * Entry of `dist/provider-main.js`, the plugin bundle the `terraform-provider-cpq` executable
 * (`launcher.ts`) runs. Terraform starts it 3-4 times per command, so it hand-shakes before
 * loading anything it does not need yet: the cookie check needs no module, the gRPC server is
 * required only after it, and the provider's resources only at the first provider RPC.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { hasMagicCookie, NOT_A_COMMAND_MESSAGE, REATTACH_SOCKET_FLAG } from "./handshake";

function main(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  const debug = argv.includes("--debug") || env.CPQ_SSO_PROVIDER_DEBUG === "1";
  const socketAt = argv.indexOf(REATTACH_SOCKET_FLAG);
  const unixSocket = socketAt >= 0 ? argv[socketAt + 1] : undefined;
  if (socketAt >= 0 && !unixSocket) {
    process.stderr.write(`${REATTACH_SOCKET_FLAG} needs the socket path.\n`);
    process.exitCode = 1;
    return;
  }
  if (!debug && unixSocket === undefined && !hasMagicCookie(env)) {
    process.stderr.write(NOT_A_COMMAND_MESSAGE);
    process.exitCode = 1;
    return;
  }
  // Terraform handles Ctrl-C itself and tells providers to stop over gRPC; like go-plugin, a
  // served plugin ignores the interrupt its process group receives, and so does the process of
  // `cpq-sso exec`, which terraform needs until it has stopped. A debug server is the user's own
  // process, which Ctrl-C ends.
  process.on("SIGINT", () => {
    if (debug) process.exit(0);
  });
  // Stdout carried the handshake and nothing else may follow it there.
  console.log = console.info = console.debug = console.error;

  const { serveProvider, PluginStartError } = require("./server") as typeof import("./server");
  const loadProvider = (): import("../contract/types").ProviderDefinition<unknown> =>
    (require("../provider") as typeof import("../provider"))
      .cpqProvider as import("../contract/types").ProviderDefinition<unknown>;
  const fail = (err: unknown): void => {
    if (err instanceof PluginStartError) process.stderr.write(`${err.message}\n`);
    else
      process.stderr.write(
        `cpq provider failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
      );
    process.exit(1);
  };
  if (unixSocket !== undefined) {
    const { serveForExec } = require("./exec-server") as typeof import("./exec-server");
    serveForExec(loadProvider, unixSocket, env).catch(fail);
    return;
  }
  serveProvider(loadProvider, { debug, env }).catch(fail);
}

main(process.argv.slice(2), process.env);
