#!/usr/bin/env bash
# The GitHub Action's gate (action.yml), kept in a script so that it runs the same anywhere:
# `ssm-conform run` with the action's inputs (read from the environment below), the JUnit, Markdown,
# JSON and HTML reports written to the report folder, the Markdown matrix appended to the job summary,
# and ssm-conform's exit status passed on (0 conformant, 1 findings, 2 it could not do its job).
#
#   SSM_CONFORM_ENDPOINT   endpoint URL (required: a gate on the embedded reference gates nothing)
#   SSM_CONFORM_IDS        execution ids, separated by spaces, commas or newlines; empty: discovery
#   SSM_CONFORM_BASELINE   a baseline file; empty: none
#   SSM_CONFORM_STRICT     true | false
#   SSM_CONFORM_REQUIRE_DATA  true (default: a run that knew no execution fails) | false
#   SSM_CONFORM_REPORTS    the report folder (default ssm-conform-report)
#   SSM_CONFORM_BIN        the binary (default: ssm-conform on PATH)
set -uo pipefail
bin="${SSM_CONFORM_BIN:-ssm-conform}"
dir="${SSM_CONFORM_REPORTS:-ssm-conform-report}"
# Every way out sets the `exit-code` output, a bad input (2) included.
finish() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "exit-code=$1" >>"$GITHUB_OUTPUT"; fi
  exit "$1"
}
mkdir -p "$dir" || finish 2

args=(run --color never --report "junit:$dir/junit.xml" --report "markdown:$dir/report.md" --report "json:$dir/report.json" --report "html:$dir/report.html")
if [ -z "${SSM_CONFORM_ENDPOINT:-}" ]; then
  echo "ssm-conform action: the endpoint input is empty: give the URL of the endpoint under test" >&2
  finish 2
fi
args+=(--endpoint "$SSM_CONFORM_ENDPOINT")
read -r -a ids <<<"$(printf '%s' "${SSM_CONFORM_IDS:-}" | tr ',\n\r\t' '    ')"
for id in "${ids[@]}"; do args+=(--execution-id "$id"); done
if [ -n "${SSM_CONFORM_BASELINE:-}" ]; then args+=(--baseline "$SSM_CONFORM_BASELINE"); fi
case "${SSM_CONFORM_STRICT:-false}" in
  true) args+=(--strict-messages) ;;
  false | "") ;;
  *) echo "ssm-conform action: strict-messages must be true or false, not '${SSM_CONFORM_STRICT}'" >&2; finish 2 ;;
esac
case "${SSM_CONFORM_REQUIRE_DATA:-true}" in
  true | "") args+=(--require-data) ;;
  false) ;;
  *) echo "ssm-conform action: require-data must be true or false, not '${SSM_CONFORM_REQUIRE_DATA}'" >&2; finish 2 ;;
esac

status=0
"$bin" "${args[@]}" || status=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$dir/report.md" ]; then
  cat "$dir/report.md" >>"$GITHUB_STEP_SUMMARY"
fi
finish "$status"
