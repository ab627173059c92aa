terraform import cpq_sso_configuration.this sso
