# A CPQ site has one SSO configuration; its import id is always "sso".
import {
  to = cpq_sso_configuration.this
  id = "sso"
}
