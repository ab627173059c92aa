/**
 * `provider::cpq::certificate(pem)`: what an IdP signing certificate says, the same facts the SSO
 * resource computes (`certificate_subject`, `certificate_sha256_fingerprint`,
 * `certificate_not_after`), for a `check` block or an output that warns about an expiring
 * certificate without applying anything. Pure: it reads no CPQ site and needs no configured
 * provider.
 */
import { MAX_CERTIFICATE_CHARS, parseCertificate, pemOf } from "../saml/certificate";
import type { FunctionDefinition } from "../contract/types";

/**
 * The longest argument read: the certificate reader's own limit. A PEM certificate is 1-3 KiB; a
 * whole chain pasted in stays well under this. Anything longer is refused before it is parsed.
 */
export const CERTIFICATE_FUNCTION_MAX_LENGTH = MAX_CERTIFICATE_CHARS;

export const certificateFunction = {
  name: "certificate",
  summary: "What an X.509 certificate says: subject, SHA-256 fingerprint and expiry",
  description:
    "Reads an X.509 certificate given as PEM (`-----BEGIN CERTIFICATE-----...`) or as base64 DER, " +
    "as `id_provider_certificate` takes it, and returns the facts `cpq_sso_configuration` " +
    "computes from it. Use it in a `check` block to warn, in every plan, about an identity " +
    "provider certificate that is about to expire. When the text holds several PEM blocks, the " +
    "first is read. It also gives the certificate in the forms other providers' arguments take: " +
    "`pem` and `base64_der` (no BEGIN/END lines). It is an error when the text is not a certificate.",
  parameters: [
    {
      name: "pem",
      type: "string",
      description: `The certificate, PEM or base64 DER (at most ${CERTIFICATE_FUNCTION_MAX_LENGTH / 1024} KiB).`,
    },
  ],
  returns: {
    description: "An object with the certificate's facts.",
    attributes: [
      {
        name: "subject",
        type: "string",
        description: "The subject, as `certificate_subject` shows it (`CN=..., O=...`).",
      },
      {
        name: "sha256_fingerprint",
        type: "string",
        description:
          "The SHA-256 fingerprint, colon-separated hex, as `certificate_sha256_fingerprint`.",
      },
      {
        name: "not_after",
        type: "string",
        description:
          "The expiry, RFC 3339 in UTC, as `certificate_not_after`; compare it with `timecmp` and `plantimestamp()`.",
      },
      {
        name: "pem",
        type: "string",
        description:
          "The certificate as PEM (BEGIN/END lines, 64-character lines), whichever form it was given: what `id_provider_certificate` takes, from a value that has no BEGIN/END lines (azuread's `azuread_service_principal_token_signing_certificate.value`).",
      },
      {
        name: "base64_der",
        type: "string",
        description:
          "The certificate as one line of base64 DER, without the BEGIN/END lines: the form Okta's `okta_app_saml.single_logout_certificate` takes.",
      },
    ],
  },
  call(args) {
    const pem = args[0];
    if (typeof pem !== "string") {
      return { error: "it must be a string holding a certificate", argument: 0 };
    }
    if (pem.length > CERTIFICATE_FUNCTION_MAX_LENGTH) {
      return {
        error:
          `it is ${pem.length} characters long and at most ` +
          `${CERTIFICATE_FUNCTION_MAX_LENGTH} are read; give one certificate, not a bundle`,
        argument: 0,
      };
    }
    const facts = parseCertificate(pem);
    if (!facts) {
      return {
        error:
          "it is not an X.509 certificate; give the certificate as PEM " +
          '("-----BEGIN CERTIFICATE-----...") or as base64 DER',
        argument: 0,
      };
    }
    return {
      value: {
        subject: facts.subject,
        sha256_fingerprint: facts.sha256Fingerprint,
        not_after: facts.notAfter,
        pem: pemOf(facts.base64Der),
        base64_der: facts.base64Der,
      },
    };
  },
} as const satisfies FunctionDefinition;
