#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds built from the project's cases/*.toml.
#
#   case_file        each cases/*.toml as it is, and each [[case]] block alone (with the file's
#                    top-level keys, such as its default `check`, so that it parses on its own)
#   response_checks  the reference endpoint's answer to every case (faithful, then a few answers
#                    per fault and per variant) and to some pagination walks, encoded as the
#                    target's `arbitrary` input (see fuzz/src/seeds.rs)
#
# The corpus directories are not committed (/fuzz/corpus is in .gitignore): CI and users run
# this script. Seeds are named after their contents, so running it again only adds what is new,
# and inputs libFuzzer has found beside them are kept.
#
# usage: fuzz/seed-corpus.sh [--out DIR] [--response-bin PATH] [--fresh] [TARGET...]
#   --out DIR            write DIR/<target>/ instead of fuzz/corpus/<target>/
#   --response-bin PATH  a built response_checks fuzz binary writes the response seeds (it
#                        does so when SSM_CONFORM_FUZZ_WRITE_SEEDS is set); without it the
#                        `make_seeds` example is built and run with the ordinary toolchain
#   --fresh              empty each target's directory first
#   TARGET...            default: case_file response_checks
# Environment: SSM_CONFORM_FUZZ_CASES (default: cases/ at the repository root).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cases_dir="${SSM_CONFORM_FUZZ_CASES:-$root/cases}"
out="$root/fuzz/corpus"
response_bin=""
fresh=0
targets=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --response-bin) response_bin="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "seed-corpus: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(case_file response_checks)

shopt -s nullglob
case_files=("$cases_dir"/*.toml)
if [[ ${#case_files[@]} -eq 0 ]]; then
  echo "seed-corpus: no *.toml files in $cases_dir" >&2
  exit 2
fi

seed_case_file() {
  local dir="$1" f stem
  for f in "${case_files[@]}"; do
    stem="$(basename "$f" .toml)"
    cp "$f" "$dir/$stem.toml"
    # Each [[case]] block alone, after the file's top-level key lines (comments dropped).
    awk -v dir="$dir" -v stem="$stem" '
      function flush() { if (n > 0) { file = sprintf("%s/%s-%03d.toml", dir, stem, n); printf "%s%s", pre, block > file; close(file) } }
      /^[[:space:]]*\[\[case\]\][[:space:]]*(#.*)?$/ { flush(); n++; block = $0 "\n"; next }
      n == 0 { if ($0 !~ /^[[:space:]]*(#|$)/) pre = pre $0 "\n"; next }
      { block = block $0 "\n" }
      END { flush() }
    ' "$f"
  done
}

seed_response_checks() {
  local dir="$1"
  if [[ -n "$response_bin" ]]; then
    # The fuzz binary's init hook writes the seeds and exits before any fuzzing. (A build
    # without a sanitizer makes libFuzzer warn about missing sanitizer hooks: noise here.)
    SSM_CONFORM_FUZZ_WRITE_SEEDS="$dir" SSM_CONFORM_FUZZ_CASES="$cases_dir" \
      ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" LLVM_PROFILE_FILE=/dev/null \
      "$response_bin" 2> >(grep -v '^WARNING: Failed to find function' >&2)
  else
    cargo run --quiet --manifest-path "$root/fuzz/Cargo.toml" --example make_seeds -- "$cases_dir" "$dir"
  fi
}

for t in "${targets[@]}"; do
  dir="$out/$t"
  [[ $fresh -eq 1 ]] && rm -rf "$dir"
  mkdir -p "$dir"
  case "$t" in
    case_file) seed_case_file "$dir" ;;
    response_checks) seed_response_checks "$dir" ;;
    *) echo "seed-corpus: no seeds for $t: it starts from an empty corpus" >&2 ;;
  esac
  echo "seed-corpus: $dir: $(find "$dir" -type f | wc -l) files"
done
