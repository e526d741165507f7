// Tier-2 sweep, shape check, stress runs: spec/sweep.md SW-1..SW-10.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "clawvm/eval/optimum.hpp"
#include "clawvm/eval/sweep.hpp"

using namespace clawvm;
using namespace clawvm::eval;

namespace {

// A reduced sweep (shorter workloads, three budgets) that keeps the test quick in a debug
// build; the shape must hold here as on the default sweep.
sweep_config reduced() {
  sweep_config c;
  c.turns = 48;
  c.budgets_tokens = {120, 240, 500};
  return c;
}

const shape_check* find_check(const std::vector<shape_check>& checks, std::string_view name) {
  for (const auto& c : checks) {
    if (c.check == name) return &c;
  }
  return nullptr;
}

std::vector<engine_policy> with_clawvm_replaced(engine_policy broken) {
  broken.name = "clawvm";
  auto policies = all_policies();
  for (auto& p : policies) {
    if (p.name == "clawvm") p = broken;
  }
  return policies;
}

}  // namespace

TEST_CASE("SW-6 the paper's shape holds on a reduced sweep", "[sweep]") {
  const sweep_result r = run_sweep(reduced());
  for (const auto& c : r.shape) {
    CAPTURE(c.check, c.detail);
    CHECK(c.pass);
  }
  CHECK(r.shape_pass);
  for (const auto* name : {"mean_faults_ordered", "clawvm_zero_where_capacity_sufficient",
                           "oracle_zero_where_capacity_sufficient", "lru_equals_clawvm", "cache_aware_equals_clawvm",
                           "thrash_reduction", "budget_binds"}) {
    CAPTURE(name);
    CHECK(find_check(r.shape, name) != nullptr);
  }
}

TEST_CASE("SW-6 negative control: ClawVM without writeback must fail the shape check", "[sweep]") {
  // A planted bug: the policy named clawvm never writes back, so dirty state is destroyed at
  // compactions, resets and session ends. The shape check must notice.
  engine_policy broken = policy_clawvm();
  broken.writeback_at = {false, false, false, false, false, false};
  sweep_config c = reduced();
  c.policies = with_clawvm_replaced(broken);
  const sweep_result r = run_sweep(c);
  CHECK_FALSE(r.shape_pass);
  REQUIRE(find_check(r.shape, "clawvm_zero_where_capacity_sufficient") != nullptr);
  CHECK_FALSE(find_check(r.shape, "clawvm_zero_where_capacity_sufficient")->pass);
  CHECK_FALSE(find_check(r.shape, "lru_equals_clawvm")->pass);
  CHECK_FALSE(find_check(r.shape, "cache_aware_equals_clawvm")->pass);
  // The oracle is untouched and still clean.
  CHECK(find_check(r.shape, "oracle_zero_where_capacity_sufficient")->pass);
}

TEST_CASE("SW-6 negative control: a cache-aware policy that never writes back fails cache_aware_equals_clawvm",
          "[sweep]") {
  // A planted bug: the policy named cache_aware loses ClawVM's writeback (its structure is
  // ClawVM's, EN-9), so dirty state is destroyed uncommitted. Its equality check must
  // notice. (Without pointer prefetch it would not: on these families step 3 installs
  // every page anyway; cache_aware_props_mutant catches that one on tight budgets.)
  sweep_config c = reduced();
  for (auto& p : c.policies) {
    if (p.id == policy_id::cache_aware) p.writeback_at = {false, false, false, false, false, false};
  }
  const sweep_result r = run_sweep(c);
  REQUIRE(find_check(r.shape, "cache_aware_equals_clawvm") != nullptr);
  CHECK_FALSE(find_check(r.shape, "cache_aware_equals_clawvm")->pass);
  CHECK(find_check(r.shape, "lru_equals_clawvm")->pass);
}

TEST_CASE("SW-6 negative control: ClawVM whose pointers do not resolve fails the shape check", "[sweep]") {
  engine_policy broken = policy_clawvm();
  broken.pointers_resolve_evidence = false;
  sweep_config c = reduced();
  c.policies = with_clawvm_replaced(broken);
  const sweep_result r = run_sweep(c);
  CHECK_FALSE(r.shape_pass);
  CHECK_FALSE(find_check(r.shape, "clawvm_zero_where_capacity_sufficient")->pass);
}

TEST_CASE("SW-6 negative control: baselines in the wrong order fail mean_faults_ordered", "[sweep]") {
  sweep_config c = reduced();
  c.budgets_tokens = {180};
  auto policies = all_policies();
  std::swap(policies[0].name, policies[2].name);  // retrieval runs as compaction_hybrid and back
  c.policies = policies;
  const sweep_result r = run_sweep(c);
  REQUIRE(find_check(r.shape, "mean_faults_ordered") != nullptr);
  CHECK_FALSE(find_check(r.shape, "mean_faults_ordered")->pass);
  CHECK_FALSE(r.shape_pass);
}

