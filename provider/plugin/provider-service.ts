/**
 * The glue between `tfplugin6.Provider` RPCs and the host-neutral contract: decodes every value
 * through the attribute table, calls the provider or resource, encodes the result back. It also
 * holds what every resource gets from its attribute table alone (plan-rules.ts): write-only
 * attributes are null in every plan and state; the table's `forceNew` rows force replacement;
 * a plan that breaks Terraform's rules is refused naming the attribute; a destroy is planned
 * without the resource and applied through its `destroy`; anything a resource throws becomes an
 * error diagnostic (the process never crashes mid-apply, which would leave Terraform's state
 * unsaved).
 */
import type { RpcRequest, RpcResponse } from "./codec";
import { tfplugin6 } from "./codec";
import { diagnosticDetail, diagnosticSummary } from "../cli/escape";
import type { Logger } from "./log";
import type {
  ApplyResult,
  Attribute,
  ClientCapabilities,
  DataSourceDefinition,
  Diagnostic,
  FunctionDefinition,
  ObjectValue,
  PrivateState,
  ProviderDefinition,
  ResourceDefinition,
} from "../resources/types";
import { UNKNOWN } from "../resources/types";
import { functionReturnType } from "../resources/attributes";
import {
  ctyTypeJson,
  decodeObject,
  decodeRaw,
  encodeObject,
  encodeRaw,
  normalizeObject,
  ValueError,
} from "./values";
import type { WireDynamicValue } from "./values";
import { planRuleViolations, replacePaths, withWriteOnlyNull } from "./plan-rules";

type ProtoDiagnostic = tfplugin6.IDiagnostic;
type ProtoSchema = tfplugin6.ISchema;

const SEVERITY = tfplugin6.Diagnostic.Severity;

/**
 * What the server tells Terraform it can do. `getProviderSchemaOptional`: the schema is the same
 * in every process of one build, so Terraform may keep the one the first process of a command
 * answered and skip the call in the next 2-3 processes it starts (Terraform 1.6+).
 * `planDestroy` false: a destroy is planned as null without calling the provider.
 */
const SERVER_CAPABILITIES = { planDestroy: false, getProviderSchemaOptional: true } as const;

/** A contract diagnostic as Terraform's, with its attribute path as `attribute_name` steps. */
export function toProtoDiagnostic(d: Diagnostic): ProtoDiagnostic {
  // The one way a diagnostic reaches Terraform, which prints it raw: a CPQ error message, a login
  // or a certificate subject inside must not drive the terminal or forge lines (issue 24).
  const out: ProtoDiagnostic = {
    severity: d.severity === "error" ? SEVERITY.ERROR : SEVERITY.WARNING,
    summary: diagnosticSummary(d.summary),
    detail: diagnosticDetail(d.detail ?? ""),
  };
  if (d.path && d.path.length > 0) {
    out.attribute = { steps: d.path.map((name) => ({ attributeName: name })) };
  }
  return out;
}

function diags(list: readonly Diagnostic[] | undefined): ProtoDiagnostic[] {
  return (list ?? []).map(toProtoDiagnostic);
}

function errorDiag(summary: string, detail: string, path?: readonly string[]): ProtoDiagnostic {
  return toProtoDiagnostic({ severity: "error", summary, detail, ...(path ? { path } : {}) });
}

/** The diagnostic for something thrown: a ValueError keeps its attribute path. */
export function thrownDiagnostic(what: string, err: unknown): ProtoDiagnostic {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ValueError) return errorDiag(`Invalid value in ${what}`, message, err.path);
  return errorDiag(`The cpq provider failed during ${what}`, message);
}

/**
 * Names in a configuration the schema does not have. Terraform never sends one (it checks names
 * against the schema first), so any is a confused client: said, rather than silently dropped.
 */
function unknownNames(dv: WireDynamicValue | null | undefined, attrs: readonly Attribute[]) {
  const raw = dv?.msgpack && dv.msgpack.length > 0 ? decodeRaw(dv.msgpack) : null;
  if (!raw || typeof raw !== "object" || Array.isArray(raw) || raw instanceof Uint8Array) return [];
  const known = new Set(attrs.map((a) => a.name));
  return Object.keys(raw).filter((k) => !known.has(k));
}

function unknownNameDiags(names: readonly string[], where: string): ProtoDiagnostic[] {
  return names.map((k) =>
    errorDiag(
      `Unknown attribute "${k}"`,
      `The schema of ${where} has no attribute "${k}". Remove it from the configuration.`,
      [k],
    ),
  );
}

