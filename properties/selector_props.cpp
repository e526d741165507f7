// Selector properties (brief §2, spec/selector.md SEL-1..SEL-9): random valid page sets,
// demands, budgets and policies; the guarantees are checked by
// properties/selector_invariants.hpp (the same checks fuzz/selector_fuzz.cpp aborts on).
//
// Reproduce a failure: RapidCheck prints `RC_PARAMS="reproduce=..."` (and the run's
// seed, "Using configuration: seed=N"); rerun with that environment variable, e.g.
//   RC_PARAMS="seed=N" build/gcc-debug/properties/selector_props
// Longer campaign: RC_PARAMS="max_success=100000" build/gcc-debug/properties/selector_props

#include <algorithm>
#include <random>

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include "generators.hpp"
#include "mutant.hpp"
#include "selector_invariants.hpp"

namespace {

using namespace clawvm;
using namespace clawvm::props;

// The selector under test. With CLAWVM_PROPERTY_MUTANT=drop_pinned it silently loses one
// resident hard-pinned page (and its tokens, so the token accounting still adds up): the
// classic "pin ignored under pressure" bug that PinnedResidentInv must catch.
void select_under_test(const selection_request& request, const selector_policy& policy,
                       selection& out, selector_scratch& scratch, bool record) {
  select_representations(request, policy, out, scratch, record);
  if constexpr (active_mutant == mutant::drop_pinned) {
    for (std::size_t i = 0; i < out.levels.size(); ++i) {
      const page& p = request.pages[i];
      if (p.pin == pin_class::hard && out.levels[i] != level::none) {
        out.tokens_used -= p.tokens_at(out.levels[i]);
        out.levels[i] = level::none;
        break;
      }
    }
  }
}

selection run(const selector_case& c, bool record = true) {
  selection out;
  selector_scratch scratch;
  select_under_test(c.request(), c.policy, out, scratch, record);
  return out;
}

}  // namespace

TEST_CASE("selector: budget, levels, floors, pins and demands (SEL-9)", "[selector][props]") {
  rc::prop("every selection satisfies the brief §2 guarantees", [] {
    const auto c = *gen_selector_case();
    const selection sel = run(c);
    const std::string violation = check_selection(c.request(), c.policy, sel);
    RC_ASSERT(violation == std::string{});
  });
}

TEST_CASE("selector: hard-pinned floors are resident when the floor set fits", "[selector][props][pins]") {
  // PinnedResidentInv on its own, with inputs biased towards pins (auto_pin on, budget >= floor set), so
  // that the planted drop_pinned mutant is caught within the default 100 cases.
  rc::prop("auto_pin and a fitting floor set keep every hard-pinned page >= floor", [] {
    auto c = *gen_selector_case();
    c.policy.auto_pin = true;
    const std::uint64_t floor_tokens = floor_set_tokens(c.table.pages());
    c.budget = static_cast<std::uint32_t>(floor_tokens) + *rc::gen::inRange<std::uint32_t>(0, 200);
    const selection sel = run(c);
    RC_ASSERT(sel.floor_set_fits);
    for (std::size_t i = 0; i < sel.levels.size(); ++i) {
      const page& p = c.table.at(static_cast<page_index>(i));
      if (p.pin != pin_class::hard) continue;
      RC_ASSERT(sel.levels[i] >= p.floor());
    }
  });
}

TEST_CASE("selector: deterministic across runs and dirty scratch", "[selector][props][determinism]") {
  rc::prop("identical inputs give identical selections", [] {
    const auto c = *gen_selector_case();
    const auto other = *gen_selector_case();
    const bool record = *rc::gen::arbitrary<bool>();

    selection first;
    selector_scratch fresh;
    select_under_test(c.request(), c.policy, first, fresh, record);

    selection second;
    selector_scratch fresh2;
    select_under_test(c.request(), c.policy, second, fresh2, record);
    RC_ASSERT(compare_selections(first, second) == std::string{});

    // A scratch (and an output) dirtied by an unrelated selection must not leak into this one.
    selection reused;
    selector_scratch dirty;
    select_under_test(other.request(), other.policy, reused, dirty, !record);
    select_under_test(c.request(), c.policy, reused, dirty, record);
    RC_ASSERT(compare_selections(first, reused) == std::string{});
    // And the same scratch again, right after its own run.
    select_under_test(c.request(), c.policy, reused, dirty, record);
    RC_ASSERT(compare_selections(first, reused) == std::string{});
  });
}

TEST_CASE("selector: demand order does not matter", "[selector][props][determinism]") {
  rc::prop("a permutation of the demands gives the same selection", [] {
    const auto c = *gen_selector_case();
    auto shuffled = c;
    std::mt19937 rng(*rc::gen::arbitrary<std::uint32_t>());
    std::shuffle(shuffled.demands.begin(), shuffled.demands.end(), rng);
    const selection a = run(c);
    const selection b = run(shuffled);
    RC_ASSERT(compare_selections(a, b) == std::string{});
  });
}
