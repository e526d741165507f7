#!/usr/bin/env bash
# Runs every test, as CI does:
#   1. gcc-debug (warnings as errors): the whole ctest suite;
#   2. asan (clang, ASan+UBSan): the ctest suite again under sanitizers, except the
#      replays of the real shared transcripts (label real-data: minutes under ASan; stage 1
#      runs them, and the importer and sidecar are fuzzed under ASan in stage 3) and TLC
#      (label tlc: Java, not instrumented; stage 1 runs it on every tla/ config);
#   3. fuzz (clang, libFuzzer): each fuzzer for CLAWVM_FUZZ_SECONDS (default 30) from its
#      committed corpus (label fuzz-campaign), and .clusterfuzzlite/build.sh run as
#      ClusterFuzzLite runs it (label clusterfuzzlite).
# Set CLAWVM_TEST_STAGES to a subset, e.g. "gcc-debug" for a quick local run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
stages=${CLAWVM_TEST_STAGES:-"gcc-debug asan fuzz"}
fuzz_seconds=${CLAWVM_FUZZ_SECONDS:-30}
bash "$here/scripts/install-deps.sh"
cd "$here"
jobs=$(nproc)
for stage in $stages; do
  echo "=== test stage: $stage"
  case "$stage" in
    gcc-debug|clang-debug|release)
      cmake --preset "$stage"
      cmake --build --preset "$stage" -j "$jobs"
      ctest --preset "$stage" -LE fuzz-campaign
      # A new user has no ../shared: those tests must skip there, not fail.
      bash "$here/scripts/check-shared-skips.sh" "$stage"
      ;;
    asan)
      cmake --preset asan
      cmake --build --preset asan -j "$jobs"
      ctest --preset asan -LE "fuzz-campaign|real-data|tlc"
      ;;
    fuzz)
      cmake --preset fuzz -DCLAWVM_FUZZ_SECONDS="$fuzz_seconds"
      cmake --build --preset fuzz -j "$jobs" --target fuzzers  # the libFuzzer binaries only
      ctest --test-dir build/fuzz -L "fuzz-campaign|clusterfuzzlite" --output-on-failure -j "$jobs"
      ;;
    *) echo "test.sh: unknown stage '$stage'" >&2; exit 2 ;;
  esac
done
