/**
 * Property-based tests over the attribute tables: bad configurations are generated from
 * `SSO_ATTRIBUTES` and `USER_INTEGRATION_LOGIN_ATTRIBUTES` (wrong types, values outside an enum,
 * unknown names, read-only attributes set, broken cross-field rules, both forms of a secret, a
 * version without its write-only secret) and each must be refused with an error whose path names
 * the attribute at fault. Arbitrary values, UNKNOWN included, must never make the validation or
 * the provider's own validate/plan throw, and their errors must name exactly the attributes that
 * break a rule (an oracle below writes the rules out again), in well-formed diagnostics that never
 * repeat a secret.
 *
 * The run counts below are the figures docs/reliability.md reports; the seed is fixed so a failure
 * reproduces, and `FC_SEED` overrides it for exploratory runs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { isLoopbackHost, serviceUrlProblem } from "../../provider/client/urls";
import { CLIENT_LIMITS } from "../../provider/client/limits";
import { PROVIDER_ATTRIBUTES, cpqProvider } from "../../provider/provider";
import {
  SSO_ATTRIBUTES,
  SSO_METHODS,
  ssoConfigurationResource,
} from "../../provider/resources/sso-configuration";
import type { SsoApi } from "../../provider/resources/sso-configuration";
import { SSO_READABLE_FIELDS } from "../../provider/client/wire";
import { UNKNOWN } from "../../provider/contract/types";
import { validateConfiguration } from "../../provider/contract/attributes";
import { parseCertificate } from "../../provider/saml/certificate";
import type {
  Attribute,
  Diagnostic,
  ObjectValue,
  PrivateState,
  Value,
} from "../../provider/contract/types";
import { UserDirectory } from "../../provider/cpq/user-directory";
import {
  USER_INTEGRATION_LOGIN_ATTRIBUTES,
  userIntegrationLoginResource,
} from "../../provider/resources/user-integration-login";
import type { UserIntegrationContext } from "../../provider/resources/user-integration-login";

/** Inputs tried per property; docs/reliability.md sums them. */
export const RUNS = { bad: 300, noThrow: 300, plan: 150 } as const;
const SEED = Number(process.env.FC_SEED ?? 20250611);
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, seed: SEED });

type Validate = (config: Record<string, unknown>, woAllowed?: boolean) => Diagnostic[];

interface Table {
  readonly name: string;
  readonly attributes: readonly Attribute[];
  readonly validate: Validate;
  /** A configuration that is valid on its own, the base each bad one is made from. */
  readonly base: Record<string, unknown>;
  /** Attributes no cross-field rule reads: free background for every generated configuration. */
  readonly free: readonly string[];
}

const SSO: Table = {
  name: "cpq_sso_configuration",
  attributes: SSO_ATTRIBUTES,
  validate: (c, wo = true) =>
    validateConfiguration(
      ssoConfigurationResource,
      c,
      { writeOnlyAttributesAllowed: wo },
      new Date("2025-06-01"),
    ),
  base: { sso_method: "None" },
  free: [
    "saml_issuer_url",
    "requested_name_identifier_format",
    "saml_logout_url",
    "saml_single_logout_endpoint",
    "saml_single_logout_response_endpoint",
    "saml_user_id_type",
    "destroy_behavior",
  ],
};

const UIL: Table = {
  name: "cpq_user_integration_login",
  attributes: USER_INTEGRATION_LOGIN_ATTRIBUTES,
  validate: (c, wo = true) =>
    validateConfiguration(userIntegrationLoginResource, c, { writeOnlyAttributesAllowed: wo }),
  base: { party_number: "1001", tab: "crm", login: "jdoe@example.com" },
  // validate_credentials is read by a rule (it needs a password), so it is not free background.
  free: [],
};

const TABLES = [SSO, UIL] as const;

const settable = (t: Table): Attribute[] => t.attributes.filter((a) => a.kind !== "computed");
const attr = (t: Table, name: string): Attribute => t.attributes.find((a) => a.name === name)!;

