/**
 * A client of a running provider plugin, as go-plugin is one: it reads the handshake line, trusts
 * the certificate printed there and presents the AutoMTLS client certificate whose PEM the
 * plugin was given in `PLUGIN_CLIENT_CERT`. Shared by the bench and the plugin's tests.
 */
import * as grpcjs from "@grpc/grpc-js";
import { X509Certificate } from "node:crypto";

/** The client certificate and key Terraform makes for one plugin process. */
export interface PluginClientCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A mutual-TLS connection setup to one plugin process. */
export interface PluginConnection {
  /** The gRPC target of the handshake line's address: `127.0.0.1:PORT` or `unix:PATH`. */
  readonly address: string;
  /** The server certificate from the handshake line. */
  readonly serverCert: X509Certificate;
  /** A client of one of the plugin's services. */
  client(service: grpcjs.ServiceDefinition, name: string): grpcjs.Client;
}

/** Sets up clients for the plugin that printed `line` (`1|6|tcp|ADDRESS|grpc|CERT` or `...|unix|PATH|...`). */
export function connectToPlugin(line: string, cert: PluginClientCertificate): PluginConnection {
  const [, , network, listening, , certB64] = line.trim().split("|");
  if (!listening || !certB64 || (network !== "tcp" && network !== "unix"))
    throw new Error(`not a go-plugin handshake line with AutoMTLS: ${line}`);
  const address = network === "unix" ? `unix:${listening}` : listening;
  const serverCert = new X509Certificate(Buffer.from(certB64, "base64"));
  const credentials = grpcjs.credentials.createSsl(
    Buffer.from(serverCert.toString()),
    Buffer.from(cert.keyPem),
    Buffer.from(cert.certPem),
    // The certificate is pinned: it is the CA. Its name is localhost, as go-plugin's.
    { checkServerIdentity: () => undefined },
  );
  const options = { "grpc.ssl_target_name_override": "localhost" };
  return {
    address,
    serverCert,
    client: (service, name) =>
      new (grpcjs.makeGenericClientConstructor(service, name))(address, credentials, options),
  };
}

type Unary = (
  req: unknown,
  meta: grpcjs.Metadata,
  opts: grpcjs.CallOptions,
  cb: (err: grpcjs.ServiceError | null, res: unknown) => void,
) => void;

/**
 * Calls the unary method `name` of a client made by {@link PluginConnection.client}; with
 * `deadlineMs`, a call that gets no answer in time fails instead of waiting.
 */
export function callUnary<T>(
  client: grpcjs.Client,
  name: string,
  req: unknown = {},
  deadlineMs?: number,
): Promise<T> {
  const fn = (client as unknown as Record<string, Unary>)[name];
  if (!fn) throw new Error(`the client has no method ${name}`);
  const opts = deadlineMs === undefined ? {} : { deadline: new Date(Date.now() + deadlineMs) };
  return new Promise((resolve, reject) =>
    fn.call(client, req, new grpcjs.Metadata(), opts, (err, res) =>
      err ? reject(err) : resolve(res as T),
    ),
  );
}

type ServerStream = (
  req: unknown,
  meta: grpcjs.Metadata,
  opts: grpcjs.CallOptions,
) => grpcjs.ClientReadableStream<unknown>;

/**
 * Calls the server-streaming method `name` (ListResource, InvokeAction) and collects its events
 * until the server ends the stream; with `max`, cancels after that many, as Terraform does at a
 * list's limit.
 */
export function callStream<T>(
  client: grpcjs.Client,
  name: string,
  req: unknown = {},
  max = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const fn = (client as unknown as Record<string, ServerStream>)[name];
  if (!fn) throw new Error(`the client has no method ${name}`);
  return new Promise((resolve, reject) => {
    const events: T[] = [];
    const call = fn.call(client, req, new grpcjs.Metadata(), {});
    call.on("data", (e: T) => {
      events.push(e);
      if (events.length >= max) {
        call.cancel();
        resolve(events);
      }
    });
    call.on("end", () => resolve(events));
    call.on("error", (err: grpcjs.ServiceError) =>
      err.code === grpcjs.status.CANCELLED ? resolve(events) : reject(err),
    );
  });
}