function hasError(list: readonly Diagnostic[] | undefined): boolean {
  return (list ?? []).some((d) => d.severity === "error");
}

// ---- private state: opaque bytes to Terraform, a string map to resources ------------------------

/** Private state as Terraform's bytes: JSON of the map, empty when there is nothing. */
export function encodePrivate(p: PrivateState | undefined): Uint8Array {
  if (!p || Object.keys(p).length === 0) return new Uint8Array(0);
  return Buffer.from(JSON.stringify(p), "utf8");
}

/** Terraform's private bytes as the map; anything unreadable counts as empty. */
export function decodePrivate(bytes: Uint8Array | null | undefined): PrivateState {
  if (!bytes || bytes.length === 0) return {};
  try {
    const v = JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) return {};
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === "string",
      ),
    );
  } catch {
    return {};
  }
}

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

function capabilities(c: tfplugin6.IClientCapabilities | null | undefined): ClientCapabilities {
  return {
    deferralAllowed: c?.deferralAllowed ?? false,
    writeOnlyAttributesAllowed: c?.writeOnlyAttributesAllowed ?? false,
  };
}

function dv(bytes: Uint8Array): tfplugin6.IDynamicValue {
  return { msgpack: bytes };
}

function known(v: ObjectValue | null | typeof UNKNOWN, what: string): ObjectValue | null {
  if (v === UNKNOWN) throw new ValueError(`The ${what} is wholly unknown.`, []);
  return v;
}

/** Options of {@link ProviderService}. */
export interface ProviderServiceOptions {
  readonly logger: Logger;
}

/**
 * The `tfplugin6.Provider` implementation over a provider definition. One per connection (the
 * server makes it): Terraform configures each provider instance it connects to and then drives
 * resources through it; a `ConfigureProvider` on the same instance builds a fresh context.
 */
export class ProviderService {
  private readonly logger: Logger;
  private readonly load: () => ProviderDefinition<unknown>;
  private def: ProviderDefinition<unknown> | undefined;
  private resourceMap: Map<string, ResourceDefinition<unknown>> | undefined;
  private dataSourceMap: Map<string, DataSourceDefinition<unknown>> | undefined;
  private functionMap: Map<string, FunctionDefinition> | undefined;
  private configured = false;
  private ctx: unknown = null;

  constructor(
    def: ProviderDefinition<unknown> | (() => ProviderDefinition<unknown>),
    opts: ProviderServiceOptions,
  ) {
    this.load = typeof def === "function" ? def : () => def;
    this.logger = opts.logger;
  }

  private provider(): ProviderDefinition<unknown> {
    this.def ??= this.load();
    return this.def;
  }

  private resources(): Map<string, ResourceDefinition<unknown>> {
    this.resourceMap ??= new Map(
      this.provider()
        .resources()
        .map((r) => [r.typeName, r]),
    );
    return this.resourceMap;
  }

  private functions(): Map<string, FunctionDefinition> {
    this.functionMap ??= new Map(
      this.provider()
        .functions()
        .map((f) => [f.name, f]),
    );
    return this.functionMap;
  }

  private functionSchemas(): Record<string, tfplugin6.IFunction> {
    const out: Record<string, tfplugin6.IFunction> = {};
    for (const f of this.functions().values()) out[f.name] = functionSchema(f);
    return out;
  }

  private dataSources(): Map<string, DataSourceDefinition<unknown>> {
    this.dataSourceMap ??= new Map(
      this.provider()
        .dataSources()
        .map((d) => [d.typeName, d]),
    );
    return this.dataSourceMap;
  }

  private resource(typeName: string): ResourceDefinition<unknown> {
    const r = this.resources().get(typeName);
    if (!r) throw new Error(`The cpq provider has no resource type "${typeName}".`);
    return r;
  }

  private dataSource(typeName: string): DataSourceDefinition<unknown> {
    const d = this.dataSources().get(typeName);
    if (!d) throw new Error(`The cpq provider has no data source "${typeName}".`);
    return d;
  }

  private context(): unknown {
    if (!this.configured) {
      throw new Error(
        "The provider was used before it was configured. This is a bug in Terraform or the provider.",
      );
    }
    return this.ctx;
  }

