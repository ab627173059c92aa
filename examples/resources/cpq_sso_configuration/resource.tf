variable "saml_store_pass" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "saml_key_pass" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "saml_request_keystore" {
  type      = string
  sensitive = true
}

resource "cpq_sso_configuration" "this" {
  sso_method              = "Federated Authentication"
  saml_idp_url            = "https://login.example.com/saml2/sso"
  saml_issuer_url         = "https://acme.bigmachines.com"
  id_provider_certificate = file("${path.module}/idp-signing-cert.pem")
  saml_user_id_type       = "assertionTypeUsername"
  saml_user_id_location   = "idLocationSubject"

  saml_need_request_signed = true
  saml_request_keystore    = var.saml_request_keystore
  # Write-only (Terraform 1.11+, OpenTofu 1.11+): sent to CPQ, kept in neither plan nor state.
  saml_store_pass_wo = var.saml_store_pass
  saml_key_pass_wo   = var.saml_key_pass
}

output "restart_required" {
  value = cpq_sso_configuration.this.restart_required
}
