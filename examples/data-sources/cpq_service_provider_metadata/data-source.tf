# CPQ's half of the SAML setup, for the identity provider's application.
data "cpq_service_provider_metadata" "cpq" {}

output "cpq_sp_entity_id" {
  value = data.cpq_service_provider_metadata.cpq.entity_id
}

output "cpq_acs_url" {
  value = data.cpq_service_provider_metadata.cpq.assertion_consumer_service_url
}

output "cpq_single_logout_url" {
  value = data.cpq_service_provider_metadata.cpq.single_logout_url
}
