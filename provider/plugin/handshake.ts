/**
 * go-plugin's side of the start-up contract, without gRPC: the magic cookie check, the protocol
 * version choice, the listen address, the handshake line and, for debugging, the
 * `TF_REATTACH_PROVIDERS` value. Kept free of heavy imports: it runs before anything else.
 */

/** The environment variable Terraform sets to prove the process was started as its plugin. */
export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
/** Its value, fixed by Terraform for all providers. */
export const MAGIC_COOKIE_VALUE =
  "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/** go-plugin's own protocol version, the first field of the handshake line. */
export const CORE_PROTOCOL_VERSION = 1;
/** The Terraform plugin protocol this server speaks. */
export const APP_PROTOCOL_VERSION = 6;

/** What a human sees when starting the provider binary by hand. */
export const NOT_A_COMMAND_MESSAGE =
  "This binary is a Terraform plugin (the cpq-sso provider for Oracle CPQ). It is not meant to be\n" +
  "run directly: Terraform starts it. Install it with `cpq-sso install` and run terraform, or run\n" +
  "it with --debug to serve it for a debugger (see docs/provider-protocol.md).\n";

type Env = Readonly<Record<string, string | undefined>>;

/** True when Terraform (or anything speaking go-plugin for Terraform) started this process. */
export function hasMagicCookie(env: Env): boolean {
  return env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE;
}

/**
 * Picks protocol 6 from `PLUGIN_PROTOCOL_VERSIONS` (comma-separated, what the client speaks), or
 * null when the client does not speak it. An absent list means a client too old to say: go-plugin
 * then serves its default, and so do we.
 */
export function negotiateProtocol(env: Env): number | null {
  const list = env.PLUGIN_PROTOCOL_VERSIONS;
  if (list === undefined || list.trim() === "") return APP_PROTOCOL_VERSION;
  const offered = list.split(",").map((v) => Number.parseInt(v.trim(), 10));
  return offered.includes(APP_PROTOCOL_VERSION) ? APP_PROTOCOL_VERSION : null;
}

/** The TCP ports to try, from `PLUGIN_MIN_PORT`/`PLUGIN_MAX_PORT`; `[0]` (any) when unset. */
export function candidatePorts(env: Env): number[] {
  const min = env.PLUGIN_MIN_PORT ? Number.parseInt(env.PLUGIN_MIN_PORT, 10) : NaN;
  const max = env.PLUGIN_MAX_PORT ? Number.parseInt(env.PLUGIN_MAX_PORT, 10) : NaN;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min > max || min < 0) return [0];
  const ports: number[] = [];
  for (let p = min; p <= max && ports.length < 1000; p++) ports.push(p);
  return ports;
}

/** Where the server listens, as the handshake line and the reattach config name it. */
export interface ListenAddress {
  readonly network: "tcp" | "unix";
  /** `127.0.0.1:PORT` or a socket path. */
  readonly address: string;
}

/**
 * The handshake line: `CORE|APP|NETWORK|ADDR|grpc|CERT`, CERT being the server certificate's DER
 * in unpadded standard base64 (go-plugin's encoding: the line cannot hold PEM's newlines), or
 * empty without AutoMTLS.
 */
export function handshakeLine(addr: ListenAddress, certDer?: Uint8Array): string {
  const cert = certDer ? Buffer.from(certDer).toString("base64").replace(/=+$/, "") : "";
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|${addr.network}|${addr.address}|grpc|${cert}\n`;
}

/**
 * The `TF_REATTACH_PROVIDERS` value for a provider served in debug mode, in the shape Terraform
 * reads (terraform-plugin-go prints the same): Terraform then connects to this process instead of
 * starting one.
 */
export function reattachConfig(source: string, addr: ListenAddress, pid: number): string {
  return JSON.stringify({ [source]: reattachEntry(addr, pid) });
}

/**
 * One provider's entry of `TF_REATTACH_PROVIDERS` (a debug server's, or `cpq-sso exec`'s).
 * `Test`: Terraform neither shuts the process down at the end of each command nor waits for it,
 * since whoever started it owns it.
 */
export function reattachEntry(addr: ListenAddress, pid: number): Record<string, unknown> {
  return {
    Protocol: "grpc",
    ProtocolVersion: APP_PROTOCOL_VERSION,
    Pid: pid,
    Test: true,
    Addr: { Network: addr.network, String: addr.address },
  };
}

/**
 * The provider executable's flag for `cpq-sso exec`: serve on this Unix socket until stdin ends
 * (see `exec-server.ts`).
 */
export const REATTACH_SOCKET_FLAG = "--reattach-socket";

/**
 * The longest Unix socket path the platform takes, in bytes: `sun_path` holds 108 bytes on Linux
 * and 104 on macOS and the BSDs, the last of them the terminating NUL.
 */
function maxUnixSocketPathBytes(platform: NodeJS.Platform = process.platform): number {
  return platform === "linux" ? 107 : 103;
}

/** Why `path` cannot be a Unix socket path here, or undefined when it can. */
export function unixSocketPathProblem(
  path: string,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const bytes = Buffer.byteLength(path, "utf8");
  const max = maxUnixSocketPathBytes(platform);
  if (bytes <= max) return undefined;
  return `The provider's socket path ${path} is ${bytes} bytes long, more than the ${max} a Unix socket path may have here. Set TMPDIR to a shorter directory (e.g. TMPDIR=/tmp).`;
}
