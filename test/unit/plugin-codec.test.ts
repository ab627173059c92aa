import { encodeMessage, providerService, tfplugin6 } from "../../provider/plugin/codec";
import {
  decodePrivate,
  encodePrivate,
  thrownDiagnostic,
  toProtoDiagnostic,
} from "../../provider/plugin/provider-service";
import { ValueError } from "../../provider/plugin/values";

describe("the protobuf codec", () => {
  it("round-trips a plan request through the provider service's (de)serializers", () => {
    const m = providerService.PlanResourceChange!;
    const req = {
      typeName: "cpq_sso_configuration",
      priorState: { msgpack: new Uint8Array([0xc0]) },
      proposedNewState: { msgpack: new Uint8Array([0x80]) },
      priorPrivate: Buffer.from("{}"),
      clientCapabilities: { writeOnlyAttributesAllowed: true },
    };
    const decoded = m.requestDeserialize(
      m.requestSerialize(req),
    ) as tfplugin6.PlanResourceChange.Request;
    expect(decoded.typeName).toBe("cpq_sso_configuration");
    expect(Buffer.from(decoded.proposedNewState!.msgpack!)).toEqual(Buffer.from([0x80]));
    expect(decoded.clientCapabilities?.writeOnlyAttributesAllowed).toBe(true);
    expect(decoded.clientCapabilities?.deferralAllowed).toBe(false);
    expect(decoded.config).toBeNull();
  });

  it("uses Terraform's field numbers (write_only is field 11 of Schema.Attribute)", () => {
    const bytes = encodeMessage(tfplugin6.Schema.Attribute, { name: "a", writeOnly: true });
    // field 1 (name) "a", then field 11 varint: tag (11 << 3) | 0 = 0x58.
    expect(bytes.toString("hex")).toBe("0a01615801");
  });

  it("encodes schema versions (int64) as plain numbers", () => {
    const bytes = encodeMessage(tfplugin6.Schema, { version: 3 });
    expect(tfplugin6.Schema.decode(bytes).version).toBe(3);
  });

  it("turns a diagnostic's path into attribute_name steps", () => {
    const d = toProtoDiagnostic({
      severity: "error",
      summary: "s",
      detail: "d",
      path: ["sso_method"],
    });
    const round = tfplugin6.Diagnostic.decode(encodeMessage(tfplugin6.Diagnostic, d));
    expect(round.severity).toBe(tfplugin6.Diagnostic.Severity.ERROR);
    expect(round.attribute?.steps?.[0]?.attributeName).toBe("sso_method");
    const w = toProtoDiagnostic({ severity: "warning", summary: "w" });
    expect(w.severity).toBe(tfplugin6.Diagnostic.Severity.WARNING);
    expect(w.attribute).toBeUndefined();
  });

  it("reports a thrown error as an error diagnostic with its message", () => {
    expect(thrownDiagnostic("apply of x", new Error("boom"))).toMatchObject({
      severity: tfplugin6.Diagnostic.Severity.ERROR,
      summary: "The cpq provider failed during apply of x",
      detail: "boom",
    });
    const v = thrownDiagnostic("plan", new ValueError("bad", ["count"]));
    expect(v.attribute?.steps?.[0]?.attributeName).toBe("count");
  });

  it("keeps private state as JSON, empty when there is none, and survives garbage", () => {
    expect(encodePrivate({}).length).toBe(0);
    expect(decodePrivate(encodePrivate({ h: "x" }))).toEqual({ h: "x" });
    expect(decodePrivate(Buffer.from("not json"))).toEqual({});
    expect(decodePrivate(Buffer.from('{"a":1,"b":"2"}'))).toEqual({ b: "2" });
  });
});
