locals {
  # The metadata the identity provider publishes for its CPQ application, saved beside this file.
  idp = provider::cpq::idp_metadata(file("${path.module}/idp-metadata.xml"))
}

resource "cpq_sso_configuration" "this" {
  sso_method                           = "Federated Authentication"
  saml_idp_url                         = local.idp.saml_idp_url
  id_provider_certificate              = local.idp.id_provider_certificate
  saml_single_logout_endpoint          = local.idp.saml_single_logout_endpoint
  saml_single_logout_response_endpoint = local.idp.saml_single_logout_response_endpoint
}

# During a key rollover the metadata holds two signing certificates and CPQ holds one: a warning
# in every plan says which.
check "idp_signing_certificate_rollover" {
  assert {
    condition     = local.idp.rollover_warning == ""
    error_message = local.idp.rollover_warning
  }
}

output "idp_entity_id" {
  value = local.idp.entity_id
}
