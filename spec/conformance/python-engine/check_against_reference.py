#!/usr/bin/env python3
"""Compare clawvm-py against the reference sidecar, response by response.

Feeds the same request stream to `REF serve --store :memory:` and to
`clawvm-py serve`, compares every response (parsed JSON; error.message is
informative and removed, spec/vectors/README.md) and the decision traces
(byte for byte), and reports the first difference of each run: the request
line, the field path, the expected (reference) and the got (clawvm-py) value.

Inputs:
  - spec/vectors/sidecar/*.requests.jsonl (budget from the name: .bNNN.)
  - spec/vectors/gates/*.workload.jsonl, spec/vectors/workloads/*.workload.jsonl
    converted to requests (every event line after the header is a request;
    for the oracle a lookahead op is sent before each turn_end, computed as
    spec/replay.md RP-5 says with h = 3)
  - --gen N: N seeds of every generator family (REF generate)

Usage:
  check_against_reference.py [--ref PATH] [--policies a,b] [--budgets 120,180,300]
                             [--gen N] [--no-trace] [--check-trace] [--bug NAME]
                             [--only SUBSTR] [--stop-first] [-v]

Standard library only.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.abspath(os.path.join(HERE, "..", ".."))
PY_ENGINE = os.path.join(HERE, "clawvm-py")
sys.path.insert(0, HERE)

from clawvm_py import cjson  # noqa: E402
from clawvm_py.faults import canonical_signature  # noqa: E402
from clawvm_py.pages import check_spec, id_is_valid  # noqa: E402
from clawvm_py.reasons import OK  # noqa: E402
from clawvm_py.workload import read_page, ReadError  # noqa: E402

POLICIES = ["retrieval", "retrieval_cache", "compaction_hybrid", "lru", "clawvm", "oracle", "cache_aware"]
FAMILIES = ["long_plan", "evidence_churn", "preference_drift", "project_memory", "cross_reference",
            "starvation", "churn", "cascade_reset"]
SESSION_ENDING = {"reset", "session_end", "shutdown"}
DEFAULT_SCOPE = {"bootstrap": "project", "preference": "project"}


# --------------------------------------------------------------------------
# workload -> requests


def _sig_of(ev):
    if "arguments" in ev:
        args = cjson.dumps(ev["arguments"])
    else:
        args = ev.get("arguments_text", "")
    return canonical_signature(ev.get("tool", ""), args)


def _page_scope(page):
    return page.get("scope", DEFAULT_SCOPE.get(page.get("type"), "session"))


def _ingest_ok(page, pages):
    """Would the engine accept this page at ingest (PG-8)? RP-5 step 3 counts the
    page an earlier call *created*: a call whose ingest is rejected created none."""
    try:
        spec = read_page(page, "page")
    except ReadError:
        return False
    return id_is_valid(spec.id) and spec.id not in pages and check_spec(spec) == OK


class SigTracker:
    """RP-5 step 3: signature -> page that serves it, forgotten when the page is
    removed by a session-ending boundary (session-scope pages)."""

    def __init__(self):
        self.sig = {}
        self.pages = {}  # page id -> scope, pages known to exist

    def copy(self):
        c = SigTracker()
        c.sig = dict(self.sig)
        c.pages = dict(self.pages)
        return c

    def apply(self, ev):
        name = ev.get("event")
        if name == "ingest":
            p = ev.get("page", {})
            if _ingest_ok(p, self.pages):
                self.pages[p.get("id")] = _page_scope(p)
        elif name == "tool_call":
            s = _sig_of(ev)
            if s is None:
                return None
            pid = self.sig.get(s)
            if pid is not None and pid in self.pages:
                return pid
            r = ev.get("result", {})
            rid = r.get("id")
            if _ingest_ok(r, self.pages):
                self.pages[rid] = _page_scope(r)
                self.sig[s] = rid
            return rid
        elif name in SESSION_ENDING:
            self.pages = {k: v for k, v in self.pages.items() if v != "session"}
            self.sig = {s: p for s, p in self.sig.items() if p in self.pages}
        return None

    def serving_page(self, ev):
        s = _sig_of(ev)
        if s is None:
            return ev.get("result", {}).get("id")
        pid = self.sig.get(s)
        if pid is not None and pid in self.pages:
            return pid
        return ev.get("result", {}).get("id")


def workload_to_requests(path, oracle, h=3):
    with open(path, "rb") as f:
        lines = [ln.rstrip(b"\r\n") for ln in f.read().split(b"\n")]
    lines = [ln for ln in lines if ln]
    events_raw = lines[1:]
    events = [json.loads(ln) for ln in events_raw]
    out = []
    tracker = SigTracker()
    for i, (raw, ev) in enumerate(zip(events_raw, events)):
        if oracle and ev.get("event") == "turn_end":
            # RP-5: demands of the next h turns; a tool call counts for the page the
            # engine maps its signature to *now* (if that page exists), else for its
            # own result id. Calls and boundaries inside the window do not change
            # the mapping (what the reference does; see README, spec gaps).
            counts = {}
            seen = 0
            for ev2 in events[i + 1:]:
                if seen >= h:
                    break
                n2 = ev2.get("event")
                if n2 == "demand":
                    pid = ev2.get("page")
                    counts[pid] = counts.get(pid, 0) + 1
                elif n2 == "tool_call":
                    pid = tracker.serving_page(ev2)
                    counts[pid] = counts.get(pid, 0) + 1
                elif n2 == "turn_end":
                    seen += 1
            out.append(json.dumps({"op": "lookahead", "pages": counts},
                                  separators=(",", ":"), sort_keys=True).encode())
        out.append(raw)
        tracker.apply(ev)
    return out


# --------------------------------------------------------------------------
# running


def run_engine(cmd, requests, env=None, timeout=600):
    data = b"".join(r + b"\n" for r in requests)
    p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace").splitlines(), \
        p.stderr.decode("utf-8", "replace")


def first_diff(a, b, path=""):
    """First differing field path between two parsed JSON values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            p = path + "." + k if path else k
            if k not in a:
                return p, "<absent>", b[k]
            if k not in b:
                return p, a[k], "<absent>"
            d = first_diff(a[k], b[k], p)
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        if len(a) != len(b):
            return path + ".length", len(a), len(b)
        return None
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))
                                       and not isinstance(a, bool) and not isinstance(b, bool)):
        return path, a, b
    if a != b:
        return path, a, b
    return None


