#!/usr/bin/env bash
# Writes every report format of `run` against the embedded reference, three faults and three
# variants into DIR, with timings, ports and temporary paths normalised, so that two builds'
# outputs can be compared byte for byte (`diff -r OLD NEW`): a refactoring that must not change
# what users see is checked with it.
#
#     scripts/outputs.sh DIR [BINARY]
#
# BINARY defaults to target/release/ssm-conform. Every server it starts is stopped by its pid.
set -euo pipefail
out=${1:?usage: scripts/outputs.sh DIR [BINARY]}
bin=${2:-target/release/ssm-conform}
faults=(pagination-drops-item status-outside-enum validation-as-does-not-exist)
variants=(reverse-order last-page-token-null default-page-size-100)
mkdir -p "$out"

# Ports, durations, rates, dates and the server's request ids (numbered in arrival order, which
# concurrency varies) differ from run to run; everything else must not.
normalise() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for pattern, repl in [
    (r"127\.0\.0\.1:[0-9]+", "127.0.0.1:PORT"),
    (r"(x-amzn-requestid\"?[,:]\s*\"?)[0-9a-f-]{36}", r"\1REQUEST-ID"),
    (r"(date\"?[,:]\s*\"?)[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [0-9:]{8} GMT", r"\1DATE"),
    (r"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)?", "TIMESTAMP"),
    (r"\b\d+(\.\d+)? ?(ms|s|µs)\b", "DURATION"),
    (r"\b\d+(\.\d+)?/s\b", "RATE"),
    (r"(time|timestamp)=\"[^\"]*\"", r'\1="T"'),
    (r"\"(elapsed_ms|duration_ms|elapsed_s|seconds|elapsed)\": ?[0-9.]+", r'"\1": N'),
]:
    text = re.sub(pattern, repl, text)
sys.stdout.write(text)
PY
}

# run NAME [ARGS...]: one run, its terminal output and four reports, normalised.
run_one() {
  local name=$1
  shift
  local dir="$out/$name" tmp
  tmp=$(mktemp -d)
  mkdir -p "$dir"
  "$bin" run --seed 1 --color never "$@" \
    --report "json:$tmp/report.json" --report "junit:$tmp/report.xml" \
    --report "markdown:$tmp/report.md" --report "html:$tmp/report.html" >"$tmp/terminal.txt" 2>&1 || true
  for f in terminal.txt report.json report.xml report.md report.html; do
    normalise "$tmp/$f" >"$dir/$f"
  done
  rm -rf "$tmp"
}

# served NAME SERVE-ARGS...: a run against `serve` with those arguments.
served() {
  local name=$1 url="" pid log
  shift
  log=$(mktemp)
  "$bin" serve --port 0 "$@" >"$log" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do
    url=$(head -n1 "$log")
    [[ $url == http://* ]] && break
    sleep 0.1
  done
  [[ $url == http://* ]] || { echo "outputs.sh: serve $* printed no URL" >&2; kill "$pid"; exit 2; }
  run_one "$name" --endpoint "$url"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}

run_one reference
for f in "${faults[@]}"; do served "fault-$f" --fault "$f"; done
for v in "${variants[@]}"; do served "variant-$v" --variant "$v"; done
echo "outputs of $bin written to $out"
