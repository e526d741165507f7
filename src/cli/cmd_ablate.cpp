// Subcommand ablate (spec/sweep.md SW-13): the ablations of ClawVM and the utility-weight
// sweep; writes ablation.{json,md} and weights.{json,md}.
#include <chrono>
#include <memory>
#include <string>

#include <fmt/core.h>

#include "clawvm/eval/ablation.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

struct ablate_cli_options {
  std::string out_dir;
  std::uint64_t seed = eval::sweep_seed_default;
  unsigned jobs = 1;
  std::uint32_t budget = eval::ablation_budget_tokens_default;
  std::uint32_t turns = 0;
  bool validate_traces = false;
};

int run_ablate_command(const ablate_cli_options& o) {
  eval::ablation_config config;
  config.seed = o.seed;
  config.turns = o.turns;
  config.tokens_budget = o.budget;
  config.jobs = o.jobs;
  config.validate_traces = o.validate_traces;
  if (!prepare_out_dir("ablate", o.out_dir)) return exit_bad_input;
  eval::ablation_result ablations;
  {
    progress_line progress("ablate");
    config.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };
    ablations = eval::run_ablations(config);
  }
  eval::weight_sweep_config weights_config;
  weights_config.seed = o.seed;
  weights_config.turns = o.turns;
  weights_config.jobs = o.jobs;
  eval::weight_sweep_result weights;
  {
    progress_line progress("weights");
    weights_config.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };
    weights = eval::run_weight_sweep(weights_config);
  }
  eval::write_ablation_outputs(ablations, weights, o.out_dir);
  if (!seal_out_dir("ablate", o.out_dir)) return exit_bad_input;

  fmt::print("ablations at budget {} (faults summed over {} workloads)\n", ablations.tokens_budget,
             ablations.workloads.size());
  fmt::print("{:<28} {:>7}  faults by kind\n", "ablation", "faults");
  for (const auto& row : ablations.rows) {
    fmt::print("{:<28} {:>7} ", row.ablation, row.counters.total_faults());
    for (auto f : all_fault_kinds) {
      if (row.counters[f] != 0) fmt::print(" {}={}", to_string(f), row.counters[f]);
    }
    fmt::print("\n");
  }
  fmt::print("{}: {} ({})\n", ablations.reference_check.check, ablations.reference_check.pass ? "pass" : "FAIL",
             ablations.reference_check.detail);
  fmt::print("weights: {} points, {} change some fault count; reference faults {}\n", weights.points.size(),
             weights.points_with_changed_faults, weights.reference_faults_total);
  fmt::print("wrote {}/ablation.{{json,md}} and {}/weights.{{json,md}}\n", o.out_dir, o.out_dir);
  return ablations.reference_check.pass ? exit_ok : exit_check_failed;
}

}  // namespace

command add_ablate(CLI::App& app) {
  auto o = std::make_shared<ablate_cli_options>();
  auto* sub = app.add_subcommand("ablate", "Run the ablations of ClawVM and the utility-weight sensitivity sweep");
  sub->add_option("--out", o->out_dir, "output directory (created if missing)")->required();
  sub->add_option("--seed", o->seed, "generator seed")->capture_default_str();
  sub->add_option("--jobs", o->jobs, "worker threads (outputs are identical for every value)")
      ->capture_default_str()
      ->check(CLI::Range(1U, 256U));
  sub->add_option("--budget", o->budget, "token budget of the ablations")
      ->capture_default_str()
      ->check(CLI::Range(1U, 1000000000U));
  sub->add_option("--turns", o->turns, "turns per workload (0: each family's default)")
      ->capture_default_str()
      ->check(CLI::Range(0U, 100000U));
  sub->add_flag("--validate-traces", o->validate_traces,
                "record every ablation run's decision trace and check it against the model");
  return {sub, [o] { return run_ablate_command(*o); }};
}

}  // namespace clawvm::cli
