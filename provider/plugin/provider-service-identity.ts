/**
 * Resource identity (protocol 6.9, Terraform 1.12+, OpenTofu 1.12+): the identity schemas, the
 * identity beside every state the plugin answers with, identity imports, and identity upgrades.
 * A resource declares its identity once (`ResourceDefinition.identity`); its values are read
 * from the state's attributes of the same names, so an identity can never disagree with the
 * state it stands beside. Older clients do not know the identity fields and skip them (protobuf
 * drops unknown fields), so answering them unasked changes nothing for Terraform 1.11.
 */
import type { RpcRequest, RpcResponse } from "./codec";
import type { tfplugin6 } from "./codec";
import type {
  Attribute,
  ObjectValue,
  ResourceDefinition,
  ResourceIdentity,
} from "../contract/types";
import { UNKNOWN } from "../contract/types";
import { ctyTypeJson, decodeObject, encodeObject, normalizeObject } from "./values";
import { dv, errorDiag } from "./provider-service-core";
import type { ServiceCore } from "./provider-service-core";

/** The identity as an attribute table, so the plugin's value codec reads and writes it. */
export function identityTable(identity: ResourceIdentity): readonly Attribute[] {
  return identity.attributes.map((a) => ({
    name: a.name,
    type: "string",
    kind: a.requiredForImport ? "required" : "optional",
    description: a.description,
  }));
}

/** The identity values a state holds (UNKNOWN where a plan does not know one yet). */
export function identityValues(identity: ResourceIdentity, state: ObjectValue): ObjectValue {
  return Object.fromEntries(identity.attributes.map((a) => [a.name, state[a.name] ?? null]));
}

/**
 * The identity beside a state, for ReadResource, PlanResourceChange, ApplyResourceChange,
 * ImportResourceState and ListResource; nothing for a resource without one or a null state.
 */
export function identityData(
  r: ResourceDefinition<unknown>,
  state: ObjectValue | null | undefined,
): tfplugin6.IResourceIdentityData | null {
  if (!r.identity || !state) return null;
  const table = identityTable(r.identity);
  return { identityData: dv(encodeObject(identityValues(r.identity, state), table)) };
}

/**
 * The import id an identity names (an `import { identity = {...} }` block), or an error naming
 * the identity attribute to set.
 */
export function importIdOfIdentity(
  r: ResourceDefinition<unknown>,
  data: tfplugin6.IResourceIdentityData,
): string {
  if (!r.identity) {
    throw new Error(
      `${r.typeName} has no resource identity. Import it with an id instead: import { to = ..., id = "..." }.`,
    );
  }
  const table = identityTable(r.identity);
  const decoded = decodeObject(data.identityData, table);
  if (decoded === null || decoded === UNKNOWN) {
    throw new Error(
      `The identity given to import ${r.typeName} is ${decoded === null ? "null" : "unknown"}.`,
    );
  }
  const values: Record<string, string | null> = {};
  for (const a of r.identity.attributes) {
    const v = decoded[a.name];
    if (v === UNKNOWN) {
      throw new Error(
        `The identity attribute "${a.name}" of ${r.typeName} is not known before apply; import needs known values.`,
      );
    }
    if (typeof v !== "string" || v === "") {
      if (a.requiredForImport) {
        throw new Error(
          `The identity of ${r.typeName} needs "${a.name}" (${a.description}). Set it in the import block's identity.`,
        );
      }
      values[a.name] = null;
    } else values[a.name] = v;
  }
  return r.identity.toImportId(values);
}

/** Terraform's `GetResourceIdentitySchemas` call (see ProviderService). */
export function getResourceIdentitySchemas(
  core: ServiceCore,
): Promise<RpcResponse<"GetResourceIdentitySchemas">> {
  return core.guard<RpcResponse<"GetResourceIdentitySchemas">>(
    "GetResourceIdentitySchemas",
    undefined,
    (d) => ({ diagnostics: [d] }),
    () => {
      const identitySchemas: Record<string, tfplugin6.IResourceIdentitySchema> = {};
      for (const r of core.resources().values()) {
        if (!r.identity) continue;
        identitySchemas[r.typeName] = {
          version: r.identity.version,
          identityAttributes: r.identity.attributes.map((a) => ({
            name: a.name,
            type: Buffer.from(ctyTypeJson("string"), "utf8"),
            requiredForImport: a.requiredForImport,
            optionalForImport: !a.requiredForImport,
            description: a.description,
          })),
        };
      }
      return { identitySchemas };
    },
  );
}

/**
 * Terraform's `UpgradeResourceIdentity` call: the stored identity (JSON) re-read through today's
 * identity attributes. Every identity here is at version 0, so a later version is refused.
 */
export function upgradeResourceIdentity(
  core: ServiceCore,
  req: RpcRequest<"UpgradeResourceIdentity">,
): Promise<RpcResponse<"UpgradeResourceIdentity">> {
  return core.guard(
    "UpgradeResourceIdentity",
    req.typeName,
    (d) => ({ diagnostics: [d] }),
    () => {
      const r = core.resource(req.typeName);
      if (!r.identity) {
        return {
          diagnostics: [
            errorDiag(
              "Resource identity is not supported",
              `${req.typeName} has no resource identity; remove the identity from its state (terraform state rm, then import it by id).`,
            ),
          ],
        };
      }
      const version = Number(req.version ?? 0);
      if (version > r.identity.version) {
        return {
          diagnostics: [
            errorDiag(
              "Resource identity from a newer provider",
              `The stored identity of this ${req.typeName} has version ${version}; this provider knows version ${r.identity.version}. Use the provider version that wrote it, or newer.`,
            ),
          ],
        };
      }
      const json = req.rawIdentity?.json;
      const raw: unknown =
        json && json.length > 0 ? JSON.parse(Buffer.from(json).toString("utf8")) : {};
      const table = identityTable(r.identity);
      const identity = normalizeObject(raw, table, { nullWriteOnly: false });
      return { upgradedIdentity: { identityData: dv(encodeObject(identity, table)) } };
    },
  );
}
