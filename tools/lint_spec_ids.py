#!/usr/bin/env python3
"""lint.spec_ids: requirement ids are cited only where spec/ defines them, every test
executable and fuzz target is in docs/traceability.md, and retired names of a concept
do not come back (one concept, one name: issue 10).

    python3 tools/lint_spec_ids.py ROOT

An id is defined by a heading of spec/*.md (`## SEL-9 ...`, `### IM-15.1 ...`) or a
known-issue bullet of spec/README.md (`- **KI-9**`); `X-N.M` is defined when `X-N` is (a
numbered item of that requirement). Every citation in spec/, docs/, include/, src/,
tests/, properties/, fuzz/, tla/, bench/ and README.md must be defined. Exit 0 clean,
1 with one line per problem.
"""
import pathlib
import re
import sys

PREFIXES = "PG|SEL|JR|FT|EN|ST|DT|RC|CLI|WL|RP|SC|GEN|GT|SW|SU|RPT|IM|RL|CF|KI|EV"
CITE = re.compile(r"(?<![A-Za-z0-9_-])(%s)-([0-9]+)(?:\.([0-9]+))?(?![0-9])" % PREFIXES)
HEADING = re.compile(r"^#{2,4} +(%s)-([0-9]+)(?:\.([0-9]+))?\b" % PREFIXES)
KNOWN_ISSUE = re.compile(r"^- \*\*KI-([0-9]+)\*\*")
SCANNED = ["spec", "docs", "include", "src", "tests", "properties", "fuzz", "tla", "bench", "README.md"]
# One concept, one name: the spelling each retired name gave way to.
RETIRED = [
    (re.compile(r"\bwrite_back|WriteBack|\b[Ww]rite-back\b"), "writeback (C++, prose) / Writeback (TLA+)"),
    (re.compile(r"\b(memory_)?committed_state\b"), "durable_store / memory_store (the store, spec/store.md)"),
]
# The properties' and fuzzers' old shorthand for invariants that have TLA+/spec names.
RETIRED_SHORTHAND = (re.compile(r"(?<![A-Za-z0-9_-])(G[1-6]|E[1-3]|P[1-3]|J[1-4])(?![A-Za-z0-9_-])"),
                     "the invariant's name (BudgetInv, FloorInv, ..., LifecycleCompletenessInv) or spec id")
SHORTHAND_SCANNED = ("properties", "fuzz", "tests", "docs")
SUFFIXES = {".md", ".hpp", ".cpp", ".cmake", ".txt", ".tla", ".cfg", ".py", ".json", ".js", ".sh"}


def defined_ids(root):
    ids = set()
    for md in sorted((root / "spec").glob("*.md")):
        for line in md.read_text(encoding="utf-8").splitlines():
            m = HEADING.match(line)
            if m:
                ids.add(f"{m.group(1)}-{m.group(2)}" + (f".{m.group(3)}" if m.group(3) else ""))
            k = KNOWN_ISSUE.match(line)
            if k:
                ids.add(f"KI-{k.group(1)}")
    return ids


def files(root):
    for name in SCANNED:
        p = root / name
        if p.is_file():
            yield p
        elif p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix in SUFFIXES and "node_modules" not in f.parts and "expected" not in f.parts:
                    yield f


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    ids = defined_ids(root)
    problems = []
    for f in files(root):
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = f.relative_to(root)
        retired = RETIRED + ([RETIRED_SHORTHAND] if rel.parts[0] in SHORTHAND_SCANNED else [])
        for n, line in enumerate(text.splitlines(), 1):
            # The names table of spec/README.md lists the retired names on purpose.
            in_names_table = rel.as_posix() == "spec/README.md" and line.lstrip().startswith("|")
            for pattern, instead in [] if in_names_table else retired:
                for m in pattern.finditer(line):
                    problems.append(f"{rel}:{n}: retired name '{m.group(0)}': write {instead}")
            for m in CITE.finditer(line):
                whole = f"{m.group(1)}-{m.group(2)}"
                cited = whole + (f".{m.group(3)}" if m.group(3) else "")
                if cited in ids or whole in ids:
                    continue
                problems.append(f"{f.relative_to(root)}:{n}: {cited} is cited but no spec heading defines it")
    trace = (root / "docs" / "traceability.md").read_text(encoding="utf-8")
    executables = set(re.findall(r"clawvm_catch_test\(\s*([A-Za-z0-9_]+)", "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((root / "tests").glob("*.cmake")) + [root / "tests" / "CMakeLists.txt"])))
    fuzzers = set(re.findall(r"clawvm_fuzz_target\(\s*([A-Za-z0-9_]+)", (root / "fuzz" / "CMakeLists.txt").read_text(encoding="utf-8")))
    for name in sorted(executables):
        if name not in trace:
            problems.append(f"docs/traceability.md: the test executable {name} is not mentioned")
    for name in sorted(fuzzers):
        if f"{name}_replay" not in trace:
            problems.append(f"docs/traceability.md: the fuzz target {name} ({name}_replay) is not mentioned")
    for p in problems:
        print(p)
    print(f"lint.spec_ids: {len(ids)} ids defined, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
