"""The engine: hooks, turns, boundaries, restore, policies (spec/engine.md EN-1..EN-10)."""

from __future__ import annotations

from dataclasses import dataclass, replace as dc_replace
from typing import Optional

from . import bugs, cjson
from .faults import (Counters, DETAIL, REFETCH, DUPLICATE_TOOL, POST_COMPACTION_BOOTSTRAP,
                     FLUSH_MISS, SILENT_RECALL, PINNED_INVARIANT_MISS, FAULT_NAMES,
                     canonical_signature)
from .journal import (CommittedState, Journal, Principal, Update, OP_NAMES, COMMITTED,
                      NON_DESTRUCTIVE, PERMISSIVE)
from .pages import (PageTable, PageSpec, LEVEL_NAMES, TYPE_NAMES, PIN_NAMES, SCOPE_NAMES,
                    NONE, POINTER, STRUCTURED, FULL, EVIDENCE, CONVERSATION, BOOTSTRAP,
                    PIN_HARD, SESSION)
from .reasons import (OK, SCHEMA_INVALID, RECALL_NO_MATCH, name as reason_name)
from .selector import SelectorPolicy, Selection, select, serving_level, floor_set
from .trace import TraceSink, residency_digest

BOUNDARIES = ["compaction", "pruning", "memory_flush", "reset", "session_end", "shutdown"]
ALL_BOUNDARIES = frozenset(BOUNDARIES)
ENDS_SESSION = frozenset(["reset", "session_end", "shutdown"])


@dataclass
class Policy:
    name: str
    selector: SelectorPolicy
    pointers_resolve_evidence: bool
    writeback_at: frozenset
    validate_writeback: bool
    explain_empty_recall: bool
    restore_after_boundary: bool


def make_policy(name: str) -> Policy:
    """EN-9 presets."""
    if name == "retrieval":
        return Policy(name, SelectorPolicy(False, False, "none"), False, frozenset(),
                      False, False, False)
    if name == "retrieval_cache":
        return Policy(name, SelectorPolicy(False, False, "none"), True, frozenset(),
                      False, False, False)
    if name == "compaction_hybrid":
        return Policy(name, SelectorPolicy(False, True, "recency"), True,
                      frozenset(["compaction"]), False, False, False)
    if name in ("lru", "clawvm", "oracle", "cache_aware"):
        return Policy(name, SelectorPolicy(True, True, name), True, ALL_BOUNDARIES,
                      True, True, True)
    raise ValueError("unknown policy " + name)


POLICY_NAMES = ["retrieval", "retrieval_cache", "compaction_hybrid", "lru", "clawvm", "oracle",
                "cache_aware"]


@dataclass
class RecallResult:
    found: bool
    value_json: str
    version: int
    reason: int
    silent: bool


@dataclass
class BoundaryReport:
    boundary: str
    written_back: int = 0
    rejected: int = 0
    flush_misses: int = 0
    pages_destroyed: int = 0
    journal: list = None


