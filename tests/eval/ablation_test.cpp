// Ablations and the weight sweep: spec/sweep.md SW-11..SW-13.
#include <catch2/catch.hpp>

#include "clawvm/eval/ablation.hpp"

using namespace clawvm;
using namespace clawvm::eval;

namespace {

const ablation_row& row_named(const ablation_result& r, std::string_view name) {
  for (const auto& row : r.rows) {
    if (row.ablation == name) return row;
  }
  FAIL("no ablation row " << name);
  return r.rows.front();
}

// Every fault of `row` is of kind `only`.
bool faults_only_of(const ablation_row& row, fault_kind only) {
  return row.counters.total_faults() == row.counters[only];
}

}  // namespace

TEST_CASE("SW-11 each ablation is one knob of ClawVM", "[ablation]") {
  const auto ablations = clawvm_ablations();
  REQUIRE(ablations.size() == 7);
  CHECK(ablations.front().name == "none");
  const engine_policy full = policy_clawvm();
  for (const auto& a : ablations) {
    CAPTURE(a.name);
    int differences = 0;
    differences += a.policy.pointers_resolve_evidence != full.pointers_resolve_evidence ? 1 : 0;
    differences += a.policy.writeback_at != full.writeback_at ? 1 : 0;
    differences += a.policy.selector.auto_pin != full.selector.auto_pin ? 1 : 0;
    differences += a.policy.selector.prefetch_pointers != full.selector.prefetch_pointers ? 1 : 0;
    differences += a.policy.selector.upgrades != full.selector.upgrades ? 1 : 0;
    differences += a.policy.validate_writeback != full.validate_writeback ? 1 : 0;
    differences += a.policy.explain_empty_recall != full.explain_empty_recall ? 1 : 0;
    differences += a.policy.restore_after_boundary != full.restore_after_boundary ? 1 : 0;
    CHECK(differences == (a.name == "none" ? 0 : 1));
  }
}

TEST_CASE("SW-11 removing a mechanism costs only the faults it prevents", "[ablation]") {
  ablation_config c;
  c.turns = 48;
  const ablation_result r = run_ablations(c);
  REQUIRE(r.rows.size() == 7);
  CHECK(r.reference_check.pass);
  CHECK(row_named(r, "none").counters.total_faults() == 0);
  // Without pointer resolution, a result held as a pointer is refetched or re-run.
  const auto& pointers = row_named(r, "no_pointer_resolution");
  CHECK(pointers.counters.total_faults() > 0);
  CHECK(pointers.counters.total_faults() ==
        pointers.counters[fault_kind::refetch] + pointers.counters[fault_kind::duplicate_tool]);
  // Without writeback at a boundary, the dirty pages it destroys are flush misses.
  CHECK(row_named(r, "no_writeback_at_compaction").counters[fault_kind::flush_miss] > 0);
  CHECK(faults_only_of(row_named(r, "no_writeback_at_compaction"), fault_kind::flush_miss));
  CHECK(row_named(r, "no_writeback_at_reset").counters[fault_kind::flush_miss] > 0);
  CHECK(faults_only_of(row_named(r, "no_writeback_at_reset"), fault_kind::flush_miss));
  // Without auto-pin, only bootstrap state can be lost (at compaction).
  CHECK(faults_only_of(row_named(r, "no_auto_pin"), fault_kind::post_compaction_bootstrap));
  // Pointers are installed either way: by prefetch, or by the none->pointer upgrade steps.
  CHECK(row_named(r, "no_upgrade_scoring").counters.total_faults() == 0);
  CHECK(row_named(r, "no_prefetch").counters.total_faults() == 0);

  const auto j = to_json(r);
  CHECK(j.at("format") == "clawvm-ablation");
  CHECK(j.at("budget") == ablation_budget_tokens_default);
  CHECK(j.at("rows").size() == 7);
  for (const auto& row : j.at("rows")) {
    std::uint64_t by_workload = 0;
    for (const auto& [w, n] : row.at("faults_by_workload").items()) by_workload += n.get<std::uint64_t>();
    CHECK(by_workload == row.at("faults_total").get<std::uint64_t>());
  }
}

TEST_CASE("SW-12 the weight grid has at least 80 points and flags changes against the reference", "[ablation]") {
  weight_sweep_config c;
  c.turns = 32;
  c.budgets_tokens = {120, 300};
  c.jobs = 2;
  const weight_sweep_result r = run_weight_sweep(c);
  CHECK(r.points.size() >= 80);
  std::size_t changed = 0;
  bool reference_in_grid = false;
  for (const auto& p : r.points) {
    changed += p.faults_changed ? 1U : 0U;
    // A different total implies some count changed.
    if (p.faults_total != r.reference_faults_total) CHECK(p.faults_changed);
    const utility_weights ref{};
    if (p.weights.pin_hard == ref.pin_hard && p.weights.pin_soft == ref.pin_soft &&
        p.weights.recency == ref.recency && p.weights.recompute == ref.recompute) {
      reference_in_grid = true;
      CHECK_FALSE(p.faults_changed);
      CHECK(p.faults_total == r.reference_faults_total);
      CHECK(p.thrash_index == r.reference_thrash_index);
    }
  }
  CHECK(reference_in_grid);
  CHECK(changed == r.points_with_changed_faults);
  const auto j = to_json(r);
  CHECK(j.at("format") == "clawvm-weights");
  CHECK(j.at("points").size() == r.points.size());
}

TEST_CASE("SW-13 ablation and weight outputs are byte-identical for any number of jobs", "[ablation]") {
  ablation_config a1;
  a1.turns = 32;
  ablation_config a2 = a1;
  a2.jobs = 2;
  CHECK(to_json(run_ablations(a1)).dump(2) == to_json(run_ablations(a2)).dump(2));
  weight_sweep_config w1;
  w1.turns = 24;
  w1.budgets_tokens = {180};
  w1.grid = {{1.0, 2.0}, {0.3, 0.6}, {0.4}};
  weight_sweep_config w2 = w1;
  w2.jobs = 2;
  CHECK(to_markdown(run_weight_sweep(w1)) == to_markdown(run_weight_sweep(w2)));
}
