import { TerraformStack, Testing } from "cdktf";
import { CpqProvider, SsoConfiguration, sensitiveVariable } from "../../constructs";
import { fixture } from "./helpers";

describe("a whole site's SSO stack", () => {
  it("synthesizes to the same Terraform JSON, holding variable references and no secret", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    new CpqProvider(stack, "cpq", {
      baseUrl: "https://acme.bigmachines.com",
      username: "sso-admin",
      password: sensitiveVariable(stack, "cpq_password", "CPQ administrator password"),
    });
    new SsoConfiguration(stack, "sso", {
      ssoMethod: "Federated Authentication",
      samlIdpUrl: "https://idp.example.com/sso",
      samlIssuerUrl: "https://acme.bigmachines.com",
      idProviderCertificate: fixture("idp-cert.pem"),
      samlNeedRequestSigned: true,
      samlRequestKeystore: sensitiveVariable(stack, "saml_keystore", "SAML request keystore"),
      samlStorePass: sensitiveVariable(stack, "saml_store_pass", "Keystore store password"),
      samlKeyPass: sensitiveVariable(stack, "saml_key_pass", "Keystore key password"),
      samlUserIdType: "assertionTypeUsername",
      samlUserIdLocation: "idLocationSubject",
    });
    stack.runAllValidations();
    expect(Testing.synth(stack)).toMatchSnapshot();
  });
});
