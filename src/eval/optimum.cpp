// The exact offline optimum (spec/optimum.md): one required-only replay (OPT-3), the
// faults of each selection's window as knapsack items, one knapsack per selection (OPT-4).
#include "clawvm/eval/optimum.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <vector>

#include <gsl/assert>

#include "clawvm/apply_event.hpp"
#include "clawvm/boundary.hpp"
#include "clawvm/durable_store.hpp"
#include "clawvm/engine.hpp"
#include "clawvm/policy.hpp"
#include "clawvm/tool_signature.hpp"

namespace clawvm::eval {

namespace {

// OPT-2: the one boundary that does not restore destroys nothing, so a window's served
// pages stay served until the next selection.
static_assert([] {
  for (const page_type t : all_page_types)
    if (boundary_destroys(boundary::memory_flush, t)) return false;
  return true;
}());

// OPT-3: ClawVM's structure, every selection exactly the required step.
engine_policy required_only_policy() {
  engine_policy p = make_policy(policy_id::clawvm);
  p.name = "required_only";
  p.selector.prefetch_pointers = false;
  p.selector.upgrades = upgrade_mode::none;
  return p;
}

constexpr std::uint32_t no_weight = std::numeric_limits<std::uint32_t>::max();

// c_t(p): the tokens of the page's lowest present level at or above pointer.
std::uint32_t serving_weight(const page& p) noexcept {
  const auto l = p.lowest_present_at_least(level::pointer);
  return l ? p.tokens_at(*l) : no_weight;
}

// K_t (OPT-4): the most faults a set of pages within `spare` tokens avoids, by dynamic
// programming over the total value: least_weight[v] is the fewest tokens that avoid v.
std::uint64_t knapsack(const std::map<page_index, std::pair<std::uint64_t, std::uint32_t>>& items,
                       std::uint64_t spare) {
  std::uint64_t total_value = 0;
  for (const auto& [page, item] : items) total_value += item.first;
  constexpr std::uint64_t unreachable = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::uint64_t> least_weight(total_value + 1, unreachable);
  least_weight[0] = 0;
  for (const auto& [page, item] : items) {
    const auto [value, weight] = item;
    if (weight == no_weight) continue;
    for (std::uint64_t v = total_value; v >= value; --v) {
      if (least_weight[v - value] != unreachable)
        least_weight[v] = std::min(least_weight[v], least_weight[v - value] + weight);
      if (v == value) break;
    }
  }
  std::uint64_t best = 0;
  for (std::uint64_t v = 0; v <= total_value; ++v)
    if (least_weight[v] <= spare) best = v;
  return best;
}

class optimum_run {
 public:
  optimum_run(std::uint32_t tokens_budget, optimum_variant variant)
      : budget_(tokens_budget), variant_(variant), engine_({required_only_policy(), tokens_budget, {true, true}}, store_) {}

  void apply(const workload_event& event) {
    const std::string faulting_page = page_that_may_fault(event);
    const std::uint64_t faults_before = controllable_faults();
    const event_outcome outcome = apply_event(engine_, event);
    if (const std::uint64_t faults = controllable_faults() - faults_before; faults > 0) add_faults(faulting_page, faults);
    // A turn and a boundary that restores are selections (EN-7, EN-8); a memory flush
    // neither restores nor destroys (static_assert below), so its window goes on.
    const auto* b = std::get_if<workload_events::lifecycle>(&event);
    if (std::holds_alternative<turn_outcome>(outcome) || (b != nullptr && b->kind != boundary::memory_flush)) {
      start_window();
    }
  }

  optimum_result finish() {
    close_window();
    const fault_counters& c = engine_.counters();
    // OPT-1: under ClawVM's structure these never occur; one would be an engine bug.
    Ensures(c[fault_kind::flush_miss] == 0 && c[fault_kind::silent_recall] == 0 &&
            c[fault_kind::post_compaction_bootstrap] == 0 && c[fault_kind::pinned_invariant_miss] == 0);
    result_.required_only_faults = controllable_faults();
    result_.optimum_faults = result_.required_only_faults - result_.avoidable_faults;
    return result_;
  }

 private:
  std::uint64_t controllable_faults() const noexcept {
    const fault_counters& c = engine_.counters();
    return c[fault_kind::refetch] + c[fault_kind::duplicate_tool];
  }

  // The page a demand or a repeated call would fault on, found before the event applies.
  std::string page_that_may_fault(const workload_event& event) const {
    if (const auto* d = std::get_if<workload_events::demand>(&event)) return d->page;
    if (const auto* t = std::get_if<workload_events::tool_call>(&event)) {
      if (const auto signature = canonical_tool_signature(t->tool, t->arguments_json)) {
        if (const auto known = engine_.tool_result_page_id(*signature)) return std::string{*known};
      }
    }
    return {};
  }

  void add_faults(const std::string& page_id, std::uint64_t faults) {
    const auto index = engine_.pages().find(page_id);
    // Unavoidable: before any selection, or a page the selection did not know (OPT-3).
    if (!in_window_ || !index || *index >= weights_.size()) return;
    auto& item = items_[*index];
    item.first += faults;
    item.second = weights_[*index];
  }

  void close_window() {
    if (!in_window_) return;
    ++result_.selections;
    if (!items_.empty()) ++result_.selections_with_choice;
    if (variant_ != optimum_variant::keeps_nothing) result_.avoidable_faults += knapsack(items_, spare_);
    items_.clear();
  }

  // A selection just ran: its window starts, with the weights as the pages are now.
  void start_window() {
    close_window();
    in_window_ = true;
    spare_ = budget_ - engine_.last_selection().tokens_used;
    const auto pages = engine_.pages().pages();
    weights_.resize(pages.size());
    for (std::size_t i = 0; i < pages.size(); ++i) weights_[i] = serving_weight(pages[i]);
  }

  std::uint32_t budget_;
  optimum_variant variant_;
  memory_store store_;
  engine engine_;
  optimum_result result_;
  bool in_window_ = false;
  std::uint64_t spare_ = 0;
  std::vector<std::uint32_t> weights_;  // c_t by page index, at the window's selection
  std::map<page_index, std::pair<std::uint64_t, std::uint32_t>> items_;  // page -> (v_t, c_t)
};

}  // namespace

optimum_result offline_optimum(const workload& w, std::uint32_t tokens_budget, optimum_variant variant) {
  optimum_run run(tokens_budget, variant);
  for (const workload_event& e : w.events) run.apply(e);
  return run.finish();
}

optimum_result offline_optimum(const workload_pull& pull, std::uint32_t tokens_budget, optimum_variant variant) {
  optimum_run run(tokens_budget, variant);
  workload_event e;
  while (pull(e) == workload_reader::status::event) run.apply(e);
  return run.finish();
}

}  // namespace clawvm::eval
