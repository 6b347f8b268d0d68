# Shared by the targets' check scripts (sourced): the arguments, a scratch directory, and the
# server the script starts, stopped by its own pid on exit.
#
#     source "$(dirname "$0")/../lib.sh" "$@"   # sets bin, update, here, work; `server_pid=$!` after starting one
set -euo pipefail
bin="$(realpath "$1")"
update="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
