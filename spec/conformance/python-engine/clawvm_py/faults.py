"""Fault kinds, counters and tool signatures (spec/faults.md FT-1..FT-9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from . import cjson

FAULT_NAMES = ["refetch", "duplicate_tool", "post_compaction_bootstrap", "flush_miss",
               "silent_recall", "pinned_invariant_miss"]
REFETCH, DUPLICATE_TOOL, POST_COMPACTION_BOOTSTRAP, FLUSH_MISS, SILENT_RECALL, \
    PINNED_INVARIANT_MISS = range(6)

# Fixed detail texts of fault trace events (FT-1). The spec says "a fixed
# text" without giving it; these were observed on the reference (see README,
# spec gaps). pinned_invariant_miss cannot be provoked on the reference.
DETAIL = {
    REFETCH: "evicted tool result re-retrieved",
    DUPLICATE_TOOL: "equivalent call re-run after eviction",
    POST_COMPACTION_BOOTSTRAP: "bootstrap not resident after compaction",
    PINNED_INVARIANT_MISS: "hard-pinned page below floor",
}


@dataclass
class Counters:
    faults: list = field(default_factory=lambda: [0] * 6)
    hits: int = 0
    misses: int = 0
    duplicate_signature_alerts: int = 0
    physical_insufficiency: int = 0
    commits: int = 0
    rejections: int = 0
    destructive_commits: int = 0
    recalls_explained: int = 0

    @property
    def total_faults(self) -> int:
        return sum(self.faults)

    def thrash_index(self) -> float:
        F = self.total_faults + self.duplicate_signature_alerts
        return float(F) / float(self.hits + 1)


def canonical_signature(tool: str, arguments_text: str) -> Optional[str]:
    """FT-3: tool(canonical args); None if the name is empty or args invalid."""
    if tool == "":
        return None
    text = arguments_text if arguments_text != "" else "{}"
    try:
        v = cjson.parse(text.encode("utf-8", "surrogatepass"))
    except cjson.JSONError:
        return None
    return tool + "(" + cjson.dumps(v) + ")"
