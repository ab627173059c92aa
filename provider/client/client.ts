/**
 * The CPQ REST client: one method per endpoint of docs/cpq-api.md, each returning the parsed wire
 * model. Which requests are safe to repeat is decided here, per endpoint, because only the
 * endpoint knows whether sending it twice changes the outcome.
 */
import type { AuthProvider } from "./auth";
import { createAuthProvider } from "./auth";
import { CpqConfigError, CpqContractError, CpqHttpError } from "./errors";
import type { CpqError } from "./errors";
import type { CpqClientOptions, CpqPathName, ResolvedOptions } from "./options";
import { expandPath, resolveOptions } from "./options";
import { Redactor } from "./redact";
import { errorBody, parseBody } from "./responses";
import { Transport } from "./transport";
import type { RawResponse } from "./transport";
import { partnersOfVendors } from "./partners";
import {
  IntegrationVendorWireSchema,
  IntegrationVendorsWireSchema,
  IntegrationsWireSchema,
  SECRET_WIRE_FIELDS,
  SSO_READABLE_FIELDS,
  SsoConfigurationPostResultWireSchema,
  SsoConfigurationWireSchema,
  UserIntegrationCheckWireSchema,
  UserIntegrationWireSchema,
  UserIntegrationsWireSchema,
  UserWireSchema,
  UsersPageWireSchema,
} from "./wire";
import type {
  IntegrationPartnerWire,
  IntegrationVendorRequestWire,
  IntegrationVendorWire,
  IntegrationsWire,
  UserPatchWire,
  SsoConfigurationPostWire,
  SsoConfigurationWire,
  UserIntegrationCheckWire,
  UserIntegrationPutWire,
  UserIntegrationWire,
  UserWire,
  UsersPage,
} from "./wire";

/** Query of {@link CpqClient.listUsers}. */
export interface ListUsersQuery {
  /** CPQ's `q` filter, e.g. `{"login":"jdoe"}` (see {@link loginQuery}). */
  readonly q?: string;
  /** Page size, 1 to 1000 (Oracle: the default and the cap are 1000). */
  readonly limit?: number;
  readonly offset?: number;
  /** `"integrations"` brings each user's User Integration tabs along. */
  readonly expand?: "integrations";
}

/** Query of {@link CpqClient.listAllUsers}. */
export interface ListAllUsersQuery {
  readonly q?: string;
  readonly expand?: "integrations";
  /** Users per request, 1 to 1000. @default 500 */
  readonly pageSize?: number;
  /** Stop with an error beyond this many users, so a misbehaving server cannot loop forever. @default 100000 */
  readonly maxUsers?: number;
}

/** Answer of {@link CpqClient.postSsoConfiguration}, with `restartRequired` read as a boolean. */
export interface SsoConfigurationPostResult {
  readonly restartRequired: boolean;
  readonly statusCode: string;
  /**
   * The POST was sent again after an attempt whose answer was lost: CPQ may have applied the
   * change then, and `restartRequired` answers only the repeat (usually "no change: false").
   */
  readonly repeatedAfterLostAnswer: boolean;
}

