#!/usr/bin/env bash
# Main-branch job: apply a synthesized stack and report whether CPQ asked for a restart.
#
#   cpq-sso ci apply STACK_DIR   (or: bash ci/apply.sh ...)
#
# Needs what plan-comment.sh needs, and the same TF_VAR_* secrets: ephemeral variables are
# never saved in a plan, so applying the saved plan needs their values again. Writes
# restart_required=true|false to $GITHUB_OUTPUT and a job summary to $GITHUB_STEP_SUMMARY when
# those are set. The restart flag counts only what this apply changed: the plan is saved,
# applied, and given to the report with the new state.
# Exit: 0 applied; RESTART_EXIT_CODE (when set) applied and CPQ asked for a restart; 1 failed.
set -euo pipefail
stack=${1:?usage: apply.sh STACK_DIR}
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"

tf_init "$stack"
tf -chdir="$stack" plan -input=false -no-color -out="$work/tfplan"
# Both JSON files hold non-ephemeral secrets in clear: they stay in the private $work directory.
tf -chdir="$stack" show -json "$work/tfplan" >"$work/plan.json"
tf -chdir="$stack" apply -input=false -no-color "$work/tfplan"
tf -chdir="$stack" show -json >"$work/state.json"
args=(report --apply "$work/state.json" --plan "$work/plan.json")
if [[ -n ${RESTART_EXIT_CODE:-} ]]; then args+=(--exit-code-on-restart "$RESTART_EXIT_CODE"); fi
"${cpq_sso[@]}" "${args[@]}"
