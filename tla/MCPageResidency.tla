-------------------------- MODULE MCPageResidency --------------------------
(* Model values for PageResidency; used by every MCPageResidency*.cfg.     *)
(* TypeOf is a function, which a .cfg cannot write: the cfg substitutes    *)
(* it with `TypeOf <- MCTypeOf`.  Its domain covers the pages of every     *)
(* config; each config picks its Pages.                                    *)
EXTENDS PageResidency, TLC

MCTypeOf == ("boot" :> "bootstrap") @@ ("rule" :> "constraint")
            @@ ("plan" :> "plan") @@ ("ev" :> "evidence")
=============================================================================
