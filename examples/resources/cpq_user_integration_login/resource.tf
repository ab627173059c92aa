# An OAuth tab (here the identity provider's) holds a login only; the partner issues the token.
resource "cpq_user_integration_login" "jdoe_idp" {
  user_login = "jdoe"
  tab        = "idp"
  login      = "jdoe@login.example.com"
}

variable "jdoe_erp_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

# A tab without OAuth: login and password, checked with the partner before it is saved.
resource "cpq_user_integration_login" "jdoe_erp" {
  party_number         = "1001"
  tab                  = "erp"
  login                = "jdoe@erp.example.com"
  password_wo          = var.jdoe_erp_password
  validate_credentials = true
}
