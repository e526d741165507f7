#!/usr/bin/env python3
"""Random sidecar request streams for differential testing (stdlib only).

fuzz_requests.py --seed S --count N [--bad P] --out FILE

Writes N request lines: workload events over a small pool of page ids, tool
names, fields and values (valid and invalid page specs, every update op,
versions, evidence refs, demands, tool calls, recalls, turn ends, every
boundary), control ops (hello, counters, lookahead) and, with probability P
per line, a mutated (bad) request: a deleted, retyped or unknown field, a bad
enum, a bad id, both/neither of op and event, invalid JSON.
Feed the file to check_against_reference.py --requests FILE --budgets ...
"""

import argparse
import json
import random

IDS = ["boot", "rule", "plan", "pref", "ev1", "ev2", "ev3", "conv", "x.y", "ev-4"]
BAD_IDS = ["", "a b", "x" * 257, "caf\u00e9"]
TYPES = ["bootstrap", "constraint", "plan", "preference", "evidence", "conversation"]
LEVELS = ["pointer", "structured", "compressed", "full"]
FIELDS = ["plan.status", "pref.lang", "team/oncall", "a:b", "x", "bad field", "", "f" * 129]
TOOLS = ["read", "grep", "run_tests", ""]


def rnd_number(r):
    c = r.random()
    if c < 0.4:
        return r.randint(-3, 12)
    if c < 0.6:
        return r.choice([0.5, 1.25, 2.0, 0.1, 1e-7, 3.14159, -0.0, 1e21, 123456.789])
    if c < 0.8:
        return 5
    return round(r.uniform(-5, 15), r.randint(0, 4))


def rnd_json(r, depth=0):
    c = r.random()
    if depth > 2 or c < 0.3:
        return r.choice([1, 2, 1.0, 2.5, "a", "b", "\u00e9\n", True, False, None, 0, -1,
                         12345678901234567890, 1e300, 0.1])
    if c < 0.6:
        return {r.choice(["a", "b", "c", "k", "\u00e9"]): rnd_json(r, depth + 1)
                for _ in range(r.randint(0, 3))}
    return [rnd_json(r, depth + 1) for _ in range(r.randint(0, 3))]


CHAINS = {
    "bootstrap": ["structured", "full"],
    "constraint": ["structured", "full"],
    "plan": ["pointer", "structured", "full"],
}


def rnd_page(r, pid=None, ptype=None):
    t = ptype or r.choice(TYPES + ["weird"] if r.random() < 0.03 else TYPES)
    chain = CHAINS.get(t, ["pointer", "structured", "compressed", "full"])
    p = {"id": pid or r.choice(IDS if r.random() > 0.03 else BAD_IDS), "type": t}
    reps = {}
    tok = 0
    for lvl in chain:
        if lvl == chain[0] or r.random() < 0.7:
            tok += r.choice([1, 2, 5, 10, 20, 30, 40, 60, 100])
            reps[lvl] = {"tokens": tok}
            if r.random() < 0.3:
                reps[lvl]["content"] = r.choice(["c", "", "x" * 5])
    if r.random() < 0.04 and reps:
        # break something: off chain, missing floor, non-monotone
        k = r.random()
        if k < 0.33:
            reps[r.choice(LEVELS)] = {"tokens": r.randint(1, 50)}
        elif k < 0.66:
            reps.pop(chain[0], None)
        else:
            lv = r.choice(list(reps))
            reps[lv]["tokens"] = r.choice([0, 1, 3])
    p["representations"] = reps
    if r.random() < 0.3:
        p["pin"] = r.choice(["none", "soft", "hard"])
    if r.random() < 0.2:
        p["scope"] = r.choice(["session", "project"])
    if r.random() < 0.6:
        p["base_utility"] = rnd_number(r)
    if r.random() < 0.6:
        p["recompute_cost"] = rnd_number(r)
    if r.random() < 0.3:
        p["provenance"] = "call:%d" % r.randint(0, 9)
    return p


