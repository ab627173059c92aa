# Shared by the CI scripts: how to run cpq-sso, and a private temp directory removed on exit.
# CPQ_SSO overrides the command, e.g. CPQ_SSO="node dist/cpq-sso.js" in this repository's tests.
# shellcheck shell=bash
read -r -a cpq_sso <<<"${CPQ_SSO:-npx --no-install cpq-sso}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

# terraform init, quiet unless it fails.
tf_init() {
  if ! terraform -chdir="$1" init -input=false -no-color >"$work/init.log" 2>&1; then
    cat "$work/init.log" >&2
    echo "terraform init failed in $1" >&2
    exit 1
  fi
}
