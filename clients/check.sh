#!/usr/bin/env bash
# The SDK probes in CI: boto3 and the AWS CLI v1 (a venv with the pinned versions of
# clients/python/requirements.txt), the AWS SDK for JavaScript v3 (`npm ci` in clients/js) and the
# AWS SDK for Rust (clients/rust, its own workspace and target directory: a cold build of about
# 4.5 minutes on 2 cores, kept out of the main crate's `cargo test`).
# 1. Against the faithful reference, every probe must page through every fixture completely with
#    no duplicates, read timestamps as dates, see TaskType, get the STATUS filter exact, and
#    surface each error as the SDK's modelled exception (impact.py exits 1 otherwise).
# 2. Every fault and variant is re-measured and compared with clients/sdk-impact.json: CI fails
#    when an SDK's behaviour, or an answer of ours, drifts from the committed data.
# 3. The same SDKs' traffic through `ssm-conform proxy` (clients/proxy_check.py).
# 4. The second operation, DescribeMaintenanceWindowExecutions: every probe reads the faithful
#    reference's three windows as the wire sent them (clients/executions_check.py).
# usage: clients/check.sh PATH-TO-ssm-conform
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:?usage: clients/check.sh PATH-TO-ssm-conform}")"

if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-venv
fi
venv="${SSM_CONFORM_PROBE_VENV:-$(mktemp -d)/venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r clients/python/requirements.txt
(cd clients/js && npm ci --no-audit --no-fund --silent)
(cd clients/rust && cargo fmt --check && cargo build --release --locked --quiet)

# Four targets at a time: the probes mostly wait (on servers, on SDK backoff), so two jobs used
# three quarters of a core on 2 cores (measured: 364 s with --jobs 2, 208 s with --jobs 4).
"$venv/bin/python" clients/impact.py --bin "$bin" --check --jobs 4
# The second operation (DescribeMaintenanceWindowExecutions): every probe reads the faithful
# reference's windows as the wire sent them (clients/executions_check.py).
"$venv/bin/python" clients/executions_check.py --bin "$bin"
# 3. The boto3 and JS probes as the wrapped command of `ssm-conform proxy` (they find it through
#    AWS_ENDPOINT_URL_SSM): nothing reported against the faithful reference, each fault's check
#    against a few faults, and nothing `run` does not also fail.
"$venv/bin/python" clients/proxy_check.py --bin "$bin"
