# The identity provider's tab holds a login only (OAuth): the partner issues the token. The tab
# is the OAuth provider's: the logins wait for it on create and go first on destroy.
resource "cpq_user_integration_login" "idp" {
  for_each = var.idp_logins

  user_login = each.key
  tab        = cpq_oauth_provider.idcs.tab
  login      = each.value
  depends_on = [cpq_oauth_provider.idcs]
}

# jdoe signs in through SSO only.
resource "cpq_user_sso" "jdoe" {
  user_login      = "jdoe"
  enabled_for_sso = true
}

# Everyone on the site, to report who has a login on the idp tab.
data "cpq_users" "all" {}