def rnd_event(r, known_types):
    c = r.random()
    if c < 0.14:
        pid = r.choice(IDS)
        t = known_types.get(pid) if r.random() < 0.3 else None
        page = rnd_page(r, pid, t)
        if page["type"] in TYPES and page["id"] in IDS:
            known_types.setdefault(page["id"], page["type"])
        return {"event": "ingest", "page": page}
    if c < 0.30:
        pid = r.choice(list(known_types) if known_types and r.random() < 0.8 else IDS)
        t = known_types.get(pid) if r.random() < 0.9 else None
        page = rnd_page(r, pid, t)
        if r.random() < 0.6 and "pin" in page:
            del page["pin"]
        if r.random() < 0.6 and "scope" in page:
            del page["scope"]
        ch = {"field": r.choice(FIELDS[:5] if r.random() < 0.9 else FIELDS),
              "op": r.choice(["append", "merge", "set_with_version"])}
        if r.random() < 0.9:
            ch["value"] = rnd_json(r) if r.random() < 0.5 else {"k": rnd_json(r)}
        else:
            ch["value_text"] = r.choice(["{bad", "", "[1,", "  {\"a\":1} ", "1e400",
                                         "\"\\ud800\""])
        if r.random() < 0.5:
            ch["scope"] = r.choice(["session", "project"])
        if r.random() < 0.8:
            ch["evidence_ref"] = r.choice(IDS + ["", "missing"])
        if r.random() < 0.5:
            ch["expected_version"] = r.randint(0, 3)
        if r.random() < 0.08:
            ch["page"] = r.choice(IDS + [""])
        return {"event": "update", "page": page, "change": ch}
    if c < 0.42:
        ev = {"event": "demand", "page": r.choice(IDS + ["nope"])}
        if r.random() < 0.7:
            ev["level"] = r.choice(LEVELS)
        return ev
    if c < 0.56:
        ev = {"event": "tool_call", "tool": r.choice(TOOLS if r.random() < 0.1 else TOOLS[:3])}
        k = r.random()
        if k < 0.8:
            ev["arguments"] = r.choice([{"path": "a"}, {"path": "b"}, {}, {"x": 1.5, "a": [1, 2]},
                                        {"a": [1, 2], "x": 1.50}, [1], "s", 2.0])
        else:
            ev["arguments_text"] = r.choice(["", "{bad", " {\"path\" : \"a\"} ", "{}", "1.0"])
        pid = r.choice(["ev1", "ev2", "ev3", "ev-4", "conv", "plan"] if r.random() < 0.4
                       else ["t%d" % r.randint(0, 30)])
        ev["result"] = rnd_page(r, pid, known_types.get(pid, "evidence")
                                if r.random() < 0.9 else None)
        known_types.setdefault(pid, ev["result"]["type"])
        return ev
    if c < 0.62:
        ev = {"event": "recall", "scope": r.choice(["session", "project"]),
              "field": r.choice(FIELDS[:5])}
        if r.random() < 0.2:
            ev["backend"] = r.choice(["RECALL_NO_MATCH", "RECALL_DENIED", "RECALL_BACKEND_ERROR"])
        return ev
    if c < 0.85:
        return {"event": "turn_end"}
    if c < 0.93:
        b = r.choice(["compaction", "pruning", "memory_flush"] * 4 +
                     ["reset", "session_end", "shutdown"])
        return {"event": b}
    k = r.random()
    if k < 0.3:
        return {"op": "hello", "protocol": 1} if r.random() < 0.5 else {"op": "hello"}
    if k < 0.5:
        return {"op": "counters"}
    if r.random() < 0.5:
        return {"event": "session_start", "session": "s%d" % r.randint(0, 3)}
    return {"op": "lookahead", "pages": {pid: r.randint(0, 4) for pid in
                                         r.sample(IDS + ["nope"], r.randint(0, 5))}}


def paths(v, prefix=()):
    out = [prefix] if prefix else []
    if isinstance(v, dict):
        for k, x in v.items():
            out += paths(x, prefix + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            out += paths(x, prefix + (i,))
    return out


def mutate(r, req, times=1):
    for _ in range(times - 1):
        try:
            req = json.loads(mutate(r, req))
        except ValueError:
            break
        if not isinstance(req, dict):
            break
    k = r.random()
    if k < 0.05:
        return r.choice(['{not json', '[1]', '"x"', '', '   ', '{"event":"turn_end"} x',
                         '{"event":"turn_end","event":"demand"}', '\ufeff{"op":"counters"}',
                         '{"op":"counters","id":1e2}', '{"id":true,"op":"hello"}',
                         '{"event":"ingest","page":{"id":"\\ud800","type":"plan"}}'])
    ps = paths(req)
    if not ps:
        return json.dumps(req)
    p = r.choice(ps)
    parent = req
    for key in p[:-1]:
        parent = parent[key]
    last = p[-1]
    m = r.random()
    if m < 0.3 and isinstance(parent, dict):
        del parent[last]
    elif m < 0.6:
        parent[last] = r.choice([5, -1, 1.5, "s", None, True, [], {}, 4294967296,
                                 18446744073709551616])
    elif m < 0.8 and isinstance(parent, dict):
        parent[r.choice(["extra", "zz", "aa", "comment", "Page", "id"])] = \
            r.choice([1, "c", None])
    else:
        if isinstance(req, dict):
            if "event" in req and r.random() < 0.5:
                req["op"] = "counters"
            elif r.random() < 0.5:
                req["id"] = r.choice([[1], 1.5, None, "ok", 7, -2])
            else:
                req["event"] = r.choice(["warp", "none", "Turn_end"])
    return json.dumps(req, separators=(",", ":"), ensure_ascii=r.random() < 0.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--bad", type=float, default=0.05)
    ap.add_argument("--multi", type=int, default=1,
                    help="mutations per bad request (several errors at once)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    known = {}
    lines = ['{"event":"session_start","session":"fuzz"}']
    for i in range(a.count):
        ev = rnd_event(r, known)
        if r.random() < 0.3:
            ev["id"] = r.choice([i, "r%d" % i])
        if r.random() < a.bad:
            lines.append(mutate(r, ev, r.randint(1, a.multi)))
        else:
            lines.append(json.dumps(ev, separators=(",", ":"), ensure_ascii=r.random() < 0.5))
    with open(a.out, "w", encoding="utf-8", errors="surrogatepass") as f:
        for ln in lines:
            f.write(ln + "\n")


if __name__ == "__main__":
    main()