  /**
   * Runs an RPC body; whatever it throws becomes an error diagnostic in `fallback`'s response, so
   * Terraform reports it against the resource instead of losing the plugin process.
   */
  private async guard<R>(
    rpc: string,
    typeName: string | undefined,
    fallback: (d: ProtoDiagnostic) => R,
    body: () => Promise<R> | R,
  ): Promise<R> {
    const started = Date.now();
    try {
      const r = await body();
      this.logger.debug("rpc done", { rpc, type: typeName, ms: Date.now() - started });
      return r;
    } catch (err) {
      this.logger.error("rpc failed", {
        rpc,
        type: typeName,
        error: err instanceof Error ? err.message : String(err),
      });
      return fallback(thrownDiagnostic(rpc === "" ? "the request" : describe(rpc, typeName), err));
    }
  }

  // ---- information ------------------------------------------------------------------------------

  GetMetadata(): Promise<RpcResponse<"GetMetadata">> {
    return this.guard<RpcResponse<"GetMetadata">>(
      "GetMetadata",
      undefined,
      (d) => ({ diagnostics: [d] }),
      () => ({
        serverCapabilities: SERVER_CAPABILITIES,
        resources: [...this.resources().keys()].map((typeName) => ({ typeName })),
        dataSources: [...this.dataSources().keys()].map((typeName) => ({ typeName })),
        functions: [...this.functions().keys()].map((name) => ({ name })),
      }),
    );
  }

  GetProviderSchema(): Promise<RpcResponse<"GetProviderSchema">> {
    return this.guard<RpcResponse<"GetProviderSchema">>(
      "GetProviderSchema",
      undefined,
      (d) => ({ diagnostics: [d] }),
      () => {
        const p = this.provider();
        const resourceSchemas: Record<string, ProtoSchema> = {};
        for (const r of this.resources().values()) {
          resourceSchemas[r.typeName] = schemaOf(r.attributes, r.schemaVersion, r.description);
        }
        const dataSourceSchemas: Record<string, ProtoSchema> = {};
        for (const d of this.dataSources().values()) {
          dataSourceSchemas[d.typeName] = schemaOf(d.attributes, 0, d.description);
        }
        return {
          provider: schemaOf(p.attributes, 0, ""),
          resourceSchemas,
          dataSourceSchemas,
          functions: this.functionSchemas(),
          serverCapabilities: SERVER_CAPABILITIES,
        };
      },
    );
  }

  // ---- validation and configuration -------------------------------------------------------------

  ValidateProviderConfig(
    req: RpcRequest<"ValidateProviderConfig">,
  ): Promise<RpcResponse<"ValidateProviderConfig">> {
    return this.guard(
      "ValidateProviderConfig",
      undefined,
      (d) => ({ diagnostics: [d] }),
      () => {
        const p = this.provider();
        const config = decodeObject(req.config, p.attributes);
        if (config === null || config === UNKNOWN) return { diagnostics: [] };
        const extra = unknownNames(req.config, p.attributes);
        if (extra.length > 0) return { diagnostics: unknownNameDiags(extra, "the cpq provider") };
        return { diagnostics: diags(p.validate(config)) };
      },
    );
  }

  ConfigureProvider(
    req: RpcRequest<"ConfigureProvider">,
  ): Promise<RpcResponse<"ConfigureProvider">> {
    return this.guard(
      "ConfigureProvider",
      undefined,
      (d) => ({ diagnostics: [d] }),
      async () => {
        // Each configuration starts from nothing: a failed one leaves the provider unconfigured,
        // not configured as before, and a new context means new caches (users, partners, tokens).
        this.configured = false;
        this.ctx = null;
        const p = this.provider();
        const config = decodeObject(req.config, p.attributes) ?? {};
        const r = await p.configure(known(config, "provider configuration") ?? {}, {
          logger: this.logger,
        });
        if (!hasError(r.diagnostics)) {
          this.ctx = r.ctx;
          this.configured = true;
        }
        return { diagnostics: diags(r.diagnostics) };
      },
    );
  }

  ValidateResourceConfig(
    req: RpcRequest<"ValidateResourceConfig">,
  ): Promise<RpcResponse<"ValidateResourceConfig">> {
    return this.guard(
      "ValidateResourceConfig",
      req.typeName,
      (d) => ({ diagnostics: [d] }),
      () => {
        const r = this.resource(req.typeName);
        const config = decodeObject(req.config, r.attributes);
        if (config === null || config === UNKNOWN) return { diagnostics: [] };
        const extra = unknownNames(req.config, r.attributes);
        if (extra.length > 0) return { diagnostics: unknownNameDiags(extra, req.typeName) };
        return { diagnostics: diags(r.validate(config, capabilities(req.clientCapabilities))) };
      },
    );
  }

