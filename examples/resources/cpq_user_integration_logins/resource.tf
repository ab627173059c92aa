# The logins of an OAuth tab (here the identity provider's: a login only, the partner issues the
# token) as one resource, keyed by the users' CPQ logins. The plan shows each changed entry by
# its key. With exclusive = true, the tab's logins of users not listed are removed as well.
resource "cpq_user_integration_logins" "idp" {
  tab = "idp"
  logins = {
    jdoe   = "jdoe@login.example.com"
    asmith = "asmith@login.example.com"
  }
}