/** The SSO settings that must be https URLs where the SSO method uses them. */
const SAML_URLS = SSO_ATTRIBUTES.filter((a) => a.url).map((a) => a.name);
const CERT = readFileSync(join(__dirname, "..", "fixtures", "idp-cert.pem"), "utf8");

/**
 * A well-typed value for an attribute (an enum member, any string, an https URL for a SAML URL
 * setting, a bool, a number).
 */
function goodValue(a: Attribute): fc.Arbitrary<Value> {
  if (a.enum) return fc.constantFrom(...a.enum);
  if (SAML_URLS.includes(a.name)) return fc.webUrl({ validSchemes: ["https"] });
  if (a.type === "bool") return fc.boolean();
  if (a.type === "number") return fc.integer({ min: 0, max: 1_000_000 });
  return fc.string({ minLength: 1, maxLength: 40 });
}

/** A value of the wrong type for an attribute. */
function wrongType(a: Attribute): fc.Arbitrary<unknown> {
  const others: fc.Arbitrary<unknown>[] = [
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
  ];
  if (a.type !== "string") others.push(fc.string({ maxLength: 20 }));
  if (a.type !== "bool") others.push(fc.boolean());
  if (a.type !== "number") others.push(fc.double(), fc.integer());
  return fc.oneof(...others);
}

