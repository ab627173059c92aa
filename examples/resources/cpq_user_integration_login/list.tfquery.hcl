# Terraform 1.14+: every login on the ERP tab, one result per user, each with its identity.
# `terraform query -generate-config-out=logins.tf` writes an import and a resource block for each.
list "cpq_user_integration_login" "erp" {
  provider = cpq
  config {
    tab = "erp"
  }
}
