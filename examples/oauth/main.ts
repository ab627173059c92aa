/**
 * examples/oauth: a CPQ site's OAuth provider (an Oracle IAM identity domain) in the Integration
 * Center, the users' logins on its User Integration tab, and the users who sign in through SSO,
 * declared together: one apply sets up the integration first, then the logins and the users'
 * SSO settings; a destroy removes them in the reverse order.
 *
 * Credentials for CPQ come from the environment (CPQ_BASE_URL, CPQ_USERNAME, CPQ_PASSWORD).
 * Switching the site's sign-in to OpenID Connect on top of the integration is a manual step:
 * Oracle documents no REST for it (docs/resources/oauth_provider.md).
 *
 *   npx tsx examples/oauth/main.ts     # synthesizes into cdktf.out/stacks/oauth
 */
import { App, LocalBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { CpqProvider, OAuthProvider, UserIntegrationLogins, UserSso } from "cpq-sso"; // in this repository, tsconfig.json's "paths" maps it to constructs/

/** The example stack: the OAuth provider, its tab's logins, and SSO for its users. */
export class OAuthStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // State beside the synthesized stack: a pipeline replaces this with its remote backend.
    new LocalBackend(this, { path: "terraform.tfstate" });
    new CpqProvider(this, "cpq");

    const idcs = new OAuthProvider(this, "idcs", {
      vendorName: "IDCS",
      loginEndpoint: "https://idcs-1234.identity.oraclecloud.com",
      issuer: "https://identity.oraclecloud.com/",
      clientId: "836954009fe54f1382d0ba1d607a038d",
      cpqClientId: "836954009fe54f1382d0ba1d607a038d",
      tokenEndpoint: "/oauth2/v1/token",
      resourceEndpoint: "/admin/v1/SigningCert/jwk",
      scope: "urn:opc:idm:__myscopes__",
      retrieveCertificate: true,
    });

    // The logins of its tab: the tab comes from the integration, which they wait for.
    const users = { jdoe: "jdoe@login.example.com", asmith: "asmith@login.example.com" };
    new UserIntegrationLogins(this, "idcs_logins", { oauthProvider: idcs, logins: users });

    // The same users sign in through SSO once the integration is there.
    UserSso.fromList(
      this,
      Object.keys(users).map((userLogin) => ({ userLogin, enabledForSso: true })),
      { oauthProvider: idcs },
    );
  }
}

const app = new App();
new OAuthStack(app, "oauth");
app.synth();
