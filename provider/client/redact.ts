/**
 * Keeps secrets out of messages and log lines. CPQ's error texts may echo what was sent (a
 * refused value, a login), so every text that leaves the transport passes through a
 * {@link Redactor} that knows the secrets in play: the configured credentials, the current OAuth
 * token, and the secret fields of the request body.
 *
 * A server echoes a value in whatever form its page or log takes, so each secret is searched for
 * in the forms an echo takes: as is, URL-encoded (`%20` and `+` for a space), JSON-escaped,
 * HTML-escaped, base64 (padded, unpadded, URL-safe, and at each of the three byte alignments it can
 * have inside a longer base64 text), and hex; every form without regard to ASCII case, so an
 * upper-cased echo or upper-case hex is masked too.
 */

const MASK = "***";

/** Secrets shorter than this are not searched for: masking every "a" would garble the text. */
const MIN_SECRET_LENGTH = 3;
/**
 * The shortest base64 fragment searched for when a secret sits inside a longer base64 text: the
 * fragment is the part of the encoding that depends on the secret alone.
 */
const MIN_FRAGMENT_LENGTH = 6;

/** ASCII letters lowered, nothing else changed: the text keeps its length, so indexes hold. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** How HTML escapers spell the quotes: each spelling of one with each of the other is a form. */
const DOUBLE_QUOTE = ["&quot;", "&#34;", "&#x22;"] as const;
const SINGLE_QUOTE = ["&#39;", "&#x27;", "&apos;"] as const;

/** The HTML-escaped forms of `s` (at most nine: the quote spellings combined). */
function htmlForms(s: string): string[] {
  const base = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const forms = new Set<string>();
  for (const dq of DOUBLE_QUOTE) {
    for (const sq of SINGLE_QUOTE) forms.add(base.replace(/"/g, dq).replace(/'/g, sq));
  }
  return [...forms];
}

/**
 * The base64 of `bytes` as it appears inside a longer base64 text whose data put `offset` (0-2)
 * bytes before it in its 3-byte group: only the characters that depend on `bytes` alone.
 */
function base64Fragment(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
  const head = Math.ceil((8 * offset) / 6);
  const fullGroups = Math.floor((offset + bytes.length) / 3);
  return encoded.slice(head, fullGroups * 4);
}

/** Every form in which `secret` is searched for. */
function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const base64 = bytes.toString("base64");
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    ...htmlForms(secret),
    base64,
    base64.replace(/=+$/, ""),
    bytes.toString("base64url"),
    bytes.toString("hex"),
  ];
  for (const offset of [1, 2]) {
    const fragment = base64Fragment(bytes, offset);
    if (fragment.length >= MIN_FRAGMENT_LENGTH) forms.push(fragment);
  }
  // A fragment at offset 0 is the unpadded base64 cut to whole groups: it catches the secret
  // followed by more data (a Basic credential "user:password" is base64 of one longer text).
  const aligned = base64Fragment(bytes, 0);
  if (aligned.length >= MIN_FRAGMENT_LENGTH) forms.push(aligned);
  return forms.filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** Replaces every known secret (in every form above) in a text with `***`. */
export class Redactor {
  /** The forms searched for, ASCII-folded. */
  private readonly forms = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret; its encoded, escaped and re-cased forms are masked too. */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
    for (const f of formsOf(secret)) this.forms.add(foldAscii(f));
    // Non-ASCII letters change case outside foldAscii: their upper- and lower-case forms too.
    this.forms.add(foldAscii(secret.toUpperCase()));
    this.forms.add(foldAscii(secret.toLowerCase()));
  }

  /** A copy with the extra secrets added. */
  with(secrets: Iterable<string | undefined>): Redactor {
    const copy = new Redactor();
    for (const f of this.forms) copy.forms.add(f);
    for (const s of secrets) copy.add(s);
    return copy;
  }

  /**
   * The text with every known secret masked. Every occurrence of every form is found first and
   * overlapping ones merged, so no part of a secret is left beside a mask.
   */
  redact(text: string): string {
    const folded = foldAscii(text);
    const spans: [number, number][] = [];
    for (const f of this.forms) {
      for (let at = folded.indexOf(f); at >= 0; at = folded.indexOf(f, at + 1)) {
        spans.push([at, at + f.length]);
      }
    }
    if (spans.length === 0) return text;
    spans.sort((x, y) => x[0] - y[0]);
    let out = "";
    let pos = 0;
    let start = -1;
    let end = -1;
    for (const [s, e] of spans) {
      if (end >= 0 && s <= end) {
        end = Math.max(end, e);
        continue;
      }
      if (end >= 0) {
        out += text.slice(pos, start) + MASK;
        pos = end;
      }
      start = s;
      end = e;
    }
    return out + text.slice(pos, start) + MASK + text.slice(end);
  }
}
