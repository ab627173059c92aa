# The id is "<party number>/<tab>" or "<user login>/<tab>".
# Either way the state names the user by party_number (terraform plan -generate-config-out
# writes party_number); a configuration naming the user by user_login plans that rename once,
# and the apply sends nothing to CPQ.
import {
  to = cpq_user_integration_login.jdoe_idp
  id = "jdoe/idp"
}