/** A client of one CPQ site. Methods throw {@link CpqError}s only. */
export interface CpqClient {
  /** `GET ssoConfiguration`: the settings as strings, without the two passwords. */
  getSsoConfiguration(): Promise<SsoConfigurationWire>;
  /** `POST ssoConfiguration`: merges the given fields (`""` clears one). */
  postSsoConfiguration(body: SsoConfigurationPostWire): Promise<SsoConfigurationPostResult>;
  /** One page of `GET users`. */
  listUsers(query?: ListUsersQuery): Promise<UsersPage>;
  /**
   * Every user matching `q`, page after page: until `hasMore` is false, or, on a site whose
   * answer has no `hasMore`, until a page comes back empty.
   */
  listAllUsers(query?: ListAllUsersQuery): Promise<UserWire[]>;
  /** `GET users/{partyNumber}`; a 404 is a {@link CpqHttpError}. */
  getUser(partyNumber: string): Promise<UserWire>;
  /** The users whose login is `login` (case-insensitive; usually zero or one). */
  findUsersByLogin(
    login: string,
    options?: { readonly expand?: "integrations" },
  ): Promise<UserWire[]>;
  /** `GET integrations` (this project's first, invented endpoint): the site's partners. */
  getIntegrations(): Promise<IntegrationsWire>;
  /** `GET integrationVendors` (documented): the Integration Center's OAuth and CRM integrations. */
  getIntegrationVendors(): Promise<IntegrationVendorWire[]>;
  /**
   * `GET integrationVendors?q=...` (documented; Oracle's filter criteria are `integrationType`
   * and `vendorName`): the integrations matching every field given.
   */
  findIntegrationVendors(filter: {
    readonly integrationType?: string;
    readonly vendorName?: string;
  }): Promise<IntegrationVendorWire[]>;
  /** `GET integrationVendors/{id}` (documented); null for an id CPQ does not know (404). */
  getIntegrationVendor(id: string): Promise<IntegrationVendorWire | null>;
  /** `POST integrationVendors` (documented): creates an integration and answers it. */
  createIntegrationVendor(body: IntegrationVendorRequestWire): Promise<IntegrationVendorWire>;
  /** `PATCH integrationVendors/{id}` (documented): updates the fields sent. */
  patchIntegrationVendor(
    id: string,
    body: IntegrationVendorRequestWire,
  ): Promise<IntegrationVendorWire>;
  /** `DELETE integrationVendors/{id}` (documented); an id already gone succeeds. */
  deleteIntegrationVendor(id: string): Promise<void>;
  /**
   * The partners the site is integrated with, one per User Integration tab: from
   * `integrationVendors` (the default) or `integrations`, as the `partnersSource` option says.
   */
  getPartners(): Promise<IntegrationPartnerWire[]>;
  /** `PATCH users/{partyNumber}` (documented): changes the given fields only. */
  patchUser(partyNumber: string, body: UserPatchWire): Promise<UserWire>;
  /** `GET users/{partyNumber}/integrations`: the tabs that hold a login. */
  listUserIntegrations(partyNumber: string): Promise<UserIntegrationWire[]>;
  /** `GET users/{partyNumber}/integrations/{tab}`; null when the tab holds no login (404). */
  getUserIntegration(partyNumber: string, tab: string): Promise<UserIntegrationWire | null>;
  /** `PUT ...`: the Save button (saves, does not validate). */
  putUserIntegration(
    partyNumber: string,
    tab: string,
    body: UserIntegrationPutWire,
  ): Promise<UserIntegrationWire>;
  /** `DELETE ...`: clears the login, its secrets and token. Deleting an absent login succeeds. */
  deleteUserIntegration(partyNumber: string, tab: string): Promise<void>;
  /** The Check button: validates the login/password with the partner, saves nothing. */
  checkUserIntegration(
    partyNumber: string,
    tab: string,
    body: UserIntegrationPutWire,
  ): Promise<UserIntegrationCheckWire>;
  /** Revokes the stored OAuth token; answers the integration (`tokenPresent: false`). */
  revokeUserIntegrationToken(partyNumber: string, tab: string): Promise<UserIntegrationWire>;
  /**
   * `GET /sso/spmetadata.jsp`: the site's SAML service provider metadata, as text (XML; parsing
   * is the caller's). An answer longer than `maxBytes` is refused unread.
   */
  getSpMetadata(options: { readonly maxBytes: number }): Promise<string>;
  /** Closes the connections; the client cannot be used afterwards. */
  close(): Promise<void>;
}

/** The `q` filter for one login, or any of several (`$in`). */
export function loginQuery(login: string | readonly string[]): string {
  return JSON.stringify(typeof login === "string" ? { login } : { login: { $in: [...login] } });
}

