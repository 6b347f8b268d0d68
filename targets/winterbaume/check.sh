#!/usr/bin/env bash
# winterbaume in CI: builds the adapter (its own target directory), serves winterbaume-ssm with the
# seeded executions on 127.0.0.1 at a free port, runs `ssm-conform run` against it, and compares
# what it found with the committed record:
#   - targets/winterbaume/baseline.toml  the findings accepted (unit and check), given to --baseline:
#                                        a new finding fails the run, an entry that no longer
#                                        occurs is named, and both fail this script;
#   - targets/winterbaume/findings.txt   every finding in words, sorted: when winterbaume's answers
#                                        or our checks change, the diff says which.
# It also runs without --execution-id: discovery must find the seeded executions and the findings
# must be the same. A recording of the embedded reference is replayed against it with the ids
# mapped (`--replay`): it must fail no check the run does not; and winterbaume's own recording
# replayed against the embedded reference must fail nothing. The adapter is stopped by its own
# pid. Last, the crate's own Rust test runs the same suite through the library API
# (`ssm_conform::Suite`, tests/suite.rs) with the same baseline.
#
#     targets/winterbaume/check.sh BINARY [--update]   (--update rewrites both files; review the diff)
source "$(dirname "$0")/../lib.sh" "$@"

cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
"$here/target/release/ssm-conform-winterbaume" >"$work/serve.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q "serving" "$work/serve.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "winterbaume: the adapter exited:"; cat "$work/serve.out"; exit 1; } >&2
  sleep 0.1
done
url="$(head -n 1 "$work/serve.out")"
ids=()
while read -r id _; do ids+=(--execution-id "$id"); done < <(sed -n '2,/serving/p' "$work/serve.out" | grep -v serving)

# A fixed seed: the generated requests, and so the findings, are the same on every run.
args=(run --endpoint "$url" "${ids[@]}" --seed 1 --report "json:$work/run.json")
if [ "$update" = "--update" ]; then
  "$bin" "${args[@]}" --write-baseline "$here/baseline.toml" >"$work/run.out" 2>&1 || true
else
  status=0
  "$bin" "${args[@]}" --baseline "$here/baseline.toml" >"$work/run.out" 2>&1 || status=$?
fi

# Every finding in words, sorted (targets/findings.py).
findings() { python3 "$here/../findings.py" "$1" "$2" "winterbaume-ssm 0.3.0 (targets/winterbaume/check.sh)"; }
findings "$work/run.json" "$work/findings.txt"

# The second operation (contract §9), over the window the adapter seeds: its findings against
# their own record (baseline-executions.toml, findings-executions.txt), as the first's.
executions=(run --endpoint "$url" --operation DescribeMaintenanceWindowExecutions --seed 1
  --report "json:$work/executions.json")
if [ "$update" = "--update" ]; then
  "$bin" "${executions[@]}" --write-baseline "$here/baseline-executions.toml" >"$work/executions.out" 2>&1 || true
else
  executions_status=0
  "$bin" "${executions[@]}" --baseline "$here/baseline-executions.toml" >"$work/executions.out" 2>&1 \
    || executions_status=$?
fi
findings "$work/executions.json" "$work/findings-executions.txt"

if [ "$update" = "--update" ]; then
  cp "$work/findings.txt" "$here/findings.txt"
  cp "$work/findings-executions.txt" "$here/findings-executions.txt"
  echo "winterbaume: wrote targets/winterbaume/baseline.toml, findings.txt, baseline-executions.toml and findings-executions.txt; review the diff"
  exit 0
fi
problems=0
if [ "$executions_status" -ne 0 ]; then
  echo "winterbaume: DescribeMaintenanceWindowExecutions exited $executions_status against its baseline:" >&2
  grep -E "^(FAIL|BLOCKED|error|ssm-conform:)" "$work/executions.out" | head -20 >&2 || cat "$work/executions.out" >&2
  problems=1
fi
if ! diff -u "$here/findings-executions.txt" "$work/findings-executions.txt" >"$work/findings-executions.diff"; then
  echo "winterbaume: DescribeMaintenanceWindowExecutions's findings changed (- committed, + now); if intended, rerun with --update:" >&2
  head -40 "$work/findings-executions.diff" >&2
  problems=1
fi
if [ "$status" -ne 0 ]; then
  echo "winterbaume: ssm-conform exited $status against the baseline (new findings, or it could not run):" >&2
  grep -E "^(FAIL|BLOCKED|error|ssm-conform:)" "$work/run.out" | head -40 >&2 || cat "$work/run.out" >&2
  problems=1
fi
stale="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("stale_baseline_entries") or []))' "$work/run.json")"
if [ "$stale" != "0" ]; then
  echo "winterbaume: $stale baseline entries no longer occur:" >&2
  grep "^stale baseline entry" "$work/run.out" | head -30 >&2 || true
  problems=1
fi
if ! diff -u "$here/findings.txt" "$work/findings.txt" >"$work/findings.diff"; then
  echo "winterbaume: the findings changed (- committed, + now); if intended, rerun with --update and commit:" >&2
  head -60 "$work/findings.diff" >&2
  problems=1
