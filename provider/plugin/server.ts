/**
 * The plugin process: a grpc-js server with the provider and go-plugin's services (health,
 * controller, stdio, broker) with AutoMTLS, announced by the handshake line: started by Terraform,
 * on a Unix socket of its own (on Windows, on loopback TCP), as go-plugin's servers listen; for
 * `cpq-sso exec`, on a Unix socket that many terraform commands reattach to.
 */
import type * as grpcjs from "@grpc/grpc-js";
// grpc-js's server, its credentials and its status codes from their own modules, not from the
// package's index: the index also loads the client side (channels, subchannels, resolvers, load
// balancers, retries), which a plugin server never uses. With scripts/build.mjs's
// `withoutGrpcClient`, the plugin bundle is 0.3 MB smaller (docs/performance.md, change 13: a
// small gain in CPU, within the noise of a whole process). grpc-js ships these modules' types.
import { Status } from "@grpc/grpc-js/build/src/constants";
import { Server } from "@grpc/grpc-js/build/src/server";
import { ServerCredentials } from "@grpc/grpc-js/build/src/server-credentials";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROVIDER_ADDRESS } from "../address";
import type { ProviderDefinition } from "../contract/types";
import { generateServerCertificate } from "./cert";
import {
  brokerService,
  controllerService,
  healthProto,
  healthService,
  PROVIDER_RPCS,
  PROVIDER_STREAM_RPCS,
  providerService,
  stdioService,
} from "./codec";
import type { ListenAddress } from "./handshake";
import {
  candidatePorts,
  handshakeLine,
  hasMagicCookie,
  negotiateProtocol,
  NOT_A_COMMAND_MESSAGE,
  reattachConfig,
} from "./handshake";
import type { Logger } from "./log";
import { createLogger, logLevelFromEnv } from "./log";
import { ProviderService } from "./provider-service";

/** Options of {@link serveProvider}. */
export interface ServeOptions {
  /** Environment to read go-plugin's variables from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Debug mode: no magic cookie needed, no TLS, and instead of the handshake line a
   * `TF_REATTACH_PROVIDERS` value for the user to export. Terraform then uses this process.
   */
  readonly debug?: boolean;
  /** Where the handshake line (or the debug instructions) goes; default stdout. */
  readonly out?: (text: string) => void;
  readonly logger?: Logger;
  /** Called when Terraform asks the plugin to shut down; default ends the process. */
  readonly onShutdown?: () => void;
  /**
   * Serve on this Unix socket path for `cpq-sso exec`: no magic cookie, no TLS (Terraform speaks
   * plain gRPC to a reattached provider; the socket's private directory is the access control),
   * and `Shutdown` does not end the process, which outlives each terraform command. The handshake
   * line names the socket.
   */
  readonly unixSocket?: string;
}

/** A running provider server. */
export interface ServingProvider {
  readonly address: ListenAddress;
  /** Stops serving at once. */
  stop(): Promise<void>;
}

/** Thrown when the process cannot serve: the message is for the person who started it. */
export class PluginStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PluginStartError";
  }
}

type UnaryHandler = (req: unknown) => unknown;

function unary(
  logger: Logger,
  rpc: string,
  fn: UnaryHandler,
): grpcjs.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        // The glue turns resource failures into diagnostics; reaching here is a bug in the glue
        // itself. Answer the call with an error status rather than dropping it.
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          logger.error("rpc crashed", { rpc, error: message });
          callback({ code: Status.INTERNAL, details: message }, null);
        },
      );
  };
}

type StreamHandler = (req: unknown, emit: (event: unknown) => void) => Promise<void>;

/**
 * A server-streaming RPC (ListResource, InvokeAction): the handler emits events and resolves when
 * done; the glue puts failures into an event's diagnostics, so reaching the catch is a bug.
 */
