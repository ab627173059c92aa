# Shared by the CI scripts: how to run cpq-sso, and a private temp directory removed on exit.
# The scripts ship in the package (ci/), so by default they run the cpq-sso installed beside
# them; CPQ_SSO overrides the command (split on spaces).
# shellcheck shell=bash
if [[ -n ${CPQ_SSO:-} ]]; then
  read -r -a cpq_sso <<<"$CPQ_SSO"
else
  cpq_sso=(node "$(dirname "${BASH_SOURCE[0]}")/../bin/cpq-sso.js")
fi
# One provider process for all the terraform commands of the script: it runs itself again under
# `cpq-sso exec` (docs/exec.md), unless an enclosing exec already serves the provider or
# CPQ_SSO_EXEC=0 turns this off (and on Windows it is off). The provider reads CPQ_* now, so
# they are set before the script.
if [[ ${CPQ_SSO_EXEC:-1} != 0 && ${CPQ_SSO_EXEC:-} != false && ${CPQ_SSO_EXEC:-} != off &&
  ${TF_REATTACH_PROVIDERS:-} != *'/cpq-sso/cpq"'* && $OSTYPE != msys* && $OSTYPE != cygwin* ]]; then
  exec "${cpq_sso[@]}" exec -- bash "$0" "$@"
fi
work=$(mktemp -d)
# What every script does last: a script with an EXIT trap of its own calls it at its end.
ci_cleanup() {
  if [[ -n ${gha_token:-} ]]; then echo "::$gha_token::"; fi
  rm -rf "$work"
}
trap ci_cleanup EXIT
# On GitHub Actions no line of terraform's or cpq-sso's output may act as a workflow command: it
# quotes CPQ (logins, error messages), and a login holding "\n::warning::..." would otherwise
# annotate, mask or set environment from this log. Commands stay off until the script exits, under
# a token nobody else knows (docs/security.md).
if [[ ${GITHUB_ACTIONS:-} == true ]]; then
  gha_token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  echo "::stop-commands::$gha_token"
fi
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

# The terraform binary: TERRAFORM_BINARY_NAME (as CDKTF's CLI reads it; `cpq-sso ci --terraform`
# sets it), e.g. tofu for OpenTofu; terraform by default.
tf() {
  "${TERRAFORM_BINARY_NAME:-terraform}" "$@"
}

# terraform init, quiet unless it fails.
tf_init() {
  if ! tf -chdir="$1" init -input=false -no-color >"$work/init.log" 2>&1; then
    cat "$work/init.log" >&2
    echo "terraform init failed in $1" >&2
    exit 1
  fi
}
