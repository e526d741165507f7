------------------------------- MODULE ClawVM -------------------------------
(***************************************************************************)
(* The composed lifecycle: residency at representation levels + dirty      *)
(* state + a versioned writeback journal, across the lifecycle boundaries  *)
(* where a harness destroys the only copy of state.                        *)
(*                                                                         *)
(* Residency is a level per page ("none" = not in the context window):     *)
(* a page is loaded at its floor, upgraded and degraded one step along its *)
(* chain and never below its floor (FloorInv), evicted when clean and      *)
(* unpinned.  The token budget is PageResidency's seam and is not modelled *)
(* here.  The journal holds one set_with_version update per written-back   *)
(* dirty page: it names the version of the page's durable key it was       *)
(* based on (expected), and a commit is a compare-and-set on that version  *)
(* that bumps it (Journal's rule; NoDestructiveCommitInv).  What this spec *)
(* adds is the ordering at a boundary:                                     *)
(*                                                                         *)
(*   1. the boundary is signalled (Compaction, Pruning, MemoryFlush,       *)
(*      Reset, SessionEnd);                                                *)
(*   2. writeback_dirty_pages stages, validates and commits (or rejects,  *)
(*      with a reason) an update for every dirty page in the boundary's    *)
(*      writeback set;                                                    *)
(*   3. only then is the boundary's destroy set destroyed (FinishBoundary); *)
(*   4. after compaction and reset, bootstrap and constraint pages are     *)
(*      restored at their floor (Restore: the restore selection) before    *)
(*      the agent runs.                                                    *)
(*                                                                         *)
(* Destroy sets: compaction, reset and session end destroy every page's    *)
(* in-context copy; pruning destroys evidence and conversation pages;      *)
(* memory flush destroys nothing but writes back every dirty page.         *)
(*                                                                         *)
(* Liveness (FairSpec): the engine's own steps (writeback, finishing the  *)
(* boundary, the restore) are weakly fair; the agent's (Load, Upgrade,     *)
(* Degrade, Evict, Edit, the boundary signals) are not.  Every started     *)
(* boundary then finishes with its writeback complete                     *)
(* (BoundaryFinishesProp), and bootstrap and constraint pages destroyed by *)
(* a boundary come back (BootstrapRestoredProp).                           *)
(***************************************************************************)
EXTENDS Naturals, Sequences

CONSTANTS
    Pages,                          \* page ids (strings)
    TypeOf,                         \* [Pages -> PageTypes]
    DeniedPages,                    \* pages whose updates validation rejects (SCOPE_DENIED)
    MaxTurns,                       \* bound on agent edits (each may dirty a page)
    SkipWritebackOnResetBug,        \* TRUE: Reset destroys state without writing it back
    SkipRestoreAfterCompactionBug,  \* TRUE: compaction does not restore bootstrap/constraint
    RetryRejectedBug,               \* TRUE: a rejected update is retried forever instead of
                                    \*       being recorded as rejected
    RestoreBelowFloorBug,           \* TRUE: the restore selection brings pinned pages back
                                    \*       at "pointer", below their floor
    CommitKeepsVersionBug           \* TRUE: a commit does not bump the key's version

VARIABLES
    level,     \* [Pages -> LevelSet]: the representation in the context window
               \*   ("none": not resident)
    dirty,     \* [Pages -> BOOLEAN]: holds an update not yet written back
    version,   \* [Pages -> Nat]: last committed version of the page's durable key
    journal,   \* Seq([page, expected, phase, reason]): writeback journal
    pending,   \* "none", the boundary being processed, or "restore" (its restore selection)
    ended,     \* the session has ended
    turn,      \* number of agent edits so far
    lost       \* history: pages whose dirty state was destroyed unwritten

vars == <<level, dirty, version, journal, pending, ended, turn, lost>>

PageTypes  == {"bootstrap", "constraint", "plan", "preference", "evidence",
               "conversation"}
Boundaries == {"compaction", "pruning", "memory_flush", "reset", "session_end"}
Phases     == {"staged", "validated", "committed", "rejected"}
Reasons    == {"SCOPE_DENIED", "STALE_VERSION"}
NoReason   == "none"
Terminal   == {"committed", "rejected"}

\* Levels, floors and chains as in PageResidency.tla (and the library's page
\* traits: tla/explorer/static_checks.cpp reads Floor and Chain from this
\* text too).
LevelSet == {"none", "pointer", "structured", "compressed", "full"}

Rank(l) == CASE l = "none"       -> 0
             [] l = "pointer"    -> 1
             [] l = "structured" -> 2
             [] l = "compressed" -> 3
             [] l = "full"       -> 4

Floor(t) == IF t \in {"bootstrap", "constraint"} THEN "structured" ELSE "pointer"

\* Degradation chains, highest fidelity first.
Chain(t) == CASE t \in {"bootstrap", "constraint"} -> <<"full", "structured">>
              [] t = "plan"                        -> <<"full", "structured", "pointer">>
              [] OTHER                             -> <<"full", "compressed", "structured", "pointer">>

ChainLevels(t) == {Chain(t)[i] : i \in 1..Len(Chain(t))}
MinOf(S) == CHOOSE l \in S : \A m \in S : Rank(l) <= Rank(m)
MaxOf(S) == CHOOSE l \in S : \A m \in S : Rank(m) <= Rank(l)
Up(t, l) == MinOf({c \in ChainLevels(t) : Rank(c) > Rank(l)})
Below(t, l) == {c \in ChainLevels(t) : Rank(c) < Rank(l)}

PageFloor(p) == Floor(TypeOf[p])
Resident(p) == level[p] # "none"

\* Bootstrap and constraint pages are hard-pinned by default. Pinned and
\* DestroySet equal the library's page traits and boundary semantics (the one
\* C++ model, include/clawvm/model/): tla/explorer/static_checks.cpp reads them
\* from this text and proves it at compile time.
Pinned(p) == TypeOf[p] \in {"bootstrap", "constraint"}

DestroySet(b) ==
    CASE b \in {"compaction", "reset", "session_end"} -> Pages
      [] b = "pruning" -> {p \in Pages : TypeOf[p] \in {"evidence", "conversation"}}
      [] OTHER -> {}    \* memory_flush (and "none", never asked)

WritebackSet(b) == IF b = "memory_flush" THEN Pages ELSE DestroySet(b)

\* Boundaries after which the engine restores bootstrap and constraint pages
\* (the ones whose destroy set contains them, except session end: the
\* session is over).
RestoresAfter(b) == /\ b \in {"compaction", "reset"}
                    /\ ~(SkipRestoreAfterCompactionBug /\ b = "compaction")

Open(p) == \E i \in 1..Len(journal) :
               /\ journal[i].page = p
               /\ journal[i].phase \in {"staged", "validated"}

ASSUME /\ \A p \in Pages : TypeOf[p] \in PageTypes
       /\ \A t \in PageTypes : Floor(t) = MinOf(ChainLevels(t))
       /\ DeniedPages \subseteq Pages
       /\ MaxTurns \in Nat

-----------------------------------------------------------------------------
Init == /\ level = [p \in Pages |-> IF Pinned(p) THEN PageFloor(p) ELSE "none"]
        /\ dirty = [p \in Pages |-> FALSE]
        /\ version = [p \in Pages |-> 0]
        /\ journal = <<>>
        /\ pending = "none"
        /\ ended = FALSE
        /\ turn = 0
        /\ lost = {}

Running == pending = "none" /\ ~ended

\* clawvm::engine::on_demand: a page is paged back into the context, at its
\* floor (the cheapest representation; Upgrade raises it).
Load(p) == /\ Running
           /\ ~Resident(p)
           /\ level' = [level EXCEPT ![p] = PageFloor(p)]
           /\ UNCHANGED <<dirty, version, journal, pending, ended, turn, lost>>

\* clawvm::select_representations: a resident page moves one step up its
\* chain (a demand asked for more fidelity).
Upgrade(p) == /\ Running
              /\ Resident(p)
              /\ level[p] # "full"
              /\ level' = [level EXCEPT ![p] = Up(TypeOf[p], level[p])]
              /\ UNCHANGED <<dirty, version, journal, pending, ended, turn, lost>>

\* clawvm::select_representations: a resident page moves one step down its
\* chain, never below its floor (the floor is the chain's lowest level).
Degrade(p) == /\ Running
              /\ Resident(p)
              /\ Below(TypeOf[p], level[p]) # {}
              /\ level' = [level EXCEPT ![p] = MaxOf(Below(TypeOf[p], level[p]))]
              /\ UNCHANGED <<dirty, version, journal, pending, ended, turn, lost>>

\* clawvm::select_representations: a clean, unpinned page is evicted (a
\* dirty page is never evicted: its only copy is the context).
Evict(p) == /\ Running
            /\ Resident(p)
            /\ ~dirty[p]
            /\ ~Pinned(p)
            /\ level' = [level EXCEPT ![p] = "none"]
            /\ UNCHANGED <<dirty, version, journal, pending, ended, turn, lost>>

\* clawvm::page_table::mark_dirty: an agent turn updates a resident page
\* (plan status, a preference, a rule); the update lives only in context.
Edit(p) == /\ Running
           /\ Resident(p)
           /\ turn < MaxTurns
           /\ dirty' = [dirty EXCEPT ![p] = TRUE]
           /\ turn' = turn + 1
           /\ UNCHANGED <<level, version, journal, pending, ended, lost>>

\* A lifecycle boundary is signalled; the engine starts processing it.
Begin(b) == /\ Running
            /\ pending' = b
            /\ UNCHANGED <<level, dirty, version, journal, ended, turn, lost>>

Compaction  == Begin("compaction")    \* clawvm::engine::on_compaction
Pruning     == Begin("pruning")       \* clawvm::engine::on_pruning
MemoryFlush == Begin("memory_flush")  \* clawvm::engine::on_memory_flush
Reset       == Begin("reset")         \* clawvm::engine::on_reset
SessionEnd  == Begin("session_end")   \* clawvm::engine::on_session_end

\* clawvm::engine::writeback_dirty_pages -> clawvm::journal::stage: a
\* set_with_version of the page's key, based on its current version.
WritebackStage(p) ==
    /\ pending \in Boundaries
    /\ p \in WritebackSet(pending)
    /\ dirty[p]
    /\ ~Open(p)
    /\ journal' = Append(journal, [page |-> p, expected |-> version[p],
                                   phase |-> "staged", reason |-> NoReason])
    /\ UNCHANGED <<level, dirty, version, pending, ended, turn, lost>>

\* Journal.tla's Failure(i), for the composed spec's updates (no append or
\* merge, so nothing is dropped): scope first, then the version.
Failure(i) == LET e == journal[i] IN
              CASE e.page \in DeniedPages        -> "SCOPE_DENIED"
                [] e.expected # version[e.page] -> "STALE_VERSION"
                [] OTHER                        -> NoReason

\* clawvm::engine::writeback_dirty_pages -> clawvm::validate (passes)
WritebackValidate(i) ==
    /\ journal[i].phase = "staged"
    /\ Failure(i) = NoReason
    /\ journal' = [journal EXCEPT ![i].phase = "validated"]
    /\ UNCHANGED <<level, dirty, version, pending, ended, turn, lost>>

\* clawvm::engine::writeback_dirty_pages -> clawvm::validate (rejects), or
\* clawvm::commit's version re-check: the update is refused with a reason
\* and recorded; the page is no longer dirty (the update is accounted for,
\* explicitly).  With RetryRejectedBug the refusal is taken for a transient
\* error and the same update is tried again: the step only stutters and the
\* entry stays staged.
WritebackReject(i) ==
    /\ \/ journal[i].phase = "staged"
       \/ journal[i].phase = "validated" /\ Failure(i) = "STALE_VERSION"
    /\ Failure(i) # NoReason
    /\ IF RetryRejectedBug
       THEN UNCHANGED vars
       ELSE /\ journal' = [journal EXCEPT ![i].phase = "rejected",
                                          ![i].reason = Failure(i)]
            /\ dirty' = [dirty EXCEPT ![journal[i].page] = FALSE]
            /\ UNCHANGED <<level, version, pending, ended, turn, lost>>

\* clawvm::engine::writeback_dirty_pages -> clawvm::commit: compare-and-set
\* on the key's version, which the commit bumps (CommitKeepsVersionBug: it
\* does not, so a later update of the page is based on a version that
\* already has a commit, and its commit overwrites that one unseen).
WritebackCommit(i) ==
    LET p == journal[i].page IN
    /\ journal[i].phase = "validated"
    /\ journal[i].expected = version[p]
    /\ journal' = [journal EXCEPT ![i].phase = "committed"]
    /\ version' = IF CommitKeepsVersionBug THEN version
                  ELSE [version EXCEPT ![p] = @ + 1]
    /\ dirty' = [dirty EXCEPT ![p] = FALSE]
    /\ UNCHANGED <<level, pending, ended, turn, lost>>

WritebackDone(b) == \A p \in WritebackSet(b) : ~dirty[p]

\* The destructive part of clawvm::engine::on_compaction / on_pruning /
\* on_memory_flush / on_reset / on_session_end, after writeback: destroy
\* the boundary's destroy set; the restore selection follows (Restore).
FinishBoundary ==
    /\ pending \in Boundaries
    /\ \/ WritebackDone(pending)
       \/ SkipWritebackOnResetBug /\ pending = "reset"
    /\ lost' = lost \cup {p \in DestroySet(pending) : dirty[p]}
    /\ dirty' = [p \in Pages |-> IF p \in DestroySet(pending) THEN FALSE
                                 ELSE dirty[p]]
    /\ level' = [p \in Pages |-> IF p \in DestroySet(pending) THEN "none"
                                 ELSE level[p]]
    /\ ended' = (pending = "session_end")
    /\ pending' = IF RestoresAfter(pending) THEN "restore" ELSE "none"
    /\ UNCHANGED <<version, journal, turn>>

\* clawvm::engine::run_selection (the restore selection after a boundary,
\* EN-7): bootstrap and constraint pages are resident again, at their floor,
\* before the agent's next turn.
Restore == /\ pending = "restore"
           /\ level' = [p \in Pages |->
                           IF Pinned(p) /\ ~Resident(p)
                           THEN IF RestoreBelowFloorBug THEN "pointer" ELSE PageFloor(p)
                           ELSE level[p]]
           /\ pending' = "none"
           /\ UNCHANGED <<dirty, version, journal, ended, turn, lost>>

