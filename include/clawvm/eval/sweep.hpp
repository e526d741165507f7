#pragma once
// The Tier-2 sweep (spec/sweep.md SW-1..SW-9): generated workloads x budgets x policies,
// replayed deterministically, summarised per policy and checked against the shape the
// paper reports. Also the stress runs (SW-10). Outputs are byte-identical for every
// --jobs value (parallel_map keeps each result in its input's slot).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/eval/generators.hpp"
#include "clawvm/eval/shard.hpp"
#include "clawvm/replay.hpp"
#include "clawvm/trace_validation.hpp"

namespace clawvm::eval {

inline constexpr std::uint64_t sweep_seed_default = 42;
// SW-6: ClawVM's mean thrash index must be at least this fraction below Retrieval's.
inline constexpr double thrash_reduction_required = 0.70;

// SW-17: whether the baselines replay multi-session workloads at the artifact's scaled
// budget (retrieval and retrieval_cache 78 %, compaction_hybrid 85 %, the rest 100 %).
enum class budget_scale : std::uint8_t { none = 0, artifact = 1 };
constexpr std::string_view to_string(budget_scale s) noexcept { return s == budget_scale::artifact ? "artifact" : "none"; }
constexpr std::optional<budget_scale> parse_budget_scale(std::string_view s) noexcept {
  if (s == "none") return budget_scale::none;
  if (s == "artifact") return budget_scale::artifact;
  return std::nullopt;
}
// The budget `policy` replays a configuration at (SW-17): `tokens_budget` unless the
// scale is the artifact's and the workload has more than one session; then
// ⌊tokens_budget × multi_session_budget_percent / 100⌋, in integers.
std::uint32_t policy_budget_tokens(const engine_policy& policy, std::uint32_t tokens_budget, bool multi_session,
                                   budget_scale scale) noexcept;

// Called after each configuration with (done, total); from worker threads, serialised.
using progress_fn = std::function<void(std::size_t, std::size_t)>;

struct sweep_config {
  std::uint64_t seed = sweep_seed_default;
  std::uint32_t turns = 0;  // 0: each family's default_turns
  std::vector<workload_family> families{tier2_families.begin(), tier2_families.end()};
  std::vector<std::uint32_t> budgets_tokens{sweep_budgets_tokens.begin(), sweep_budgets_tokens.end()};
  std::vector<engine_policy> policies = all_policies();
  std::uint32_t lookahead_turns = oracle_lookahead_turns_default;
  budget_scale scale = budget_scale::none;  // SW-17
  unsigned jobs = 1;
  // SW-8: replay every configuration with a decision trace and check it against the model
  // (clawvm::validate_trace); divergences are counted and fail the shape check.
  bool validate_traces = false;
  shard_spec shard;  // SW-14: run only this shard's configurations
  progress_fn progress;
};

// Trace validation of one replay (SW-8).
struct trace_check {
  bool validated = false;
  std::uint64_t steps = 0;
  std::optional<trace_divergence> divergence;
};

// One configuration: (family, budget, policy).
struct sweep_row {
  std::string family;
  std::uint32_t tokens_budget = 0;
  replay_metrics metrics;            // metrics.workload is the workload's name
  std::optional<std::int64_t> oracle_gap;  // SW-4; empty when the sweep has no oracle
  // SW-15: the exact offline optimum of the row's workload and budget (spec/optimum.md);
  // the optimum gap is faults_total minus it.
  std::optional<std::uint64_t> optimum_faults;
  trace_check trace;

  std::optional<std::int64_t> optimum_gap() const noexcept {
    if (!optimum_faults) return std::nullopt;
    return static_cast<std::int64_t>(metrics.counters.total_faults()) - static_cast<std::int64_t>(*optimum_faults);
  }

  bool floor_set_fits() const noexcept { return metrics.floor_unfit_turns == 0; }

