------------------------------ MODULE MCClawVM ------------------------------
(* Model values for ClawVM; used by every MCClawVM*.cfg (TypeOf is        *)
(* substituted with `TypeOf <- MCTypeOf`).                                 *)
EXTENDS ClawVM, TLC

MCTypeOf == ("boot" :> "bootstrap") @@ ("rule" :> "constraint")
            @@ ("plan" :> "plan") @@ ("ev" :> "evidence")
            @@ ("pref" :> "preference")
=============================================================================
