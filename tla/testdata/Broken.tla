------------------------------- MODULE Broken -------------------------------
(* Deliberately malformed: the parse check (tla.parse_rejects_broken) must  *)
(* report a parse error here.  Not a spec; check-parse.js skips testdata/   *)
(* unless it is named on the command line.                                  *)
EXTENDS Naturals

VARIABLE x

Init == x = 0

\* An unbalanced conjunction list with a dangling operator and bracket.
Next == /\ x' = x +
        /\ [x EXCEPT ![1] =
=============================================================================
