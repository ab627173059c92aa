import { Fn, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { dataCpqUsers } from "cpq-sso/generated";

export function usersDataSourceExample(scope: Construct): void {
  const jdoe = new dataCpqUsers.DataCpqUsers(scope, "jdoe", { login: "jdoe" });
  new TerraformOutput(scope, "jdoe_party_number", {
    value: Fn.lookup(Fn.one(jdoe.users), "party_number"),
  });
}