/**
 * Creates a client. Validates the options at once (throws {@link CpqConfigError}); opens no
 * connection until the first request.
 */
export function createCpqClient(options: CpqClientOptions): CpqClient {
  return new HttpCpqClient(resolveOptions(options));
}

interface Call {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: CpqPathName;
  readonly params?: {
    readonly partyNumber?: string;
    readonly tab?: string;
    readonly id?: string;
  };
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: object;
  readonly safeToRepeat: boolean;
  /** Statuses returned to the caller instead of thrown. */
  readonly accept?: readonly number[];
  /** The `Accept` header, for an answer that is not JSON. @default "application/json" */
  readonly acceptType?: string;
  readonly maxBodyBytes?: number;
}

const MAX_PAGE = 1000;

class HttpCpqClient implements CpqClient {
  private readonly transport: Transport;
  private readonly redactor: Redactor;
  private readonly auth: AuthProvider;
  /**
   * Set by the first 401 CPQ answered (after a fresh token, where there is one): credentials CPQ
   * refused do not heal within a run, and each further try could count against the account's
   * lockout. Later calls fail at once with a one-line error pointing at the first. One client
   * lives in one provider process (Terraform starts a process per provider configuration and
   * command), so this is "once per run" for a plan or an apply.
   */
  private refused = false;

  constructor(private readonly opts: ResolvedOptions) {
    this.transport = new Transport(opts);
    const a = opts.auth;
    this.redactor = new Redactor(
      a.kind === "basic" ? [a.password] : a.kind === "bearer" ? [a.token] : [a.clientSecret],
    );
    this.auth = createAuthProvider(
      a,
      opts.tokenUrl,
      (x) => this.transport.exchange(x),
      this.redactor,
      opts.logger,
    );
  }

  async getSsoConfiguration(): Promise<SsoConfigurationWire> {
    const { res, endpoint } = await this.call({
      method: "GET",
      path: "ssoConfiguration",
      safeToRepeat: true,
    });
    const parsed = parseBody(SsoConfigurationWireSchema, res, endpoint);
    // Only the known readable fields are kept: should a site ever echo a password, it must not
    // travel on into Terraform state.
    const out: SsoConfigurationWire = { ssoMethod: parsed.ssoMethod };
    for (const f of SSO_READABLE_FIELDS) {
      const v = parsed[f];
      if (typeof v === "string") out[f] = v;
    }
    return out;
  }

  async postSsoConfiguration(body: SsoConfigurationPostWire): Promise<SsoConfigurationPostResult> {
    const { res, endpoint } = await this.call({
      method: "POST",
      path: "ssoConfiguration",
      body,
      // CPQ merges the fields sent: the same body twice leaves the same settings.
      safeToRepeat: true,
    });
    const parsed = parseBody(SsoConfigurationPostResultWireSchema, res, endpoint);
    return {
      restartRequired: parsed.restartRequired === true || parsed.restartRequired === "true",
      statusCode: String(parsed.statusCode),
      repeatedAfterLostAnswer: res.afterUnclearAttempt === true,
    };
  }

  async listUsers(query: ListUsersQuery = {}): Promise<UsersPage> {
    if (
      query.limit !== undefined &&
      !(Number.isInteger(query.limit) && query.limit >= 1 && query.limit <= MAX_PAGE)
    ) {
      throw new CpqConfigError("limit", `must be an integer from 1 to ${MAX_PAGE}.`);
    }
    if (query.offset !== undefined && !(Number.isInteger(query.offset) && query.offset >= 0)) {
      throw new CpqConfigError("offset", "must be a non-negative integer.");
    }
    const { res, endpoint } = await this.call({
      method: "GET",
      path: "users",
      query: { q: query.q, limit: query.limit, offset: query.offset, expand: query.expand },
      safeToRepeat: true,
    });
    return parseBody(UsersPageWireSchema, res, endpoint);
  }

