/**
 * List resources and configuration generation (protocol 6.10, Terraform 1.14+): `terraform
 * query` validates a `list` block's filters (ValidateListResourceConfig), streams what the site
 * holds (ListResource: each object's identity, and with `-generate-config-out` its state), and
 * asks for configuration for each (GenerateResourceConfig), written as `import` and `resource`
 * blocks. A resource takes part by filling in `ResourceDefinition.list`; the plugin does the rest.
 */
import type { RpcRequest, RpcResponse, StreamEvent, StreamRequest } from "./codec";
import type { ObjectValue, ResourceDefinition } from "../contract/types";
import { UNKNOWN } from "../contract/types";
import { decodeObject, encodeObject } from "./values";
import {
  configOrNulls,
  diags,
  dv,
  errorDiag,
  known,
  unknownNameDiags,
  unknownNames,
  validateConfig,
} from "./provider-service-core";
import type { ProtoSchema, ServiceCore } from "./provider-service-core";
import { identityData } from "./provider-service-identity";
import { diagnosticSummary } from "../text/escape";

/** The resource behind a list type (Terraform names a list resource as its resource type). */
function listed(core: ServiceCore, typeName: string) {
  const r = core.resource(typeName);
  if (!r.list) {
    throw new Error(
      `${typeName} cannot be listed. The cpq provider lists ${listTypes(core).join(", ")}.`,
    );
  }
  return { r, list: r.list };
}

function listTypes(core: ServiceCore): string[] {
  return [...core.resources().values()].filter((r) => r.list).map((r) => r.typeName);
}

/** The list resource schemas for GetProviderSchema, built like the resources' by `schemaOf`. */
export function listResourceSchemas(
  core: ServiceCore,
  schemaOf: (r: {
    attributes: ResourceDefinition["attributes"];
    description: string;
  }) => ProtoSchema,
): Record<string, ProtoSchema> {
  const out: Record<string, ProtoSchema> = {};
  for (const r of core.resources().values()) if (r.list) out[r.typeName] = schemaOf(r.list);
  return out;
}

/** The list resources' names for GetMetadata. */
export function listResourceMetadata(core: ServiceCore): { typeName: string }[] {
  return listTypes(core).map((typeName) => ({ typeName }));
}

/** Terraform's `ValidateListResourceConfig` call (see ProviderService). */
export function validateListResourceConfig(
  core: ServiceCore,
  req: RpcRequest<"ValidateListResourceConfig">,
): Promise<RpcResponse<"ValidateListResourceConfig">> {
  return core.guard(
    "ValidateListResourceConfig",
    req.typeName,
    (d) => ({ diagnostics: [d] }),
    () => {
      const { list } = listed(core, req.typeName);
      return validateConfig(req.config, list, `the ${req.typeName} list`);
    },
  );
}

/**
 * Terraform's `ListResource` stream: one event per object, with its identity (Terraform requires
 * one) and, when asked, its state. Stops at Terraform's limit, so no page past it is fetched; a
 * failure is one last event holding the error.
 */
export async function listResource(
  core: ServiceCore,
  req: StreamRequest<"ListResource">,
  emit: (event: StreamEvent<"ListResource">) => void,
): Promise<void> {
  const started = Date.now();
  let count = 0;
  try {
    const { r, list } = listed(core, req.typeName);
    const filters = configOrNulls(req.config, list.attributes, "list configuration");
    // Terraform always sends its limit (default 100); 0 from another client means no limit.
    const limit = Number(req.limit ?? 0) > 0 ? Number(req.limit) : Number.POSITIVE_INFINITY;
    for await (const found of list.list({ ctx: core.context(), config: filters, limit })) {
      emit({
        identity: identityData(r, found.state),
        // Terraform prints it as it is, and it holds CPQ's text (logins, the SSO method).
        displayName: diagnosticSummary(found.displayName),
        ...(req.includeResourceObject
          ? { resourceObject: dv(encodeObject(found.state, r.attributes, { nullWriteOnly: true })) }
          : {}),
      });
      if (++count >= limit) break;
    }
    core.logger.debug("rpc done", {
      rpc: "ListResource",
      type: req.typeName,
      count,
      ms: Date.now() - started,
    });
  } catch (err) {
    emit({
      diagnostic: [core.failed("ListResource", req.typeName, `listing of ${req.typeName}`, err)],
    });
  }
}

/**
 * The configuration a state plans clean with, before a resource's own adjustment: what the user
 * sets (required and optional attributes) as the state holds it; write-only values, which no
 * state holds, and computed-only attributes left null. A value CPQ holds that the table's enum
 * refuses (CPQ's `""` for an unset choice) is left null where the attribute is optional and
 * computed: the plan then keeps what CPQ holds, as a configuration that leaves it out does.
 */
export function defaultGeneratedConfig(
  r: ResourceDefinition<unknown>,
  state: ObjectValue,
): ObjectValue {
  return Object.fromEntries(
    r.attributes.map((a) => {
      const v = state[a.name];
      const settable = a.kind !== "computed" && !a.writeOnly;
      const refused =
        a.kind === "optional_computed" && a.enum !== undefined && !a.enum.includes(String(v));
      return [a.name, settable && !refused && v !== undefined && v !== UNKNOWN ? v : null];
    }),
  );
}

/** Terraform's `GenerateResourceConfig` call (see ProviderService). */
export function generateResourceConfig(
  core: ServiceCore,
  req: RpcRequest<"GenerateResourceConfig">,
): Promise<RpcResponse<"GenerateResourceConfig">> {
  return core.guard(
    "GenerateResourceConfig",
    req.typeName,
    (d) => ({ diagnostics: [d] }),
    () => {
      const r = core.resource(req.typeName);
      // Terraform sends a state of the resource's schema; other names are a confused client.
      const extra = unknownNames(req.state, r.attributes);
      if (extra.length > 0) {
        return { diagnostics: unknownNameDiags(extra, `the state of ${req.typeName}`) };
      }
      const state = known(
        decodeObject(req.state, r.attributes, { nullWriteOnly: true }),
        "state to generate configuration from",
      );
      if (state === null) {
        return {
          diagnostics: [
            errorDiag(
              "No state to generate configuration from",
              `Terraform asked for the configuration of a ${req.typeName} without its state.`,
            ),
          ],
        };
      }
      const base = defaultGeneratedConfig(r, state);
      const out = r.generateConfig ? r.generateConfig(state, base) : { config: base };
      return {
        config: dv(encodeObject(out.config, r.attributes, { nullWriteOnly: true })),
        diagnostics: diags(out.diagnostics),
      };
    },
  );
}
