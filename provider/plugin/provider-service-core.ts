/**
 * What every RPC group of the plugin shares: the registry of the provider definition (loaded on
 * first use), the configured context, the guard that turns anything thrown into a diagnostic,
 * and the conversions between the contract's diagnostics, private state and values and
 * Terraform's messages. The groups (provider-service-schema.ts, -resources.ts, -data.ts) and the
 * service itself (provider-service.ts) build on it.
 */
import { tfplugin6 } from "./codec";
import { diagnosticDetail, diagnosticSummary } from "../text/escape";
import type { Logger } from "./log";
import type {
  Attribute,
  ClientCapabilities,
  ConfigurationRules,
  DataSourceDefinition,
  Diagnostic,
  FunctionDefinition,
  ObjectValue,
  PrivateState,
  ProviderDefinition,
  ResourceDefinition,
} from "../contract/types";
import { UNKNOWN } from "../contract/types";
import { validateConfiguration } from "../contract/attributes";
import { decodeObject, decodeRaw, ValueError } from "./values";
import type { WireDynamicValue } from "./values";

export type ProtoDiagnostic = tfplugin6.IDiagnostic;
export type ProtoSchema = tfplugin6.ISchema;

const SEVERITY = tfplugin6.Diagnostic.Severity;

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

/** Contract diagnostics as Terraform's. */
export function diags(list: readonly Diagnostic[] | undefined): ProtoDiagnostic[] {
  return (list ?? []).map(toProtoDiagnostic);
}

