// The explorer's copy of every tla/MC*.cfg.  `clawvm-explore --check-cfg`
// (ctest tla.explorer.cfg_sync) parses each .cfg and its MC module and
// fails if any constant, invariant or property here differs from it, or if
// a .cfg has no entry here (or an entry no .cfg): the two cannot drift.
//
// Pinned results: an OK config pins its distinct-state count and diameter,
// a _bug config the violated check and the length of the shortest
// counterexample; `--expect` (ctest) fails on any difference, and the small
// configs are also explored at compile time (static_checks.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bfs.hpp"
#include "clawvm.hpp"
#include "journal.hpp"
#include "page_residency.hpp"

namespace clawvm::tla {

template <class Model>
struct Config {
  std::string_view name;  // cfg stem: tla/<name>.cfg, run as MC<Spec>.tla
  std::string_view spec;  // spec module
  std::string_view model_module;
  typename Model::Constants constants;
  NameList invariants;  // INVARIANT lines, in order
  NameList properties;  // PROPERTY lines, in order
  Expect expect;
  std::string_view expected_failure;  // violation configs: the check that must fail
  std::size_t distinct;               // OK configs: pinned "distinct states found"
  std::uint32_t diameter;             // OK configs: pinned depth of the state graph
  std::size_t trace_states;           // violation configs: pinned counterexample length
  std::string_view about;
};

// ---------------------------------------------------------------- PageResidency
namespace pr_cfg {
using namespace page_residency;
inline constexpr std::array<int, level_count> tokens{0, 1, 2, 3, 4};

constexpr Constants main_constants(bool evict_bug, bool budget_bug) {
  Constants c;
  c.pages = {PageDecl{"boot", PageType::bootstrap}, PageDecl{"rule", PageType::constraint},
             PageDecl{"plan", PageType::plan}, PageDecl{"ev", PageType::evidence}};
  c.page_count = 4;
  c.hard_pinned = {"boot", "rule", "", ""};
  c.hard_count = 2;
  c.budget = 5;
  c.tokens = tokens;
  c.evict_below_floor_bug = evict_bug;
  c.upgrade_over_budget_bug = budget_bug;
  return c;
}
constexpr Constants starved_constants() {
  Constants c;
  c.pages = {PageDecl{"boot", PageType::bootstrap}, PageDecl{"rule", PageType::constraint}, PageDecl{}, PageDecl{}};
  c.page_count = 2;
  c.hard_pinned = {"boot", "rule", "", ""};
  c.hard_count = 2;
  c.budget = 3;
  c.tokens = tokens;
  return c;
}
constexpr NameList all_invariants() {
  return names("TypeOKInv", "BudgetInv", "FloorInv", "ResidentIngestedInv", "PinnedResidentInv");
}
}  // namespace pr_cfg

inline constexpr std::array<Config<page_residency::Model>, 5> page_residency_configs{{
    {"MCPageResidency", "PageResidency", "MCPageResidency", pr_cfg::main_constants(false, false),
     pr_cfg::all_invariants(), names(), Expect::ok, "", 46292, 12, 0,
     "boot+rule hard-pinned, plan and evidence pages; floor set fits (4 <= 5), a demanded full bootstrap does not"},
    {"MCPageResidency_starved", "PageResidency", "MCPageResidency", pr_cfg::starved_constants(),
     pr_cfg::all_invariants(), names(), Expect::ok, "", 182, 7, 0,
     "floor set larger than the budget (4 > 3): pinned pages may be evicted, never silently"},
    {"MCPageResidency_evict_below_floor_bug", "PageResidency", "MCPageResidency",
     pr_cfg::main_constants(true, false), names("FloorInv"), names(), Expect::violation, "FloorInv", 0, 0, 4,
     "EvictBelowFloorBug: Degrade takes a bootstrap page from structured to pointer"},
    {"MCPageResidency_evict_pinned_bug", "PageResidency", "MCPageResidency", pr_cfg::main_constants(true, false),
     names("PinnedResidentInv"), names(), Expect::violation, "PinnedResidentInv", 0, 0, 4,
     "EvictBelowFloorBug: after Assemble a hard-pinned page drops below its floor (Degrade or Evict) although the floor set fits"},
    {"MCPageResidency_upgrade_over_budget_bug", "PageResidency", "MCPageResidency",
     pr_cfg::main_constants(false, true), names("BudgetInv"), names(), Expect::violation, "BudgetInv", 0, 0, 5,
     "UpgradeOverBudgetBug: upgrades past the token budget"},
}};

// ---------------------------------------------------------------- Journal
namespace journal_cfg {
using namespace journal;
constexpr Constants main_constants(bool cwv, bool overwrite, bool revalidate, int entries = 3) {
  Constants c;
  c.keys = {"k1", "k2"};
  c.key_count = 2;
  c.denied = {"k2", ""};
  c.denied_count = 1;
  c.ops = {true, true, true};
  c.max_entries = entries;
  c.max_version = 1;
  c.commit_without_validate_bug = cwv;
  c.overwrite_on_version_mismatch_bug = overwrite;
  c.revalidate_committed_bug = revalidate;
  return c;
}
constexpr Constants small_constants() {
  Constants c;
  c.keys = {"k1", ""};
  c.key_count = 1;
  c.ops = {true, false, true};
  c.max_entries = 2;
  c.max_version = 1;
  return c;
}
constexpr NameList all_invariants() {
  return names("TypeOKInv", "NoDestructiveCommitInv", "CommittedStableInv", "CommitOnlyValidatedInv",
               "RejectedHasReasonInv");
}
}  // namespace journal_cfg

inline constexpr std::array<Config<journal::Model>, 8> journal_configs{{
    {"MCJournal", "Journal", "MCJournal", journal_cfg::main_constants(false, false, false),
     journal_cfg::all_invariants(), names("PhaseMonotoneProp"), Expect::ok, "", 22198, 10, 0,
     "two keys (k2 out of scope), all three ops, 3 entries, expected versions 0..1"},
    {"MCJournal_deep", "Journal", "MCJournal", journal_cfg::main_constants(false, false, false, 4),
     journal_cfg::all_invariants(), names("PhaseMonotoneProp"), Expect::ok, "", 649990, 13, 0,
     "as MCJournal with 4 entries (two commits can race on a key while two more are staged)"},
    {"MCJournal_small", "Journal", "MCJournal", journal_cfg::small_constants(), journal_cfg::all_invariants(),
     names("PhaseMonotoneProp"), Expect::ok, "", 123, 7, 0,
     "one key, append and set_with_version, 2 entries (also explored at compile time)"},
    {"MCJournal_commit_without_validate_bug", "Journal", "MCJournal",
     journal_cfg::main_constants(true, false, false), names("CommitOnlyValidatedInv"), names(), Expect::violation,
     "CommitOnlyValidatedInv", 0, 0, 3, "CommitWithoutValidateBug: a staged entry is committed"},
    {"MCJournal_destructive_commit_bug", "Journal", "MCJournal", journal_cfg::main_constants(true, false, false),
     names("NoDestructiveCommitInv"), names(), Expect::violation, "NoDestructiveCommitInv", 0, 0, 5,
     "CommitWithoutValidateBug: an unvalidated dropping merge overwrites committed content"},
    {"MCJournal_overwrite_on_version_mismatch_bug", "Journal", "MCJournal",
     journal_cfg::main_constants(false, true, false), names("NoDestructiveCommitInv"), names(), Expect::violation,
     "NoDestructiveCommitInv", 0, 0, 7,
     "OverwriteOnVersionMismatchBug: a set_with_version validated at v0 commits after another commit made v1"},
    {"MCJournal_revalidate_committed_bug", "Journal", "MCJournal", journal_cfg::main_constants(false, false, true),
     names("CommittedStableInv"), names(), Expect::violation, "CommittedStableInv", 0, 0, 5,
     "RevalidateCommittedBug: a committed set_with_version is re-validated as stale and rejected"},
    {"MCJournal_phase_regress_bug", "Journal", "MCJournal", journal_cfg::main_constants(false, false, true), names(),
     names("PhaseMonotoneProp"), Expect::violation, "PhaseMonotoneProp", 0, 0, 5,
     "RevalidateCommittedBug: a terminal (committed) entry changes phase"},
}};

// ---------------------------------------------------------------- ClawVM
namespace clawvm_cfg {
using namespace clawvm_spec;
constexpr Constants main_constants(bool skip_wb, bool skip_restore) {
  Constants c;
  c.pages = {PageDecl{"boot", PageType::bootstrap}, PageDecl{"rule", PageType::constraint},
             PageDecl{"plan", PageType::plan}, PageDecl{"ev", PageType::evidence},
             PageDecl{"pref", PageType::preference}};
  c.page_count = 5;
  c.denied = {"pref", "", "", "", ""};
  c.denied_count = 1;
  c.max_turns = 3;
  c.skip_writeback_on_reset_bug = skip_wb;
  c.skip_restore_after_compaction_bug = skip_restore;
  return c;
}
constexpr Constants small_constants() {
  Constants c;
  c.pages = {PageDecl{"boot", PageType::bootstrap}, PageDecl{"ev", PageType::evidence}, PageDecl{}, PageDecl{},
             PageDecl{}};
  c.page_count = 2;
  c.denied = {"ev", "", "", "", ""};
  c.denied_count = 1;
  c.max_turns = 1;
  return c;
}
constexpr NameList all_invariants() {
  return names("TypeOKInv", "LifecycleCompletenessInv", "PostCompactionBootstrapInv", "JournalQuiescentInv");
}
}  // namespace clawvm_cfg

inline constexpr std::array<Config<clawvm_spec::Model>, 4> clawvm_configs{{
    {"MCClawVM", "ClawVM", "MCClawVM", clawvm_cfg::main_constants(false, false), clawvm_cfg::all_invariants(),
     names(), Expect::ok, "", 53143, 23, 0,
     "bootstrap, constraint, plan, evidence, preference (updates denied); 3 edits; every boundary"},
    {"MCClawVM_small", "ClawVM", "MCClawVM", clawvm_cfg::small_constants(), clawvm_cfg::all_invariants(), names(),
     Expect::ok, "", 78, 9, 0, "bootstrap and a denied evidence page, 1 edit (also explored at compile time)"},
    {"MCClawVM_skip_writeback_on_reset_bug", "ClawVM", "MCClawVM", clawvm_cfg::main_constants(true, false),
     names("LifecycleCompletenessInv"), names(), Expect::violation, "LifecycleCompletenessInv", 0, 0, 4,
     "SkipWritebackOnResetBug: a dirty page is destroyed by Reset unwritten (flush-miss)"},
    {"MCClawVM_skip_restore_after_compaction_bug", "ClawVM", "MCClawVM", clawvm_cfg::main_constants(false, true),
     names("PostCompactionBootstrapInv"), names(), Expect::violation, "PostCompactionBootstrapInv", 0, 0, 3,
     "SkipRestoreAfterCompactionBug: bootstrap is not resident after compaction"},
}};

// Capacity checks: every config fits the fixed-size state encodings.
constexpr bool capacities_ok() {
  for (const auto& c : page_residency_configs)
    if (c.constants.page_count > page_residency::max_pages || c.constants.hard_count > c.constants.page_count)
      return false;
  for (const auto& c : journal_configs)
    if (c.constants.key_count > journal::max_keys || c.constants.max_entries > static_cast<int>(journal::max_entries) ||
        c.constants.max_version > 200)
      return false;
  for (const auto& c : clawvm_configs)
    if (c.constants.page_count > clawvm_spec::max_pages ||
        c.constants.max_turns > static_cast<int>(clawvm_spec::max_journal))
      return false;
  return true;
}
static_assert(capacities_ok(), "a config exceeds the explorer's fixed state capacity");

}  // namespace clawvm::tla
