/**
 * `provider::cpq::idp_metadata(xml)`: an identity provider's SAML 2.0 metadata read into the
 * values `cpq_sso_configuration` takes (`saml_idp_url`, `id_provider_certificate`, the logout
 * endpoints), so the IdP's half of the setup comes from the file the IdP publishes instead of
 * being copied by hand. Pure: it reads the text it is given and fetches nothing, not even a URL
 * the metadata names. Deterministic too (Terraform calls it at plan and again at apply): with
 * two signing certificates it always holds the first, whatever the time.
 */
import {
  MAX_METADATA_BYTES,
  MetadataError,
  logoutResponseUrl,
  parseIdpMetadata,
  signingCertificatesKind,
  signingCertificatesNote,
} from "../saml/metadata";
import type { IdpMetadata, SigningCertificate } from "../saml/metadata";
import type { FunctionDefinition, FunctionResultAttribute } from "../contract/types";

const LIST = ["list", "string"] as const;

/** What both metadata functions return (`idp_metadata_with_certificate` with the chosen certificate). */
export const IDP_METADATA_RESULT: readonly FunctionResultAttribute[] = [
  { name: "entity_id", type: "string", description: "The IdP's `entityID`." },
  {
    name: "saml_idp_url",
    type: "string",
    description:
      "For `saml_idp_url`: the HTTP-Redirect `SingleSignOnService` location, else the HTTP-POST one.",
  },
  {
    name: "saml_idp_url_binding",
    type: "string",
    description: "The binding of `saml_idp_url`: `HTTP-Redirect` or `HTTP-POST`.",
  },
  {
    name: "id_provider_certificate",
    type: "string",
    description:
      "For `id_provider_certificate`: the signing certificate CPQ will hold, PEM: the first in the document (`idp_metadata`) or the one chosen by fingerprint (`idp_metadata_with_certificate`). CPQ holds one certificate.",
  },
  {
    name: "certificate_sha256_fingerprint",
    type: "string",
    description: "The SHA-256 fingerprint of `id_provider_certificate`, colon-separated hex.",
  },
  {
    name: "certificate_not_after",
    type: "string",
    description: "When `id_provider_certificate` expires, RFC 3339 in UTC.",
  },
  {
    name: "certificate_subject",
    type: "string",
    description: "The subject of `id_provider_certificate` (`CN=..., O=...`).",
  },
  {
    name: "signing_certificates",
    type: LIST,
    description:
      "Every signing certificate of the IdP, PEM, in document order (two or more during a key rollover, or from an IdP that signs with several keys).",
  },
  {
    name: "signing_certificate_fingerprints",
    type: LIST,
    description:
      "The SHA-256 fingerprints of `signing_certificates`, in the same order: what `idp_metadata_with_certificate` chooses by.",
  },
  {
    name: "signing_certificates_kind",
    type: "string",
    description:
      "`single`; `rollover` (validity ending at different times: an old key and its successor); or `several_keys` (validity ending together: keys made together, an IdP that signs with more than one permanent key, as Shibboleth does).",
  },
  {
    name: "rollover_warning",
    type: "string",
    description:
      'Empty with one signing certificate, or once one is chosen (`idp_metadata_with_certificate`); otherwise what the certificates are (a rollover, or keys made together), which one `id_provider_certificate` holds and how to choose. Use it in a `check` block: `assert { condition = local.idp.rollover_warning == "" ... }`.',
  },
  {
    name: "saml_single_logout_endpoint",
    type: "string",
    description:
      "For `saml_single_logout_endpoint`: the HTTP-Redirect `SingleLogoutService` location, else the HTTP-POST one; null when the metadata has neither.",
  },
  {
    name: "saml_single_logout_response_endpoint",
    type: "string",
    description:
      "For `saml_single_logout_response_endpoint`: that service's `ResponseLocation`, else its location; null without one.",
  },
  {
    name: "single_logout_urls",
    type: LIST,
    description: "Every `SingleLogoutService` location, in document order.",
  },
  {
    name: "name_id_formats",
    type: LIST,
    description:
      "The NameID formats the IdP offers, in document order (one may go to `requested_name_identifier_format`).",
  },
];

