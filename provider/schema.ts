/**
 * The provider's schema in the JSON shape of `terraform providers schema -json`, built from the
 * attribute tables. It feeds `cpq-sso schema --json`, the CDKTF binding generator and the docs.
 */
import { PROVIDER_ADDRESS } from "./address";
import { cpqProvider } from "./provider";
import { ctyType, functionReturnType } from "./contract/attributes";
import type { Attribute, FunctionDefinition } from "./contract/types";

/** One attribute as `terraform providers schema -json` prints it. */
export interface SchemaJsonAttribute {
  /** cty type JSON: `"string"`, `["map", "string"]`, or `["list", ["object", {...}]]`. */
  type: unknown;
  description: string;
  description_kind: "markdown";
  required?: true;
  optional?: true;
  computed?: true;
  sensitive?: true;
  write_only?: true;
}

export interface SchemaJsonBlock {
  version: number;
  block: {
    attributes: Record<string, SchemaJsonAttribute>;
    description?: string;
    description_kind: "markdown";
  };
}

/** A provider-defined function as `terraform providers schema -json` prints it. */
export interface SchemaJsonFunction {
  summary: string;
  description: string;
  return_type: unknown;
  parameters: { name: string; type: unknown; description: string }[];
}

export interface ProvidersSchemaJson {
  format_version: "1.0";
  provider_schemas: Record<
    string,
    {
      provider: SchemaJsonBlock;
      resource_schemas: Record<string, SchemaJsonBlock>;
      data_source_schemas: Record<string, SchemaJsonBlock>;
      functions: Record<string, SchemaJsonFunction>;
    }
  >;
}

function attributeJson(a: Attribute): SchemaJsonAttribute {
  const out: SchemaJsonAttribute = {
    type: ctyType(a.type),
    description: a.description,
    description_kind: "markdown",
  };
  if (a.kind === "required") out.required = true;
  if (a.kind === "optional" || a.kind === "optional_computed") out.optional = true;
  if (a.kind === "computed" || a.kind === "optional_computed") out.computed = true;
  if (a.sensitive) out.sensitive = true;
  if (a.writeOnly) out.write_only = true;
  return out;
}

function blockJson(
  attributes: readonly Attribute[],
  version: number,
  description?: string,
): SchemaJsonBlock {
  const attrs: Record<string, SchemaJsonAttribute> = {};
  for (const a of attributes) attrs[a.name] = attributeJson(a);
  return {
    version,
    block: {
      attributes: attrs,
      ...(description ? { description } : {}),
      description_kind: "markdown",
    },
  };
}

function functionJson(f: FunctionDefinition): SchemaJsonFunction {
  return {
    summary: f.summary,
    description: f.description,
    return_type: functionReturnType(f),
    parameters: f.parameters.map((p) => ({
      name: p.name,
      type: p.type,
      description: p.description,
    })),
  };
}

/** The full schema document, keyed by the registry address Terraform resolves our source to. */
export function providersSchemaJson(): ProvidersSchemaJson {
  const resources: Record<string, SchemaJsonBlock> = {};
  for (const r of cpqProvider.resources()) {
    resources[r.typeName] = blockJson(r.attributes, r.schemaVersion, r.description);
  }
  const dataSources: Record<string, SchemaJsonBlock> = {};
  for (const d of cpqProvider.dataSources()) {
    dataSources[d.typeName] = blockJson(d.attributes, 0, d.description);
  }
  return {
    format_version: "1.0",
    provider_schemas: {
      [PROVIDER_ADDRESS]: {
        provider: blockJson(cpqProvider.attributes, 0),
        resource_schemas: resources,
        data_source_schemas: dataSources,
        functions: Object.fromEntries(
          cpqProvider.functions().map((f) => [f.name, functionJson(f)]),
        ),
      },
    },
  };
}
