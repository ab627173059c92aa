/**
 * The managed-resource RPCs: validation, state upgrade, refresh, plan, apply, import and move.
 * Here the plugin enforces what the attribute table declares for every resource (plan-rules.ts):
 * write-only attributes null in every plan and state, `forceNew` as requires-replace, computed
 * attributes unknown where their `inputs` change, Terraform's plan rules; a destroy goes to the
 * resource's `destroy`.
 */
import type { RpcRequest, RpcResponse } from "./codec";
import type { ApplyResult } from "../contract/types";
import { decodeObject, encodeObject, normalizeObject } from "./values";
import {
  planRuleViolations,
  replacePaths,
  withDerivedUnknown,
  withUnknownWhereInputsAre,
  withWriteOnlyNull,
} from "./plan-rules";
import {
  capabilities,
  decodePrivate,
  diags,
  dv,
  encodePrivate,
  errorDiag,
  hasError,
  known,
  validateConfig,
} from "./provider-service-core";
import type { ProtoDiagnostic, ServiceCore } from "./provider-service-core";
import { identityData, importIdOfIdentity } from "./provider-service-identity";

/** Terraform's `ValidateResourceConfig` call (see ProviderService). */
export function validateResourceConfig(
  core: ServiceCore,
  req: RpcRequest<"ValidateResourceConfig">,
): Promise<RpcResponse<"ValidateResourceConfig">> {
  return core.guard(
    "ValidateResourceConfig",
    req.typeName,
    (d) => ({ diagnostics: [d] }),
    () => {
      const caps = capabilities(req.clientCapabilities);
      return validateConfig(req.config, core.resource(req.typeName), req.typeName, caps);
    },
  );
}

