"""The live sidecar, protocol v1 (spec/sidecar.md SC-1..SC-10)."""

from __future__ import annotations

import json
import sys
from typing import Optional

from . import cjson
from .engine import Engine, make_policy, BOUNDARIES
from .faults import FAULT_NAMES
from .journal import CommittedState, Principal, COMMITTED
from .pages import LEVEL_NAMES, NONE
from .reasons import name as reason_name
from .trace import TraceSink
from .workload import ReadError, read_event, type_name, check_unknown, is_integer

PROTOCOL = 1
CLAWVM_VERSION = "0.1.0"
LINE_BYTES_MAX = 16 * 1024 * 1024
U32_MAX = (1 << 32) - 1
OPS = ["hello", "principal", "lookahead", "counters", "shutdown"]
# the unknown-op message keeps the reference's wording (informative)
OPS_MESSAGE = "hello, lookahead, counters, shutdown"
# hello "capabilities" (spec/conformance.md CF-2, draft): tiers and policies claimed
CAPABILITIES = {"tiers": ["must", "should", "may"],
                "policies": ["retrieval", "retrieval_cache", "compaction_hybrid", "lru",
                             "clawvm", "oracle", "cache_aware"],
                "features": ["turn_demands"]}


class BadRequest(Exception):
    def __init__(self, field: Optional[str], message: str, id_value=None, has_id=False):
        super().__init__(message)
        self.field = field
        self.message = message
        self.id_value = id_value
        self.has_id = has_id


