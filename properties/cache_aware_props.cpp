// The cache-aware policy (spec/selector.md SEL-11): its steps 1 and 2 are clawvm's, so on
// random workloads and budgets it has exactly clawvm's faults, kind by kind. (Its traces
// are checked against the model wherever the suite replays it, RP-9.)
//
// Reproduce: RC_PARAMS="reproduce=..." (printed on failure) or RC_PARAMS="seed=N".
// The mutant build (cache_aware_props_mutant) runs a cache-aware policy without pointer
// prefetch and must be falsified: it then refetches evidence that clawvm holds.

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include "clawvm/replay.hpp"
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

}  // namespace

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
