resource "cpq_sso_configuration" "this" {
  sso_method                       = "Federated Authentication"
  saml_idp_url                     = "https://login.example.com/saml2/sso"
  saml_issuer_url                  = "https://acme.bigmachines.com"
  id_provider_certificate          = file("${path.module}/idp-signing-cert.pem")
  requested_name_identifier_format = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
  saml_logout_url                  = "https://login.example.com/logout"
  saml_user_id_type                = "assertionTypeUsername"
  saml_user_id_location            = "idLocationSubject"

  # Signed requests: the keystore is compared with CPQ's; the two passwords are write-only.
  saml_need_request_signed = true
  saml_request_keystore    = var.saml_request_keystore
  saml_store_pass_wo       = var.saml_store_pass
  saml_key_pass_wo         = var.saml_key_pass

  # Keep SSO as it is in CPQ if this resource is ever removed from the configuration.
  destroy_behavior = "retain"
}

# A warning in every plan (and so in the drift job) before the IdP certificate expires.
check "idp_certificate_expiry" {
  assert {
    condition = timecmp(
      provider::cpq::certificate(cpq_sso_configuration.this.id_provider_certificate).not_after,
      timeadd(plantimestamp(), "${var.certificate_warn_days * 24}h"),
    ) > 0
    error_message = "The IdP signing certificate expires on ${provider::cpq::certificate(cpq_sso_configuration.this.id_provider_certificate).not_after}: roll it over in the IdP and here."
  }
}
