#!/usr/bin/env bash
# Pull-request job: plan a synthesized stack and write the review comment.
#
#   cpq-sso ci plan-comment STACK_DIR OUT_DIR   (or: bash ci/plan-comment.sh ...)
#
# Needs terraform, TF_CLI_CONFIG_FILE (from `cpq-sso install`), the CPQ_* credentials and the
# TF_VAR_* secrets. Writes OUT_DIR/comment.md (the markdown comment) and OUT_DIR/summary.json.
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
"${cpq_sso[@]}" report "$work/plan.json" --markdown "$out/comment.md" --json "$out/summary.json"
