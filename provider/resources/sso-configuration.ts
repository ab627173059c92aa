/**
 * `cpq_sso_configuration`: the site's SAML single sign-on settings, a singleton per CPQ site.
 *
 * One attribute table drives the Terraform schema, the zod validation, the generated bindings and
 * the docs page; the lifecycle (plan/apply/read/import) sits beside it. The CPQ settings are
 * optional+computed: what the configuration leaves out is tracked from CPQ but never sent, so
 * settings the user does not manage are never wiped and never show as a diff.
 */
import { emptyObject, isKnown, isSet, isUnknown } from "../contract/attributes";
import { certificateWarnings, urlDiagnostics } from "../cpq/certificate";
import type { FormRule } from "../cpq/certificate";
import { parseCertificate } from "../saml/certificate";
import {
  holdsValue,
  replacedLiveValuesAttribute,
  replacedMap,
  replacementWarning,
} from "../contract/live-values";
import type { Replacement } from "../contract/live-values";
import {
  lockoutPossible,
  lockoutRiskAttribute,
  lockoutWarning,
  siteLockoutReason,
} from "../cpq/lockout";
import type { LockoutSettings, LockoutUser } from "../cpq/lockout";
import {
  cpqSecret,
  privateAfterApply,
  secretAttributes,
  secretFormRules,
  secretSendWarning,
  writeOnlyChanges,
} from "../contract/write-only";
import type {
  ApplyRequest,
  DestroyRequest,
  DestroyEffect,
  ApplyResult,
  Attribute,
  ClientCapabilities,
  Diagnostic,
  ImportResult,
  ListedObject,
  ListRequest,
  ObjectValue,
  PlanRequest,
  PlanResult,
  ReadRequest,
  ReadResult,
  ResourceDefinition,
  Value,
} from "../contract/types";
import { UNKNOWN } from "../contract/types";
import type { CpqError, CpqHttpError, CpqNetworkError, CpqTimeoutError } from "../client/errors";

/** The slice of the CPQ client this resource uses (the real client satisfies it). */
export interface SsoApi {
  getSsoConfiguration(): Promise<Readonly<Record<string, unknown>>>;
  postSsoConfiguration(body: Readonly<Record<string, string>>): Promise<{
    readonly restartRequired: boolean;
    readonly statusCode: string;
    readonly repeatedAfterLostAnswer?: boolean;
  }>;
}

/**
 * What CPQ does with the fields a `POST ssoConfiguration` leaves out. Oracle does not say. The
 * provider sends every readable setting with each POST either way (see {@link apply}); the
 * difference is the two passwords, which CPQ never returns: `merge` (the default) assumes CPQ
 * keeps an omitted password, so a password is sent only when it changed; `replace` assumes CPQ
 * resets it, so the managed passwords go with every POST.
 */
export type SsoPostMode = "merge" | "replace";

/** What the provider hands this resource. */
export interface SsoContext {
  readonly client: SsoApi;
  /**
   * The site's users, for `lockout_risk` (none: no lockout judgement). Typed by what the judgement
   * reads, not as the UserDirectory: this file's declarations reach the constructs' public types,
   * and the directory's would bring the CPQ client's (and zod's) into every app's type check.
   */
  readonly directory?: { usersAsFirstListed(): Promise<readonly LockoutUser[]> };
  /** How the provider signs in, for `lockout_risk`. */
  readonly lockout?: LockoutSettings;
  /** @default "merge" */
  readonly ssoPostMode?: SsoPostMode;
}

/** SSO methods, as CPQ spells them. */
export const SSO_METHODS = [
  "None",
  "Federated Authentication",
  "Remote Webservices",
  "Federated and Remote",
] as const;
export type SsoMethod = (typeof SSO_METHODS)[number];
export const SAML_USER_ID_TYPES = ["assertionTypeUsername", "assertionTypeExternal"] as const;
export type SamlUserIdType = (typeof SAML_USER_ID_TYPES)[number];
export const SAML_USER_ID_LOCATIONS = ["idLocationSubject", "idLocationAttribute"] as const;
export type SamlUserIdLocation = (typeof SAML_USER_ID_LOCATIONS)[number];
export const DESTROY_BEHAVIORS = ["retain", "disable"] as const;
export type DestroyBehavior = (typeof DESTROY_BEHAVIORS)[number];

/** A row of this resource's table: the generic attribute plus how it maps to CPQ. */
export interface SsoAttribute extends Attribute {
  /** CPQ's JSON field name. */
  readonly wire?: string;
  /** CPQ answers restartRequired "true" when this setting changes. */
  readonly restart?: boolean;
  /** A URL of the SAML exchange: must be absolute https (see {@link samlFormRule}). */
  readonly url?: boolean;
  /** The IdP's signing certificate: must parse as X.509 (see {@link samlFormRule}). */
  readonly certificate?: boolean;
}

const setting = (
  name: string,
  wire: string,
  description: string,
  extra: Partial<SsoAttribute> = {},
): SsoAttribute => ({
  name,
  wire,
  type: "string",
  kind: "optional_computed",
  description,
  ...extra,
});

/** The keystore's two passwords: CPQ takes them and never returns them. */
const STORE_PASS = cpqSecret("saml_store_pass", "samlStorePass");
const KEY_PASS = cpqSecret("saml_key_pass", "samlKeyPass");

