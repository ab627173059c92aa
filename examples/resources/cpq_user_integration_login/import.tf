# The id is "<party number>/<tab>" or "<user login>/<tab>".
import {
  to = cpq_user_integration_login.jdoe_idp
  id = "jdoe/idp"
}