fi
# Without --execution-id the harness discovers the seeded executions through
# DescribeMaintenanceWindows and DescribeMaintenanceWindowExecutions: the same findings.
"$bin" run --endpoint "$url" --seed 1 --report "json:$work/discovered.json" >"$work/discovered.out" 2>&1 || true
findings "$work/discovered.json" "$work/discovered.txt"
if ! grep -q "^note: discovered 5 execution" "$work/discovered.out"; then
  echo "winterbaume: discovery did not find the 5 seeded executions:" >&2
  grep "^note:" "$work/discovered.out" >&2 || head -5 "$work/discovered.out" >&2
  problems=1
elif ! diff -u "$work/findings.txt" "$work/discovered.txt" >"$work/discovered.diff"; then
  echo "winterbaume: with discovered ids the findings differ from those with the ids given:" >&2
  head -60 "$work/discovered.diff" >&2
  problems=1
fi
# A recording of the embedded reference replayed against winterbaume, its ids mapped in order onto
# the seeded ones (`--replay DIR --execution-id ...`): it must run (exit 1: findings), find some of
# what the run finds, and fail no check the run does not also fail (the replay names findings as
# the run does).
"$bin" run --seed 1 --record "$work/recording" >"$work/record.out" 2>&1 || {
  echo "winterbaume: recording the embedded reference failed:" >&2; tail -5 "$work/record.out" >&2; problems=1; }
replay_status=0
"$bin" run --endpoint "$url" "${ids[@]}" --replay "$work/recording" --report "json:$work/replay.json" \
  >"$work/replay.out" 2>&1 || replay_status=$?
if [ "$replay_status" -ne 1 ]; then
  echo "winterbaume: the replay exited $replay_status (expected 1, findings):" >&2; tail -5 "$work/replay.out" >&2; problems=1
elif ! python3 - "$work/run.json" "$work/replay.json" <<'PY' >&2
import json, sys
# The run's findings are accepted by the baseline; the replay's are not. A check counts as failing
# where a finding names it; for the run, also where a unit of it was blocked by another rule: the
# run, knowing more, attributes some failures to the rule that explains them; the replay, judging
# recorded units one by one, may not.
def failing(path, with_blocked):
    report = json.load(open(path))
    found = ("failed", "blocked", "accepted")
    units = [r for r in report["results"] if r["verdict"] in found]
    blocked = {r["check"] for r in units if with_blocked and any(f["check"] != r["check"] for f in r["findings"])}
    return {f["check"] for r in units for f in r["findings"]} | blocked
run, replay = failing(sys.argv[1], True), failing(sys.argv[2], False)
if replay - run:
    sys.exit(f"winterbaume: the replay fails checks the run does not: {sorted(replay - run)}")
if len(replay) < len(run) // 2:
    sys.exit(f"winterbaume: the replay finds {len(replay)} of the run's {len(run)} failing checks: {sorted(run - replay)} missing")
print(f"winterbaume: the replay of the reference's recording fails {len(replay)} of the run's {len(run)} failing checks, and no other")
PY
then
  problems=1
fi
# And the other way: winterbaume's own recording replayed against the embedded reference, its ids
# mapped onto the reference's. winterbaume breaks the contract, so the replay uses its recording
# for its requests only: the faithful reference must fail nothing.
"$bin" run --endpoint "$url" "${ids[@]}" --seed 1 --record "$work/winterbaume-recording" >/dev/null 2>&1 || true
reference_ids=()
while read -r id; do reference_ids+=(--execution-id "$id"); done <"$work/recording/execution-ids.txt"
if ! "$bin" run --replay "$work/winterbaume-recording" "${reference_ids[@]}" >"$work/reverse.out" 2>&1; then
  echo "winterbaume: its recording replayed against the embedded reference reports something:" >&2
  grep -E "^(FAIL|BLOCKED|ssm-conform)" "$work/reverse.out" | head -20 >&2 || tail -20 "$work/reverse.out" >&2
  problems=1
elif ! grep -q "the recording itself breaks the contract" "$work/reverse.out"; then
  echo "winterbaume: the replay did not see that winterbaume's recording breaks the contract" >&2
  problems=1
fi
# The same run through the library API, as a Rust emulator's own test would make it.
if ! cargo test --release --locked --quiet --manifest-path "$here/Cargo.toml" >"$work/suite.out" 2>&1; then
  echo "winterbaume: the library API's test (targets/winterbaume/tests/suite.rs) failed:" >&2
  grep -E "panicked|^FAIL|stale|error" "$work/suite.out" | head -30 >&2 || tail -30 "$work/suite.out" >&2
  problems=1
fi
[ "$problems" -eq 0 ] && echo "winterbaume: the findings match the committed record ($(grep -c '' "$here/findings.txt") lines; DescribeMaintenanceWindowExecutions $(grep -c '' "$here/findings-executions.txt"))"
exit "$problems"
