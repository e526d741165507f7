"""Decision trace v1 (spec/decision_trace.md DT-1..DT-7)."""

from __future__ import annotations

from . import cjson

FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
M64 = (1 << 64) - 1


def residency_digest(pairs) -> str:
    """DT-4: FNV-1a 64 of '<id>=<level>;' for every page in table order."""
    h = FNV_OFFSET
    for pid, lvl_name in pairs:
        for c in (pid + "=" + lvl_name + ";").encode("utf-8", "surrogatepass"):
            h ^= c
            h = (h * FNV_PRIME) & M64
    return "%016x" % h


class TraceSink:
    """Writes one canonical JSON line per event (keys sorted, DT-3)."""

    def __init__(self, fileobj, first_seq: int = 0):
        self.f = fileobj
        self.seq = first_seq

    def emit(self, turn: int, event: str, fields: dict):
        obj = dict(fields)
        obj["v"] = 1
        obj["seq"] = self.seq
        obj["turn"] = turn
        obj["event"] = event
        self.seq += 1
        self.f.write(cjson.dumps(obj) + "\n")

    def flush(self):
        self.f.flush()