  async listAllUsers(query: ListAllUsersQuery = {}): Promise<UserWire[]> {
    const pageSize = query.pageSize ?? MAX_PAGE;
    const maxUsers = query.maxUsers ?? 100_000;
    const users: UserWire[] = [];
    for (let offset = 0; ;) {
      const page = await this.listUsers({
        limit: pageSize,
        offset,
        ...(query.q === undefined ? {} : { q: query.q }),
        ...(query.expand === undefined ? {} : { expand: query.expand }),
      });
      users.push(...page.items);
      if (page.hasMore === false) return users;
      if (page.items.length === 0) {
        if (page.hasMore === undefined) return users;
        // hasMore with an empty page would ask for the same offset forever.
        throw new CpqContractError({
          endpoint: `GET ${this.path("users")}`,
          field: "items",
          problem: "is empty while hasMore is true",
        });
      }
      if (users.length >= maxUsers) {
        throw new CpqContractError({
          endpoint: `GET ${this.path("users")}`,
          field: "hasMore",
          problem: `is still true after ${users.length} users (limit ${maxUsers}); narrow the query`,
        });
      }
      offset += page.items.length;
    }
  }

  async getUser(partyNumber: string): Promise<UserWire> {
    const { res, endpoint } = await this.call({
      method: "GET",
      path: "user",
      params: { partyNumber },
      safeToRepeat: true,
    });
    return parseBody(UserWireSchema, res, endpoint);
  }

  findUsersByLogin(
    login: string,
    options: { readonly expand?: "integrations" } = {},
  ): Promise<UserWire[]> {
    if (login === "") throw new CpqConfigError("login", "must be a non-empty string.");
    return this.listAllUsers({ q: loginQuery(login), ...options });
  }

  async getIntegrationVendors(): Promise<IntegrationVendorWire[]> {
    const { res, endpoint } = await this.call({
      method: "GET",
      path: "integrationVendors",
      safeToRepeat: true,
    });
    return parseBody(IntegrationVendorsWireSchema, res, endpoint).items;
  }

  async findIntegrationVendors(filter: {
    readonly integrationType?: string;
    readonly vendorName?: string;
  }): Promise<IntegrationVendorWire[]> {
    const q: Record<string, string> = {};
    if (filter.integrationType !== undefined) q.integrationType = filter.integrationType;
    if (filter.vendorName !== undefined) q.vendorName = filter.vendorName;
    const { res, endpoint } = await this.call({
      method: "GET",
      path: "integrationVendors",
      query: { q: Object.keys(q).length > 0 ? JSON.stringify(q) : undefined },
      safeToRepeat: true,
    });
    const items = parseBody(IntegrationVendorsWireSchema, res, endpoint).items;
    // A site that ignores q must not hand back another integration as the one asked for.
    return items.filter(
      (v) =>
        (q.integrationType === undefined || v.integrationType === q.integrationType) &&
        (q.vendorName === undefined || v.vendorName === q.vendorName),
    );
  }

  async getIntegrationVendor(id: string): Promise<IntegrationVendorWire | null> {
    const { res, endpoint } = await this.call({
      method: "GET",
      path: "integrationVendor",
      params: { id },
      safeToRepeat: true,
      accept: [404],
    });
    if (res.status === 404) return null;
    return parseBody(IntegrationVendorWireSchema, res, endpoint);
  }

  async createIntegrationVendor(
    body: IntegrationVendorRequestWire,
  ): Promise<IntegrationVendorWire> {
    const { res, endpoint } = await this.call({
      method: "POST",
      path: "integrationVendors",
      body,
      // A repeat after a lost answer would create a second integration.
      safeToRepeat: false,
    });
    return parseBody(IntegrationVendorWireSchema, res, endpoint);
  }

