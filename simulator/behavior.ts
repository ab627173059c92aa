/**
 * How the simulator answers where Oracle's reference is silent or where this project invented a
 * surface. Each choice has a default; a test picks the other one to prove a client copes with
 * either, at start (options, seed file, CLI flags) or at run time (`PATCH /__sim/options`).
 */
import { z } from "zod";

/** The behaviour choices; each one is a documented assumption, not an Oracle fact. */
export interface SimulatorBehavior {
  /**
   * An `expand` value other than `groups` and `accessPermissions` (the two Oracle lists):
   * `"refuse"` answers 400 naming it, `"ignore"` answers as if it were not given.
   * @default "refuse"
   */
  readonly unknownExpand: "refuse" | "ignore";
  /**
   * Serve `expand=integrations` on the users routes, this project's invented batch read of every
   * user's User Integration tabs. When false, `integrations` is an unknown expand value.
   * @default false
   */
  readonly batchedIntegrations: boolean;
  /**
   * What `POST ssoConfiguration` does with a field it leaves out: `"merge"` keeps the stored
   * value, `"replace"` resets it (to `""`, ssoMethod to `None`) before the body is applied.
   * @default "merge"
   */
  readonly ssoPost: "merge" | "replace";
  /**
   * `GET ssoConfiguration` also returns `samlStorePass` and `samlKeyPass`, as an older help page
   * lists them, so a client's tolerance of secrets in a read can be tested.
   * @default false
   */
  readonly ssoGetReturnsPasswords: boolean;
  /**
   * What `PATCH integrationVendors/{id}` does with `properties.items` (Oracle does not say):
   * `"replace"` makes the list sent the integration's whole list, `"merge"` sets the properties
   * sent by name and keeps the others.
   * @default "replace"
   */
  readonly vendorPatchProperties: "replace" | "merge";
}

/** The behaviour when nothing is configured. */
export const DEFAULT_BEHAVIOR: SimulatorBehavior = {
  unknownExpand: "refuse",
  batchedIntegrations: false,
  ssoPost: "merge",
  ssoGetReturnsPasswords: false,
  vendorPatchProperties: "replace",
};

/** Any subset of the behaviour: the seed file's, the options', and `PATCH /__sim/options`. */
export const behaviorSchema = z.strictObject({
  unknownExpand: z.enum(["refuse", "ignore"]).optional(),
  batchedIntegrations: z.boolean().optional(),
  ssoPost: z.enum(["merge", "replace"]).optional(),
  ssoGetReturnsPasswords: z.boolean().optional(),
  vendorPatchProperties: z.enum(["replace", "merge"]).optional(),
});

/** A change of some behaviour choices, as {@link behaviorSchema} parses it. */
export type BehaviorChange = z.infer<typeof behaviorSchema>;

/** `base` with the choices `change` makes; a choice left out (or undefined) keeps its value. */
export function withBehavior(base: SimulatorBehavior, change: BehaviorChange): SimulatorBehavior {
  return {
    unknownExpand: change.unknownExpand ?? base.unknownExpand,
    batchedIntegrations: change.batchedIntegrations ?? base.batchedIntegrations,
    ssoPost: change.ssoPost ?? base.ssoPost,
    ssoGetReturnsPasswords: change.ssoGetReturnsPasswords ?? base.ssoGetReturnsPasswords,
    vendorPatchProperties: change.vendorPatchProperties ?? base.vendorPatchProperties,
  };
}

/** The behaviour of a running simulator: changeable by the admin surface, restored on reset. */
export class BehaviorSettings {
  private value: SimulatorBehavior;

  constructor(private readonly initial: SimulatorBehavior) {
    this.value = initial;
  }

  /** The behaviour now in force. */
  get current(): SimulatorBehavior {
    return this.value;
  }

  /** Changes the given choices and keeps the others. */
  update(change: BehaviorChange): SimulatorBehavior {
    this.value = withBehavior(this.value, change);
    return this.value;
  }

  /** Returns to the behaviour the simulator started with. */
  reset(): void {
    this.value = this.initial;
  }
}
