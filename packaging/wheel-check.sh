#!/usr/bin/env bash
# The wheel as a pip user gets it (pyproject.toml: maturin, `bindings = "bin"`): built with the
# pinned maturin, installed into a fresh venv, and run from there, outside the repository, against
# the embedded reference (exit 0, nothing failed) and against moto (targets/moto/check.sh: exit 1,
# one `operation-implemented` finding); then the GitHub Action's gate (packaging/action-run.sh) with
# that binary, as the action runs it. Called by .ci/run.
#
#     packaging/wheel-check.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
say() { echo "wheel: $*"; }

python3 -m venv "$work/build"
"$work/build/bin/pip" install --quiet --disable-pip-version-check -r "$root/packaging/requirements.txt"
"$work/build/bin/maturin" build --release --locked --quiet -m "$root/Cargo.toml" -o "$work/wheels" >/dev/null
wheel="$(ls "$work"/wheels/ssm_conform-*.whl)"
say "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"

python3 -m venv "$work/user"
"$work/user/bin/pip" install --quiet --disable-pip-version-check "$wheel"
bin="$work/user/bin/ssm-conform"

# From an empty folder: the cases and snapshots must come from inside the binary.
mkdir "$work/elsewhere"
status=0
(cd "$work/elsewhere" && "$bin" run --seed 1 >"$work/run.txt" 2>&1) || status=$?
if [ "$status" -ne 0 ] || ! grep -q " 0 failed, 0 skipped" "$work/run.txt"; then
  say "ssm-conform run from the wheel against the embedded reference: exit $status, expected 0 with nothing failed or skipped:"
  cat "$work/run.txt"
  exit 1
fi
say "ssm-conform run against the embedded reference: $(grep -E ' passed, ' "$work/run.txt")"
bash "$root/targets/moto/check.sh" "$bin"

# The action's gate with the wheel's binary: the reports, the job summary and the exit-code output.
action() {
  local name="$1"; shift
  mkdir -p "$work/$name"
  local status=0
  (cd "$work/$name" && env SSM_CONFORM_BIN="$bin" GITHUB_STEP_SUMMARY="$work/$name/summary.md" \
    GITHUB_OUTPUT="$work/$name/output" "$@" bash "$root/packaging/action-run.sh" >"$work/$name/log" 2>&1) || status=$?
  echo "$status"
}
expect_action() {
  local name="$1" want="$2" got="$3"
  if [ "$got" != "$want" ]; then
    say "action-run.sh ($name): exit $got, expected $want:"; tail -20 "$work/$name/log"; exit 1
  fi
  if [ "$want" != 2 ]; then
    for f in junit.xml report.md report.json report.html; do
      [ -s "$work/$name/ssm-conform-report/$f" ] || { say "action-run.sh ($name): no $f"; exit 1; }
    done
    grep -q "^# ssm-conform" "$work/$name/summary.md" || { say "action-run.sh ($name): nothing in the job summary"; exit 1; }
  fi
  grep -qx "exit-code=$want" "$work/$name/output" || { say "action-run.sh ($name): no exit-code=$want output"; exit 1; }
  say "action-run.sh ($name): exit $got as expected"
}
# An empty endpoint would gate the embedded reference, which passes whatever the mock does.
expect_action no-endpoint 2 "$(action no-endpoint)"
grep -q "the endpoint input is empty" "$work/no-endpoint/log" || { say "action-run.sh (no-endpoint): no clear line"; exit 1; }
"$bin" serve --port 0 >"$work/faithful.out" 2>/dev/null &
faithful_pid=$!
"$bin" serve --fault pagination-drops-item --port 0 >"$work/serve.out" 2>/dev/null &
serve_pid=$!
trap 'kill "$serve_pid" "$faithful_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/serve.out" ] && [ -s "$work/faithful.out" ] && break; sleep 0.1; done
# Given no ids, the gate discovers them (require-data is on by default, and is met).
expect_action faithful 0 "$(action faithful SSM_CONFORM_ENDPOINT="$(head -n1 "$work/faithful.out")")"
ids="$("$bin" serve --list-fixtures | cut -d' ' -f1 | paste -sd,)"
expect_action fault 1 "$(action fault SSM_CONFORM_ENDPOINT="$(head -n1 "$work/serve.out")" SSM_CONFORM_IDS="$ids")"
expect_action require-data 2 "$(action require-data SSM_CONFORM_ENDPOINT=http://127.0.0.1:9 SSM_CONFORM_REQUIRE_DATA=maybe)"
expect_action strict 2 "$(action strict SSM_CONFORM_ENDPOINT=http://127.0.0.1:9 SSM_CONFORM_STRICT=maybe)"
grep -q "strict-messages must be true or false" "$work/strict/log" || { say "action-run.sh (strict): no clear line"; exit 1; }
grep -q "require-data must be true or false" "$work/require-data/log" || { say "action-run.sh (require-data): no clear line"; exit 1; }
