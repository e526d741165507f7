// spec/selector.md SEL-1..SEL-9: the three steps, priorities, tie-breaks, guarantees.
#include <catch2/catch.hpp>

#include "clawvm/page_table.hpp"
#include "clawvm/selector.hpp"
#include "test_pages.hpp"

using namespace clawvm;
using clawvm::test::ladder;

namespace {
selection run(const page_table& t, std::uint32_t budget, std::vector<demand> demands,
              selector_policy policy = {}) {
  return select_representations({t.pages(), budget, demands, {}}, policy);
}
std::uint32_t sum_tokens(const page_table& t, const selection& s) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < t.size(); ++i) sum += t.at(static_cast<page_index>(i)).tokens_at(s.levels[i]);
  return sum;
}
}  // namespace

TEST_CASE("auto-pinned floors are installed before demands raise anything", "[selector][SEL-2]") {
  page_table t;
  REQUIRE(t.ingest(ladder("boot", page_type::bootstrap, 90)) == reason_code::ok);   // floor 30
  REQUIRE(t.ingest(ladder("rule", page_type::constraint, 30)) == reason_code::ok);  // floor 10
  // Budget 60: boot at full (90) would not fit anyway; boot demanded at full must not
  // starve the constraint's floor.
  auto s = run(t, 60, {{0, level::full}}, {true, false, upgrade_mode::none, {}});
  CHECK(s.levels[0] == level::structured);
  CHECK(s.levels[1] == level::structured);
  REQUIRE(s.unmet.size() == 1);
  CHECK(s.unmet[0].page == 0);
  CHECK(s.unmet[0].wanted == level::full);
  CHECK(s.unmet[0].installed == level::structured);
  CHECK(s.unmet[0].reason == reason_code::required_does_not_fit);
  CHECK(s.tokens_used == 40);
}

TEST_CASE("physical insufficiency is surfaced, never silent", "[selector][SEL-3]") {
  page_table t;
  REQUIRE(t.ingest(ladder("boot", page_type::bootstrap, 300)) == reason_code::ok);  // floor 100
  REQUIRE(t.ingest(ladder("rule", page_type::constraint, 90)) == reason_code::ok);  // floor 30
  auto s = run(t, 50, {});
  CHECK_FALSE(s.floor_set_fits);
  CHECK(s.floor_set_tokens == 130);
  CHECK(s.levels[0] == level::none);
  CHECK(s.levels[1] == level::structured);  // lower priority, but it fits
  REQUIRE(s.unmet.size() == 1);
  CHECK(s.unmet[0].page == 0);
}

TEST_CASE("without auto-pin, hard-pinned pages are not required", "[selector][SEL-2]") {
  page_table t;
  REQUIRE(t.ingest(ladder("boot", page_type::bootstrap, 90)) == reason_code::ok);
  auto s = run(t, 500, {}, {false, false, upgrade_mode::none, {}});
  CHECK(s.levels[0] == level::none);
  CHECK(s.tokens_used == 0);
}

TEST_CASE("a demand is served at the lowest present level at or above max(wanted, floor)", "[selector][SEL-3]") {
  page_table t;
  REQUIRE(t.ingest(ladder("plan", page_type::plan, 90)) == reason_code::ok);
  // plan has no compressed level: a demand for compressed is served at full.
  auto s = run(t, 500, {{0, level::compressed}}, {true, false, upgrade_mode::none, {}});
  CHECK(s.levels[0] == level::full);
  // a demand below the floor is served at the floor
  REQUIRE(t.ingest(ladder("rule", page_type::constraint, 30)) == reason_code::ok);
  CHECK(serving_level(t.at(1), level::pointer) == level::structured);
}

TEST_CASE("pointer prefetch: highest recompute cost first, while pointers fit", "[selector][SEL-4]") {
  page_table t;
  // pointer tokens: 90 -> 30 -> 10 -> 3 (evidence ladder)
  REQUIRE(t.ingest(ladder("cheap", page_type::evidence, 90, /*recompute=*/1)) == reason_code::ok);
  REQUIRE(t.ingest(ladder("dear", page_type::evidence, 90, /*recompute=*/12)) == reason_code::ok);
  REQUIRE(t.ingest(ladder("mid", page_type::evidence, 90, /*recompute=*/8)) == reason_code::ok);
  auto s = run(t, 6, {}, {true, true, upgrade_mode::none, {}});
  CHECK(s.levels[0] == level::none);
  CHECK(s.levels[1] == level::pointer);
  CHECK(s.levels[2] == level::pointer);
  CHECK(s.tokens_used == 6);
  // decision order follows the prefetch order
  REQUIRE(s.decisions.size() == 2);
  CHECK(s.decisions[0].page == 1);
  CHECK(s.decisions[1].page == 2);
  CHECK(s.decisions[0].step == install_step::prefetch);
}

