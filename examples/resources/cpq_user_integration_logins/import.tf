# The id is the tab: every login on it is imported, keyed by CPQ login ("<tab>/party_number"
# keys them by party number, for key_by = "party_number"). Declare them all: a login the state
# holds and the configuration leaves out is removed by the next apply.
import {
  to = cpq_user_integration_logins.idp
  id = "idp"
}