class Engine:
    def __init__(self, policy: Policy, tokens_budget: int = 500,
                 writer: Optional[Principal] = None,
                 state: Optional[CommittedState] = None,
                 sink: Optional[TraceSink] = None):
        self.policy = policy
        self.budget = tokens_budget
        self.writer = writer or Principal()
        self.state = state or CommittedState()
        self.sink = sink
        self.table = PageTable()
        self.journal = Journal(self.state)
        self.counters = Counters()
        self.turn = 0
        self.session = ""
        self.demands: list = []  # (page id, wanted level)
        self.signatures: dict = {}  # signature -> page id
        self.last_prompt = []  # RP-11, cache_aware only: (id, level, content, tokens)
        self.lookahead = None  # (page count at set time, counts per index)
        self.last_selection: Optional[Selection] = None

    # -- trace helpers -----------------------------------------------------
    def _emit(self, event: str, **fields):
        if self.sink is not None:
            self.sink.emit(self.turn, event, fields)

    def _fault(self, kind: int, page: str, detail: str):
        self.counters.faults[kind] += 1
        self._emit("fault", fault=FAULT_NAMES[kind], page=page, detail=detail)

    # -- EN-1 hooks --------------------------------------------------------
    def on_session_start(self, session: str):
        self.session = session
        self._emit("session_start", session=session, policy=self.policy.name,
                   tokens_budget=self.budget, auto_pin=self.policy.selector.auto_pin)

    def _ingest(self, spec: PageSpec) -> int:
        rc = self.table.ingest(spec)
        if rc == OK:
            p = self.table.get(spec.id)
            self._emit("ingest", page=p.id, reason="OK", type=TYPE_NAMES[p.type],
                       pin=PIN_NAMES[p.pin], scope=SCOPE_NAMES[p.scope])
        else:
            self._emit("ingest_rejected", page=spec.id, reason=reason_name(rc))
        return rc

    def on_ingest(self, spec: PageSpec) -> int:
        return self._ingest(spec)

    def on_update(self, spec: PageSpec, u: Update) -> int:
        """EN-3."""
        u = dc_replace(u)
        if u.page_id == "":
            u.page_id = spec.id
        if u.page_id != spec.id:
            rc = SCHEMA_INVALID
        else:
            rc = self.table.replace(spec)
            if rc == OK:
                self.table.mark_dirty(spec.id)
                self.table.get(spec.id).pending.append(u)
        if rc == OK:
            self._emit("update", page=spec.id, field=u.field, op=OP_NAMES[u.op], reason="OK")
        else:
            self._emit("update_rejected", page=spec.id, field=u.field, op=OP_NAMES[u.op],
                       reason=reason_name(rc))
        return rc

    def on_demand(self, pid: str, wanted: int) -> str:
        """FT-2."""
        p = self.table.get(pid)
        if p is None:
            self._emit("demand", page=pid, wanted=LEVEL_NAMES[wanted], outcome="unknown_page")
            return "unknown_page"
        served = (p.resident != NONE and p.resident >= serving_level(p, wanted)) or \
                 (p.type == EVIDENCE and p.resident >= POINTER
                  and self.policy.pointers_resolve_evidence)
        if served:
            outcome = "hit"
            self.counters.hits += 1
        elif p.type == EVIDENCE and p.ever_resident:
            outcome = "refetch"
        else:
            outcome = "miss"
            self.counters.misses += 1
        p.recency += 1.0
        self.demands.append((p.id, wanted))
        self._emit("demand", page=pid, wanted=LEVEL_NAMES[wanted], outcome=outcome,
                   resident=LEVEL_NAMES[p.resident])
        if outcome == "refetch":
            self._fault(REFETCH, p.id, DETAIL[REFETCH])
        return outcome

    def on_tool_call(self, tool: str, arguments_text: str, spec: PageSpec):
        """FT-3. Returns (outcome, reason, signature or None)."""
        sig = canonical_signature(tool, arguments_text)
        if sig is None:
            self._emit("tool_call", tool=tool, outcome="rejected", reason="SCHEMA_INVALID")
            return "rejected", SCHEMA_INVALID, None
        pid = self.signatures.get(sig)
        p = self.table.get(pid) if pid is not None else None
        fault = False
        if p is None:
            rc = self._ingest(spec)
            page_id = spec.id
            if rc == OK:
                self.signatures[sig] = spec.id
                outcome = "new_call"
            else:
                outcome = "rejected"
        else:
            page_id = p.id
            usable = (not p.ever_resident) or p.resident >= STRUCTURED or \
                     (p.resident == POINTER and self.policy.pointers_resolve_evidence)
            if usable:
                outcome = "duplicate_signature_alert"
                rc = OK
                self.counters.duplicate_signature_alerts += 1
                if bugs.active("alert_as_fault"):
                    fault = True
            else:
                rc = self.table.replace(dc_replace(spec, id=p.id))
                if rc == OK:
                    outcome = "duplicate_tool"
                    fault = True
                else:
                    outcome = "rejected"
        self._emit("tool_call", tool=tool, outcome=outcome, reason=reason_name(rc),
                   signature=sig, page=page_id)
        if fault:
            self._fault(DUPLICATE_TOOL, page_id, DETAIL[DUPLICATE_TOOL])
        if outcome != "rejected":
            rp = self.table.get(page_id)
            rp.recency += 1.0
            self.demands.append((rp.id, FULL))
        return outcome, rc, sig

    def on_recall(self, scope: int, fieldname: str, backend: Optional[int]) -> RecallResult:
        """FT-6."""
        if backend is None or backend == OK:
            cur = self.state.get(scope, fieldname)
            if cur is not None:
                res = RecallResult(True, cur[0], cur[1], OK, False)
            else:
                res = RecallResult(False, "", 0, RECALL_NO_MATCH, False)
        else:
            res = RecallResult(False, "", 0, backend, False)
        if not res.found:
            if not self.policy.explain_empty_recall or bugs.active("silent_empty_recall"):
                res.silent = True
            else:
                self.counters.recalls_explained += 1
        if res.found:
            trace_reason = "OK"
        elif res.silent:
            trace_reason = ""
        else:
            trace_reason = reason_name(res.reason)
        self._emit("recall", scope=SCOPE_NAMES[scope], field=fieldname, found=res.found,
                   reason=trace_reason)
        if res.silent:
            self._fault(SILENT_RECALL, "", fieldname)
        return res

    def set_lookahead(self, pairs):
        """EN-8 step 1: sums counts per page id; unknown ids ignored."""
        counts = [0] * len(self.table)
        idx = {p.id: i for i, p in enumerate(self.table.pages)}
        for pid, c in pairs:
            i = idx.get(pid)
            if i is not None:
                counts[i] += c
        self.lookahead = (len(self.table), counts)

    # -- selection ---------------------------------------------------------
    def _run_selection(self, kind: str, demands: list, future: list) -> Selection:
        pages = self.table.pages
        self._emit("assemble", kind=kind, demands=len(demands))
        idx = {p.id: i for i, p in enumerate(pages)}
        dem = [(idx[pid], w) for (pid, w) in demands if pid in idx]
        stable = self.policy.selector.upgrades == "cache_aware"
        positions = None
        if stable:
            at = {piece[0]: k for k, piece in enumerate(self.last_prompt)}
            positions = [at.get(p.id) for p in pages]
        sel = select(pages, self.budget, dem, future, self.policy.selector,
                     record=self.sink is not None, prompt_positions=positions)
        if stable and kind == "turn":
            self.last_prompt = stable_assembly(self.last_prompt, pages, sel.levels)
        for i, p in enumerate(pages):
            p.resident = sel.levels[i]
            if p.resident != NONE:
                p.ever_resident = True
        self.counters.physical_insufficiency += len(sel.unmet)
        if self.sink is not None:
            for d in sel.decisions:
                p = pages[d.page]
                self._emit("install", page=p.id, type=TYPE_NAMES[p.type],
                           **{"from": LEVEL_NAMES[d.frm]}, to=LEVEL_NAMES[d.to],
                           step=d.step, tokens_extra=d.tokens_extra)
            for u in sel.unmet:
                p = pages[u.page]
                self._emit("unmet", page=p.id, type=TYPE_NAMES[p.type],
                           wanted=LEVEL_NAMES[u.wanted], installed=LEVEL_NAMES[u.installed],
                           tokens_needed=u.tokens_needed, reason=reason_name(u.reason))
            digest = residency_digest((p.id, LEVEL_NAMES[sel.levels[i]])
                                      for i, p in enumerate(pages))
            self._emit("select", kind=kind, tokens_used=sel.tokens_used,
                       tokens_budget=sel.tokens_budget,
                       floor_set_tokens=sel.floor_set_tokens,
                       floor_set_fits=sel.floor_set_fits, pages=len(pages),
                       unmet=len(sel.unmet), residency_digest=digest)
        self.last_selection = sel
        return sel

    def on_assemble(self) -> Selection:
        """EN-8."""
        future = []
        if self.lookahead is not None and self.policy.selector.upgrades == "oracle" \
                and self.lookahead[0] == len(self.table):
            future = self.lookahead[1]
        sel = self._run_selection("turn", self.demands, future)
        if self.policy.selector.auto_pin and sel.floor_set_fits:
            for p in self.table.pages:
                if p.pin == PIN_HARD and p.resident < p.floor:
                    self._fault(PINNED_INVARIANT_MISS, p.id, DETAIL[PINNED_INVARIANT_MISS])
        self.lookahead = None
        return sel

    def on_post_model(self):
        self._emit("turn_end")
        self.turn += 1
        for p in self.table.pages:
            r = p.recency * 0.88
            if r < 1e-4 and not bugs.active("recency_no_floor"):
                r = 0.0
            p.recency = r
        self.demands = []

    # -- boundaries (EN-4, EN-5, EN-7) -------------------------------------
    def on_boundary(self, b: str) -> BoundaryReport:
        rep = BoundaryReport(b, journal=[])
        # EN-8: a lookahead is for the next assembly of the pages it was given for
        self.lookahead = None
        self._emit("boundary", boundary=b)
        pol = self.policy
        writeback = b in pol.writeback_at
        if b == "reset" and bugs.active("no_writeback_on_reset"):
            writeback = False
        if writeback:
            all_checks = pol.validate_writeback
            mode = NON_DESTRUCTIVE if pol.validate_writeback else PERMISSIVE
            for p in self.table.pages:
                if not p.dirty:
                    continue
                for u in p.pending:
                    seq = self.journal.next_seq
                    self._emit("stage", journal_seq=seq, page=u.page_id, field=u.field,
                               op=OP_NAMES[u.op], scope=SCOPE_NAMES[u.scope], boundary=b)
                    rec = self.journal.writeback(u, all_checks, mode, self.writer, self.table)
                    if rec.phase == COMMITTED:
                        self.counters.commits += 1
                        rep.written_back += 1
                        if rec.overwrote_committed:
                            self.counters.destructive_commits += 1
                        self._emit("commit", journal_seq=rec.seq, page=rec.update.page_id,
                                   field=rec.update.field, reason="OK", version=rec.version,
                                   overwrote_committed=rec.overwrote_committed)
                    else:
                        self.counters.rejections += 1
                        rep.rejected += 1
                        self._emit("reject", journal_seq=rec.seq, page=rec.update.page_id,
                                   field=rec.update.field, reason=reason_name(rec.reason),
                                   version=0, overwrote_committed=False)
                    rep.journal.append(rec)
                p.pending = []
                p.dirty = False
        # destroy (EN-5)
        for p in self.table.pages:
            if self._destroys(b, p):
                if p.dirty:
                    self._fault(FLUSH_MISS, p.id, b)
                    rep.flush_misses += 1
                    p.pending = []
                    p.dirty = False
                p.resident = NONE
        ends = b in ENDS_SESSION
        self._emit("destroy", boundary=b, ends_session=ends)
        if ends:
            rep.pages_destroyed = self.table.remove_where(lambda p: p.scope == SESSION)
            self.signatures = {s: pid for s, pid in self.signatures.items()
                               if self.table.get(pid) is not None}
            self.demands = []
        restore = pol.restore_after_boundary and b != "memory_flush"
        if b == "compaction" and bugs.active("no_restore_after_compaction"):
            restore = False
        if restore:
            self._run_selection("restore", [], [])
        if b == "compaction":
            fits = floor_set(self.table.pages) <= self.budget
            for p in self.table.pages:
                if p.pin == PIN_HARD and p.type == BOOTSTRAP and p.resident < STRUCTURED:
                    if fits:
                        self._fault(POST_COMPACTION_BOOTSTRAP, p.id,
                                    DETAIL[POST_COMPACTION_BOOTSTRAP])
                    elif not restore:
                        self.counters.physical_insufficiency += 1
        self._emit("boundary_done", boundary=b, written_back=rep.written_back,
                   rejected=rep.rejected, flush_misses=rep.flush_misses,
                   pages_destroyed=rep.pages_destroyed)
        return rep

    @staticmethod
    def _destroys(b: str, p) -> bool:
        if b == "memory_flush":
            return False
        if b == "pruning":
            return p.type in (EVIDENCE, CONVERSATION)
        return True


def stable_assembly(last: list, pages: list, levels: list) -> list:
    """RP-11: the pieces of the last prompt still present unchanged, in its order, then
    the other resident pieces in page-table order."""
    table = [(p.id, levels[i]) + tuple(p.reps[levels[i]]) for i, p in enumerate(pages)
             if levels[i] != NONE]
    now = set(table)
    kept = [piece for piece in last if piece in now]
    kept_set = set(kept)
    return kept + [piece for piece in table if piece not in kept_set]
