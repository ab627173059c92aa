# Both halves of SAML in one configuration: the identity provider's metadata in (from the file
# the IdP publishes for its CPQ application), CPQ's service provider metadata out (as outputs an
# IdP resource, such as okta_app_saml or azuread_application, takes).
#
# CPQ_BASE_URL, CPQ_USERNAME and CPQ_PASSWORD say which site and who.
#
#   terraform init && terraform plan

terraform {
  required_version = ">= 1.8"
  required_providers {
    cpq = { source = "cpq-sso/cpq" }
  }
}

provider "cpq" {}

locals {
  # Save the IdP's metadata here (Okta: the app's "Metadata URL"; Entra ID: "Federation Metadata
  # XML"). A new signing certificate in it plans exactly that change (and a CPQ restart).
  idp = provider::cpq::idp_metadata(file("${path.module}/idp-metadata.xml"))
}

resource "cpq_sso_configuration" "sso" {
  sso_method                           = "Federated Authentication"
  saml_idp_url                         = local.idp.saml_idp_url
  id_provider_certificate              = local.idp.id_provider_certificate
  saml_single_logout_endpoint          = local.idp.saml_single_logout_endpoint
  saml_single_logout_response_endpoint = local.idp.saml_single_logout_response_endpoint
  saml_user_id_type                    = "assertionTypeUsername"
  saml_user_id_location                = "idLocationSubject"
}

# A key rollover (two signing certificates in the metadata) warns in every plan which one CPQ
# holds.
check "idp_signing_certificate_rollover" {
  assert {
    condition     = local.idp.rollover_warning == ""
    error_message = local.idp.rollover_warning
  }
}

# CPQ's half, read from the site after its SSO settings are applied.
data "cpq_service_provider_metadata" "cpq" {
  depends_on = [cpq_sso_configuration.sso]
}

output "cpq_sp_entity_id" {
  description = "The IdP application's audience (Okta: audience; Entra ID: identifier_uris)."
  value       = data.cpq_service_provider_metadata.cpq.entity_id
}

output "cpq_sp_acs_url" {
  description = "The IdP application's single sign-on URL (Okta: sso_url; Entra ID: web.redirect_uris)."
  value       = data.cpq_service_provider_metadata.cpq.assertion_consumer_service_url
}

output "cpq_sp_single_logout_url" {
  description = "The IdP application's single logout URL (Okta: single_logout_url; Entra ID: web.logout_url)."
  value       = data.cpq_service_provider_metadata.cpq.single_logout_url
}

output "cpq_sp_signing_certificate" {
  description = "CPQ's signing certificate, PEM, when it signs requests (Okta: single_logout_certificate, without BEGIN/END lines: provider::cpq::certificate(...).base64_der)."
  value       = data.cpq_service_provider_metadata.cpq.signing_certificate
}

output "idp_certificate_fingerprint" {
  value = local.idp.certificate_sha256_fingerprint
}

output "sso_restart_required" {
  value = cpq_sso_configuration.sso.restart_required
}