KEEP_MESSAGES = False


def normalise(resp):
    if isinstance(resp, dict):
        # hello "capabilities" (spec/conformance.md CF-2, draft) is an optional
        # response field that reference builds before it do not send
        resp.pop("capabilities", None)
    if isinstance(resp, dict) and isinstance(resp.get("error"), dict):
        msg = resp["error"].get("message", "")
        if not KEEP_MESSAGES or msg.startswith("invalid JSON"):
            resp["error"].pop("message", None)
    return resp


def compare_responses(requests, ref_lines, my_lines):
    n = max(len(ref_lines), len(my_lines))
    for i in range(n):
        if i >= len(ref_lines) or i >= len(my_lines):
            return {"line": i + 1, "path": "<response count>",
                    "expected": len(ref_lines), "got": len(my_lines),
                    "request": requests[i].decode("utf-8", "replace")[:300]
                    if i < len(requests) else ""}
        a = normalise(json.loads(ref_lines[i]))
        b = normalise(json.loads(my_lines[i]))
        d = first_diff(a, b)
        if d:
            return {"line": i + 1, "path": d[0], "expected": d[1], "got": d[2],
                    "request": requests[i].decode("utf-8", "replace")[:300]}
    return None


def compare_traces(ref_path, my_path):
    with open(ref_path, "rb") as f:
        ra = f.read().split(b"\n")
    with open(my_path, "rb") as f:
        ma = f.read().split(b"\n")
    for i in range(max(len(ra), len(ma))):
        x = ra[i] if i < len(ra) else b"<eof>"
        y = ma[i] if i < len(ma) else b"<eof>"
        if x != y:
            return {"trace_line": i + 1, "expected": x.decode("utf-8", "replace")[:400],
                    "got": y.decode("utf-8", "replace")[:400]}
    return None