TEST_CASE("upgrades rank by utility per extra token, ties by page id", "[selector][SEL-7]") {
  page_table t;
  REQUIRE(t.ingest(ladder("b-page", page_type::evidence, 90, 0, 5)) == reason_code::ok);
  REQUIRE(t.ingest(ladder("a-page", page_type::evidence, 90, 0, 5)) == reason_code::ok);
  // Both at pointer (3 tokens) after prefetch; next step structured costs 7 more. Budget
  // 3+3+7 lets exactly one upgrade through: the tie goes to the smaller id, "a-page".
  auto s = run(t, 13, {}, {true, true, upgrade_mode::clawvm, {}});
  CHECK(s.levels[1] == level::structured);
  CHECK(s.levels[0] == level::pointer);

  // Higher base utility wins over the tie-break.
  page_table u;
  REQUIRE(u.ingest(ladder("a-page", page_type::evidence, 90, 0, 1)) == reason_code::ok);
  REQUIRE(u.ingest(ladder("b-page", page_type::evidence, 90, 0, 9)) == reason_code::ok);
  auto s2 = run(u, 13, {}, {true, true, upgrade_mode::clawvm, {}});
  CHECK(s2.levels[1] == level::structured);
  CHECK(s2.levels[0] == level::pointer);
}

TEST_CASE("upgrade steps are applied only from the page's current level", "[selector][SEL-8]") {
  page_table t;
  REQUIRE(t.ingest(ladder("e", page_type::evidence, 90, 4, 5)) == reason_code::ok);
  // Large budget: the page climbs the whole chain one step at a time.
  auto s = run(t, 1000, {}, {true, true, upgrade_mode::clawvm, {}});
  CHECK(s.levels[0] == level::full);
  CHECK(s.tokens_used == 90);
  for (const auto& d : s.decisions) CHECK(next_up(page_type::evidence, d.from) == d.to);
}

TEST_CASE("utility formulas per upgrade mode", "[selector][SEL-6]") {
  page p;
  p.base_utility = 5;
  p.recency = 2;
  p.recompute_cost = 8;
  p.pin = pin_class::soft;
  const utility_weights w;
  CHECK(page_utility(p, upgrade_mode::lru, w, 0) == Approx(2.0));
  CHECK(page_utility(p, upgrade_mode::recency, w, 0) == Approx(5 + 0.9 * 2 + 0.1 * 8));
  CHECK(page_utility(p, upgrade_mode::clawvm, w, 0) == Approx(5 + 0.6 + 0.6 * 2 + 0.4 * 8));
  CHECK(page_utility(p, upgrade_mode::oracle, w, 3) == Approx(5 + 0.6 + 0.6 * 2 + 0.4 * 8 + 2.2 * 3));
  p.pin = pin_class::hard;
  CHECK(page_utility(p, upgrade_mode::clawvm, w, 0) == Approx(5 + 2.0 + 0.6 * 2 + 0.4 * 8));
}

TEST_CASE("oracle uses future demands to rank upgrades", "[selector][SEL-6]") {
  page_table t;
  REQUIRE(t.ingest(ladder("a", page_type::evidence, 90, 0, 5)) == reason_code::ok);
  REQUIRE(t.ingest(ladder("b", page_type::evidence, 90, 0, 5)) == reason_code::ok);
  const std::vector<std::uint32_t> future{0, 2};
  selector_policy oracle{true, true, upgrade_mode::oracle, {}};
  auto s = select_representations({t.pages(), 13, {}, future}, oracle);
  CHECK(s.levels[1] == level::structured);
  CHECK(s.levels[0] == level::pointer);
}

