------------------------------ MODULE Lifecycle ------------------------------
(***************************************************************************)
(* The harness lifecycle protocol: how a harness interleaves the agent's   *)
(* turns with the events that destroy context, and what is durable when.   *)
(*                                                                         *)
(* A turn adds tokens to the context (SmallJump or BigJump) and may learn  *)
(* a fact (an edit: a dirty update that lives only in the context) or call *)
(* a tool whose result arrives later and must be remembered too.  After    *)
(* each turn the harness looks at the token count:                         *)
(*   - at or above FlushAt: a memory flush (write the dirty facts to the   *)
(*     durable store);                                                     *)
(*   - at or above CompactAt: flush, then compaction (the context is       *)
(*     destroyed and summarised), then the restore of bootstrap;           *)
(*   - above Window (one turn jumped past CompactAt and overflowed the     *)
(*     window): the next model call fails and the harness compacts         *)
(*     reactively - the same flush-then-compact, on the recovery path.     *)
(* One turn may cross FlushAt and CompactAt at once (the threshold-jump    *)
(* race): the flush must still run first.  The user may reset the session  *)
(* (a new session: flush, rotate, restore).  A tool result that arrives    *)
(* while the harness is in such a boundary is held until it is over.  The  *)
(* process may be killed at any point (bounded by MaxCrashes); it recovers *)
(* from the durable store and restores bootstrap.                          *)
(*                                                                         *)
(* A flush is asynchronous: staging it (FlushStage) takes the dirty facts  *)
(* out of the context into an in-flight write, which commits later         *)
(* (FlushCommit: one store transaction, durable when it returns).  Every   *)
(* destroying step (compaction, rotation) waits for the in-flight write.   *)
(* A crash loses the context and an in-flight write - that is what a crash *)
(* is - but never a committed fact.                                        *)
(*                                                                         *)
(* The field's failures are the bug constants: a flush skipped on the      *)
(* overflow path, a flush skipped when one turn crosses both thresholds, a *)
(* flush on reset fired and forgotten, a flush that overwrites memory, a   *)
(* write acknowledged before it is durable, a tool result delivered into   *)
(* a context that is about to be destroyed, and a recovery that does not   *)
(* restore bootstrap.                                                      *)
(***************************************************************************)
EXTENDS Naturals, Sequences

CONSTANTS
    Window,                      \* tokens the context window holds
    FlushAt,                     \* soft threshold: memory flush
    CompactAt,                   \* hard threshold: flush, then compaction
    SmallJump,                   \* tokens one turn may add ...
    BigJump,                     \* ... or these (may cross both thresholds at once)
    MaxTurns,                    \* bound on turns; the fact learnt at turn t is t
    MaxCrashes,                  \* bound on process kills
    MaxResets,                   \* bound on user resets (new sessions)
    SkipFlushOnOverflowBug,      \* TRUE: reactive compaction on overflow skips the flush
    JumpSkipsFlushBug,           \* TRUE: a turn crossing both thresholds compacts without flushing
    FireAndForgetResetFlushBug,  \* TRUE: reset rotates without awaiting its flush
    OverwriteFlushBug,           \* TRUE: a flush replaces the memory instead of merging into it
    AckBeforeDurableBug,         \* TRUE: a flush is acknowledged before it is on disk
    DeliverDuringBoundaryBug,    \* TRUE: a tool result is put into a context being destroyed
    NoBootstrapOnRecoveryBug     \* TRUE: recovery after a crash does not restore bootstrap

VARIABLES
    tokens,     \* tokens in the context
    plan,       \* Seq of harness steps still to run: "flush", "compact", "reset", "restore", "recover"
    dirty,      \* facts only in the context (learnt, not yet staged)
    inflight,   \* facts of the staged, not yet committed flush
    cache,      \* facts acknowledged but not yet on disk (only with AckBeforeDurableBug)
    store,      \* facts in the durable store
    committed,  \* history: every fact the harness was told is committed
    lost,       \* history: facts destroyed by the harness before they were committed
    boot,       \* bootstrap is resident in the context
    turn,       \* turns so far
    tool,       \* 0, or the fact an outstanding tool call will return
    crashes,    \* process kills so far
    resets      \* user resets so far

vars == <<tokens, plan, dirty, inflight, cache, store, committed, lost, boot, turn,
          tool, crashes, resets>>

Facts == 1..MaxTurns
Steps == {"flush", "compact", "reset", "restore", "recover"}
Acts  == {"talk", "edit", "tool"}

ASSUME /\ FlushAt < CompactAt /\ CompactAt <= Window
       /\ SmallJump \in Nat /\ BigJump \in Nat /\ 0 < SmallJump /\ SmallJump < BigJump
       /\ \A n \in {Window, FlushAt, CompactAt, MaxTurns, MaxCrashes, MaxResets} : n \in Nat

-----------------------------------------------------------------------------
Init == /\ tokens = 0
        /\ plan = <<>>
        /\ dirty = {}
        /\ inflight = {}
        /\ cache = {}
        /\ store = {}
        /\ committed = {}
        /\ lost = {}
        /\ boot = TRUE
        /\ turn = 0
        /\ tool = 0
        /\ crashes = 0
        /\ resets = 0

\* The agent runs only when the harness has nothing left to do.
Idle == plan = <<>>
Next1(s) == plan # <<>> /\ Head(plan) = s

\* What the harness runs after a turn took the context from t0 to t1 tokens.
AfterTurn(t0, t1) ==
    IF t1 > Window
    THEN IF SkipFlushOnOverflowBug THEN <<"compact">> ELSE <<"flush", "compact">>
    ELSE IF t1 >= CompactAt
    THEN IF JumpSkipsFlushBug /\ t0 < FlushAt THEN <<"compact">> ELSE <<"flush", "compact">>
    ELSE IF t1 >= FlushAt
    THEN <<"flush">>
    ELSE <<>>

\* clawvm::engine::on_post_model ends a turn; its edit goes through
\* clawvm::engine::on_update, its tool call through clawvm::engine::on_tool_call.
Turn(j, act) ==
    /\ Idle
    /\ turn < MaxTurns
    /\ act = "tool" => tool = 0
    /\ tokens' = tokens + j
    /\ turn' = turn + 1
    /\ dirty' = IF act = "edit" THEN dirty \cup {turn + 1} ELSE dirty
    /\ tool' = IF act = "tool" THEN turn + 1 ELSE tool
    /\ plan' = AfterTurn(tokens, tokens + j)
    /\ UNCHANGED <<inflight, cache, store, committed, lost, boot, crashes, resets>>

\* clawvm::engine::on_tool_call: the tool's result arrives and enters the
\* context as a fact to remember.  While a boundary runs it is held (the
\* harness serialises it after the boundary), except with the bug.
ToolResult == /\ tool # 0
              /\ Idle \/ DeliverDuringBoundaryBug
              /\ dirty' = dirty \cup {tool}
              /\ tool' = 0
              /\ UNCHANGED <<tokens, plan, inflight, cache, store, committed, lost, boot,
                             turn, crashes, resets>>

\* clawvm::engine::on_reset: the user starts a new session.
Reset == /\ Idle
         /\ resets < MaxResets
         /\ resets' = resets + 1
         /\ plan' = <<"flush", "reset">>
         /\ UNCHANGED <<tokens, dirty, inflight, cache, store, committed, lost, boot, turn,
                        tool, crashes>>

\* clawvm::engine::writeback_dirty_pages -> clawvm::journal::stage: the
\* dirty facts leave the context for an in-flight write (one at a time).
FlushStage == /\ Next1("flush")
              /\ inflight = {}
              /\ inflight' = dirty
              /\ dirty' = {}
              /\ plan' = Tail(plan)
              /\ UNCHANGED <<tokens, cache, store, committed, lost, boot, turn, tool,
                             crashes, resets>>

\* clawvm::sqlite_store::append: the in-flight write commits in one
\* transaction and is durable when it returns; then it is acknowledged.
FlushCommit ==
    /\ inflight # {}
    /\ committed' = committed \cup inflight
    /\ IF AckBeforeDurableBug
       THEN /\ cache' = cache \cup inflight
            /\ UNCHANGED store
       ELSE /\ store' = IF OverwriteFlushBug THEN inflight ELSE store \cup inflight
            /\ UNCHANGED cache
    /\ inflight' = {}
    /\ UNCHANGED <<tokens, plan, dirty, lost, boot, turn, tool, crashes, resets>>

\* Only with AckBeforeDurableBug: an acknowledged write reaches the disk
\* later (what clawvm::sqlite_store::append does before it returns).
Sync == /\ cache # {}
        /\ store' = store \cup cache
        /\ cache' = {}
        /\ UNCHANGED <<tokens, plan, dirty, inflight, committed, lost, boot, turn, tool,
                       crashes, resets>>

\* clawvm::engine::on_compaction (proactive, or reactive after an overflow):
\* once the flush has committed, the context is destroyed and summarised.
Compact == /\ Next1("compact")
           /\ inflight = {}
           /\ lost' = lost \cup dirty
           /\ dirty' = {}
           /\ tokens' = 0
           /\ boot' = FALSE
           /\ plan' = <<"restore">> \o Tail(plan)
           /\ UNCHANGED <<inflight, cache, store, committed, turn, tool, crashes, resets>>

\* clawvm::engine::on_reset, then clawvm::engine::on_session_start: once the
\* flush has committed, the old session is destroyed and a new one starts.
\* With the bug the rotation does not wait: the old session's in-flight
\* write is cancelled with it.
Rotate == /\ Next1("reset")
          /\ inflight = {} \/ FireAndForgetResetFlushBug
          /\ lost' = lost \cup dirty \cup inflight
          /\ dirty' = {}
          /\ inflight' = {}
          /\ tokens' = 0
          /\ boot' = FALSE
          /\ plan' = <<"restore">>
          /\ UNCHANGED <<cache, store, committed, turn, tool, crashes, resets>>

\* clawvm::engine::run_selection (the restore selection, EN-7): bootstrap
\* is resident again before the agent's next turn.
Restore == /\ Next1("restore")
           /\ boot' = TRUE
           /\ plan' = Tail(plan)
           /\ UNCHANGED <<tokens, dirty, inflight, cache, store, committed, lost, turn, tool,
                          crashes, resets>>

\* The process is killed (kill -9) at any point: the context, the in-flight
\* write, an outstanding tool call and anything not yet on disk are gone;
\* what clawvm::sqlite_store::append committed stays.  Not a harness step,
\* so nothing it loses counts as `lost`.
Crash == /\ crashes < MaxCrashes
         /\ crashes' = crashes + 1
         /\ dirty' = {}
         /\ inflight' = {}
         /\ cache' = {}
         /\ tokens' = 0
         /\ boot' = FALSE
         /\ tool' = 0
         /\ plan' = <<"recover">>
         /\ UNCHANGED <<store, committed, lost, turn, resets>>

\* clawvm::sqlite_store::open reopens the durable store (sequence numbers
\* resume at clawvm::durable_store::last_seq), then the restore selection.
Recover == /\ Next1("recover")
           /\ boot' = ~NoBootstrapOnRecoveryBug
           /\ plan' = Tail(plan)
           /\ UNCHANGED <<tokens, dirty, inflight, cache, store, committed, lost, turn, tool,
                          crashes, resets>>

\* Bounded model: after the last turn the idle harness only stutters.
Done == /\ Idle
        /\ turn = MaxTurns
        /\ UNCHANGED vars

Next == \/ \E j \in {SmallJump, BigJump}, act \in Acts : Turn(j, act)
        \/ ToolResult
        \/ Reset
        \/ FlushStage
        \/ FlushCommit
        \/ Sync
        \/ Compact
        \/ Rotate
        \/ Restore
        \/ Crash
        \/ Recover
        \/ Done

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
TypeOKInv == /\ tokens \in 0..(Window + BigJump)
             /\ plan \in Seq(Steps) /\ Len(plan) <= 2
             /\ dirty \subseteq Facts /\ inflight \subseteq Facts /\ cache \subseteq Facts
             /\ store \subseteq Facts /\ committed \subseteq Facts /\ lost \subseteq Facts
             /\ boot \in BOOLEAN
             /\ turn \in 0..MaxTurns
             /\ tool \in 0..MaxTurns
             /\ crashes \in 0..MaxCrashes
             /\ resets \in 0..MaxResets

\* No fact is destroyed by the harness (compaction, reset) before it is
\* committed: no flush-miss on any path - proactive, reactive on overflow,
\* threshold jump, reset, tool results arriving mid-boundary.
NoDirtyDestroyedInv == lost = {}

\* No committed fact is ever lost or replaced - across flushes, across a
\* crash and the recovery from the durable store.
CommittedSurvivesInv == committed \subseteq store \cup cache

\* Bootstrap is resident whenever the agent runs: after every boundary,
\* after a new session, after recovery.
BootstrapResidentInv == Idle => boot

=============================================================================
