# Terraform 1.14+: CPQ's Revoke Token button whenever the login on the OAuth tab changes, so
# the partner issues a token for the new login at the next sign-in. Also by hand:
#   terraform apply -invoke=action.cpq_user_integration_revoke_token.jdoe_idp
action "cpq_user_integration_revoke_token" "jdoe_idp" {
  config {
    party_number = "1001"
    tab          = "idp"
  }
}

resource "cpq_user_integration_login" "jdoe_idp" {
  party_number = "1001"
  tab          = "idp"
  login        = "jdoe@login.example.com"

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.cpq_user_integration_revoke_token.jdoe_idp]
    }
  }
}
