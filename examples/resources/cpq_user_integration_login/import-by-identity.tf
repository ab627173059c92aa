# Terraform 1.12+ or OpenTofu 1.12+: by identity, the user's party number and the tab.
import {
  to = cpq_user_integration_login.jdoe_idp
  identity = {
    party_number = "1001"
    tab          = "idp"
  }
}