  async patchIntegrationVendor(
    id: string,
    body: IntegrationVendorRequestWire,
  ): Promise<IntegrationVendorWire> {
    const { res, endpoint } = await this.call({
      method: "PATCH",
      path: "integrationVendor",
      params: { id },
      body,
      // The same fields set to the same values twice leave the same integration.
      safeToRepeat: true,
    });
    return parseBody(IntegrationVendorWireSchema, res, endpoint);
  }

  async deleteIntegrationVendor(id: string): Promise<void> {
    // A 404 is what a retried DELETE sees when the first attempt succeeded unseen.
    await this.call({
      method: "DELETE",
      path: "integrationVendor",
      params: { id },
      safeToRepeat: true,
      accept: [404],
    });
  }

  async getPartners(): Promise<IntegrationPartnerWire[]> {
    if (this.opts.partnersSource === "integrations") return (await this.getIntegrations()).items;
    return partnersOfVendors(await this.getIntegrationVendors());
  }

  async patchUser(partyNumber: string, body: UserPatchWire): Promise<UserWire> {
    const { res, endpoint } = await this.call({
      method: "PATCH",
      path: "user",
      params: { partyNumber },
      body,
      // The same fields set to the same values twice leave the same user.
      safeToRepeat: true,
    });
    return parseBody(UserWireSchema, res, endpoint);
  }

  async getIntegrations(): Promise<IntegrationsWire> {
    const { res, endpoint } = await this.call({
      method: "GET",
      path: "integrations",
      safeToRepeat: true,
    });
    return parseBody(IntegrationsWireSchema, res, endpoint);
  }

  async listUserIntegrations(partyNumber: string): Promise<UserIntegrationWire[]> {
    const { res, endpoint } = await this.call({
      method: "GET",
      path: "userIntegrations",
      params: { partyNumber },
      safeToRepeat: true,
    });
    return parseBody(UserIntegrationsWireSchema, res, endpoint).items;
  }

  async getUserIntegration(partyNumber: string, tab: string): Promise<UserIntegrationWire | null> {
    const { res, endpoint } = await this.call({
      method: "GET",
      path: "userIntegration",
      params: { partyNumber, tab },
      safeToRepeat: true,
      accept: [404],
    });
    if (res.status === 404) return null;
    return parseBody(UserIntegrationWireSchema, res, endpoint);
  }

  async putUserIntegration(
    partyNumber: string,
    tab: string,
    body: UserIntegrationPutWire,
  ): Promise<UserIntegrationWire> {
    const { res, endpoint } = await this.call({
      method: "PUT",
      path: "userIntegration",
      params: { partyNumber, tab },
      body,
      safeToRepeat: true,
    });
    return parseBody(UserIntegrationWireSchema, res, endpoint);
  }

  async deleteUserIntegration(partyNumber: string, tab: string): Promise<void> {
    // A 404 means there is nothing to delete, which is what the caller wants; it is also what a
    // retried DELETE sees when the first attempt succeeded unseen.
    await this.call({
      method: "DELETE",
      path: "userIntegration",
      params: { partyNumber, tab },
      safeToRepeat: true,
      accept: [404],
    });
  }

  async checkUserIntegration(
    partyNumber: string,
    tab: string,
    body: UserIntegrationPutWire,
  ): Promise<UserIntegrationCheckWire> {
    const { res, endpoint, redactor } = await this.call({
      method: "POST",
      path: "userIntegrationCheck",
      params: { partyNumber, tab },
      body,
      // Check saves nothing.
      safeToRepeat: true,
    });
    const check = parseBody(UserIntegrationCheckWireSchema, res, endpoint);
    // The partner's reason is shown to the user; CPQ could quote the password it was given.
    return check.message === undefined
      ? check
      : { ...check, message: redactor.redact(check.message) };
  }

  async revokeUserIntegrationToken(partyNumber: string, tab: string): Promise<UserIntegrationWire> {
    const { res, endpoint } = await this.call({
      method: "POST",
      path: "userIntegrationRevoke",
      params: { partyNumber, tab },
      // Revoking a revoked token changes nothing (docs/cpq-api.md): retried like a read when an
      // answer is lost, so a cut-off answer no longer fails the apply.
      safeToRepeat: true,
    });
    return parseBody(UserIntegrationWireSchema, res, endpoint);
  }

