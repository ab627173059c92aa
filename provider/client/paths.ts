/**
 * The CPQ endpoints as path templates. A module of its own, importing nothing, so the provider
 * schema can offer one override attribute per endpoint without loading the client at start-up.
 */

/** Names of the path templates; see {@link DEFAULT_PATHS}. */
export type CpqPathName =
  | "ssoConfiguration"
  | "users"
  | "user"
  | "integrations"
  | "integrationVendors"
  | "integrationVendor"
  | "userIntegrations"
  | "userIntegration"
  | "userIntegrationCheck"
  | "userIntegrationRevoke"
  | "spMetadata";

/** Path templates by name. */
export type CpqPaths = { readonly [K in CpqPathName]: string };

/**
 * Default path templates. Placeholders: `{prefix}` (pathPrefix), `{version}` (apiVersion),
 * `{partyNumber}`, `{tab}` and `{id}` (URL-encoded). `ssoConfiguration`, `users`, `user`,
 * `integrationVendors` and `integrationVendor` are Oracle's documented paths; `integrations` and the user-integration
 * paths are this project's assumption (Oracle publishes no REST surface for the User Integration
 * page), hence overridable. `spMetadata` is the SAML service provider metadata page Oracle's SSO
 * help names (a page of the site, not of the REST API: no `{version}`).
 */
export const DEFAULT_PATHS: CpqPaths = {
  ssoConfiguration: "{prefix}/rest/{version}/ssoConfiguration",
  users: "{prefix}/rest/{version}/users",
  user: "{prefix}/rest/{version}/users/{partyNumber}",
  integrations: "{prefix}/rest/{version}/integrations",
  integrationVendors: "{prefix}/rest/{version}/integrationVendors",
  integrationVendor: "{prefix}/rest/{version}/integrationVendors/{id}",
  userIntegrations: "{prefix}/rest/{version}/users/{partyNumber}/integrations",
  userIntegration: "{prefix}/rest/{version}/users/{partyNumber}/integrations/{tab}",
  userIntegrationCheck:
    "{prefix}/rest/{version}/users/{partyNumber}/integrations/{tab}/actions/check",
  userIntegrationRevoke:
    "{prefix}/rest/{version}/users/{partyNumber}/integrations/{tab}/actions/revokeToken",
  spMetadata: "{prefix}/sso/spmetadata.jsp",
};

/** Placeholders each template must contain, beyond the optional `{prefix}` and `{version}`. */
export const REQUIRED_PLACEHOLDERS: { readonly [K in CpqPathName]: readonly string[] } = {
  ssoConfiguration: [],
  users: [],
  user: ["partyNumber"],
  integrations: [],
  integrationVendors: [],
  integrationVendor: ["id"],
  userIntegrations: ["partyNumber"],
  userIntegration: ["partyNumber", "tab"],
  userIntegrationCheck: ["partyNumber", "tab"],
  userIntegrationRevoke: ["partyNumber", "tab"],
  spMetadata: [],
};