/** The attribute table of `cpq_sso_configuration`. */
export const SSO_ATTRIBUTES: readonly SsoAttribute[] = [
  {
    name: "id",
    type: "string",
    kind: "computed",
    description: 'Always "sso": a CPQ site has one SSO configuration.',
  },
  setting(
    "sso_method",
    "ssoMethod",
    "Single sign-on method: `None`, `Federated Authentication`, `Remote Webservices` or `Federated and Remote`. A change needs a CPQ restart.",
    { enum: SSO_METHODS, restart: true },
  ),
  setting(
    "saml_idp_url",
    "samlIdpUrl",
    "SAML identity provider URL, https (plain http only to a loopback host). Required with a federated method.",
    { url: true },
  ),
  setting(
    "saml_issuer_url",
    "samlIssuerUrl",
    "Oracle CPQ issuer URL (the SAML entity id), https.",
    {
      url: true,
    },
  ),
  setting(
    "id_provider_certificate",
    "idProviderCertificate",
    "The identity provider's signing certificate, PEM or base64 DER: one that does not parse is an error unless sso_method is `None` or `Remote Webservices`. Required with a federated method. A change needs a CPQ restart.",
    { restart: true, certificate: true },
  ),
  {
    name: "saml_need_request_signed",
    wire: "samlNeedRequestSigned",
    type: "bool",
    kind: "optional_computed",
    restart: true,
    description:
      "Sign SAML requests to the identity provider. When true, `saml_request_keystore` and both keystore passwords are required. A change needs a CPQ restart.",
  },
  setting(
    "saml_request_keystore",
    "samlRequestKeyStore",
    "SAML request keystore (base64). Sensitive; CPQ returns it, so drift is detected. A change needs a CPQ restart.",
    { sensitive: true, restart: true },
  ),
  ...secretAttributes<SsoAttribute>(
    STORE_PASS,
    {
      plain:
        "Keystore store password, kept (sensitive) in state. CPQ never returns it. Prefer `saml_store_pass_wo`.",
      wo: "Keystore store password, write-only (Terraform 1.11+): never stored in plan or state. A change is detected from a salted hash in private state.",
    },
    { restart: true },
    { wire: STORE_PASS.wire },
  ),
  ...secretAttributes<SsoAttribute>(
    KEY_PASS,
    {
      plain:
        "Keystore key password, kept (sensitive) in state. CPQ never returns it. Prefer `saml_key_pass_wo`.",
      wo: "Keystore key password, write-only (Terraform 1.11+): never stored in plan or state. A change is detected from a salted hash in private state.",
    },
    { restart: true },
    { wire: KEY_PASS.wire },
  ),
  setting(
    "requested_name_identifier_format",
    "requestedNameIdentifierFormat",
    "SAML requested NameID format; blank means transient.",
  ),
  setting(
    "saml_logout_url",
    "samlLogoutUrl",
    "Where users land after logging out of CPQ, https (blank: the CPQ login page).",
    { url: true },
  ),
  setting(
    "saml_single_logout_endpoint",
    "samlSingleLogoutEndpoint",
    "SAML single logout endpoint (global logout), https.",
    { url: true },
  ),
  setting(
    "saml_single_logout_response_endpoint",
    "samlSingleLogoutResponseEndpoint",
    "SAML single logout response endpoint, https.",
    { url: true },
  ),
  setting(
    "saml_user_id_type",
    "samlUserIdType",
    "What identifies the user in the assertion: `assertionTypeUsername` or `assertionTypeExternal`.",
    { enum: SAML_USER_ID_TYPES },
  ),
  setting(
    "saml_user_id_location",
    "samlUserIdLocation",
    "Where the user id is in the assertion: `idLocationSubject` or `idLocationAttribute` (then `saml_attribute_name` is required).",
    { enum: SAML_USER_ID_LOCATIONS },
  ),
  setting(
    "saml_attribute_name",
    "samlAttributeName",
    "The assertion attribute that holds the user id, with `idLocationAttribute`.",
  ),
  {
    name: "destroy_behavior",
    type: "string",
    kind: "optional",
    enum: DESTROY_BEHAVIORS,
    description:
      "On destroy: `retain` (default) forgets the settings and leaves CPQ as it is; `disable` sets the SSO method to `None`.",
  },
  {
    name: "restart_required",
    type: "bool",
    kind: "computed",
    description:
      "Whether a server restart is pending: CPQ asked for one (or may have: its answer was lost, or a setting it restarts for changed without a recorded answer) and `restart_done_at` does not acknowledge it yet. Stays true across applies until then. Unknown in a plan that changes settings.",
  },
  {
    name: "restart_pending_since",
    type: "string",
    kind: "computed",
    description:
      "When the pending restart arose (RFC 3339, UTC): the apply or refresh that first found it. Null when no restart is pending. A later change needing a restart keeps the earlier time.",
  },
  {
    name: "restart_pending_reason",
    type: "string",
    kind: "computed",
    description:
      "Why a restart is pending (which settings changed, and how it is known); null when none is.",
  },
  {
    name: "restart_done_at",
    type: "string",
    kind: "optional",
    description:
      'When the CPQ site was restarted, RFC 3339 (e.g. `"2026-12-07T10:00:00Z"`): acknowledges a pending restart whose `restart_pending_since` is at or before it, so `restart_required` becomes false. Set in code, so the acknowledgement is reviewed and kept in history like any other change.',
  },
  {
    name: "certificate_sha256_fingerprint",
    type: "string",
    kind: "computed",
    inputs: ["id_provider_certificate"],
    description: "SHA-256 fingerprint of `id_provider_certificate` (null when it does not parse).",
  },
  {
    name: "certificate_not_after",
    type: "string",
    kind: "computed",
    inputs: ["id_provider_certificate"],
    description: "Expiry of `id_provider_certificate`, RFC 3339 (null when it does not parse).",
  },
  {
    name: "certificate_subject",
    type: "string",
    kind: "computed",
    inputs: ["id_provider_certificate"],
    description: "Subject of `id_provider_certificate` (null when it does not parse).",
  },
  replacedLiveValuesAttribute("the site's SSO settings"),
  lockoutRiskAttribute(
    "switches `sso_method` from `None` to an SSO method while the login the provider signs in as, or every active FullAccess user, is enabled for SSO",
  ),
];

