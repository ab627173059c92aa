/**
 * examples/basic: a CPQ site with federated SAML SSO and signed requests, and three users' partner
 * logins on the User Integration page.
 *
 * Credentials for CPQ come from the environment (CPQ_BASE_URL, CPQ_USERNAME, CPQ_PASSWORD), and
 * the SSO secrets from sensitive Terraform variables (TF_VAR_saml_request_keystore,
 * TF_VAR_saml_store_pass, TF_VAR_saml_key_pass, and the partner passwords TF_VAR_jdoe_erp_password,
 * TF_VAR_asmith_erp_password, TF_VAR_asmith_erp_token): nothing secret is written into cdk.tf.json.
 *
 *   npx tsx examples/basic/main.ts     # synthesizes into cdktf.out/stacks/basic
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { CpqProvider, SsoConfiguration, UserIntegrationLogin, sensitiveVariable } from "cpq-sso"; // in this repository, tsconfig.json's "paths" maps it to constructs/

/** The example stack: one CPQ site's SSO settings. */
export class BasicSsoStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // State beside the synthesized stack: a pipeline replaces this with its remote backend.
    new LocalBackend(this, { path: "terraform.tfstate" });
    // Site and administrator credentials come from CPQ_BASE_URL, CPQ_USERNAME and CPQ_PASSWORD.
    new CpqProvider(this, "cpq");

    new SsoConfiguration(this, "sso", {
      ssoMethod: "Federated and Remote",
      samlIdpUrl: "https://idp.example.com/saml2/sso",
      samlIssuerUrl: "https://acme.bigmachines.com",
      idProviderCertificate: readFileSync(join(__dirname, "idp-signing-cert.pem"), "utf8"),
      samlNeedRequestSigned: true,
      samlRequestKeystore: sensitiveVariable(
        this,
        "saml_request_keystore",
        "Base64 SAML request keystore",
      ),
      samlStorePass: sensitiveVariable(this, "saml_store_pass", "Keystore store password"),
      samlKeyPass: sensitiveVariable(this, "saml_key_pass", "Keystore key password"),
      requestedNameIdentifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
      samlLogoutUrl: "https://idp.example.com/logout",
      samlUserIdType: "assertionTypeUsername",
      samlUserIdLocation: "idLocationAttribute",
      samlAttributeName: "cpq_login",
      destroyBehavior: "retain",
    });

    // An OAuth identity provider: the tab holds the login only; the partner issues the token.
    new UserIntegrationLogin(this, "jdoe_idp", {
      userLogin: "jdoe",
      tab: "idp",
      login: "jdoe@idcs.example.com",
    });
    // A partner without OAuth: login and password, saved as on the page (Save, no Check).
    new UserIntegrationLogin(this, "jdoe_erp", {
      partyNumber: "1001",
      tab: "erp",
      login: "jdoe@erp.example.com",
      password: sensitiveVariable(this, "jdoe_erp_password", "jdoe's ERP password"),
    });
    // The same, checked with the partner (the page's Check) before it is saved.
    new UserIntegrationLogin(this, "asmith_erp", {
      userLogin: "asmith",
      tab: "erp",
      login: "asmith@erp.example.com",
      password: sensitiveVariable(this, "asmith_erp_password", "asmith's ERP password"),
      securityToken: sensitiveVariable(this, "asmith_erp_token", "asmith's ERP security token"),
      validateCredentials: true,
    });
  }
}

const app = new App();
new BasicSsoStack(app, "basic");
app.synth();
