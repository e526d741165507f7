---------------------------- MODULE PageResidency ----------------------------
(***************************************************************************)
(* Page residency and representation fidelity under a token budget.        *)
(*                                                                         *)
(* One seam of ClawVM: which representation level of each page is resident *)
(* in the assembled prompt.  Levels are ordered                            *)
(*     none < pointer < structured < compressed < full                     *)
(* and every page type has a floor (its lowest resident level) and a       *)
(* degradation chain (the levels it may be resident at).  The selector     *)
(* (clawvm::select_representations) installs the required set (hard-pinned *)
(* pages at their floor, demanded pages at max(demand, floor)), then       *)
(* upgrades one chain step at a time while the budget allows; pressure     *)
(* degrades one chain step at a time or evicts.                            *)
(*                                                                         *)
(* The required set is installed in two passes, each "in priority order,   *)
(* each item if it fits": first every hard-pinned page at its floor, then  *)
(* every demanded page raised to its target.  The C++ order (pin class,    *)
(* type, base utility) is one fixed order; the spec allows ANY order       *)
(* within a pass (the outcomes of greedy-in-some-order are exactly the     *)
(* maximal feasible subsets), so every invariant checked here holds for    *)
(* the C++ order too.  Installing floors before demands is what makes      *)
(* PinnedResidentInv hold: a hard-pinned page demanded at `full` must not  *)
(* crowd out another hard-pinned page's floor.                             *)
(*                                                                         *)
(* Liveness (FairSpec): assembly is weakly fair, and a demand is served:   *)
(* if the floor set and every pending demand at its serving level fit the  *)
(* budget together, the next assembly installs the demanded page at or     *)
(* above the demanded level (DemandServedProp).                            *)
(*                                                                         *)
(* Token cost depends on the level only (PointerTokens, ...); the C++      *)
(* computes per-page costs at ingest, which does not change the shape of   *)
(* the state machine.                                                      *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences

CONSTANTS
    Pages,              \* page ids (strings)
    TypeOf,             \* [Pages -> PageTypes]
    HardPinned,         \* pages of pin class hard (the policy auto-pins)
    Budget,             \* tokens_budget of the assembled prompt
    PointerTokens,      \* token cost of each representation level
    StructuredTokens,
    CompressedTokens,
    FullTokens,
    EvictBelowFloorBug, \* TRUE: Degrade may go below the floor and Evict may
                        \* drop a hard-pinned page although the floor set fits
    UpgradeOverBudgetBug, \* TRUE: Upgrade does not check the budget
    DropFittingDemandBug \* TRUE: Assemble may leave out a demanded page that fits

VARIABLES
    ingested,   \* set of pages the page table knows
    level,      \* [Pages -> LevelSet]: resident representation ("none" = not resident)
    demand,     \* [Pages -> LevelSet]: level demanded for the next assembly ("none" = no demand)
    assembled   \* TRUE after Assemble, until a new page is ingested

vars == <<ingested, level, demand, assembled>>

-----------------------------------------------------------------------------
(* Static tables. The one C++ model (include/clawvm/model/) takes them    *)
(* from the library's page-traits table; tla/explorer/static_checks.cpp    *)
(* reads Floor and Chain from this text and proves them equal at compile   *)
(* time.                                                                   *)

LevelSet == {"none", "pointer", "structured", "compressed", "full"}

Rank(l) == CASE l = "none"       -> 0
             [] l = "pointer"    -> 1
             [] l = "structured" -> 2
             [] l = "compressed" -> 3
             [] l = "full"       -> 4

LevelOfRank(r) == CHOOSE l \in LevelSet : Rank(l) = r

PageTypes == {"bootstrap", "constraint", "plan", "preference", "evidence",
              "conversation"}

Floor(t) == IF t \in {"bootstrap", "constraint"} THEN "structured" ELSE "pointer"

\* Degradation chains, highest fidelity first.
Chain(t) == CASE t \in {"bootstrap", "constraint"} -> <<"full", "structured">>
              [] t = "plan"                        -> <<"full", "structured", "pointer">>
              [] OTHER                             -> <<"full", "compressed", "structured", "pointer">>

ChainLevels(t) == {Chain(t)[i] : i \in 1..Len(Chain(t))}

\* The level of lowest (highest) rank in a non-empty set of levels.
MinOf(S) == CHOOSE l \in S : \A m \in S : Rank(l) <= Rank(m)
MaxOf(S) == CHOOSE l \in S : \A m \in S : Rank(m) <= Rank(l)

\* Next chain level above l (l # "full", so it exists: "full" is in every chain).
Up(t, l) == MinOf({c \in ChainLevels(t) : Rank(c) > Rank(l)})

\* Chain levels strictly below l (may be empty).
Below(t, l) == {c \in ChainLevels(t) : Rank(c) < Rank(l)}

\* Lowest chain level at or above l.
Lift(t, l) == MinOf({c \in ChainLevels(t) : Rank(c) >= Rank(l)})

Tok(l) == CASE l = "none"       -> 0
            [] l = "pointer"    -> PointerTokens
            [] l = "structured" -> StructuredTokens
            [] l = "compressed" -> CompressedTokens
            [] l = "full"       -> FullTokens

RECURSIVE SumTok(_, _)
SumTok(lv, S) == IF S = {} THEN 0
                 ELSE LET p == CHOOSE q \in S : TRUE
                      IN  Tok(lv[p]) + SumTok(lv, S \ {p})

\* Tokens of an assignment of levels to pages.
Used(lv) == SumTok(lv, Pages)

PageFloor(p) == Floor(TypeOf[p])

NoLevels == [p \in Pages |-> "none"]

\* The floor set: every ingested hard-pinned page at its floor.
FloorSet == HardPinned \cap ingested
FloorSetFits ==
    Used([p \in Pages |-> IF p \in FloorSet THEN PageFloor(p) ELSE "none"]) <= Budget

ASSUME /\ \A p \in Pages : TypeOf[p] \in PageTypes
       /\ HardPinned \subseteq Pages
       /\ \A t \in PageTypes : Floor(t) = MinOf(ChainLevels(t))
       /\ \A n \in {Budget, PointerTokens, StructuredTokens, CompressedTokens,
                    FullTokens} : n \in Nat

-----------------------------------------------------------------------------
Init == /\ ingested = {}
        /\ level = NoLevels
        /\ demand = NoLevels
        /\ assembled = FALSE

\* clawvm::page_table::ingest: the page and all its representations are
\* created; nothing is resident yet.
Ingest(p) == /\ p \notin ingested
             /\ ingested' = ingested \cup {p}
             /\ assembled' = FALSE
             /\ UNCHANGED <<level, demand>>

\* clawvm::engine::on_demand: the agent needs page p at level l or better
\* in the next assembly.
Demand(p, l) == /\ p \in ingested
                /\ demand' = [demand EXCEPT ![p] = l]
                /\ UNCHANGED <<ingested, level, assembled>>

\* Assembly (clawvm::select_representations, phase 1 "required set").
\* Pass 1: hard-pinned pages at their floor.  Pass 2: demanded pages raised
\* to Target.  Each pass installs its items in some order, each if it fits,
\* which is the same as choosing a maximal subset that fits.
Target(p) == Lift(TypeOf[p], MaxOf({demand[p], PageFloor(p)}))

Pass1Lv(S1) == [p \in Pages |-> IF p \in S1 THEN PageFloor(p) ELSE "none"]

Pass2Lv(S1, S2) == [p \in Pages |-> IF p \in S2 THEN Target(p)
                                    ELSE IF p \in S1 THEN PageFloor(p)
                                    ELSE "none"]

Demanded == {p \in ingested : demand[p] # "none"}

Pass1Choices ==
    {S1 \in SUBSET FloorSet :
        /\ Used(Pass1Lv(S1)) <= Budget
        /\ \A q \in FloorSet \ S1 : Used(Pass1Lv(S1 \cup {q})) > Budget}

Pass2Choices(S1) ==
    {S2 \in SUBSET Demanded :
        /\ Used(Pass2Lv(S1, S2)) <= Budget
        /\ \/ \A q \in Demanded \ S2 : Used(Pass2Lv(S1, S2 \cup {q})) > Budget
           \/ DropFittingDemandBug   \* any subset that fits, not a maximal one
    }

\* clawvm::select_representations (required set; demands are consumed).
Assemble == /\ \E S1 \in Pass1Choices :
                   \E S2 \in Pass2Choices(S1) :
                       level' = Pass2Lv(S1, S2)
            /\ demand' = NoLevels
            /\ assembled' = TRUE
            /\ UNCHANGED ingested

\* clawvm::select_representations (upgrade phase / pointer prefetch): one
\* step up along the page's chain, if it fits what is left of the budget.
Upgrade(p) == /\ p \in ingested
              /\ level[p] # "full"
              /\ LET nl == Up(TypeOf[p], level[p])
                 IN  /\ \/ Used([level EXCEPT ![p] = nl]) <= Budget
                        \/ UpgradeOverBudgetBug
                     /\ level' = [level EXCEPT ![p] = nl]
              /\ UNCHANGED <<ingested, demand, assembled>>

\* clawvm::select_representations (budget pressure): one step down along
\* the chain, never below the floor (the floor is the chain's last level).
Degrade(p) == /\ level[p] # "none"
              /\ LET below == Below(TypeOf[p], level[p])
                 IN  \/ /\ below # {}
                        /\ level' = [level EXCEPT ![p] = MaxOf(below)]
                     \/ /\ EvictBelowFloorBug
                        /\ below = {}
                        /\ level' = [level EXCEPT ![p] = LevelOfRank(Rank(level[p]) - 1)]
              /\ UNCHANGED <<ingested, demand, assembled>>

\* clawvm::select_representations (eviction): a hard-pinned page is evicted
\* only when the floor set does not fit (physical insufficiency, surfaced).
Evict(p) == /\ level[p] # "none"
            /\ \/ p \notin HardPinned
               \/ ~FloorSetFits
               \/ EvictBelowFloorBug
            /\ level' = [level EXCEPT ![p] = "none"]
            /\ UNCHANGED <<ingested, demand, assembled>>

Next == \/ \E p \in Pages : Ingest(p)
        \/ \E p \in Pages, l \in LevelSet \ {"none"} : Demand(p, l)
        \/ Assemble
        \/ \E p \in Pages : Upgrade(p)
        \/ \E p \in Pages : Degrade(p)
        \/ \E p \in Pages : Evict(p)

Spec == Init /\ [][Next]_vars

\* The engine assembles the context every turn (spec/engine.md EN-8): an
\* assembly that would change something is not postponed forever.  The
\* agent's steps (Ingest, Demand) and the selector's later moves are not fair.
FairSpec == Spec /\ WF_vars(Assemble)

-----------------------------------------------------------------------------
TypeOKInv == /\ ingested \subseteq Pages
             /\ level \in [Pages -> LevelSet]
             /\ demand \in [Pages -> LevelSet]
             /\ assembled \in BOOLEAN

\* Resident tokens never exceed the budget.
BudgetInv == Used(level) <= Budget

\* Every resident page is at a level of its chain, at or above its floor.
FloorInv == \A p \in Pages :
                level[p] # "none" =>
                    /\ level[p] \in ChainLevels(TypeOf[p])
                    /\ Rank(level[p]) >= Rank(PageFloor(p))

\* Only pages the page table knows are resident or demanded.
ResidentIngestedInv == \A p \in Pages \ ingested :
                           level[p] = "none" /\ demand[p] = "none"

\* The floor set and every pending demand at its serving level (Target) fit
\* the budget together: the next assembly must install them all.
DemandsFit == /\ FloorSetFits
              /\ Used(Pass2Lv(FloorSet, Demanded)) <= Budget

\* Liveness (under FairSpec): a demand for page p at level l whose serving
\* level fits (DemandsFit) is served - p becomes resident at l or above -
\* unless the agent first withdraws the premise: demands p at another level,
\* or makes the demands not fit (a new page or a new demand).
DemandServedProp ==
    \A p \in Pages, l \in LevelSet \ {"none"} :
        (demand[p] = l /\ DemandsFit)
            ~> \/ Rank(level[p]) >= Rank(l)
               \/ demand[p] \notin {l, "none"}
               \/ demand[p] = l /\ ~DemandsFit

\* When the hard-pinned floor set fits the budget, then from an assembly on
\* (until a new page arrives) every hard-pinned page is resident at or
\* above its floor: no pinned-invariant miss.
PinnedResidentInv == (assembled /\ FloorSetFits) =>
                         \A p \in FloorSet : Rank(level[p]) >= Rank(PageFloor(p))
=============================================================================