/** Background: a random subset of the free attributes with good values. */
function background(t: Table): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<Value>> = {};
  for (const n of t.free) shape[n] = goodValue(attr(t, n));
  return fc.record(shape, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A bad configuration and the attribute an error must name. */
interface Bad {
  readonly config: Record<string, unknown>;
  readonly attribute: string | readonly string[];
  readonly woAllowed?: boolean;
  readonly kind: string;
}

const names = new Set([...SSO_ATTRIBUTES, ...USER_INTEGRATION_LOGIN_ATTRIBUTES].map((a) => a.name));

function badConfigs(t: Table): fc.Arbitrary<Bad> {
  const withBase = (bg: Record<string, unknown>, extra: Record<string, unknown>) => ({
    ...bg,
    ...t.base,
    ...extra,
  });
  const typed = fc.tuple(background(t), fc.constantFrom(...settable(t))).chain(([bg, a]) =>
    wrongType(a).map((v): Bad => ({
      config: withBase(bg, { [a.name]: v }),
      attribute: a.name,
      kind: "type",
    })),
  );
  const enums = settable(t).filter((a) => a.enum);
  const outsideEnum =
    enums.length === 0
      ? []
      : [
          fc
            .tuple(background(t), fc.constantFrom(...enums), fc.string({ maxLength: 30 }))
            .filter(([, a, s]) => !a.enum!.includes(s))
            .map(([bg, a, s]): Bad => ({
              config: withBase(bg, { [a.name]: s }),
              attribute: a.name,
              kind: "enum",
            })),
        ];
  const unknownName = fc
    .tuple(
      background(t),
      fc.stringMatching(/^[a-z][a-z0-9_]{0,24}$/).filter((n) => !names.has(n)),
      fc.oneof(fc.string(), fc.integer(), fc.boolean()),
    )
    .map(([bg, n, v]): Bad => ({
      config: withBase(bg, { [n]: v }),
      attribute: n,
      kind: "unknown",
    }));
  const computed = t.attributes.filter((a) => a.kind === "computed");
  const readOnly = fc.tuple(background(t), fc.constantFrom(...computed)).chain(([bg, a]) =>
    goodValue(a).map((v): Bad => ({
      config: withBase(bg, { [a.name]: v }),
      attribute: a.name,
      kind: "computed",
    })),
  );
  return fc.oneof(typed, ...outsideEnum, unknownName, readOnly, ...crossField(t));
}

/** The broken cross-field rules of each table. */
function crossField(t: Table): fc.Arbitrary<Bad>[] {
  const secret = fc.string({ minLength: 1, maxLength: 30 });
  const pairs =
    t === SSO
      ? (["saml_store_pass", "saml_key_pass"] as const)
      : (["password", "security_token"] as const);
  const rules: fc.Arbitrary<Bad>[] = [
    // Both forms of one secret.
    fc.tuple(background(t), fc.constantFrom(...pairs), secret, secret).map(([bg, p, a, b]) => ({
      config: { ...bg, ...t.base, [p]: a, [`${p}_wo`]: b },
      attribute: `${p}_wo`,
      kind: "both secret forms",
    })),
    // A version without its write-only secret.
    fc
      .tuple(background(t), fc.constantFrom(...pairs), fc.integer({ min: 0, max: 99 }))
      .map(([bg, p, n]) => ({
        config: { ...bg, ...t.base, [`${p}_wo_version`]: n },
        attribute: `${p}_wo_version`,
        kind: "version without wo",
      })),
    // A write-only secret for a Terraform without write-only attributes.
    fc.tuple(background(t), fc.constantFrom(...pairs), secret).map(([bg, p, s]) => ({
      config: { ...bg, ...t.base, [`${p}_wo`]: s },
      attribute: `${p}_wo`,
      woAllowed: false,
      kind: "wo without capability",
    })),
  ];
  if (t === SSO) {
    rules.push(
      fc
        .tuple(
          background(t),
          fc.constantFrom("Federated Authentication", "Federated and Remote"),
          fc.subarray(["saml_idp_url", "id_provider_certificate"], { minLength: 1 }),
          fc.constantFrom(undefined, null, ""),
        )
        .map(([bg, method, missing, empty]) => {
          const config: Record<string, unknown> = {
            ...bg,
            sso_method: method,
            saml_idp_url: "https://idp.example.com/sso",
            id_provider_certificate: CERT,
          };
          for (const m of missing) config[m] = empty;
          return { config, attribute: missing, kind: "federated without idp" };
        }),
      // A SAML setting that would break every login where the method uses it (or may).
      fc
        .tuple(
          background(t),
          fc.constantFrom("Federated Authentication", "Federated and Remote", undefined),
          fc.oneof(
            fc
              .tuple(
                fc.constantFrom(...SAML_URLS),
                fc.oneof(fc.webUrl({ validSchemes: ["http", "ftp"] }), fc.string({ minLength: 1 })),
              )
              .filter(([, v]) => v.trim() !== "" && !httpsOrLoopback(v)),
            fc
              .string({ minLength: 1, maxLength: 40 })
              .filter((v) => v.trim() !== "")
              .map((v) => ["id_provider_certificate", v] as const),
          ),
        )
        .map(([bg, method, [attribute, value]]) => {
          const config: Record<string, unknown> = {
            ...bg,
            saml_idp_url: "https://idp.example.com/sso",
            id_provider_certificate: CERT,
            [attribute]: value,
          };
          if (method !== undefined) config.sso_method = method;
          return { config, attribute, kind: "broken SAML setting" };
        }),
      fc.tuple(background(t), fc.constantFrom(undefined, null, "")).map(([bg, empty]) => ({
        config: {
          ...bg,
          ...t.base,
          saml_user_id_location: "idLocationAttribute",
          saml_attribute_name: empty,
        },
        attribute: "saml_attribute_name",
        kind: "attribute location without name",
      })),
      fc
        .tuple(
          background(t),
          fc.subarray(["saml_request_keystore", "saml_store_pass_wo", "saml_key_pass_wo"], {
            minLength: 1,
          }),
        )
        .map(([bg, missing]) => {
          const config: Record<string, unknown> = {
            ...bg,
            ...t.base,
            saml_need_request_signed: true,
            saml_request_keystore: "a2V5c3RvcmU=",
            saml_store_pass_wo: "s",
            saml_key_pass_wo: "k",
          };
          for (const m of missing) delete config[m];
          return { config, attribute: missing, kind: "signed without keystore" };
        }),
    );
  } else {
    rules.push(
      fc.tuple(background(t), fc.constantFrom("", " ", "\t  ")).map(([bg, login]) => ({
        config: { ...bg, ...t.base, user_login: login },
        attribute: "user_login",
        kind: "blank login beside the party number",
      })),
      background(t).map((bg) => {
        const config: Record<string, unknown> = { ...bg, ...t.base };
        delete config.party_number;
        return { config, attribute: "party_number", kind: "no user" };
      }),
      fc.tuple(background(t), fc.constantFrom("login", "tab", "party_number")).map(([bg, n]) => ({
        config: { ...bg, ...t.base, [n]: "" },
        attribute: n,
        kind: "empty required",
      })),
      background(t).map((bg) => ({
        config: { ...bg, ...t.base, validate_credentials: true },
        attribute: "validate_credentials",
        kind: "check without password",
      })),
    );
  }
  return rules;
}

/** Any JavaScript value a careless caller (or a CDKTF prop) could pass. */
const anything = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true }),
  fc.constant(UNKNOWN),
  fc.constant(undefined),
);

