#!/usr/bin/env bash
# Times an in-process turn of clawvm beside another engine on the same seeded sessions,
# at several sizes, in one run, and prints the ratio (issue 14). The sessions are
# bench/synthetic_session.hpp's (seed default_seed), written as workload files by
# clawvm_write_session: setup (every page, 64 warm-up turns) untimed, then TURNS timed
# turns of 2-3 demands, a repeated tool call and a turn_end, at budget BUDGET.
#
#   bash bench/inprocess-compare.sh [BUILD_DIR]                 (default build/release)
#   SIZES='20 100 1000' TURNS=200 BUDGET=500 bash bench/inprocess-compare.sh
#   OTHER='python3 my_engine_turns.py' bash bench/inprocess-compare.sh
#
# OTHER is a command that takes FILE BUDGET REPETITIONS and prints a JSON object with
# "median_seconds_per_turn" and "faults_total" (bench/python_workload_turns.py, the
# conformance kit's Python engine, by default). Large sessions get fewer timed turns
# (LARGE_TURNS, default 20, from 10 000 pages on) and a fixed number of iterations per
# repetition (LARGE_ITERATIONS, default 5: every iteration ingests the session again,
# untimed, which at 100 000 pages takes seconds). Both engines must end with the same
# faults_total: a different count means they did not replay the same thing, and the
# script says so and exits 1.
# Build first:
#   cmake --preset release && cmake --build build/release --target clawvm_write_session clawvm_workload_turns_bench
# Nothing is asserted about speed: record what it prints, with the machine and its load,
# in docs/performance.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/release}
writer=$build/bench/clawvm_write_session
bench=$build/bench/clawvm_workload_turns_bench
for program in "$writer" "$bench"; do
  if [[ ! -x $program ]]; then
    echo "inprocess-compare: $program not found (build clawvm_write_session and clawvm_workload_turns_bench)" >&2
    exit 2
  fi
done
other=${OTHER:-python3 $here/bench/python_workload_turns.py}
sizes=${SIZES:-20 100 1000 10000 100000}
turns=${TURNS:-200}
large_turns=${LARGE_TURNS:-20}
large_iterations=${LARGE_ITERATIONS:-5}
if ! [[ $large_iterations =~ ^[1-9][0-9]*$ ]]; then
  echo "inprocess-compare: LARGE_ITERATIONS must be a whole number from 1 up (got '$large_iterations')" >&2
  exit 2
fi
budget=${BUDGET:-500}
repetitions=${REPETITIONS:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

json_field() {  # file, python expression over the parsed object `d`
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

printf '%-8s %-7s %-6s %14s %14s %9s %s\n' pages budget turns clawvm_us other_us ratio faults
status=0
for pages in $sizes; do
  n_turns=$turns
  timing=(--benchmark_min_time=0.2)
  if (( pages >= 10000 )); then
    n_turns=$large_turns
    timing=(--iterations="$large_iterations")
  fi
  file=$out/session-$pages.jsonl
  "$writer" --pages "$pages" --turns "$n_turns" "$file" >/dev/null
  "$bench" --workload="$file" --budget="$budget" --benchmark_repetitions="$repetitions" \
    "${timing[@]}" --benchmark_format=json >"$out/clawvm-$pages.json" 2>"$out/clawvm-$pages.err" || {
    cat "$out/clawvm-$pages.err" >&2
    exit 1
  }
  # shellcheck disable=SC2086
  $other "$file" "$budget" "$repetitions" >"$out/other-$pages.json"
  clawvm_s=$(json_field "$out/clawvm-$pages.json" \
    "([b for b in d['benchmarks'] if b.get('aggregate_name')=='median'] or d['benchmarks'])[0]['per_turn']")
  clawvm_faults=$(json_field "$out/clawvm-$pages.json" "d['benchmarks'][0]['faults_total']")
  other_s=$(json_field "$out/other-$pages.json" "d['median_seconds_per_turn']")
  other_faults=$(json_field "$out/other-$pages.json" "d['faults_total']")
  faults="$(printf '%.0f' "$clawvm_faults") = $other_faults"
  if [[ $(printf '%.0f' "$clawvm_faults") != "$other_faults" ]]; then
    faults="$(printf '%.0f' "$clawvm_faults") != $other_faults (the engines disagree)"
    status=1
  fi
  python3 - "$pages" "$budget" "$n_turns" "$clawvm_s" "$other_s" "$faults" <<'EOF'
import sys
pages, budget, turns, c, o, faults = sys.argv[1:]
c, o = float(c), float(o)
print(f"{pages:<8} {budget:<7} {turns:<6} {c*1e6:14.2f} {o*1e6:14.1f} {o/c:8.0f}x {faults}")
EOF
done
exit $status