def check_one(args, label, requests, policy, budget, workload=None, env=None):
    with tempfile.TemporaryDirectory() as td:
        rt = os.path.join(td, "ref.trace.jsonl")
        mt = os.path.join(td, "py.trace.jsonl")
        ref_cmd = [args.ref, "serve", "--store", ":memory:", "--policy", policy,
                   "--budget", str(budget)]
        my_cmd = [sys.executable, PY_ENGINE, "serve", "--store", ":memory:", "--policy",
                  policy, "--budget", str(budget)]
        if not args.no_trace:
            ref_cmd += ["--trace", rt]
            my_cmd += ["--trace", mt]
        rrc, rlines, _ = run_engine(ref_cmd, requests)
        mrc, mlines, merr = run_engine(my_cmd, requests, env=env)
        result = {"label": label, "policy": policy, "budget": budget, "requests": len(requests)}
        if rrc != mrc:
            result["exit"] = (rrc, mrc, merr[-500:])
        d = compare_responses(requests, rlines, mlines)
        if d:
            result["response_diff"] = d
        if not args.no_trace:
            td_ = compare_traces(rt, mt) if os.path.exists(mt) else {"trace_line": 0,
                                                                      "expected": "",
                                                                      "got": "<no trace>"}
            if td_:
                result["trace_diff"] = td_
            if args.check_trace and os.path.exists(mt):
                p = subprocess.run([args.ref, "check-trace", mt], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
                if p.returncode != 0:
                    result["check_trace"] = p.stdout.decode()[-400:]
            if workload and policy == "oracle" and args.replay_oracle:
                ot = os.path.join(td, "replay.trace.jsonl")
                subprocess.run([args.ref, "replay", workload, "--policy", "oracle",
                                "--budget", str(budget), "--trace", ot],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                od = compare_traces(ot, mt)
                if od:
                    result["oracle_vs_replay"] = od
        return result


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--ref", default=os.environ.get(
        "CLAWVM_REF", os.path.join(here, "..", "..", "..", "build", "gcc-debug", "src", "clawvm")))
    ap.add_argument("--policies", default=",".join(POLICIES))
    ap.add_argument("--budgets", default="120,180,300")
    ap.add_argument("--gen", type=int, default=0, help="seeds per generator family")
    ap.add_argument("--gen-turns", type=int, default=0)
    ap.add_argument("--no-trace", action="store_true")
    ap.add_argument("--check-trace", action="store_true",
                    help="also run REF check-trace on every clawvm-py trace")
    ap.add_argument("--replay-oracle", action="store_true",
                    help="also compare the oracle trace with REF replay --policy oracle")
    ap.add_argument("--bug", default="", help="set CLAWVM_PY_BUG for clawvm-py")
    ap.add_argument("--only", default="", help="only inputs whose name contains this")
    ap.add_argument("--skip", action="append", default=[],
                    help="skip inputs whose name contains this (repeatable)")
    ap.add_argument("--no-vectors", action="store_true")
    ap.add_argument("--no-workloads", action="store_true")
    ap.add_argument("--requests", action="append", default=[],
                    help="extra request file (budget from .bNNN. or --budgets)")
    ap.add_argument("--workload", action="append", default=[],
                    help="extra workload file (converted to requests like the vectors)")
    ap.add_argument("--stop-first", action="store_true")
    ap.add_argument("--messages", action="store_true",
                    help="also compare error.message (informative), except invalid-JSON ones")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    global KEEP_MESSAGES
    KEEP_MESSAGES = args.messages
    policies = [p for p in args.policies.split(",") if p]
    budgets = [int(b) for b in args.budgets.split(",") if b]
    env = dict(os.environ)
    # A reference built before spec commit 6142087 (hostile input) has no
    # VALUE_TOO_LARGE and no JSON depth/NUL limits: compare like with like.
    try:
        rc_out = subprocess.run([args.ref, "reason-codes"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL).stdout.decode()
    except OSError:
        rc_out = ""
    if "VALUE_TOO_LARGE" not in rc_out and "CLAWVM_PY_LEGACY_JSON" not in env:
        env["CLAWVM_PY_LEGACY_JSON"] = "1"
        print("note: the reference predates VALUE_TOO_LARGE; clawvm-py runs with "
              "CLAWVM_PY_LEGACY_JSON=1")
    if args.bug:
        env["CLAWVM_PY_BUG"] = args.bug
    else:
        env.pop("CLAWVM_PY_BUG", None)

    jobs = []  # (label, requests-factory, policy, budget, workload)
    if not args.no_vectors:
        for f in sorted(glob.glob(os.path.join(SPEC, "vectors", "sidecar", "*.requests.jsonl"))):
            m = re.search(r"\.b(\d+)\.requests", f)
            b = int(m.group(1)) if m else 180
            with open(f, "rb") as fh:
                reqs = [ln.rstrip(b"\r") for ln in fh.read().split(b"\n")]
            if reqs and reqs[-1] == b"":
                reqs.pop()
            for pol in policies:
                jobs.append(("sidecar/" + os.path.basename(f), reqs, pol, b, None))
    for f in args.requests:
        m = re.search(r"\.b(\d+)\.", f)
        with open(f, "rb") as fh:
            reqs = [ln.rstrip(b"\r") for ln in fh.read().split(b"\n")]
        if reqs and reqs[-1] == b"":
            reqs.pop()
        for pol in policies:
            for b in ([int(m.group(1))] if m else budgets):
                jobs.append((os.path.basename(f), reqs, pol, b, None))
    workloads = []
    if not args.no_workloads:
        workloads += sorted(glob.glob(os.path.join(SPEC, "vectors", "gates", "*.workload.jsonl")))
        workloads += sorted(glob.glob(os.path.join(SPEC, "vectors", "workloads",
                                                   "*.workload.jsonl")))
    workloads += args.workload
    gendir = None
    if args.gen:
        gendir = tempfile.mkdtemp(prefix="clawvm-py-gen-")
        for fam in FAMILIES:
            for seed in range(1, args.gen + 1):
                out = os.path.join(gendir, "%s-s%d.workload.jsonl" % (fam, seed))
                cmd = [args.ref, "generate", "--family", fam, "--seed", str(seed), "--out", out]
                if args.gen_turns:
                    cmd += ["--turns", str(args.gen_turns)]
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                workloads.append(out)
    for w in workloads:
        for pol in policies:
            reqs = workload_to_requests(w, oracle=(pol == "oracle"))
            for b in budgets:
                jobs.append((os.path.basename(w), reqs, pol, b, w))
    if args.only:
        jobs = [j for j in jobs if args.only in j[0]]
    for sk in args.skip:
        jobs = [j for j in jobs if sk not in j[0]]

    same = 0
    diffs = []
    # the recorded responses of the sidecar vectors (written by the reference build
    # that made them, which may be newer than REF): clawvm-py with the current spec
    if not args.no_vectors and not args.only:
        env_new = dict(env)
        env_new.pop("CLAWVM_PY_LEGACY_JSON", None)
        for f in sorted(glob.glob(os.path.join(SPEC, "vectors", "sidecar", "*.requests.jsonl"))):
            m = re.search(r"\.b(\d+)\.requests", f)
            b = int(m.group(1)) if m else 180
            with open(f, "rb") as fh:
                reqs = [ln.rstrip(b"\r") for ln in fh.read().split(b"\n")]
            if reqs and reqs[-1] == b"":
                reqs.pop()
            with open(f.replace(".requests.jsonl", ".responses.jsonl"), encoding="utf-8") as fh:
                expected = fh.read().splitlines()
            _, mlines, _ = run_engine([sys.executable, PY_ENGINE, "serve", "--budget", str(b)],
                                      reqs, env=env_new)
            d = compare_responses(reqs, expected, mlines)
            label = "recorded " + os.path.basename(f.replace(".requests.jsonl", ".responses.jsonl"))
            if d:
                diffs.append({"label": label})
                print("DIFF %s\n  response_diff: %s" % (label, json.dumps(d, ensure_ascii=False)))
            else:
                same += 1
                if args.verbose:
                    print("same %s" % label)
    for (label, reqs, pol, b, w) in jobs:
        r = check_one(args, label, reqs, pol, b, w, env)
        bad = any(k in r for k in ("exit", "response_diff", "trace_diff", "check_trace",
                                   "oracle_vs_replay"))
        if bad:
            diffs.append(r)
            print("DIFF %s policy=%s budget=%d" % (label, pol, b))
            for k in ("exit", "response_diff", "trace_diff", "check_trace", "oracle_vs_replay"):
                if k in r:
                    print("  %s: %s" % (k, json.dumps(r[k], ensure_ascii=False)))
            if args.stop_first:
                break
        else:
            same += 1
            if args.verbose:
                print("same %s policy=%s budget=%d (%d requests)" % (label, pol, b, len(reqs)))
        sys.stdout.flush()
    print("SUMMARY: %d runs identical, %d differ (of %d)" % (same, len(diffs), same + len(diffs)))
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
