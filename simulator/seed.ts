/**
 * The simulator's seed data: the users, partners, partner logins, credentials and SSO settings it
 * starts from (and returns to on `POST /__sim/reset`), their defaults, and how the options given
 * to `startSimulator` and a seed file combine into it. (The behaviour options, what it does where
 * Oracle is silent, are in behavior.ts.)
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { SimulatorBehavior } from "./behavior";
import { DEFAULT_BEHAVIOR, behaviorSchema, withBehavior } from "./behavior";
import { checkInitialSso } from "./validation";
import type {
  Partner,
  SsoConfiguration,
  StoredUser,
  StoredVendor,
  UserStatus,
  UserType,
  VendorProperty,
} from "./wire";
import {
  OAUTH_PROVIDER_TAB,
  OAUTH_PROVIDER_TYPE,
  USER_STATUS_NAMES,
  USER_TYPE_CODES,
} from "./wire";

/** An HTTP Basic login the simulator accepts. */
export interface BasicCredential {
  readonly username: string;
  readonly password: string;
  /** Administrators may call every CPQ endpoint; others get 403. */
  readonly admin: boolean;
}

/** A bearer token the simulator accepts (besides the ones its token endpoint issues). */
export interface BearerCredential {
  readonly token: string;
  readonly admin: boolean;
}

