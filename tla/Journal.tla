------------------------------- MODULE Journal -------------------------------
(***************************************************************************)
(* The three-phase validated writeback journal.                            *)
(*                                                                         *)
(* A typed update (key, op, expected version, ...) is staged, then         *)
(* validated deterministically, then committed at a logged commit point;   *)
(* or it is rejected with a reason code and stays in the journal.          *)
(*                                                                         *)
(*     staged --Validate--> validated --Commit--> committed                *)
(*        \                    |                                           *)
(*         `--Reject--> rejected <--Reject (commit-time version re-check)  *)
(*                                                                         *)
(* Ops: append and merge extend a key's committed content;                 *)
(* set_with_version replaces it, and only when the staged expected version *)
(* equals the key's last committed version.  Every commit bumps the key's  *)
(* version.  `drops` marks an append/merge whose payload would delete      *)
(* committed content (e.g. a memory flush that rewrites a memory file):    *)
(* validation rejects it as DESTRUCTIVE_OP.  Keys in DeniedKeys are out of *)
(* the active principal's scope: SCOPE_DENIED.  A set_with_version whose   *)
(* expected version is not the key's version: STALE_VERSION.  Because      *)
(* another commit on the same key may land between Validate and Commit,    *)
(* Commit re-checks the version (compare-and-set at the commit point) and  *)
(* a validated entry that has gone stale is rejected instead.              *)
(*                                                                         *)
(* Liveness (FairSpec): the journal's own steps (Validate, Reject, Commit)  *)
(* are weakly fair, and every staged entry is eventually committed or      *)
(* rejected (EntryResolvesProp): from every non-terminal entry one of them *)
(* is always enabled, and each step moves an entry's phase forward.        *)
(***************************************************************************)
EXTENDS Naturals, Sequences

CONSTANTS
    Keys,                          \* memory keys (strings)
    DeniedKeys,                    \* keys outside the active principal's scope
    Ops,                           \* subset of AllOps used by the model
    MaxEntries,                    \* bound on staged entries (journal length)
    MaxVersion,                    \* bound on the expected version a stager may name
    CommitWithoutValidateBug,      \* TRUE: Commit accepts a staged (unvalidated) entry
    OverwriteOnVersionMismatchBug, \* TRUE: Commit skips the version re-check
    RevalidateCommittedBug,        \* TRUE: a committed entry may be re-validated and rejected
    WaitOnStaleBug                 \* TRUE: Commit waits (spins) on a stale validated entry
                                   \*       instead of rejecting it

VARIABLES
    entries,   \* Seq(Entry): the journal, in staging order
    version,   \* [Keys -> Nat]: last committed version of each key
    value,     \* [Keys -> SUBSET 1..MaxEntries]: entries whose content makes up the key
    hist       \* history: Seq of commit records, in commit order (never shrinks)

vars == <<entries, version, value, hist>>

AllOps   == {"append", "merge", "set_with_version"}
Phases   == {"staged", "validated", "committed", "rejected"}
Reasons  == {"DESTRUCTIVE_OP", "SCOPE_DENIED", "STALE_VERSION"}
NoReason == "none"

PhaseRank(ph) == CASE ph = "staged"    -> 0
                   [] ph = "validated" -> 1
                   [] ph = "committed" -> 2
                   [] ph = "rejected"  -> 2

Terminal == {"committed", "rejected"}

Entry == [key: Keys, op: AllOps, expected: 0..MaxVersion, drops: BOOLEAN,
          phase: Phases, reason: Reasons \cup {NoReason}]

CommitRecord == [idx: 1..MaxEntries, entry: Entry, before: 0..MaxEntries,
                 from: Phases]

ASSUME /\ DeniedKeys \subseteq Keys
       /\ Ops \subseteq AllOps
       /\ MaxEntries \in Nat /\ MaxVersion \in Nat

-----------------------------------------------------------------------------
\* Deterministic validation, in precedence order (clawvm::validate).
Failure(i) == LET e == entries[i] IN
              CASE e.key \in DeniedKeys -> "SCOPE_DENIED"
                [] e.drops              -> "DESTRUCTIVE_OP"
                [] e.op = "set_with_version" /\ e.expected # version[e.key]
                                        -> "STALE_VERSION"
                [] OTHER                -> NoReason

Init == /\ entries = <<>>
        /\ version = [k \in Keys |-> 0]
        /\ value = [k \in Keys |-> {}]
        /\ hist = <<>>

\* clawvm::journal::stage: append a typed update; nothing is applied.
Stage(k, op, exp, d) ==
    /\ Len(entries) < MaxEntries
    /\ entries' = Append(entries, [key |-> k, op |-> op, expected |-> exp,
                                   drops |-> d, phase |-> "staged",
                                   reason |-> NoReason])
    /\ UNCHANGED <<version, value, hist>>

\* clawvm::validate: a staged entry that passes every check.
Validate(i) == /\ entries[i].phase = "staged"
               /\ Failure(i) = NoReason
               /\ entries' = [entries EXCEPT ![i].phase = "validated"]
               /\ UNCHANGED <<version, value, hist>>

\* clawvm::validate: a staged entry that fails a check, or (called again by
\* clawvm::commit at the commit point) a validated entry whose expected
\* version has gone stale.  The entry stays in the journal with its reason.
Reject(i) == /\ \/ entries[i].phase = "staged"
                \/ entries[i].phase = "validated" /\ ~WaitOnStaleBug
                \/ RevalidateCommittedBug /\ entries[i].phase = "committed"
             /\ Failure(i) # NoReason
             /\ entries' = [entries EXCEPT ![i].phase = "rejected",
                                           ![i].reason = Failure(i)]
             /\ UNCHANGED <<version, value, hist>>

\* clawvm::commit: apply a validated entry by the deterministic merge rules.
Commit(i) ==
    LET e == entries[i]
        k == e.key
    IN  /\ \/ e.phase = "validated"
           \/ CommitWithoutValidateBug /\ e.phase = "staged"
        /\ \/ e.op # "set_with_version"
           \/ e.expected = version[k]
           \/ OverwriteOnVersionMismatchBug
        /\ entries' = [entries EXCEPT ![i].phase = "committed"]
        /\ version' = [version EXCEPT ![k] = @ + 1]
        /\ value' = [value EXCEPT ![k] = IF e.op = "set_with_version" \/ e.drops
                                         THEN {i}
                                         ELSE @ \cup {i}]
        /\ hist' = Append(hist, [idx |-> i,
                                   entry |-> [e EXCEPT !.phase = "committed"],
                                   before |-> version[k],
                                   from |-> e.phase])

\* Only with WaitOnStaleBug: clawvm::commit finds the expected version stale
\* and, instead of rejecting, waits for it (a compare-and-set retry loop) -
\* it only stutters: versions only grow, so it waits forever.
WaitStale(i) == /\ WaitOnStaleBug
                /\ entries[i].phase = "validated"
                /\ Failure(i) # NoReason
                /\ UNCHANGED vars

\* Bounded model: once the journal is full and every entry is terminal the
\* system only stutters (keeps TLC's deadlock check meaningful elsewhere).
Done == /\ Len(entries) = MaxEntries
        /\ \A i \in 1..Len(entries) : entries[i].phase \in Terminal
        /\ UNCHANGED vars

Next == \/ \E k \in Keys, op \in Ops :
              \/ /\ op = "set_with_version"
                 /\ \E v \in 0..MaxVersion : Stage(k, op, v, FALSE)
              \/ /\ op # "set_with_version"
                 /\ \E d \in BOOLEAN : Stage(k, op, 0, d)
        \/ \E i \in 1..Len(entries) : Validate(i)
        \/ \E i \in 1..Len(entries) : Reject(i)
        \/ \E i \in 1..Len(entries) : Commit(i)
        \/ \E i \in 1..Len(entries) : WaitStale(i)
        \/ Done

Spec == Init /\ [][Next]_vars

\* The journal's own steps (the engine runs them to completion within a
\* boundary, spec/engine.md EN-4); staging is the agent's and is not fair.
Progress == \E i \in 1..Len(entries) : Validate(i) \/ Reject(i) \/ Commit(i)

FairSpec == Spec /\ WF_vars(Progress)

-----------------------------------------------------------------------------
TypeOKInv == /\ Len(entries) <= MaxEntries
             /\ entries \in [1..Len(entries) -> Entry]
             /\ version \in [Keys -> 0..MaxEntries]
             /\ value \in [Keys -> SUBSET (1..MaxEntries)]
             /\ Len(hist) <= MaxEntries
             /\ hist \in [1..Len(hist) -> CommitRecord]

\* A set_with_version commit only happens when the staged expected version
\* equals the key's last committed version; committed content is never
\* overwritten by append/merge: an entry leaves its key's content only when
\* a later set_with_version on that key (which saw the latest version)
\* replaces it.
NoDestructiveCommitInv ==
    /\ \A j \in 1..Len(hist) :
           hist[j].entry.op = "set_with_version" =>
               hist[j].entry.expected = hist[j].before
    /\ \A j \in 1..Len(hist) :
           LET k == hist[j].entry.key
           IN  hist[j].idx \notin value[k] =>
                   \E j2 \in (j + 1)..Len(hist) :
                       /\ hist[j2].entry.key = k
                       /\ hist[j2].entry.op = "set_with_version"

\* No committed entry is ever lost or changed.
CommittedStableInv == \A j \in 1..Len(hist) :
                          /\ hist[j].idx \in 1..Len(entries)
                          /\ entries[hist[j].idx] = hist[j].entry

\* Only validated entries are committed.
CommitOnlyValidatedInv == \A j \in 1..Len(hist) : hist[j].from = "validated"

\* Rejections are explicit: an entry has a reason iff it is rejected.
RejectedHasReasonInv == \A i \in 1..Len(entries) :
                            (entries[i].phase = "rejected") <=> (entries[i].reason # NoReason)

\* Liveness (under FairSpec): every staged entry is eventually committed or
\* rejected - none is left pending forever.
EntryResolvesProp ==
    \A i \in 1..MaxEntries :
        (i <= Len(entries) /\ entries[i].phase = "staged")
            ~> (i <= Len(entries) /\ entries[i].phase \in Terminal)

\* Entries are never removed, phases never move backward, and a terminal
\* entry never changes.
PhaseMonotoneProp ==
    [][ /\ Len(entries') >= Len(entries)
        /\ \A i \in 1..Len(entries) :
               /\ PhaseRank(entries'[i].phase) >= PhaseRank(entries[i].phase)
               /\ entries[i].phase \in Terminal => entries'[i] = entries[i]
      ]_vars
=============================================================================
