// Subcommand optimum (spec/cli.md CLI-10, spec/optimum.md): the exact offline optimum of
// a workload at a budget, and every policy's gap to it.
#include <fstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "clawvm/eval/optimum.hpp"
#include "clawvm/replay.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

struct optimum_cli_options {
  std::string workload_path;
  std::string policies = "all";
  std::uint32_t budget = 180;
  bool json = false;
};

int run_optimum(const optimum_cli_options& o) {
  const auto policies = parse_policy_list("optimum", o.policies);
  if (!policies) return exit_bad_input;
  std::ifstream in(o.workload_path, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "{}: cannot open\n", o.workload_path);
    return exit_bad_input;
  }
  auto read = read_workload(in, o.workload_path);
  if (const auto* error = std::get_if<workload_error>(&read)) {
    fmt::print(stderr, "{}\n", error->to_string());
    return exit_bad_input;
  }
  const workload& w = std::get<workload>(read);
  const eval::optimum_result opt = eval::offline_optimum(w, o.budget);
  nlohmann::json gaps = nlohmann::json::array();
  if (!o.json) {
    fmt::print("optimum {} faults at budget {} (required-only replay {}, avoidable {}, {} selections)\n",
               opt.optimum_faults, o.budget, opt.required_only_faults, opt.avoidable_faults, opt.selections);
    fmt::print("{:<18} {:>8} {:>12}\n", "policy", "faults", "optimum gap");
  }
  for (const auto& policy : *policies) {
    replay_options options;
    options.policy = policy;
    options.tokens_budget = o.budget;
    const auto faults = replay(w, options).metrics.counters.total_faults();
    if (o.json) {
      gaps.push_back({{"policy", policy.name}, {"faults_total", faults}, {"optimum_gap", eval::optimum_gap(faults, opt)}});
    } else {
      fmt::print("{:<18} {:>8} {:>12}\n", policy.name, faults, eval::optimum_gap(faults, opt));
    }
  }
  if (o.json) {
    const nlohmann::json out{{"workload", w.header.name},
                             {"tokens_budget", o.budget},
                             {"optimum_faults", opt.optimum_faults},
                             {"required_only_faults", opt.required_only_faults},
                             {"avoidable_faults", opt.avoidable_faults},
                             {"selections", opt.selections},
                             {"selections_with_choice", opt.selections_with_choice},
                             {"policies", std::move(gaps)}};
    fmt::print("{}\n", out.dump());
  }
  return exit_ok;
}

}  // namespace

command add_optimum(CLI::App& app) {
  auto o = std::make_shared<optimum_cli_options>();
  auto* sub = app.add_subcommand("optimum", "The exact offline optimum of a workload at a budget (spec/optimum.md) and each policy's gap to it");
  sub->add_option("workload", o->workload_path, "workload file")->required();
  sub->add_option("--policy", o->policies, "policy, comma-separated list, or all")->capture_default_str();
  sub->add_option("--budget", o->budget, "token budget")->capture_default_str()->check(CLI::Range(1U, 1000000000U));
  sub->add_flag("--json", o->json, "print one JSON object instead of a table");
  return {sub, [o] { return run_optimum(*o); }};
}

}  // namespace clawvm::cli