  async getSpMetadata(options: { readonly maxBytes: number }): Promise<string> {
    const { res } = await this.call({
      method: "GET",
      path: "spMetadata",
      safeToRepeat: true,
      acceptType: "application/samlmetadata+xml, application/xml, text/xml",
      maxBodyBytes: options.maxBytes,
    });
    return res.text;
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private refusedAgain(method: string, path: string): CpqHttpError {
    return new CpqHttpError({ status: 401, method, path, refusedBefore: true });
  }

  private path(name: CpqPathName, params?: Call["params"]): string {
    return expandPath(this.opts, name, params);
  }

  private async call(c: Call): Promise<{ res: RawResponse; endpoint: string; redactor: Redactor }> {
    const path = this.path(c.path, c.params);
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(c.query ?? {}))
      if (v !== undefined) search.set(k, String(v));
    const qs = search.toString();
    const fullPath = qs === "" ? path : `${path}?${qs}`;
    const endpoint = `${c.method} ${path}`;
    const redactor = this.redactor.with(secretsOf(c.body));
    const body = c.body === undefined ? undefined : JSON.stringify(c.body);
    if (this.refused) throw this.refusedAgain(c.method, redactor.redact(path));
    let used = "";
    const send = (): Promise<RawResponse> =>
      this.transport.exchange({
        origin: this.opts.origin,
        path: fullPath,
        method: c.method,
        headers: async () => {
          used = await this.auth.header();
          return {
            authorization: used,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          };
        },
        ...(body === undefined ? {} : { body }),
        ...(c.acceptType === undefined ? {} : { accept: c.acceptType }),
        ...(c.maxBodyBytes === undefined ? {} : { maxBodyBytes: c.maxBodyBytes }),
        safeToRepeat: c.safeToRepeat,
        limited: true,
        redactor,
      });
    let res = await send();
    // A 401 means CPQ did nothing, so one more try with a fresh token is safe for any request.
    if (res.status === 401 && this.auth.unauthorized(used)) {
      this.opts.logger?.debug("cpq answered 401; retrying once with a fresh token", {
        method: c.method,
        path: redactor.redact(fullPath),
      });
      // The first exchange may have reached CPQ before its answer was lost: the resend's answer
      // does not undo that.
      const unclear = res.afterUnclearAttempt === true;
      res = await send();
      if (unclear) res = { ...res, afterUnclearAttempt: true };
    }
    if ((res.status >= 200 && res.status <= 299) || c.accept?.includes(res.status) === true) {
      return { res, endpoint, redactor };
    }
    // An error answer that ends retries begun after an unclear attempt says so, as the
    // transport's own errors do: CPQ may have applied the request (a caller reads back).
    const marked = <E extends CpqError>(err: E): E => {
      err.afterUnclearAttempt = res.afterUnclearAttempt === true;
      return err;
    };
    if (res.status === 401) {
      // Requests already in flight when the first refusal came back report it in one line too.
      if (this.refused) throw marked(this.refusedAgain(c.method, redactor.redact(path)));
      this.refused = true;
      this.opts.logger?.info(
        "CPQ refused the credentials (401); no further request is sent with them in this run",
        { method: c.method, path: redactor.redact(path) },
      );
    }
    throw marked(
      new CpqHttpError({
        status: res.status,
        method: c.method,
        path: redactor.redact(path),
        ...errorBody(res, redactor),
      }),
    );
  }
}

/** The values of secret fields in a request body, so CPQ echoing them cannot leak them. */
function secretsOf(body: object | undefined): string[] {
  if (body === undefined) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (SECRET_WIRE_FIELDS.includes(k) && typeof v === "string") out.push(v);
  }
  return out;
}
