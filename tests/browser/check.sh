#!/usr/bin/env bash
# The HTML report in a real headless browser (tests/browser/html-report.mjs): installs Debian's
# Chromium when it is missing and playwright-core (pinned, from the npm registry; it downloads no
# browser of its own), then renders reports of a faulty and a hostile endpoint and checks them.
# usage: tests/browser/check.sh PATH-TO-ssm-conform [OUT-DIR]   (screenshots and pages in OUT-DIR)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(realpath "${1:?usage: tests/browser/check.sh PATH-TO-ssm-conform [OUT-DIR]}")"
out="${2:-$(mktemp -d)/html-report}"

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
modules="$(mktemp -d)"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$modules" --no-save --no-audit --no-fund --silent playwright-core@1.64.1
PLAYWRIGHT_NODE_MODULES="$modules/node_modules" node tests/browser/html-report.mjs "$bin" "$out"