\* After the session ends the system only stutters.
Terminated == /\ ended
              /\ UNCHANGED vars

Next == \/ \E p \in Pages : Load(p) \/ Upgrade(p) \/ Degrade(p) \/ Evict(p) \/ Edit(p)
        \/ Compaction \/ Pruning \/ MemoryFlush \/ Reset \/ SessionEnd
        \/ \E p \in Pages : WritebackStage(p)
        \/ \E i \in 1..Len(journal) :
               WritebackValidate(i) \/ WritebackReject(i) \/ WritebackCommit(i)
        \/ FinishBoundary
        \/ Restore
        \/ Terminated

Spec == Init /\ [][Next]_vars

\* The engine's own steps: once a boundary is signalled it runs them to the
\* end (spec/engine.md EN-4, EN-5, EN-7).  The agent's steps are not fair.
EngineStep == \/ \E p \in Pages : WritebackStage(p)
              \/ \E i \in 1..Len(journal) :
                     WritebackValidate(i) \/ WritebackReject(i) \/ WritebackCommit(i)
              \/ FinishBoundary
              \/ Restore

FairSpec == Spec /\ WF_vars(EngineStep)

-----------------------------------------------------------------------------
JournalEntry == [page: Pages, expected: 0..MaxTurns, phase: Phases,
                 reason: Reasons \cup {NoReason}]

