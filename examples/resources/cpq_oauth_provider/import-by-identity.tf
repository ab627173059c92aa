# Terraform 1.12+ or OpenTofu 1.12+: by identity, the integration's id (a number, as a string;
# the Integration Center and `terraform state show` print it). The vendor name is not part of
# the identity: it can change, the id cannot.
import {
  to = cpq_oauth_provider.idcs
  identity = {
    id = "3022910236"
  }
}
