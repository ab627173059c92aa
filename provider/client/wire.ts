/**
 * CPQ's wire shapes, as zod schemas: what crosses the network, exactly as CPQ spells it
 * (`"true"`/`"false"` strings included). Responses are parsed with loose objects so that a field
 * CPQ adds later does not break the provider; a missing or mistyped field the provider relies on
 * does. Friendly types belong to the resources, not here.
 */
import { z } from "zod";
import type { CodedWire } from "./coded";

/** The 15 fields of `POST /rest/v19/ssoConfiguration`, in Oracle's order. */
export const SSO_WIRE_FIELDS = [
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

/** One of the 15 SSO wire field names. */
export type SsoWireField = (typeof SSO_WIRE_FIELDS)[number];

/** SSO fields CPQ accepts but never returns (write-only). */
export const SSO_WRITE_ONLY_FIELDS = ["samlStorePass", "samlKeyPass"] as const;

/** SSO fields that hold a secret: never logged, never in an error message. */
export const SSO_SECRET_FIELDS = ["samlRequestKeyStore", "samlStorePass", "samlKeyPass"] as const;

/** User-integration request fields that hold a secret (write-only). */
export const INTEGRATION_SECRET_FIELDS = ["password", "securityToken"] as const;

/** Every request-body field name, across endpoints, whose value is a secret. */
export const SECRET_WIRE_FIELDS: readonly string[] = [
  ...SSO_SECRET_FIELDS,
  ...INTEGRATION_SECRET_FIELDS,
];

/** SSO fields `GET /rest/v19/ssoConfiguration` returns. */
export const SSO_READABLE_FIELDS = SSO_WIRE_FIELDS.filter(
  (f): f is Exclude<SsoWireField, (typeof SSO_WRITE_ONLY_FIELDS)[number]> =>
    !(SSO_WRITE_ONLY_FIELDS as readonly string[]).includes(f),
);

const optionalString = z.string().optional();

/**
 * `GET /rest/v19/ssoConfiguration`: strings. `ssoMethod` must be there: without it an answer
 * cannot be told from "every setting cleared", and planning against it would be planning
 * against nothing. The others are optional because a site that never set one may leave it out
 * rather than answer `""`; a field that is present must be a string. Anything else (a password
 * an older version echoes, say) passes the parse and is dropped by the client.
 */
export const SsoConfigurationWireSchema = z.looseObject({
  ...Object.fromEntries(SSO_READABLE_FIELDS.map((f) => [f, optionalString])),
  ssoMethod: z.string(),
});

/** The SSO settings as CPQ returns them: strings, without the two passwords. */
export type SsoConfigurationWire = {
  -readonly [K in (typeof SSO_READABLE_FIELDS)[number]]?: string;
};

/** Body of `POST /rest/v19/ssoConfiguration`. */
export type SsoConfigurationPostWire = { [K in SsoWireField]?: string };

/**
 * Answer of `POST /rest/v19/ssoConfiguration`. Oracle documents `restartRequired` as the string
 * `"true"`/`"false"`; a boolean is accepted too, since reading it wrong would hide a needed restart.
 */
export const SsoConfigurationPostResultWireSchema = z.looseObject({
  restartRequired: z.union([z.enum(["true", "false"]), z.boolean()]),
  statusCode: z.union([z.string(), z.number()]),
});
export type SsoConfigurationPostResultWire = z.infer<typeof SsoConfigurationPostResultWireSchema>;

/** A user's login on one User Integration tab, as CPQ returns it (secrets never returned). */
export const UserIntegrationWireSchema = z.looseObject({
  tab: z.string(),
  login: z.string(),
  authType: z.enum(["oauth", "password"]),
  tokenPresent: z.boolean(),
});
export type UserIntegrationWire = z.infer<typeof UserIntegrationWireSchema>;

/** Body of PUT `.../integrations/{tab}` and of the Check action. */
export interface UserIntegrationPutWire {
  login: string;
  authType: "oauth" | "password";
  password?: string;
  securityToken?: string;
}

/** `GET /rest/v19/users/{partyNumber}/integrations`. */
export const UserIntegrationsWireSchema = z.looseObject({
  items: z.array(UserIntegrationWireSchema),
});
export type UserIntegrationsWire = z.infer<typeof UserIntegrationsWireSchema>;

/** Answer of the Check action: whether the partner accepted the login/password. */
export const UserIntegrationCheckWireSchema = z.looseObject({
  valid: z.boolean(),
  message: z.string().optional(),
});
export type UserIntegrationCheckWire = z.infer<typeof UserIntegrationCheckWireSchema>;

/**
 * A coded value of a CPQ user record. Oracle types `type`, `status`, `enabledForSso`, `currency`
 * and `dateFormat` as objects and prints them as `{"value": ..., "displayValue": ...}` (Users and
 * Integration Users references); a bare string, number or boolean is accepted as well, as older
 * answers and other versions may carry them.
 */
const CodedWireSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.looseObject({
    value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    displayValue: z.string().nullish(),
  }),
]) satisfies z.ZodType<CodedWire>;

