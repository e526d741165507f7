// The explorer's copy of every tla/MC*.cfg.  `clawvm-explore --check-cfg`
// (ctest tla.explorer.cfg_sync) parses each .cfg and its MC module and
// fails if any constant, invariant or property here differs from it, or if
// a .cfg has no entry here (or an entry no .cfg): the two cannot drift.
//
// What each config must yield (OK with its distinct-state count and
// diameter, or a counterexample to a named check) is not here: it is in
// tla/expected_counts.tsv, the one table that the explorer's --expect, the
// compile-time checks (static_checks.cpp) and the TLC tests all read.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bfs.hpp"
#include "clawvm.hpp"
#include "journal.hpp"
#include "lifecycle.hpp"
#include "page_residency.hpp"

namespace clawvm::tla {

template <class Model>
struct Config {
  std::string_view name;  // cfg stem: tla/<name>.cfg, run as MC<Spec>.tla
  std::string_view spec;  // spec module
  std::string_view model_module;
  std::string_view specification;  // SPECIFICATION: "Spec" (no fairness) or "FairSpec"
  typename Model::Constants constants;
  NameList invariants;  // INVARIANT lines, in order
  NameList properties;  // PROPERTY lines, in order (action and temporal)
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
// Liveness: boot (hard-pinned) and ev, budget 4.
constexpr Constants live_constants(bool drop_bug) {
  Constants c;
  c.pages = {PageDecl{"boot", PageType::bootstrap}, PageDecl{"ev", PageType::evidence}, PageDecl{}, PageDecl{}};
  c.page_count = 2;
  c.hard_pinned = {"boot", "", "", ""};
  c.hard_count = 1;
  c.budget = 4;
  c.tokens = tokens;
  c.drop_fitting_demand_bug = drop_bug;
  return c;
}
constexpr NameList all_invariants() {
  return names("TypeOKInv", "BudgetInv", "FloorInv", "ResidentIngestedInv", "PinnedResidentInv");
}
}  // namespace pr_cfg

inline constexpr std::array<Config<page_residency::Model>, 7> page_residency_configs{{
    {"MCPageResidency", "PageResidency", "MCPageResidency", "Spec", pr_cfg::main_constants(false, false),
     pr_cfg::all_invariants(), names(),
     "boot+rule hard-pinned, plan and evidence pages; floor set fits (4 <= 5), a demanded full bootstrap does not"},
    {"MCPageResidency_starved", "PageResidency", "MCPageResidency", "Spec", pr_cfg::starved_constants(),
     pr_cfg::all_invariants(), names(),
     "floor set larger than the budget (4 > 3): pinned pages may be evicted, never silently"},
    {"MCPageResidency_live", "PageResidency", "MCPageResidency", "FairSpec", pr_cfg::live_constants(false),
     pr_cfg::all_invariants(), names("DemandServedProp"),
     "boot hard-pinned and ev, budget 4, fair assembly: every demand that fits is served"},
    {"MCPageResidency_evict_below_floor_bug", "PageResidency", "MCPageResidency", "Spec",
     pr_cfg::main_constants(true, false), names("FloorInv"), names(),
     "EvictBelowFloorBug: Degrade takes a bootstrap page from structured to pointer"},
    {"MCPageResidency_evict_pinned_bug", "PageResidency", "MCPageResidency", "Spec",
     pr_cfg::main_constants(true, false), names("PinnedResidentInv"), names(),
     "EvictBelowFloorBug: after Assemble a hard-pinned page drops below its floor (Degrade or Evict) although the "
     "floor set fits"},
    {"MCPageResidency_upgrade_over_budget_bug", "PageResidency", "MCPageResidency", "Spec",
     pr_cfg::main_constants(false, true), names("BudgetInv"), names(),
     "UpgradeOverBudgetBug: upgrades past the token budget"},
    {"MCPageResidency_drop_fitting_demand_bug", "PageResidency", "MCPageResidency", "FairSpec",
     pr_cfg::live_constants(true), names(), names("DemandServedProp"),
     "DropFittingDemandBug: an assembly leaves out a demanded page that fits; the demand is consumed unserved"},
}};

// ---------------------------------------------------------------- Journal
namespace journal_cfg {
using namespace journal;
constexpr Constants main_constants(bool cwv, bool overwrite, bool revalidate, int entries = 3, bool wait = false) {
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
  c.wait_on_stale_bug = wait;
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

inline constexpr std::array<Config<journal::Model>, 9> journal_configs{{
    {"MCJournal", "Journal", "MCJournal", "FairSpec", journal_cfg::main_constants(false, false, false),
     journal_cfg::all_invariants(), names("PhaseMonotoneProp", "EntryResolvesProp"),
     "two keys (k2 out of scope), all three ops, 3 entries, expected versions 0..1; fair journal steps"},
    {"MCJournal_deep", "Journal", "MCJournal", "Spec", journal_cfg::main_constants(false, false, false, 4),
     journal_cfg::all_invariants(), names("PhaseMonotoneProp"),
     "as MCJournal with 4 entries (two commits can race on a key while two more are staged); safety only"},
    {"MCJournal_small", "Journal", "MCJournal", "FairSpec", journal_cfg::small_constants(),
     journal_cfg::all_invariants(), names("PhaseMonotoneProp", "EntryResolvesProp"),
     "one key, append and set_with_version, 2 entries (safety also explored at compile time)"},
    {"MCJournal_commit_without_validate_bug", "Journal", "MCJournal", "Spec",
     journal_cfg::main_constants(true, false, false), names("CommitOnlyValidatedInv"), names(),
     "CommitWithoutValidateBug: a staged entry is committed"},
    {"MCJournal_destructive_commit_bug", "Journal", "MCJournal", "Spec",
     journal_cfg::main_constants(true, false, false), names("NoDestructiveCommitInv"), names(),
     "CommitWithoutValidateBug: an unvalidated dropping merge overwrites committed content"},
    {"MCJournal_overwrite_on_version_mismatch_bug", "Journal", "MCJournal", "Spec",
     journal_cfg::main_constants(false, true, false), names("NoDestructiveCommitInv"), names(),
     "OverwriteOnVersionMismatchBug: a set_with_version validated at v0 commits after another commit made v1"},
    {"MCJournal_revalidate_committed_bug", "Journal", "MCJournal", "Spec",
     journal_cfg::main_constants(false, false, true), names("CommittedStableInv"), names(),
     "RevalidateCommittedBug: a committed set_with_version is re-validated as stale and rejected"},
    {"MCJournal_phase_regress_bug", "Journal", "MCJournal", "Spec", journal_cfg::main_constants(false, false, true),
     names(), names("PhaseMonotoneProp"), "RevalidateCommittedBug: a terminal (committed) entry changes phase"},
    {"MCJournal_wait_on_stale_bug", "Journal", "MCJournal", "FairSpec",
     journal_cfg::main_constants(false, false, false, 3, true), names(), names("EntryResolvesProp"),
     "WaitOnStaleBug: a stale validated set_with_version waits for its version forever instead of being rejected"},
}};

// ---------------------------------------------------------------- ClawVM
namespace clawvm_cfg {
using namespace clawvm_spec;
enum class Bug : std::uint8_t { none, skip_writeback, skip_restore, retry, restore_below_floor, keep_version };
// MCClawVM: bootstrap (pinned, restored), plan, evidence (pruned) and a preference whose
// updates are denied; 2 edits.
constexpr Constants main_constants(Bug bug = Bug::none) {
  Constants c;
  c.pages = {PageDecl{"boot", PageType::bootstrap}, PageDecl{"plan", PageType::plan},
             PageDecl{"ev", PageType::evidence}, PageDecl{"pref", PageType::preference}, PageDecl{}};
  c.page_count = 4;
  c.denied = {"pref", "", "", "", ""};
  c.denied_count = 1;
  c.max_turns = 2;
  c.skip_writeback_on_reset_bug = bug == Bug::skip_writeback;
  c.skip_restore_after_compaction_bug = bug == Bug::skip_restore;
  c.retry_rejected_bug = bug == Bug::retry;
  c.restore_below_floor_bug = bug == Bug::restore_below_floor;
  c.commit_keeps_version_bug = bug == Bug::keep_version;
  return c;
}
// MCClawVM_big: a constraint page too, 3 edits (checked by simulation in CI).
constexpr Constants big_constants() {
  Constants c = main_constants();
  c.pages = {PageDecl{"boot", PageType::bootstrap}, PageDecl{"rule", PageType::constraint},
             PageDecl{"plan", PageType::plan}, PageDecl{"ev", PageType::evidence},
             PageDecl{"pref", PageType::preference}};
  c.page_count = 5;
  c.max_turns = 3;
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
  return names("TypeOKInv", "FloorInv", "LifecycleCompletenessInv", "PostCompactionBootstrapInv",
               "JournalQuiescentInv", "NoDestructiveCommitInv");
}
constexpr NameList all_properties() { return names("BoundaryFinishesProp", "BootstrapRestoredProp"); }
}  // namespace clawvm_cfg

inline constexpr std::array<Config<clawvm_spec::Model>, 9> clawvm_configs{{
    {"MCClawVM", "ClawVM", "MCClawVM", "FairSpec", clawvm_cfg::main_constants(), clawvm_cfg::all_invariants(),
     clawvm_cfg::all_properties(),
     "bootstrap, plan, evidence, preference (updates denied); levels along each chain; 2 edits; every boundary; "
     "fair engine"},
    {"MCClawVM_small", "ClawVM", "MCClawVM", "FairSpec", clawvm_cfg::small_constants(), clawvm_cfg::all_invariants(),
     clawvm_cfg::all_properties(), "bootstrap and a denied evidence page, 1 edit (safety also explored at compile time)"},
    {"MCClawVM_big", "ClawVM", "MCClawVM", "FairSpec", clawvm_cfg::big_constants(), clawvm_cfg::all_invariants(),
     names(), "MCClawVM with a constraint page and 3 edits: checked by simulation in CI"},
    {"MCClawVM_skip_writeback_on_reset_bug", "ClawVM", "MCClawVM", "Spec",
     clawvm_cfg::main_constants(clawvm_cfg::Bug::skip_writeback), names("LifecycleCompletenessInv"), names(),
     "SkipWritebackOnResetBug: a dirty page is destroyed by Reset unwritten (flush-miss)"},
    {"MCClawVM_skip_restore_after_compaction_bug", "ClawVM", "MCClawVM", "Spec",
     clawvm_cfg::main_constants(clawvm_cfg::Bug::skip_restore), names("PostCompactionBootstrapInv"), names(),
     "SkipRestoreAfterCompactionBug: bootstrap is not resident after compaction"},
    {"MCClawVM_restore_below_floor_bug", "ClawVM", "MCClawVM", "Spec",
     clawvm_cfg::main_constants(clawvm_cfg::Bug::restore_below_floor), names("FloorInv"), names(),
     "RestoreBelowFloorBug: the restore selection brings bootstrap back as a pointer, below its floor"},
    {"MCClawVM_commit_keeps_version_bug", "ClawVM", "MCClawVM", "Spec",
     clawvm_cfg::main_constants(clawvm_cfg::Bug::keep_version), names("NoDestructiveCommitInv"), names(),
     "CommitKeepsVersionBug: a commit does not bump the key's version, so the next one overwrites it unseen"},
    {"MCClawVM_retry_rejected_bug", "ClawVM", "MCClawVM", "FairSpec",
     clawvm_cfg::main_constants(clawvm_cfg::Bug::retry), names(), names("BoundaryFinishesProp"),
     "RetryRejectedBug: an out-of-scope update is retried forever; the boundary never finishes"},
    {"MCClawVM_bootstrap_never_restored_bug", "ClawVM", "MCClawVM", "FairSpec",
     clawvm_cfg::main_constants(clawvm_cfg::Bug::skip_restore), names(), names("BootstrapRestoredProp"),
     "SkipRestoreAfterCompactionBug: after compaction nothing the engine must do brings bootstrap back"},
}};

// ---------------------------------------------------------------- Lifecycle
namespace lifecycle_cfg {
using namespace lifecycle;
enum class Bug : std::uint8_t { none, overflow, jump, reset, overwrite, ack, deliver, recovery };
constexpr Constants constants(Bug bug, int turns = 4) {
  Constants c;
  c.window = 4;
  c.flush_at = 2;
  c.compact_at = 3;
  c.small_jump = 1;
  c.big_jump = 3;
  c.max_turns = turns;
  c.max_crashes = 1;
  c.max_resets = 1;
  c.skip_flush_on_overflow_bug = bug == Bug::overflow;
  c.jump_skips_flush_bug = bug == Bug::jump;
  c.fire_and_forget_reset_flush_bug = bug == Bug::reset;
  c.overwrite_flush_bug = bug == Bug::overwrite;
  c.ack_before_durable_bug = bug == Bug::ack;
  c.deliver_during_boundary_bug = bug == Bug::deliver;
  c.no_bootstrap_on_recovery_bug = bug == Bug::recovery;
  return c;
}
// Too large to enumerate on a CI runner (expected_counts.tsv: simulate).
constexpr Constants big_constants() {
  Constants c = constants(Bug::none, 8);
  c.window = 12;
  c.flush_at = 6;
  c.compact_at = 9;
  c.big_jump = 7;
  c.max_crashes = 3;
  c.max_resets = 3;
  return c;
}
constexpr NameList all_invariants() {
  return names("TypeOKInv", "NoDirtyDestroyedInv", "CommittedSurvivesInv", "BootstrapResidentInv");
}
}  // namespace lifecycle_cfg

inline constexpr std::array<Config<lifecycle::Model>, 10> lifecycle_configs{{
    {"MCLifecycle", "Lifecycle", "MCLifecycle", "Spec", lifecycle_cfg::constants(lifecycle_cfg::Bug::none),
     lifecycle_cfg::all_invariants(), names(),
     "window 4, flush at 2, compaction at 3, turns of 1 or 3 tokens (threshold jump, overflow), 4 turns, "
     "a crash, a reset"},
    {"MCLifecycle_small", "Lifecycle", "MCLifecycle", "Spec", lifecycle_cfg::constants(lifecycle_cfg::Bug::none, 2),
     lifecycle_cfg::all_invariants(), names(), "as MCLifecycle with 2 turns (also explored at compile time)"},
    {"MCLifecycle_big", "Lifecycle", "MCLifecycle", "Spec", lifecycle_cfg::big_constants(),
     lifecycle_cfg::all_invariants(), names(),
     "window 12, flush at 6, compaction at 9, turns of 1 or 7 tokens, 8 turns, three crashes, three resets: "
     "checked by simulation in CI"},
    {"MCLifecycle_overflow_skips_flush_bug", "Lifecycle", "MCLifecycle", "Spec",
     lifecycle_cfg::constants(lifecycle_cfg::Bug::overflow, 3), names("NoDirtyDestroyedInv"), names(),
     "SkipFlushOnOverflowBug: the reactive compaction after an overflow destroys unflushed facts"},
    {"MCLifecycle_threshold_jump_skips_flush_bug", "Lifecycle", "MCLifecycle", "Spec",
     lifecycle_cfg::constants(lifecycle_cfg::Bug::jump, 3), names("NoDirtyDestroyedInv"), names(),
     "JumpSkipsFlushBug: a turn crossing both thresholds compacts without flushing"},
    {"MCLifecycle_reset_flush_forgotten_bug", "Lifecycle", "MCLifecycle", "Spec",
     lifecycle_cfg::constants(lifecycle_cfg::Bug::reset, 3), names("NoDirtyDestroyedInv"), names(),
     "FireAndForgetResetFlushBug: the rotation cancels the reset's in-flight flush"},
    {"MCLifecycle_flush_overwrites_memory_bug", "Lifecycle", "MCLifecycle", "Spec",
     lifecycle_cfg::constants(lifecycle_cfg::Bug::overwrite, 3), names("CommittedSurvivesInv"), names(),
     "OverwriteFlushBug: a flush replaces what earlier flushes committed"},
    {"MCLifecycle_ack_before_durable_bug", "Lifecycle", "MCLifecycle", "Spec",
     lifecycle_cfg::constants(lifecycle_cfg::Bug::ack, 3), names("CommittedSurvivesInv"), names(),
     "AckBeforeDurableBug: an acknowledged flush is lost by a crash before it reaches the disk"},
    {"MCLifecycle_tool_result_during_boundary_bug", "Lifecycle", "MCLifecycle", "Spec",
     lifecycle_cfg::constants(lifecycle_cfg::Bug::deliver, 3), names("NoDirtyDestroyedInv"), names(),
     "DeliverDuringBoundaryBug: a tool result lands in a context being compacted, after the flush"},
    {"MCLifecycle_no_bootstrap_after_recovery_bug", "Lifecycle", "MCLifecycle", "Spec",
     lifecycle_cfg::constants(lifecycle_cfg::Bug::recovery, 3), names("BootstrapResidentInv"), names(),
     "NoBootstrapOnRecoveryBug: after a crash the agent runs without bootstrap"},
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
  for (const auto& c : lifecycle_configs)
    if (c.constants.max_turns > static_cast<int>(lifecycle::max_facts) ||
        c.constants.window + c.constants.big_jump > 255)
      return false;
  return true;
}
static_assert(capacities_ok(), "a config exceeds the explorer's fixed state capacity");

}  // namespace clawvm::tla