class Sidecar:
    def __init__(self, policy_name: str = "clawvm", budget: int = 180,
                 strict: bool = False, trace_file=None, trace_first_seq: int = 0):
        self.policy = make_policy(policy_name)
        self.sink = TraceSink(trace_file, trace_first_seq) if trace_file is not None else None
        self.state = CommittedState()
        # SC-1: the writer principal may write both scopes (as replay, RP-2)
        self.engine = Engine(self.policy, budget, Principal(True, True), self.state, self.sink)
        if self.sink is not None and trace_first_seq > 0:
            # DT-4 `resume`: this engine continues an existing trace file (SC-1)
            self.engine._emit("resume", journal_last_seq=self.state.last_seq())
        self.strict = strict
        self.requests = 0
        self.bad_requests = 0
        self.stop = False
        self.exit_code = 0

    # ------------------------------------------------------------------
    def handle_line(self, raw: bytes, lineno: int) -> str:
        """Returns the response line (without newline)."""
        self.requests += 1
        before = list(self.engine.counters.faults)
        try:
            resp = self._handle(raw)
        except BadRequest as e:
            self.bad_requests += 1
            err = {"line": lineno, "message": e.message}
            if e.field is not None:
                err["field"] = e.field
            resp = {"v": 1, "ok": False, "error": err}
            if e.has_id:
                resp["id"] = e.id_value
            if self.strict:
                self.stop = True
                self.exit_code = 2
            return cjson.dumps(resp)
        after = self.engine.counters.faults
        delta = {FAULT_NAMES[k]: after[k] - before[k] for k in range(6) if after[k] != before[k]}
        resp["v"] = 1
        resp["ok"] = True
        resp["faults"] = delta
        resp["faults_total"] = self.engine.counters.total_faults
        return cjson.dumps(resp)

    def _handle(self, raw: bytes) -> dict:
        if len(raw) > LINE_BYTES_MAX:
            raise BadRequest(None, "line longer than %d bytes" % LINE_BYTES_MAX)
        try:
            o = cjson.parse(raw)
        except cjson.JSONError as e:
            raise BadRequest(None, "invalid JSON: " + str(e))
        if not isinstance(o, dict):
            raise BadRequest(None, "must be a JSON object")
        has_id = "id" in o
        id_value = o.get("id")
        if has_id and not (isinstance(id_value, str) or is_integer(id_value)):
            raise BadRequest("id", "must be a string or an integer")
        try:
            if ("op" in o) == ("event" in o):
                raise ReadError(None, "exactly one of 'op' and 'event' is required")
            if "op" in o:
                resp = self._op(o)
            else:
                # SC-3.1: a turn_end may carry its demands; checked after the turn_end's
                # own fields, and nothing is applied unless every one is good.
                has_demands = o.get("event") == "turn_end" and "demands" in o
                demands_value = o.pop("demands", None) if has_demands else None
                ev = read_event(o, extra_allowed=("id",))
                demands = self._turn_demands(demands_value) if has_demands else []
                outcomes = [self._event(d)["outcome"] for d in demands]
                resp = self._event(ev)
                if has_demands:
                    resp["demands"] = outcomes
        except ReadError as e:
            raise BadRequest(e.field, e.message, id_value, has_id)
        if has_id:
            resp["id"] = id_value
        return resp

    @staticmethod
    def _turn_demands(value) -> list:
        if not isinstance(value, list):
            raise ReadError("demands", "must be an array of {page, level} objects")
        out = []
        for i, element in enumerate(value):
            where = "demands[%d]" % i
            if not isinstance(element, dict):
                raise ReadError(where, "must be an object with the fields of a demand event (page, level)")
            if "event" in element:
                raise ReadError(where + ".event", "unknown field (every element is a demand)")
            try:
                out.append(read_event(dict(element, event="demand")))
            except ReadError as e:
                raise ReadError(where + "." + e.field if e.field else where, e.message)
        return out

    # ------------------------------------------------------------------
    def _op(self, o: dict) -> dict:
        op = o["op"]
        if not isinstance(op, str):
            raise ReadError("op", "must be a string")
        if op not in OPS:
            raise ReadError("op", "unknown op '%s' (%s)" % (op, OPS_MESSAGE))
        eng = self.engine
        # unknown fields first, in key order; 'comment' must be a string (SC-5, as
        # on events)
        allowed = {"op", "id", "comment"} | {"hello": {"protocol"},
                                            "lookahead": {"pages"},
                                            "principal": {"session", "project"}}.get(op, set())
        for k in sorted(o.keys(), key=lambda s: s.encode("utf-8")):
            if k == "comment" and not isinstance(o[k], str):
                raise ReadError(k, "must be a string")
            if k not in allowed:
                raise ReadError(k, "unknown field")
        if op == "hello":
            if "protocol" in o:
                pv = o["protocol"]
                if not (is_integer(pv) and pv == PROTOCOL):
                    raise ReadError("protocol", "unsupported protocol %s (this sidecar speaks %d)"
                                    % (cjson.dumps(pv), PROTOCOL))
            return {"op": op, "protocol": PROTOCOL, "clawvm_version": CLAWVM_VERSION,
                    "policy": self.policy.name, "tokens_budget": eng.budget,
                    "last_seq": self.state.last_seq(), "turn": eng.turn,
                    "pages": len(eng.table), "capabilities": CAPABILITIES}
        if op == "principal":
            # SC-5 (draft): the writer principal of every later writeback (JR-5)
            flags = []
            for k in ("session", "project"):
                if k not in o:
                    raise ReadError(k, "is required")
                if not isinstance(o[k], bool):
                    raise ReadError(k, "must be a boolean, not " + type_name(o[k]))
                flags.append(o[k])
            eng.writer = Principal(flags[0], flags[1])
            return {"op": op}
        if op == "lookahead":
            if "pages" not in o:
                raise ReadError("pages", "is required")
            pages = o["pages"]
            if not isinstance(pages, dict):
                raise ReadError("pages", "must be an object of page id -> count")
            pairs = []
            for k in sorted(pages.keys(), key=lambda s: s.encode("utf-8")):
                c = pages[k]
                if not is_integer(c) or c < 0 or c > U32_MAX:
                    raise ReadError("pages." + k, "must be a non-negative integer below 2^32")
                pairs.append((k, c))
            eng.set_lookahead(pairs)
            return {"op": op}
        if op == "counters":
            c = eng.counters
            # SC-5: the counts by kind (`faults` of every response is its delta, SC-2)
            return {"op": op, "fault_counts": {FAULT_NAMES[i]: c.faults[i] for i in range(len(c.faults))},
                    "destructive_commits": c.destructive_commits,
                    "recalls_explained": c.recalls_explained,
                    "hits": c.hits, "misses": c.misses,
                    "duplicate_signature_alerts": c.duplicate_signature_alerts,
                    "physical_insufficiency": c.physical_insufficiency,
                    "commits": c.commits, "rejections": c.rejections,
                    "thrash_index": c.thrash_index(), "requests": self.requests,
                    "bad_requests": self.bad_requests}
        # shutdown op
        self.stop = True
        return {"op": op}

    def _event(self, ev) -> dict:
        eng = self.engine
        name = ev.name
        r = {"event": name}
        if name == "session_start":
            eng.on_session_start(ev.session)
        elif name == "ingest":
            r["reason"] = reason_name(eng.on_ingest(ev.page))
        elif name == "update":
            r["reason"] = reason_name(eng.on_update(ev.page, ev.change))
        elif name == "demand":
            r["outcome"] = eng.on_demand(ev.page_id, ev.level)
        elif name == "tool_call":
            outcome, rc, sig = eng.on_tool_call(ev.tool, ev.arguments_text, ev.page)
            r["outcome"] = outcome
            r["reason"] = reason_name(rc)
            r["signature"] = sig if sig is not None else ""
        elif name == "recall":
            res = eng.on_recall(ev.scope, ev.field, ev.backend)
            r["found"] = res.found
            r["silent"] = res.silent
            if res.found:
                r["value"] = cjson.parse(res.value_json.encode("utf-8"))
                r["version"] = res.version
            elif not res.silent:
                r["reason"] = reason_name(res.reason)
        elif name == "turn_end":
            turn = eng.turn
            sel = eng.on_assemble()
            eng.on_post_model()
            pages = eng.table.pages
            r["turn"] = turn
            r["tokens_used"] = sel.tokens_used
            r["tokens_budget"] = sel.tokens_budget
            r["floor_set_tokens"] = sel.floor_set_tokens
            r["floor_set_fits"] = sel.floor_set_fits
            r["resident"] = [{"page": p.id, "level": LEVEL_NAMES[sel.levels[i]],
                              "tokens": p.tokens_at(sel.levels[i])}
                             for i, p in enumerate(pages) if sel.levels[i] != NONE]
            r["unmet"] = [{"page": pages[u.page].id, "wanted": LEVEL_NAMES[u.wanted],
                           "installed": LEVEL_NAMES[u.installed],
                           "tokens_needed": u.tokens_needed,
                           "reason": reason_name(u.reason)} for u in sel.unmet]
        elif name in BOUNDARIES:
            rep = eng.on_boundary(name)
            r["boundary"] = name
            r["written_back"] = rep.written_back
            r["rejected"] = rep.rejected
            r["flush_misses"] = rep.flush_misses
            r["pages_destroyed"] = rep.pages_destroyed
            js = []
            for rec in rep.journal:
                e = {"seq": rec.seq, "page": rec.update.page_id, "field": rec.update.field,
                     "phase": "committed" if rec.phase == COMMITTED else "rejected",
                     "reason": reason_name(rec.reason)}
                if rec.phase == COMMITTED:
                    e["version"] = rec.version
                js.append(e)
            r["journal"] = js
        if self.sink is not None:
            self.sink.flush()
        return r