  ValidateDataResourceConfig(
    req: RpcRequest<"ValidateDataResourceConfig">,
  ): Promise<RpcResponse<"ValidateDataResourceConfig">> {
    return this.guard(
      "ValidateDataResourceConfig",
      req.typeName,
      (d) => ({ diagnostics: [d] }),
      () => {
        const d = this.dataSource(req.typeName);
        const config = decodeObject(req.config, d.attributes);
        if (config === null || config === UNKNOWN) return { diagnostics: [] };
        return { diagnostics: diags(d.validate(config)) };
      },
    );
  }

  // ---- managed resources ------------------------------------------------------------------------

  UpgradeResourceState(
    req: RpcRequest<"UpgradeResourceState">,
  ): Promise<RpcResponse<"UpgradeResourceState">> {
    return this.guard(
      "UpgradeResourceState",
      req.typeName,
      (d) => ({ diagnostics: [d] }),
      () => {
        const r = this.resource(req.typeName);
        const json = req.rawState?.json;
        if (!json || json.length === 0) {
          const flat = req.rawState?.flatmap ?? {};
          if (Object.keys(flat).length > 0) {
            return {
              diagnostics: [
                errorDiag(
                  "Unsupported state format",
                  `The state of this ${req.typeName} is in Terraform's legacy flatmap format, which this provider never wrote. Remove it from the state (terraform state rm) and import it again.`,
                ),
              ],
            };
          }
          return { upgradedState: dv(encodeObject(null, r.attributes)) };
        }
        const raw = JSON.parse(Buffer.from(json).toString("utf8")) as unknown;
        // Stored state is re-read through today's table: keys of older versions are dropped, new
        // attributes start null, and a write-only value can never be carried forward.
        const state = normalizeObject(raw, r.attributes, { nullWriteOnly: true });
        return {
          upgradedState: dv(encodeObject(state, r.attributes, { nullWriteOnly: true })),
        };
      },
    );
  }

  ReadResource(req: RpcRequest<"ReadResource">): Promise<RpcResponse<"ReadResource">> {
    // On failure the state Terraform holds is handed back unchanged: a failed refresh must not
    // make Terraform think the object is gone.
    const unchanged = (d: ProtoDiagnostic): RpcResponse<"ReadResource"> => ({
      newState: req.currentState ?? null,
      private: req.private,
      diagnostics: [d],
    });
    return this.guard("ReadResource", req.typeName, unchanged, async () => {
      const r = this.resource(req.typeName);
      const current = known(
        decodeObject(req.currentState, r.attributes, { nullWriteOnly: true }),
        "current state",
      );
      if (current === null) return { newState: req.currentState ?? null, private: req.private };
      const res = await r.read({
        ctx: this.context(),
        current,
        private: decodePrivate(req.private),
      });
      return {
        newState: dv(encodeObject(res.state, r.attributes, { nullWriteOnly: true })),
        private: res.private === undefined ? req.private : encodePrivate(res.private),
        diagnostics: diags(res.diagnostics),
      };
    });
  }

