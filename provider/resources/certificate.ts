/**
 * What an IdP certificate says: fingerprint, expiry and subject, read with node:crypto. CPQ stores
 * the certificate as text and checks nothing (Oracle's own sample holds placeholder text), so a
 * certificate that does not parse or is about to expire is a warning, never an error.
 */
import { X509Certificate } from "node:crypto";
import type { Diagnostic } from "./types";

/** The facts the provider exposes as computed attributes. */
export interface CertificateFacts {
  readonly sha256Fingerprint: string;
  /** RFC 3339, UTC. */
  readonly notAfter: string;
  readonly subject: string;
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** Parses a certificate given as PEM or as base64 DER; undefined when it is neither. */
export function parseCertificate(text: string): CertificateFacts | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  let input: string | Buffer;
  const pem = PEM.exec(trimmed);
  if (pem) input = pem[0];
  else {
    const compact = trimmed.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
    input = Buffer.from(compact, "base64");
  }
  try {
    const cert = new X509Certificate(input);
    return {
      sha256Fingerprint: cert.fingerprint256,
      notAfter: new Date(cert.validTo).toISOString().replace(/\.\d{3}Z$/, "Z"),
      subject: cert.subject.split("\n").join(", "),
    };
  } catch {
    return undefined;
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Warnings about a certificate: unparseable, expiring within `warnDays`, or expired. */
export function certificateWarnings(
  text: string,
  attribute: string,
  now: Date = new Date(),
  warnDays = 30,
): Diagnostic[] {
  if (text.trim() === "") return [];
  const facts = parseCertificate(text);
  if (!facts) {
    return [
      {
        severity: "warning",
        summary: `"${attribute}" does not look like an X.509 certificate`,
        detail:
          `CPQ will store it as given, but SAML logins will likely fail. Give the identity ` +
          `provider's signing certificate as PEM ("-----BEGIN CERTIFICATE-----...") or as base64 DER.`,
        path: [attribute],
      },
    ];
  }
  const left = Date.parse(facts.notAfter) - now.getTime();
  if (left <= 0) {
    return [
      {
        severity: "warning",
        summary: `The certificate in "${attribute}" expired on ${facts.notAfter}`,
        detail:
          `CPQ rejects assertions signed with an expired certificate, so SAML single sign-on to ` +
          `this site is failing now. Replace it with the identity provider's current signing ` +
          `certificate (subject: ${facts.subject}).`,
        path: [attribute],
      },
    ];
  }
  if (left < warnDays * DAY_MS) {
    return [
      {
        severity: "warning",
        summary: `The certificate in "${attribute}" expires ${expiresIn(left)}`,
        detail:
          `It is valid until ${facts.notAfter}. Roll the identity provider's new signing ` +
          `certificate before then, or SAML logins will stop working.`,
        path: [attribute],
      },
    ];
  }
  return [];
}

/**
 * "in 10 days" for what is left of a validity, to the nearest day: a certificate made to last 10
 * days, read a minute later, still expires "in 10 days", not "in 9". Under half a day: "within a
 * day".
 */
export function expiresIn(leftMs: number): string {
  const days = Math.round(leftMs / DAY_MS);
  return days < 1 ? "within a day" : `in ${days} day${days === 1 ? "" : "s"}`;
}

/** A warning when a URL setting is not an absolute https URL (CPQ does not check the form). */
export function urlWarnings(value: string, attribute: string): Diagnostic[] {
  if (value.trim() === "") return [];
  let ok = false;
  try {
    ok = new URL(value).protocol === "https:";
  } catch {
    ok = false;
  }
  if (ok) return [];
  return [
    {
      severity: "warning",
      summary: `"${attribute}" is not an absolute https URL`,
      detail:
        `CPQ stores ${JSON.stringify(value)} as given, but SSO redirects will likely fail. ` +
        `Use an absolute URL such as "https://idp.example.com/saml2/sso".`,
      path: [attribute],
    },
  ];
}
