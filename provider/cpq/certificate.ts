/**
 * The rules on an IdP certificate and the SAML URL settings. CPQ stores both as text and checks
 * nothing (Oracle's own sample holds placeholder text), so the provider checks them: a certificate
 * that does not parse, or a URL that is not https, breaks every SAML login where the setting is in
 * use (the caller's {@link FormRule} says how to report it); an expiring or expired certificate is
 * a warning. What a certificate says is read in ../saml/certificate.ts.
 */
import { DAY_MS, MAX_CERTIFICATE_CHARS, expiresIn, parseCertificate } from "../saml/certificate";
import type { Diagnostic, Severity } from "../contract/types";
import { isLoopbackHost } from "../client/urls";

/** How much of a value a message quotes: the value is the user's, but a message stays short. */
const QUOTE_MAX = 120;

/**
 * How a form problem of a setting (a certificate that does not parse, a URL that is not https) is
 * reported: its severity, and the sentence saying what it breaks.
 */
export interface FormRule {
  readonly severity: Severity;
  readonly consequence: string;
}

/** For a value read (from a plan, from CPQ's metadata) rather than configured: nothing to refuse. */
const LIKELY: FormRule = {
  severity: "warning",
  consequence: "CPQ will store it as given, but SAML logins will likely fail.",
};

/**
 * Diagnostics about a certificate: one that does not parse (a warning, or as `form` says), one
 * that expires within `warnDays` or has expired (always warnings: it still signs today, or the
 * fix is to roll it, which refusing the plan would not do).
 */
export function certificateWarnings(
  text: string,
  attribute: string,
  now: Date = new Date(),
  warnDays = 30,
  form: FormRule = LIKELY,
): Diagnostic[] {
  if (text.trim() === "") return [];
  if (text.length > MAX_CERTIFICATE_CHARS) {
    return [
      {
        severity: form.severity,
        summary: `"${attribute}" is too long to be read as a certificate`,
        detail:
          `It is ${text.length} characters long and at most ${MAX_CERTIFICATE_CHARS} are read ` +
          `(one certificate is 1-3 KiB). ${form.consequence} Give the identity provider's ` +
          `signing certificate alone, as PEM or base64 DER.`,
        path: [attribute],
      },
    ];
  }
  const facts = parseCertificate(text);
  if (!facts) {
    return [
      {
        severity: form.severity,
        summary: `"${attribute}" is not an X.509 certificate`,
        detail:
          `${form.consequence} Give the identity provider's signing certificate as PEM ` +
          `("-----BEGIN CERTIFICATE-----...") or as base64 DER, e.g. from its SAML metadata ` +
          `(provider::cpq::idp_metadata, or the construct's idpMetadata prop).`,
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
 * What is wrong with a SAML URL setting, or undefined: it must be an absolute https URL; plain
 * http only to a loopback host (a lab IdP on the machine itself).
 */
function samlUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not an absolute URL";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    return isLoopbackHost(url.hostname) ? undefined : "is plain http";
  }
  return `uses ${url.protocol.replace(/:$/, "")}, not https`;
}

function quote(value: string): string {
  return JSON.stringify(value.length > QUOTE_MAX ? `${value.slice(0, QUOTE_MAX)}...` : value);
}

/** A diagnostic, as `form` says, when a URL setting is not an absolute https URL. */
export function urlDiagnostics(value: string, attribute: string, form: FormRule): Diagnostic[] {
  if (value.trim() === "") return [];
  const problem = samlUrlProblem(value);
  if (problem === undefined) return [];
  return [
    {
      severity: form.severity,
      summary: `"${attribute}" ${problem}: it must be an https URL`,
      detail:
        `${form.consequence} Give an absolute https URL such as "https://idp.example.com/saml2/sso" ` +
        `(got ${quote(value)}); plain http is allowed only to a loopback host (localhost, ` +
        `127.0.0.0/8, ::1), for a lab identity provider.`,
      path: [attribute],
    },
  ];
}
