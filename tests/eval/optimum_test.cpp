// The exact offline optimum on hand-computed instances (spec/optimum.md OPT-6).
#include <catch2/catch.hpp>

#include <string>

#include "clawvm/eval/generators.hpp"
#include "clawvm/eval/optimum.hpp"
#include "clawvm/replay.hpp"

using namespace clawvm;
using namespace clawvm::eval;

namespace {

// An evidence page (a tool result) with a pointer of `pointer_tokens` and a full level.
page_spec evidence(const std::string& id, std::uint32_t pointer_tokens, std::uint32_t full_tokens) {
  page_spec s;
  s.id = id;
  s.type_name = "evidence";
  s.representations[index_of(level::pointer)] = representation{"ptr:" + id, pointer_tokens};
  s.representations[index_of(level::full)] = representation{"full:" + id, full_tokens};
  return s;
}

workload_event tool(const std::string& path, page_spec result) {
  return workload_events::tool_call{"read", R"({"path":")" + path + R"("})", std::move(result)};
}
workload_event demand_of(const std::string& id) { return workload_events::demand{id, level::full}; }
workload_event turn_end() { return workload_events::turn_end{}; }

// Two results read in turn 1 (each at full, 40 tokens: both fit the budget of 100), then
// turn 2 demands nothing, then turn 3 demands A twice and B once. Budget 100, pointers of
// A 30 and B 10 tokens: the selection of turn 2 has 100 tokens spare and keeps both.
// With `spare_for_one`, a third result C (full 70 tokens) is read in turn 2 and takes
// most of that selection: 30 tokens are left, which keep A (two faults) or B (one),
// not both.
workload two_results(bool spare_for_one) {
  workload w;
  w.header.name = "optimum-two-results";
  w.events = {workload_events::session_start{"s"}, tool("a", evidence("A", 30, 40)), tool("b", evidence("B", 10, 40)),
              turn_end()};
  if (spare_for_one) w.events.push_back(tool("c", evidence("C", 20, 70)));
  w.events.push_back(turn_end());
  for (const auto& e : {demand_of("A"), demand_of("A"), demand_of("B"), turn_end()}) w.events.push_back(e);
  return w;
}

std::uint64_t faults_of(const workload& w, const engine_policy& policy, std::uint32_t budget) {
  replay_options o;
  o.policy = policy;
  o.tokens_budget = budget;
  return replay(w, o).metrics.counters.total_faults();
}

}  // namespace

TEST_CASE("OPT-4: everything fits: the optimum keeps both results", "[optimum]") {
  const optimum_result r = offline_optimum(two_results(false), 100);
  // Required-only: turn 2's selection holds nothing, so turn 3's three demands refetch.
  CHECK(r.required_only_faults == 3);
  CHECK(r.avoidable_faults == 3);
  CHECK(r.optimum_faults == 0);
  CHECK(r.selections == 3);
  CHECK(r.selections_with_choice == 1);
  CHECK(faults_of(two_results(false), policy_clawvm(), 100) == 0);
}

TEST_CASE("OPT-4: the knapsack keeps the page with more faults when only one fits", "[optimum]") {
  const optimum_result r = offline_optimum(two_results(true), 100);
  // Turn 2 installs C at full (70 of 100): 30 spare keep A (30 tokens, two faults)
  // rather than B (10 tokens, one fault). One fault remains.
  CHECK(r.required_only_faults == 3);
  CHECK(r.avoidable_faults == 2);
  CHECK(r.optimum_faults == 1);
  // Every policy with ClawVM's structure has at least that many.
  for (const auto& policy : {policy_clawvm(), policy_lru(), policy_oracle()}) {
    CAPTURE(policy.name);
    CHECK(faults_of(two_results(true), policy, 100) >= r.optimum_faults);
  }
}

TEST_CASE("OPT-2: a memory flush does not end a window", "[optimum]") {
  // It neither restores nor destroys, so turn 2's selection still serves turn 3's
  // demands: the same three avoidable faults, and no extra selection.
  workload w = two_results(false);
  w.events.insert(w.events.end() - 4, workload_events::lifecycle{boundary::memory_flush});
  const optimum_result r = offline_optimum(w, 100);
  CHECK(r.selections == 3);
  CHECK(r.required_only_faults == 3);
  CHECK(r.optimum_faults == 0);
  CHECK(faults_of(w, policy_clawvm(), 100) == 0);
}

TEST_CASE("OPT-2: faults are counted on ever-resident pages only, before any selection none", "[optimum]") {
  // A result demanded before any assembly is a miss, not a fault, in every sequence.
  workload w;
  w.header.name = "optimum-no-selection";
  w.events = {workload_events::session_start{"s"}, tool("a", evidence("A", 5, 40)), demand_of("A"), turn_end()};
  const optimum_result r = offline_optimum(w, 100);
  CHECK(r.required_only_faults == 0);
  CHECK(r.optimum_faults == 0);
  CHECK(r.selections == 1);
}

TEST_CASE("OPT-5: ClawVM's structure never beats the optimum on the generated families", "[optimum]") {
  for (const auto family : tier2_families) {
    const workload w = generate_workload(family, {7, 48});
    for (const std::uint32_t budget : {60U, 120U, 180U, 500U}) {
      const optimum_result r = offline_optimum(w, budget);
      CAPTURE(to_string(family), budget, r.optimum_faults, r.required_only_faults);
      CHECK(r.optimum_faults <= r.required_only_faults);
      for (const auto& policy : {policy_clawvm(), policy_lru(), policy_oracle()}) {
        CAPTURE(policy.name);
        CHECK(faults_of(w, policy, budget) >= r.optimum_faults);
      }
    }
  }
}
