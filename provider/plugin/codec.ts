/**
 * gRPC service definitions for grpc-js built on the generated static protobuf code: each method's
 * (de)serializers call the generated `encode`/`decode`, so nothing parses a .proto at run time and
 * `@grpc/proto-loader` is not needed.
 */
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import * as protobuf from "protobufjs/minimal";
import { grpc, plugin, tfplugin6 } from "./generated/protos";

// The generated types promise plain numbers for int64 fields (schema versions, far below 2^53);
// without this protobufjs would decode them as Long objects because the `long` package is present.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

/** A generated message class: what the codec needs of it. */
export interface MessageType<T, I = T> {
  encode(message: I): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/** Encodes a message to the Buffer grpc-js wants. */
export function encodeMessage<I>(type: MessageType<unknown, I>, message: I): Buffer {
  const bytes = type.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function method<Req, ReqI, Res, ResI>(
  path: string,
  req: MessageType<Req, ReqI>,
  res: MessageType<Res, ResI>,
  stream: { request?: boolean; response?: boolean } = {},
): MethodDefinition<Req | ReqI, Res | ResI> {
  return {
    path,
    requestStream: stream.request ?? false,
    responseStream: stream.response ?? false,
    // The server decodes requests and encodes responses; the client half serves the tests.
    requestSerialize: (v) => encodeMessage(req, v as ReqI),
    requestDeserialize: (b) => req.decode(b),
    responseSerialize: (v) => encodeMessage(res, v as ResI),
    responseDeserialize: (b) => res.decode(b),
  };
}

type Pair<T> = T extends {
  Request: MessageType<infer Q, infer QI>;
  Response: MessageType<infer S, infer SI>;
}
  ? [Q, QI, S, SI]
  : never;

function rpc<N extends ProviderRpc>(name: N): MethodDefinition<unknown, unknown> {
  const ns = tfplugin6[name] as unknown as {
    Request: MessageType<unknown>;
    Response: MessageType<unknown>;
  };
  return method(`/tfplugin6.Provider/${name}`, ns.Request, ns.Response) as MethodDefinition<
    unknown,
    unknown
  >;
}

/** The unary RPCs of `tfplugin6.Provider` this server answers, by method name. */
export const PROVIDER_RPCS = [
  "GetMetadata",
  "GetProviderSchema",
  "ValidateProviderConfig",
  "ValidateResourceConfig",
  "ValidateDataResourceConfig",
  "UpgradeResourceState",
  "GetResourceIdentitySchemas",
  "UpgradeResourceIdentity",
  "ConfigureProvider",
  "ReadResource",
  "PlanResourceChange",
  "ApplyResourceChange",
  "ImportResourceState",
  "MoveResourceState",
  "ReadDataSource",
  "ValidateEphemeralResourceConfig",
  "OpenEphemeralResource",
  "RenewEphemeralResource",
  "CloseEphemeralResource",
  "GetFunctions",
  "CallFunction",
  "GenerateResourceConfig",
  "ValidateListResourceConfig",
  "ValidateActionConfig",
  "PlanAction",
  "StopProvider",
] as const;

/** The server-streaming RPCs of `tfplugin6.Provider` (protocol 6.10): a request, then events. */
export const PROVIDER_STREAM_RPCS = ["ListResource", "InvokeAction"] as const;

/** A streaming method name of `tfplugin6.Provider`. */
export type ProviderStreamRpc = (typeof PROVIDER_STREAM_RPCS)[number];

type StreamPair<T> = T extends {
  Request: MessageType<infer Q, infer QI>;
  Event: MessageType<infer E, infer EI>;
}
  ? [Q, QI, E, EI]
  : never;

/** Request (decoded) and event (plain object to encode) types of a streaming provider RPC. */
export type StreamRequest<N extends ProviderStreamRpc> = StreamPair<(typeof tfplugin6)[N]>[0];
export type StreamEvent<N extends ProviderStreamRpc> = StreamPair<(typeof tfplugin6)[N]>[3];

function streamRpc(name: ProviderStreamRpc): MethodDefinition<unknown, unknown> {
  const ns = tfplugin6[name] as unknown as {
    Request: MessageType<unknown>;
    Event: MessageType<unknown>;
  };
  return method(`/tfplugin6.Provider/${name}`, ns.Request, ns.Event, {
    response: true,
  }) as MethodDefinition<unknown, unknown>;
}

/** A method name of `tfplugin6.Provider`. */
export type ProviderRpc = (typeof PROVIDER_RPCS)[number];

/** Request (decoded) and response (plain object to encode) types of a provider RPC. */
export type RpcRequest<N extends ProviderRpc> = Pair<(typeof tfplugin6)[N]>[0];
export type RpcResponse<N extends ProviderRpc> = Pair<(typeof tfplugin6)[N]>[3];

/** `tfplugin6.Provider`. */
export const providerService: ServiceDefinition = Object.fromEntries([
  ...PROVIDER_RPCS.map((n) => [n, rpc(n)] as const),
  ...PROVIDER_STREAM_RPCS.map((n) => [n, streamRpc(n)] as const),
]);

/** `grpc.health.v1.Health`: go-plugin's client pings service "plugin". */
export const healthService: ServiceDefinition = {
  Check: method(
    "/grpc.health.v1.Health/Check",
    grpc.health.v1.HealthCheckRequest,
    grpc.health.v1.HealthCheckResponse,
  ),
};

/** `plugin.GRPCController`: Shutdown ends the process. */
export const controllerService: ServiceDefinition = {
  Shutdown: method("/plugin.GRPCController/Shutdown", plugin.Empty, plugin.Empty),
};

/** `plugin.GRPCStdio`: a stream of the plugin's stdout/stderr. */
export const stdioService: ServiceDefinition = {
  StreamStdio: method("/plugin.GRPCStdio/StreamStdio", plugin.Empty, plugin.StdioData, {
    response: true,
  }),
};

/** `plugin.GRPCBroker`: sub-connections, which this provider never opens. */
export const brokerService: ServiceDefinition = {
  StartStream: method("/plugin.GRPCBroker/StartStream", plugin.ConnInfo, plugin.ConnInfo, {
    request: true,
    response: true,
  }),
};

export { grpc as healthProto, plugin as pluginProto, tfplugin6 };
