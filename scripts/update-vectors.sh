#!/usr/bin/env bash
# Regenerates the conformance vectors of spec/vectors/ (spec/vectors/README.md) with a
# built clawvm: the generated workloads and the expected replay results of every
# workload (gates and generated) under all six policies at two budgets. Run it after a
# change that is meant to change results, review the diff, and say why in the commit.
#   bash scripts/update-vectors.sh [path/to/clawvm]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${1:-$here/build/gcc-debug/src/clawvm}
vectors=$here/spec/vectors
mkdir -p "$vectors/workloads" "$vectors/replay"
rm -f "$vectors"/workloads/*.workload.jsonl "$vectors"/replay/*.expected.jsonl
# Small workloads of every family (seed 7, 40 turns): quick to replay, every event kind.
for family in long_plan evidence_churn preference_drift project_memory cross_reference starvation churn cascade_reset; do
  "$cli" generate --family "$family" --seed 7 --turns 40 --out "$vectors/workloads/$family-s7-t40.workload.jsonl"
done
for workload in "$vectors"/gates/*.workload.jsonl "$vectors"/workloads/*.workload.jsonl; do
  name=$(basename "$workload" .workload.jsonl)
  for budget in 120 300; do
    "$cli" replay "$workload" --policy all --budget "$budget" --json > "$vectors/replay/$name.b$budget.expected.jsonl"
  done
done
# The sidecar's responses to its request vectors (requests are written by hand).
for requests in "$vectors"/sidecar/*.requests.jsonl; do
  budget=$(basename "$requests" .requests.jsonl | sed -E 's/.*\.b([0-9]+)$/\1/')
  "$cli" serve --store :memory: --budget "$budget" < "$requests" > "${requests%.requests.jsonl}.responses.jsonl"
done
echo "update-vectors: $(ls "$vectors"/replay | wc -l) replay and $(ls "$vectors"/sidecar/*.responses.jsonl | wc -l) sidecar expected files"
