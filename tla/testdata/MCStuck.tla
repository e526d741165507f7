------------------------------- MODULE MCStuck -------------------------------
(* Negative control of tla/cmake/run_tlc.cmake (ctest tla.tlc.rejects_deadlock): *)
(* the model deadlocks at x = 2 before NeverThreeInv could be violated, so a     *)
(* run that expects a refutation of NeverThreeInv must be rejected, not passed. *)
(* Not a spec of ClawVM.                                                        *)
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x < 2 /\ x' = x + 1
Spec == Init /\ [][Next]_x
NeverThreeInv == x # 3
=============================================================================
