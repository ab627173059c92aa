import type { Construct } from "constructs";
import { UserSso } from "cpq-sso";

export function userSsoExample(scope: Construct): void {
  new UserSso(scope, "jdoe_sso", {
    userLogin: "jdoe",
    enabledForSso: true,
    externalSsoId: "E-1001",
  });
}
