"""The representation selector (spec/selector.md SEL-1..SEL-11)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import bugs
from .pages import (NONE, POINTER, PIN_HARD, PIN_SOFT, BOOTSTRAP, CONSTRAINT, Page)
from .reasons import REQUIRED_DOES_NOT_FIT

U32_MAX = (1 << 32) - 1

# SEL-6 weights (clawvm::utility_weights reference values)
W_PIN_HARD = 2.0
W_PIN_SOFT = 0.6
W_RECENCY = 0.6
W_RECOMPUTE = 0.4
W_FUTURE = 2.2
W_HYBRID_RECENCY = 0.9
W_HYBRID_RECOMPUTE = 0.1

UPGRADE_MODES = ("none", "lru", "recency", "clawvm", "oracle", "cache_aware")

# SEL-11 hysteresis (clawvm::cache_hysteresis reference values), percent
RESERVE_PERCENT = 10
REFILL_PERCENT = 40


@dataclass
class SelectorPolicy:
    auto_pin: bool
    prefetch_pointers: bool
    upgrades: str


@dataclass
class Unmet:
    page: int
    wanted: int
    installed: int
    tokens_needed: int
    reason: int = REQUIRED_DOES_NOT_FIT


@dataclass
class Decision:
    page: int
    frm: int
    to: int
    step: str
    tokens_extra: int


@dataclass
class Selection:
    levels: list
    tokens_used: int
    tokens_budget: int
    floor_set_tokens: int
    floor_set_fits: bool
    unmet: list = field(default_factory=list)
    decisions: list = field(default_factory=list)


def id_key(p: Page) -> bytes:
    return p.id.encode("utf-8")


def serving_level(p: Page, wanted: int) -> int:
    """SEL-3."""
    target = max(wanted, p.floor)
    cands = [lvl for lvl in p.reps if lvl >= target]
    if cands:
        return min(cands)
    return p.highest_present()


def page_utility(p: Page, mode: str, future: int) -> float:
    """SEL-6, binary64, left to right."""
    if p.pin == PIN_HARD:
        pin_boost = W_PIN_HARD
    elif p.pin == PIN_SOFT:
        pin_boost = W_PIN_SOFT
    else:
        pin_boost = 0.0
    if mode in ("none", "lru"):
        return p.recency
    if mode == "recency":
        u = p.base_utility + W_HYBRID_RECENCY * p.recency
        u = u + W_HYBRID_RECOMPUTE * p.recompute_cost
        return u
    u = p.base_utility + pin_boost
    u = u + W_RECENCY * p.recency
    u = u + W_RECOMPUTE * p.recompute_cost
    if mode == "oracle":
        u = u + W_FUTURE * float(future)
    return u


def _type_rank(p: Page) -> int:
    if p.type == BOOTSTRAP:
        return 0
    if p.type == CONSTRAINT:
        return 1
    return 2


def _priority_key(p: Page):
    """SEL-2 required_before: pin desc, type rank, base_utility desc, id asc."""
    return (-p.pin, _type_rank(p), -p.base_utility, id_key(p))


def floor_set(pages) -> tuple:
    total = 0
    for p in pages:
        if p.pin == PIN_HARD:
            total += p.floor_tokens()
    return total


def select(pages: list, budget: int, demands: list, future: list,
           policy: SelectorPolicy, record: bool, prompt_positions=None) -> Selection:
    """SEL-1. demands: list of (page index, wanted level); future: [] or counts.
    prompt_positions (cache_aware only): each page's position in the last assembled
    prompt (RP-11), None for a page not in it; None: page-table order."""
    n = len(pages)
    level = [NONE] * n
    remaining = budget
    unmet: list = []
    decisions: list = []

    def install(i, to, step):
        nonlocal remaining
        p = pages[i]
        extra = p.tokens_at(to) - p.tokens_at(level[i])
        remaining -= extra
        if record:
            decisions.append(Decision(i, level[i], to, step, extra))
        level[i] = to

    def install_required(i, want):
        p = pages[i]
        extra = p.tokens_at(want) - p.tokens_at(level[i])
        if extra <= remaining:
            install(i, want, "required")
            return
        fallback = (level[i] == NONE and want != p.floor
                    and p.tokens_at(p.floor) <= remaining)
        unmet.append(Unmet(i, want, p.floor if fallback else level[i], p.tokens_at(want)))
        if fallback:
            install(i, p.floor, "required")

    # step 1: required levels
    required = [NONE] * n
    for (i, w) in demands:
        s = serving_level(pages[i], w)
        if s > required[i]:
            required[i] = s
    if policy.auto_pin:
        hard = [i for i in range(n) if pages[i].pin == PIN_HARD]
        if bugs.active("evict_below_floor"):
            hard = [i for i in hard if pages[i].type == BOOTSTRAP]
        hard.sort(key=lambda i: _priority_key(pages[i]))
        for i in hard:
            install_required(i, pages[i].floor)
    passb = [i for i in range(n) if required[i] > level[i]]
    passb.sort(key=lambda i: _priority_key(pages[i]))
    for i in passb:
        install_required(i, required[i])

    # step 2: pointer prefetch
    if policy.prefetch_pointers:
        cands = [i for i in range(n) if level[i] == NONE and POINTER in pages[i].reps]
        cands.sort(key=lambda i: (-pages[i].recompute_cost, -pages[i].base_utility,
                                  id_key(pages[i])))
        for i in cands:
            if pages[i].tokens_at(POINTER) <= remaining:
                install(i, POINTER, "prefetch")

    # step 3: upgrades
    def upgrade_by_utility(mode, held=frozenset()):
        """SEL-7, SEL-8; pages in `held` are left as they are (SEL-11's rebalance)."""
        R = remaining
        slack = 1 if bugs.active("budget_overrun_by_one") else 0
        cands = []
        for i in range(n):
            if i in held:
                continue
            p = pages[i]
            fut = future[i] if future else 0
            u = page_utility(p, mode, fut)
            frm = level[i]
            while True:
                to = p.next_up_level(frm)
                if to is None:
                    break
                extra = p.tokens_at(to) - p.tokens_at(frm)
                if extra <= R + slack:
                    cands.append((u / extra, i, frm, to, extra))
                frm = to
        if bugs.active("wrong_tie_break"):
            cands.sort(key=lambda c: (-c[0], _neg_bytes(id_key(pages[c[1]])), c[3]))
        else:
            cands.sort(key=lambda c: (-c[0], id_key(pages[c[1]]), c[3]))
        for (score, i, frm, to, extra) in cands:
            if remaining <= 0:
                break
            if level[i] != frm or extra > remaining + slack:
                continue
            install(i, to, "upgrade")

    def raise_to(i, to):
        while level[i] < to:
            install(i, pages[i].next_up_level(level[i]), "upgrade")

    def upgrade_cache_aware():
        """SEL-11: keep the last levels and append, or rebalance."""
        nonlocal remaining

        def kept(p):
            return p.resident if p.resident != NONE and p.resident in p.reps else NONE

        appended_from = 0
        for i in range(n):
            if pages[i].resident != NONE:
                appended_from = i + 1
        keep = sum(pages[i].tokens_at(kept(pages[i])) - pages[i].tokens_at(level[i])
                   for i in range(appended_from) if kept(pages[i]) > level[i])
        append = sum(pages[i].tokens_at(pages[i].highest_present()) - pages[i].tokens_at(level[i])
                     for i in range(appended_from, n))
        R = remaining
        if keep + append <= R * (100 - RESERVE_PERCENT) // 100:
            for i in range(n):
                raise_to(i, kept(pages[i]) if i < appended_from else pages[i].highest_present())
            return
        spend = R * REFILL_PERCENT // 100
        remaining = spend
        # Keep the longest start of the last prompt whose kept levels fit what the
        # rebalance may spend; the ranking leaves those pages alone.
        walk = [i for i in range(appended_from) if kept(pages[i]) != NONE]
        if prompt_positions is not None:
            walk.sort(key=lambda i: (prompt_positions[i] is None, prompt_positions[i] or 0))
        held = set()
        for i in walk:
            k = kept(pages[i])
            extra = pages[i].tokens_at(k) - pages[i].tokens_at(level[i]) if k > level[i] else 0
            if extra > remaining:
                break
            raise_to(i, k)
            held.add(i)
        upgrade_by_utility("clawvm", held)
        remaining += R - spend

    if policy.upgrades == "cache_aware" and remaining > 0:
        upgrade_cache_aware()
    elif policy.upgrades != "none" and remaining > 0:
        upgrade_by_utility(policy.upgrades)

    used = sum(pages[i].tokens_at(level[i]) for i in range(n))
    fs = floor_set(pages)
    return Selection(levels=level, tokens_used=used, tokens_budget=budget,
                     floor_set_tokens=min(fs, U32_MAX), floor_set_fits=fs <= budget,
                     unmet=unmet, decisions=decisions)


class _neg_bytes:
    """Sort key that reverses byte order (for the wrong_tie_break bug)."""
    __slots__ = ("b",)

    def __init__(self, b):
        self.b = b

    def __lt__(self, other):
        return self.b > other.b

    def __eq__(self, other):
        return self.b == other.b
