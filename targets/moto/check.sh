#!/usr/bin/env bash
# moto in CI: moto does not implement DescribeMaintenanceWindowExecutionTasks, and the harness must
# say so in one finding. Installs the pinned moto in a venv, starts moto_server on 127.0.0.1 at a
# free port, runs `ssm-conform run` against it exactly as docs/emulators.md shows (signed with the
# harness's fake credentials), and demands: exit 1, one failed unit (`operation-implemented`),
# every other unit skipped, none passed; the findings must match targets/moto/findings.txt (the
# record targets/summary.py tabulates). moto is stopped by its own pid.
#
#     targets/moto/check.sh BINARY [--update]   (--update rewrites findings.txt; review the diff)
source "$(dirname "$0")/../lib.sh" "$@"

venv="$here/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

# A free port: moto_server (werkzeug) does not report the port it got for -p 0.
port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 100); do
  if "$venv/bin/python" -c "import urllib.request; urllib.request.urlopen('$url/moto-api/', timeout=1)" 2>/dev/null; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { echo "moto: moto_server exited:"; cat "$work/moto.log"; exit 1; } >&2
  sleep 0.2
done

# Without credentials in the environment, as a new user runs it: the harness signs with fake ones.
status=0
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_PROFILE \
  "$bin" run --endpoint "$url" --report "json:$work/moto.json" >"$work/moto.out" 2>&1 || status=$?
"$venv/bin/python" - "$work/moto.json" "$status" "$work/moto.out" <<'PY'
import json, sys
report, status, out = json.load(open(sys.argv[1])), int(sys.argv[2]), open(sys.argv[3]).read()
failed = [r for r in report["results"] if r["verdict"] == "failed"]
passed = [r for r in report["results"] if r["verdict"] == "passed"]
skipped = [r for r in report["results"] if r["verdict"] == "skipped"]
problems = []
if status != 1:
    problems.append(f"exit {status}, expected 1")
if [r["check"] for r in failed] != ["operation-implemented"]:
    problems.append(f"failed units {[r['name'] for r in failed]}, expected only operation-implemented")
if passed:
    problems.append(f"{len(passed)} units passed, expected none")
if len(skipped) != len(report["results"]) - 1:
    problems.append(f"{len(skipped)} of {len(report['results'])} units skipped, expected all but one")
if problems:
    print("moto: " + "; ".join(problems) + "\n" + out, file=sys.stderr)
    sys.exit(1)
print(f"moto: one operation-implemented finding, {len(skipped)} units skipped (exit 1), as expected")
PY

python3 "$here/../findings.py" "$work/moto.json" "$work/findings.txt" "moto $("$venv/bin/python" -c 'import moto; print(moto.__version__)') (targets/moto/check.sh)"
# The probe's random id and the URL vary from run to run: the record keeps the verdicts.
sed -i -E 's#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}#<id>#g; s#127\.0\.0\.1:[0-9]+#127.0.0.1:<port>#g' "$work/findings.txt"
if [ "$update" = "--update" ]; then
  cp "$work/findings.txt" "$here/findings.txt"
  echo "moto: wrote targets/moto/findings.txt; review the diff"
elif ! diff -u "$here/findings.txt" "$work/findings.txt"; then
  echo "moto: the findings changed (- committed, + now); if intended, rerun with --update and commit" >&2
  exit 1
fi
