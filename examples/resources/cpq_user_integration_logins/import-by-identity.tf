# Terraform 1.12+ or OpenTofu 1.12+: by identity, the tab (its logins keyed by CPQ login).
import {
  to = cpq_user_integration_logins.idp
  identity = {
    tab = "idp"
  }
}
