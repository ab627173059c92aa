/**
 * Actions (protocol 6.10, Terraform 1.14+): `ValidateActionConfig` offline, `PlanAction` while
 * Terraform plans (the action refuses there what cannot work on the site), and `InvokeAction`
 * at apply, streaming progress lines and ending with one Completed event that holds the
 * diagnostics. Actions come from the registry (`ProviderDefinition.actions`).
 */
import type { RpcRequest, RpcResponse, StreamEvent, StreamRequest } from "./codec";
import type { ActionDefinition } from "../contract/types";
import { validateConfiguration } from "../contract/attributes";
import { configOrNulls, diags, hasError, validateConfig } from "./provider-service-core";
import type { ProtoSchema, ServiceCore } from "./provider-service-core";
import { diagnosticSummary } from "../text/escape";

/** The provider's actions; none when it declares none. */
export function actionsOf(core: ServiceCore): readonly ActionDefinition<unknown>[] {
  return core.provider().actions?.() ?? [];
}

function action(core: ServiceCore, typeName: string): ActionDefinition<unknown> {
  const a = actionsOf(core).find((x) => x.typeName === typeName);
  if (!a) {
    const names = actionsOf(core).map((x) => x.typeName);
    throw new Error(
      `The cpq provider has no action "${typeName}"${names.length ? `; it has ${names.join(", ")}` : ""}.`,
    );
  }
  return a;
}

/** The action schemas for GetProviderSchema. */
export function actionSchemas(
  core: ServiceCore,
  schemaOf: (a: ActionDefinition<unknown>) => ProtoSchema,
): Record<string, { schema: ProtoSchema }> {
  return Object.fromEntries(actionsOf(core).map((a) => [a.typeName, { schema: schemaOf(a) }]));
}

/** The actions' names for GetMetadata. */
export function actionMetadata(core: ServiceCore): { typeName: string }[] {
  return actionsOf(core).map((a) => ({ typeName: a.typeName }));
}

/** Terraform's `ValidateActionConfig` call (see ProviderService). */
export function validateActionConfig(
  core: ServiceCore,
  req: RpcRequest<"ValidateActionConfig">,
): Promise<RpcResponse<"ValidateActionConfig">> {
  return core.guard(
    "ValidateActionConfig",
    req.typeName,
    (d) => ({ diagnostics: [d] }),
    () => {
      const a = action(core, req.typeName);
      return validateConfig(req.config, a, `the ${a.typeName} action`);
    },
  );
}

/** Terraform's `PlanAction` call (see ProviderService). */
export function planAction(
  core: ServiceCore,
  req: RpcRequest<"PlanAction">,
): Promise<RpcResponse<"PlanAction">> {
  return core.guard(
    "PlanAction",
    req.actionType,
    (d) => ({ diagnostics: [d] }),
    async () => {
      const a = action(core, req.actionType);
      const config = configOrNulls(req.config, a.attributes, "action configuration");
      const offline = validateConfiguration(a, config);
      if (hasError(offline)) return { diagnostics: diags(offline) };
      return {
        diagnostics: diags([...offline, ...(await a.plan({ ctx: core.context(), config }))]),
      };
    },
  );
}

/**
 * Terraform's `InvokeAction` stream: Progress events as the action goes, then one Completed
 * event with its diagnostics (Terraform reports an action without one as failed).
 */
export async function invokeAction(
  core: ServiceCore,
  req: StreamRequest<"InvokeAction">,
  emit: (event: StreamEvent<"InvokeAction">) => void,
): Promise<void> {
  try {
    const a = action(core, req.actionType);
    const config = configOrNulls(req.config, a.attributes, "action configuration");
    const progress = (message: string): void =>
      emit({ progress: { message: diagnosticSummary(message) } });
    const result = await a.invoke({ ctx: core.context(), config }, progress);
    emit({ completed: { diagnostics: diags(result) } });
  } catch (err) {
    const d = core.failed("InvokeAction", req.actionType, `action ${req.actionType}`, err);
    emit({ completed: { diagnostics: [d] } });
  }
}
