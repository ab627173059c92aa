# Terraform 1.14+: the users Enabled For SSO whose login ends in "@example.com" (CPQ's own `q`
# filter; leave it out for all of them).
list "cpq_user_sso" "sso_users" {
  provider = cpq
  config {
    q = "{\"login\":{\"$like\":\"%@example.com\"}}"
  }
}
