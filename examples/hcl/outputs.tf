# A pipeline reads this after apply (`terraform output -json`, or `cpq-sso report --apply`) and
# schedules the CPQ restart it asks for.
output "sso_restart_required" {
  description = "Whether CPQ answered that the last SSO change needs a server restart."
  value       = cpq_sso_configuration.this.restart_required
}

output "idp_certificate" {
  description = "What the IdP signing certificate says, as CPQ holds it."
  value = {
    subject     = cpq_sso_configuration.this.certificate_subject
    fingerprint = cpq_sso_configuration.this.certificate_sha256_fingerprint
    not_after   = cpq_sso_configuration.this.certificate_not_after
  }
}

output "users_without_idp_login" {
  description = "Active CPQ users this configuration gives no identity-provider login."
  value = sort([
    for u in data.cpq_users.all.users : u.login
    if u.status == "Active" && !contains(keys(var.idp_logins), u.login)
  ])
}
