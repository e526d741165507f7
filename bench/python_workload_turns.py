#!/usr/bin/env python3
"""Times the turns of a workload written by clawvm_write_session in the conformance
kit's Python engine (spec/conformance/python-engine), in process, as
clawvm_workload_turns_bench does for clawvm: each repetition builds a fresh engine,
applies the setup untimed (every event up to and including the setup_turns-th turn_end,
from the header's description), then times the rest. Events are parsed before timing.

    python3 bench/python_workload_turns.py FILE BUDGET [REPETITIONS] [POLICY]

Prints one JSON object: median and minimum seconds per timed turn, the turn count, the
repetitions and faults_total after the whole workload (a cross-check with clawvm).
Nothing here is asserted: bench/inprocess-compare.sh prints it beside clawvm.
"""
import json
import os
import statistics
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "spec", "conformance", "python-engine"))

from clawvm_py.engine import BOUNDARIES, Engine, make_policy  # noqa: E402
from clawvm_py.journal import CommittedState, Principal  # noqa: E402
from clawvm_py.workload import read_event  # noqa: E402


def apply(engine, ev):
    """One workload event, as the Python sidecar's _event applies it (without a response)."""
    name = ev.name
    if name == "session_start":
        engine.on_session_start(ev.session)
    elif name == "ingest":
        engine.on_ingest(ev.page)
    elif name == "update":
        engine.on_update(ev.page, ev.change)
    elif name == "demand":
        engine.on_demand(ev.page_id, ev.level)
    elif name == "tool_call":
        engine.on_tool_call(ev.tool, ev.arguments_text, ev.page)
    elif name == "recall":
        engine.on_recall(ev.scope, ev.field, ev.backend)
    elif name == "turn_end":
        engine.on_assemble()
        engine.on_post_model()
    elif name in BOUNDARIES:
        engine.on_boundary(name)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    path, budget = argv[0], int(argv[1])
    repetitions = int(argv[2]) if len(argv) > 2 else 3
    policy_name = argv[3] if len(argv) > 3 else "clawvm"
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8").splitlines()
    header = json.loads(lines[0])
    description = header.get("description", "")
    setup_turns = 0
    for part in description.split():
        if part.startswith("setup_turns="):
            setup_turns = int(part[len("setup_turns="):])
    events = [read_event(json.loads(line)) for line in lines[1:] if line]
    first_timed = 0
    seen = 0
    while first_timed < len(events) and seen < setup_turns:
        seen += 1 if events[first_timed].name == "turn_end" else 0
        first_timed += 1
    timed_turns = sum(1 for ev in events[first_timed:] if ev.name == "turn_end")

    per_turn = []
    faults_total = None
    for _ in range(repetitions):
        engine = Engine(make_policy(policy_name), budget, Principal(True, True), CommittedState(), None)
        for ev in events[:first_timed]:
            apply(engine, ev)
        start = time.perf_counter()
        for ev in events[first_timed:]:
            apply(engine, ev)
        elapsed = time.perf_counter() - start
        per_turn.append(elapsed / max(1, timed_turns))
        faults_total = engine.counters.total_faults
    print(json.dumps({"engine": "clawvm_py", "workload": header.get("name"), "budget": budget,
                      "turns": timed_turns, "repetitions": repetitions,
                      "median_seconds_per_turn": statistics.median(per_turn),
                      "min_seconds_per_turn": min(per_turn), "faults_total": faults_total}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
