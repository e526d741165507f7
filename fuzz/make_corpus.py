#!/usr/bin/env python3
"""Writes the committed seed corpus fuzz/corpus/<target>/ deterministically.

Every fuzz target decodes *any* byte string (fuzz_support.hpp byte_reader is total), so
seeds are byte strings: a few fixed patterns plus pseudo-random strings from a fixed
seed per target and file. Rerunning this script reproduces the files byte for byte;
findings worth keeping are added next to them as crash-<sha1> / regress-<name> files.

    python3 fuzz/make_corpus.py            # (re)write the seeds
"""
import pathlib
import random

TARGETS = ["selector_fuzz", "journal_fuzz", "page_ingest_fuzz", "engine_fuzz"]
LENGTHS = [24, 96, 384, 1536]


def seeds(target):
    yield "seed-zeros", bytes(64)
    yield "seed-ones", bytes([0xFF]) * 64
    yield "seed-ramp", bytes(range(256))
    for i, n in enumerate(LENGTHS):
        rng = random.Random(f"clawvm:{target}:{i}")
        yield f"seed-random-{i}", bytes(rng.randrange(256) for _ in range(n))


# The hostile classes of issue 9, as regression seeds of every target that reads JSON
# text: nesting far past json_depth_max, a number beyond binary64, NUL bytes, a field of
# the wrong type. Each once crashed clawvm or passed silently.
DEEP = b"[" * 100000 + b"]" * 100000
EVIDENCE = b'{"id":"r","type":"evidence","representations":{"full":{"tokens":4},"pointer":{"tokens":1}}}'
CODEX_HEAD = (b'{"timestamp":"2026-01-01T00:00:00.000Z","type":"session_meta","payload":{"id":"cx",'
              b'"timestamp":"2026-01-01T00:00:00.000Z","cwd":"/","originator":"codex_cli_rs","cli_version":"0.50.0"}}\n')


def hostile():
    yield "sidecar_fuzz", "regress-deep-nesting", (b"\x00" + b'{"id":1,"op":"hello"}\n'
                                                   + b'{"event":"tool_call","tool":"t","arguments":' + DEEP
                                                   + b',"result":' + EVIDENCE + b'}\n{"op":"counters"}\n')
    yield "sidecar_fuzz", "regress-number-1e400", b'\x00{"event":"demand","page":"x","comment":1e400}\n{"op":"counters"}\n'
    yield "sidecar_fuzz", "regress-nul-byte", b'\x00{"id":1,"op":"hello"}\x00garbage\n{"op":"counters"}\n'
    # byte 0: format (2 = codex), byte 1: knobs (1 = lenient)
    codex_call = (b'{"timestamp":"2026-01-01T00:00:01.000Z","type":"response_item","payload":{"type":"function_call",'
                  b'"name":"shell","call_id":"c1","arguments":"' + DEEP + b'"}}\n')
    yield "import", "regress-codex-deep-arguments", b"\x02\x00" + CODEX_HEAD + codex_call
    yield "import", "regress-nul-byte", b"\x00\x01" + b'{"type":"session","version":3,"id":"s"}\x00\n'
    # Issue 13: objects back to back (40 on a line: more than the 16 a line may hold, so
    # plain invalid JSON; then 2: both imported in lenient mode), read with --from auto
    # (byte 0 = 3); a forked rollout whose ancestors chain past the 16 remembered.
    yield "import", "regress-concatenated-objects", (b"\x03\x01" + b'{"type":"session","id":"s"}' * 40 + b"\n"
                                                     + b'{"type":"session","id":"s"}{"type":"message","message":'
                                                     + b'{"role":"user","content":"x"}}\n')
    fork_chain = b"".join(b'{"timestamp":"t","type":"session_meta","payload":{"id":"f%d","forked_from_id":"f%d"}}\n'
                          % (i, i + 1) for i in range(40))
    yield "import", "regress-codex-fork-chain", b"\x02\x01" + fork_chain
    yield "check_trace_fuzz", "regress-wrong-type-step", b'{"v":1,"seq":0,"turn":0,"event":"install","step":3}\n'
    yield "check_trace_fuzz", "regress-wrong-type-boundary", b'{"v":1,"seq":0,"turn":0,"event":"boundary","boundary":[1]}\n'
    yield "check_trace_fuzz", "regress-deep-nesting", b'{"v":1,"seq":0,"turn":0,"event":"x","p":' + DEEP + b'}\n'
    yield "check_trace_fuzz", "regress-number-1e400", b'{"v":1,"seq":1e400,"turn":0,"event":"x"}\n'
    yield "check_trace_fuzz", "regress-nul-byte", b'{"v":1,"seq":0,"turn":0,"event":"session_start","auto_pin":true}\x00x\n'
    yield "mapping_fuzz", "regress-negative-cost", b'{"recompute_cost":{"read":-1},"pages":{"plan":{"recompute_cost":-0.5}}}'
    yield "mapping_fuzz", "regress-nul-byte", b'{"window_tokens":1000}\x00{}'
    yield "mapping_fuzz", "regress-deep-nesting", b'{"tool_kinds":' + DEEP + b'}'
    yield "mapping_fuzz", "regress-number-1e400", b'{"window_tokens":1e400}'
    yield "mapping_fuzz", "regress-depth-over-limit", b'{"max_json_depth":4096}'


def main():
    root = pathlib.Path(__file__).resolve().parent / "corpus"
    for target in TARGETS:
        out = root / target
        out.mkdir(parents=True, exist_ok=True)
        for name, data in seeds(target):
            (out / name).write_bytes(data)
    for target, name, data in hostile():
        out = root / target
        out.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
