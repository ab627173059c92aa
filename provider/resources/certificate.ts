/**
 * The warnings about an IdP certificate and the URL settings. CPQ stores the certificate as text
 * and checks nothing (Oracle's own sample holds placeholder text), so a certificate that does not
 * parse or is about to expire is a warning, never an error. What a certificate says is read in
 * ../saml/certificate.ts.
 */
import { MAX_CERTIFICATE_CHARS, expiresIn, parseCertificate } from "../saml/certificate";
import type { Diagnostic } from "./types";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Warnings about a certificate: unparseable, expiring within `warnDays`, or expired. */
export function certificateWarnings(
  text: string,
  attribute: string,
  now: Date = new Date(),
  warnDays = 30,
): Diagnostic[] {
  if (text.trim() === "") return [];
  if (text.length > MAX_CERTIFICATE_CHARS) {
    return [
      {
        severity: "warning",
        summary: `"${attribute}" is too long to be read as a certificate`,
        detail:
          `It is ${text.length} characters long and at most ${MAX_CERTIFICATE_CHARS} are read ` +
          `(one certificate is 1-3 KiB). CPQ will store it as given, but SAML logins will likely ` +
          `fail. Give the identity provider's signing certificate alone, as PEM or base64 DER.`,
        path: [attribute],
      },
    ];
  }
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
