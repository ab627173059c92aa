# The id is the user's party number or CPQ login.
import {
  to = cpq_user_sso.jdoe
  id = "jdoe"
}
