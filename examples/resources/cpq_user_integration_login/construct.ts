import type { Construct } from "constructs";
import { UserIntegrationLogin, sensitiveVariable } from "cpq-sso";

export function userIntegrationLoginExample(scope: Construct): void {
  // An OAuth tab holds a login only; the partner issues the token.
  new UserIntegrationLogin(scope, "jdoe_idp", {
    userLogin: "jdoe",
    tab: "idp",
    login: "jdoe@login.example.com",
  });
  // A tab without OAuth: login and password, checked with the partner before it is saved.
  new UserIntegrationLogin(scope, "jdoe_erp", {
    partyNumber: "1001",
    tab: "erp",
    login: "jdoe@erp.example.com",
    password: sensitiveVariable(scope, "jdoe_erp_password", "jdoe's ERP password"),
    validateCredentials: true,
  });
}
