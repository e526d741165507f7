#!/usr/bin/env bash
# The main job: the evaluation suite (spec/suite.md) on its embedded defaults: the six
# Tier-1 gates, the Tier-2 sweep (4 workload families x 6 budgets x 7 policies), the
# stress runs, the ablations and the weight sweep (and the real OpenClaw sessions when
# ../shared has them), with report.html / report.md and a
# manifest of every output in suite-out/ (CLAWVM_SUITE_OUT to change it). Extra
# arguments go to `clawvm suite` (try --help). Exit 0 when every check passes.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh" >&2
cd "$here"
cmake --preset release >&2
cmake --build --preset release -j "$(nproc)" --target clawvm_cli >&2
# The real OpenClaw sessions next to the project (../shared), when present, add the
# real-session section (spec/real.md); without them the suite runs on its own workloads.
real_sessions=$(cd "$here/.." && pwd)/shared/traces/openclaw-real
real_args=()
if [ -d "$real_sessions" ]; then
  real_args=(--real "$real_sessions")
else
  echo "main: $real_sessions absent: running without the real-session section" >&2
fi
exec build/release/src/clawvm suite --out "${CLAWVM_SUITE_OUT:-suite-out}" --jobs "$(nproc)" "${real_args[@]}" "$@"
