/**
 * Keeps secrets out of messages and log lines. CPQ's error texts may echo what was sent (a
 * refused value, a login), so every text that leaves the transport passes through a
 * {@link Redactor} that knows the secrets in play: the configured credentials, the current OAuth
 * token, and the secret fields of the request body.
 */

const MASK = "***";

/** Secrets shorter than this are not searched for: masking every "a" would garble the text. */
const MIN_SECRET_LENGTH = 3;

/** Replaces every known secret (and its common encodings) in a text with `***`. */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret; its URL-encoded, JSON-escaped and base64 forms are masked too. */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(secret);
    this.secrets.add(encodeURIComponent(secret));
    this.secrets.add(JSON.stringify(secret).slice(1, -1));
    this.secrets.add(Buffer.from(secret, "utf8").toString("base64"));
  }

  /** A copy with the extra secrets added. */
  with(secrets: Iterable<string | undefined>): Redactor {
    const copy = new Redactor();
    for (const s of this.secrets) copy.secrets.add(s);
    for (const s of secrets) copy.add(s);
    return copy;
  }

  /** The text with every known secret masked; longest first, so a secret's prefix never leaks. */
  redact(text: string): string {
    let out = text;
    const sorted = [...this.secrets].sort((a, b) => b.length - a.length);
    for (const s of sorted) {
      if (s.length >= MIN_SECRET_LENGTH && out.includes(s)) out = out.split(s).join(MASK);
    }
    return out;
  }
}
