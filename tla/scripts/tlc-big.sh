#!/usr/bin/env bash
# TLC on configs too large for a CI runner (tla/README.md, "Model checking at scale").
#
#   tla/scripts/tlc-big.sh check CONFIG [--workers N|auto] [--heap SIZE] [--work DIR]
#       the complete search on one machine, every core (-workers auto), fingerprints
#       spilling to disk under DIR; -checkpoint every 30 minutes, so a killed run
#       continues with the printed -recover command.
#   tla/scripts/tlc-big.sh simulate CONFIG --seed S [--traces N] [--depth D] [--work DIR]
#       TLC -simulate from one seed (defaults: 100000 behaviours of at most 100 states).
#       A campaign over M machines runs seeds 1..M, one per machine: the runs are
#       independent, and any seed that finds an error reproduces it anywhere.
#
# TLC is found through $CLAWVM_TLC_JAR, else ../shared/tools/tlc/tla2tools.jar beside the
# project. TLC writes only below the work directory (default: ./tlc-work/CONFIG).
# Exit status: TLC's (0 no error, 12 invariant, 13 property, 11 deadlock, 150 parse
# error), or 2 for a usage error.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)  # tla/
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
mode=$1 config=$2
shift 2
workers=auto heap=auto work="" seed="" traces=100000 depth=100
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers=${2:?}; shift 2 ;;
    --heap) heap=${2:?}; shift 2 ;;
    --work) work=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --traces) traces=${2:?}; shift 2 ;;
    --depth) depth=${2:?}; shift 2 ;;
    *) echo "tlc-big.sh: unknown option '$1'" >&2; usage ;;
  esac
done
jar=${CLAWVM_TLC_JAR:-$here/../../shared/tools/tlc/tla2tools.jar}
[ -f "$jar" ] || { echo "tlc-big.sh: no TLC at $jar (set CLAWVM_TLC_JAR)" >&2; exit 2; }
[ -f "$here/$config.cfg" ] || { echo "tlc-big.sh: no config tla/$config.cfg" >&2; exit 2; }
module=$(echo "$config" | sed -E 's/^(MC[A-Za-z]+).*/\1/')  # MCLifecycle_big -> MCLifecycle
work=${work:-$PWD/tlc-work/$config}
mkdir -p "$work/tmp"
java_opts=(-XX:+UseParallelGC "-Djava.io.tmpdir=$work/tmp")
# Default heap: a quarter of the memory, TLC's fingerprint set takes off-heap memory too.
if [ "$heap" != auto ]; then java_opts+=("-Xmx$heap"); fi
case "$mode" in
  check)
    tlc_opts=(-workers "$workers" -fp 1 -checkpoint 30) ;;
  simulate)
    [ -n "$seed" ] || { echo "tlc-big.sh: simulate needs --seed S" >&2; exit 2; }
    tlc_opts=(-workers 1 -simulate "num=$traces" -depth "$depth" -seed "$seed") ;;
  *) usage ;;
esac
cmd=(java "${java_opts[@]}" -cp "$jar" tlc2.TLC "${tlc_opts[@]}" -metadir "$work/states"
     -noGenerateSpecTE -config "$config.cfg" "$module.tla")
echo "(cd $here && ${cmd[*]})"
cd "$here"
status=0
"${cmd[@]}" 2>&1 | tee "$work/tlc.out" || status=${PIPESTATUS[0]}
[ "$mode" = check ] && [ "$status" -ne 0 ] &&
  echo "tlc-big.sh: to continue a killed run: add -recover $work/states/<the run's directory>" >&2
exit "$status"
