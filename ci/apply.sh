#!/usr/bin/env bash
# Main-branch job: apply a synthesized stack and report whether a CPQ server restart is pending.
#
#   cpq-sso ci apply STACK_DIR   (or: bash ci/apply.sh ...)
#
# Needs what plan-comment.sh needs, and the same TF_VAR_* secrets: ephemeral variables are
# never saved in a plan, so applying the saved plan needs their values again. On every run,
# whether the apply succeeded, failed part way or was interrupted, it reads the state and writes
# restart_required=true|false, restart_pending_since and restart_pending_reason to $GITHUB_OUTPUT
# and a job summary to $GITHUB_STEP_SUMMARY when those are set (docs/ci-recipes.md, "The pending
# restart"). restart_required is true from CPQ's request until the configuration's
# restart_done_at acknowledges it, whichever run caused it.
# Exit: 0 applied; RESTART_EXIT_CODE (when set) applied and a restart is pending; 1 the plan or
# apply failed (this wins over RESTART_EXIT_CODE: the outputs still say restart_required); 130
# interrupted.
set -euo pipefail
stack=${1:?usage: apply.sh STACK_DIR}
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"

interrupted=0
tf_pid=

# Runs on every exit: the restart in the state reaches the pipeline whatever failed before.
report_restart() {
  local code=$?
  trap - EXIT INT TERM
  set +e
  if ((interrupted)); then code=130; fi
  local state="$work/state.json" report_code=0 read_state=1
  # `state pull` needs no provider, so it works after a failed or interrupted apply too.
  if tf -chdir="$stack" state pull >"$state" 2>"$work/state.log" && [[ -s $state ]]; then
    local args=(report --apply "$state")
    if [[ -s $work/plan.json && $code == 0 ]]; then args+=(--plan "$work/plan.json"); fi
    if [[ -n ${RESTART_EXIT_CODE:-} ]]; then args+=(--exit-code-on-restart "$RESTART_EXIT_CODE"); fi
    "${cpq_sso[@]}" "${args[@]}" || report_code=$?
  else
    cat "$work/state.log" >&2
    echo "cpq-sso ci apply: could not read the state to report the restart; restart_required is not written" >&2
    report_code=1
    read_state=0
  fi
  if ((code != 0)); then
    local said='The restart flag above is read from the state, so it stands although the apply failed.'
    if ((read_state == 0)); then said='No restart flag could be read from the state: check the CPQ site for a pending restart by hand.'; fi
    echo "cpq-sso ci apply: the apply failed (exit $code). $said" >&2
    if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
      printf '### ❌ CPQ SSO apply failed (exit %s)\n\n%s\n\n' "$code" "$said" >>"$GITHUB_STEP_SUMMARY"
    fi
  else
    code=$report_code
  fi
  ci_cleanup
  exit "$code"
}
trap report_restart EXIT

# The runner's cancel (SIGINT or SIGTERM) is handed to terraform, which stops gracefully and
# saves the state; the report then reads it. terraform runs in the background so that the trap
# can run while it does.
on_signal() {
  interrupted=1
  if [[ -n $tf_pid ]]; then kill -TERM "$tf_pid" 2>/dev/null || true; fi
}
trap on_signal INT TERM
# Runs terraform with these arguments (the binary itself, not the tf function: a function in the
# background is a subshell, and the signal would stop it instead of terraform).
tf_wait() {
  # A cancel that came while terraform was not running (init, show -json) starts nothing more.
  if ((interrupted)); then return 130; fi
  "${TERRAFORM_BINARY_NAME:-terraform}" "$@" &
  tf_pid=$!
  local rc=0
  wait "$tf_pid" || rc=$?
  # A trap interrupts wait; terraform is still finishing.
  while kill -0 "$tf_pid" 2>/dev/null; do
    rc=0
    wait "$tf_pid" || rc=$?
  done
  tf_pid=
  return "$rc"
}

tf_init "$stack"
tf_wait -chdir="$stack" plan -input=false -no-color -out="$work/tfplan"
((interrupted)) && exit 130
# Both JSON files hold non-ephemeral secrets in clear: they stay in the private $work directory.
tf -chdir="$stack" show -json "$work/tfplan" >"$work/plan.json"
tf_wait -chdir="$stack" apply -input=false -no-color "$work/tfplan"
((interrupted)) && exit 130
exit 0
