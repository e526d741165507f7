#!/usr/bin/env bash
# Runs every test: installs dependencies, builds the gcc-debug preset (warnings as
# errors) and runs ctest. Usage: scripts/test.sh [preset] (default gcc-debug).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
preset=${1:-gcc-debug}
bash "$here/scripts/install-deps.sh"
cd "$here"
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -LE fuzz-campaign
