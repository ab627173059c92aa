# The Integration Center's OAuth provider (an Oracle IAM identity domain): CPQ needs it before
# users register OAuth logins on its tab. Properties CPQ holds beyond these are kept as they are.
resource "cpq_oauth_provider" "idcs" {
  vendor_name          = "IDCS"
  login_endpoint       = "https://idcs-1234.identity.oraclecloud.com"
  issuer               = "https://identity.oraclecloud.com/"
  client_id            = "836954009fe54f1382d0ba1d607a038d"
  token_endpoint       = "/oauth2/v1/token"
  resource_endpoint    = "/admin/v1/SigningCert/jwk"
  scope                = "urn:opc:idm:__myscopes__"
  retrieve_certificate = true
}