/** An OAuth client allowed to use the client-credentials grant of `POST /oauth2/v1/token`. */
export interface OAuthClientCredential {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Every credential the simulator accepts. */
export interface SimulatorCredentials {
  readonly basic: readonly BasicCredential[];
  readonly bearer: readonly BearerCredential[];
  /** Tokens issued to these clients act as an administrator. */
  readonly oauthClients: readonly OAuthClientCredential[];
  /** Lifetime of issued tokens; after it they answer 401. */
  readonly tokenTtlSeconds: number;
}

/** A user to seed; omitted fields get plausible values. */
export interface SimulatorUser {
  readonly partyNumber: string;
  readonly login: string;
  /** A positive integer, unique on the site. @default {@link PARTY_ID_BASE} + the user's position */
  readonly partyId?: number;
  /** @default the login */
  readonly firstName?: string;
  /** @default "" */
  readonly lastName?: string;
  /** @default `<login>@example.com` */
  readonly email?: string;
  /** The code CPQ sends as `type.value`. @default "FULL_ACCESS" */
  readonly type?: UserType;
  /** @default "Active" */
  readonly status?: UserStatus;
  /** @default false */
  readonly enabledForSso?: boolean;
  /** The ID the identity provider sends instead of the login. @default "" */
  readonly externalSsoId?: string;
}

/** A login the partner knows: what the Check action validates against. */
export interface PartnerCredential {
  readonly tab: string;
  readonly login: string;
  readonly password: string;
  /** When set, Check also needs this security token. */
  readonly securityToken?: string;
}

/**
 * The parts of the options that make the simulator's seed state, and its behaviour choices (also
 * the seed file's shape).
 */
export interface SimulatorSeed extends Partial<SimulatorBehavior> {
  /** @default {@link DEFAULT_CREDENTIALS}; each list given replaces that default list. */
  readonly credentials?: Partial<SimulatorCredentials>;
  /** @default {@link DEFAULT_USERS} */
  readonly users?: readonly SimulatorUser[];
  /** Adds n users `user00001`... with party numbers `P00001`...; at most 100000. @default 0 */
  readonly generatedUsers?: number;
  /** @default {@link DEFAULT_PARTNERS} */
  readonly integrations?: { readonly partners: readonly Partner[] };
  /** @default {@link DEFAULT_PARTNER_CREDENTIALS} */
  readonly partnerCredentials?: readonly PartnerCredential[];
  /** Initial SSO wire fields; the others are `""` and ssoMethod is `None`. */
  readonly sso?: Readonly<Record<string, string>>;
}

/** Options of {@link startSimulator}; every one is optional. */
export interface SimulatorOptions extends SimulatorSeed {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Must be a loopback address. @default "127.0.0.1" */
  readonly host?: string;
  /** Persist the state to this JSON file (atomic writes, mode 0600) and load it on start. */
  readonly stateFile?: string;
  /** A JSON file of {@link SimulatorSeed}; options given directly win over it. */
  readonly seedFile?: string;
  /** Added to every CPQ request, for benchmarks. @default 0 */
  readonly latencyMs?: number;
  /** Receives one line per request. */
  readonly log?: (line: string) => void;
}

/** The credentials the simulator accepts when none are configured. */
export const DEFAULT_CREDENTIALS: SimulatorCredentials = {
  basic: [
    { username: "cpqadmin", password: "cpqadmin-demo-password", admin: true },
    { username: "salesrep", password: "salesrep-demo-password", admin: false },
  ],
  bearer: [{ token: "demo-admin-token", admin: true }],
  oauthClients: [{ clientId: "cpq-sso-demo", clientSecret: "demo-client-secret" }],
  tokenTtlSeconds: 3600,
};

/** The users the simulator has when none are configured. */
export const DEFAULT_USERS: readonly SimulatorUser[] = [
  { partyNumber: "1001", login: "jdoe", firstName: "John", lastName: "Doe" },
  { partyNumber: "1002", login: "asmith", firstName: "Alice", lastName: "Smith" },
  {
    partyNumber: "1003",
    login: "bwayne",
    firstName: "Bruce",
    lastName: "Wayne",
    type: "SALES_USER",
  },
];

/** Default party ids count up from here in seed order; a safe integer, unlike Oracle's sample. */
export const PARTY_ID_BASE = 300000000000;

/** The partners when none are configured: an OAuth CRM, an OAuth IdP, an ERP with password logins. */
export const DEFAULT_PARTNERS: readonly Partner[] = [
  { tab: "crm", partner: "Oracle Sales", oauthEnabled: true, inbound: true, outbound: true },
  // An identity provider that signs users in (inbound only): with OAuth, its tab takes a login only.
  {
    tab: "idp",
    partner: "Oracle Identity Cloud Service",
    oauthEnabled: true,
    inbound: true,
    outbound: false,
  },
  { tab: "erp", partner: "Oracle ERP Cloud", oauthEnabled: false, inbound: false, outbound: true },
];

/** The logins the partners know when none are configured. */
export const DEFAULT_PARTNER_CREDENTIALS: readonly PartnerCredential[] = [
  { tab: "erp", login: "jdoe@erp.example.com", password: "jdoe-erp-password" },
  {
    tab: "erp",
    login: "asmith@erp.example.com",
    password: "asmith-erp-password",
    securityToken: "asmith-erp-token",
  },
];

/** Upper bound of `generatedUsers`, so a typo cannot exhaust memory. */
export const MAX_GENERATED_USERS = 100000;

/** The seed, resolved: what `POST /__sim/reset` restores. */
export interface ResolvedSeed {
  readonly behavior: SimulatorBehavior;
  readonly credentials: SimulatorCredentials;
  readonly users: readonly StoredUser[];
  readonly partners: readonly Partner[];
  /** The Integration Center's integrations the seed's partners make (one each, in seed order). */
  readonly vendors: readonly StoredVendor[];
  readonly partnerCredentials: readonly PartnerCredential[];
  readonly sso: SsoConfiguration;
}

/** The id of the first seeded integration (the id of Oracle's sample); the others count up. */
export const FIRST_VENDOR_ID = 3022910233;

/**
 * The Integration Center integration behind each seeded partner: its tab, OAuth and direction as
 * the properties the project's mapping reads (docs/cpq-api.md), and for the `idp` tab an OAuth
 * provider with two of the properties of Oracle's sample.
 */
export function vendorsOfPartners(partners: readonly Partner[]): StoredVendor[] {
  return partners.map((p, index) => {
    const oauthProvider = p.tab === OAUTH_PROVIDER_TAB;
    const properties: VendorProperty[] = [
      { name: "tab", value: p.tab },
      { name: "oAuthEnabled", value: String(p.oauthEnabled) },
      { name: "inbound", value: String(p.inbound) },
      { name: "outbound", value: String(p.outbound) },
    ];
    if (oauthProvider) {
      // The client id is stable per partner.
      const clientId = createHash("sha256").update(`${p.tab}:${p.partner}`).digest("hex");
      properties.push(
        { name: "tokenEP", value: "/oauth2/v1/token" },
        { name: "clientId", value: clientId.slice(0, 32) },
      );
    }
    return {
      id: FIRST_VENDOR_ID + index,
      integrationType: oauthProvider ? OAUTH_PROVIDER_TYPE : p.tab,
      vendorName: p.partner,
      loginEndpoint: `https://${p.tab}.example.com`,
      cert: "",
      certName: "",
      properties,
    };
  });
}

/** The shape of a {@link SimulatorUser}, in a seed file and in `POST /__sim/users`. */
export const simulatorUserSchema = z.strictObject({
  partyNumber: z.string().min(1),
  login: z.string().min(1),
  partyId: z.number().int().positive().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  type: z.enum(USER_TYPE_CODES).optional(),
  status: z.enum(USER_STATUS_NAMES).optional(),
  enabledForSso: z.boolean().optional(),
  externalSsoId: z.string().optional(),
});

const seedSchema = z.strictObject({
  ...behaviorSchema.shape,
  credentials: z
    .strictObject({
      basic: z
        .array(z.strictObject({ username: z.string(), password: z.string(), admin: z.boolean() }))
        .optional(),
      bearer: z.array(z.strictObject({ token: z.string(), admin: z.boolean() })).optional(),
      oauthClients: z
        .array(z.strictObject({ clientId: z.string(), clientSecret: z.string() }))
        .optional(),
      tokenTtlSeconds: z.number().positive().optional(),
    })
    .optional(),
  users: z.array(simulatorUserSchema).optional(),
  generatedUsers: z.number().int().min(0).max(MAX_GENERATED_USERS).optional(),
  integrations: z
    .strictObject({
      partners: z.array(
        z.strictObject({
          tab: z.string().regex(/^[A-Za-z0-9_-]+$/),
          partner: z.string(),
          oauthEnabled: z.boolean(),
          inbound: z.boolean(),
          outbound: z.boolean(),
        }),
      ),
    })
    .optional(),
  partnerCredentials: z
    .array(
      z.strictObject({
        tab: z.string(),
        login: z.string(),
        password: z.string(),
        securityToken: z.string().optional(),
      }),
    )
    .optional(),
  sso: z.record(z.string(), z.string()).optional(),
});

function parseSeed(value: unknown, where: string): SimulatorSeed {
  const r = seedSchema.safeParse(value);
  if (!r.success) {
    throw new Error(`${where} is not a valid simulator seed:\n${z.prettifyError(r.error)}`);
  }
  return r.data as SimulatorSeed;
}

function readSeedFile(file: string): SimulatorSeed {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`Cannot read the seed file ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`The seed file ${file} is not JSON: ${(e as Error).message}`);
  }
  return parseSeed(json, `The seed file ${file}`);
}

/**
 * A seed user with its defaults filled in; `position` (1-based, in seed order, then in the order
 * users were added) gives the default `partyId`.
 */
export function toStoredUser(u: SimulatorUser, position: number): StoredUser {
  return {
    partyNumber: u.partyNumber,
    partyId: u.partyId ?? PARTY_ID_BASE + position,
    login: u.login,
    firstName: u.firstName ?? u.login,
    lastName: u.lastName ?? "",
    email: u.email ?? `${u.login}@example.com`,
    type: u.type ?? "FULL_ACCESS",
    status: u.status ?? "Active",
    enabledForSso: u.enabledForSso ?? false,
    externalSsoId: u.externalSsoId ?? "",
  };
}

function generatedUsers(n: number): SimulatorUser[] {
  const width = Math.max(5, String(n).length);
  const out: SimulatorUser[] = [];
  for (let i = 1; i <= n; i++) {
    const num = String(i).padStart(width, "0");
    out.push({ partyNumber: `P${num}`, login: `user${num}`, firstName: "User", lastName: num });
  }
  return out;
}

/**
 * Combines the seed file and the options (options win, key by key) and checks the result:
 * a bad seed fails at start with a message naming the problem, not at the first request.
 */
export function resolveSeed(options: SimulatorOptions): ResolvedSeed {
  const own = parseSeed(
    {
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
      ...(options.users !== undefined ? { users: options.users } : {}),
      ...(options.generatedUsers !== undefined ? { generatedUsers: options.generatedUsers } : {}),
      ...(options.integrations !== undefined ? { integrations: options.integrations } : {}),
      ...(options.partnerCredentials !== undefined
        ? { partnerCredentials: options.partnerCredentials }
        : {}),
      ...(options.sso !== undefined ? { sso: options.sso } : {}),
      ...(options.unknownExpand !== undefined ? { unknownExpand: options.unknownExpand } : {}),
      ...(options.batchedIntegrations !== undefined
        ? { batchedIntegrations: options.batchedIntegrations }
        : {}),
      ...(options.ssoPost !== undefined ? { ssoPost: options.ssoPost } : {}),
      ...(options.ssoGetReturnsPasswords !== undefined
        ? { ssoGetReturnsPasswords: options.ssoGetReturnsPasswords }
        : {}),
      ...(options.vendorPatchProperties !== undefined
        ? { vendorPatchProperties: options.vendorPatchProperties }
        : {}),
    },
    "The simulator options",
  );
  const file = options.seedFile !== undefined ? readSeedFile(options.seedFile) : {};
  const pick = <K extends keyof SimulatorSeed>(k: K): SimulatorSeed[K] => own[k] ?? file[k];

  const creds = { ...file.credentials, ...own.credentials };
  const credentials: SimulatorCredentials = {
    basic: creds.basic ?? DEFAULT_CREDENTIALS.basic,
    bearer: creds.bearer ?? DEFAULT_CREDENTIALS.bearer,
    oauthClients: creds.oauthClients ?? DEFAULT_CREDENTIALS.oauthClients,
    tokenTtlSeconds: creds.tokenTtlSeconds ?? DEFAULT_CREDENTIALS.tokenTtlSeconds,
  };

  const users = [
    ...(pick("users") ?? DEFAULT_USERS),
    ...generatedUsers(pick("generatedUsers") ?? 0),
  ].map((u, i) => toStoredUser(u, i + 1));
  const parties = new Set<string>();
  const ids = new Set<number>();
  for (const u of users) {
    if (parties.has(u.partyNumber)) {
      throw new Error(`The simulator seed has two users with partyNumber ${u.partyNumber}.`);
    }
    if (ids.has(u.partyId)) {
      throw new Error(`The simulator seed has two users with partyId ${u.partyId}.`);
    }
    parties.add(u.partyNumber);
    ids.add(u.partyId);
  }

  const partners = pick("integrations")?.partners ?? DEFAULT_PARTNERS;
  const tabs = new Set<string>();
  for (const p of partners) {
    if (tabs.has(p.tab)) throw new Error(`The simulator seed has two partners on tab ${p.tab}.`);
    tabs.add(p.tab);
  }

  const sso = checkInitialSso({ ssoMethod: "None", ...pick("sso") });
  // Key by key, as the rest of the seed: an option given wins over the seed file's choice.
  const behavior = withBehavior(withBehavior(DEFAULT_BEHAVIOR, file), own);
  return {
    behavior,
    credentials,
    users,
    partners,
    vendors: vendorsOfPartners(partners),
    partnerCredentials: pick("partnerCredentials") ?? DEFAULT_PARTNER_CREDENTIALS,
    sso,
  };
}
