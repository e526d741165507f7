"""Validated writeback journal (spec/journal.md JR-1..JR-10)."""

from __future__ import annotations

from dataclasses import dataclass, replace as dc_replace
from typing import Optional

from . import bugs, cjson
from .pages import PIN_HARD, SESSION, PROJECT
from .reasons import (OK, DESTRUCTIVE_OP, SCOPE_DENIED, SCHEMA_INVALID,
                      PROVENANCE_MISSING, PROVENANCE_DANGLING, STALE_VERSION,
                      HARD_PIN_VIOLATION, UNKNOWN_PAGE, VALUE_TOO_LARGE)

OP_NAMES = ["append", "merge", "set_with_version"]
OP_BY_NAME = {n: i for i, n in enumerate(OP_NAMES)}
APPEND, MERGE, SET_WITH_VERSION = 0, 1, 2

PHASE_NAMES = ["staged", "validated", "committed", "rejected"]
STAGED, VALIDATED, COMMITTED, REJECTED = 0, 1, 2, 3

FIELD_BYTES_MAX = 128
PAGE_ID_BYTES_MAX = 256
EVIDENCE_REF_BYTES_MAX = 256
VALUE_BYTES_MAX = 65536
COMMITTED_VALUE_BYTES_MAX = 1048576  # JR-6 "Bounded values" (spec commit 6142087)

_FIELD_CHARS = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:/-")

NON_DESTRUCTIVE = "non_destructive"
PERMISSIVE = "permissive"


@dataclass
class Update:
    page_id: str
    field: str
    op: int
    value_json: str
    scope: int = SESSION
    evidence_ref: str = ""
    expected_version: int = 0


@dataclass
class Principal:
    may_write_session: bool = True
    may_write_project: bool = False


@dataclass
class Record:
    seq: int
    update: Update
    phase: int
    reason: int
    value_json: str = ""
    version: int = 0
    overwrote_committed: bool = False


class CommittedState:
    """The durable tier, in memory only (behaves like --store :memory:)."""

    def __init__(self):
        self.values: dict = {}  # (scope, field) -> (value_json, version)
        self.records: list = []

    def get(self, scope: int, fieldname: str):
        return self.values.get((scope, fieldname))

    def last_seq(self) -> int:
        return self.records[-1].seq if self.records else 0

    def append(self, rec: Record):
        if rec.phase == COMMITTED:
            self.values[(rec.update.scope, rec.update.field)] = (rec.value_json, rec.version)
        self.records.append(rec)