const WIRE_SETTINGS = SSO_ATTRIBUTES.filter(
  (a): a is SsoAttribute & { wire: string } => a.wire !== undefined,
);
/** Settings CPQ returns on GET (the two passwords never are). */
const READABLE = WIRE_SETTINGS.filter((a) => a.kind === "optional_computed");
const FEDERATED: readonly string[] = ["Federated Authentication", "Federated and Remote"];

/** The keystore passwords, each offered sensitive and write-only (the constructs map them too). */
export const SSO_SECRETS = [STORE_PASS, KEY_PASS] as const;

/**
 * How a certificate that does not parse, or a URL setting that is not https, is reported under
 * `method`. The federated methods send every SAML login through these settings, so there it is an
 * error; `None` and `Remote Webservices` do not use them (the value only waits for a federated
 * method), so there it is a warning. A method the configuration does not set (CPQ keeps the site's,
 * which may be federated) or does not know yet counts as federated: no form of these settings is
 * worth keeping that would break SSO the day the method is federated.
 */
function samlFormRule(method: unknown): FormRule {
  if (typeof method === "string" && !FEDERATED.includes(method)) {
    return {
      severity: "warning",
      consequence: `sso_method "${method}" does not use it, but every SAML login would fail once a federated method is chosen.`,
    };
  }
  return {
    severity: "error",
    consequence:
      typeof method === "string"
        ? `With sso_method "${method}" every SAML login to CPQ goes through it and would fail (CPQ stores it unchecked).`
        : 'Every SAML login to CPQ would fail on a site with a federated SSO method (sso_method is not set or not known here, so the site\'s may be; set sso_method to "None" or "Remote Webservices" if the site does not sign in through SAML). CPQ stores it unchecked.',
  };
}

/**
 * The rules of the design beyond the table, on a configuration the table accepts (values may be
 * UNKNOWN). Errors: cross-field rules (CPQ would refuse them), and a certificate that does not
 * parse or a SAML URL that is not https where the SSO method uses them (every SAML login would
 * fail; see {@link samlFormRule}). Warnings: an expiring or expired certificate, and those form
 * problems under a method that does not use the settings. The plugin and the `SsoConfiguration`
 * construct run them through `validateConfiguration`, after the table.
 */
function validateSsoConfiguration(
  config: Readonly<Record<string, unknown>>,
  caps: Pick<ClientCapabilities, "writeOnlyAttributesAllowed">,
  now: Date,
): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const v = (name: string): unknown => config[name];
  const err = (path: string, summary: string, detail: string): void => {
    diags.push({ severity: "error", summary, detail, path: [path] });
  };

  const method = v("sso_method");
  if (typeof method === "string" && FEDERATED.includes(method)) {
    for (const needed of ["saml_idp_url", "id_provider_certificate"]) {
      const value = v(needed);
      if (!isSet(value) || value === "") {
        err(
          needed,
          `"${needed}" is required when sso_method is "${method}"`,
          `A federated SSO method sends users to the identity provider and checks its signature, so CPQ needs "${needed}". Set it, or choose sso_method "None" or "Remote Webservices".`,
        );
      }
    }
  }
  if (v("saml_user_id_location") === "idLocationAttribute") {
    const name = v("saml_attribute_name");
    if (!isSet(name) || name === "") {
      err(
        "saml_attribute_name",
        `"saml_attribute_name" is required when saml_user_id_location is "idLocationAttribute"`,
        `Name the assertion attribute that holds the user id, or set saml_user_id_location to "idLocationSubject".`,
      );
    }
  }
  if (v("saml_need_request_signed") === true) {
    if (!isSet(v("saml_request_keystore")) || v("saml_request_keystore") === "") {
      err(
        "saml_request_keystore",
        `"saml_request_keystore" is required when saml_need_request_signed is true`,
        "Signed requests are signed with the key in this keystore. Set it, or set saml_need_request_signed to false.",
      );
    }
    for (const s of SSO_SECRETS) {
      if (!isSet(v(s.plain)) && !isSet(v(s.wo))) {
        err(
          s.wo,
          `"${s.wo}" (or "${s.plain}") is required when saml_need_request_signed is true`,
          `CPQ needs the keystore's ${s.plain === "saml_store_pass" ? "store" : "key"} password to sign requests. Set "${s.wo}" from a sensitive variable.`,
        );
      }
    }
  }
  diags.push(...secretFormRules(SSO_SECRETS, config, caps.writeOnlyAttributesAllowed));

  const form = samlFormRule(method);
  for (const a of WIRE_SETTINGS) {
    const value = v(a.name);
    if (typeof value !== "string") continue;
    if (a.url) diags.push(...urlDiagnostics(value, a.name, form));
    if (a.certificate) diags.push(...certificateWarnings(value, a.name, now, 30, form));
  }
  return diags;
}

// ---- wire <-> state -------------------------------------------------------------------------

function fromWire(a: SsoAttribute, raw: unknown): Value {
  if (raw === undefined || raw === null) return a.type === "bool" ? null : "";
  const s = String(raw);
  if (a.type === "bool") return s === "" ? null : s.toLowerCase() === "true";
  return s;
}

function toWire(a: SsoAttribute, v: Value): string {
  if (a.type === "bool") return v === true ? "true" : "false";
  return String(v);
}

/**
 * The certificate's facts, for a known certificate (one known only after apply makes them
 * unknown: the table's `inputs`, applied by the plugin).
 */
