"""Planted bugs for checking the conformance kit (CLAWVM_PY_BUG).

Unset (or empty): the correct engine. Otherwise a comma-separated list of bug
names; each one is a small, realistic mistake in one place of the engine:

- no_writeback_on_reset      engine.py: the reset boundary skips writeback
- evict_below_floor          selector.py: pass A (auto-pinned floors) installs
                             floors only for bootstrap pages (a type test where
                             the pin class should decide, PG-4), so a hard-pinned
                             constraint/evidence page can stay below its floor
- destructive_set_committed  journal.py: set_with_version ignores a version
                             mismatch in non_destructive mode
- wrong_tie_break            selector.py: upgrade ties by page id descending
- silent_empty_recall        engine.py: an empty recall is always silent
- alert_as_fault             engine.py: a duplicate-signature alert is also
                             counted as a duplicate_tool fault
- budget_overrun_by_one      selector.py: upgrades accept extra == remaining + 1
- no_restore_after_compaction engine.py: no restore selection after compaction
- evict_on_update            pages.py: replace evicts a page whose resident
                             level is missing from the new representations (KI-8)
- recency_no_floor           engine.py: recency decay without the 1e-4 floor
"""

import os

KNOWN = {
    "no_writeback_on_reset", "evict_below_floor", "destructive_set_committed",
    "wrong_tie_break", "silent_empty_recall", "alert_as_fault",
    "budget_overrun_by_one", "no_restore_after_compaction", "evict_on_update",
    "recency_no_floor",
}


def _load():
    raw = os.environ.get("CLAWVM_PY_BUG", "")
    return {b.strip() for b in raw.split(",") if b.strip()}


_ACTIVE = _load()


def active(name: str) -> bool:
    return name in _ACTIVE


def active_set():
    return set(_ACTIVE)
