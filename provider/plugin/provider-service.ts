/**
 * The glue between `tfplugin6.Provider` RPCs and the host-neutral contract: decodes every value
 * through the attribute table, calls the provider or resource, encodes the result back. The RPCs
 * live by group beside this file: schema and metadata (provider-service-schema.ts), the resource
 * lifecycle (provider-service-resources.ts, where the plugin enforces the attribute table and
 * Terraform's plan rules, see plan-rules.ts), data sources and functions
 * (provider-service-data.ts), and what they share (provider-service-core.ts). Here: the
 * provider's own configuration and the RPCs this provider answers with a refusal. Anything a
 * resource throws becomes an error diagnostic (the process never crashes mid-apply, which would
 * leave Terraform's state unsaved).
 */
import type { RpcRequest, RpcResponse, StreamEvent, StreamRequest } from "./codec";
import type { Logger } from "./log";
import type { ProviderDefinition } from "../contract/types";
import { decodeObject } from "./values";
import {
  diags,
  errorDiag,
  hasError,
  known,
  ServiceCore,
  validateConfig,
} from "./provider-service-core";
import type { ProtoDiagnostic } from "./provider-service-core";
import { getFunctions, getMetadata, getProviderSchema } from "./provider-service-schema";
import {
  applyResourceChange,
  importResourceState,
  moveResourceState,
  planResourceChange,
  readResource,
  upgradeResourceState,
  validateResourceConfig,
} from "./provider-service-resources";
import { callFunction, readDataSource, validateDataResourceConfig } from "./provider-service-data";
import { getResourceIdentitySchemas, upgradeResourceIdentity } from "./provider-service-identity";
import {
  generateResourceConfig,
  listResource,
  validateListResourceConfig,
} from "./provider-service-list";
import { invokeAction, planAction, validateActionConfig } from "./provider-service-actions";

