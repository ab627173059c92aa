/**
 * examples/saml-metadata: both halves of SAML in one stack. The identity provider's metadata comes
 * in from the file it publishes (`idp-metadata.xml`, read at synth by `SsoConfiguration`'s
 * `idpMetadata`); CPQ's service provider metadata goes out as Terraform outputs
 * (`ServiceProviderMetadata`) an IdP resource takes. The same as main.tf beside it, in CDKTF.
 *
 * CPQ_BASE_URL, CPQ_USERNAME and CPQ_PASSWORD say which site and who.
 *
 *   npx tsx examples/saml-metadata/main.ts     # synthesizes into cdktf.out/stacks/saml-metadata
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { CpqProvider, ServiceProviderMetadata, SsoConfiguration } from "cpq-sso"; // in this repository, tsconfig.json's "paths" maps it to constructs/

/** The example stack: the site's SSO settings from the IdP's metadata, and CPQ's for the IdP. */
export class SamlMetadataStack extends TerraformStack {
  constructor(scope: Construct, id: string, idpMetadataFile = join(__dirname, "idp-metadata.xml")) {
    super(scope, id);
    new LocalBackend(this, { path: "terraform.tfstate" });
    new CpqProvider(this, "cpq");

    // samlIdpUrl, idProviderCertificate and the logout endpoints come from the metadata; a key
    // rollover in it is a warning at synth and in every plan.
    const sso = new SsoConfiguration(this, "sso", {
      ssoMethod: "Federated Authentication",
      idpMetadata: readFileSync(idpMetadataFile, "utf8"),
      samlUserIdType: "assertionTypeUsername",
      samlUserIdLocation: "idLocationSubject",
    });
    new TerraformOutput(this, "idp_certificate_fingerprint", {
      value: sso.certificateSha256Fingerprint,
    });

    // Outputs cpq_sp_entity_id, cpq_sp_acs_url, cpq_sp_single_logout_url and
    // cpq_sp_signing_certificate, for the IdP's application (an okta_app_saml, say).
    new ServiceProviderMetadata(this, "cpq_sp", { dependsOn: [sso.resource] });
  }
}

if (require.main === module) {
  const app = new App();
  new SamlMetadataStack(app, "saml-metadata", process.env.IDP_METADATA_FILE);
  app.synth();
}
