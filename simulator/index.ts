/** The CPQ REST simulator's public surface. */
export { SERVED_VERSIONS, startSimulator } from "./server";
export type { RunningSimulator } from "./server";
export { DEFAULT_BEHAVIOR } from "./behavior";
export type { SimulatorBehavior } from "./behavior";
export {
  DEFAULT_CREDENTIALS,
  DEFAULT_PARTNERS,
  DEFAULT_PARTNER_CREDENTIALS,
  DEFAULT_USERS,
  MAX_GENERATED_USERS,
  PARTY_ID_BASE,
} from "./seed";
export type {
  BasicCredential,
  BearerCredential,
  OAuthClientCredential,
  PartnerCredential,
  SimulatorCredentials,
  SimulatorOptions,
  SimulatorSeed,
  SimulatorUser,
} from "./seed";
export type {
  Partner,
  SsoConfiguration,
  SsoField,
  StoredIntegration,
  StoredUser,
  UserStatus,
  UserType,
} from "./wire";
export type { IntegrationView, SecretView, StateView } from "./state";
export { MAX_CHECKPOINTS } from "./state";
export type { LoggedRequest } from "./request-log";
export { FIRST_VENDOR_ID } from "./seed";
export { MAX_ADDED_USERS } from "./routes/admin";
export type { FaultSpec } from "./faults";
export { runSimulatorCli } from "./cli";
