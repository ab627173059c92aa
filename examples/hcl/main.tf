# examples/hcl: the CPQ site's SAML SSO, two users' identity-provider logins and one user's SSO
# settings, in plain HCL. The cdktf example (examples/basic) declares the same kind of stack in
# TypeScript.
#
#   npx cpq-sso install && export TF_CLI_CONFIG_FILE="$PWD/.cpq-sso/terraform.rc"
#   export CPQ_BASE_URL=https://acme.bigmachines.com CPQ_USERNAME=... CPQ_PASSWORD=...
#   export TF_VAR_saml_request_keystore=... TF_VAR_saml_store_pass=... TF_VAR_saml_key_pass=...
#   terraform init && terraform plan
#
# Terraform 1.11 or OpenTofu 1.11 or later: the keystore passwords are write-only attributes fed
# from ephemeral variables, so they are in neither the plan file nor the state.

terraform {
  required_version = ">= 1.11"
  required_providers {
    cpq = {
      source  = "cpq-sso/cpq"
      version = "~> 0.2"
    }
  }
}

# The site and an administrator's credentials come from CPQ_BASE_URL, CPQ_USERNAME and
# CPQ_PASSWORD (or CPQ_ACCESS_TOKEN), so nothing secret is written here.
provider "cpq" {}