/** One error diagnostic, pointing at an attribute when a path is given. */
export function errorDiag(
  summary: string,
  detail: string,
  path?: readonly string[],
): ProtoDiagnostic {
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
export function unknownNames(dv: WireDynamicValue | null | undefined, attrs: readonly Attribute[]) {
  const raw = dv?.msgpack && dv.msgpack.length > 0 ? decodeRaw(dv.msgpack) : null;
  if (!raw || typeof raw !== "object" || Array.isArray(raw) || raw instanceof Uint8Array) return [];
  const known = new Set(attrs.map((a) => a.name));
  return Object.keys(raw).filter((k) => !known.has(k));
}

/**
 * What every Validate*Config RPC answers: nothing while the configuration is null or unknown as a
 * whole, an error for each name the schema lacks, else the table's checks and the definition's
 * own (validateConfiguration, as the constructs run them at synth).
 */
export function validateConfig(
  dv: WireDynamicValue | null | undefined,
  definition: ConfigurationRules,
  where: string,
  caps?: ClientCapabilities,
): { diagnostics: ProtoDiagnostic[] } {
  const attrs = definition.attributes;
  const config = decodeObject(dv, attrs);
  if (config === null || config === UNKNOWN) return { diagnostics: [] };
  const extra = unknownNames(dv, attrs);
  if (extra.length > 0) return { diagnostics: unknownNameDiags(extra, where) };
  return { diagnostics: diags(validateConfiguration(definition, config, caps)) };
}

export function unknownNameDiags(names: readonly string[], where: string): ProtoDiagnostic[] {
  return names.map((k) =>
    errorDiag(
      `Unknown attribute "${k}"`,
      `The schema of ${where} has no attribute "${k}". Remove it from the configuration.`,
      [k],
    ),
  );
}

/** Whether any diagnostic is an error. */
export function hasError(list: readonly Diagnostic[] | undefined): boolean {
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

/** Terraform's client capabilities as the contract's (absent ones false). */
export function capabilities(
  c: tfplugin6.IClientCapabilities | null | undefined,
): ClientCapabilities {
  return {
    deferralAllowed: c?.deferralAllowed ?? false,
    writeOnlyAttributesAllowed: c?.writeOnlyAttributesAllowed ?? false,
  };
}

/** msgpack bytes as a DynamicValue. */
export function dv(bytes: Uint8Array): tfplugin6.IDynamicValue {
  return { msgpack: bytes };
}

/** A decoded object, or an error when Terraform sent it wholly unknown. */
export function known(v: ObjectValue | null | typeof UNKNOWN, what: string): ObjectValue | null {
  if (v === UNKNOWN) throw new ValueError(`The ${what} is wholly unknown.`, []);
  return v;
}

/**
 * A configuration Terraform sent, decoded through `attrs`; a null one as every attribute null
 * (ListResource's filters, an action's configuration), wholly unknown an error.
 */
export function configOrNulls(
  value: WireDynamicValue | null | undefined,
  attrs: readonly Attribute[],
  what: string,
): ObjectValue {
  return (
    known(decodeObject(value, attrs), what) ?? Object.fromEntries(attrs.map((a) => [a.name, null]))
  );
}

/**
 * The provider definition and the state of one connection: which provider instance is configured
 * with which context. One per ProviderService.
 */
export class ServiceCore {
  /** Where the service's lines go (Terraform's log). */
  readonly logger: Logger;
  private readonly load: () => ProviderDefinition<unknown>;
  private def: ProviderDefinition<unknown> | undefined;
  private resourceMap: Map<string, ResourceDefinition<unknown>> | undefined;
  private dataSourceMap: Map<string, DataSourceDefinition<unknown>> | undefined;
  private functionMap: Map<string, FunctionDefinition> | undefined;
  private configured = false;
  private ctx: unknown = null;

  constructor(load: () => ProviderDefinition<unknown>, logger: Logger) {
    this.load = load;
    this.logger = logger;
  }

  /** The provider definition, loaded on first use. */
  provider(): ProviderDefinition<unknown> {
    this.def ??= this.load();
    return this.def;
  }

  /** The resources by type name. */
  resources(): Map<string, ResourceDefinition<unknown>> {
    this.resourceMap ??= new Map(
      this.provider()
        .resources()
        .map((r) => [r.typeName, r]),
    );
    return this.resourceMap;
  }

  /** The provider-defined functions by name. */
  functions(): Map<string, FunctionDefinition> {
    this.functionMap ??= new Map(
      this.provider()
        .functions()
        .map((f) => [f.name, f]),
    );
    return this.functionMap;
  }

  /** The data sources by type name. */
  dataSources(): Map<string, DataSourceDefinition<unknown>> {
    this.dataSourceMap ??= new Map(
      this.provider()
        .dataSources()
        .map((d) => [d.typeName, d]),
    );
    return this.dataSourceMap;
  }

  /** A resource by type name; an unknown name is an error. */
  resource(typeName: string): ResourceDefinition<unknown> {
    const r = this.resources().get(typeName);
    if (!r) throw new Error(`The cpq provider has no resource type "${typeName}".`);
    return r;
  }

  /** A data source by type name; an unknown name is an error. */
  dataSource(typeName: string): DataSourceDefinition<unknown> {
    const d = this.dataSources().get(typeName);
    if (!d) throw new Error(`The cpq provider has no data source "${typeName}".`);
    return d;
  }

  /** The configured context; using the provider before ConfigureProvider is an error. */
  context(): unknown {
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
  async guard<R>(
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
      return fallback(this.failed(rpc, typeName, describe(rpc, typeName), err));
    }
  }

  /**
   * Logs an RPC's failure and answers the diagnostic for it: the catch of {@link guard}, and of
   * the streaming RPCs (ListResource, InvokeAction), which put it into their last event.
   */
  failed(rpc: string, typeName: string | undefined, what: string, err: unknown): ProtoDiagnostic {
    this.logger.error("rpc failed", {
      rpc,
      type: typeName,
      error: err instanceof Error ? err.message : String(err),
    });
    return thrownDiagnostic(what, err);
  }

  /** Forgets the context: a configuration starts from nothing, and a failed one leaves none. */
  unconfigure(): void {
    this.configured = false;
    this.ctx = null;
  }

  /** The context resources are called with, once ConfigureProvider succeeded. */
  configure(ctx: unknown): void {
    this.ctx = ctx;
    this.configured = true;
  }
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
    CallFunction: "call",
  };
  const verb = what[rpc] ?? rpc;
  return typeName ? `${verb} of ${typeName}` : verb;
}
