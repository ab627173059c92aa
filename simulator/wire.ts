/**
 * The CPQ wire vocabulary the simulator speaks, written out here (not imported from `provider/`)
 * so that the simulator and the provider cannot share a misreading of docs/cpq-api.md.
 */

/** The 15 fields of `POST /rest/v19/ssoConfiguration`, in Oracle's order. */
export const SSO_FIELDS = [
  "ssoMethod",
  "samlIdpUrl",
  "samlIssuerUrl",
  "idProviderCertificate",
  "samlNeedRequestSigned",
  "samlRequestKeyStore",
  "samlStorePass",
  "samlKeyPass",
  "requestedNameIdentifierFormat",
  "samlLogoutUrl",
  "samlSingleLogoutEndpoint",
  "samlSingleLogoutResponseEndpoint",
  "samlUserIdType",
  "samlUserIdLocation",
  "samlAttributeName",
] as const;

/** One SSO wire field name. */
export type SsoField = (typeof SSO_FIELDS)[number];

/** The SSO configuration as stored: every field present, `""` when never set. */
export type SsoConfiguration = Record<SsoField, string>;

/** Accepted by POST, never returned by GET. */
export const SSO_WRITE_ONLY_FIELDS: readonly SsoField[] = ["samlStorePass", "samlKeyPass"];

/** A change of any of these makes CPQ ask for a server restart (docs/cpq-api.md, "Restart"). */
export const SSO_RESTART_FIELDS: readonly SsoField[] = [
  "ssoMethod",
  "idProviderCertificate",
  "samlRequestKeyStore",
  "samlStorePass",
  "samlKeyPass",
  "samlNeedRequestSigned",
];

/** Allowed values, spelled exactly as Oracle's reference lists them. */
export const SSO_ENUMS: Readonly<Partial<Record<SsoField, readonly string[]>>> = {
  ssoMethod: ["None", "Federated Authentication", "Remote Webservices", "Federated and Remote"],
  samlUserIdType: ["assertionTypeUsername", "assertionTypeExternal"],
  samlUserIdLocation: ["idLocationSubject", "idLocationAttribute"],
  samlNeedRequestSigned: ["true", "false"],
};

/** SSO methods that use the SAML identity provider. */
export const FEDERATED_METHODS: readonly string[] = [
  "Federated Authentication",
  "Federated and Remote",
];

/**
 * Every field name, in any body the simulator receives, whose value is a secret: masked in the
 * request log and shown only as a hash in `/__sim/state`.
 */
export const SECRET_FIELD_NAMES: readonly string[] = [
  "samlStorePass",
  "samlKeyPass",
  "samlRequestKeyStore",
  "password",
  "securityToken",
  "client_secret",
];

/** An SSO configuration with every field `""`. */
export function emptySso(): SsoConfiguration {
  const out = {} as SsoConfiguration;
  for (const f of SSO_FIELDS) out[f] = "";
  return out;
}

/** Whether `name` is one of the 15 SSO fields. */
export function isSsoField(name: string): name is SsoField {
  return (SSO_FIELDS as readonly string[]).includes(name);
}

/** A user item of `GET /rest/v19/users`. */
export interface UserItem {
  readonly partyNumber: string;
  readonly login: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly emailAddress: string;
  readonly type: UserType;
  readonly status: UserStatus;
}

/** User types CPQ reports. */
export const USER_TYPES = ["FullAccessUser", "SalesUser", "PartnerUser"] as const;
/** One CPQ user type. */
export type UserType = (typeof USER_TYPES)[number];
/** User statuses CPQ reports. */
export const USER_STATUSES = ["Active", "Inactive"] as const;
/** One CPQ user status. */
export type UserStatus = (typeof USER_STATUSES)[number];

/** How a user's login on a partner tab authenticates. */
export type AuthType = "oauth" | "password";

/** A partner the site is integrated with (one tab of the User Integration page). */
export interface Partner {
  readonly tab: string;
  readonly partner: string;
  readonly oauthEnabled: boolean;
  readonly inbound: boolean;
  readonly outbound: boolean;
}

/** A stored login on one tab, secrets included (never sent as is). */
export interface StoredIntegration {
  readonly login: string;
  readonly authType: AuthType;
  readonly password: string;
  readonly securityToken: string;
  readonly tokenPresent: boolean;
}

/** The integration as the API returns it: secrets left out. */
export interface IntegrationItem {
  readonly tab: string;
  readonly login: string;
  readonly authType: AuthType;
  readonly tokenPresent: boolean;
}

/** The wire form of a stored integration. */
export function integrationItem(tab: string, s: StoredIntegration): IntegrationItem {
  return { tab, login: s.login, authType: s.authType, tokenPresent: s.tokenPresent };
}
