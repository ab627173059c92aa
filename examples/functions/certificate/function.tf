locals {
  idp_certificate = provider::cpq::certificate(file("${path.module}/idp-signing-cert.pem"))
}

# A warning in every plan, and so in the scheduled drift job, 30 days before the certificate
# expires; nothing is applied.
check "idp_certificate_expiry" {
  assert {
    condition     = timecmp(local.idp_certificate.not_after, timeadd(plantimestamp(), "720h")) > 0
    error_message = "The IdP signing certificate (${local.idp_certificate.subject}) expires on ${local.idp_certificate.not_after}."
  }
}

output "idp_certificate_fingerprint" {
  value = local.idp_certificate.sha256_fingerprint
}
