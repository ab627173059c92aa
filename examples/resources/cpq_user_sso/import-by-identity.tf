# Terraform 1.12+ or OpenTofu 1.12+: by identity, the user's party number.
import {
  to = cpq_user_sso.jdoe
  identity = {
    party_number = "1001"
  }
}