const text = z.string().nullish();

/**
 * A CPQ user, as the users list and `GET /users/{partyNumber}` return it (Oracle's "Get All
 * Users" and "Get a User" references). Only `partyNumber` and `login` are required: the provider
 * cannot name a user without them. Every other field is optional, nullable and loosely typed,
 * and fields the provider does not use are kept but never looked at.
 */
export const UserWireSchema = z.looseObject({
  partyNumber: z.string().min(1),
  login: z.string(),
  firstName: text,
  lastName: text,
  /** Oracle's name for the address. */
  email: text,
  /** The name this project first assumed; still read when `email` is absent. */
  emailAddress: text,
  type: CodedWireSchema.nullish(),
  status: CodedWireSchema.nullish(),
  enabledForSso: CodedWireSchema.nullish(),
  currency: CodedWireSchema.nullish(),
  dateFormat: CodedWireSchema.nullish(),
  /** Present with `expand=integrations`, this project's assumed batch extension. */
  integrations: z.looseObject({ items: z.array(UserIntegrationWireSchema) }).optional(),
});
export type UserWire = z.infer<typeof UserWireSchema>;

/**
 * One page of `GET /rest/v19/users`. Oracle's reference prints no paging fields for this
 * collection; `hasMore` is read when present, and its absence means "ask for the next page until
 * one comes back empty" (never "stop after a short page": a site may cap `limit` below what was
 * asked for).
 */
export const UsersPageWireSchema = z.looseObject({
  items: z.array(UserWireSchema),
  hasMore: z.boolean().optional(),
  limit: z.number().optional(),
  offset: z.number().optional(),
  count: z.number().optional(),
  totalResults: z.number().optional(),
});
export type UsersPage = z.infer<typeof UsersPageWireSchema>;

/** Body of `PATCH /rest/v19/users/{partyNumber}`: only the fields being changed. */
export type UserPatchWire = Record<string, unknown>;

/**
 * One integration of `GET /rest/v19/integrationVendors` (Oracle's "Get List of Integrations"):
 * `integrationType` (e.g. `oAuthProvider`), `vendorName`, and `properties.items` of name/value
 * strings.
 */
export const IntegrationVendorWireSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  integrationType: z.string(),
  vendorName: z.string().nullish(),
  loginEndpoint: z.string().nullish(),
  cert: z.string().nullish(),
  certName: z.string().nullish(),
  properties: z
    .looseObject({
      items: z.array(z.looseObject({ name: z.string(), value: z.unknown().optional() })),
    })
    .nullish(),
});
export type IntegrationVendorWire = z.infer<typeof IntegrationVendorWireSchema>;

/** One property of an integration as a request sends it: name and string value. */
export interface IntegrationVendorPropertyWire {
  readonly name: string;
  readonly value: string;
}

/**
 * Body of `POST /rest/v19/integrationVendors` and `PATCH .../{id}` (Oracle's
 * "integrationVendor-request"): every field optional in a PATCH.
 */
export interface IntegrationVendorRequestWire {
  integrationType?: string;
  vendorName?: string;
  loginEndpoint?: string;
  cert?: string;
  certName?: string;
  properties?: { items: IntegrationVendorPropertyWire[] };
}

/** `GET /rest/v19/integrationVendors`. */
export const IntegrationVendorsWireSchema = z.looseObject({
  items: z.array(IntegrationVendorWireSchema),
});

/** One partner of `GET /rest/v19/integrations`. */
export const IntegrationPartnerWireSchema = z.looseObject({
  tab: z.string(),
  partner: z.string(),
  oauthEnabled: z.boolean(),
  inbound: z.boolean(),
  outbound: z.boolean(),
});
export type IntegrationPartnerWire = z.infer<typeof IntegrationPartnerWireSchema>;

/** `GET /rest/v19/integrations`: the partners the site is integrated with. */
export const IntegrationsWireSchema = z.looseObject({
  oauthEnabled: z.boolean(),
  items: z.array(IntegrationPartnerWireSchema),
});
export type IntegrationsWire = z.infer<typeof IntegrationsWireSchema>;

/** Oracle's REST error shape; every field optional because proxies answer errors too. */
export const CpqErrorBodyWireSchema = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.union([z.number(), z.string()]).optional(),
  detail: z.string().optional(),
  "o:errorCode": z.string().optional(),
  "o:errorDetails": z
    .array(z.looseObject({ detail: z.string().optional(), "o:errorPath": z.string().optional() }))
    .optional(),
  // OAuth token endpoints answer RFC 6749 errors instead.
  error: z.string().optional(),
  error_description: z.string().optional(),
});

/** Answer of the OAuth token endpoint (RFC 6749 client credentials). */
export const OAuthTokenWireSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
});
