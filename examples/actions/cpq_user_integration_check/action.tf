# Terraform 1.14+: CPQ's Check button after each save of the login. Check never saves; a
# refused login/password fails the apply, naming the user and tab, never the password.
variable "jdoe_erp_password" {
  type      = string
  sensitive = true
  ephemeral = true # keeps the password out of the plan file, as write-only attributes need
}

action "cpq_user_integration_check" "jdoe_erp" {
  config {
    party_number = "1001"
    tab          = "erp"
    login        = "jdoe@erp.example.com"
    password_wo  = var.jdoe_erp_password
  }
}

resource "cpq_user_integration_login" "jdoe_erp" {
  party_number = "1001"
  tab          = "erp"
  login        = "jdoe@erp.example.com"
  password_wo  = var.jdoe_erp_password

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.cpq_user_integration_check.jdoe_erp]
    }
  }
}