/**
 * The result object of both metadata functions, holding `held`; `chosen` says the user chose it
 * (then there is nothing left to warn about).
 */
export function idpMetadataValue(
  m: IdpMetadata,
  held: SigningCertificate,
  chosen: boolean,
): Record<string, string | null | readonly string[]> {
  return {
    entity_id: m.entityId,
    saml_idp_url: m.ssoUrl,
    saml_idp_url_binding: m.ssoBinding,
    id_provider_certificate: held.pem,
    certificate_sha256_fingerprint: held.sha256Fingerprint,
    certificate_not_after: held.notAfter,
    certificate_subject: held.subject,
    signing_certificates: m.signingCertificates.map((c) => c.pem),
    signing_certificate_fingerprints: m.signingCertificates.map((c) => c.sha256Fingerprint),
    signing_certificates_kind: signingCertificatesKind(m.signingCertificates),
    rollover_warning: chosen ? "" : signingCertificatesNote(m.signingCertificates),
    saml_single_logout_endpoint: m.singleLogout?.location ?? null,
    saml_single_logout_response_endpoint: m.singleLogout ? logoutResponseUrl(m.singleLogout) : null,
    single_logout_urls: m.singleLogoutServices.map((e) => e.location),
    name_id_formats: [...m.nameIdFormats],
  };
}

export const idpMetadataFunction = {
  name: "idp_metadata",
  summary: "An identity provider's SAML 2.0 metadata, as cpq_sso_configuration takes it",
  description:
    "Reads the SAML 2.0 metadata an identity provider publishes for its CPQ application (an " +
    "`md:EntityDescriptor` with an `md:IDPSSODescriptor`; Okta's metadata URL, Entra ID's App " +
    "Federation Metadata, an OCI IAM identity domain's `/fed/v1/metadata`) and returns its " +
    "entity id, the sign-on URL CPQ redirects to (`saml_idp_url`: the HTTP-Redirect " +
    "`SingleSignOnService`, else the HTTP-POST one), the signing certificate " +
    "(`id_provider_certificate`, PEM) and the logout endpoints. Give the document's text, e.g. " +
    '`file("idp-metadata.xml")`: the function fetches nothing, not even a URL the metadata names. ' +
    "Metadata with two or more signing certificates (a key rollover in progress, or an IdP that " +
    "signs with several keys, as Shibboleth does) gives them all in `signing_certificates`; " +
    "`id_provider_certificate` is the first in the document, and `rollover_warning` says so and " +
    "how to choose (show it in a `check` block to see it in every plan; " +
    "`idp_metadata_with_certificate` takes the one chosen by fingerprint). It is an " +
    "error, naming what is missing, when the text is not SAML metadata of one identity provider. " +
    `The document is read with DOCTYPE declarations refused (so no entity is expanded or read) ` +
    `and at most ${MAX_METADATA_BYTES / 1024 / 1024} MiB long.`,
  parameters: [
    {
      name: "xml",
      type: "string",
      description: "The metadata document's text.",
    },
  ],
  returns: {
    description: "An object with what the metadata says.",
    attributes: IDP_METADATA_RESULT,
  },
  call(args) {
    const xml = args[0];
    if (typeof xml !== "string") {
      return { error: "it must be a string holding SAML metadata XML", argument: 0 };
    }
    try {
      const m = parseIdpMetadata(xml);
      // parseIdpMetadata refuses metadata without a signing certificate.
      const held = m.signingCertificates[0]!;
      return { value: idpMetadataValue(m, held, false) };
    } catch (err) {
      if (err instanceof MetadataError) return { error: err.message, argument: 0 };
      throw err;
    }
  },
} as const satisfies FunctionDefinition;