TEST_CASE("SW-16 capacity: rows carry their workload's peak footprint; only cross_reference is ever short",
          "[sweep]") {
  const sweep_result r = run_sweep(reduced());
  for (const auto& row : r.rows) {
    CAPTURE(row.family, row.tokens_budget, row.metrics.policy);
    REQUIRE(row.peak_footprint_tokens.has_value());
    // The paper's families keep their working set within the smallest budget (GEN-3).
    if (row.family != "cross_reference") CHECK(row.capacity_sufficient());
    // cross_reference's footprint crosses the sweep's budgets (GEN-13).
    if (row.family == "cross_reference") CHECK(row.capacity_sufficient() == (row.tokens_budget >= 500));
  }
  const shape_check* binds = find_check(r.shape, "budget_binds");
  REQUIRE(binds != nullptr);
  CAPTURE(binds->detail);
  CHECK(binds->pass);
}

TEST_CASE("SW-6 negative control: a sweep where the budget never binds fails budget_binds", "[sweep]") {
  // The paper's four families alone: every working set fits the smallest budget (GEN-3), so
  // nothing pages and the curves are flat. The check must say so.
  sweep_config c = reduced();
  c.families = {paper_tier2_families.begin(), paper_tier2_families.end()};
  const sweep_result r = run_sweep(c);
  const shape_check* binds = find_check(r.shape, "budget_binds");
  REQUIRE(binds != nullptr);
  CAPTURE(binds->detail);
  CHECK_FALSE(binds->pass);
  CHECK(find_check(r.shape, "clawvm_zero_where_capacity_sufficient")->pass);
}

TEST_CASE("SW-6 negative control: a sweep without sufficient capacity shows nothing and fails the zero checks",
          "[sweep]") {
  sweep_config c = reduced();
  c.budgets_tokens = {40};
  const sweep_result r = run_sweep(c);
  const shape_check* zero = find_check(r.shape, "clawvm_zero_where_capacity_sufficient");
  REQUIRE(zero != nullptr);
  CAPTURE(zero->detail);
  CHECK_FALSE(zero->pass);
}

TEST_CASE("SW-3 rows cover every configuration in order, with oracle gaps", "[sweep]") {
  sweep_config c = reduced();
  c.budgets_tokens = {180, 300};
  const sweep_result r = run_sweep(c);
  REQUIRE(r.rows.size() == c.families.size() * c.budgets_tokens.size() * c.policies.size());
  std::size_t i = 0;
  for (auto f : c.families) {
    for (auto b : c.budgets_tokens) {
      const sweep_row* oracle = nullptr;
      for (std::size_t p = 0; p < c.policies.size(); ++p, ++i) {
        const sweep_row& row = r.rows[i];
        CHECK(row.family == to_string(f));
        CHECK(row.tokens_budget == b);
        CHECK(row.metrics.policy == c.policies[p].name);
        CHECK(row.metrics.tokens_budget == b);
        if (row.metrics.policy == "oracle") oracle = &row;
      }
      REQUIRE(oracle != nullptr);
      for (std::size_t p = i - c.policies.size(); p < i; ++p) {
        REQUIRE(r.rows[p].oracle_gap.has_value());
        CHECK(*r.rows[p].oracle_gap == oracle_gap(r.rows[p].metrics, oracle->metrics));
      }
    }
  }
  CHECK(r.by_policy.size() == c.policies.size());
  for (const auto& s : r.by_policy) CHECK(s.configurations == c.families.size() * c.budgets_tokens.size());
}

TEST_CASE("SW-7 the JSON, CSV and markdown describe the same rows", "[sweep]") {
  sweep_config c = reduced();
  c.budgets_tokens = {180};
  const sweep_result r = run_sweep(c);
  const auto j = to_json(r);
  CHECK(j.at("format") == "clawvm-tier2");
  CHECK(j.at("version") == 1);
  CHECK(j.at("rows").size() == r.rows.size());
  CHECK(j.at("shape_pass") == r.shape_pass);
  for (const auto& row : j.at("rows")) {
    std::uint64_t by_kind = 0;
    for (const auto& [kind, n] : row.at("faults").items()) by_kind += n.get<std::uint64_t>();
    CHECK(by_kind == row.at("faults_total").get<std::uint64_t>());
    for (const auto* key : {"family", "workload", "budget", "policy", "hits", "duplicate_signature_alerts",
                            "thrash_index", "oracle_gap", "tokens_used_total", "physical_insufficiency",
                            "floor_set_fits", "peak_footprint_tokens", "capacity_sufficient"}) {
      CAPTURE(key);
      CHECK(row.contains(key));
    }
  }
  std::istringstream csv(to_csv(r));
  std::string line;
  std::size_t lines = 0;
  std::size_t columns = 0;
  while (std::getline(csv, line)) {
    const auto commas = static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
    if (lines++ == 0) columns = commas;
    CHECK(commas == columns);
  }
  CHECK(lines == r.rows.size() + 1);
  const std::string md = to_markdown(r);
  CHECK(md.find(r.shape_pass ? "Shape check: PASS" : "Shape check: FAIL") != std::string::npos);
}

