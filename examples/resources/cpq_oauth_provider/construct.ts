import type { Construct } from "constructs";
import { OAuthProvider, UserIntegrationLogins } from "cpq-sso";

export function oauthProviderExample(scope: Construct): void {
  const idcs = new OAuthProvider(scope, "idcs", {
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
  // The logins of its tab take the tab from it and wait for it.
  new UserIntegrationLogins(scope, "idcs_logins", {
    oauthProvider: idcs,
    logins: { jdoe: "jdoe@login.example.com" },
  });
}