/** A value of the attribute's Terraform type, null, or UNKNOWN: what the plugin hands over. */
function wireValue(a: Attribute): fc.Arbitrary<Value> {
  const typed: fc.Arbitrary<Value> =
    a.type === "bool"
      ? fc.boolean()
      : a.type === "number"
        ? fc.oneof(fc.integer(), fc.double({ noNaN: true }))
        : fc.oneof(a.enum ? fc.constantFrom(...a.enum) : fc.string({ maxLength: 30 }), fc.string());
  return fc.oneof(typed, fc.constant(null), fc.constant(UNKNOWN as Value));
}

function objectValue(attributes: readonly Attribute[]): fc.Arbitrary<ObjectValue> {
  const shape: Record<string, fc.Arbitrary<Value>> = {};
  for (const a of attributes) shape[a.name] = wireValue(a);
  return fc.record(shape);
}

/**
 * A configuration as Terraform sends one: computed attributes null, enums from the enum; every
 * other value typed, null or UNKNOWN. Most inputs reach the cross-field rules.
 */
function configValue(attributes: readonly Attribute[]): fc.Arbitrary<ObjectValue> {
  const shape: Record<string, fc.Arbitrary<Value>> = {};
  for (const a of attributes) {
    shape[a.name] =
      a.kind === "computed"
        ? fc.constant(null)
        : a.enum
          ? fc.oneof(fc.constantFrom(...a.enum), fc.constant(null), fc.constant(UNKNOWN as Value))
          : wireValue(a);
  }
  return fc.record(shape);
}

const privateState: fc.Arbitrary<PrivateState> = fc.dictionary(
  fc.constantFrom("saml_store_pass_wo", "saml_key_pass_wo", "password_wo", "security_token_wo"),
  fc.oneof(
    fc.string(),
    fc.constant("scrypt1$$"),
    fc.constant("scrypt1$AAAA$!!!!"),
    fc.tuple(fc.base64String(), fc.base64String()).map(([s, k]) => `scrypt1$${s}$${k}`),
  ),
  { maxKeys: 2 },
);

// ---- what validation must answer: the rules, written out again as the oracle ---------------

const isSet = (v: unknown): boolean => v !== null && v !== undefined;
const blank = (v: unknown): boolean => !isSet(v) || v === "";

/** Whether a known value fits the attribute's Terraform type (and its enum). */
function fitsType(a: Attribute, v: unknown): boolean {
  if (a.type === "bool") return typeof v === "boolean";
  if (a.type === "number") return typeof v === "number" && Number.isFinite(v);
  if (a.type === "string") return typeof v === "string" && (!a.enum || a.enum.includes(v));
  throw new Error(`no list attributes in these tables (${a.name})`);
}

/**
 * The names the attribute table alone refuses: unknown names, read-only attributes set, known
 * values of the wrong type or outside the enum, required text left blank.
 */