function certificateFacts(cert: Value): Record<string, Value> {
  const facts = typeof cert === "string" ? parseCertificate(cert) : undefined;
  return {
    certificate_sha256_fingerprint: facts?.sha256Fingerprint ?? null,
    certificate_not_after: facts?.notAfter ?? null,
    certificate_subject: facts?.subject ?? null,
  };
}

/**
 * Whether a POST leaves a restart to do, from CPQ's answer: what it says, except after a repeat of
 * an attempt whose answer was lost. CPQ likely applied the first attempt, and its "false" to the
 * repeat describes no change; then a change of a setting CPQ restarts for counts as needing one
 * (`lostAnswer` says that this is why). The one reading for apply and destroy.
 */
function restartOf(
  answer: { readonly restartRequired: boolean; readonly repeatedAfterLostAnswer?: boolean },
  changesRestartSetting: boolean,
): { restartRequired: boolean; lostAnswer: boolean } {
  const lostAnswer =
    !answer.restartRequired && answer.repeatedAfterLostAnswer === true && changesRestartSetting;
  return { restartRequired: answer.restartRequired || lostAnswer, lostAnswer };
}

// ---- pending restart -------------------------------------------------------------------------

/** The settings CPQ restarts for, by the table's `restart` flags. */
const RESTART_SETTINGS = SSO_ATTRIBUTES.filter((a) => a.restart).map((a) => a.name);
/** The readable ones: a change of these shows on a refresh. */
const READABLE_RESTART = READABLE.filter((a) => a.restart);
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A restart record: since when, and why. */
interface Pending {
  readonly since: string;
  readonly reason: string;
}

/** The restart pending in a state, or undefined. */
function pendingOf(state: ObjectValue | null): Pending | undefined {
  const since = state?.restart_pending_since;
  if (typeof since === "string") {
    const reason = state?.restart_pending_reason;
    return { since, reason: typeof reason === "string" ? reason : "CPQ asked for a restart" };
  }
  return undefined;
}

/** Whether `doneAt` (the configuration's `restart_done_at`) acknowledges a restart pending since `since`. */
function acknowledges(doneAt: Value, since: string): boolean {
  if (typeof doneAt !== "string" || !RFC3339.test(doneAt)) return false;
  return Date.parse(doneAt) >= Date.parse(since);
}

/** The state's restart attributes for `pending` (none: false and nulls). */
function pendingState(pending: Pending | undefined): Record<string, Value> {
  return {
    restart_required: pending !== undefined,
    restart_pending_since: pending?.since ?? null,
    restart_pending_reason: pending?.reason ?? null,
  };
}

/** Problems with `restart_done_at`: not RFC 3339 is an error, a time to come a warning. */
function restartDoneAtDiagnostics(value: Value, now: Date): Diagnostic[] {
  if (typeof value !== "string") return [];
  if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    return [
      {
        severity: "error",
        summary: `"restart_done_at" must be an RFC 3339 time, not ${JSON.stringify(value.slice(0, 64))}`,
        detail:
          'Write when the CPQ site was restarted, with its offset, e.g. "2026-12-07T10:00:00Z".',
        path: ["restart_done_at"],
      },
    ];
  }
  if (Date.parse(value) > now.getTime()) {
    return [
      {
        severity: "warning",
        summary: `"restart_done_at" is in the future (${value})`,
        detail:
          "A restart that CPQ asks for before then will count as done. Set it to when the site was restarted.",
        path: ["restart_done_at"],
      },
    ];
  }
  return [];
}

/**
 * Whether an error of the SSO POST leaves its outcome unclear: no answer, or a server fault, after
 * which CPQ may have applied the settings. A refused connection, a DNS or TLS failure and a 4xx
 * say the settings were not applied.
 */
function unclearOutcome(err: unknown): err is CpqError {
  // By code, not instanceof: the client is loaded as a bundle of its own (lazily, through a code
  // cache), so its error classes are not the ones this file would import.
  if (!(err instanceof Error)) return false;
  const e = err as Partial<CpqTimeoutError & CpqHttpError & CpqNetworkError>;
  // The transport knows an earlier attempt went unclear, whatever ended the retries.
  if (e.afterUnclearAttempt === true) return true;
  if (e.code === "CPQ_TIMEOUT") return true;
  if (e.code === "CPQ_HTTP") return typeof e.status === "number" && e.status >= 500;
  if (e.code === "CPQ_NETWORK") {
    const c = e.causeCode;
    return c !== "ECONNREFUSED" && c !== "ENOTFOUND" && !/CERT|TLS/.test(c ?? "");
  }
  return false;
}

/** What the POST of an apply came to. */
type PostOutcome =
  | {
      readonly kind: "answered";
      readonly restartRequired: boolean;
      readonly note: string;
      /** CPQ's answer to this change was lost: the restart is the table's, not CPQ's word. */
      readonly lostAnswer: boolean;
    }
  /** Read back, CPQ does not hold it: not applied, the apply fails. */
  | { readonly kind: "failed"; readonly error: string }
  /** Unclear, and CPQ may hold it: the apply fails, the restart counts as pending if it may be needed. */
  | { readonly kind: "unresolved"; readonly error: string };

/**
 * Sends the POST. When its answer is lost (every attempt timed out, was cut off, or met a server
 * fault), reads the settings back instead of guessing: CPQ holding what was sent means the change
 * happened, and it needs the restart the table's flags say; CPQ not holding it means it did not.
 * A change of the passwords alone cannot be read back: then the POST is sent once more (the same
 * body twice leaves the same settings).
 */
