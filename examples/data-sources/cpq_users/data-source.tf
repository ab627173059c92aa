# One user by login, to find the party number.
data "cpq_users" "jdoe" {
  login = "jdoe"
}

# Several users with a CPQ q filter.
data "cpq_users" "admins" {
  q = jsonencode({ login = { "$in" = ["jdoe", "asmith"] } })
}

output "jdoe_party_number" {
  value = one(data.cpq_users.jdoe.users).party_number
}

output "sso_users" {
  value = [for u in data.cpq_users.admins.users : u.login if u.enabled_for_sso == true]
}
