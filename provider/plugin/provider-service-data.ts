/**
 * The data source and function RPCs: reads that plan nothing, and provider-defined functions,
 * which run without a configured provider.
 */
import type { RpcRequest, RpcResponse } from "./codec";
import { diagnosticDetail } from "../text/escape";
import { decodeObject, decodeRaw, encodeObject, encodeRaw } from "./values";
import { diags, dv, errorDiag, hasError, known, validateConfig } from "./provider-service-core";
import type { ProtoDiagnostic, ServiceCore } from "./provider-service-core";

/** Terraform's `ValidateDataResourceConfig` call (see ProviderService). */
export function validateDataResourceConfig(
  core: ServiceCore,
  req: RpcRequest<"ValidateDataResourceConfig">,
): Promise<RpcResponse<"ValidateDataResourceConfig">> {
  return core.guard(
    "ValidateDataResourceConfig",
    req.typeName,
    (d) => ({ diagnostics: [d] }),
    () => {
      return validateConfig(req.config, core.dataSource(req.typeName), req.typeName);
    },
  );
}

/** Terraform's `ReadDataSource` call (see ProviderService). */
export function readDataSource(
  core: ServiceCore,
  req: RpcRequest<"ReadDataSource">,
): Promise<RpcResponse<"ReadDataSource">> {
  return core.guard(
    "ReadDataSource",
    req.typeName,
    (d) => ({ diagnostics: [d] }),
    async () => {
      const d = core.dataSource(req.typeName);
      const config = known(decodeObject(req.config, d.attributes), "configuration") ?? {};
      const res = await d.read(core.context(), config);
      const out: RpcResponse<"ReadDataSource"> = { diagnostics: diags(res.diagnostics) };
      if (res.state) out.state = dv(encodeObject(res.state, d.attributes, { nullWriteOnly: true }));
      else if (!hasError(res.diagnostics)) {
        out.diagnostics = [
          ...(out.diagnostics ?? []),
          errorDiag("Data source found nothing", `${req.typeName} returned no object.`),
        ];
      }
      return out;
    },
  );
}

/**
 * Calls a function. Functions are pure and need no configured provider (Terraform calls them
 * while it validates, before ConfigureProvider). A failure is a FunctionError naming the
 * argument, which Terraform reports at the call in the configuration.
 */
export function callFunction(
  core: ServiceCore,
  req: RpcRequest<"CallFunction">,
): Promise<RpcResponse<"CallFunction">> {
  const name = req.name ?? "";
  // Something thrown is a FunctionError too: Terraform reads no diagnostics from this RPC.
  const failed = (d: ProtoDiagnostic): RpcResponse<"CallFunction"> => ({
    error: { text: `${d.summary ?? ""}: ${d.detail ?? ""}` },
  });
  return core.guard("CallFunction", `provider::cpq::${name}`, failed, () => {
    const f = core.functions().get(name);
    if (!f) return { error: { text: `The cpq provider has no function "${name}".` } };
    const args = (req.arguments ?? []).map((a) =>
      a.msgpack && a.msgpack.length > 0 ? decodeRaw(a.msgpack) : null,
    );
    if (args.length !== f.parameters.length) {
      return {
        error: {
          text: `provider::cpq::${f.name} takes ${f.parameters.length} argument(s); it was given ${args.length}.`,
        },
      };
    }
    const r = f.call(args);
    if ("error" in r) {
      return {
        error: {
          text: diagnosticDetail(r.error),
          ...(r.argument === undefined ? {} : { functionArgument: r.argument }),
        },
      };
    }
    return { result: dv(encodeRaw(r.value)) };
  });
}