async function postResolved(
  client: SsoApi,
  before: Readonly<Record<string, string>>,
  body: Readonly<Record<string, string>>,
  restartSettings: readonly string[],
): Promise<PostOutcome> {
  const needs = restartSettings.length > 0;
  const lostNote = (why: string): string =>
    `CPQ's answer was lost (${why}); it holds the new settings; the changed ${restartSettings.join(", ")} ${restartSettings.length > 1 ? "need" : "needs"} a restart per the provider's attribute table (CPQ restarts when ${RESTART_SETTINGS.join(", ")} change).`;
  let first: CpqError;
  try {
    const answer = await client.postSsoConfiguration(body);
    const r = restartOf(answer, needs);
    return {
      kind: "answered",
      restartRequired: r.restartRequired,
      lostAnswer: r.lostAnswer,
      note: r.lostAnswer
        ? " The answer to the first POST was lost and the POST was sent again; CPQ likely applied the first one, so its answer to the repeat (no restart) does not describe this change. These settings need a restart when they change."
        : "",
    };
  } catch (err) {
    if (!unclearOutcome(err)) throw err;
    first = err;
  }
  const readable = Object.keys(body).filter((k) => READABLE.some((a) => a.wire === k));
  const changed = readable.filter((k) => (before[k] ?? "") !== body[k]);
  let after: Readonly<Record<string, unknown>>;
  try {
    after = await client.getSsoConfiguration();
  } catch (err) {
    return {
      kind: "unresolved",
      error: `${first.message} Reading the settings back to see whether CPQ applied them failed too: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const differing = readable.filter((k) => (after[k] ?? "") !== body[k]);
  if (differing.length > 0) {
    const names = READABLE.filter((a) => differing.includes(a.wire)).map((a) => a.name);
    // Not applied: the error is the POST's, with what the read-back showed.
    return {
      kind: "failed",
      error: `${first.message} Read back, CPQ does not hold the settings sent (${names.join(", ")} differ): the change was not applied. Apply again.`,
    };
  }
  if (changed.length > 0) {
    return {
      kind: "answered",
      restartRequired: needs,
      lostAnswer: true,
      note: ` ${lostNote(first.message)}`,
    };
  }
  // Only the passwords changed, and CPQ never returns them: send the same body once more.
  try {
    const answer = await client.postSsoConfiguration(body);
    return {
      kind: "answered",
      restartRequired: answer.restartRequired || needs,
      lostAnswer: true,
      note: ` CPQ's answer to the first POST was lost (${first.message}) and the POST was sent again: CPQ may have applied the first, so its answer to the repeat does not describe this change; the changed ${restartSettings.join(", ")} needs a restart per the provider's attribute table.`,
    };
  } catch (err) {
    if (!unclearOutcome(err)) throw err;
    return {
      kind: "unresolved",
      error: `${first.message} The settings changed (${restartSettings.join(", ") || "passwords"}) cannot be read back, and sending them again got no answer either: ${err.message}`,
    };
  }
}

/**
 * The set settings of a GET answer, as a POST body carries them. An empty one is left out: left
 * out or sent as `""`, it ends empty whether CPQ merges or replaces, and an enum setting never set
 * (`""`) is not a value CPQ accepts in a POST.
 */
function readableOf(live: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of READABLE) {
    const v = live[a.wire];
    if (typeof v === "string" && v !== "") out[a.wire] = v;
  }
  return out;
}

/** A state built from what CPQ returned, keeping what CPQ never returns from `base`. */
function stateFromLive(live: Readonly<Record<string, unknown>>, base: ObjectValue): ObjectValue {
  const state: Record<string, Value> = { ...base, id: "sso" };
  for (const a of READABLE) state[a.name] = fromWire(a, live[a.wire]);
  Object.assign(state, certificateFacts(state.id_provider_certificate ?? null));
  return state;
}

/** Whether a method signs users in through SSO. */
const ssoOn = (method: Value): boolean =>
  typeof method === "string" && method !== "" && method !== "None";

/**
 * The lockout risk of a method change (null: none; UNKNOWN while the planned method is): a plan
 * that switches SSO on makes every user enabled for SSO sign in through the identity provider.
 * Judged against the users as this process first listed them, so the apply's re-plan judges
 * the same.
 */
async function lockoutOf(ctx: SsoContext, before: Value, after: Value): Promise<Value> {
  if (!ctx.directory || !lockoutPossible(ctx.lockout)) return null;
  if (isUnknown(after)) return UNKNOWN;
  if (ssoOn(before) || !ssoOn(after)) return null;
  return siteLockoutReason(await ctx.directory.usersAsFirstListed(), ctx.lockout ?? {});
}

/** CPQ's value of a setting never set: it holds nothing a create could replace. */
const UNSET_DEFAULTS: Readonly<Record<string, readonly string[]>> = { sso_method: ["None"] };

/**
 * The managed settings whose live value a create overwrites: set in the configuration, held by
 * CPQ (not empty, not its unset default) and different from the planned value. A planned value
 * not known until apply may differ: it is listed. A certificate is compared by fingerprint, so
 * the same certificate in another encoding replaces nothing.
 */
function liveReplacements(
  liveWire: Readonly<Record<string, unknown>>,
  planned: Readonly<Record<string, Value>>,
  config: ObjectValue,
): Replacement[] {
  const out: Replacement[] = [];
  for (const a of READABLE) {
    if (!isSet(config[a.name])) continue;
    const live = fromWire(a, liveWire[a.wire]);
    if (!holdsValue(live, UNSET_DEFAULTS[a.name])) continue;
    const p = planned[a.name] ?? null;
    const certificate = a.name === "id_provider_certificate";
    if (!isUnknown(p)) {
      if (p === live) continue;
      if (certificate && typeof p === "string" && typeof live === "string") {
        const [was, will] = [parseCertificate(live), parseCertificate(p)];
        if (was && will && was.sha256Fingerprint === will.sha256Fingerprint) continue;
      }
    }
    out.push({
      attribute: a.name,
      kind: a.sensitive ? "sensitive" : certificate ? "certificate" : "text",
      live: String(live),
      planned: isUnknown(p) ? UNKNOWN : String(p),
    });
  }
  return out;
}

// ---- lifecycle ------------------------------------------------------------------------------

async function plan(req: PlanRequest<SsoContext>): Promise<PlanResult> {
  const { prior, proposed, config, priorPrivate } = req;
  const planned: Record<string, Value> = { ...proposed, id: "sso" };
  const diagnostics: Diagnostic[] = [];

  let changed = prior === null;
  if (prior !== null) {
    for (const a of SSO_ATTRIBUTES) {
      if (a.kind === "computed" || a.writeOnly) continue;
      if (a.wire && planned[a.name] !== prior[a.name]) changed = true;
    }
    for (const c of await writeOnlyChanges(SSO_SECRETS, prior, planned, config, priorPrivate)) {
      const s = c.secret;
      if (c.warning) diagnostics.push(c.warning);
      if (c.send) {
        changed = true;
        diagnostics.push(secretSendWarning(s, "Changing this password needs a CPQ restart."));
      }
    }
  }
  // Settings the configuration leaves out keep their value; on create they are whatever the site
  // has when the apply POSTs (the apply reads them again then, so they stay unknown here).
  for (const a of READABLE) {
    if (prior === null && planned[a.name] === null) planned[a.name] = UNKNOWN;
  }
  if (changed && req.ctx.ssoPostMode === "replace") {
    for (const sec of SSO_SECRETS) {
      if (isSet(config[sec.plain]) || isSet(config[sec.wo])) continue;
      diagnostics.push({
        severity: "warning",
        summary: `CPQ will clear "${sec.plain}": the configuration does not manage it`,
        detail: `The provider is set to sso_post_mode = "replace" (CPQ resets what a POST leaves out), and CPQ never returns the password, so the POST cannot carry it. Manage it here (${sec.wo}), or use sso_post_mode = "merge" if your site keeps omitted fields.`,
        path: [sec.wo],
      });
    }
  }
  diagnostics.push(...restartDoneAtDiagnostics(planned.restart_done_at ?? null, new Date()));
  // A pending restart outlives the apply that caused it: it stays, with its first time and
  // reason, until restart_done_at acknowledges it; only then does a change start a new record.
  // A change leaves them unknown even then: a change of a write-only password shows in the plan
  // only through them, and the report reads an unknown restart_required as "settings are sent".
  const pending = pendingOf(prior);
  if (changed) {
    planned.restart_required = UNKNOWN;
    planned.restart_pending_since = UNKNOWN;
    planned.restart_pending_reason = UNKNOWN;
  } else if (pending !== undefined) {
    const acknowledged = acknowledges(planned.restart_done_at ?? null, pending.since);
    Object.assign(planned, pendingState(acknowledged ? undefined : pending));
  } else {
    planned.restart_required = prior?.restart_required ?? null;
    planned.restart_pending_since = null;
    planned.restart_pending_reason = null;
  }
  Object.assign(planned, certificateFacts(planned.id_provider_certificate ?? null));
  let methodBefore: Value = prior?.sso_method ?? null;
  if (prior === null) {
    // A create adopts the site's one configuration: what it overwrites is said now, not after.
    const live = await req.ctx.client.getSsoConfiguration();
    const replaced = liveReplacements(live, planned, config);
    planned.replaced_live_values = replacedMap(replaced);
    const warning = replacementWarning("the site's SSO configuration", replaced);
    if (warning) diagnostics.push(warning);
    methodBefore = typeof live.ssoMethod === "string" ? live.ssoMethod : null;
  } else {
    planned.replaced_live_values = prior.replaced_live_values ?? null;
  }
  // A method the configuration leaves out keeps its live value: no switch.
  const methodAfter = isSet(config.sso_method) ? (planned.sso_method ?? null) : methodBefore;
  planned.lockout_risk = await lockoutOf(req.ctx, methodBefore, methodAfter);
  if (typeof planned.lockout_risk === "string") {
    diagnostics.push(lockoutWarning(planned.lockout_risk, "sso_method"));
  }
  return { planned, plannedPrivate: priorPrivate, diagnostics };
}

async function apply(req: ApplyRequest<SsoContext>): Promise<ApplyResult> {
  const { ctx, prior, planned, config, plannedPrivate } = req;
  const cfg = config ?? planned;
  const managed: Record<string, string> = {};
  const sent: string[] = [];
  let toSend = false;
  for (const a of WIRE_SETTINGS) {
    const value = planned[a.name];
    if (!isKnown(value) || !isSet(cfg[a.name])) continue;
    managed[a.wire] = toWire(a, value);
    // On update only a change is news; unchanged managed settings still go with the POST.
    if (prior !== null && prior[a.name] === value) continue;
    toSend = true;
    sent.push(a.name);
  }
  const replace = ctx.ssoPostMode === "replace";
  for (const c of await writeOnlyChanges(SSO_SECRETS, prior, planned, cfg, plannedPrivate)) {
    const value = cfg[c.secret.wo];
    if (typeof value !== "string") continue;
    if (c.send) {
      toSend = true;
      sent.push(c.secret.wo);
    }
    // merge: a password goes only when it changed; replace: every managed one goes every time.
    if (c.send || replace) managed[c.secret.wire] = value;
  }
  if (!replace) {
    // merge: a stored (non-write-only) password, too, is sent only when it changed.
    for (const sec of SSO_SECRETS) {
      if (isSet(cfg[sec.plain]) && !sent.includes(sec.plain)) delete managed[sec.wire];
    }
  }
  const priv = await privateAfterApply(SSO_SECRETS, plannedPrivate, cfg, new Set(sent));

  let body: Record<string, string> | undefined;
  let before: Record<string, string> = {};
  let liveBefore: Readonly<Record<string, unknown>> | undefined;
  if (toSend) {
    // Every readable setting goes with the POST, the live value for those the configuration does
    // not manage: an unmanaged setting then survives whether CPQ merges a POST into its settings
    // or replaces them with it (Oracle does not say which).
    liveBefore = await ctx.client.getSsoConfiguration();
    before = readableOf(liveBefore);
    body = { ...before, ...managed };
  }
  const diagnostics: Diagnostic[] = [];
  const restartSettings = sent.filter((n) => SSO_ATTRIBUTES.find((a) => a.name === n)?.restart);
  const changedNames = (restartSettings.length ? restartSettings : sent).join(", ");
  const now = new Date().toISOString();
  let restartRequired = false;
  let lostAnswer = false;
  let note = "";
  if (body !== undefined) {
    const outcome = await postResolved(ctx.client, before, body, restartSettings);
    if (outcome.kind !== "answered") {
      // The prior state stays (nothing is known to have changed), but a restart CPQ may now
      // need is recorded, so that it reaches the pipeline although the apply failed.
      const mayNeed = outcome.kind === "unresolved" && restartSettings.length > 0;
      const state =
        prior === null
          ? null
          : mayNeed
            ? {
                ...prior,
                ...pendingState(
                  pendingOf(prior) ?? {
                    since: now,
                    reason: `CPQ may have applied a change of ${changedNames} (its answer was lost), which needs a restart`,
                  },
                ),
              }
            : prior;
      return {
        state,
        private: plannedPrivate,
        diagnostics: [
          {
            severity: "error",
            summary: "CPQ did not confirm the SSO settings",
            detail:
              outcome.error +
              (mayNeed
                ? prior !== null
                  ? " A restart counts as pending (restart_required is true) until restart_done_at acknowledges it, since CPQ may hold the change."
                  : ` CPQ may hold the change, and a change of ${changedNames} needs a restart; a create that failed saves no state to keep that in, so this message is the only record: schedule the restart if CPQ holds the settings.`
                : ""),
          },
        ],
      };
    }
    restartRequired = outcome.restartRequired;
    lostAnswer = outcome.lostAnswer;
    note = outcome.note;
  }
  // Only a setting left unknown in the plan (on create) needs CPQ's value; restart_required and
  // the certificate facts, unknown in any plan that changes something, come from the answer and
  // the state. An unknown setting is one the configuration does not manage, so the POST sent it
  // as read just before (liveBefore): no second GET, and no GET after CPQ took the change that
  // could fail and lose the restart it answered.
  const needsLive = WIRE_SETTINGS.some((a) => isUnknown(planned[a.name]));
  const live = needsLive ? (liveBefore ?? (await ctx.client.getSsoConfiguration())) : {};
  const state: Record<string, Value> = {};
  for (const a of SSO_ATTRIBUTES) {
    const p = planned[a.name] ?? null;
    state[a.name] = isUnknown(p) && a.wire ? fromWire(a, live[a.wire]) : p;
  }
  // Known in the plan means nothing was to be sent (a destroy_behavior or restart_done_at change):
  // keep it. Unknown, a restart pending from before is carried, unless this apply acknowledges it.
  if (isUnknown(planned.restart_pending_since)) {
    const reason = lostAnswer
      ? `CPQ's answer was lost; it holds the new settings; the changed ${changedNames} needs a restart`
      : `CPQ asked for a restart after a change of ${changedNames}`;
    const earlier = pendingOf(prior);
    const carried =
      earlier !== undefined && !acknowledges(cfg.restart_done_at ?? null, earlier.since)
        ? earlier
        : undefined;
    Object.assign(
      state,
      pendingState(carried ?? (restartRequired ? { since: now, reason } : undefined)),
    );
  }
  // replaced_live_values and lockout_risk come as planned: the plan leaves them unknown only while
  // a managed value (the planned sso_method) is, and Terraform's re-plan at apply knows it.
  Object.assign(state, certificateFacts(state.id_provider_certificate ?? null));

  if (restartRequired) {
    diagnostics.push({
      severity: "warning",
      summary: "CPQ requires a server restart for the new SSO settings to take effect",
      detail:
        `Changed: ${changedNames}. restart_required is now true (read it with terraform output -json), and stays true until restart_done_at acknowledges the restart; schedule the restart of the CPQ site.` +
        note,
    });
  }
  return { state, private: priv, diagnostics };
}

/**
 * The warning of a destroy that ends the record of a restart still pending: no state survives to
 * keep restart_required true, so the apply's output is the last place it shows.
 */
function pendingDroppedWarning(prior: ObjectValue): Diagnostic[] {
  const pending = pendingOf(prior);
  if (pending === undefined) return [];
  return [
    {
      severity: "warning",
      summary: "A CPQ server restart is still pending",
      detail: `Pending since ${pending.since} (${pending.reason}), not acknowledged. With this resource destroyed nothing records it any more: schedule the restart of the CPQ site.`,
    },
  ];
}

async function destroy({ ctx, prior }: DestroyRequest<SsoContext>): Promise<ApplyResult> {
  const pendingDropped = pendingDroppedWarning(prior);
  if (prior.destroy_behavior === "disable") {
    // The other settings go along unchanged, so that a CPQ that replaces its settings with the
    // POST keeps them (see apply).
    const live = readableOf(await ctx.client.getSsoConfiguration());
    const answer = await ctx.client.postSsoConfiguration({ ...live, ssoMethod: "None" });
    const diagnostics: Diagnostic[] = [
      {
        severity: "warning",
        summary: 'SSO disabled: CPQ\'s sso_method is now "None"',
        detail:
          "Users now log in with CPQ credentials. The other SAML settings were left as they were.",
      },
    ];
    // sso_method is a setting CPQ restarts for, so switching it off from anything else is one.
    if (restartOf(answer, live.ssoMethod !== "None").restartRequired) {
      // No state survives a destroy to hold restart_required: the warning and the plan say it
      // (cpq-sso report --apply --plan counts a destroy with destroy_behavior = "disable").
      diagnostics.push({
        severity: "warning",
        summary: "CPQ requires a server restart for SSO to be switched off",
        detail:
          'Changed: sso_method (to "None"). Schedule the restart of the CPQ site. A pipeline reads this after a destroy with cpq-sso report --apply --plan <the destroy plan JSON>.',
      });
    }
    return { state: null, diagnostics: [...diagnostics, ...pendingDropped] };
  }
  return {
    state: null,
    diagnostics: [
      ...pendingDropped,
      {
        severity: "warning",
        summary: "SSO configuration left in place in CPQ",
        detail:
          'destroy_behavior is "retain": Terraform no longer manages the settings, and CPQ keeps them. Set destroy_behavior = "disable" to turn SSO off on destroy.',
      },
    ],
  };
}

async function read(req: ReadRequest<SsoContext>): Promise<ReadResult> {
  const live = await req.ctx.client.getSsoConfiguration();
  // lockout_risk describes a planned change: once applied and refreshed, none is pending, so the
  // next plan is clean.
  const state: Record<string, Value> = { ...stateFromLive(live, req.current), lockout_risk: null };
  // Terraform killed after CPQ applied a POST leaves no answer in the state, and nothing stateless
  // survives but CPQ itself: a setting CPQ restarts for that differs from what the state recorded
  // changed without a recorded answer, so the restart counts as pending.
  const moved = READABLE_RESTART.filter((a) => req.current[a.name] !== state[a.name]).map(
    (a) => a.name,
  );
  if (pendingOf(req.current) === undefined) {
    if (moved.length > 0) {
      Object.assign(
        state,
        pendingState({
          since: new Date().toISOString(),
          reason: `a setting that needs a restart changed without a recorded answer (${moved.join(", ")}): an interrupted apply or a change outside Terraform`,
        }),
      );
    } else if (req.current.restart_required === true) {
      // A state from before restart_pending_since existed: its true still stands.
      Object.assign(
        state,
        pendingState({
          since: new Date().toISOString(),
          reason: "CPQ asked for a restart on an earlier apply",
        }),
      );
    }
  }
  return { state, private: req.private };
}

async function importState(ctx: SsoContext, id: string): Promise<ImportResult> {
  if (id !== "sso") {
    return {
      state: null,
      diagnostics: [
        {
          severity: "error",
          summary: `Unknown import id "${id}"`,
          detail:
            'A CPQ site has one SSO configuration; import it with the id "sso" (terraform import <address> sso).',
        },
      ],
    };
  }
  const live = await ctx.client.getSsoConfiguration();
  // No POST of this provider has asked for a restart yet: false, not null, so the construct's
  // restart output reads false after an import and an apply that sends nothing.
  // An import writes nothing, so it replaces nothing.
  const state = {
    ...stateFromLive(live, emptyObject(SSO_ATTRIBUTES)),
    ...pendingState(undefined),
    replaced_live_values: {},
  };
  return { state, private: {} };
}

/** What destroy() below does in CPQ: `disable` POSTs ssoMethod None (a restart setting), `retain` forgets. */
function destroyEffect(before: Readonly<Record<string, unknown>>): DestroyEffect {
  return before.destroy_behavior !== "disable"
    ? {
        text: 'Terraform stops managing the SSO configuration; CPQ keeps its settings (`destroy_behavior = "retain"`).',
        changesCpq: false,
        restart: false,
      }
    : before.sso_method === "None"
      ? {
          text: 'Terraform stops managing the SSO configuration; its SSO method is already `None`, so `destroy_behavior = "disable"` changes nothing in CPQ.',
          changesCpq: false,
          restart: false,
        }
      : {
          text: 'SSO is switched off: with `destroy_behavior = "disable"` CPQ\'s SSO method becomes `None`, and users sign in with passwords.',
          changesCpq: true,
          restart: true,
        };
}

/** The site's one SSO configuration, as an import of it gives it (`terraform query`, 1.14+). */
async function* listSso(req: ListRequest<SsoContext>): AsyncIterable<ListedObject> {
  const res = await importState(req.ctx, "sso");
  if (res.state)
    yield { displayName: `SSO configuration (${String(res.state.sso_method)})`, state: res.state };
}

/** The resource definition served by the provider. */
export const ssoConfigurationResource = {
  typeName: "cpq_sso_configuration",
  description:
    "The CPQ site's SAML single sign-on configuration (one per site). Only the settings you set are sent; the others are tracked but left as they are.",
  schemaVersion: 0,
  attributes: SSO_ATTRIBUTES,
  review: {
    // What destroy() below does: `disable` POSTs ssoMethod None (a restart setting), `retain` forgets.
    destroy: destroyEffect,
    certificates: ["id_provider_certificate"],
  },
  validate: validateSsoConfiguration,
  plan,
  apply,
  destroy,
  read,
  importState,
  identity: {
    version: 0,
    attributes: [
      {
        name: "id",
        description:
          'Always "sso": a CPQ site has one SSO configuration. May be left out of an import.',
        requiredForImport: false,
      },
    ],
    toImportId: (id) => id.id ?? "sso",
  },
  list: {
    description: "The site's SSO configuration: one result, as an import of it gives it.",
    attributes: [],
    list: listSso,
  },
} satisfies ResourceDefinition<SsoContext>;
