/** The CPQ REST simulator's public surface. */
export { startSimulator } from "./server";
export type { RunningSimulator } from "./server";
export {
  DEFAULT_CREDENTIALS,
  DEFAULT_PARTNERS,
  DEFAULT_PARTNER_CREDENTIALS,
  DEFAULT_USERS,
  MAX_GENERATED_USERS,
} from "./options";
export type {
  BasicCredential,
  BearerCredential,
  OAuthClientCredential,
  PartnerCredential,
  SimulatorCredentials,
  SimulatorOptions,
  SimulatorSeed,
  SimulatorUser,
} from "./options";
export type { Partner } from "./wire";
export type { FaultSpec } from "./faults";
export { runSimulatorCli } from "./cli";
