/** The parts of a running simulator that route handlers share. */
import type { TokenIssuer } from "./auth";
import type { BehaviorSettings } from "./behavior";
import type { FaultRegistry } from "./faults";
import type { ResolvedSeed } from "./seed";
import type { RequestLog } from "./request-log";
import type { SimulatorState } from "./state";

/** Shared by every route of one simulator instance. */
export interface Services {
  readonly seed: ResolvedSeed;
  readonly state: SimulatorState;
  readonly issuer: TokenIssuer;
  readonly faults: FaultRegistry;
  readonly requests: RequestLog;
  /** Read `current` per request: the admin surface may change it between two. */
  readonly behavior: BehaviorSettings;
}
