#!/usr/bin/env bash
# Scheduled job: compare live CPQ with the declared configuration, read-only.
#
#   cpq-sso ci drift STACK_DIR REPORT_JSON   (or: bash ci/drift.sh ...)
#
# Needs terraform, TF_CLI_CONFIG_FILE, the CPQ_* credentials, the TF_VAR_* secrets and the
# stack's backend (the state the apply job writes). CERTIFICATE_DAYS (default 30), read by
# `cpq-sso drift` itself, sets how soon an expiring IdP certificate counts. Writes the JSON
# report to REPORT_JSON, the readable one to stdout and, when $GITHUB_STEP_SUMMARY is set, to
# the job summary.
# Exit: 0 in sync, 2 drift or a certificate expiring, 1 error.
set -euo pipefail
stack=${1:?usage: drift.sh STACK_DIR REPORT_JSON}
report=${2:?usage: drift.sh STACK_DIR REPORT_JSON}
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"

code=0
"${cpq_sso[@]}" drift --dir "$stack" --json "$report" >"$work/drift.txt" || code=$?
cat "$work/drift.txt"
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
  case $code in
    0) title="✅ CPQ SSO drift check: in sync" ;;
    2) title="⚠️ CPQ SSO drift check: drift found" ;;
    *) title="❌ CPQ SSO drift check: failed (exit $code)" ;;
  esac
  # The report quotes CPQ (logins, values, check messages): a fence longer than any run of
  # backticks in it, so nothing inside can close the block and render as markdown or HTML.
  longest=$({ grep -o '`\+' "$work/drift.txt" || true; } | awk '{ if (length > m) m = length } END { print m + 0 }')
  fence='```'
  while ((${#fence} <= longest)); do fence+='`'; done
  printf '### %s\n\n%stext\n%s\n%s\n' "$title" "$fence" "$(cat "$work/drift.txt")" "$fence" >>"$GITHUB_STEP_SUMMARY"
fi
exit "$code"
