locals {
  # A Shibboleth IdP's metadata holds two permanent signing keys: the back-channel one first, the
  # front-channel one second. CPQ receives the IdP's responses through the browser (HTTP-POST),
  # which the front-channel key signs: choose it by its SHA-256 fingerprint (one of
  # provider::cpq::idp_metadata(...).signing_certificate_fingerprints).
  idp = provider::cpq::idp_metadata_with_certificate(
    file("${path.module}/idp-metadata.xml"),
    "A3:B4:35:47:B5:6B:1D:99:02:06:91:04:3E:18:0C:08:54:C6:80:42:C6:40:80:C0:02:0A:0C:DD:6C:79:BA:42",
  )
}

resource "cpq_sso_configuration" "this" {
  sso_method                           = "Federated Authentication"
  saml_idp_url                         = local.idp.saml_idp_url
  id_provider_certificate              = local.idp.id_provider_certificate
  saml_single_logout_endpoint          = local.idp.saml_single_logout_endpoint
  saml_single_logout_response_endpoint = local.idp.saml_single_logout_response_endpoint
}

# The same check as with idp_metadata: with the certificate chosen, it passes, so plans and
# cpq-sso drift stay clean. Should the IdP stop publishing the chosen key, the function fails
# the plan, naming the keys it publishes instead.
check "idp_signing_certificate_rollover" {
  assert {
    condition     = local.idp.rollover_warning == ""
    error_message = local.idp.rollover_warning
  }
}

output "idp_certificate_kind" {
  value = local.idp.signing_certificates_kind
}
