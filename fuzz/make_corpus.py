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


def main():
    root = pathlib.Path(__file__).resolve().parent / "corpus"
    for target in TARGETS:
        out = root / target
        out.mkdir(parents=True, exist_ok=True)
        for name, data in seeds(target):
            (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
