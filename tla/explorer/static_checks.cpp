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
#include "clawvm/model/page_residency.hpp"
#include "expected_counts_tsv.hpp"  // generated: expected_counts_tsv, the table's bytes
#include "spec_tables.hpp"
#include "spec_text.hpp"  // generated: PageResidency_tla, ClawVM_tla, the specs' text

namespace clawvm::tla {
namespace {

static_assert(parse_expected(expected_counts_tsv).error.empty(), "tla/expected_counts.tsv does not parse");

// ---- One model: the library's tables are the specs' tables ------------------------------
// The model (clawvm/model/page_residency.hpp) takes floors, chains and pins from the
// library's page-traits table and destroy sets from its boundary semantics; the specs write
// them as TLA+ expressions. Equal for every page type and boundary, read from the .tla text.

constexpr bool floors_match(std::string_view module) {
  for (clawvm::page_type t : clawvm::all_page_types)
    if (spec_tables::floor_level(module, clawvm::to_string(t)) != clawvm::to_string(model::Floor(t))) return false;
  return true;
}
constexpr bool chains_match(std::string_view module) {
  for (clawvm::page_type t : clawvm::all_page_types) {
    const spec_tables::ChainText text = spec_tables::chain_levels(module, clawvm::to_string(t));
    const clawvm::chain& c = model::Chain(t);
    if (text.size != c.length) return false;
    for (std::size_t i = 0; i < text.size; ++i)
      if (text.levels[i] != clawvm::to_string(c.levels[i])) return false;
  }
  return true;
}
constexpr bool pins_match(std::string_view module) {
  for (clawvm::page_type t : clawvm::all_page_types)
    if (spec_tables::pinned(module, clawvm::to_string(t)) != model::Pinned(t)) return false;
  return true;
}
// ClawVM.tla's Boundaries: every library boundary but shutdown (a process exit, which the
// spec does not model: the engine treats it as session_end).
constexpr bool destroy_sets_match(std::string_view module) {
  constexpr std::array<clawvm::boundary, 5> boundaries{clawvm::boundary::compaction, clawvm::boundary::pruning,
                                                       clawvm::boundary::memory_flush, clawvm::boundary::reset,
                                                       clawvm::boundary::session_end};
  for (clawvm::boundary b : boundaries)
    for (clawvm::page_type t : clawvm::all_page_types)
      if (spec_tables::in_destroy_set(module, clawvm::to_string(b), clawvm::to_string(t)) != model::InDestroySet(b, t))
        return false;
  return true;
}
static_assert(floors_match(PageResidency_tla), "PageResidency.tla Floor(t) differs from page_traits_table");
static_assert(chains_match(PageResidency_tla), "PageResidency.tla Chain(t) differs from page_traits_table");
static_assert(floors_match(ClawVM_tla), "ClawVM.tla Floor(t) differs from page_traits_table");
static_assert(chains_match(ClawVM_tla), "ClawVM.tla Chain(t) differs from page_traits_table");
static_assert(floors_match(TraceClawVM_tla), "TraceClawVM.tla Floor(t) differs from page_traits_table");
static_assert(chains_match(TraceClawVM_tla), "TraceClawVM.tla Chain(t) differs from page_traits_table");
static_assert(pins_match(ClawVM_tla), "ClawVM.tla Pinned(p) differs from page_traits_table's default pins");
static_assert(destroy_sets_match(ClawVM_tla), "ClawVM.tla DestroySet(b) differs from boundary_destroys");

// ... and the comparison can fail: specs edited by one level, one type, one boundary.
constexpr std::string_view floor_drift = "Floor(t) == IF t \\in {\"bootstrap\"} THEN \"structured\" ELSE \"pointer\"\n";
constexpr std::string_view chain_drift =
    "Chain(t) == CASE t \\in {\"bootstrap\", \"constraint\"} -> <<\"full\", \"structured\">>\n"
    "              [] t = \"plan\" -> <<\"full\", \"pointer\">>\n"
    "              [] OTHER -> <<\"full\", \"compressed\", \"structured\", \"pointer\">>\n";
constexpr std::string_view pinned_drift = "Pinned(p) == TypeOf[p] \\in {\"bootstrap\", \"constraint\", \"plan\"}\n";
constexpr std::string_view destroy_drift =
    "DestroySet(b) ==\n"
    "    CASE b \\in {\"compaction\", \"reset\", \"session_end\"} -> Pages\n"
    "      [] b = \"pruning\" -> {p \\in Pages : TypeOf[p] \\in {\"evidence\"}}\n"
    "      [] OTHER -> {}\n";
static_assert(!floors_match(floor_drift));
static_assert(!chains_match(chain_drift));
static_assert(!pins_match(pinned_drift));
static_assert(!destroy_sets_match(destroy_drift));

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
static_assert(matches_table(clawvm_configs, "MCClawVM_restore_below_floor_bug"));
static_assert(matches_table(clawvm_configs, "MCClawVM_commit_keeps_version_bug"));
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
