"""Workload events v1 (spec/workload.md WL-2..WL-8): reading one event object.

read_event(obj, extra_allowed) validates one parsed event object and returns an
Event, or raises ReadError(field, message). Field order of the checks and the
message texts follow what the reference does (see README, spec gaps).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import cjson
from .faults import canonical_signature
from .journal import Update, OP_BY_NAME
from .pages import PageSpec, LEVEL_BY_NAME, SCOPE_BY_NAME, PIN_BY_NAME, FULL
from .reasons import BY_NAME as REASON_BY_NAME

U32_MAX = (1 << 32) - 1
U64_MAX = (1 << 64) - 1

EVENT_NAMES = ["session_start", "ingest", "update", "demand", "tool_call", "recall",
               "turn_end", "compaction", "pruning", "memory_flush", "reset",
               "session_end", "shutdown"]
BOUNDARY_EVENTS = {"compaction", "pruning", "memory_flush", "reset", "session_end",
                   "shutdown"}
REP_LEVELS = ["pointer", "structured", "compressed", "full"]
BACKENDS = ["RECALL_NO_MATCH", "RECALL_DENIED", "RECALL_BACKEND_ERROR"]


class ReadError(Exception):
    def __init__(self, field: Optional[str], message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def type_name(v) -> str:
    """nlohmann::json::type_name()."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "discarded"


def _join(path: str, key: str) -> str:
    return key if path == "" else path + "." + key


