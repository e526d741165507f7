------------------------------- MODULE ClawVM -------------------------------
(***************************************************************************)
(* The composed lifecycle: residency + dirty state + writeback journal     *)
(* across the lifecycle boundaries where a harness destroys the only copy  *)
(* of state.                                                               *)
(*                                                                         *)
(* Residency is abstracted to a boolean (resident at >= floor or not; the  *)
(* levels are PageResidency's seam) and the journal to one entry per       *)
(* dirty page (append on the page's key, so versions never conflict; the  *)
(* version and non-destructive rules are Journal's seam).  What this spec  *)
(* adds is the ordering at a boundary:                                     *)
(*                                                                         *)
(*   1. the boundary is signalled (Compaction, Pruning, MemoryFlush,       *)
(*      Reset, SessionEnd);                                                *)
(*   2. write_back_dirty_pages stages, validates and commits (or rejects,  *)
(*      with a reason) an update for every dirty page in the boundary's    *)
(*      write-back set;                                                    *)
(*   3. only then is the boundary's destroy set destroyed (FinishBoundary); *)
(*   4. after compaction and reset, bootstrap and constraint pages are     *)
(*      restored (Restore: the restore selection) before the agent runs.   *)
(*                                                                         *)
(* Destroy sets: compaction, reset and session end destroy every page's    *)
(* in-context copy; pruning destroys evidence and conversation pages;      *)
(* memory flush destroys nothing but writes back every dirty page.         *)
(*                                                                         *)
(* Liveness (FairSpec): the engine's own steps (write-back, finishing the  *)
(* boundary, the restore) are weakly fair; the agent's (Load, Evict, Edit, *)
(* the boundary signals) are not.  Every started boundary then finishes    *)
(* with its write-back complete (BoundaryFinishesProp), and bootstrap and  *)
(* constraint pages destroyed by a boundary come back                      *)
(* (BootstrapRestoredProp).                                                *)
(***************************************************************************)
EXTENDS Naturals, Sequences

CONSTANTS
    Pages,                          \* page ids (strings)
    TypeOf,                         \* [Pages -> PageTypes]
    DeniedPages,                    \* pages whose updates validation rejects (SCOPE_DENIED)
    MaxTurns,                       \* bound on agent edits (each may dirty a page)
    SkipWritebackOnResetBug,        \* TRUE: Reset destroys state without writing it back
    SkipRestoreAfterCompactionBug,  \* TRUE: compaction does not restore bootstrap/constraint
    RetryRejectedBug                \* TRUE: a rejected update is retried forever instead of
                                    \*       being recorded as rejected

VARIABLES
    resident,  \* [Pages -> BOOLEAN]: in the context window (at >= floor)
    dirty,     \* [Pages -> BOOLEAN]: holds an update not yet written back
    journal,   \* Seq([page, phase, reason]): writeback journal
    pending,   \* "none", the boundary being processed, or "restore" (its restore selection)
    ended,     \* the session has ended
    turn,      \* number of agent edits so far
    lost       \* history: pages whose dirty state was destroyed unwritten

vars == <<resident, dirty, journal, pending, ended, turn, lost>>

PageTypes  == {"bootstrap", "constraint", "plan", "preference", "evidence",
               "conversation"}
Boundaries == {"compaction", "pruning", "memory_flush", "reset", "session_end"}
Phases     == {"staged", "validated", "committed", "rejected"}
Reasons    == {"SCOPE_DENIED"}
NoReason   == "none"
Terminal   == {"committed", "rejected"}

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
       /\ DeniedPages \subseteq Pages
       /\ MaxTurns \in Nat

-----------------------------------------------------------------------------
Init == /\ resident = [p \in Pages |-> Pinned(p)]
        /\ dirty = [p \in Pages |-> FALSE]
        /\ journal = <<>>
        /\ pending = "none"
        /\ ended = FALSE
        /\ turn = 0
        /\ lost = {}

Running == pending = "none" /\ ~ended

\* clawvm::engine::on_demand: a page is paged back into the context.
Load(p) == /\ Running
           /\ ~resident[p]
           /\ resident' = [resident EXCEPT ![p] = TRUE]
           /\ UNCHANGED <<dirty, journal, pending, ended, turn, lost>>

\* clawvm::select_representations: a clean, unpinned page is evicted (a
\* dirty page is never evicted: its only copy is the context).
Evict(p) == /\ Running
            /\ resident[p]
            /\ ~dirty[p]
            /\ ~Pinned(p)
            /\ resident' = [resident EXCEPT ![p] = FALSE]
            /\ UNCHANGED <<dirty, journal, pending, ended, turn, lost>>

\* clawvm::page_table::mark_dirty: an agent turn updates a resident page
\* (plan status, a preference, a rule); the update lives only in context.
Edit(p) == /\ Running
           /\ resident[p]
           /\ turn < MaxTurns
           /\ dirty' = [dirty EXCEPT ![p] = TRUE]
           /\ turn' = turn + 1
           /\ UNCHANGED <<resident, journal, pending, ended, lost>>

\* A lifecycle boundary is signalled; the engine starts processing it.
Begin(b) == /\ Running
            /\ pending' = b
            /\ UNCHANGED <<resident, dirty, journal, ended, turn, lost>>

Compaction  == Begin("compaction")    \* clawvm::engine::on_compaction
Pruning     == Begin("pruning")       \* clawvm::engine::on_pruning
MemoryFlush == Begin("memory_flush")  \* clawvm::engine::on_memory_flush
Reset       == Begin("reset")         \* clawvm::engine::on_reset
SessionEnd  == Begin("session_end")   \* clawvm::engine::on_session_end

\* clawvm::engine::write_back_dirty_pages -> clawvm::journal::stage
WriteBackStage(p) ==
    /\ pending \in Boundaries
    /\ p \in WritebackSet(pending)
    /\ dirty[p]
    /\ ~Open(p)
    /\ journal' = Append(journal, [page |-> p, phase |-> "staged",
                                   reason |-> NoReason])
    /\ UNCHANGED <<resident, dirty, pending, ended, turn, lost>>

\* clawvm::engine::write_back_dirty_pages -> clawvm::validate (passes)
WriteBackValidate(i) ==
    /\ journal[i].phase = "staged"
    /\ journal[i].page \notin DeniedPages
    /\ journal' = [journal EXCEPT ![i].phase = "validated"]
    /\ UNCHANGED <<resident, dirty, pending, ended, turn, lost>>

\* clawvm::engine::write_back_dirty_pages -> clawvm::validate (rejects):
\* the update is refused with a reason and recorded; the page is no longer
\* dirty (the update is accounted for, explicitly).  With RetryRejectedBug
\* the refusal is taken for a transient error and the same update is tried
\* again: the step only stutters and the entry stays staged.
WriteBackReject(i) ==
    /\ journal[i].phase = "staged"
    /\ journal[i].page \in DeniedPages
    /\ IF RetryRejectedBug
       THEN UNCHANGED vars
       ELSE /\ journal' = [journal EXCEPT ![i].phase = "rejected",
                                          ![i].reason = "SCOPE_DENIED"]
            /\ dirty' = [dirty EXCEPT ![journal[i].page] = FALSE]
            /\ UNCHANGED <<resident, pending, ended, turn, lost>>

\* clawvm::engine::write_back_dirty_pages -> clawvm::commit
WriteBackCommit(i) ==
    /\ journal[i].phase = "validated"
    /\ journal' = [journal EXCEPT ![i].phase = "committed"]
    /\ dirty' = [dirty EXCEPT ![journal[i].page] = FALSE]
    /\ UNCHANGED <<resident, pending, ended, turn, lost>>

WritebackDone(b) == \A p \in WritebackSet(b) : ~dirty[p]

\* The destructive part of clawvm::engine::on_compaction / on_pruning /
\* on_memory_flush / on_reset / on_session_end, after write-back: destroy
\* the boundary's destroy set; the restore selection follows (Restore).
FinishBoundary ==
    /\ pending \in Boundaries
    /\ \/ WritebackDone(pending)
       \/ SkipWritebackOnResetBug /\ pending = "reset"
    /\ lost' = lost \cup {p \in DestroySet(pending) : dirty[p]}
    /\ dirty' = [p \in Pages |-> IF p \in DestroySet(pending) THEN FALSE
                                 ELSE dirty[p]]
    /\ resident' = [p \in Pages |-> IF p \in DestroySet(pending) THEN FALSE
                                    ELSE resident[p]]
    /\ ended' = (pending = "session_end")
    /\ pending' = IF RestoresAfter(pending) THEN "restore" ELSE "none"
    /\ UNCHANGED <<journal, turn>>

\* clawvm::engine::run_selection (the restore selection after a boundary,
\* EN-7): bootstrap and constraint pages are resident again before the
\* agent's next turn.
Restore == /\ pending = "restore"
           /\ resident' = [p \in Pages |-> resident[p] \/ Pinned(p)]
           /\ pending' = "none"
           /\ UNCHANGED <<dirty, journal, ended, turn, lost>>

\* After the session ends the system only stutters.
Terminated == /\ ended
              /\ UNCHANGED vars

Next == \/ \E p \in Pages : Load(p) \/ Evict(p) \/ Edit(p)
        \/ Compaction \/ Pruning \/ MemoryFlush \/ Reset \/ SessionEnd
        \/ \E p \in Pages : WriteBackStage(p)
        \/ \E i \in 1..Len(journal) :
               WriteBackValidate(i) \/ WriteBackReject(i) \/ WriteBackCommit(i)
        \/ FinishBoundary
        \/ Restore
        \/ Terminated

Spec == Init /\ [][Next]_vars

\* The engine's own steps: once a boundary is signalled it runs them to the
\* end (spec/engine.md EN-4, EN-5, EN-7).  The agent's steps are not fair.
EngineStep == \/ \E p \in Pages : WriteBackStage(p)
              \/ \E i \in 1..Len(journal) :
                     WriteBackValidate(i) \/ WriteBackReject(i) \/ WriteBackCommit(i)
              \/ FinishBoundary
              \/ Restore

FairSpec == Spec /\ WF_vars(EngineStep)

-----------------------------------------------------------------------------
JournalEntry == [page: Pages, phase: Phases, reason: Reasons \cup {NoReason}]

TypeOKInv == /\ resident \in [Pages -> BOOLEAN]
             /\ dirty \in [Pages -> BOOLEAN]
             /\ Len(journal) <= MaxTurns
             /\ journal \in [1..Len(journal) -> JournalEntry]
             /\ pending \in Boundaries \cup {"none", "restore"}
             /\ ended \in BOOLEAN
             /\ turn \in 0..MaxTurns
             /\ lost \subseteq Pages

\* No dirty page is destroyed without its update committed or explicitly
\* rejected with a reason (flush-miss is impossible).
LifecycleCompletenessInv == lost = {}

\* Outside a boundary, bootstrap and constraint pages are resident
\* (post-compaction-bootstrap is impossible).
PostCompactionBootstrapInv == Running => \A p \in Pages : Pinned(p) => resident[p]

\* Liveness (under FairSpec): every started boundary finishes, after its
\* write-back has committed or rejected every update it staged.
BoundaryFinishesProp ==
    (pending \in Boundaries)
        ~> (/\ pending \notin Boundaries
            /\ \A i \in 1..Len(journal) : journal[i].phase \in Terminal)

\* Liveness (under FairSpec): after a boundary destroyed bootstrap or
\* constraint pages (compaction, reset), they are eventually resident again
\* (unless the session has ended).
BootstrapRestoredProp ==
    (~ended /\ \E p \in Pages : Pinned(p) /\ ~resident[p])
        ~> (ended \/ \A p \in Pages : Pinned(p) => resident[p])

\* Outside a boundary the journal is quiescent: every entry is committed or
\* rejected, and a rejected entry carries its reason.
JournalQuiescentInv ==
    /\ pending = "none" => \A i \in 1..Len(journal) : journal[i].phase \in Terminal
    /\ \A i \in 1..Len(journal) :
           (journal[i].phase = "rejected") <=> (journal[i].reason # NoReason)
=============================================================================
