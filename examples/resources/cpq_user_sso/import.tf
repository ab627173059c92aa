# The id is the user's party number or CPQ login.
# Import by the name the configuration uses. By login, the state names the user by both
# party_number and user_login (and so does the configuration terraform plan
# -generate-config-out writes); by party number, by party_number alone. The other way round the
# plan shows user_login changing, and its apply sends nothing to CPQ.
import {
  to = cpq_user_sso.jdoe
  id = "jdoe"
}