function tableFaults(attributes: readonly Attribute[], config: Record<string, unknown>): string[] {
  const byName = new Map(attributes.map((a) => [a.name, a]));
  const faults: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    const a = byName.get(k);
    if (a === undefined) faults.push(k);
    else if (v === null || v === undefined || v === UNKNOWN) continue;
    else if (a.kind === "computed" || !fitsType(a, v)) faults.push(k);
    else if (a.kind === "required" && typeof v === "string" && v.trim() === "") faults.push(k);
  }
  return faults;
}

/** The secret-form rules: one form at a time, a version beside its `_wo`, `_wo` on 1.11+. */
function secretFormFaults(
  plains: readonly string[],
  c: Record<string, unknown>,
  woAllowed: boolean,
): string[] {
  return plains.flatMap((p) => [
    ...(isSet(c[p]) && isSet(c[`${p}_wo`]) ? [`${p}_wo`] : []),
    ...(isSet(c[`${p}_wo_version`]) && !isSet(c[`${p}_wo`]) ? [`${p}_wo_version`] : []),
    ...(isSet(c[`${p}_wo`]) && !woAllowed ? [`${p}_wo`] : []),
  ]);
}

/** An absolute https URL, or plain http to a loopback host. */
function httpsOrLoopback(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === "https:" || (u.protocol === "http:" && isLoopbackHost(u.hostname));
  } catch {
    return false;
  }
}

/** The cross-field rules of cpq_sso_configuration, on a configuration the table accepts. */
function ssoRuleFaults(c: Record<string, unknown>, woAllowed: boolean): string[] {
  const faults: string[] = [];
  const federated =
    c.sso_method === "Federated Authentication" || c.sso_method === "Federated and Remote";
  if (federated) {
    faults.push(...["saml_idp_url", "id_provider_certificate"].filter((n) => blank(c[n])));
  }
  // Form rules: where the method uses the SAML settings, or is not set or known (may be federated).
  if (federated || typeof c.sso_method !== "string") {
    const text = (n: string): string | undefined => {
      const v = c[n];
      return typeof v === "string" && v.trim() !== "" ? v : undefined;
    };
    for (const n of SAML_URLS) {
      const v = text(n);
      if (v !== undefined && !httpsOrLoopback(v)) faults.push(n);
    }
    const cert = text("id_provider_certificate");
    if (cert !== undefined && parseCertificate(cert) === undefined) {
      faults.push("id_provider_certificate");
    }
  }
  if (c.saml_user_id_location === "idLocationAttribute" && blank(c.saml_attribute_name)) {
    faults.push("saml_attribute_name");
  }
  if (c.saml_need_request_signed === true) {
    if (blank(c.saml_request_keystore)) faults.push("saml_request_keystore");
    for (const p of ["saml_store_pass", "saml_key_pass"]) {
      if (!isSet(c[p]) && !isSet(c[`${p}_wo`])) faults.push(`${p}_wo`);
    }
  }
  return [...faults, ...secretFormFaults(["saml_store_pass", "saml_key_pass"], c, woAllowed)];
}

/** The cross-field rules of cpq_user_integration_login, on a configuration the table accepts. */
function uilRuleFaults(c: Record<string, unknown>, woAllowed: boolean): string[] {
  const faults: string[] = [];
  // Naming the user waits until both names are known; both set is for the plan to check.
  if (c.party_number !== UNKNOWN && c.user_login !== UNKNOWN) {
    if (!isSet(c.party_number) && !isSet(c.user_login)) faults.push("party_number");
  }
  for (const n of ["party_number", "user_login"]) {
    const v = c[n];
    if (typeof v === "string" && v.trim() === "") faults.push(n);
  }
  faults.push(...secretFormFaults(["password", "security_token"], c, woAllowed));
  if (c.validate_credentials === true && !isSet(c.password) && !isSet(c.password_wo)) {
    faults.push("validate_credentials");
  }
  return faults;
}

