// Compiling this file is a test: the small configs are explored in constant
// evaluation by the same engine and models the explorer runs (SortedIndex
// instead of HashIndex), and their results must equal their rows of
// tla/expected_counts.tsv, whose bytes tla/CMakeLists.txt embeds at configure
// time (expected_counts_tsv.hpp).  The larger configs are checked at run time
// by ctest (tla.explore.*); exploring them here would cost minutes of compile
// time.
#include <cstddef>
#include <string_view>
#include <vector>

#include "bfs.hpp"
#include "configs.hpp"
#include "expected.hpp"
#include "liveness.hpp"
#include "expected_counts_tsv.hpp"  // generated: expected_counts_tsv, the table's bytes

namespace clawvm::tla {
namespace {

static_assert(parse_expected(expected_counts_tsv).error.empty(), "tla/expected_counts.tsv does not parse");

template <class Model, std::size_t N>
constexpr bool matches_table(const std::array<Config<Model>, N>& configs, std::string_view name) {
  const ExpectedTable table = parse_expected(expected_counts_tsv);
  const ExpectedRow* row = table.find(name);
  if (row == nullptr) return false;  // no row
  for (const auto& cfg : configs) {
    if (cfg.name != name) continue;
    const Summary s = summarize(Model(cfg.constants), cfg.invariants, cfg.properties);
    switch (row->kind) {
      case ExpectKind::ok:
        return s.verdict == Verdict::ok && s.distinct == row->distinct && s.diameter == row->diameter;
      case ExpectKind::invariant:
        return s.verdict == Verdict::invariant_violated && s.trace_states == row->trace;
      case ExpectKind::action:
        return s.verdict == Verdict::property_violated && s.trace_states == row->trace;
      case ExpectKind::temporal:
      case ExpectKind::simulate:
        return false;  // liveness and simulation are checked at run time only
    }
  }
  return false;  // no such config
}

// Green configs: the complete state graph (count and diameter).
static_assert(matches_table(page_residency_configs, "MCPageResidency_starved"));
static_assert(matches_table(journal_configs, "MCJournal_small"));
static_assert(matches_table(clawvm_configs, "MCClawVM_small"));
static_assert(matches_table(lifecycle_configs, "MCLifecycle_small"));

// _bug configs whose counterexample is reached after a few hundred states.
static_assert(matches_table(page_residency_configs, "MCPageResidency_evict_below_floor_bug"));
static_assert(matches_table(page_residency_configs, "MCPageResidency_evict_pinned_bug"));
static_assert(matches_table(page_residency_configs, "MCPageResidency_upgrade_over_budget_bug"));
static_assert(matches_table(journal_configs, "MCJournal_commit_without_validate_bug"));
static_assert(matches_table(clawvm_configs, "MCClawVM_skip_writeback_on_reset_bug"));
static_assert(matches_table(clawvm_configs, "MCClawVM_skip_restore_after_compaction_bug"));
static_assert(matches_table(lifecycle_configs, "MCLifecycle_threshold_jump_skips_flush_bug"));
static_assert(matches_table(lifecycle_configs, "MCLifecycle_no_bootstrap_after_recovery_bug"));
static_assert(matches_table(lifecycle_configs, "MCLifecycle_reset_flush_forgotten_bug"));

// The liveness algorithm on a hand-made graph: 0 -a-> 1 -b-> 0, 1 -c-> 2;
// P = "at 0", Q = "at 2".  The cycle 0,1 avoids Q forever; c is enabled at 1
// only.  WF(c) does not force c (it is disabled at 0 infinitely often), SF(c)
// does; without WF(a) the behaviour may also stutter at 0 forever.
struct ToyLive {
  bool violated;
  std::size_t lasso_states;
  bool stutter;
  std::size_t loop_to;
};
// Fairness conditions written "Wa Wb Sc": W/S for weak/strong, then the
// one-letter names of the actions of the disjunction ("Wbc" is WF(b \/ c)).
constexpr ToyLive toy_live(std::string_view spec) {
  constexpr std::string_view letters = "abc";
  std::vector<Fairness> fair;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] == ' ') continue;
    Fairness f;
    f.kind = spec[i] == 'S' ? Fairness::Kind::strong : Fairness::Kind::weak;
    while (i + 1 < spec.size() && spec[i + 1] != ' ') f.actions.push_back(letters.substr(letters.find(spec[++i]), 1));
    fair.push_back(f);
  }
  Edges e;
  e.begin = {0, 1, 3, 3};
  e.target = {1, 0, 2};
  e.action = {"a", "b", "c"};
  Liveness live(e, {no_index, 0, 1}, {"Initial predicate", "a", "c"}, fair);
  Lasso l;
  const bool bad = live.violated([](std::size_t u) { return u == 0; }, [](std::size_t u) { return u == 2; }, l);
  return ToyLive{bad, l.states.size(), l.stutter, l.loop_to};
}
// No fairness: stutter at 0 (a one-state lasso).
static_assert(toy_live("").violated && toy_live("").stutter && toy_live("").lasso_states == 1);
// WF(a), WF(b), WF(c): the cycle 0 -a-> 1 -b-> back to 0 is fair.
static_assert(toy_live("Wa Wb Wc").violated && !toy_live("Wa Wb Wc").stutter);
static_assert(toy_live("Wa Wb Wc").lasso_states == 2 && toy_live("Wa Wb Wc").loop_to == 0);
// SF(c) with WF(a): state 1 (c enabled) must not recur without c; at 0 alone a is enabled: holds.
static_assert(!toy_live("Wa Wb Sc").violated);
// SF(c) alone: stuttering at 0 (c disabled there) is still fair.
static_assert(toy_live("Sc").violated && toy_live("Sc").stutter);
// WF on the disjunction of b and c: enabled at 1 only, taken (b) on the cycle: violated.
static_assert(toy_live("Wa Wbc").violated);
// WF(a) alone: the tail may not stop at 0, but the cycle (b not fair) is: violated, cyclic.
static_assert(toy_live("Wa").violated && !toy_live("Wa").stutter);

// The engine itself: a config naming a check the model lacks is an error,
// not a silent pass.
static_assert(summarize(journal::Model(journal_configs[0].constants), names("NoSuchInv"), names()).verdict ==
              Verdict::config_error);

}  // namespace
}  // namespace clawvm::tla
