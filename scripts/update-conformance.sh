#!/usr/bin/env bash
# Regenerates the conformance kit's cases and expected answers (spec/conformance.md CF-6)
# from spec/conformance/catalog.json with a built clawvm. Run it after a change that is
# meant to change answers, review the diff, and say why in the commit.
#   bash scripts/update-conformance.sh [path/to/clawvm]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${1:-$here/build/gcc-debug/src/clawvm}
"$cli" conform --generate "$here/spec/conformance"