  PlanResourceChange(
    req: RpcRequest<"PlanResourceChange">,
  ): Promise<RpcResponse<"PlanResourceChange">> {
    const failed = (d: ProtoDiagnostic): RpcResponse<"PlanResourceChange"> => ({
      plannedState: req.proposedNewState ?? null,
      diagnostics: [d],
    });
    return this.guard("PlanResourceChange", req.typeName, failed, async () => {
      const r = this.resource(req.typeName);
      const proposed = known(decodeObject(req.proposedNewState, r.attributes), "proposed state");
      // A destroy: nothing to plan, and no resource code runs (plan_destroy is off, so
      // Terraform should not even ask).
      if (proposed === null) {
        return {
          plannedState: dv(encodeObject(null, r.attributes)),
          plannedPrivate: req.priorPrivate,
        };
      }
      const prior = known(
        decodeObject(req.priorState, r.attributes, { nullWriteOnly: true }),
        "prior state",
      );
      const config = known(decodeObject(req.config, r.attributes), "configuration") ?? {};
      const res = await r.plan({
        ctx: this.context(),
        prior,
        proposed,
        config,
        priorPrivate: decodePrivate(req.priorPrivate),
      });
      const planned = withWriteOnlyNull(res.planned, r.attributes);
      // With errors Terraform discards the planned object, which a failed plan leaves half made.
      const broken = hasError(res.diagnostics)
        ? []
        : planRuleViolations(req.typeName, r.attributes, config, planned);
      if (broken.length > 0) {
        this.logger.error("invalid plan refused", {
          type: req.typeName,
          attributes: broken.map((d) => d.path?.[0] ?? "").join(","),
        });
        return {
          plannedState: req.proposedNewState ?? null,
          diagnostics: [...diags(res.diagnostics), ...diags(broken)],
        };
      }
      return {
        plannedState: dv(encodeObject(planned, r.attributes, { nullWriteOnly: true })),
        requiresReplace: replacePaths(r.attributes, prior, planned, res.requiresReplace).map(
          (p) => ({ steps: p.map((name) => ({ attributeName: name })) }),
        ),
        plannedPrivate:
          res.plannedPrivate === undefined ? req.priorPrivate : encodePrivate(res.plannedPrivate),
        diagnostics: diags(res.diagnostics),
      };
    });
  }

  ApplyResourceChange(
    req: RpcRequest<"ApplyResourceChange">,
  ): Promise<RpcResponse<"ApplyResourceChange">> {
    // On failure the prior state is the new state: an update that threw leaves the object as
    // it was known, a create that threw leaves nothing, a destroy that threw keeps the object.
    const failed = (d: ProtoDiagnostic): RpcResponse<"ApplyResourceChange"> => ({
      newState: req.priorState ?? null,
      private: req.plannedPrivate,
      diagnostics: [d],
    });
    return this.guard("ApplyResourceChange", req.typeName, failed, async () => {
      const r = this.resource(req.typeName);
      const prior = known(
        decodeObject(req.priorState, r.attributes, { nullWriteOnly: true }),
        "prior state",
      );
      const planned = known(decodeObject(req.plannedState, r.attributes), "planned state");
      const plannedPrivate = decodePrivate(req.plannedPrivate);
      let res: ApplyResult;
      if (planned === null) {
        // A destroy of an object Terraform holds no state for has nothing to remove.
        res =
          prior === null
            ? { state: null }
            : await r.destroy({ ctx: this.context(), prior, plannedPrivate });
      } else {
        const config = known(decodeObject(req.config, r.attributes), "configuration");
        res = await r.apply({ ctx: this.context(), prior, planned, config, plannedPrivate });
      }
      const state = planned === null && !hasError(res.diagnostics) ? null : res.state;
      return {
        newState: dv(encodeObject(state, r.attributes, { nullWriteOnly: true })),
        private:
          state === null
            ? new Uint8Array(0)
            : res.private === undefined
              ? req.plannedPrivate
              : encodePrivate(res.private),
        diagnostics: diags(res.diagnostics),
      };
    });
  }

  ImportResourceState(
    req: RpcRequest<"ImportResourceState">,
  ): Promise<RpcResponse<"ImportResourceState">> {
    return this.guard(
      "ImportResourceState",
      req.typeName,
      (d) => ({ diagnostics: [d] }),
      async () => {
        const r = this.resource(req.typeName);
        const res = await r.importState(this.context(), req.id);
        const out: RpcResponse<"ImportResourceState"> = { diagnostics: diags(res.diagnostics) };
        if (res.state) {
          out.importedResources = [
            {
              typeName: req.typeName,
              state: dv(encodeObject(res.state, r.attributes, { nullWriteOnly: true })),
              private: encodePrivate(res.private),
            },
          ];
        } else if (!hasError(res.diagnostics)) {
          out.diagnostics = [
            ...(out.diagnostics ?? []),
            errorDiag(
              "Cannot import a missing object",
              `No ${req.typeName} with import id "${req.id}" exists.`,
            ),
          ];
        }
        return out;
      },
    );
  }

  MoveResourceState(req: RpcRequest<"MoveResourceState">): RpcResponse<"MoveResourceState"> {
    return {
      diagnostics: [
        errorDiag(
          "Moving resources is not supported",
          `The cpq provider cannot move a ${req.sourceTypeName} into a ${req.targetTypeName}. Remove the moved block, or import the object under its new address.`,
        ),
      ],
    };
  }

  // ---- data sources -----------------------------------------------------------------------------

