#!/usr/bin/env bash
# Pull-request job: plan a synthesized stack and write the review comment.
#
#   cpq-sso ci plan-comment STACK_DIR OUT_DIR   (or: bash ci/plan-comment.sh ...)
#
# Needs terraform, TF_CLI_CONFIG_FILE (from `cpq-sso install`), the CPQ_* credentials and the
# TF_VAR_* secrets. Writes OUT_DIR/comment.md (the markdown comment) and OUT_DIR/summary.json.
# When $GITHUB_OUTPUT is set, appends the risk labels a workflow gates on: labels=<comma-separated>,
# restart_required, destroys, replaces_live_settings, certificate_expiring and lockout_risk
# (each true|false), and marker=<the comment's first line>, by which the workflow finds the
# comment it posted before (among its own token's comments) and edits it.
# CPQ_SSO_STACK names the stack in that marker (default: STACK_DIR's name; for CDKTF,
# cdktf.out/stacks/<stack>), so two stacks of one repository keep one comment each.
# CERTIFICATE_DAYS (default 30) sets how soon an expiring IdP certificate is flagged.
# The plan file and its JSON hold non-ephemeral secrets in clear, so they stay in a private
# temporary directory that is removed on exit; nothing else is written.
# Exit: 0 with a comment, 1 when terraform or the report fails.
set -euo pipefail
stack=${1:?usage: plan-comment.sh STACK_DIR OUT_DIR}
out=${2:?usage: plan-comment.sh STACK_DIR OUT_DIR}
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"

mkdir -p "$out"
tf_init "$stack"
tf -chdir="$stack" plan -input=false -no-color -out="$work/tfplan"
tf -chdir="$stack" show -json "$work/tfplan" >"$work/plan.json"
# The directory's name, with what a marker cannot hold made "-" (a name set by hand is checked).
dir_name=$(basename "$(cd "$stack" && pwd)")
dir_name=${dir_name//[^A-Za-z0-9._-]/-}
stack_name=${CPQ_SSO_STACK:-${dir_name:0:100}}
"${cpq_sso[@]}" report "$work/plan.json" --stack "$stack_name" \
  --markdown "$out/comment.md" --json "$out/summary.json" --outputs "$work/outputs"
if [[ -n ${GITHUB_OUTPUT:-} ]]; then cat "$work/outputs" >>"$GITHUB_OUTPUT"; fi
