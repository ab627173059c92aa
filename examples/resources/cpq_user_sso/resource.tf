# jdoe signs in through SSO, identified by an employee number instead of the CPQ login
# (with saml_user_id_type = "assertionTypeExternal" on the SSO configuration).
resource "cpq_user_sso" "jdoe" {
  user_login      = "jdoe"
  enabled_for_sso = true
  external_sso_id = "E-1001"
}