export {
  decodePrivate,
  encodePrivate,
  thrownDiagnostic,
  toProtoDiagnostic,
} from "./provider-service-core";

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
  private readonly core: ServiceCore;

  constructor(
    def: ProviderDefinition<unknown> | (() => ProviderDefinition<unknown>),
    opts: ProviderServiceOptions,
  ) {
    this.core = new ServiceCore(typeof def === "function" ? def : () => def, opts.logger);
  }

  // ---- schema and metadata (provider-service-schema.ts) ----------------------------------------

  GetMetadata(): Promise<RpcResponse<"GetMetadata">> {
    return getMetadata(this.core);
  }

  GetProviderSchema(): Promise<RpcResponse<"GetProviderSchema">> {
    return getProviderSchema(this.core);
  }

  GetFunctions(): Promise<RpcResponse<"GetFunctions">> {
    return getFunctions(this.core);
  }

  // ---- the provider's configuration ------------------------------------------------------------

  ValidateProviderConfig(
    req: RpcRequest<"ValidateProviderConfig">,
  ): Promise<RpcResponse<"ValidateProviderConfig">> {
    return this.core.guard(
      "ValidateProviderConfig",
      undefined,
      (d) => ({ diagnostics: [d] }),
      () => {
        const p = this.core.provider();
        return validateConfig(req.config, p, "the cpq provider");
      },
    );
  }

  ConfigureProvider(
    req: RpcRequest<"ConfigureProvider">,
  ): Promise<RpcResponse<"ConfigureProvider">> {
    return this.core.guard(
      "ConfigureProvider",
      undefined,
      (d) => ({ diagnostics: [d] }),
      async () => {
        // Each configuration starts from nothing: a failed one leaves the provider unconfigured,
        // not configured as before, and a new context means new caches (users, partners, tokens).
        this.core.unconfigure();
        const p = this.core.provider();
        const config = decodeObject(req.config, p.attributes) ?? {};
        const r = await p.configure(known(config, "provider configuration") ?? {}, {
          logger: this.core.logger,
        });
        if (!hasError(r.diagnostics)) this.core.configure(r.ctx);
        return { diagnostics: diags(r.diagnostics) };
      },
    );
  }

  // ---- managed resources (provider-service-resources.ts) ---------------------------------------

  ValidateResourceConfig(
    req: RpcRequest<"ValidateResourceConfig">,
  ): Promise<RpcResponse<"ValidateResourceConfig">> {
    return validateResourceConfig(this.core, req);
  }

  UpgradeResourceState(
    req: RpcRequest<"UpgradeResourceState">,
  ): Promise<RpcResponse<"UpgradeResourceState">> {
    return upgradeResourceState(this.core, req);
  }

  ReadResource(req: RpcRequest<"ReadResource">): Promise<RpcResponse<"ReadResource">> {
    return readResource(this.core, req);
  }

  PlanResourceChange(
    req: RpcRequest<"PlanResourceChange">,
  ): Promise<RpcResponse<"PlanResourceChange">> {
    return planResourceChange(this.core, req);
  }

  ApplyResourceChange(
    req: RpcRequest<"ApplyResourceChange">,
  ): Promise<RpcResponse<"ApplyResourceChange">> {
    return applyResourceChange(this.core, req);
  }

  ImportResourceState(
    req: RpcRequest<"ImportResourceState">,
  ): Promise<RpcResponse<"ImportResourceState">> {
    return importResourceState(this.core, req);
  }

  MoveResourceState(req: RpcRequest<"MoveResourceState">): RpcResponse<"MoveResourceState"> {
    return moveResourceState(req);
  }

  // ---- data sources and functions (provider-service-data.ts) -----------------------------------

  ValidateDataResourceConfig(
    req: RpcRequest<"ValidateDataResourceConfig">,
  ): Promise<RpcResponse<"ValidateDataResourceConfig">> {
    return validateDataResourceConfig(this.core, req);
  }

  ReadDataSource(req: RpcRequest<"ReadDataSource">): Promise<RpcResponse<"ReadDataSource">> {
    return readDataSource(this.core, req);
  }

  CallFunction(req: RpcRequest<"CallFunction">): Promise<RpcResponse<"CallFunction">> {
    return callFunction(this.core, req);
  }

  // ---- resource identity (provider-service-identity.ts) ----------------------------------------

  GetResourceIdentitySchemas(): Promise<RpcResponse<"GetResourceIdentitySchemas">> {
    return getResourceIdentitySchemas(this.core);
  }

  UpgradeResourceIdentity(
    req: RpcRequest<"UpgradeResourceIdentity">,
  ): Promise<RpcResponse<"UpgradeResourceIdentity">> {
    return upgradeResourceIdentity(this.core, req);
  }

  // ---- list resources and generated configuration (provider-service-list.ts) -------------------

  ValidateListResourceConfig(
    req: RpcRequest<"ValidateListResourceConfig">,
  ): Promise<RpcResponse<"ValidateListResourceConfig">> {
    return validateListResourceConfig(this.core, req);
  }

  /** A server stream: `emit` sends one event; the promise resolves when the stream ends. */
  ListResource(
    req: StreamRequest<"ListResource">,
    emit: (event: StreamEvent<"ListResource">) => void,
  ): Promise<void> {
    return listResource(this.core, req, emit);
  }

  GenerateResourceConfig(
    req: RpcRequest<"GenerateResourceConfig">,
  ): Promise<RpcResponse<"GenerateResourceConfig">> {
    return generateResourceConfig(this.core, req);
  }

  // ---- actions (provider-service-actions.ts) ---------------------------------------------------

  ValidateActionConfig(
    req: RpcRequest<"ValidateActionConfig">,
  ): Promise<RpcResponse<"ValidateActionConfig">> {
    return validateActionConfig(this.core, req);
  }

  PlanAction(req: RpcRequest<"PlanAction">): Promise<RpcResponse<"PlanAction">> {
    return planAction(this.core, req);
  }

  /** A server stream: progress events, then one Completed event. */
  InvokeAction(
    req: StreamRequest<"InvokeAction">,
    emit: (event: StreamEvent<"InvokeAction">) => void,
  ): Promise<void> {
    return invokeAction(this.core, req, emit);
  }

  // ---- what this provider does not have: neutral answers so Terraform carries on ---------------

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
    this.core.logger.info("stop requested");
    return { Error: "" };
  }
}

function noEphemeral(typeName: string): ProtoDiagnostic {
  return errorDiag(
    "Ephemeral resources are not supported",
    `The cpq provider has no ephemeral resource "${typeName}".`,
  );
}
