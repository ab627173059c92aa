/**
 * An identity provider's SAML metadata, read at synth: what `SsoConfiguration` takes from it
 * (`idpMetadata`), and {@link readIdpMetadata} for an app that wants the values themselves. The
 * same reader as `provider::cpq::idp_metadata`, with the same refusals (DOCTYPE, size, not SAML);
 * nothing the metadata names is fetched.
 */
import { TerraformElement, Token } from "cdktf";
import type { Construct } from "constructs";
import {
  logoutResponseUrl,
  parseIdpMetadata,
  signingCertificatesNote,
} from "../provider/saml/metadata";

/** A signing certificate of the identity provider. */
export interface IdpSigningCertificate {
  /** PEM, as `idProviderCertificate` takes it. */
  readonly pem: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly sha256Fingerprint: string;
  /** Expiry, RFC 3339 in UTC. */
  readonly notAfter: string;
  /** Subject, `CN=..., O=...`. */
  readonly subject: string;
}

/** What an identity provider's metadata says, in the names `SsoConfigurationProps` uses. */
export interface IdpMetadata {
  /** The IdP's `entityID`. */
  readonly entityId: string;
  /** The HTTP-Redirect `SingleSignOnService`, else the HTTP-POST one. */
  readonly samlIdpUrl: string;
  /** The first signing certificate, PEM: the one CPQ will hold. */
  readonly idProviderCertificate: string;
  /**
   * Every signing certificate, in document order (two or more during a key rollover, or from an
   * IdP that signs with several keys, as Shibboleth does).
   */
  readonly signingCertificates: readonly IdpSigningCertificate[];
  /** The HTTP-Redirect (else HTTP-POST) `SingleLogoutService`; undefined without one. */
  readonly samlSingleLogoutEndpoint?: string;
  /** That service's `ResponseLocation`, else its location; undefined without one. */
  readonly samlSingleLogoutResponseEndpoint?: string;
  /** The NameID formats offered, in document order. */
  readonly nameIdFormats: readonly string[];
  /**
   * With two or more signing certificates, what they are (a rollover, or keys made together as
   * Shibboleth's), which one CPQ will hold and how to take another; undefined with one.
   */
  readonly rolloverWarning?: string;
}

/**
 * Reads an identity provider's SAML 2.0 metadata (the document's text, e.g.
 * `readFileSync("idp-metadata.xml", "utf8")`). Throws an `Error` saying what is missing when it
 * is not the metadata of one identity provider.
 *
 * @example
 * const idp = readIdpMetadata(readFileSync("idp-metadata.xml", "utf8"));
 * new TerraformOutput(this, "idp_certificate_expiry", { value: idp.signingCertificates[0].notAfter });
 */
export function readIdpMetadata(xml: string): IdpMetadata {
  if (Token.isUnresolved(xml)) {
    throw new Error(
      "the metadata is a token (a value Terraform knows only at plan); give the document's text " +
        'at synth, e.g. readFileSync("idp-metadata.xml", "utf8"), or use provider::cpq::idp_metadata in HCL',
    );
  }
  const m = parseIdpMetadata(xml);
  const note = signingCertificatesNote(
    m.signingCertificates,
    "set idProviderCertificate to it (readIdpMetadata(xml).signingCertificates[1].pem)",
  );
  return {
    entityId: m.entityId,
    samlIdpUrl: m.ssoUrl,
    // parseIdpMetadata refuses metadata without a signing certificate.
    idProviderCertificate: m.signingCertificates[0]!.pem,
    signingCertificates: m.signingCertificates.map((c) => ({
      pem: c.pem,
      sha256Fingerprint: c.sha256Fingerprint,
      notAfter: c.notAfter,
      subject: c.subject,
    })),
    ...(m.singleLogout
      ? {
          samlSingleLogoutEndpoint: m.singleLogout.location,
          samlSingleLogoutResponseEndpoint: logoutResponseUrl(m.singleLogout),
        }
      : {}),
    nameIdFormats: [...m.nameIdFormats],
    ...(note ? { rolloverWarning: note } : {}),
  };
}

/** `readIdpMetadata`, with the failure as a message instead of a throw. */
export function tryReadIdpMetadata(
  xml: string,
): { readonly metadata: IdpMetadata } | { readonly error: string } {
  try {
    return { metadata: readIdpMetadata(xml) };
  } catch (err) {
    if (err instanceof Error) return { error: err.message };
    throw err;
  }
}

/**
 * A Terraform `check` block whose assertion always fails: a warning in every plan (Terraform
 * reports a failed check as a warning, never an error), carrying `message`. CDKTF has no check
 * block construct, so this element writes the block's JSON itself.
 */
export class PlanWarning extends TerraformElement {
  public constructor(
    scope: Construct,
    id: string,
    private readonly message: string,
  ) {
    super(scope, id, "check");
  }

  /** The `check` block, in Terraform's JSON syntax. */
  public override toTerraform(): object {
    return {
      check: {
        [this.friendlyUniqueId]: {
          assert: [{ condition: false, error_message: this.message }],
        },
      },
    };
  }
}