/** Terraform's `UpgradeResourceState` call (see ProviderService). */
export function upgradeResourceState(
  core: ServiceCore,
  req: RpcRequest<"UpgradeResourceState">,
): Promise<RpcResponse<"UpgradeResourceState">> {
  return core.guard(
    "UpgradeResourceState",
    req.typeName,
    (d) => ({ diagnostics: [d] }),
    () => {
      const r = core.resource(req.typeName);
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

/** Terraform's `ReadResource` call (see ProviderService). */
export function readResource(
  core: ServiceCore,
  req: RpcRequest<"ReadResource">,
): Promise<RpcResponse<"ReadResource">> {
  // On failure the state Terraform holds is handed back unchanged: a failed refresh must not
  // make Terraform think the object is gone.
  const unchanged = (d: ProtoDiagnostic): RpcResponse<"ReadResource"> => ({
    newState: req.currentState ?? null,
    private: req.private,
    diagnostics: [d],
    newIdentity: req.currentIdentity ?? null,
  });
  return core.guard("ReadResource", req.typeName, unchanged, async () => {
    const r = core.resource(req.typeName);
    const current = known(
      decodeObject(req.currentState, r.attributes, { nullWriteOnly: true }),
      "current state",
    );
    if (current === null) return { newState: req.currentState ?? null, private: req.private };
    const res = await r.read({
      ctx: core.context(),
      current,
      private: decodePrivate(req.private),
    });
    return {
      newState: dv(encodeObject(res.state, r.attributes, { nullWriteOnly: true })),
      private: res.private === undefined ? req.private : encodePrivate(res.private),
      diagnostics: diags(res.diagnostics),
      newIdentity: identityData(r, res.state),
    };
  });
}

/** Terraform's `PlanResourceChange` call (see ProviderService). */
export function planResourceChange(
  core: ServiceCore,
  req: RpcRequest<"PlanResourceChange">,
): Promise<RpcResponse<"PlanResourceChange">> {
  const failed = (d: ProtoDiagnostic): RpcResponse<"PlanResourceChange"> => ({
    plannedState: req.proposedNewState ?? null,
    diagnostics: [d],
  });
  return core.guard("PlanResourceChange", req.typeName, failed, async () => {
    const r = core.resource(req.typeName);
    const proposedWire = known(decodeObject(req.proposedNewState, r.attributes), "proposed state");
    // A destroy: nothing to plan, and no resource code runs (plan_destroy is off, so
    // Terraform should not even ask).
    if (proposedWire === null) {
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
      ctx: core.context(),
      prior,
      proposed: withDerivedUnknown(proposedWire, r.attributes, prior),
      config,
      priorPrivate: decodePrivate(req.priorPrivate),
    });
    const planned = withUnknownWhereInputsAre(
      withWriteOnlyNull(res.planned, r.attributes),
      r.attributes,
    );
    // With errors Terraform discards the planned object, which a failed plan leaves half made.
    const broken = hasError(res.diagnostics)
      ? []
      : planRuleViolations(req.typeName, r.attributes, config, planned);
    if (broken.length > 0) {
      core.logger.error("invalid plan refused", {
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
      requiresReplace: replacePaths(r.attributes, prior, planned, res.requiresReplace).map((p) => ({
        steps: p.map((name) => ({ attributeName: name })),
      })),
      plannedPrivate:
        res.plannedPrivate === undefined ? req.priorPrivate : encodePrivate(res.plannedPrivate),
      diagnostics: diags(res.diagnostics),
      plannedIdentity: identityData(r, planned),
    };
  });
}

/** Terraform's `ApplyResourceChange` call (see ProviderService). */
export function applyResourceChange(
  core: ServiceCore,
  req: RpcRequest<"ApplyResourceChange">,
): Promise<RpcResponse<"ApplyResourceChange">> {
  // On failure the prior state is the new state: an update that threw leaves the object as
  // it was known, a create that threw leaves nothing, a destroy that threw keeps the object.
  const failed = (d: ProtoDiagnostic): RpcResponse<"ApplyResourceChange"> => ({
    newState: req.priorState ?? null,
    private: req.plannedPrivate,
    diagnostics: [d],
    // The prior object keeps its identity (an update plans the one it has; Terraform 1.12+). A
    // create has none yet: its planned identity may hold unknowns, which Terraform refuses here.
    newIdentity: isNullValue(req.priorState) ? null : (req.plannedIdentity ?? null),
  });
  return core.guard("ApplyResourceChange", req.typeName, failed, async () => {
    const r = core.resource(req.typeName);
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
          : await r.destroy({ ctx: core.context(), prior, plannedPrivate });
    } else {
      const config = known(decodeObject(req.config, r.attributes), "configuration");
      res = await r.apply({ ctx: core.context(), prior, planned, config, plannedPrivate });
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
      newIdentity: identityData(r, state),
    };
  });
}

/** Terraform's `ImportResourceState` call (see ProviderService). */
export function importResourceState(
  core: ServiceCore,
  req: RpcRequest<"ImportResourceState">,
): Promise<RpcResponse<"ImportResourceState">> {
  return core.guard(
    "ImportResourceState",
    req.typeName,
    (d) => ({ diagnostics: [d] }),
    async () => {
      const r = core.resource(req.typeName);
      // Terraform 1.12+ imports by identity (`import { identity = {...} }`) with an empty id.
      const id = req.id === "" && req.identity ? importIdOfIdentity(r, req.identity) : req.id;
      const res = await r.importState(core.context(), id);
      const out: RpcResponse<"ImportResourceState"> = { diagnostics: diags(res.diagnostics) };
      if (res.state) {
        out.importedResources = [
          {
            typeName: req.typeName,
            state: dv(encodeObject(res.state, r.attributes, { nullWriteOnly: true })),
            private: encodePrivate(res.private),
            identity: identityData(r, res.state),
          },
        ];
      } else if (!hasError(res.diagnostics)) {
        out.diagnostics = [
          ...(out.diagnostics ?? []),
          errorDiag(
            "Cannot import a missing object",
            `No ${req.typeName} with import id "${id}" exists.`,
          ),
        ];
      }
      return out;
    },
  );
}

/** Whether a DynamicValue is absent or Terraform's null (msgpack nil). */
function isNullValue(v: { msgpack?: Uint8Array | null } | null | undefined): boolean {
  const b = v?.msgpack;
  return !b || b.length === 0 || (b.length === 1 && b[0] === 0xc0);
}

/** Terraform's `MoveResourceState` call (see ProviderService). */
export function moveResourceState(
  req: RpcRequest<"MoveResourceState">,
): RpcResponse<"MoveResourceState"> {
  return {
    diagnostics: [
      errorDiag(
        "Moving resources is not supported",
        `The cpq provider cannot move a ${req.sourceTypeName} into a ${req.targetTypeName}. Remove the moved block, or import the object under its new address.`,
      ),
    ],
  };
}
