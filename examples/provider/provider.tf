terraform {
  required_version = ">= 1.11"
  required_providers {
    cpq = {
      source  = "cpq-sso/cpq"
      version = "~> 0.2"
    }
  }
}

# The site and an administrator's credentials come from the environment:
# CPQ_BASE_URL, and CPQ_USERNAME with CPQ_PASSWORD (or CPQ_ACCESS_TOKEN).
provider "cpq" {
  # Oracle CPQ in Fusion serves the REST API under /cpq.
  path_prefix     = ""
  request_timeout = 30
  max_concurrency = 4
}
