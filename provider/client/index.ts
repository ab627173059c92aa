/** The CPQ REST client: the public surface, re-exports only. */
export { createCpqClient, loginQuery } from "./client";
export type {
  CpqClient,
  ListAllUsersQuery,
  ListUsersQuery,
  SsoConfigurationPostResult,
} from "./client";
export {
  CpqConfigError,
  CpqContractError,
  CpqError,
  CpqHttpError,
  CpqNetworkError,
  CpqTimeoutError,
  isCpqError,
} from "./errors";
export type { CpqErrorCode, CpqErrorDetail, CpqHttpErrorInit } from "./errors";
export { DEFAULT_PATHS } from "./options";
export { isLoopbackHost } from "./urls";
export type {
  BasicAuth,
  BearerAuth,
  CpqAuth,
  CpqClientOptions,
  CpqLogger,
  CpqPathName,
  CpqPaths,
  OAuthClientCredentials,
} from "./options";
export {
  CpqErrorBodyWireSchema,
  INTEGRATION_SECRET_FIELDS,
  IntegrationPartnerWireSchema,
  IntegrationsWireSchema,
  OAuthTokenWireSchema,
  SECRET_WIRE_FIELDS,
  SSO_READABLE_FIELDS,
  SSO_SECRET_FIELDS,
  SSO_WIRE_FIELDS,
  SSO_WRITE_ONLY_FIELDS,
  SsoConfigurationPostResultWireSchema,
  SsoConfigurationWireSchema,
  UserIntegrationCheckWireSchema,
  UserIntegrationWireSchema,
  UserIntegrationsWireSchema,
  UserWireSchema,
  UsersPageWireSchema,
} from "./wire";
export type {
  IntegrationPartnerWire,
  IntegrationVendorPropertyWire,
  IntegrationVendorRequestWire,
  IntegrationVendorWire,
  IntegrationsWire,
  SsoConfigurationPostResultWire,
  SsoConfigurationPostWire,
  SsoConfigurationWire,
  SsoWireField,
  UserIntegrationCheckWire,
  UserIntegrationPutWire,
  UserIntegrationWire,
  UserIntegrationsWire,
  UserWire,
  UsersPage,
} from "./wire";
