# The id is the user's party number or CPQ login.
# Either way the state names the user by party_number (terraform plan -generate-config-out
# writes party_number); a configuration naming the user by user_login plans that rename once,
# and the apply sends nothing to CPQ.
import {
  to = cpq_user_sso.jdoe
  id = "jdoe"
}