/**
 * The attributes validation must name in its errors, and no others: the table's faults, or when
 * the table accepts the configuration, the broken cross-field rules.
 */
function expectedErrorPaths(t: Table, config: Record<string, unknown>, woAllowed: boolean) {
  const faults = tableFaults(t.attributes, config);
  if (faults.length > 0) return new Set(faults);
  return new Set(t === SSO ? ssoRuleFaults(config, woAllowed) : uilRuleFaults(config, woAllowed));
}

/** The provider configuration's rules: table, ranges, URLs, one way to authenticate. */
function providerErrorPaths(c: Record<string, unknown>): Set<string> {
  const faults = new Set(tableFaults(PROVIDER_ATTRIBUTES, c));
  const outside = (name: string, ok: (n: number) => boolean): void => {
    const v = c[name];
    if (typeof v === "number" && !faults.has(name) && !ok(v)) faults.add(name);
  };
  const limits = CLIENT_LIMITS;
  outside("request_timeout", (n) => n >= 0.001 && n <= limits.requestTimeoutMs.max / 1000);
  outside(
    "requests_per_second",
    (n) => n >= limits.requestsPerSecond.min && n <= limits.requestsPerSecond.max,
  );
  for (const [name, l] of [
    ["max_retries", limits.maxRetries],
    ["max_concurrency", limits.maxConcurrency],
  ] as const) {
    outside(name, (n) => Number.isInteger(n) && n >= l.min && n <= l.max);
  }
  for (const name of ["base_url", "token_url"]) {
    const v = c[name];
    if (typeof v === "string" && v !== "" && serviceUrlProblem(v) !== undefined) faults.add(name);
  }
  const known = (n: string): boolean => isSet(c[n]) && c[n] !== UNKNOWN;
  const modes = [
    known("access_token") && "access_token",
    known("token_url") && "token_url",
    (known("username") || known("password")) && "username",
  ].filter((m): m is string => m !== false);
  // The second mode configured is the one at fault.
  if (modes.length > 1) faults.add(modes[1]!);
  return faults;
}

/**
 * Checks what every diagnostic must be, whatever the input: an error or a warning, a summary,
 * one path element naming an attribute of the table (or, for an unknown name, a key of the
 * configuration), and no secret of the configuration (a text of 8 characters or more that no
 * other attribute's name or value holds) in its text.
 */
function expectWellFormed(
  diags: readonly Diagnostic[],
  attributes: readonly Attribute[],
  config: Record<string, unknown>,
): void {
  const names = new Set(attributes.map((a) => a.name));
  for (const d of diags) {
    expect(["error", "warning"]).toContain(d.severity);
    expect(typeof d.summary === "string" && d.summary.trim() !== "").toBe(true);
    expect(d.path).toHaveLength(1);
    const at = d.path![0]!;
    if (d.severity === "warning" || Object.hasOwn(config, at) === false)
      expect(names).toContain(at);
  }
  const secret = new Set(attributes.filter((a) => a.sensitive || a.writeOnly).map((a) => a.name));
  const others = Object.entries(config)
    .filter(([k]) => !secret.has(k))
    .map(([k, v]) => `${k} ${textOf(v)}`)
    .join("\n");
  const text = diags.map((d) => `${d.summary}\n${d.detail ?? ""}`).join("\n");
  for (const [k, v] of Object.entries(config)) {
    if (!secret.has(k) || typeof v !== "string" || v.length < 8 || others.includes(v)) continue;
    if (text.includes(v)) throw new Error(`the value of ${k} is in a diagnostic: ${text}`);
  }
}

/** Any value as text, for the secret check's "held elsewhere" test; never a throw. */
function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return typeof v;
  }
}

/** The set of attributes named by the errors among `diags`. */
const errorPaths = (diags: readonly Diagnostic[]): Set<string> =>
  new Set(diags.filter((d) => d.severity === "error").map((d) => d.path?.[0] ?? "(no path)"));

