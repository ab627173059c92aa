# The id is the integration's id (a number, or id:<n>) or its vendor name (vendor_name:<name>).
terraform import cpq_oauth_provider.idcs IDCS
