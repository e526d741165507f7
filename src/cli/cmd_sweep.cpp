// Subcommand sweep (spec/sweep.md SW-9): the Tier-2 sweep and the stress runs; writes
// tier2.summary.{json,csv,md} and stress.{json,md}, prints the summary and the shape check.
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "clawvm/eval/sweep.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

struct sweep_cli_options {
  std::string out_dir;
  std::uint64_t seed = eval::sweep_seed_default;
  unsigned jobs = 1;
  std::string budgets = "120,180,240,300,380,500";
  std::string policies = "all";
  std::uint32_t turns = 0;
  bool validate_traces = false;
  bool stress = true;
};

// "120,180" -> {120, 180}; nullopt (after a message) on anything else.
std::optional<std::vector<std::uint32_t>> parse_budgets(const std::string& text) {
  std::vector<std::uint32_t> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    unsigned long value = 0;
    try {
      value = std::stoul(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || value < 1 || value > 1000000000UL) {
      fmt::print(stderr, "clawvm sweep: --budgets: '{}' is not a budget (an integer in 1 ... 1000000000)\n", item);
      return std::nullopt;
    }
    out.push_back(static_cast<std::uint32_t>(value));
  }
  if (out.empty()) {
    fmt::print(stderr, "clawvm sweep: --budgets: no budget given\n");
    return std::nullopt;
  }
  return out;
}

void print_checks(std::string_view title, const std::vector<eval::shape_check>& checks, bool pass) {
  fmt::print("{}: {}\n", title, pass ? "PASS" : "FAIL");
  for (const auto& c : checks) fmt::print("  {:<30} {:<4}  {}\n", c.check, c.pass ? "pass" : "FAIL", c.detail);
}

int run_sweep_command(const sweep_cli_options& o) {
  auto budgets = parse_budgets(o.budgets);
  if (!budgets) return exit_bad_input;
  auto policies = parse_policy_list("sweep", o.policies);
  if (!policies) return exit_bad_input;

  eval::sweep_config config;
  config.seed = o.seed;
  config.turns = o.turns;
  config.budgets_tokens = *budgets;
  config.policies = *policies;
  config.jobs = o.jobs;
  config.validate_traces = o.validate_traces;
  if (!prepare_out_dir("sweep", o.out_dir)) return exit_bad_input;
  eval::sweep_result result;
  {
    progress_line progress("sweep");
    config.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };
    result = eval::run_sweep(config);
  }
  eval::write_sweep_outputs(result, o.out_dir);

  fmt::print("{:<18} {:>12} {:>12} {:>12}\n", "policy", "mean faults", "total faults", "mean thrash");
  for (const auto& s : result.by_policy) {
    fmt::print("{:<18} {:>12.2f} {:>12} {:>12.3f}\n", s.policy, s.mean_faults, s.total_faults, s.mean_thrash);
  }
  print_checks("shape", result.shape, result.shape_pass);
  bool pass = result.shape_pass;

  if (o.stress) {
    eval::stress_config stress;
    stress.seed = o.seed;
    stress.turns = o.turns;
    stress.budgets_tokens = *budgets;
    stress.policies = *policies;
    stress.jobs = o.jobs;
    stress.validate_traces = o.validate_traces;
    eval::stress_result stressed;
    {
      progress_line progress("stress");
      stress.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };
      stressed = eval::run_stress(stress);
    }
    eval::write_stress_outputs(stressed, o.out_dir);
    print_checks("stress", stressed.checks, stressed.pass);
    pass = pass && stressed.pass;
  }
  if (!seal_out_dir("sweep", o.out_dir)) return exit_bad_input;
  fmt::print("wrote {}/tier2.summary.{{json,csv,md}}{}\n", o.out_dir, o.stress ? fmt::format(" and {}/stress.{{json,md}}", o.out_dir) : "");
  return pass ? exit_ok : exit_check_failed;
}

}  // namespace

command add_sweep(CLI::App& app) {
  auto o = std::make_shared<sweep_cli_options>();
  auto* sub = app.add_subcommand("sweep", "Run the Tier-2 sweep (4 workload families x budgets x policies) and the "
                                          "stress tests; check the paper's shape (exit 1 when it does not hold)");
  sub->add_option("--out", o->out_dir, "output directory (created if missing)")->required();
  sub->add_option("--seed", o->seed, "generator seed")->capture_default_str();
  sub->add_option("--jobs", o->jobs, "worker threads (outputs are identical for every value)")
      ->capture_default_str()
      ->check(CLI::Range(1U, 256U));
  sub->add_option("--budgets", o->budgets, "comma-separated token budgets")->capture_default_str();
  sub->add_option("--policy", o->policies, "all, or a comma-separated list of policy names")->capture_default_str();
  sub->add_option("--turns", o->turns, "turns per workload (0: each family's default)")
      ->capture_default_str()
      ->check(CLI::Range(0U, 100000U));
  sub->add_flag("--validate-traces", o->validate_traces,
                "record every run's decision trace and check it against the model (slower)");
  sub->add_flag("!--no-stress", o->stress, "do not run the stress tests");
  return {sub, [o] { return run_sweep_command(*o); }};
}

}  // namespace clawvm::cli
