/**
 * Readers of the coded values in CPQ user records (`type`, `status`, `enabledForSso`, ...):
 * `{"value": ..., "displayValue": ...}` objects as Oracle prints them, or bare values. A module
 * without zod, so the resources can use it at provider start-up without loading the client.
 */

/** A coded value as the wire may carry it. */
export type CodedWire =
  | string
  | number
  | boolean
  | {
      readonly value?: string | number | boolean | null | undefined;
      readonly displayValue?: string | null | undefined;
      readonly [k: string]: unknown;
    };

/** The address fields of a user record. */
interface WithEmail {
  readonly email?: string | null | undefined;
  readonly emailAddress?: string | null | undefined;
}

/** A coded value as text: its display value, else its value, else null. */
export function codedText(v: CodedWire | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "object") return String(v);
  if (typeof v.displayValue === "string" && v.displayValue !== "") return v.displayValue;
  return v.value === undefined || v.value === null ? null : String(v.value);
}

/**
 * A coded yes/no (`enabledForSso`) as a boolean: `true`, `"true"`, `1`, `"Yes"`, `"Y"` (and the
 * same inside `{value}`) are true; their opposites false; anything else null (unknown).
 */
export function codedBoolean(v: CodedWire | null | undefined): boolean | null {
  const raw = v !== null && typeof v === "object" ? (v.value ?? v.displayValue) : v;
  if (raw === true || raw === 1) return true;
  if (raw === false || raw === 0) return false;
  if (typeof raw === "string") {
    const s = raw.trim().toLowerCase();
    if (["true", "yes", "y", "1"].includes(s)) return true;
    if (["false", "no", "n", "0"].includes(s)) return false;
  }
  return null;
}

/** A user's address: `email` as Oracle names it, else the older `emailAddress`. */
export function userEmail(u: WithEmail): string | null {
  return u.email ?? u.emailAddress ?? null;
}