const tally: Record<string, number> = {};
afterAll(() => {
  // One line for docs/reliability.md: how many inputs each property saw.
  process.stdout.write(`property-validation inputs: ${JSON.stringify(tally)}\n`);
});
const count = (key: string): void => {
  tally[key] = (tally[key] ?? 0) + 1;
};

describe.each(TABLES)("the $name attribute table under generated input", (t) => {
  it("refuses every generated bad configuration with an error naming the attribute", () => {
    fc.assert(
      fc.property(badConfigs(t), (bad) => {
        count(`${t.name}:bad`);
        const diags = t.validate(bad.config, bad.woAllowed ?? true);
        const errors = diags.filter((d) => d.severity === "error");
        const wanted = typeof bad.attribute === "string" ? [bad.attribute] : bad.attribute;
        const named = errors.filter((d) => wanted.includes(d.path?.[0] ?? ""));
        if (named.length === 0) {
          throw new Error(
            `${bad.kind}: no error names ${wanted.join("/")}: ${JSON.stringify(diags)}`,
          );
        }
        // The message names the attribute too, not only the path.
        expect(named.some((d) => `${d.summary} ${d.detail ?? ""}`.includes(d.path![0]!))).toBe(
          true,
        );
      }),
      params(RUNS.bad),
    );
  });

  it("never repeats a secret attribute's value in a diagnostic, whatever its type", () => {
    const secrets = t.attributes.filter((a) => a.sensitive || a.writeOnly);
    const canary = fc.oneof(
      fc.string({ minLength: 6, maxLength: 20 }).map((s) => `canary-${s}`),
      fc.integer({ min: 100_000_000, max: 999_999_999 }),
    );
    fc.assert(
      fc.property(
        background(t),
        fc.constantFrom(...secrets),
        canary,
        fc.boolean(),
        (bg, a, v, wo) => {
          count(`${t.name}:secret-echo`);
          const diags = t.validate({ ...bg, ...t.base, [a.name]: v }, wo);
          const text = JSON.stringify(diags);
          expect(text).not.toContain(String(v));
        },
      ),
      params(RUNS.bad),
    );
  });

  it("accepts a configuration of good values on free attributes", () => {
    fc.assert(
      fc.property(background(t), (bg) => {
        count(`${t.name}:good`);
        const errors = t.validate({ ...bg, ...t.base }).filter((d) => d.severity === "error");
        expect(errors).toEqual([]);
      }),
      params(RUNS.bad),
    );
  });

  it("answers arbitrary values under any attribute name, unknowns included, with an error exactly where a rule is broken", () => {
    const key = fc.oneof(
      fc.constantFrom(...t.attributes.map((a) => a.name)),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.dictionary(key, anything, { maxKeys: 8 }), fc.boolean(), (config, wo) => {
        count(`${t.name}:anything`);
        const diags = t.validate(config, wo);
        expectWellFormed(diags, t.attributes, config);
        expect([...errorPaths(diags)].sort()).toEqual(
          [...expectedErrorPaths(t, config, wo)].sort(),
        );
      }),
      params(RUNS.noThrow),
    );
  });
});

