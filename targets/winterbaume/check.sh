#!/usr/bin/env bash
# winterbaume in CI: builds the adapter (its own target directory), serves winterbaume-ssm with the
# seeded executions on 127.0.0.1 at a free port, runs `ssm-conform run` against it, and compares
# what it found with the committed record:
#   - targets/winterbaume/baseline.toml  the findings accepted (unit and check), given to --baseline:
#                                        a new finding fails the run, an entry that no longer
#                                        occurs is named, and both fail this script;
#   - targets/winterbaume/findings.txt   every finding in words, sorted: when winterbaume's answers
#                                        or our checks change, the diff says which.
# The adapter is stopped by its own pid.
#
#     targets/winterbaume/check.sh BINARY [--update]   (--update rewrites both files; review the diff)
set -euo pipefail
bin="$(realpath "$1")"
update="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
"$here/target/release/ssm-conform-winterbaume" >"$work/serve.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  grep -q "serving" "$work/serve.out" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "winterbaume: the adapter exited:"; cat "$work/serve.out"; exit 1; } >&2
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

python3 - "$work/run.json" "$work/findings.txt" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
# Without the verdict: under --baseline a failed unit reads "accepted".
lines = [f"{r['name']} [{f['check']}] expected {f['expected']}; got {f['actual']}"
         for r in report["results"] for f in r.get("findings") or []]
units = len({r["name"] for r in report["results"] if r.get("findings")})
with open(sys.argv[2], "w") as out:
    out.write("# ssm-conform findings against winterbaume-ssm 0.3.0 (targets/winterbaume/check.sh)\n")
    out.write(f"# {len(lines)} findings in {units} units\n")
    out.write("\n".join(sorted(lines)) + "\n")
PY

if [ "$update" = "--update" ]; then
  cp "$work/findings.txt" "$here/findings.txt"
  echo "winterbaume: wrote targets/winterbaume/baseline.toml and findings.txt; review the diff"
  exit 0
fi
problems=0
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
[ "$problems" -eq 0 ] && echo "winterbaume: the findings match the committed record ($(grep -c '' "$here/findings.txt") lines)"
exit "$problems"
