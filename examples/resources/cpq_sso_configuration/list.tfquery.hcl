# Terraform 1.14+: `terraform query -generate-config-out=sso.tf` writes the import and
# resource blocks that adopt the site's SSO configuration as it is.
list "cpq_sso_configuration" "site" {
  provider = cpq
}
