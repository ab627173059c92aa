/**
 * `provider::cpq::idp_metadata_with_certificate(xml, sha256_fingerprint)`: `idp_metadata` with the
 * signing certificate CPQ holds chosen by the user, for metadata with several (a rollover, or an
 * IdP that signs with more than one permanent key, as Shibboleth does). A second function rather
 * than an optional argument: a provider function's parameters are all required, and a variadic
 * one would accept several fingerprints where CPQ holds one certificate.
 *
 * The choice is the user's and stays theirs: `rollover_warning` is empty (the `check` block the
 * docs recommend passes, so plans and `cpq-sso drift` are clean), and a fingerprint the metadata
 * no longer holds is an error naming the ones it does, never a silent switch to another key.
 */
import { MetadataError, parseIdpMetadata, signingCertificateByFingerprint } from "../saml/metadata";
import type { FunctionDefinition } from "../contract/types";
import { IDP_METADATA_RESULT, idpMetadataValue } from "./idp-metadata";

export const idpMetadataWithCertificateFunction = {
  name: "idp_metadata_with_certificate",
  summary:
    "An identity provider's SAML 2.0 metadata, with the signing certificate CPQ holds chosen by fingerprint",
  description:
    "Reads an identity provider's SAML 2.0 metadata as `idp_metadata` does, and gives as " +
    "`id_provider_certificate` the signing certificate whose SHA-256 fingerprint is given, not " +
    "the first. For metadata with several signing certificates: a key rollover (take the new " +
    "key once the IdP signs with it) or an IdP that signs with more than one permanent key (a " +
    "Shibboleth IdP lists its back-channel key first and its front-channel key second; CPQ " +
    "needs the front-channel one, which signs the responses the browser posts to CPQ). " +
    "`rollover_warning` is empty, since the choice is made, so the `check` block the docs " +
    "recommend passes. It is an error, naming the fingerprints the metadata holds, when none " +
    "matches: the identity provider no longer publishes the chosen key, or it is mistyped.",
  parameters: [
    {
      name: "xml",
      type: "string",
      description: "The metadata document's text.",
    },
    {
      name: "sha256_fingerprint",
      type: "string",
      description:
        "The chosen certificate's SHA-256 fingerprint, one of `idp_metadata`'s `signing_certificate_fingerprints` (hex, any case, colons optional; `openssl x509 -noout -fingerprint -sha256` prints it).",
    },
  ],
  returns: {
    description: "An object with what the metadata says, holding the chosen certificate.",
    attributes: IDP_METADATA_RESULT,
  },
  call(args) {
    const [xml, fingerprint] = args;
    if (typeof xml !== "string") {
      return { error: "it must be a string holding SAML metadata XML", argument: 0 };
    }
    if (typeof fingerprint !== "string") {
      return { error: "it must be a string holding a SHA-256 fingerprint", argument: 1 };
    }
    try {
      const m = parseIdpMetadata(xml);
      const found = signingCertificateByFingerprint(m.signingCertificates, fingerprint);
      if ("error" in found) return { error: found.error, argument: 1 };
      return { value: idpMetadataValue(m, found.certificate, true) };
    } catch (err) {
      if (err instanceof MetadataError) return { error: err.message, argument: 0 };
      throw err;
    }
  },
} as const satisfies FunctionDefinition;