describe("the provider's validate and plan functions under generated values", () => {
  const fakeDirectory = new UserDirectory({
    listAllUsers: () =>
      Promise.resolve([
        { partyNumber: "1001", login: "jdoe", integrations: { items: [] } },
      ] as never),
    getUserIntegration: () => Promise.resolve(null),
    getPartners: () =>
      Promise.resolve([
        {
          tab: "crm",
          partner: "Oracle Sales",
          oauthEnabled: true,
          inbound: true,
          outbound: true,
        },
        {
          tab: "erp",
          partner: "Oracle ERP",
          oauthEnabled: false,
          inbound: false,
          outbound: true,
        },
        { tab: "sf", partner: "Salesforce", oauthEnabled: false, inbound: true, outbound: false },
      ]),
  });
  const uilCtx = { client: {}, directory: fakeDirectory } as unknown as UserIntegrationContext;

  it("validates any well-typed resource configuration, unknowns included, with an error exactly where a rule is broken", () => {
    for (const [r, t] of [
      [ssoConfigurationResource, SSO],
      [userIntegrationLoginResource, UIL],
    ] as const) {
      fc.assert(
        fc.property(
          fc.oneof(objectValue(r.attributes), configValue(r.attributes)),
          fc.boolean(),
          fc.boolean(),
          (cfg, wo, deferral) => {
            count(`${r.typeName}:validate`);
            const diags = validateConfiguration(r, cfg, {
              writeOnlyAttributesAllowed: wo,
              deferralAllowed: deferral,
            });
            expectWellFormed(diags, r.attributes, cfg);
            expect([...errorPaths(diags)].sort()).toEqual(
              [...expectedErrorPaths(t, cfg, wo)].sort(),
            );
          },
        ),
        params(RUNS.noThrow),
      );
    }
  });

  it("validates any provider configuration with an error exactly where a rule is broken", () => {
    fc.assert(
      fc.property(objectValue(cpqProvider.attributes), (cfg) => {
        count("provider:validate");
        const diags = validateConfiguration(cpqProvider, cfg);
        expectWellFormed(diags, cpqProvider.attributes, cfg);
        expect([...errorPaths(diags)].sort()).toEqual([...providerErrorPaths(cfg)].sort());
      }),
      params(RUNS.noThrow),
    );
  });

  /** The site's live SSO settings a create adopts: any readable field, any text, or absent. */
  const liveSso = fc.dictionary(
    fc.constantFrom(...SSO_READABLE_FIELDS),
    fc.string({ maxLength: 40 }),
  );
  /** A site that answers GET ssoConfiguration with `live`; a plan never POSTs. */
  const liveSite = (live: Record<string, string>): SsoApi => ({
    getSsoConfiguration: async () => live,
    postSsoConfiguration: () => Promise.reject(new Error("a plan must not POST")),
  });

  it("plans cpq_sso_configuration from any prior, proposed and private state without throwing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(objectValue(SSO_ATTRIBUTES), { nil: null }),
        objectValue(SSO_ATTRIBUTES),
        objectValue(SSO_ATTRIBUTES),
        privateState,
        liveSso,
        async (prior, proposed, config, priv, live) => {
          count("cpq_sso_configuration:plan");
          // Write-only values are nulled by the plugin for every resource, not here: see
          // plugin-plan-rules.test.ts.
          await ssoConfigurationResource.plan({
            ctx: { client: liveSite(live) },
            prior,
            proposed,
            config,
            priorPrivate: priv,
          });
        },
      ),
      params(RUNS.plan),
    );
  });

  it("plans cpq_user_integration_login from any prior, proposed and private state without throwing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(objectValue(USER_INTEGRATION_LOGIN_ATTRIBUTES), { nil: null }),
        objectValue(USER_INTEGRATION_LOGIN_ATTRIBUTES),
        objectValue(USER_INTEGRATION_LOGIN_ATTRIBUTES),
        privateState,
        async (prior, proposed, config, priv) => {
          count("cpq_user_integration_login:plan");
          const res = await userIntegrationLoginResource.plan({
            ctx: uilCtx,
            prior,
            proposed,
            config,
            priorPrivate: priv,
          });
          expect(res.planned).toBeDefined();
        },
      ),
      params(RUNS.plan),
    );
  });

  it("plans with a federated method and every other value unknown without an error", async () => {
    const proposed: ObjectValue = {};
    for (const a of SSO_ATTRIBUTES) proposed[a.name] = a.writeOnly ? null : UNKNOWN;
    proposed.sso_method = SSO_METHODS[1];
    const res = await ssoConfigurationResource.plan({
      ctx: { client: liveSite({ ssoMethod: "Federated Authentication" }) },
      prior: null,
      proposed,
      config: proposed,
      priorPrivate: {},
    });
    expect((res.diagnostics ?? []).filter((d) => d.severity === "error")).toEqual([]);
  });
});