TEST_CASE("selector guarantees on a mixed session", "[selector][SEL-9]") {
  page_table t;
  REQUIRE(t.ingest(ladder("boot", page_type::bootstrap, 120, 2, 9)) == reason_code::ok);
  REQUIRE(t.ingest(ladder("rule", page_type::constraint, 45, 2, 8)) == reason_code::ok);
  REQUIRE(t.ingest(ladder("plan", page_type::plan, 60, 6, 6)) == reason_code::ok);
  for (int i = 0; i < 12; ++i) {
    REQUIRE(t.ingest(ladder("ev" + std::to_string(i), page_type::evidence, 80U + static_cast<std::uint32_t>(i), 8, 5)) ==
            reason_code::ok);
  }
  for (std::uint32_t budget : {0U, 10U, 55U, 120U, 180U, 240U, 300U, 380U, 500U, 5000U}) {
    for (auto mode : {upgrade_mode::none, upgrade_mode::lru, upgrade_mode::recency, upgrade_mode::clawvm}) {
      const std::vector<demand> demands{{2, level::full}, {5, level::compressed}};
      const selector_policy policy{true, true, mode, {}};
      const auto s = run(t, budget, demands, policy);
      CAPTURE(budget, to_string(mode));
      CHECK(s.tokens_used <= budget);
      CHECK(s.tokens_used == sum_tokens(t, s));
      for (std::size_t i = 0; i < t.size(); ++i) {
        const page& p = t.at(static_cast<page_index>(i));
        if (s.levels[i] != level::none) {
          CHECK(s.levels[i] >= p.floor());
          CHECK(p.has(s.levels[i]));
        }
        if (s.floor_set_fits && p.pin == pin_class::hard) CHECK(s.levels[i] >= p.floor());
      }
      // determinism, including a reused scratch holding another run's data
      selection again;
      selector_scratch scratch;
      select_representations({t.pages(), budget + 1, demands, {}}, policy, again, scratch, true);
      select_representations({t.pages(), budget, demands, {}}, policy, again, scratch, true);
      CHECK(again.levels == s.levels);
      CHECK(again.tokens_used == s.tokens_used);
    }
  }
}

// SEL-11: the cache-aware mode keeps the last assembly's levels and appends new pages at
// their top level while that leaves the reserve; otherwise it rebalances.
namespace {
// Three conversation pages (full 90, compressed 30, structured 10, pointer 3): c0 and c1
// were in the last prompt (c0 at full, c1 at its pointer), c2 is new.
std::vector<page> last_prompt_and_one_new() {
  page_table t;
  for (const char* id : {"c0", "c1", "c2"}) REQUIRE(t.ingest(ladder(id, page_type::conversation, 90)) == reason_code::ok);
  std::vector<page> pages(t.pages().begin(), t.pages().end());
  REQUIRE(pages[0].tokens_at(level::pointer) == 3);
  pages[0].resident = level::full;
  pages[1].resident = level::pointer;
  return pages;
}
selection run_pages(const std::vector<page>& pages, std::uint32_t budget, upgrade_mode mode) {
  selector_policy policy;
  policy.upgrades = mode;
  return select_representations({pages, budget, {}, {}}, policy);
}
}  // namespace

TEST_CASE("cache-aware: keeps the last levels and appends while the reserve is left", "[selector][SEL-11]") {
  const auto pages = last_prompt_and_one_new();
  // Steps 1-2: three pointers (9), R = 291. K = 87 (c0 back to full), N = 87 (c2 to
  // full): 174 <= floor(291 * 90 / 100) = 261.
  const selection s = run_pages(pages, 300, upgrade_mode::cache_aware);
  CHECK(s.levels == std::vector<level>{level::full, level::pointer, level::full});
  CHECK(s.tokens_used == 183);
  // clawvm re-decides: everything fits, so c1 flips up and the cached prompt changes at c1.
  const selection c = run_pages(pages, 300, upgrade_mode::clawvm);
  CHECK(c.levels == std::vector<level>{level::full, level::full, level::full});
  // Every kept or appended level is reached one upgrade step at a time.
  std::size_t upgrades = 0;
  for (const auto& d : s.decisions) upgrades += d.step == install_step::upgrade ? 1U : 0U;
  CHECK(upgrades == 6);
}

TEST_CASE("cache-aware: the reserve boundary is inclusive", "[selector][SEL-11]") {
  const auto pages = last_prompt_and_one_new();
  // R = 194: floor(194 * 90 / 100) = 174 = K + N, so it keeps.
  CHECK(run_pages(pages, 203, upgrade_mode::cache_aware).levels ==
        std::vector<level>{level::full, level::pointer, level::full});
  // R = 193: floor(193 * 90 / 100) = 173 < 174, so it rebalances.
  CHECK(run_pages(pages, 202, upgrade_mode::cache_aware).levels !=
        std::vector<level>{level::full, level::pointer, level::full});
}