  ReadDataSource(req: RpcRequest<"ReadDataSource">): Promise<RpcResponse<"ReadDataSource">> {
    return this.guard(
      "ReadDataSource",
      req.typeName,
      (d) => ({ diagnostics: [d] }),
      async () => {
        const d = this.dataSource(req.typeName);
        const config = known(decodeObject(req.config, d.attributes), "configuration") ?? {};
        const res = await d.read(this.context(), config);
        const out: RpcResponse<"ReadDataSource"> = { diagnostics: diags(res.diagnostics) };
        if (res.state)
          out.state = dv(encodeObject(res.state, d.attributes, { nullWriteOnly: true }));
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

  // ---- what this provider does not have: neutral answers so Terraform carries on ---------------

  GetResourceIdentitySchemas(): RpcResponse<"GetResourceIdentitySchemas"> {
    return {};
  }

  UpgradeResourceIdentity(
    req: RpcRequest<"UpgradeResourceIdentity">,
  ): RpcResponse<"UpgradeResourceIdentity"> {
    return {
      diagnostics: [
        errorDiag("Resource identity is not supported", `${req.typeName} has no identity.`),
      ],
    };
  }

  // ---- provider-defined functions ---------------------------------------------------------------

  GetFunctions(): Promise<RpcResponse<"GetFunctions">> {
    return this.guard<RpcResponse<"GetFunctions">>(
      "GetFunctions",
      undefined,
      (d) => ({ diagnostics: [d] }),
      () => ({ functions: this.functionSchemas() }),
    );
  }

  /**
   * Calls a function. Functions are pure and need no configured provider (Terraform calls them
   * while it validates, before ConfigureProvider). A failure is a FunctionError naming the
   * argument, which Terraform reports at the call in the configuration.
   */
  async CallFunction(req: RpcRequest<"CallFunction">): Promise<RpcResponse<"CallFunction">> {
    const name = req.name ?? "";
    try {
      const f = this.functions().get(name);
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
    } catch (err) {
      this.logger.error("rpc failed", {
        rpc: "CallFunction",
        error: err instanceof Error ? err.message : String(err),
      });
      return {
        error: {
          text: diagnosticDetail(
            `The cpq provider failed in provider::cpq::${name}: ${err instanceof Error ? err.message : String(err)}`,
          ),
        },
      };
    }
  }

  ValidateEphemeralResourceConfig(
    req: RpcRequest<"ValidateEphemeralResourceConfig">,
  ): RpcResponse<"ValidateEphemeralResourceConfig"> {
    return { diagnostics: [noEphemeral(req.typeName)] };
  }

  OpenEphemeralResource(
    req: RpcRequest<"OpenEphemeralResource">,
  ): RpcResponse<"OpenEphemeralResource"> {
    return { diagnostics: [noEphemeral(req.typeName)] };
  }

  RenewEphemeralResource(
    req: RpcRequest<"RenewEphemeralResource">,
  ): RpcResponse<"RenewEphemeralResource"> {
    return { diagnostics: [noEphemeral(req.typeName)] };
  }

  CloseEphemeralResource(
    req: RpcRequest<"CloseEphemeralResource">,
  ): RpcResponse<"CloseEphemeralResource"> {
    return { diagnostics: [noEphemeral(req.typeName)] };
  }

  StopProvider(): RpcResponse<"StopProvider"> {
    // Requests in flight are short HTTP calls with their own timeouts; nothing to interrupt.
    this.logger.info("stop requested");
    return { Error: "" };
  }
}

function noEphemeral(typeName: string): ProtoDiagnostic {
  return errorDiag(
    "Ephemeral resources are not supported",
    `The cpq provider has no ephemeral resource "${typeName}".`,
  );
}

function describe(rpc: string, typeName: string | undefined): string {
  const what: Record<string, string> = {
    ValidateProviderConfig: "provider configuration validation",
    ConfigureProvider: "provider configuration",
    ValidateResourceConfig: "validation",
    ValidateDataResourceConfig: "validation",
    UpgradeResourceState: "state upgrade",
    ReadResource: "refresh",
    PlanResourceChange: "plan",
    ApplyResourceChange: "apply",
    ImportResourceState: "import",
    ReadDataSource: "read",
  };
  const verb = what[rpc] ?? rpc;
  return typeName ? `${verb} of ${typeName}` : verb;
}

export type { WireDynamicValue };