def is_integer(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _string(o: dict, key: str, path: str, required: bool, default=None):
    if key not in o:
        if required:
            raise ReadError(_join(path, key), "is required")
        return default
    v = o[key]
    if not isinstance(v, str):
        raise ReadError(_join(path, key), "must be a string, not " + type_name(v))
    return v


def _number(o: dict, key: str, path: str, default=0.0):
    if key not in o:
        return default
    v = o[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ReadError(_join(path, key), "must be a number, not " + type_name(v))
    return float(v)


def _uint(o: dict, key: str, path: str, maximum: int, required: bool, default=0):
    if key not in o:
        if required:
            raise ReadError(_join(path, key), "is required")
        return default
    v = o[key]
    f = _join(path, key)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ReadError(f, "must be a non-negative integer, not " + type_name(v))
    if not is_integer(v) or v < 0:
        raise ReadError(f, "must be a non-negative integer")
    if v > maximum:
        raise ReadError(f, "%d is larger than the maximum %d" % (v, maximum))
    return v


def _enum(o: dict, key: str, path: str, names, required: bool, default=None):
    v = _string(o, key, path, required, None)
    if v is None:
        return default
    if v not in names:
        raise ReadError(_join(path, key),
                        "unknown value '%s' (one of %s)" % (v, ", ".join(names)))
    return v


def _object(v, path: str) -> dict:
    if not isinstance(v, dict):
        raise ReadError(path if path else None, "must be a JSON object")
    return v


def check_unknown(o: dict, path: str, known):
    """Unknown fields, and 'comment' must be a string (WL-2); keys in byte order."""
    for k in sorted(o.keys(), key=lambda s: s.encode("utf-8")):
        if k == "comment":
            if not isinstance(o[k], str):
                raise ReadError(_join(path, k), "must be a string")
        elif k not in known:
            raise ReadError(_join(path, k), "unknown field")


@dataclass
class Event:
    name: str
    session: str = ""
    page: Optional[PageSpec] = None
    change: Optional[Update] = None
    page_id: str = ""
    level: int = FULL
    tool: str = ""
    arguments_text: str = ""
    scope: int = 0
    field: str = ""
    backend: Optional[int] = None


def read_page(v, path: str) -> PageSpec:
    o = _object(v, path)
    pid = _string(o, "id", path, True)
    tname = _string(o, "type", path, True)
    scope = _enum(o, "scope", path, ["session", "project"], False)
    pin = _enum(o, "pin", path, ["none", "soft", "hard"], False)
    prov = _string(o, "provenance", path, False, "")
    rc = _number(o, "recompute_cost", path)
    bu = _number(o, "base_utility", path)
    if "representations" not in o:
        raise ReadError(_join(path, "representations"), "is required")
    rpath = _join(path, "representations")
    ro = _object(o["representations"], rpath)
    reps = {}
    for lname in REP_LEVELS:
        if lname in ro:
            lpath = _join(rpath, lname)
            lo = _object(ro[lname], lpath)
            tokens = _uint(lo, "tokens", lpath, U32_MAX, True)
            content = _string(lo, "content", lpath, False, "")
            check_unknown(lo, lpath, {"tokens", "content"})
            reps[LEVEL_BY_NAME[lname]] = (content, tokens)
    check_unknown(ro, rpath, set(REP_LEVELS))
    check_unknown(o, path, {"id", "type", "scope", "pin", "provenance", "recompute_cost",
                            "base_utility", "representations"})
    return PageSpec(id=pid, type_name=tname,
                    scope=None if scope is None else SCOPE_BY_NAME[scope],
                    pin=None if pin is None else PIN_BY_NAME[pin],
                    provenance=prov, recompute_cost=rc, base_utility=bu,
                    representations=reps)


def read_change(v, path: str) -> Update:
    o = _object(v, path)
    page = _string(o, "page", path, False, "")  # the reference checks 'page' first
    fieldname = _string(o, "field", path, True)
    op = _enum(o, "op", path, ["append", "merge", "set_with_version"], True)
    has_v = "value" in o
    has_t = "value_text" in o
    if has_v == has_t:
        raise ReadError(_join(path, "value"),
                        "exactly one of 'value' and 'value_text' is required")
    if has_v:
        value_json = cjson.dumps(o["value"])
    else:
        value_json = o["value_text"]
        if not isinstance(value_json, str):
            raise ReadError(_join(path, "value_text"), "must be a string")
    scope = _enum(o, "scope", path, ["session", "project"], False, "session")
    eref = _string(o, "evidence_ref", path, False, "")
    ev = _uint(o, "expected_version", path, U64_MAX, False, 0)
    check_unknown(o, path, {"field", "op", "value", "value_text", "scope", "evidence_ref",
                            "expected_version", "page"})
    return Update(page_id=page, field=fieldname, op=OP_BY_NAME[op], value_json=value_json,
                  scope=SCOPE_BY_NAME[scope], evidence_ref=eref, expected_version=ev)


def read_event(o: dict, extra_allowed=()) -> Event:
    """Validate one event object (WL-5). extra_allowed: e.g. {'id'} for the sidecar."""
    if "event" not in o:
        raise ReadError("event", "is required")
    name = o["event"]
    if not isinstance(name, str):
        raise ReadError("event", "must be a string, not " + type_name(name))
    if name not in EVENT_NAMES:
        raise ReadError("event", "unknown event '%s'" % name)
    known = {"event"} | set(extra_allowed)
    ev = Event(name)
    if name == "session_start":
        ev.session = _string(o, "session", "", True)
        known |= {"session"}
    elif name == "ingest":
        if "page" not in o:
            raise ReadError("page", "is required")
        ev.page = read_page(o["page"], "page")
        known |= {"page"}
    elif name == "update":
        if "page" not in o:
            raise ReadError("page", "is required")
        ev.page = read_page(o["page"], "page")
        if "change" not in o:
            raise ReadError("change", "is required")
        ev.change = read_change(o["change"], "change")
        known |= {"page", "change"}
    elif name == "demand":
        ev.page_id = _string(o, "page", "", True)
        lv = _string(o, "level", "", False, None)
        if lv is not None:
            if lv == "none":
                raise ReadError("level", "a demand wants a level above none")
            if lv not in REP_LEVELS:
                raise ReadError("level", "unknown value '%s' (one of %s)"
                                % (lv, ", ".join(REP_LEVELS)))
            ev.level = LEVEL_BY_NAME[lv]
        known |= {"page", "level"}
    elif name == "tool_call":
        ev.tool = _string(o, "tool", "", True)
        has_a = "arguments" in o
        has_t = "arguments_text" in o
        if has_a == has_t:
            raise ReadError("arguments",
                            "exactly one of 'arguments' and 'arguments_text' is required")
        if has_a:
            ev.arguments_text = cjson.dumps(o["arguments"])
        else:
            ev.arguments_text = o["arguments_text"]
            if not isinstance(ev.arguments_text, str):
                raise ReadError("arguments_text", "must be a string")
        if "result" not in o:
            raise ReadError("result", "is required")
        ev.page = read_page(o["result"], "result")
        sig = _string(o, "signature", "", False, None)
        if sig is not None:
            want = canonical_signature(ev.tool, ev.arguments_text)
            if want is None or sig != want:
                raise ReadError("signature", "does not match the canonical signature '%s'"
                                % (want if want is not None else "<arguments are not JSON>"))
        known |= {"tool", "arguments", "arguments_text", "result", "signature"}
    elif name == "recall":
        sc = _enum(o, "scope", "", ["session", "project"], True)
        ev.scope = SCOPE_BY_NAME[sc]
        ev.field = _string(o, "field", "", True)
        b = _enum(o, "backend", "", BACKENDS, False)
        ev.backend = None if b is None else REASON_BY_NAME[b]
        known |= {"scope", "field", "backend"}
    check_unknown(o, "", known)
    return ev