def serve(argv, stdin=None, stdout=None, stderr=None) -> int:
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    stderr = stderr or sys.stderr
    policy = "clawvm"
    budget = 180
    strict = False
    trace_path = None
    i = 0
    from .engine import POLICY_NAMES
    while i < len(argv):
        a = argv[i]

        def val():
            nonlocal i
            if i + 1 >= len(argv):
                stderr.write("clawvm-py serve: %s needs a value\n" % a)
                raise SystemExit(2)
            i += 1
            return argv[i]
        if a == "--store":
            val()  # accepted and ignored: the store is in memory only
        elif a == "--policy":
            policy = val()
        elif a == "--budget":
            v = val()
            try:
                budget = int(v)
            except ValueError:
                budget = -1
            if not (1 <= budget <= 1000000000):
                stderr.write("clawvm-py serve: --budget must be in 1 .. 1000000000\n")
                return 2
        elif a == "--strict":
            strict = True
        elif a == "--lenient":
            strict = False
        elif a == "--trace":
            trace_path = val()
        else:
            stderr.write("clawvm-py serve: unknown option %s\n" % a)
            return 2
        i += 1
    if policy not in POLICY_NAMES:
        stderr.write("clawvm-py serve: unknown policy %s\n" % policy)
        return 2
    trace_file = None
    trace_first_seq = 0
    if trace_path is not None:
        # SC-1: an appended trace continues after the file's last line
        try:
            with open(trace_path, "rb") as existing:
                data = existing.read()
        except OSError:
            data = b""
        if data:
            try:
                if not data.endswith(b"\n"):
                    raise ValueError("no final newline")
                obj = json.loads(data[:-1].rsplit(b"\n", 1)[-1])
                trace_first_seq = int(obj["seq"]) + 1
            except (ValueError, KeyError, TypeError):
                stderr.write("clawvm-py serve: --trace %s: does not end with a complete decision-trace line\n" % trace_path)
                return 2
        try:
            trace_file = open(trace_path, "a", encoding="utf-8", newline="\n")
        except OSError:
            stderr.write("clawvm-py serve: cannot open %s\n" % trace_path)
            return 2
    sc = Sidecar(policy, budget, strict, trace_file, trace_first_seq)
    lineno = 0
    while not sc.stop:
        raw = stdin.readline()
        if not raw:
            break
        lineno += 1
        if raw.endswith(b"\n"):
            raw = raw[:-1]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
        resp = sc.handle_line(raw, lineno)
        stdout.write((resp + "\n").encode("utf-8"))
        stdout.flush()
    if trace_file is not None:
        trace_file.close()
    stderr.write("clawvm serve: %d requests, %d bad, last committed seq %d\n"
                 % (sc.requests, sc.bad_requests, sc.state.last_seq()))
    return sc.exit_code
