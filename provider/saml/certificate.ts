/**
 * What an X.509 certificate says (an IdP's or CPQ's SAML signing certificate): fingerprint, expiry
 * and subject, read with node:crypto. Imports nothing of the provider: the SAML metadata reader,
 * the resources, the functions and the CLI all read certificates with it.
 */
import { X509Certificate } from "node:crypto";

/** The facts the provider exposes (computed attributes, and provider::cpq::certificate). */
export interface CertificateFacts {
  readonly sha256Fingerprint: string;
  /** RFC 3339, UTC. */
  readonly notAfter: string;
  readonly subject: string;
  /**
   * The DER bytes as one line of base64, no BEGIN/END lines: the form some IdP providers' arguments
   * take (Okta's `single_logout_certificate`).
   */
  readonly base64Der: string;
}

/**
 * The longest certificate text read, in characters. One PEM certificate is 1-3 KiB (a 4096-bit
 * RSA key with a long subject about 2.5 KiB); 64 KiB holds a chain of a dozen. The text comes from
 * CPQ, a plan or a configuration, and CPQ answers of several MiB are accepted: longer text is
 * refused by this one length check, before any parsing.
 */
export const MAX_CERTIFICATE_CHARS = 64 * 1024;

const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

/**
 * The first PEM block of `text`, found with two forward scans. A lazy regular expression over the
 * same text (BEGIN, anything, END) restarts its scan at every BEGIN that has no END after it, so
 * text made of BEGIN lines cost time quadratic in its length.
 */
function firstPemBlock(text: string): string | undefined {
  const begin = text.indexOf(BEGIN);
  if (begin < 0) return undefined;
  // At least one character between the markers, as a certificate needs.
  const end = text.indexOf(END, begin + BEGIN.length + 1);
  return end < 0 ? undefined : text.slice(begin, end + END.length);
}

/**
 * Parses a certificate given as PEM or as base64 DER; undefined when it is neither, or when it is
 * longer than {@link MAX_CERTIFICATE_CHARS}. Linear in the length of `text`.
 */
export function parseCertificate(text: string): CertificateFacts | undefined {
  if (text.length > MAX_CERTIFICATE_CHARS) return undefined;
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  let input: string | Buffer;
  const pem = firstPemBlock(trimmed);
  if (pem !== undefined) input = pem;
  else {
    const compact = trimmed.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
    input = Buffer.from(compact, "base64");
  }
  try {
    const cert = new X509Certificate(input);
    return {
      sha256Fingerprint: cert.fingerprint256,
      notAfter: rfc3339(cert.validTo),
      subject: cert.subject.split("\n").join(", "),
      base64Der: cert.raw.toString("base64"),
    };
  } catch {
    return undefined;
  }
}

/** PEM with 64-character lines, from base64 DER on one line (as `id_provider_certificate` takes it). */
export function pemOf(base64Der: string): string {
  const lines = base64Der.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** node's validity date text as RFC 3339 in UTC, to the second. */
function rfc3339(date: string): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A day in milliseconds: certificate windows are counted in days. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * "in 10 days" for what is left of a validity, to the nearest day: a certificate made to last 10
 * days, read a minute later, still expires "in 10 days", not "in 9". Under half a day: "within a
 * day".
 */
export function expiresIn(leftMs: number): string {
  const days = Math.round(leftMs / DAY_MS);
  return days < 1 ? "within a day" : `in ${days} day${days === 1 ? "" : "s"}`;
}
