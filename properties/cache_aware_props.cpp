// The cache-aware policy (spec/selector.md SEL-11): its steps 1 and 2 are clawvm's, so on
// random workloads and budgets it has exactly clawvm's faults, kind by kind. (Its traces
// are checked against the model wherever the suite replays it, RP-9.)
//
// Reproduce: RC_PARAMS="reproduce=..." (printed on failure) or RC_PARAMS="seed=N".
// The mutant build (cache_aware_props_mutant) runs a cache-aware policy without pointer
// prefetch and must be falsified: it then refetches evidence that clawvm holds.

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <string>
#include <vector>

#include "clawvm/replay.hpp"
#include "clawvm/stable_assembly.hpp"
#include "fault_scenario.hpp"
#include "mutant.hpp"

namespace {

using namespace clawvm;
using namespace clawvm::props;

engine_policy cache_aware_under_test() {
  engine_policy p = policy_cache_aware();
  if constexpr (active_mutant == mutant::cache_aware_without_prefetch) p.selector.prefetch_pointers = false;
  return p;
}

replay_metrics metrics_of(const scenario& s, const engine_policy& policy) {
  replay_options o;
  o.policy = policy;
  o.tokens_budget = s.budget;
  return replay(s.w, o).metrics;
}

const prompt& assemble_under_test(stable_assembly& assembly, const prompt& table_order) {
  if constexpr (active_mutant == mutant::stable_assembly_in_table_order) {
    static prompt same;
    same = table_order;
    return same;
  }
  return assembly.assemble(table_order);
}

// One turn's table-order prompt over pages p00..p11: per page 0 (not resident) or a code
// for (level, content version), so pieces appear, vanish, change level and change content.
prompt table_prompt(const std::vector<int>& codes) {
  prompt out;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] == 0) continue;
    const auto l = static_cast<level>(1 + (codes[i] - 1) % 4);
    const auto version = static_cast<std::uint64_t>((codes[i] - 1) / 4);
    out.push_back({"p" + std::to_string(10 + i), l, version, static_cast<std::uint32_t>(10 * (codes[i] % 4 + 1))});
  }
  return out;
}

bool contains(const prompt& p, const prompt_piece& piece) { return std::find(p.begin(), p.end(), piece) != p.end(); }

}  // namespace

TEST_CASE("stable assembly: the unchanged pieces of the last prompt stay first, in its order (RP-11)",
          "[stable_assembly][props]") {
  rc::prop("UnchangedPrefixKept: each prompt is a permutation of the table-order pieces that starts with the last "
           "prompt's unchanged pieces, in the last prompt's order",
           [] {
             const auto turns = *rc::gen::container<std::vector<std::vector<int>>>(
                 rc::gen::container<std::vector<int>>(12, rc::gen::inRange(0, 9)));
             stable_assembly assembly;
             prompt last;
             bool partly_changed = false;  // some turn kept part of the last prompt, not all
             for (const auto& codes : turns) {
               const prompt table = table_prompt(codes);
               const prompt next = assemble_under_test(assembly, table);
               prompt sorted_next = next;
               prompt sorted_table = table;
               const auto by_id = [](const prompt_piece& a, const prompt_piece& b) { return a.page_id < b.page_id; };
               std::sort(sorted_next.begin(), sorted_next.end(), by_id);
               std::sort(sorted_table.begin(), sorted_table.end(), by_id);
               RC_ASSERT(sorted_next == sorted_table);
               prompt unchanged;
               for (const auto& piece : last) {
                 if (contains(table, piece)) unchanged.push_back(piece);
               }
               const prompt head(next.begin(), next.begin() + static_cast<std::ptrdiff_t>(unchanged.size()));
               const bool UnchangedPrefixKept = head == unchanged;
               RC_ASSERT(UnchangedPrefixKept);
               partly_changed = partly_changed || (!unchanged.empty() && unchanged.size() < last.size());
               last = next;
             }
             RC_CLASSIFY(partly_changed, "a prompt kept part of the last one");
           });
}

TEST_CASE("cache_aware: the same faults as clawvm", "[cache_aware][props]") {
  rc::prop("faults of cache_aware == faults of clawvm, kind by kind (SEL-11)", [] {
    const scenario s = *gen_scenario();
    const replay_metrics c = metrics_of(s, policy_clawvm());
    const replay_metrics a = metrics_of(s, cache_aware_under_test());
    RC_LOG() << "clawvm faults " << c.counters.total_faults() << ", cache_aware faults " << a.counters.total_faults()
             << "; prefix breaks " << c.prefix_breaks << " and " << a.prefix_breaks << "\n";
    RC_ASSERT(a.counters.faults == c.counters.faults);
    RC_CLASSIFY(c.counters.total_faults() > 0, "clawvm faults");
    RC_CLASSIFY(a.prefix_tokens_kept != c.prefix_tokens_kept, "prompts differ");
  });
}
