#!/usr/bin/env bash
# The wheel as a pip user gets it (pyproject.toml: maturin, `bindings = "bin"`): built with the
# pinned maturin, installed into a fresh venv, and run from there, outside the repository, against
# the embedded reference (exit 0, nothing failed) and against moto (targets/moto/check.sh: exit 1,
# one `operation-implemented` finding). Called by .ci/run.
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
