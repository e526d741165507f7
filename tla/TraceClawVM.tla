---------------------------- MODULE TraceClawVM ----------------------------
(***************************************************************************)
(* Trace validation by TLC (the etcd-io/raft Traceetcdraft / CCF pattern): *)
(* TLC reads one decision trace of the engine (spec/decision_trace.md,     *)
(* NDJSON) and replays it against the model, one line per step.  The      *)
(* variable l is the next line; every action below fires only on a line   *)
(* of its event, checks that the model allows it (the action's enabling   *)
(* condition, the invariants the line can violate) and advances l.  The    *)
(* model is deterministic per line, so the behaviour is a single path: a   *)
(* line the model does not allow leaves no successor and TLC reports a     *)
(* deadlock in a state with l = that line (the first bad line); a trace    *)
(* that is accepted ends in Done (l = Len(Log) + 1, nothing left open),    *)
(* after exactly Len(Log) steps.                                           *)
(*                                                                         *)
(* The model is the one of spec/decision_trace.md DT-6, which the C++      *)
(* validator clawvm::trace_validator (clawvm check-trace) also implements: *)
(* ClawVM.tla's lifecycle (dirty pages, boundary writeback through the    *)
(* journal, destroy, restore) composed with PageResidency.tla's assembly   *)
(* (installs along the chain, BudgetInv, FloorInv, PinnedResidentInv) and  *)
(* Journal.tla's phases, at the granularity of the trace: pages are the    *)
(* trace's own, each page counts its outstanding updates, and the engine   *)
(* writes back every dirty page at every boundary (a superset of           *)
(* ClawVM.tla's writeback set; see docs/verification.md).  It checks      *)
(* everything the C++ validator checks except the residency digest of a    *)
(* select line (64-bit FNV-1a: beyond TLC's 32-bit integers); the installs *)
(* before it fix the residency the digest summarises.                      *)
(*                                                                         *)
(* The trace file is the environment variable TRACE (an absolute path, or  *)
(* relative to TLC's working directory); run with the Community Modules:   *)
(*   TRACE=/abs/t.jsonl java -cp tla2tools.jar:CommunityModules-deps.jar   *)
(*       tlc2.TLC -config TraceClawVM.cfg TraceClawVM.tla                  *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets, TLC, Json, IOUtils

TraceFile == IF "TRACE" \in DOMAIN IOEnv THEN IOEnv.TRACE ELSE "trace.jsonl"
Log == TLCEval(ndJsonDeserialize(TraceFile))

ASSUME PrintT(<<"TraceClawVM: trace", TraceFile, "lines", Len(Log)>>)

-----------------------------------------------------------------------------
(* Static tables, as in PageResidency.tla and include/clawvm/page_traits.hpp *)
(* (tla/explorer/static_checks.cpp reads Floor and Chain from this text    *)
(* and proves them equal to the library's at compile time)                *)
LevelNames == {"none", "pointer", "structured", "compressed", "full"}
Rank(x) == CASE x = "none"       -> 0
             [] x = "pointer"    -> 1
             [] x = "structured" -> 2
             [] x = "compressed" -> 3
             [] x = "full"       -> 4
Types  == {"bootstrap", "constraint", "plan", "preference", "evidence", "conversation"}
Pins   == {"none", "soft", "hard"}
Scopes == {"session", "project"}
Floor(t) == IF t \in {"bootstrap", "constraint"} THEN "structured" ELSE "pointer"
Chain(t) == CASE t \in {"bootstrap", "constraint"} -> <<"full", "structured">>
              [] t = "plan"                        -> <<"full", "structured", "pointer">>
              [] OTHER                             -> <<"full", "compressed", "structured", "pointer">>
ChainLevels(t) == {Chain(t)[i] : i \in 1..Len(Chain(t))}
(* include/clawvm/boundary.hpp: what a boundary destroys, which end the session *)
Boundaries == {"compaction", "pruning", "memory_flush", "reset", "session_end", "shutdown"}
Destroys(b, t) == CASE b = "memory_flush" -> FALSE
                    [] b = "pruning"      -> t \in {"evidence", "conversation"}
                    [] OTHER              -> TRUE
EndsSession(b) == b \in {"reset", "session_end", "shutdown"}
(* Events with a model action; every other event is an observation (a stutter). *)
Modelled == {"session_start", "ingest", "update", "demand", "tool_call", "assemble", "install",
             "unmet", "select", "stage", "commit", "reject", "fault", "boundary", "destroy",
             "boundary_done", "resume"}

-----------------------------------------------------------------------------
VARIABLES
    l,          \* the next line of the trace (1-based)
    pg,         \* [page id -> [type, pin, scope, level, dirty, pending]]: the page table
    phase,      \* [journal seq -> phase]: Journal.tla's phases
    autoPin,    \* the session's policy pins hard-pinned pages at their floor
    asm,        \* an assembly is open (PageResidency.tla Assemble, in several lines)
    shadow,     \* [page id -> level]: the levels the open assembly has installed
    tokens,     \* tokens the open assembly has installed
    crossing,   \* "none" or the open boundary (ClawVM.tla pending)
    destroyed,  \* the open boundary has destroyed its pages
    turn        \* the engine's turn counter (never decreases)

vars == <<l, pg, phase, autoPin, asm, shadow, tokens, crossing, destroyed, turn>>

NoFcn == [x \in {} |-> "none"]

Init == /\ l = 1
        /\ pg = NoFcn
        /\ phase = NoFcn
        /\ autoPin = FALSE
        /\ asm = FALSE
        /\ shadow = NoFcn
        /\ tokens = 0
        /\ crossing = "none"
        /\ destroyed = FALSE
        /\ turn = 0

Line == Log[l]
Has(f) == f \in DOMAIN Line
\* Every line: version 1, dense seq (line k has seq k - 1), an event; turn
\* never decreases (resume excepted: a new engine).
Common == /\ l <= Len(Log)
           /\ Has("event") /\ Has("v") /\ Has("seq") /\ Has("turn")
           /\ Line.v = 1
           /\ Line.seq = l - 1
Ev(e) == /\ Common
         /\ Line.event = e
         /\ e # "resume" => Line.turn >= turn
Step == /\ l' = l + 1
        /\ turn' = Line.turn
Known(f) == Has(f) /\ Line[f] \in DOMAIN pg
P == Line.page

-----------------------------------------------------------------------------
\* clawvm::engine::on_session_start (session_start): the policy's auto-pin.
SessionStart == /\ Ev("session_start")
                /\ Has("auto_pin") /\ Line.auto_pin \in BOOLEAN
                /\ autoPin' = Line.auto_pin
                /\ Step
                /\ UNCHANGED <<pg, phase, asm, shadow, tokens, crossing, destroyed>>

\* clawvm::engine::on_ingest (ingest): PageResidency.tla Ingest.
Ingest == /\ Ev("ingest")
          /\ Has("page") /\ Has("type") /\ Has("pin") /\ Has("scope")
          /\ Line.type \in Types /\ Line.pin \in Pins /\ Line.scope \in Scopes
          /\ P \notin DOMAIN pg
          /\ ~asm
          /\ pg' = pg @@ (P :> [type |-> Line.type, pin |-> Line.pin, scope |-> Line.scope,
                                level |-> "none", dirty |-> FALSE, pending |-> 0])
          /\ Step
          /\ UNCHANGED <<phase, autoPin, asm, shadow, tokens, crossing, destroyed>>

\* clawvm::engine::on_update (update): ClawVM.tla Edit - one more update
\* outstanding, the page is dirty.
Edit == /\ Ev("update")
        /\ Known("page")
        /\ pg' = [pg EXCEPT ![P].dirty = TRUE, ![P].pending = @ + 1]
        /\ Step
        /\ UNCHANGED <<phase, autoPin, asm, shadow, tokens, crossing, destroyed>>

\* clawvm::engine::on_demand (demand): PageResidency.tla Demand; a hit must
\* be on a resident page.  The demand itself changes no modelled variable.
Demand == /\ Ev("demand")
          /\ Has("outcome")
          /\ Line.outcome # "unknown_page" =>
                 /\ Known("page")
                 /\ Line.outcome = "hit" => pg[P].level # "none"
          /\ Step
          /\ UNCHANGED <<pg, phase, autoPin, asm, shadow, tokens, crossing, destroyed>>

\* clawvm::engine::on_tool_call (tool_call): its result page must be known;
\* otherwise it stutters.
ToolCall == /\ Ev("tool_call")
            /\ Has("outcome")
            /\ Line.outcome # "rejected" => Known("page")
            /\ Step
            /\ UNCHANGED <<pg, phase, autoPin, asm, shadow, tokens, crossing, destroyed>>

\* clawvm::select_representations (assemble): PageResidency.tla Assemble
\* begins; the context is rebuilt from nothing.
AssembleBegin == /\ Ev("assemble")
                 /\ ~asm
                 /\ asm' = TRUE
                 /\ shadow' = [p \in DOMAIN pg |-> "none"]
                 /\ tokens' = 0
                 /\ Step
                 /\ UNCHANGED <<pg, phase, autoPin, crossing, destroyed>>

\* clawvm::select_representations (install): step "required" is
\* PageResidency.tla Assemble, "prefetch" and "upgrade" are Upgrade - one
\* step up the page's chain from where the assembly has it.
Install == /\ Ev("install")
           /\ asm
           /\ Known("page")
           /\ Has("from") /\ Has("to") /\ Has("tokens_extra")
           /\ Line.from \in LevelNames /\ Line.to \in LevelNames
           /\ Line.from = shadow[P]
           /\ Rank(Line.to) > Rank(Line.from)
           /\ Line.to \in ChainLevels(pg[P].type)
           /\ shadow' = [shadow EXCEPT ![P] = Line.to]
           /\ tokens' = tokens + Line.tokens_extra
           /\ Step
           /\ UNCHANGED <<pg, phase, autoPin, asm, crossing, destroyed>>

\* clawvm::select_representations (unmet): a requirement that did not fit;
\* the page is not above what the assembly installed.
Unmet == /\ Ev("unmet")
         /\ asm
         /\ Known("page")
         /\ Has("installed") /\ Line.installed \in LevelNames
         /\ Rank(Line.installed) <= Rank(shadow[P])
         /\ Step
         /\ UNCHANGED <<pg, phase, autoPin, asm, shadow, tokens, crossing, destroyed>>

\* clawvm::select_representations (select): the assembly ends.  Its tokens
\* are the installs' (BudgetInv: within the budget), every resident page is
\* on its chain at or above its floor (FloorInv), and an auto-pinning
\* engine keeps hard-pinned pages at their floor when the floor set fits
\* (PinnedResidentInv).  Pages left lower than before are Degrade/Evict.
Select == /\ Ev("select")
          /\ asm
          /\ Has("tokens_used") /\ Has("tokens_budget") /\ Has("pages") /\ Has("floor_set_fits")
          /\ Line.tokens_used = tokens
          /\ Line.tokens_used <= Line.tokens_budget
          /\ Line.pages = Cardinality(DOMAIN pg)
          /\ \A p \in DOMAIN pg :
                 shadow[p] # "none" =>
                     /\ Rank(shadow[p]) >= Rank(Floor(pg[p].type))
                     /\ shadow[p] \in ChainLevels(pg[p].type)
          /\ \A p \in DOMAIN pg :
                 (autoPin /\ Line.floor_set_fits /\ pg[p].pin = "hard")
                     => Rank(shadow[p]) >= Rank(Floor(pg[p].type))
          /\ pg' = [p \in DOMAIN pg |-> [pg[p] EXCEPT !.level = shadow[p]]]
          /\ asm' = FALSE
          /\ Step
          /\ UNCHANGED <<phase, autoPin, shadow, tokens, crossing, destroyed>>

\* clawvm::engine::writeback_dirty_pages -> clawvm::journal::stage (stage):
\* Journal.tla Stage, within a boundary and before its destroy step, of a
\* fresh entry for a page with an update outstanding.
Stage == /\ Ev("stage")
         /\ Known("page")
         /\ Has("journal_seq")
         /\ crossing # "none"
         /\ ~destroyed
         /\ Line.journal_seq \notin DOMAIN phase
         /\ pg[P].dirty /\ pg[P].pending > 0
         /\ phase' = phase @@ (Line.journal_seq :> "staged")
         /\ Step
         /\ UNCHANGED <<pg, autoPin, asm, shadow, tokens, crossing, destroyed>>

\* One update of the page is accounted for (committed or rejected with a
\* reason); with none left outstanding the page is clean (ClawVM.tla).
Settle(p) == [pg EXCEPT ![p].pending = @ - 1,
                        ![p].dirty = @ /\ pg[p].pending > 1]

\* clawvm::commit (commit): Journal.tla Validate and Commit of a staged
\* entry, with reason OK.
Commit == /\ Ev("commit")
          /\ Known("page")
          /\ Has("journal_seq") /\ Has("reason")
          /\ Line.journal_seq \in DOMAIN phase
          /\ phase[Line.journal_seq] = "staged"
          /\ Line.reason = "OK"
          /\ pg[P].pending > 0
          /\ phase' = [phase EXCEPT ![Line.journal_seq] = "committed"]
          /\ pg' = Settle(P)
          /\ Step
          /\ UNCHANGED <<autoPin, asm, shadow, tokens, crossing, destroyed>>

\* clawvm::validate (reject): Journal.tla Reject of a staged entry, with a
\* reason other than OK.
Reject == /\ Ev("reject")
          /\ Known("page")
          /\ Has("journal_seq") /\ Has("reason")
          /\ Line.journal_seq \in DOMAIN phase
          /\ phase[Line.journal_seq] = "staged"
          /\ Line.reason # "OK"
          /\ pg[P].pending > 0
          /\ phase' = [phase EXCEPT ![Line.journal_seq] = "rejected"]
          /\ pg' = Settle(P)
          /\ Step
          /\ UNCHANGED <<autoPin, asm, shadow, tokens, crossing, destroyed>>

\* clawvm::engine::count_fault (fault): a flush_miss reports, within a
\* boundary, the loss of a dirty page's updates (accounted for, so the
\* destroy step may proceed); other faults are observations and stutter.
Fault == /\ Ev("fault")
         /\ Has("fault")
         /\ IF Line.fault = "flush_miss"
            THEN /\ crossing # "none"
                 /\ Known("page")
                 /\ pg[P].dirty
                 /\ pg' = [pg EXCEPT ![P].dirty = FALSE, ![P].pending = 0]
            ELSE UNCHANGED pg
         /\ Step
         /\ UNCHANGED <<phase, autoPin, asm, shadow, tokens, crossing, destroyed>>

\* clawvm::engine::on_boundary (boundary): ClawVM.tla Compaction, Pruning,
\* MemoryFlush, Reset or SessionEnd (shutdown too) - the boundary opens.
BeginBoundary == /\ Ev("boundary")
                 /\ Has("boundary") /\ Line.boundary \in Boundaries
                 /\ ~asm
                 /\ crossing = "none"
                 /\ crossing' = Line.boundary
                 /\ destroyed' = FALSE
                 /\ Step
                 /\ UNCHANGED <<pg, phase, autoPin, asm, shadow, tokens>>

\* clawvm::engine::on_boundary (destroy): ClawVM.tla FinishBoundary - no
\* dirty page is destroyed unaccounted (LifecycleCompletenessInv); the
\* destroyed pages leave the context; a session-ending boundary removes the
\* session-scope pages from the page table.
FinishBoundary ==
    /\ Ev("destroy")
    /\ crossing # "none"
    /\ \A p \in DOMAIN pg : Destroys(crossing, pg[p].type) => ~pg[p].dirty
    /\ LET kept == IF EndsSession(crossing)
                   THEN {p \in DOMAIN pg : pg[p].scope # "session"}
                   ELSE DOMAIN pg
       IN  pg' = [p \in kept |-> IF Destroys(crossing, pg[p].type)
                                 THEN [pg[p] EXCEPT !.level = "none"]
                                 ELSE pg[p]]
    /\ destroyed' = TRUE
    /\ Step
    /\ UNCHANGED <<phase, autoPin, asm, shadow, tokens, crossing>>

\* clawvm::engine::on_boundary (boundary_done): the boundary closes after its
\* destroy step and its restore selection (ClawVM.tla Restore: an assembly
\* of kind restore between destroy and boundary_done).
EndBoundary == /\ Ev("boundary_done")
               /\ crossing # "none"
               /\ destroyed
               /\ ~asm
               /\ crossing' = "none"
               /\ Step
               /\ UNCHANGED <<pg, phase, autoPin, asm, shadow, tokens, destroyed>>

\* clawvm::engine::engine (resume): a new engine continues the trace (a
\* restarted sidecar); its context starts empty, the journal's phases are
\* durable.
Resume == /\ Ev("resume")
          /\ l > 1
          /\ pg' = NoFcn
          /\ autoPin' = FALSE
          /\ asm' = FALSE
          /\ shadow' = NoFcn
          /\ tokens' = 0
          /\ crossing' = "none"
          /\ destroyed' = FALSE
          /\ Step
          /\ UNCHANGED phase

\* Observations (recall, turn_end, ...): the line only stutters the model.
Observe == /\ Common
           /\ Line.event \notin Modelled
           /\ Line.turn >= turn
           /\ Step
           /\ UNCHANGED <<pg, phase, autoPin, asm, shadow, tokens, crossing, destroyed>>

\* The whole trace is matched and nothing is left open: no assembly, no
\* boundary, no staged entry undecided.  Only stutters.
Done == /\ l = Len(Log) + 1
        /\ ~asm
        /\ crossing = "none"
        /\ \A j \in DOMAIN phase : phase[j] # "staged"
        /\ UNCHANGED vars

Next == \/ SessionStart \/ Ingest \/ Edit \/ Demand \/ ToolCall
        \/ AssembleBegin \/ Install \/ Unmet \/ Select
        \/ Stage \/ Commit \/ Reject \/ Fault
        \/ BeginBoundary \/ FinishBoundary \/ EndBoundary
        \/ Resume \/ Observe \/ Done

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
\* Well-formed model state (checked on every state TLC reaches).
TypeOKInv == /\ l \in 1..(Len(Log) + 1)
             /\ \A p \in DOMAIN pg : /\ pg[p].type \in Types
                                     /\ pg[p].level \in LevelNames
                                     /\ pg[p].pending \in Nat
             /\ \A j \in DOMAIN phase : phase[j] \in {"staged", "committed", "rejected"}
             /\ crossing \in Boundaries \cup {"none"}
             /\ asm \in BOOLEAN /\ destroyed \in BOOLEAN /\ autoPin \in BOOLEAN
=============================================================================
