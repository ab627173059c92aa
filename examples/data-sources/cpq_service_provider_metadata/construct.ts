import type { Construct } from "constructs";
import { ServiceProviderMetadata } from "cpq-sso";

export function serviceProviderMetadataExample(scope: Construct): void {
  // Outputs cpq_sp_entity_id, cpq_sp_acs_url, cpq_sp_single_logout_url and
  // cpq_sp_signing_certificate, for the identity provider's application.
  new ServiceProviderMetadata(scope, "cpq_sp");
}
