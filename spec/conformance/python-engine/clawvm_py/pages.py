"""Pages, levels, traits, ingest validation, replace (spec/pages.md PG-1..PG-10)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

from . import bugs
from .reasons import (OK, UNKNOWN_PAGE_TYPE, MISSING_FLOOR_REPRESENTATION,
                      TOKENS_NOT_MONOTONE, DUPLICATE_PAGE_ID, INVALID_PAGE_ID,
                      REPRESENTATION_OFF_CHAIN, UNKNOWN_PAGE, PAGE_TYPE_MISMATCH,
                      INVALID_PAGE_ATTRIBUTE, PIN_OR_SCOPE_CHANGE)

# PG-1 levels
NONE, POINTER, STRUCTURED, COMPRESSED, FULL = 0, 1, 2, 3, 4
LEVEL_NAMES = ["none", "pointer", "structured", "compressed", "full"]
LEVEL_BY_NAME = {n: i for i, n in enumerate(LEVEL_NAMES)}

# PG-1 page types
TYPE_NAMES = ["bootstrap", "constraint", "plan", "preference", "evidence", "conversation"]
TYPE_BY_NAME = {n: i for i, n in enumerate(TYPE_NAMES)}
BOOTSTRAP, CONSTRAINT, PLAN, PREFERENCE, EVIDENCE, CONVERSATION = range(6)

# PG-3 scopes
SCOPE_NAMES = ["session", "project"]
SCOPE_BY_NAME = {n: i for i, n in enumerate(SCOPE_NAMES)}
SESSION, PROJECT = 0, 1

# PG-4 pin classes
PIN_NAMES = ["none", "soft", "hard"]
PIN_BY_NAME = {n: i for i, n in enumerate(PIN_NAMES)}
PIN_NONE, PIN_SOFT, PIN_HARD = 0, 1, 2

# PG-2 traits: (floor, chain highest first, default pin, default scope)
TRAITS = {
    BOOTSTRAP: (STRUCTURED, (FULL, STRUCTURED), PIN_HARD, PROJECT),
    CONSTRAINT: (STRUCTURED, (FULL, STRUCTURED), PIN_HARD, SESSION),
    PLAN: (POINTER, (FULL, STRUCTURED, POINTER), PIN_NONE, SESSION),
    PREFERENCE: (POINTER, (FULL, COMPRESSED, STRUCTURED, POINTER), PIN_NONE, PROJECT),
    EVIDENCE: (POINTER, (FULL, COMPRESSED, STRUCTURED, POINTER), PIN_NONE, SESSION),
    CONVERSATION: (POINTER, (FULL, COMPRESSED, STRUCTURED, POINTER), PIN_NONE, SESSION),
}

PAGE_ID_BYTES_MAX = 256


def floor_of(t: int) -> int:
    return TRAITS[t][0]


def chain_of(t: int):
    return TRAITS[t][1]


def next_up(t: int, lvl: int) -> Optional[int]:
    """PG-2 next_up: from none the floor; from a chain level the next above."""
    chain = chain_of(t)
    if lvl == NONE:
        return floor_of(t)
    if lvl in chain:
        i = chain.index(lvl)
        if i > 0:
            return chain[i - 1]
    return None


@dataclass
class PageSpec:
    """A page spec as the harness passes it (PG-5, WL-6)."""
    id: str
    type_name: str
    scope: Optional[int] = None
    pin: Optional[int] = None
    provenance: str = ""
    recompute_cost: float = 0.0
    base_utility: float = 0.0
    # level -> (content, tokens)
    representations: dict = field(default_factory=dict)


@dataclass
class Page:
    id: str
    type: int
    scope: int
    pin: int
    provenance: str
    recompute_cost: float
    base_utility: float
    reps: dict  # level -> (content, tokens)
    recency: float = 0.0
    dirty: bool = False
    ever_resident: bool = False
    resident: int = NONE
    pending: list = field(default_factory=list)  # pending updates (EN-3)

    @property
    def floor(self) -> int:
        return floor_of(self.type)

    def tokens_at(self, lvl: int) -> int:
        if lvl == NONE:
            return 0
        return self.reps[lvl][1]

    def present(self, lvl: int) -> bool:
        return lvl in self.reps

    def next_up_level(self, lvl: int) -> Optional[int]:
        """PG-6: first present level reached by repeated next_up."""
        cur = lvl
        while True:
            nxt = next_up(self.type, cur)
            if nxt is None:
                return None
            if nxt in self.reps:
                return nxt
            cur = nxt

    def highest_present(self) -> int:
        return max(self.reps.keys())

    def floor_tokens(self) -> int:
        return self.reps[self.floor][1]


def id_is_valid(pid: str) -> bool:
    b = pid.encode("utf-8", "surrogatepass")
    if len(b) == 0 or len(b) > PAGE_ID_BYTES_MAX:
        return False
    return all(0x21 <= c <= 0x7E for c in b)


def check_spec(spec: PageSpec, check_id: bool = True) -> int:
    """PG-8 checks 1, 3, 4, 5, 6, 7 (check 2 is the caller's)."""
    if check_id and not id_is_valid(spec.id):
        return INVALID_PAGE_ID
    t = TYPE_BY_NAME.get(spec.type_name)
    if t is None:
        return UNKNOWN_PAGE_TYPE
    if not (math.isfinite(spec.recompute_cost) and math.isfinite(spec.base_utility)):
        return INVALID_PAGE_ATTRIBUTE
    chain = chain_of(t)
    for lvl in spec.representations:
        if lvl == NONE or lvl not in chain:
            return REPRESENTATION_OFF_CHAIN
    if floor_of(t) not in spec.representations:
        return MISSING_FLOOR_REPRESENTATION
    prev = 0
    for lvl in reversed(chain):  # floor upward
        if lvl in spec.representations:
            tok = spec.representations[lvl][1]
            if tok <= 0 or tok <= prev:
                return TOKENS_NOT_MONOTONE
            prev = tok
    return OK


class PageTable:
    """The page table: pages in ingest order (PG-7)."""

    def __init__(self):
        self.pages: list[Page] = []
        self.index: dict[str, Page] = {}

    def __len__(self):
        return len(self.pages)

    def get(self, pid: str) -> Optional[Page]:
        return self.index.get(pid)

    def ingest(self, spec: PageSpec) -> int:
        if not id_is_valid(spec.id):
            return INVALID_PAGE_ID
        if spec.id in self.index:
            return DUPLICATE_PAGE_ID
        rc = check_spec(spec, check_id=False)
        if rc != OK:
            return rc
        t = TYPE_BY_NAME[spec.type_name]
        _, _, dpin, dscope = TRAITS[t]
        p = Page(id=spec.id, type=t,
                 scope=dscope if spec.scope is None else spec.scope,
                 pin=dpin if spec.pin is None else spec.pin,
                 provenance=spec.provenance,
                 recompute_cost=float(spec.recompute_cost),
                 base_utility=float(spec.base_utility),
                 reps=dict(spec.representations))
        self.pages.append(p)
        self.index[p.id] = p
        return OK

    def replace(self, spec: PageSpec) -> int:
        """PG-9."""
        p = self.index.get(spec.id)
        if p is None:
            return UNKNOWN_PAGE
        rc = check_spec(spec, check_id=True)
        if rc != OK:
            return rc
        t = TYPE_BY_NAME[spec.type_name]
        if t != p.type:
            return PAGE_TYPE_MISMATCH
        if (spec.pin is not None and spec.pin != p.pin) or \
           (spec.scope is not None and spec.scope != p.scope):
            return PIN_OR_SCOPE_CHANGE
        p.provenance = spec.provenance
        p.recompute_cost = float(spec.recompute_cost)
        p.base_utility = float(spec.base_utility)
        p.reps = dict(spec.representations)
        if p.resident != NONE and p.resident not in p.reps:
            if bugs.active("evict_on_update"):
                p.resident = NONE
            else:
                below = [lvl for lvl in p.reps if lvl < p.resident]
                p.resident = max(below) if below else p.floor
        return OK

    def mark_dirty(self, pid: str) -> int:
        p = self.index.get(pid)
        if p is None:
            return UNKNOWN_PAGE
        p.dirty = True
        return OK

    def remove_where(self, pred) -> int:
        keep = []
        removed = 0
        for p in self.pages:
            if pred(p):
                removed += 1
                del self.index[p.id]
            else:
                keep.append(p)
        self.pages = keep
        return removed