function serverStream(
  logger: Logger,
  rpc: string,
  fn: StreamHandler,
  streams: Set<
    grpcjs.ServerWritableStream<unknown, unknown> | grpcjs.ServerDuplexStream<unknown, unknown>
  >,
): grpcjs.handleServerStreamingCall<unknown, unknown> {
  return (call) => {
    streams.add(call);
    let cancelled = false;
    call.on("cancelled", () => {
      // Terraform stops reading a list at its limit by cancelling the stream.
      cancelled = true;
      streams.delete(call);
    });
    Promise.resolve()
      .then(() =>
        fn(call.request, (event) => {
          if (!cancelled) call.write(event);
        }),
      )
      .then(
        () => {
          streams.delete(call);
          if (!cancelled) call.end();
        },
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          logger.error("rpc crashed", { rpc, error: message });
          streams.delete(call);
          if (!cancelled)
            call.destroy(Object.assign(new Error(message), { code: Status.INTERNAL }));
        },
      );
  };
}

/**
 * Listens on 127.0.0.1 on the first free port of `ports`. The listener is ours, not grpc-js's
 * (`bindAsync`): its sockets are handed to grpc-js one by one, so the process knows when
 * Terraform has hung up (see Shutdown below), and start-up skips grpc-js's address parsing.
 */
function listen(
  ports: readonly number[],
): Promise<{ listener: net.Server; address: ListenAddress }> {
  return new Promise((resolve, reject) => {
    const attempt = (i: number): void => {
      const port = ports[i];
      if (port === undefined) {
        reject(
          new PluginStartError(
            `Could not bind the plugin server to 127.0.0.1 on ports ${ports[0]}-${ports[ports.length - 1]}.`,
          ),
        );
        return;
      }
      const listener = net.createServer();
      const next = (): void => {
        listener.close();
        attempt(i + 1);
      };
      listener.once("error", next);
      listener.listen({ host: "127.0.0.1", port }, () => {
        listener.off("error", next);
        const bound = listener.address() as net.AddressInfo;
        resolve({ listener, address: { network: "tcp", address: `127.0.0.1:${bound.port}` } });
      });
    };
    attempt(0);
  });
}

/** Listens on a Unix socket path, readable and writable by the user only. */
function listenUnix(path: string): Promise<{ listener: net.Server; address: ListenAddress }> {
  return new Promise((resolve, reject) => {
    const listener = net.createServer();
    listener.once("error", (err: NodeJS.ErrnoException) =>
      reject(new PluginStartError(`Could not listen on the Unix socket ${path}: ${err.message}.`)),
    );
    listener.listen({ path }, () => {
      // The directory (0700) is what keeps other users out; the mode is a second lock.
      chmodSync(path, 0o600);
      resolve({ listener, address: { network: "unix", address: path } });
    });
  });
}

/**
 * Where a plugin Terraform started listens, as go-plugin's own servers do: on Linux and macOS a
 * Unix socket in a private temporary directory (`$PLUGIN_UNIX_SOCKET_DIR`, go-plugin's setting,
 * else the system's), removed when the process ends; on Windows, or if that socket cannot be
 * made, 127.0.0.1 within `PLUGIN_MIN_PORT`..`PLUGIN_MAX_PORT`. A socket skips what a TCP listen
 * on a host costs every start (Node looks the address up and compiles `net.isIPv6`'s regular
 * expression): about 8 ms of CPU, on the way to the handshake line.
 *
 * Only with AutoMTLS (`mutualTls`). In a temporary directory others may write to without the
 * sticky bit, another user could rename the socket's directory away and put one of theirs in its
 * place; Terraform pins the certificate of the handshake line, so it would then talk to nobody.
 * Without TLS (`TF_DISABLE_PLUGIN_TLS`) it would hand that user the provider's configuration,
 * CPQ credentials included, so the provider listens on 127.0.0.1 as before, where no other
 * process can take Terraform's connection.
 */
async function listenForTerraform(
  env: NodeJS.ProcessEnv,
  mutualTls: boolean,
): Promise<{ listener: net.Server; address: ListenAddress }> {
  if (mutualTls && process.platform !== "win32") {
    let dir: string | undefined;
    const remove = (): void => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    };
    try {
      // mkdtemp makes the directory 0700: no other user reaches the socket inside.
      dir = mkdtempSync(path.join(env.PLUGIN_UNIX_SOCKET_DIR || tmpdir(), "cpq-sso-plugin-"));
      const listening = await listenUnix(path.join(dir, "plugin.sock"));
      process.once("exit", remove);
      // Ended by a signal (a CI job's cancel, a test's kill), the process runs no exit handler:
      // the directory is removed first, then the signal is raised again for its usual end.
      for (const signal of ["SIGTERM", "SIGHUP"] as const) {
        process.once(signal, () => {
          remove();
          process.kill(process.pid, signal);
        });
      }
      return listening;
    } catch {
      // A directory that cannot be written, or a path longer than a socket's: TCP, as on Windows.
      remove();
    }
  }
  return listen(candidatePorts(env));
}

