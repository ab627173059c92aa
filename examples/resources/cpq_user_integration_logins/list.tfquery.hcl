# Terraform 1.14+: each OAuth tab of the site as one resource holding all its logins.
list "cpq_user_integration_logins" "oauth_tabs" {
  provider = cpq
}
