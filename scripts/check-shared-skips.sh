#!/usr/bin/env bash
# Proves that every test needing ../shared (label shared-data: real transcripts, TLC) is
# reported skipped, never failed or passed, on a clone that has no shared folder beside it:
# runs them with CLAWVM_SHARED_DIR pointing at a folder that does not exist and requires
# each one to be skipped.   bash scripts/check-shared-skips.sh [preset]
set -euo pipefail
preset=${1:-gcc-debug}
total=$(ctest --preset "$preset" -N -L shared-data | sed -n 's/^Total Tests: //p')
status=0
out=$(CLAWVM_SHARED_DIR=/nonexistent/clawvm-no-shared ctest --preset "$preset" -L shared-data 2>&1) || status=$?
skipped=$(grep -c '\*\*\*Skipped' <<<"$out" || true)
if [ "$status" -ne 0 ] || [ "${total:-0}" -eq 0 ] || [ "$skipped" -ne "$total" ]; then
  echo "$out"
  echo "check-shared-skips: FAIL: $skipped of ${total:-0} shared-data tests were skipped without ../shared (ctest exit $status)" >&2
  exit 1
fi
echo "check-shared-skips: all $total shared-data tests are skipped without ../shared"