/** How long the process waits after answering Shutdown for Terraform to hang up. */
const HANG_UP_GRACE_MS = 250;

/** How often a provider process checks that the process that started it is still its parent. */
const PARENT_POLL_MS = 500;

/**
 * Calls `gone` once the process that started this one has ended: an orphan is re-parented, so a
 * changed parent pid means it is gone, whatever became of the pipes between them.
 */
export function whenParentEnds(gone: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  }, PARENT_POLL_MS);
  timer.unref();
}

/**
 * Serves a provider the way Terraform expects a plugin to: checks the magic cookie, negotiates
 * protocol 6, listens on a Unix socket (on Windows on 127.0.0.1, within
 * `PLUGIN_MIN_PORT`..`PLUGIN_MAX_PORT` when given; see `listenForTerraform`),
 * uses AutoMTLS when `PLUGIN_CLIENT_CERT` is set and prints the handshake line.
 *
 * `def` may be a function: it is then called at the first provider RPC, so loading the resources
 * does not delay the handshake.
 */
export async function serveProvider(
  def: ProviderDefinition<unknown> | (() => ProviderDefinition<unknown>),
  opts: ServeOptions = {},
): Promise<ServingProvider> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger(undefined, undefined, logLevelFromEnv(env));
  const out = opts.out ?? ((t: string) => process.stdout.write(t));
  const debug = opts.debug ?? false;
  const unixSocket = opts.unixSocket;
  // Started by Terraform: the cookie and the protocol list are its. Debug and exec servers are
  // started by a person or by `cpq-sso exec`, and Terraform reattaches to them.
  const managed = !debug && unixSocket === undefined;

  if (managed && !hasMagicCookie(env)) throw new PluginStartError(NOT_A_COMMAND_MESSAGE);
  if (managed && negotiateProtocol(env) === null) {
    throw new PluginStartError(
      `This provider speaks Terraform plugin protocol 6; the client offered ${env.PLUGIN_PROTOCOL_VERSIONS}. Use Terraform 1.0 or later.`,
    );
  }

  let creds = ServerCredentials.createInsecure();
  let certDer: Uint8Array | undefined;
  const clientCert = env.PLUGIN_CLIENT_CERT;
  if (managed && clientCert) {
    const cert = generateServerCertificate();
    certDer = cert.certDer;
    // The client's certificate is the only one trusted: mutual TLS, as go-plugin's AutoMTLS.
    creds = ServerCredentials.createSsl(
      Buffer.from(clientCert),
      [{ private_key: Buffer.from(cert.keyPem), cert_chain: Buffer.from(cert.certPem) }],
      true,
    );
  }

  // Open streams would hold a graceful shutdown; they are tracked and ended on stop.
  const streams = new Set<
    grpcjs.ServerWritableStream<unknown, unknown> | grpcjs.ServerDuplexStream<unknown, unknown>
  >();
  const servers = new Set<grpcjs.Server>();
  const { listener, address } = await (unixSocket !== undefined
    ? listenUnix(unixSocket)
    : debug
      ? listen([0])
      : listenForTerraform(env, certDer !== undefined));
  const sockets = new Set<net.Socket>();
  let hungUp: (() => void) | undefined;

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of streams) s.end();
      streams.clear();
      listener.close();
      for (const server of servers) server.forceShutdown();
      for (const s of sockets) s.destroy();
      resolve();
    });

  const onShutdown =
    opts.onShutdown ??
    (() => {
      void stop().then(() => process.exit(0));
    });
  // Terraform ends the providers it started; killed outright (SIGKILL, an out-of-memory kill, a
  // CI job's timeout) it cannot, and a provider waiting for a connection that never comes would
  // live on, holding the CPQ credentials in its environment.
  if (managed) {
    whenParentEnds(() => {
      logger.debug("terraform is gone; ending");
      onShutdown();
    });
  }
  const shutdownRequested = (): void => {
    logger.debug("shutdown requested");
    if (!managed) return;
    // Answer first, and end once Terraform has the answer: go-plugin hangs up right after it,
    // and only then waits for the process to end. A client that stays connected gets the grace
    // period.
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      onShutdown();
    };
    const timer = setTimeout(finish, HANG_UP_GRACE_MS);
    hungUp = finish;
  };

  // One provider, and so one configuration with its caches, per connection. Terraform connects
  // once per provider instance (each `provider` block, in each command): started by Terraform,
  // that instance is a process of its own; reattached, the connections of many commands, maybe at
  // once, share this process, and each must see only the configuration it sent.
  listener.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    const server = connectionServer(
      new ProviderService(def, { logger }),
      logger,
      streams,
      shutdownRequested,
    );
    servers.add(server);
    socket.once("close", () => {
      sockets.delete(socket);
      servers.delete(server);
      server.forceShutdown();
      if (sockets.size === 0) hungUp?.();
    });
    server.createConnectionInjector(creds).injectConnection(socket);
  });

  // With the Node that runs it: terraform starts the provider through `#!/usr/bin/env node`, so
  // that is whichever `node` comes first on its PATH, which a bug report needs to know.
  logger.debug("plugin address", {
    network: address.network,
    address: address.address,
    node: process.version,
  });

  if (debug) {
    const value = reattachConfig(PROVIDER_ADDRESS, address, process.pid);
    out(
      "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:\n\n" +
        `\tTF_REATTACH_PROVIDERS='${value}'\n\n` +
        "Stop it with Ctrl-C.\n",
    );
  } else {
    out(handshakeLine(address, certDer));
  }
  return { address, stop };
}