TypeOKInv == /\ level \in [Pages -> LevelSet]
             /\ dirty \in [Pages -> BOOLEAN]
             /\ version \in [Pages -> 0..MaxTurns]
             /\ Len(journal) <= MaxTurns
             /\ journal \in [1..Len(journal) -> JournalEntry]
             /\ pending \in Boundaries \cup {"none", "restore"}
             /\ ended \in BOOLEAN
             /\ turn \in 0..MaxTurns
             /\ lost \subseteq Pages

\* Every resident page sits on its chain at or above its floor (as in
\* PageResidency.tla).
FloorInv == \A p \in Pages :
                Resident(p) => /\ level[p] \in ChainLevels(TypeOf[p])
                               /\ Rank(level[p]) >= Rank(PageFloor(p))

\* No dirty page is destroyed without its update committed or explicitly
\* rejected with a reason (flush-miss is impossible).
LifecycleCompletenessInv == lost = {}

\* Outside a boundary, bootstrap and constraint pages are resident
\* (post-compaction-bootstrap is impossible).
PostCompactionBootstrapInv == Running => \A p \in Pages : Pinned(p) => Resident(p)

\* Journal.tla's NoDestructiveCommitInv, for versioned keys: every commit on
\* a page's key was based on the version before it, so the committed
\* entries of a page carry the expected versions 0, 1, ... in journal order
\* (no commit overwrites one it did not see) and the key's version counts
\* them.
Commits(p) == SelectSeq(journal, LAMBDA e : e.page = p /\ e.phase = "committed")
NoDestructiveCommitInv ==
    \A p \in Pages : /\ Len(Commits(p)) = version[p]
                     /\ \A k \in 1..Len(Commits(p)) : Commits(p)[k].expected = k - 1

\* Liveness (under FairSpec): every started boundary finishes, after its
\* writeback has committed or rejected every update it staged.
BoundaryFinishesProp ==
    (pending \in Boundaries)
        ~> (/\ pending \notin Boundaries
            /\ \A i \in 1..Len(journal) : journal[i].phase \in Terminal)

\* Liveness (under FairSpec): after a boundary destroyed bootstrap or
\* constraint pages (compaction, reset), they are eventually resident again
\* (unless the session has ended).
BootstrapRestoredProp ==
    (~ended /\ \E p \in Pages : Pinned(p) /\ ~Resident(p))
        ~> (ended \/ \A p \in Pages : Pinned(p) => Resident(p))

\* Outside a boundary the journal is quiescent: every entry is committed or
\* rejected, and a rejected entry carries its reason.
JournalQuiescentInv ==
    /\ pending = "none" => \A i \in 1..Len(journal) : journal[i].phase \in Terminal
    /\ \A i \in 1..Len(journal) :
           (journal[i].phase = "rejected") <=> (journal[i].reason # NoReason)
=============================================================================
