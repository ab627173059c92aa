# Terraform 1.14+: every OAuth provider integration of the site (CPQ's own `q` filter on the
# integration type; `vendor_name` in a `config` block narrows it to one name).
# `terraform query -generate-config-out=oauth.tf` writes an import and a resource block for each.
list "cpq_oauth_provider" "all" {
  provider = cpq
}