/** A grpc-js server for one connection: the provider's service and go-plugin's. */
function connectionServer(
  service: ProviderService,
  logger: Logger,
  streams: Set<
    grpcjs.ServerWritableStream<unknown, unknown> | grpcjs.ServerDuplexStream<unknown, unknown>
  >,
  shutdownRequested: () => void,
): grpcjs.Server {
  const server = new Server({
    // Terraform sends whole states and schemas; gRPC's 4 MiB default is too small for neither
    // today, but a provider must not fail on a large state.
    "grpc.max_receive_message_length": 256 * 1024 * 1024,
    "grpc.max_send_message_length": 256 * 1024 * 1024,
    // No channelz admin service is served, so its bookkeeping would be for nobody.
    "grpc.enable_channelz": 0,
  });

  const impl: grpcjs.UntypedServiceImplementation = {};
  for (const rpc of PROVIDER_RPCS) {
    const fn = (service[rpc] as (req: unknown) => unknown).bind(service);
    impl[rpc] = unary(logger, rpc, fn);
  }
  for (const rpc of PROVIDER_STREAM_RPCS) {
    const fn = (service[rpc] as StreamHandler).bind(service);
    impl[rpc] = serverStream(logger, rpc, fn, streams);
  }
  server.addService(providerService, impl);

  const SERVING = healthProto.health.v1.HealthCheckResponse.ServingStatus.SERVING;
  server.addService(healthService, {
    Check: unary(logger, "Health.Check", () => ({ status: SERVING })),
  });

  server.addService(stdioService, {
    // Nothing is written to stdout after the handshake, so the stream stays open and empty.
    StreamStdio: (call: grpcjs.ServerWritableStream<unknown, unknown>) => {
      streams.add(call);
      call.on("cancelled", () => streams.delete(call));
    },
  });
  server.addService(brokerService, {
    // This provider never asks for sub-connections: accept the stream and let it idle.
    StartStream: (call: grpcjs.ServerDuplexStream<unknown, unknown>) => {
      streams.add(call);
      call.on("data", () => undefined);
      call.on("end", () => {
        streams.delete(call);
        call.end();
      });
      call.on("cancelled", () => streams.delete(call));
      call.on("error", () => streams.delete(call));
    },
  });
  server.addService(controllerService, {
    Shutdown: unary(logger, "Controller.Shutdown", () => {
      shutdownRequested();
      return {};
    }),
  });
  return server;
}
