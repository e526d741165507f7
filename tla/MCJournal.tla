----------------------------- MODULE MCJournal -----------------------------
(* Model module for Journal: every constant of Journal is a plain value,  *)
(* so the MCJournal*.cfg files assign them all; this module exists so      *)
(* that every spec is run the same way:                                    *)
(*     java -cp tla2tools.jar tlc2.TLC -config MCJournal.cfg MCJournal.tla *)
EXTENDS Journal
=============================================================================
