# The id is the integration's id (a number) or its vendor name.
import {
  to = cpq_oauth_provider.idcs
  id = "IDCS"
}
