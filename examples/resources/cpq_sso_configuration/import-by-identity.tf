# Terraform 1.12+ or OpenTofu 1.12+: by identity. The site has one SSO configuration, so the
# identity may be empty ("id" is always "sso").
import {
  to       = cpq_sso_configuration.this
  identity = {}
}