TEST_CASE("SW-2 outputs are byte-identical for any number of jobs", "[sweep]") {
  sweep_config one = reduced();
  one.budgets_tokens = {120, 300};
  sweep_config two = one;
  two.jobs = 2;
  sweep_config three = one;
  three.jobs = 3;
  const auto a = run_sweep(one);
  const auto b = run_sweep(two);
  const auto c = run_sweep(three);
  CHECK(to_json(a).dump(2) == to_json(b).dump(2));
  CHECK(to_json(a).dump(2) == to_json(c).dump(2));
  CHECK(to_csv(a) == to_csv(b));
  CHECK(to_markdown(a) == to_markdown(b));
}

TEST_CASE("SW-8 every decision trace of the sweep follows the model", "[sweep]") {
  sweep_config c = reduced();
  c.turns = 32;
  c.budgets_tokens = {120, 300};
  c.validate_traces = true;
  c.jobs = 2;
  const sweep_result r = run_sweep(c);
  CHECK(r.traces_validated);
  CHECK(r.trace_divergences == 0);
  for (const auto& row : r.rows) {
    CHECK(row.trace.validated);
    CHECK(row.trace.steps > 0);
    if (row.trace.divergence) FAIL_CHECK(row.family << "@" << row.tokens_budget << " " << row.metrics.policy << ": "
                                                    << row.trace.divergence->message);
  }
  const auto* traces = find_check(r.shape, "decision_traces_valid");
  REQUIRE(traces != nullptr);
  CHECK(traces->pass);
}

TEST_CASE("SW-5 a sweep without the policies a check needs leaves the check out", "[sweep]") {
  sweep_config c = reduced();
  c.budgets_tokens = {180};
  c.policies = {policy_clawvm()};
  const sweep_result r = run_sweep(c);
  CHECK(find_check(r.shape, "mean_faults_ordered") == nullptr);
  CHECK(find_check(r.shape, "lru_equals_clawvm") == nullptr);
  CHECK(find_check(r.shape, "clawvm_zero_where_capacity_sufficient") != nullptr);
  for (const auto& row : r.rows) CHECK_FALSE(row.oracle_gap.has_value());
}

TEST_CASE("SW-10 the stress checks pass, and starvation is never silent", "[sweep]") {
  stress_config c;
  c.turns = 32;
  c.budgets_tokens = {120, 240, 500};
  const stress_result r = run_stress(c);
  for (const auto& check : r.checks) {
    CAPTURE(check.check, check.detail);
    CHECK(check.pass);
  }
  CHECK(r.pass);
  CHECK(r.checks.size() == 4);
  CHECK(find_check(r.checks, "optimum_gap_nonnegative") != nullptr);
  CHECK(to_json(r).at("format") == "clawvm-stress");
}

TEST_CASE("SW-10 negative control: a stress run that starves nothing fails starvation_surfaced", "[sweep]") {
  // At 500 tokens the starvation floor set fits: the stress did not stress, which the check
  // must not report as a pass.
  stress_config c;
  c.turns = 16;
  c.budgets_tokens = {500};
  const stress_result r = run_stress(c);
  const auto* starved = find_check(r.checks, "starvation_surfaced");
  REQUIRE(starved != nullptr);
  CHECK_FALSE(starved->pass);
  CHECK_FALSE(r.pass);
}

TEST_CASE("SW-15 every row carries its configuration's optimum and its gap", "[sweep][optimum]") {
  sweep_config c = reduced();
  c.budgets_tokens = {120, 240};
  const sweep_result r = run_sweep(c);
  for (const auto& row : r.rows) {
    CAPTURE(row.family, row.tokens_budget, row.metrics.policy);
    REQUIRE(row.optimum_faults.has_value());
    REQUIRE(row.optimum_gap().has_value());
    CHECK(*row.optimum_gap() ==
          static_cast<std::int64_t>(row.metrics.counters.total_faults()) - static_cast<std::int64_t>(*row.optimum_faults));
  }
  // Computed independently for one configuration.
  const workload w = generate_workload(workload_family::long_plan, {c.seed, c.turns});
  CHECK(r.rows.front().optimum_faults == offline_optimum(w, 120).optimum_faults);
  const auto* check = find_check(r.shape, "optimum_gap_nonnegative");
  REQUIRE(check != nullptr);
  CAPTURE(check->detail);
  CHECK(check->pass);
  for (const auto& s : r.by_policy) CHECK(s.mean_optimum_gap.has_value());
  const auto j = to_json(r);
  for (const auto& row : j.at("rows")) {
    CHECK(row.contains("optimum_faults"));
    CHECK(row.contains("optimum_gap"));
  }
}

