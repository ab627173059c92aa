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
  new UserIntegrationLogin(scope, "asmith_erp", {
    partyNumber: "1002",
    tab: "erp",
    login: "asmith@erp.example.com",
    password: sensitiveVariable(scope, "asmith_erp_password", "asmith's ERP password"),
    validateCredentials: true,
  });
}