  // SW-16: the peak footprint of the row's workload (the capacity probe, RL-4); empty for
  // rows that were not measured. The budget the policy replayed at (metrics.tokens_budget,
  // SW-17) holds it: every fault is the policy's doing.
  std::optional<std::uint64_t> peak_footprint_tokens;
  bool capacity_sufficient() const noexcept {
    return peak_footprint_tokens.has_value() && *peak_footprint_tokens <= metrics.tokens_budget;
  }
};

struct policy_summary {
  std::string policy;
  std::size_t configurations = 0;
  std::uint64_t total_faults = 0;
  double mean_faults = 0.0;  // per configuration
  double mean_thrash = 0.0;  // mean of the per-configuration thrash indices
  // SW-15: the mean optimum gap over the rows that have an optimum; empty when none has.
  std::optional<double> mean_optimum_gap;
};

// SW-6: one property of the paper's shape, evaluated on the sweep.
struct shape_check {
  std::string check;
  bool pass = false;
  std::string detail;
};

struct sweep_result {
  std::uint64_t seed = 0;
  std::uint32_t turns = 0;  // as configured (0: family defaults)
  budget_scale scale = budget_scale::none;  // SW-17
  std::vector<std::string> families;
  std::vector<std::string> workloads;  // one per family, same order
  std::vector<std::uint32_t> budgets_tokens;
  std::vector<std::string> policies;
  std::vector<sweep_row> rows;  // family-major, then budget, then policy (configured orders)
  std::vector<policy_summary> by_policy;  // configured policy order
  std::vector<shape_check> shape;
  bool shape_pass = true;
  bool traces_validated = false;
  std::uint64_t trace_divergences = 0;
  shard_spec shard;                     // a shard's result holds only its own rows, unchecked
  std::vector<std::size_t> row_indices;  // a shard's rows: their positions in the whole grid
};

// The replay options the sweep, the ablations and the stress runs use for one run.
replay_options sweep_replay_options(const engine_policy& policy, std::uint32_t tokens_budget,
                                    std::uint32_t lookahead_turns);
// Replays `w` once, validating its decision trace when asked (SW-8).
sweep_row run_configuration(const workload& w, std::string family, const replay_options& options,
                            bool validate_trace);

sweep_result run_sweep(const sweep_config& config);

// SW-5, SW-6: summaries in `policies` order, and the shape checks. A check whose policies
// are not all in the sweep is left out; shape_pass is true when every check present passes.
std::vector<policy_summary> summarize_by_policy(const std::vector<sweep_row>& rows,
                                                const std::vector<std::string>& policies);
std::vector<shape_check> check_shape(const std::vector<sweep_row>& rows,
                                     const std::vector<policy_summary>& by_policy);

// SW-7: tier2.summary.json / .csv / .md.
nlohmann::json to_json(const sweep_result& r);
std::string to_csv(const sweep_result& r);
std::string to_markdown(const sweep_result& r);
// Writes the three files into `dir` (created if missing), named `<stem>.summary.json`
// and so on; returns their paths.
std::vector<std::filesystem::path> write_sweep_outputs(const sweep_result& r, const std::filesystem::path& dir,
                                                       std::string_view stem = "tier2");

// ---- SW-10 stress runs ----
struct stress_config {
  std::uint64_t seed = sweep_seed_default;
  std::uint32_t turns = 0;
  std::vector<std::uint32_t> budgets_tokens{sweep_budgets_tokens.begin(), sweep_budgets_tokens.end()};
  std::vector<engine_policy> policies = all_policies();
  unsigned jobs = 1;
  bool validate_traces = false;
  shard_spec shard;
  progress_fn progress;
};

struct stress_result {
  std::uint64_t seed = 0;
  std::vector<std::string> workloads;
  std::vector<sweep_row> rows;  // stress family-major, then budget, then policy
  std::vector<shape_check> checks;
  bool pass = true;
  std::uint64_t trace_divergences = 0;
  // Kept for a merge (SW-14): the grid and whether traces were validated.
  std::vector<std::uint32_t> budgets_tokens;
  std::vector<std::string> policies;
  bool traces_validated = false;
  shard_spec shard;
  std::vector<std::size_t> row_indices;
};

stress_result run_stress(const stress_config& config);
nlohmann::json to_json(const stress_result& r);
std::string to_markdown(const stress_result& r);
// stress.json / stress.md.
std::vector<std::filesystem::path> write_stress_outputs(const stress_result& r, const std::filesystem::path& dir);

// ---- SW-14 shards and their merge ----
// A shard's result as a file (tier2.shard.json / stress.shard.json): the grid, the shard
// and every row with its full metrics, so a merge computes exactly what one run would.
nlohmann::json to_shard_json(const sweep_result& r);
nlohmann::json to_shard_json(const stress_result& r);
// Rebuilds the whole sweep (or stress run) from all of its shards, in any order, and
// checks it as run_sweep (run_stress) would; the problem when the shards do not make one
// grid (another seed or grid, a shard missing or given twice).
std::variant<sweep_result, std::string> merge_sweep_shards(const std::vector<nlohmann::json>& shards);
std::variant<stress_result, std::string> merge_stress_shards(const std::vector<nlohmann::json>& shards);

// Shared by the report writers: a double rounded to 6 decimals (SW-7), so JSON numbers
// print the same on every platform.
double round_to_6_decimals(double x) noexcept;
// Writes `bytes` to `path` exactly (binary), atomically (output_file.hpp, CLI-8); throws
// std::runtime_error naming the file.
void write_output_file(const std::filesystem::path& path, const std::string& bytes);

}  // namespace clawvm::eval