TEST_CASE("SW-15 negative control: a 'ClawVM' that breaks a hard rule can beat the optimum, and the check says so",
          "[sweep][optimum]") {
  // A planted bug: the policy named clawvm does not install the hard-pinned floors, so its
  // spare budget is larger than any sequence under the hard rules has (OPT-5).
  engine_policy broken = policy_clawvm();
  broken.selector.auto_pin = false;
  sweep_config c = reduced();
  c.policies = with_clawvm_replaced(broken);
  c.budgets_tokens = {60, 120};
  const sweep_result r = run_sweep(c);
  const auto* check = find_check(r.shape, "optimum_gap_nonnegative");
  REQUIRE(check != nullptr);
  CAPTURE(check->detail);
  CHECK_FALSE(check->pass);
  CHECK_FALSE(r.shape_pass);
}

TEST_CASE("SW-17 policy_budget_tokens: the artifact's percentages on multi-session workloads, in integers",
          "[sweep]") {
  CHECK(policy_budget_tokens(policy_retrieval(), 120, true, budget_scale::artifact) == 93);  // 120 x 78 / 100
  CHECK(policy_budget_tokens(policy_retrieval_cache(), 500, true, budget_scale::artifact) == 390);
  CHECK(policy_budget_tokens(policy_compaction_hybrid(), 120, true, budget_scale::artifact) == 102);
  CHECK(policy_budget_tokens(policy_clawvm(), 120, true, budget_scale::artifact) == 120);
  CHECK(policy_budget_tokens(policy_retrieval(), 120, false, budget_scale::artifact) == 120);  // one session
  CHECK(policy_budget_tokens(policy_retrieval(), 120, true, budget_scale::none) == 120);
  CHECK(policy_budget_tokens(policy_retrieval(), 1, true, budget_scale::artifact) == 1);  // never 0
  CHECK(parse_budget_scale("artifact") == budget_scale::artifact);
  CHECK(parse_budget_scale("none") == budget_scale::none);
  CHECK_FALSE(parse_budget_scale("0.78").has_value());
}

TEST_CASE("SW-17 a sweep with the artifact's budget scale replays the baselines at their scaled budgets",
          "[sweep]") {
  sweep_config c = reduced();
  c.scale = budget_scale::artifact;
  const sweep_result r = run_sweep(c);
  const sweep_result plain = run_sweep(reduced());
  REQUIRE(r.rows.size() == plain.rows.size());
  std::uint64_t scaled_faults = 0;
  std::uint64_t plain_faults = 0;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const sweep_row& row = r.rows[i];
    CAPTURE(row.family, row.tokens_budget, row.metrics.policy);
    const auto policy = policy_named(row.metrics.policy);
    REQUIRE(policy.has_value());
    // Only workloads with several sessions are scaled (long_plan at 48 turns has one).
    const workload w = generate_workload(*parse_workload_family(row.family), {c.seed, c.turns});
    const auto sessions = std::count_if(w.events.begin(), w.events.end(), [](const workload_event& e) {
      return std::holds_alternative<workload_events::session_start>(e);
    });
    CHECK(row.metrics.tokens_budget ==
          policy_budget_tokens(*policy, row.tokens_budget, sessions > 1, budget_scale::artifact));
    if (row.family == "long_plan") CHECK(sessions == 1);
    CHECK(plain.rows[i].metrics.tokens_budget == row.tokens_budget);
    if (!has_clawvm_structure(policy->id)) {
      scaled_faults += row.metrics.counters.total_faults();
      plain_faults += plain.rows[i].metrics.counters.total_faults();
    } else {
      CHECK(row.metrics.counters.total_faults() == plain.rows[i].metrics.counters.total_faults());
    }
  }
  // Where the budget binds (cross_reference), the smaller budget costs the baselines faults.
  CHECK(scaled_faults > plain_faults);
  const auto j = to_json(r);
  CHECK(j.at("budget_scale") == "artifact");
  CHECK(to_json(plain).at("budget_scale") == "none");
  CHECK(j.at("rows").at(0).at("policy_budget") == 120);  // long_plan (one session), 120, retrieval
  CHECK(j.at("rows").at(c.budgets_tokens.size() * c.policies.size()).at("policy_budget") == 93);  // evidence_churn
  CHECK(to_markdown(r).find("Budget scale: artifact") != std::string::npos);
}
