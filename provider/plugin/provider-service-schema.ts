/**
 * The schema and metadata RPCs: what Terraform learns of the provider before it configures it
 * (GetMetadata, GetProviderSchema, GetFunctions), all read from the attribute tables.
 */
import type { RpcResponse } from "./codec";
import { tfplugin6 } from "./codec";
import type { Attribute, FunctionDefinition } from "../contract/types";
import { functionReturnType } from "../contract/attributes";
import { ctyTypeJson } from "./values";
import type { ProtoSchema, ServiceCore } from "./provider-service-core";
import { listResourceMetadata, listResourceSchemas } from "./provider-service-list";
import { actionMetadata, actionSchemas } from "./provider-service-actions";

/**
 * What the server tells Terraform it can do. `getProviderSchemaOptional`: the schema is the same
 * in every process of one build, so Terraform may keep the one the first process of a command
 * answered and skip the call in the next 2-3 processes it starts (Terraform 1.6+).
 * `planDestroy` false: a destroy is planned as null without calling the provider.
 */
export const SERVER_CAPABILITIES = {
  planDestroy: false,
  getProviderSchemaOptional: true,
  // Terraform 1.14+ asks GenerateResourceConfig (provider-service-list.ts) for generated blocks.
  generateResourceConfig: true,
} as const;

// ---- schema -------------------------------------------------------------------------------------

function schemaAttribute(a: Attribute): tfplugin6.Schema.IAttribute {
  return {
    name: a.name,
    type: Buffer.from(ctyTypeJson(a.type), "utf8"),
    description: a.description,
    descriptionKind: tfplugin6.StringKind.MARKDOWN,
    required: a.kind === "required",
    optional: a.kind === "optional" || a.kind === "optional_computed",
    computed: a.kind === "computed" || a.kind === "optional_computed",
    sensitive: a.sensitive ?? false,
    writeOnly: a.writeOnly ?? false,
  };
}

function schemaOf(attrs: readonly Attribute[], version: number, description: string): ProtoSchema {
  return {
    version,
    block: {
      version,
      description,
      descriptionKind: tfplugin6.StringKind.MARKDOWN,
      attributes: attrs.map(schemaAttribute),
    },
  };
}

/** A provider-defined function as Terraform reads it from GetProviderSchema and GetFunctions. */
function functionSchema(f: FunctionDefinition): tfplugin6.IFunction {
  return {
    summary: f.summary,
    description: f.description,
    descriptionKind: tfplugin6.StringKind.MARKDOWN,
    // Null and unknown arguments are Terraform's to handle: it errors on a null and returns an
    // unknown result for an unknown argument without calling the provider.
    parameters: f.parameters.map((p) => ({
      name: p.name,
      type: Buffer.from(JSON.stringify(p.type), "utf8"),
      allowNullValue: false,
      allowUnknownValues: false,
      description: p.description,
      descriptionKind: tfplugin6.StringKind.MARKDOWN,
    })),
    return: { type: Buffer.from(JSON.stringify(functionReturnType(f)), "utf8") },
  };
}

function functionSchemas(core: ServiceCore): Record<string, tfplugin6.IFunction> {
  const out: Record<string, tfplugin6.IFunction> = {};
  for (const f of core.functions().values()) out[f.name] = functionSchema(f);
  return out;
}

/** Terraform's `GetMetadata` call (see ProviderService). */
export function getMetadata(core: ServiceCore): Promise<RpcResponse<"GetMetadata">> {
  return core.guard<RpcResponse<"GetMetadata">>(
    "GetMetadata",
    undefined,
    (d) => ({ diagnostics: [d] }),
    () => ({
      serverCapabilities: SERVER_CAPABILITIES,
      resources: [...core.resources().keys()].map((typeName) => ({ typeName })),
      dataSources: [...core.dataSources().keys()].map((typeName) => ({ typeName })),
      functions: [...core.functions().keys()].map((name) => ({ name })),
      listResources: listResourceMetadata(core),
      actions: actionMetadata(core),
    }),
  );
}

/** Terraform's `GetProviderSchema` call (see ProviderService). */
export function getProviderSchema(core: ServiceCore): Promise<RpcResponse<"GetProviderSchema">> {
  return core.guard<RpcResponse<"GetProviderSchema">>(
    "GetProviderSchema",
    undefined,
    (d) => ({ diagnostics: [d] }),
    () => {
      const p = core.provider();
      const resourceSchemas: Record<string, ProtoSchema> = {};
      for (const r of core.resources().values()) {
        resourceSchemas[r.typeName] = schemaOf(r.attributes, r.schemaVersion, r.description);
      }
      const dataSourceSchemas: Record<string, ProtoSchema> = {};
      for (const d of core.dataSources().values()) {
        dataSourceSchemas[d.typeName] = schemaOf(d.attributes, 0, d.description);
      }
      return {
        provider: schemaOf(p.attributes, 0, ""),
        resourceSchemas,
        dataSourceSchemas,
        functions: functionSchemas(core),
        // Terraform 1.14+ reads these; older clients skip the fields.
        listResourceSchemas: listResourceSchemas(core, (l) =>
          schemaOf(l.attributes, 0, l.description),
        ),
        actionSchemas: actionSchemas(core, (a) => schemaOf(a.attributes, 0, a.description)),
        serverCapabilities: SERVER_CAPABILITIES,
      };
    },
  );
}

/** Terraform's `GetFunctions` call (see ProviderService). */
export function getFunctions(core: ServiceCore): Promise<RpcResponse<"GetFunctions">> {
  return core.guard<RpcResponse<"GetFunctions">>(
    "GetFunctions",
    undefined,
    (d) => ({ diagnostics: [d] }),
    () => ({ functions: functionSchemas(core) }),
  );
}
