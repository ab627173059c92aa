# The Integration Center's OAuth provider (an Oracle IAM identity domain), which CPQ needs before
# users register OAuth logins. The properties below are those of Oracle's sample; any other
# property CPQ holds for the integration is kept as it is.
resource "cpq_oauth_provider" "idcs" {
  vendor_name          = "IDCS"
  login_endpoint       = "https://idcs-1234.identity.oraclecloud.com"
  issuer               = "https://identity.oraclecloud.com/"
  client_id            = "836954009fe54f1382d0ba1d607a038d"
  cpq_client_id        = "836954009fe54f1382d0ba1d607a038d"
  token_endpoint       = "/oauth2/v1/token"
  resource_endpoint    = "/admin/v1/SigningCert/jwk"
  scope                = "urn:opc:idm:__myscopes__"
  retrieve_certificate = true
}

# The logins of its tab wait for it: the tab is known once the integration exists, and a destroy
# removes the logins before the integration.
resource "cpq_user_integration_logins" "idcs" {
  tab = cpq_oauth_provider.idcs.tab
  logins = {
    jdoe = "jdoe@login.example.com"
  }
  depends_on = [cpq_oauth_provider.idcs]
}
