/**
 * The log of CPQ requests the simulator received, for tests to assert what a client sent. Every
 * secret is masked before it is stored, so the log can be printed in a failing test safely.
 */
import { SECRET_FIELD_NAMES } from "./wire";

/** The mask that replaces a secret value. */
export const MASK = "***";

/** One logged request. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  status: number;
  readonly body: unknown;
  readonly auth: string;
  readonly at: string;
  /** The injected fault that met the request, if any. */
  fault?: string;
}

// Bounded so a long benchmark against one simulator does not grow without limit.
const MAX_ENTRIES = 10000;

/** Masks secret values, at any depth. `""` is kept: it tells a test a secret was cleared. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_FIELD_NAMES.includes(k) && v !== "" ? MASK : maskSecrets(v);
    }
    return out;
  }
  return value;
}

/**
 * The logged form of a body: parsed JSON or form, masked; a body that parses as neither is not
 * stored (it could hold a secret in a shape the mask does not know).
 */
export function loggableBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString("utf8");
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? "")) {
    return maskSecrets(Object.fromEntries(new URLSearchParams(text)));
  }
  try {
    return maskSecrets(JSON.parse(text));
  } catch {
    return `<${raw.length} bytes, not JSON>`;
  }
}

/** The request log. */
export class RequestLog {
  private entries: LoggedRequest[] = [];

  /** Appends an entry; the caller sets its status when the answer is known. */
  add(entry: LoggedRequest): LoggedRequest {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES)
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    return entry;
  }

  /** Every entry, oldest first. */
  items(): readonly LoggedRequest[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