def _b(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


def schema_check(u: Update):
    """JR-3; returns (reason, canonical value_json or None)."""
    fb = _b(u.field)
    if len(fb) == 0 or len(fb) > FIELD_BYTES_MAX or any(c not in _FIELD_CHARS for c in fb):
        return SCHEMA_INVALID, None
    pb = _b(u.page_id)
    if len(pb) == 0 or len(pb) > PAGE_ID_BYTES_MAX:
        return SCHEMA_INVALID, None
    if len(_b(u.evidence_ref)) > EVIDENCE_REF_BYTES_MAX:
        return SCHEMA_INVALID, None
    if len(_b(u.value_json)) > VALUE_BYTES_MAX:
        return SCHEMA_INVALID, None
    try:
        v = cjson.parse(_b(u.value_json))
    except cjson.JSONError:
        return SCHEMA_INVALID, None
    if u.op == MERGE and not isinstance(v, dict):
        return SCHEMA_INVALID, None
    return OK, cjson.dumps(v)


def apply_merge_rule(current, u: Update, mode: str):
    """JR-6. current: None or (value_json, version).

    Returns (reason, value_json, version, overwrote)."""
    rc, value, version, flag = _merge(current, u, mode)
    if rc != OK or cjson.LEGACY_JSON:
        return rc, value, version, flag
    # Bounded values: VALUE_TOO_LARGE after DESTRUCTIVE_OP / STALE_VERSION. For an
    # append to a committed array the length is computed as JR-6 says: committed
    # length + incoming length + 1 (the comma), without looking at the result.
    if u.op == APPEND and current is not None and value is not None \
            and cjson.parse(_b(current[0])).__class__ is list:
        size = len(_b(current[0])) + len(_b(cjson.dumps(cjson.parse(_b(u.value_json))))) + 1
    else:
        size = len(_b(value))
    if size > COMMITTED_VALUE_BYTES_MAX:
        return VALUE_TOO_LARGE, "", 0, False
    return rc, value, version, flag


def _merge(current, u: Update, mode: str):
    try:
        inc = cjson.parse(_b(u.value_json))
    except cjson.JSONError:
        return SCHEMA_INVALID, "", 0, False
    if u.op == MERGE and not isinstance(inc, dict):
        return SCHEMA_INVALID, "", 0, False
    if current is None:
        if u.op == SET_WITH_VERSION and u.expected_version != 0 and mode == NON_DESTRUCTIVE \
                and not bugs.active("destructive_set_committed"):
            return STALE_VERSION, "", 0, False
        if u.op == APPEND:
            return OK, cjson.dumps([inc]), 1, False
        return OK, cjson.dumps(inc), 1, False
    cur_text, n = current
    V = cjson.parse(_b(cur_text))
    if u.op == APPEND:
        if isinstance(V, list):
            return OK, cjson.dumps(V + [inc]), n + 1, False
        if mode == NON_DESTRUCTIVE:
            return DESTRUCTIVE_OP, "", 0, False
        return OK, cjson.dumps([inc]), n + 1, True
    if u.op == MERGE:
        if not isinstance(V, dict):
            if mode == NON_DESTRUCTIVE:
                return DESTRUCTIVE_OP, "", 0, False
            return OK, cjson.dumps(inc), n + 1, True
        conflict = any(k in V and not cjson.json_equal(V[k], inc[k]) for k in inc)
        if conflict and mode == NON_DESTRUCTIVE:
            return DESTRUCTIVE_OP, "", 0, False
        out = dict(V)
        for k, x in inc.items():
            out[k] = x
        return OK, cjson.dumps(out), n + 1, conflict
    # set_with_version
    if u.expected_version == n:
        return OK, cjson.dumps(inc), n + 1, False
    if mode == NON_DESTRUCTIVE and not bugs.active("destructive_set_committed"):
        return STALE_VERSION, "", 0, False
    return OK, cjson.dumps(inc), n + 1, True


class Journal:
    """journal::writeback = stage + validate + commit (JR-1..JR-9)."""

    def __init__(self, state: CommittedState):
        self.state = state
        self.next_seq = state.last_seq() + 1
        self.outcomes: list = []

    def writeback(self, u: Update, all_checks: bool, mode: str, principal: Principal,
                   page_table) -> Record:
        seq = self.next_seq
        self.next_seq += 1
        staged = dc_replace(u)
        rc = self._validate(staged, all_checks, principal, page_table)
        if rc != OK:
            rec = Record(seq, staged, REJECTED, rc)
        else:
            # commit (JR-9): re-read and re-apply with the policy's mode
            cur = self.state.get(staged.scope, staged.field)
            rc, value, version, flag = apply_merge_rule(cur, staged, mode)
            if rc != OK:
                rec = Record(seq, staged, REJECTED, rc)
            else:
                rec = Record(seq, staged, COMMITTED, OK, value, version, flag)
        self.state.append(rec)
        self.outcomes.append(rec)
        return rec

    def _validate(self, u: Update, all_checks: bool, principal: Principal, page_table) -> int:
        rc, canon = schema_check(u)
        if rc != OK:
            return rc
        u.value_json = canon
        if not all_checks:
            return OK
        if u.evidence_ref == "":
            return PROVENANCE_MISSING
        if page_table.get(u.evidence_ref) is None:
            return PROVENANCE_DANGLING
        if (u.scope == SESSION and not principal.may_write_session) or \
           (u.scope == PROJECT and not principal.may_write_project):
            return SCOPE_DENIED
        cur = self.state.get(u.scope, u.field)
        rc, _, _, _ = apply_merge_rule(cur, u, NON_DESTRUCTIVE)
        if rc != OK:
            return rc
        p = page_table.get(u.page_id)
        if p is None:
            return UNKNOWN_PAGE
        if p.pin == PIN_HARD:
            return HARD_PIN_VIOLATION
        return OK
