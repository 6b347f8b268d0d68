#!/usr/bin/env bash
# A bounded fuzzing smoke for CI: builds every cargo-fuzz target, seeds the corpus from
# cases/*.toml (fuzz/seed-corpus.sh), runs each target briefly, and exits non-zero if any target
# crashes, leaks past the RSS limit or times out. Long fuzzing is ClusterFuzzLite's job
# (.clusterfuzzlite/, .github/workflows/cflite_*.yml); this only proves the targets build, take
# their seeds and survive a few thousand mutations.
#
# Defaults are chosen for a cold build on 2 cores: the dev profile (debug assertions and
# overflow checks on, no optimisation: about half the compile time of -O) and no sanitizer
# (safe Rust's failure modes -- panics, aborts, stack overflows, OOM, timeouts -- are caught by
# libFuzzer itself; AddressSanitizer at opt-level 0 runs ~10x slower).
#
# Environment (all optional):
#   FUZZ_SMOKE_SECONDS    seconds per target (default 20)
#   FUZZ_SMOKE_RSS_MB     libFuzzer -rss_limit_mb (default 2048)
#   FUZZ_SMOKE_TIMEOUT    libFuzzer -timeout per input, seconds (default 10)
#   FUZZ_SMOKE_PROFILE    dev | release (default dev)
#   FUZZ_SMOKE_SANITIZER  none | address (default none)
#   FUZZ_SMOKE_TARGETS    space-separated targets (default: all of `cargo fuzz list` but the
#                         skipped ones)
#   FUZZ_SMOKE_SKIP       targets left out of the default (default: endpoint, which fuzzes a live
#                         endpoint named by SSM_CONFORM_FUZZ_ENDPOINT)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

secs="${FUZZ_SMOKE_SECONDS:-20}"
rss="${FUZZ_SMOKE_RSS_MB:-2048}"
timeout="${FUZZ_SMOKE_TIMEOUT:-10}"
profile="${FUZZ_SMOKE_PROFILE:-dev}"
sanitizer="${FUZZ_SMOKE_SANITIZER:-none}"
start=$SECONDS

say() { echo "fuzz-smoke: $* [$((SECONDS - start))s]"; }

# --- toolchain: nightly when rustup has it, else the active (stable) one with RUSTC_BOOTSTRAP ---
tc=()
if command -v rustup >/dev/null 2>&1 && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  tc=(+nightly)
elif ! rustc -V | grep -q nightly; then
  # cargo-fuzz passes -Z flags (sanitizer coverage passes); a stable rustc takes them with this.
  export RUSTC_BOOTSTRAP=1
fi
say "toolchain: $(rustc "${tc[@]}" -V)${RUSTC_BOOTSTRAP:+ (RUSTC_BOOTSTRAP=1)}"

# --- the fuzz crate's own formatting, lints and tests (its workspace is apart from the main one) ---
say "checking the fuzz crate: fmt, clippy -D warnings, its tests"
(cd fuzz && cargo fmt -- --check && cargo "${tc[@]}" clippy --all-targets --locked -- -D warnings \
  && cargo "${tc[@]}" test --lib --locked)
say "fuzz crate checked"

# --- cargo-fuzz ---
if ! cargo "${tc[@]}" fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
say "$(cargo "${tc[@]}" fuzz --version)"

case "$profile" in
  dev) build_flags=(--dev); out_profile=debug ;;
  release) build_flags=(-O); out_profile=release ;;
  *) echo "fuzz-smoke: FUZZ_SMOKE_PROFILE must be dev or release" >&2; exit 2 ;;
esac
build_flags+=(--sanitizer "$sanitizer")
# A clean CI build gains nothing from incremental artifacts; line tables keep backtraces useful.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
host="$(rustc "${tc[@]}" -vV | sed -n 's/^host: //p')"
target_dir="${CARGO_TARGET_DIR:-$root/fuzz/target}"
bin_dir="$target_dir/$host/$out_profile"

if [[ -n "${FUZZ_SMOKE_TARGETS:-}" ]]; then
  read -r -a targets <<<"$FUZZ_SMOKE_TARGETS"
else
  skip=" ${FUZZ_SMOKE_SKIP-endpoint} "
  targets=()
  for t in $(cargo "${tc[@]}" fuzz list); do
    [[ "$skip" == *" $t "* ]] || targets+=("$t")
  done
fi
say "targets: ${targets[*]}"

# --- build ---
say "building (${build_flags[*]})"
cargo "${tc[@]}" fuzz build "${build_flags[@]}"
say "built"

# --- seed ---
seed_args=()
if [[ -x "$bin_dir/response_checks" ]]; then
  seed_args=(--response-bin "$bin_dir/response_checks")
fi
fuzz/seed-corpus.sh "${seed_args[@]}" "${targets[@]}"
say "seeded"

# --- run ---
failed=()
for t in "${targets[@]}"; do
  log="$target_dir/smoke-$t.log"
  say "running $t for ${secs}s"
  if cargo "${tc[@]}" fuzz run "${build_flags[@]}" "$t" -- \
      -max_total_time="$secs" -rss_limit_mb="$rss" -timeout="$timeout" -print_final_stats=1 \
      >"$log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^Done [0-9]+ runs|^stat::(average_exec_per_sec|peak_rss_mb)' "$log" \
      | sed "s/^/  $t: /"
  else
    failed+=("$t")
    echo "fuzz-smoke: $t FAILED; the end of its log ($log):" >&2
    tail -n 60 "$log" >&2
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  say "FAILED: ${failed[*]} (inputs in fuzz/artifacts/<target>/; see fuzz/README.md to minimise one)"
  exit 1
fi
say "ok: ${targets[*]}"
