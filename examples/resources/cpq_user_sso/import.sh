terraform import cpq_user_sso.jdoe jdoe
