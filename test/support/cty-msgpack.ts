/**
 * Values as Terraform sends them to a provider: msgpack as go-cty writes it, with the test's own
 * codec (not the provider's, so the two cannot share a misreading), and protocol messages
 * through a real encode and decode, as gRPC carries them.
 */
import { decode, encode, ExtensionCodec } from "@msgpack/msgpack";
import type { MessageType, tfplugin6 } from "../../provider/plugin/codec";

/** The test's own stand-in for a value Terraform does not know yet. */
export const UNK = Symbol("unknown");

const cty = new ExtensionCodec();
// go-cty: a wholly unknown value is fixext1 of type 0 holding a zero byte.
cty.register({
  type: 0,
  encode: (v) => (v === UNK ? new Uint8Array([0]) : null),
  decode: () => UNK,
});

/** A value as a DynamicValue in msgpack. */
export const mp = (v: unknown): tfplugin6.IDynamicValue => ({
  msgpack: encode(v, { extensionCodec: cty }),
});

/** A DynamicValue's msgpack back to a value; undefined when there is none. */
export const unmp = (dv: tfplugin6.IDynamicValue | null | undefined): unknown =>
  dv?.msgpack && dv.msgpack.length > 0 ? decode(dv.msgpack, { extensionCodec: cty }) : undefined;

/** A message through its protobuf encoding and back, as it crosses the wire. */
export function wire<T, I>(type: MessageType<T, I>, message: I): T {
  return type.decode(type.encode(message).finish());
}
