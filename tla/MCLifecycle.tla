---------------------------- MODULE MCLifecycle ----------------------------
(* Model module for Lifecycle: every constant is a plain value, so the     *)
(* MCLifecycle*.cfg files assign them all; this module exists so that      *)
(* every spec is run the same way:                                         *)
(*   java -cp tla2tools.jar tlc2.TLC -config MCLifecycle.cfg MCLifecycle.tla *)
EXTENDS Lifecycle
=============================================================================
