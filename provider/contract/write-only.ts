/**
 * Write-only secrets (Terraform 1.11): never in plan or state, so a change cannot be seen by
 * comparing values. Each resource keeps a salted hash of what it last sent in private state and
 * compares at plan; a `*_wo_version` attribute is the manual alternative.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { attributeError, isKnown, isSet } from "./attributes";
import type { Attribute, Diagnostic, ObjectValue, PrivateState } from "./types";

// scrypt, not a bare hash: private state sits in the state file, and passwords can be guessable.
const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;

/**
 * scrypt off the main thread: about 30 ms of CPU each, and Terraform plans several resources at
 * once, so the hashes of one plan run side by side on libuv's pool instead of one after another.
 */
function derive(secret: string, salt: Uint8Array, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, length, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * A salted scrypt hash of a secret, safe to keep in private state. The salt is typed as a plain
 * `Uint8Array`: this module's declarations reach the constructs' published types, which must not
 * need Node's type definitions in an app that has none.
 */
export async function hashSecret(
  secret: string,
  salt: Uint8Array = randomBytes(16),
): Promise<string> {
  const key = await derive(secret, salt, 32);
  return `scrypt1$${Buffer.from(salt).toString("base64")}$${key.toString("base64")}`;
}

/** Whether `secret` is the one `stored` (from {@link hashSecret}) was made from. */
export async function secretMatches(secret: string, stored: string): Promise<boolean> {
  const [tag, salt, key] = stored.split("$");
  if (tag !== "scrypt1" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await derive(secret, Buffer.from(salt, "base64"), expected.length);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A write-only attribute and its version attribute. */
export interface WriteOnlySecret {
  /** The write-only attribute, e.g. `saml_store_pass_wo`; also its key in private state. */
  readonly wo: string;
  /** The version attribute, e.g. `saml_store_pass_wo_version`. */
  readonly version: string;
}

/**
 * A secret CPQ takes but never returns, offered three ways: a sensitive attribute kept in state
 * (`plain`), a write-only one (`<plain>_wo`) and the write-only value's version
 * (`<plain>_wo_version`).
 */
export interface CpqSecret<W extends string = string> extends WriteOnlySecret {
  /** The sensitive attribute kept in state, e.g. `saml_store_pass`. */
  readonly plain: string;
  /** The field CPQ takes it in, e.g. `samlStorePass`. */
  readonly wire: W;
}

/** The secret whose sensitive attribute is `plain`, with its write-only forms named after it. */
export function cpqSecret<W extends string>(plain: string, wire: W): CpqSecret<W> {
  return { plain, wire, wo: `${plain}_wo`, version: `${plain}_wo_version` };
}

/**
 * The secret's three attributes, in table order. `shared` holds a resource's own fields for the
 * sensitive and the write-only attribute (the SSO table's `restart`), `plainOnly` those for the
 * sensitive one alone (the SSO table's `wire`).
 */
export function secretAttributes<A extends Attribute>(
  s: CpqSecret,
  descriptions: { readonly plain: string; readonly wo: string },
  shared?: Omit<Partial<A>, keyof Attribute>,
  plainOnly?: Omit<Partial<A>, keyof Attribute>,
): A[] {
  return [
    {
      name: s.plain,
      ...plainOnly,
      type: "string",
      kind: "optional",
      sensitive: true,
      ...shared,
      description: descriptions.plain,
    } as A,
    {
      name: s.wo,
      type: "string",
      kind: "optional",
      sensitive: true,
      writeOnly: true,
      ...shared,
      description: descriptions.wo,
    } as A,
    {
      name: s.version,
      type: "number",
      kind: "optional",
      description: `Change this number to send \`${s.wo}\` again.`,
    } as A,
  ];
}

/**
 * Whether a write-only secret must be sent: on create; when its version changed; when its hash
 * differs from the one kept in private state. With no hash (after an import) it counts as
 * unchanged, with a warning that says how to send it.
 */
export async function writeOnlyChange(
  s: WriteOnlySecret,
  prior: ObjectValue | null,
  planned: ObjectValue,
  config: ObjectValue,
  priv: PrivateState,
): Promise<WriteOnlyChange> {
  const value = config[s.wo];
  if (!isKnown(value) || typeof value !== "string") return { send: false };
  if (prior === null) return { send: true };
  if (planned[s.version] !== prior[s.version]) return { send: true };
  const stored = priv[s.wo];
  if (stored === undefined) {
    return {
      send: false,
      warning: {
        severity: "warning",
        summary: `"${s.wo}" is assumed unchanged`,
        detail: `There is no record of the value CPQ holds (the resource was imported, or the secret was last set outside Terraform), so it is not sent now. Change "${s.version}" to send it.`,
        path: [s.wo],
      },
    };
  }
  return { send: !(await secretMatches(value, stored)) };
}

/** Whether one write-only secret must be sent, and a warning when that cannot be known. */
export interface WriteOnlyChange {
  readonly send: boolean;
  readonly warning?: Diagnostic;
}

/** {@link writeOnlyChange} for each secret, computed side by side; in the order given. */
export function writeOnlyChanges<S extends WriteOnlySecret>(
  secrets: readonly S[],
  prior: ObjectValue | null,
  planned: ObjectValue,
  config: ObjectValue,
  priv: PrivateState,
): Promise<(WriteOnlyChange & { readonly secret: S })[]> {
  return Promise.all(
    secrets.map(async (secret) => ({
      secret,
      ...(await writeOnlyChange(secret, prior, planned, config, priv)),
    })),
  );
}

/**
 * The private state after an apply: a fresh hash for each secret just sent, none for a secret no
 * longer configured, the previous one otherwise.
 */
export async function privateAfterApply(
  secrets: readonly WriteOnlySecret[],
  before: PrivateState,
  config: ObjectValue,
  sent: ReadonlySet<string>,
): Promise<Record<string, string>> {
  const priv: Record<string, string> = { ...before };
  await Promise.all(
    secrets.map(async (s) => {
      const value = config[s.wo];
      if (typeof value !== "string") delete priv[s.wo];
      else if (sent.has(s.wo)) priv[s.wo] = await hashSecret(value);
    }),
  );
  return priv;
}

/**
 * The offline rules of secrets offered in two forms (sensitive in state, and write-only with a
 * version): one form at a time, a version only beside the write-only form, and the write-only
 * form only where Terraform (1.11+) supports it. Shared by every resource with such secrets.
 */
export function secretFormRules(
  secrets: readonly CpqSecret[],
  config: Readonly<Record<string, unknown>>,
  writeOnlyAttributesAllowed: boolean,
): Diagnostic[] {
  const set = (name: string): boolean => isSet(config[name]);
  const diags: Diagnostic[] = [];
  for (const s of secrets) {
    if (set(s.plain) && set(s.wo)) {
      diags.push(
        attributeError(
          s.wo,
          `"${s.plain}" and "${s.wo}" are both set`,
          `Give it once: "${s.wo}" (write-only, never stored in state) is preferred; remove "${s.plain}".`,
        ),
      );
    }
    if (set(s.version) && !set(s.wo)) {
      diags.push(
        attributeError(
          s.version,
          `"${s.version}" is set without "${s.wo}"`,
          `The version only says when to send "${s.wo}" again; set "${s.wo}" too, or remove "${s.version}".`,
        ),
      );
    }
    if (set(s.wo) && !writeOnlyAttributesAllowed) {
      diags.push(
        attributeError(
          s.wo,
          `"${s.wo}" needs Terraform 1.11 or later`,
          `This Terraform does not support write-only attributes. Upgrade Terraform, or use "${s.plain}" (stored, sensitive, in state).`,
        ),
      );
    }
  }
  return diags;
}

/** The plan's warning for a write-only secret that changed: the plan cannot show the value. */
export function secretSendWarning(secret: WriteOnlySecret, consequence = ""): Diagnostic {
  return {
    severity: "warning",
    summary: `"${secret.wo}" changed and will be sent to CPQ`,
    detail: `The new value is write-only, so the plan cannot show it.${consequence ? ` ${consequence}` : ""}`,
    path: [secret.wo],
  };
}
