#pragma once
// Subtractive ablations of ClawVM and the utility-weight sensitivity sweep (spec/sweep.md
// SW-11..SW-13). Every ablation and every weight point is a configuration of the one
// engine (engine_policy knobs, EN-9): nothing here has its own code path.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/eval/sweep.hpp"

namespace clawvm::eval {

inline constexpr std::uint32_t ablation_budget_tokens_default = 180;  // brief §5

// One mechanism removed from ClawVM (SW-11).
struct ablation {
  std::string name;  // "none", "no_pointer_resolution", ...
  engine_policy policy;
};
// The seven rows of the paper's Table 6, in its order: the full ClawVM first.
std::vector<ablation> clawvm_ablations();

struct ablation_config {
  std::uint64_t seed = sweep_seed_default;
  std::uint32_t turns = 0;  // 0: family defaults
  std::uint32_t tokens_budget = ablation_budget_tokens_default;
  std::vector<workload_family> families{paper_tier2_families.begin(), paper_tier2_families.end()};
  unsigned jobs = 1;
  bool validate_traces = false;
  progress_fn progress;
};

struct ablation_row {
  std::string ablation;
  fault_counters counters;             // summed over the workloads (faults, hits, alerts)
  std::vector<std::uint64_t> faults_by_workload;  // same order as ablation_result::workloads
  double thrash_index = 0.0;           // mean of the per-workload thrash indices
  bool floor_set_fits = true;          // in every workload
};

struct ablation_result {
  std::uint64_t seed = 0;
  std::uint32_t tokens_budget = 0;
  std::vector<std::string> families;
  std::vector<std::string> workloads;
  std::vector<ablation_row> rows;
  // SW-11: the full ClawVM ("none") has no fault wherever its floor set fits.
  shape_check reference_check;
  std::uint64_t trace_divergences = 0;
  bool traces_validated = false;
};

ablation_result run_ablations(const ablation_config& config);
nlohmann::json to_json(const ablation_result& r);
std::string to_markdown(const ablation_result& r);

// ---- SW-12 weight sensitivity ----
struct weight_grid {
  // pin_soft follows pin_hard in the reference ratio (0.6 / 2.0).
  std::vector<double> pin_hard{0.0, 1.0, 2.0, 3.0, 4.0};
  std::vector<double> recency{0.0, 0.3, 0.6, 0.9, 1.2};
  std::vector<double> recompute{0.0, 0.2, 0.4, 0.8};
};

struct weight_sweep_config {
  std::uint64_t seed = sweep_seed_default;
  std::uint32_t turns = 0;
  std::vector<workload_family> families{paper_tier2_families.begin(), paper_tier2_families.end()};
  std::vector<std::uint32_t> budgets_tokens{sweep_budgets_tokens.begin(), sweep_budgets_tokens.end()};
  weight_grid grid{};
  unsigned jobs = 1;
  progress_fn progress;
};

struct weight_point {
  utility_weights weights;
  std::uint64_t faults_total = 0;  // over every (workload, budget)
  double thrash_index = 0.0;       // mean over the configurations
  // Some fault count (any kind, any configuration) differs from the reference weights'.
  bool faults_changed = false;
};

struct weight_sweep_result {
  std::uint64_t seed = 0;
  std::vector<std::string> families;
  std::vector<std::string> workloads;
  std::vector<std::uint32_t> budgets_tokens;
  utility_weights reference{};
  std::uint64_t reference_faults_total = 0;
  double reference_thrash_index = 0.0;
  std::vector<weight_point> points;  // pin_hard-major, then recency, then recompute
  std::size_t points_with_changed_faults = 0;
};

weight_sweep_result run_weight_sweep(const weight_sweep_config& config);
nlohmann::json to_json(const weight_sweep_result& r);
std::string to_markdown(const weight_sweep_result& r);

// ablation.json, ablation.md, weights.json, weights.md in `dir` (created if missing).
std::vector<std::filesystem::path> write_ablation_outputs(const ablation_result& ablations,
                                                          const weight_sweep_result& weights,
                                                          const std::filesystem::path& dir);

}  // namespace clawvm::eval
