variable "saml_request_keystore" {
  description = "The SAML request keystore, base64. CPQ returns it, so it is compared (and kept, sensitive, in state)."
  type        = string
  sensitive   = true
}

variable "saml_store_pass" {
  description = "The keystore's store password. Ephemeral: sent to CPQ, never written to the plan or the state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "saml_key_pass" {
  description = "The keystore's key password. Ephemeral, like the store password."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "idp_logins" {
  description = "Each CPQ user's login at the identity provider, on the User Integration page's idp tab."
  type        = map(string)
  default = {
    jdoe   = "jdoe@login.example.com"
    asmith = "asmith@login.example.com"
  }
}

variable "certificate_warn_days" {
  description = "Warn in every plan when the IdP signing certificate expires within this many days."
  type        = number
  default     = 30
}
