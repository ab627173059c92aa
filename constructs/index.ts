/**
 * CDKTF constructs for Oracle CPQ single sign-on. The generated L1 bindings are in
 * `./generated` (import them from there for escape hatches).
 */
export { CpqProvider } from "./cpq-provider";
export type { CpqApiVersion, CpqPathTemplates, CpqProviderProps } from "./cpq-provider";
export { SsoConfiguration } from "./sso-configuration";
export type {
  DestroyBehavior,
  KeystorePassword,
  SamlUserIdLocation,
  SamlUserIdType,
  SsoConfigurationProps,
  SsoMethod,
} from "./sso-configuration";
export { UserIntegrationLogin } from "./user-integration-login";
export type {
  PartnerSecret,
  UserIntegrationLoginDefaults,
  UserIntegrationLoginEntry,
  UserIntegrationLoginProps,
} from "./user-integration-login";
export { UserIntegrationLogins } from "./user-integration-logins";
export type {
  CsvColumns,
  LoginsKeyBy,
  UserIntegrationLoginsEntry,
  UserIntegrationLoginsProps,
  UserIntegrationLoginsShared,
} from "./user-integration-logins";
export { readIdpMetadata } from "./idp-metadata";
export type { IdpMetadata, IdpSigningCertificate } from "./idp-metadata";
export { ServiceProviderMetadata } from "./service-provider-metadata";
export type { ServiceProviderMetadataProps } from "./service-provider-metadata";
export { sensitiveVariable, storedInState } from "./secrets";
export type { SecretValue, SensitiveVariableOptions, StoredSecret } from "./secrets";
export { OAuthProvider } from "./oauth-provider";
export type { OAuthProviderProps } from "./oauth-provider";
export { UserSso } from "./user-sso";
export type { UserSsoEntry, UserSsoProps } from "./user-sso";
