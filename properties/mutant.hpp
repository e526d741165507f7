#pragma once
// Planted mutants (properties/README.md "Mutants"): a property suite that never fails
// proves nothing, so each suite can be built against a deliberately wrong variant and
// ctest checks that at least one property then fails (MongoDB's `_bug` configs, in
// property form).
//
// The honest executables are built without CLAWVM_PROPERTY_MUTANT; the mutant ones with
// -DCLAWVM_PROPERTY_MUTANT=<name>, <name> one of the enumerators below.

namespace clawvm::props {

enum class mutant {
  none,
  drop_pinned,   // selector_props: the selection under test loses one hard-pinned page
  stale_commit,  // journal_props, journal_actions_props: the model believes a stale
                 // set_with_version commits (passes validation)
  no_reset_writeback,  // engine_props: "ClawVM" under test skips writeback at reset (the
                       // paper's ablation), so dirty state can be destroyed uncommitted
  optimum_keeps_nothing,  // optimum_props: the optimum never keeps a page beyond the
                          // required step (K_t = 0), so ClawVM can beat it
  cache_aware_without_prefetch,  // cache_aware_props: the cache-aware policy under test
                                 // skips pointer prefetch (step 2), so evidence it should
                                 // hold at its pointer can be refetched
  stable_assembly_in_table_order,  // cache_aware_props: the stable assembly under test
                                   // returns the table order (RP-11), so a changed early
                                   // page moves every unchanged piece behind it
};

#ifdef CLAWVM_PROPERTY_MUTANT
inline constexpr mutant active_mutant = mutant::CLAWVM_PROPERTY_MUTANT;
#else
inline constexpr mutant active_mutant = mutant::none;
#endif

}  // namespace clawvm::props
