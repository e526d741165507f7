// Compiling this file is a test: the small configs are explored in constant
// evaluation by the same engine and models the explorer runs (SortedIndex
// instead of HashIndex), and their results must equal the pins in
// configs.hpp.  The larger configs are checked at run time by ctest
// (tla.explore.*); exploring them here would cost minutes of compile time.
#include <cstddef>
#include <string_view>

#include "bfs.hpp"
#include "configs.hpp"

namespace clawvm::tla {
namespace {

template <class Model, std::size_t N>
constexpr bool matches_pin(const std::array<Config<Model>, N>& configs, std::string_view name) {
  for (const auto& cfg : configs) {
    if (cfg.name != name) continue;
    const Summary s = summarize(Model(cfg.constants), cfg.invariants, cfg.properties);
    if (cfg.expect == Expect::ok)
      return s.verdict == Verdict::ok && s.distinct == cfg.distinct && s.diameter == cfg.diameter;
    return (s.verdict == Verdict::invariant_violated || s.verdict == Verdict::property_violated) &&
           s.trace_states == cfg.trace_states;
  }
  return false;  // no such config
}

// Green configs: the complete state graph (count and diameter).
static_assert(matches_pin(page_residency_configs, "MCPageResidency_starved"));
static_assert(matches_pin(journal_configs, "MCJournal_small"));
static_assert(matches_pin(clawvm_configs, "MCClawVM_small"));

// _bug configs whose counterexample is reached after a few hundred states.
static_assert(matches_pin(page_residency_configs, "MCPageResidency_evict_below_floor_bug"));
static_assert(matches_pin(page_residency_configs, "MCPageResidency_evict_pinned_bug"));
static_assert(matches_pin(page_residency_configs, "MCPageResidency_upgrade_over_budget_bug"));
static_assert(matches_pin(journal_configs, "MCJournal_commit_without_validate_bug"));
static_assert(matches_pin(clawvm_configs, "MCClawVM_skip_writeback_on_reset_bug"));
static_assert(matches_pin(clawvm_configs, "MCClawVM_skip_restore_after_compaction_bug"));

// The engine itself: a config naming a check the model lacks is an error,
// not a silent pass.
static_assert(summarize(journal::Model(journal_configs[0].constants), names("NoSuchInv"), names()).verdict ==
              Verdict::config_error);

}  // namespace
}  // namespace clawvm::tla
