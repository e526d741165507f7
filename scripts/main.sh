#!/usr/bin/env bash
# The main job. Until the evaluation suite lands it runs the built-in demo session through
# every policy and prints the decision trace and the fault counts. Extra arguments go to
# `clawvm demo` (try --help).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh" >&2
cd "$here"
cmake --preset release >&2
cmake --build --preset release -j "$(nproc)" --target clawvm_cli >&2
exec build/release/src/clawvm demo "$@"
