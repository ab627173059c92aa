/**
 * What an X.509 certificate says (an IdP's or CPQ's SAML signing certificate): fingerprint, expiry
 * and subject, read with node:crypto. Imports nothing of the provider: the SAML metadata reader,
 * the resources, the functions and the CLI all read certificates with it.
 */
import { X509Certificate } from "node:crypto";

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

/**
 * "in 10 days" for what is left of a validity, to the nearest day: a certificate made to last 10
 * days, read a minute later, still expires "in 10 days", not "in 9". Under half a day: "within a
 * day".
 */
export function expiresIn(leftMs: number): string {
  const days = Math.round(leftMs / DAY_MS);
  return days < 1 ? "within a day" : `in ${days} day${days === 1 ? "" : "s"}`;
}