TEST_CASE("cache-aware: a rebalance that holds nothing is clawvm's step 3 on refill_percent of the upgrade budget", "[selector][SEL-11]") {
  const auto pages = last_prompt_and_one_new();
  // R = 191, K + N = 174 > 171: rebalance with S = floor(191 * 40 / 100) = 76. The walk
  // stops at c0, the start of the last prompt (back to full: 87 > 76), so nothing is
  // held. All utilities are 0, so steps rank by page id, then target level: c0 and c1 reach
  // compressed (7 + 20 each), c2 structured (7); c2's next step (20) exceeds the 8 left.
  const selection s = run_pages(pages, 200, upgrade_mode::cache_aware);
  CHECK(s.levels == std::vector<level>{level::compressed, level::compressed, level::structured});
  CHECK(s.tokens_used == 70);
  // The same as clawvm whose step 3 gets exactly S: the pointers (9) plus 76.
  CHECK(run_pages(pages, 9 + 76, upgrade_mode::clawvm).levels == s.levels);
}

// SEL-11's rebalance holds the start of the last prompt (RP-11) whose kept levels fit S.
TEST_CASE("cache-aware: a rebalance keeps the start of the last prompt and ranks the rest", "[selector][SEL-11]") {
  auto pages = last_prompt_and_one_new();
  pages[0].resident = level::compressed;
  // Budget 130: R = 121, K + N = 27 + 87 = 114 > floor(121 * 90 / 100) = 108: rebalance
  // with S = 48. c0 returns to compressed (27, held), c1 stays at its pointer (0, held);
  // the ranking has c2 alone: structured (7), then compressed (20) exceeds the 14 left.
  const selection s = run_pages(pages, 130, upgrade_mode::cache_aware);
  CHECK(s.levels == std::vector<level>{level::compressed, level::pointer, level::structured});
  CHECK(s.tokens_used == 43);
  // clawvm's ranking on the same S would raise c1 from its pointer, inside the cached prefix.
  CHECK(run_pages(pages, 9 + 48, upgrade_mode::clawvm).levels ==
        std::vector<level>{level::compressed, level::structured, level::structured});
}

TEST_CASE("cache-aware: the rebalance walks the last prompt in its order, not the table's", "[selector][SEL-11]") {
  auto pages = last_prompt_and_one_new();
  pages[0].resident = level::compressed;
  pages[1].resident = level::compressed;
  selector_policy policy;
  policy.upgrades = upgrade_mode::cache_aware;
  // Budget 109: R = 100, K + N = 54 + 87 > 90: rebalance with S = 40, room to hold one of
  // c0, c1 (27 each); the other gets 7 of the 13 left (structured), c2 nothing.
  const selection table = select_representations({pages, 109, {}, {}}, policy);
  CHECK(table.levels == std::vector<level>{level::compressed, level::structured, level::pointer});
  // The last prompt had c1 before c0 (positions: c0 second, c1 first, c2 not in it).
  const std::vector<std::uint32_t> positions{1, 0, UINT32_MAX};
  const selection stable = select_representations({pages, 109, {}, {}, 0, nullptr, positions}, policy);
  CHECK(stable.levels == std::vector<level>{level::structured, level::compressed, level::pointer});
}

TEST_CASE("cache-aware: the first assembly appends every page", "[selector][SEL-11]") {
  auto pages = last_prompt_and_one_new();
  for (auto& p : pages) p.resident = level::none;
  // Nothing was resident, so every page is appended: N = 3 x 87 = 261. Budget 300:
  // R = 291, floor(291 * 90 / 100) = 261, so all three go to full.
  const selection s = run_pages(pages, 300, upgrade_mode::cache_aware);
  CHECK(s.levels == std::vector<level>{level::full, level::full, level::full});
  CHECK(s.tokens_used == 270);
  // Budget 298: R = 289, floor(289 * 90 / 100) = 260 < 261: a rebalance spends 115.
  const selection r = run_pages(pages, 298, upgrade_mode::cache_aware);
  CHECK(r.tokens_used <= 9 + 115);
  CHECK(run_pages(pages, 9 + 115, upgrade_mode::clawvm).levels == r.levels);
}
