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

/** Accepted by POST, not returned by GET (unless the `ssoGetReturnsPasswords` behaviour asks). */
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

/** The configuration of a site that never set up SSO: what `ssoPost: "replace"` resets to. */
export function blankSso(): SsoConfiguration {
  return { ...emptySso(), ssoMethod: "None" };
}

/** Whether `name` is one of the 15 SSO fields. */
export function isSsoField(name: string): name is SsoField {
  return (SSO_FIELDS as readonly string[]).includes(name);
}

/**
 * A coded field as CPQ prints it: the code and its label. Oracle's integrationUsers sample shows
 * `type` so, its groups sample `status`; the users page only says these fields are objects.
 */
export interface Coded<V> {
  readonly value: V;
  readonly displayValue: string;
}

/** A link of a CPQ item or collection. */
export interface Link {
  readonly rel: string;
  readonly href: string;
}

/** User types: the code CPQ sends as `type.value`, and its `displayValue`. */
export const USER_TYPES = {
  FULL_ACCESS: "FullAccess",
  SALES_USER: "SalesUser",
  PARTNER_USER: "PartnerUser",
} as const;
/** One CPQ user type code. */
export type UserType = keyof typeof USER_TYPES;
/** The user type codes, for validation. */
export const USER_TYPE_CODES = Object.keys(USER_TYPES) as [UserType, ...UserType[]];

/** User statuses, by the name a seed uses, with the code CPQ sends as `status.value`. */
export const USER_STATUSES = { Active: 1, Inactive: 0 } as const;
/** One CPQ user status. */
export type UserStatus = keyof typeof USER_STATUSES;
/** The user status names, for validation. */
export const USER_STATUS_NAMES = Object.keys(USER_STATUSES) as [UserStatus, ...UserStatus[]];

/** A user as the simulator keeps it (the friendly model; {@link userItem} makes the wire form). */
export interface StoredUser {
  readonly partyNumber: string;
  readonly partyId: number;
  readonly login: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly type: UserType;
  readonly status: UserStatus;
  readonly enabledForSso: boolean;
  readonly externalSsoId: string;
}

/** The fields of a user that `PATCH /rest/{v}/users/{partyNumber}` changes. */
export type UserEdits = Pick<
  StoredUser,
  "firstName" | "lastName" | "email" | "enabledForSso" | "externalSsoId"
>;

/** The names of {@link UserEdits}, in the order the state file lists them. */
export const USER_EDIT_FIELDS = [
  "firstName",
  "lastName",
  "email",
  "enabledForSso",
  "externalSsoId",
] as const satisfies readonly (keyof UserEdits)[];

/** A user item of `GET /rest/v19/users` and `GET /rest/v19/users/{partyNumber}`. */
export interface UserItem {
  readonly partyNumber: string;
  /** A JSON number, as Oracle prints it (its sample has 18 digits, past a float64's precision). */
  readonly partyId: number;
  readonly login: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly type: Coded<UserType>;
  readonly status: Coded<number>;
  /** Oracle types it "object" without printing its inside; value/displayValue is assumed. */
  readonly enabledForSso: Coded<boolean>;
  /** `""` when unset; assumed returned by GET since PATCH documents it. */
  readonly externalSsoId: string;
  readonly currency: Coded<string>;
  readonly dateFormat: Coded<number>;
  readonly links: readonly Link[];
}

// Every simulated user has the same preferences: the values of Oracle's samples.
const CURRENCY: Coded<string> = { value: "USD", displayValue: "USD" };
const DATE_FORMAT: Coded<number> = { value: 0, displayValue: "MM/dd/yyyy h:mm a" };

/** The wire form of a user; `base` is the version root, e.g. `http://host/rest/v19`. */
export function userItem(u: StoredUser, base: string): UserItem {
  return {
    partyNumber: u.partyNumber,
    partyId: u.partyId,
    login: u.login,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    type: { value: u.type, displayValue: USER_TYPES[u.type] },
    status: { value: USER_STATUSES[u.status], displayValue: u.status },
    enabledForSso: { value: u.enabledForSso, displayValue: u.enabledForSso ? "Yes" : "No" },
    externalSsoId: u.externalSsoId,
    currency: CURRENCY,
    dateFormat: DATE_FORMAT,
    links: [{ rel: "self", href: `${base}/users/${encodeURIComponent(u.partyNumber)}` }],
  };
}

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

/** One property of an Integration Center integration; Oracle prints every value as a string. */
export interface VendorProperty {
  readonly name: string;
  readonly value: string;
}

/**
 * An integration of the Integration Center as the simulator stores it (Oracle's
 * "integrationVendor": `cert`, `certName`, `integrationType`, `loginEndpoint`, `properties`,
 * `vendorName`, and the integer `id`).
 */
export interface StoredVendor {
  readonly id: number;
  readonly integrationType: string;
  readonly vendorName: string;
  readonly loginEndpoint: string;
  readonly cert: string;
  readonly certName: string;
  readonly properties: readonly VendorProperty[];
}

/** The integration type Oracle documents: the site's OAuth provider. */
export const OAUTH_PROVIDER_TYPE = "oAuthProvider";

/** The tab of the User Integration page an OAuth provider's logins go on. */
export const OAUTH_PROVIDER_TAB = "idp";

function vendorProperty(v: StoredVendor, name: string): string | undefined {
  return v.properties.find((p) => p.name === name)?.value;
}

/**
 * The User Integration tab an integration serves. Oracle does not say how an integration becomes
 * a tab; this is the project's reading (docs/cpq-api.md), written here again on purpose rather
 * than shared with the provider: the property `tab`, else `idp` for an OAuth provider, else the
 * integration type in lower case; OAuth is the property `oAuthEnabled`, else whether it is an
 * OAuth provider; the direction is the properties `inbound` and `outbound`.
 */
export function partnerOfVendor(v: StoredVendor): Partner {
  const oauthProvider = v.integrationType === OAUTH_PROVIDER_TYPE;
  const tab =
    vendorProperty(v, "tab") ||
    (oauthProvider ? OAUTH_PROVIDER_TAB : v.integrationType.toLowerCase());
  const oauth = vendorProperty(v, "oAuthEnabled");
  const isTrue = (s: string | undefined): boolean => s?.trim().toLowerCase() === "true";
  return {
    tab,
    partner: v.vendorName || v.integrationType,
    oauthEnabled: oauth === undefined ? oauthProvider : isTrue(oauth),
    inbound: isTrue(vendorProperty(v, "inbound")),
    outbound: isTrue(vendorProperty(v, "outbound")),
  };
}

/** The partners (User Integration tabs) of the integrations held: one per tab, the first wins. */
export function partnersOfVendors(vendors: readonly StoredVendor[]): Partner[] {
  const byTab = new Map<string, Partner>();
  for (const v of vendors) {
    const p = partnerOfVendor(v);
    if (!byTab.has(p.tab)) byTab.set(p.tab, p);
  }
  return [...byTab.values()];
}
