import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { SsoConfiguration, sensitiveVariable } from "cpq-sso";

export function ssoConfigurationExample(scope: Construct): SsoConfiguration {
  const sso = new SsoConfiguration(scope, "sso", {
    ssoMethod: "Federated Authentication",
    samlIdpUrl: "https://login.example.com/saml2/sso",
    samlIssuerUrl: "https://acme.bigmachines.com",
    idProviderCertificate: readFileSync(join(__dirname, "idp-signing-cert.pem"), "utf8"),
    samlUserIdType: "assertionTypeUsername",
    samlUserIdLocation: "idLocationSubject",
    samlNeedRequestSigned: true,
    // Kept (sensitive) in state: CPQ returns the keystore, so drift is seen.
    samlRequestKeystore: sensitiveVariable(scope, "saml_request_keystore", "Keystore, base64"),
    // Ephemeral variables: the passwords go to CPQ as write-only attributes, in no plan or state.
    samlStorePass: sensitiveVariable(scope, "saml_store_pass", "Keystore store password"),
    samlKeyPass: sensitiveVariable(scope, "saml_key_pass", "Keystore key password"),
  });
  // The construct already adds the `sso_restart_required` output; this one shows the expiry.
  new TerraformOutput(scope, "certificate_not_after", { value: sso.certificateNotAfter });
  return sso;
}
