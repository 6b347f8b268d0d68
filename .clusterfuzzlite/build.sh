#!/bin/bash -eu
# ClusterFuzzLite build script: builds every cargo-fuzz target in fuzz/ into $OUT, with a seed
# corpus zip per target ($OUT/<target>_seed_corpus.zip) made by fuzz/seed-corpus.sh from
# cases/*.toml.
#
# It runs inside .clusterfuzzlite/Dockerfile's image, in its WORKDIR (the repository), with the
# environment the OSS-Fuzz `compile` step sets: SANITIZER (address | coverage), OUT, SRC, WORK,
# FUZZING_LANGUAGE=rust, ARCHITECTURE, CC/CXX/CFLAGS/CXXFLAGS, RUSTFLAGS (--cfg fuzzing
# -Zsanitizer=... -Cdebuginfo=1 -Cforce-frame-pointers) and CUSTOM_LIBFUZZER_PATH (the prebuilt
# libFuzzer libfuzzer-sys links instead of compiling its own). For SANITIZER=coverage the image's
# `cargo` wrapper turns `cargo fuzz build` into an instrumented `cargo build --bins` and copies
# the result to the usual release directory, so the copy below holds for every sanitizer.
#
# To try it outside Docker, see fuzz/README.md ("ClusterFuzzLite").

cd "${PROJECT_DIR:-$PWD}"

# The fuzz targets are the fuzz crate's [[bin]]s (what `cargo fuzz list` shows; that command
# itself cannot be used here: the image's cargo wrapper turns every `cargo fuzz ...` into a build
# when SANITIZER=coverage). Targets that need something ClusterFuzzLite does not have are left
# out: `endpoint` fuzzes a live endpoint named by SSM_CONFORM_FUZZ_ENDPOINT.
skip=" ${SKIP_TARGETS:-endpoint} "
targets=()
for t in $(cargo metadata --no-deps --format-version 1 --manifest-path fuzz/Cargo.toml |
           jq -r '.packages[].targets[] | select(.kind | index("bin")) | .name'); do
  [[ "$skip" == *" $t "* ]] || targets+=("$t")
done
echo "build.sh: fuzz targets: ${targets[*]}"

# -O as ClusterFuzzLite recommends; debug assertions make overflows and debug_assert!s crash.
# (All [[bin]]s are built; only the targets above are copied.)
cargo fuzz build -O --debug-assertions

bin_dir="${CARGO_TARGET_DIR:-fuzz/target}/x86_64-unknown-linux-gnu/release"
for t in "${targets[@]}"; do
  cp "$bin_dir/$t" "$OUT/"
done

# Seed corpora. The just-built response_checks binary writes its own seeds (no second build of
# the crate); should it fail to run here, the make_seeds example is built without the fuzzing
# flags instead.
seeds="$WORK/ssm-conform-seeds"
rm -rf "$seeds"
if ! fuzz/seed-corpus.sh --out "$seeds" --response-bin "$OUT/response_checks" "${targets[@]}"; then
  echo "build.sh: $OUT/response_checks could not write seeds; building the make_seeds example" >&2
  env -u RUSTFLAGS -u CFLAGS -u CXXFLAGS -u CUSTOM_LIBFUZZER_PATH -u CUSTOM_LIBFUZZER_STD_CXX \
    fuzz/seed-corpus.sh --out "$seeds" --fresh "${targets[@]}"
fi
for t in "${targets[@]}"; do
  rm -f "$OUT/${t}_seed_corpus.zip"
  if [ -n "$(find "$seeds/$t" -type f -print -quit 2>/dev/null)" ]; then
    (cd "$seeds/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
  fi
done
