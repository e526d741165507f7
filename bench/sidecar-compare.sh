#!/usr/bin/env bash
# Times a turn through the sidecar protocol (spec/sidecar.md) for clawvm and for another
# implementation of it, on the same seeded session (bench/sidecar_bench.cpp: the synthetic
# 100-page session of bench/synthetic_session.hpp, seed default_seed, budget 500, policy
# clawvm, turns of three demands and an assembly), and prints them side by side.
#
#   bash bench/sidecar-compare.sh [BUILD_DIR]                 (default build/release)
#   OTHER='node my-engine.js serve --budget 500' bash bench/sidecar-compare.sh
#
# OTHER is the shell command that starts the other sidecar with budget 500 and policy
# clawvm; by default the conformance kit's Python engine
# (spec/conformance/python-engine/clawvm-py). MIN_TIME (seconds per case, default 0.5)
# trades time for precision. Build first:
#   cmake --preset release && cmake --build build/release --target clawvm_sidecar_bench clawvm_cli
# Nothing here is asserted: record what it prints, with the machine and its load, in
# docs/performance.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/release}
bench=$build/bench/clawvm_sidecar_bench
if [[ ! -x $bench ]]; then
  echo "sidecar-compare: $bench not found (build the clawvm_sidecar_bench target first)" >&2
  exit 2
fi
other=${OTHER:-python3 $here/spec/conformance/python-engine/clawvm-py serve --store :memory: --budget 500}
min_time=${MIN_TIME:-0.5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {  # name, then the environment for the benchmark
  local name=$1
  shift
  env "$@" "$bench" --benchmark_filter='^(lockstep|pipelined)/' --benchmark_min_time="$min_time" \
    --benchmark_format=json >"$out/$name.json" 2>"$out/$name.err" || {
    echo "sidecar-compare: the $name run failed:" >&2
    cat "$out/$name.err" >&2
    exit 1
  }
}
run clawvm CLAWVM_SIDECAR_CMD=
run other CLAWVM_SIDECAR_CMD="$other"

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); other: $other"
python3 - "$out/clawvm.json" "$out/other.json" <<'EOF'
import json, sys

def cases(path):
    rows = {}
    for b in json.load(open(path))["benchmarks"]:
        name = b["name"].removesuffix("/real_time")
        if b.get("error_occurred"):
            rows[name] = None
        elif name.startswith("lockstep"):
            rows[name] = f'p50 {b["p50_us"]:8.1f} us  p99 {b["p99_us"]:8.1f} us'
        else:
            rows[name] = f'{b["items_per_second"]:10.0f} requests/s'
    return rows

mine, theirs = cases(sys.argv[1]), cases(sys.argv[2])
print(f'{"case":26} {"clawvm":36} {"other":36}')
for name in mine:
    a = mine[name] or "not supported"
    b = theirs.get(name) or "not supported"
    print(f"{name:26} {a:36} {b:36}")
EOF
