import type { Construct } from "constructs";
import { UserIntegrationLogins } from "cpq-sso";

export function userIntegrationLoginsExample(scope: Construct): void {
  // The rows of a CSV file with a header line "user_login,login", as a CSV parser returns them,
  // e.g. parse(readFileSync("idp-logins.csv", "utf8"), { columns: true }) of csv-parse/sync.
  const rows = [
    { user_login: "jdoe", login: "jdoe@login.example.com" },
    { user_login: "asmith", login: "asmith@login.example.com" },
  ];
  UserIntegrationLogins.fromRows(scope, "idp_logins", rows, { tab: "idp" });
}
