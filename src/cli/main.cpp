// clawvm: the command-line tool. Exit codes (spec/cli.md): 0 ok, 1 a check failed,
// 2 bad input or usage.
#include <cstdio>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "clawvm/reason_code.hpp"
#include "clawvm/trace_validation.hpp"
#include "demo.hpp"

namespace {

constexpr int exit_ok = 0;
constexpr int exit_check_failed = 1;
constexpr int exit_bad_input = 2;

std::optional<clawvm::engine_policy> policy_named(const std::string& name) {
  using namespace clawvm;
  for (auto p : {policy_retrieval(), policy_retrieval_cache(), policy_compaction_hybrid(), policy_lru(),
                 policy_clawvm(), policy_oracle()}) {
    if (p.name == name) return p;
  }
  return std::nullopt;
}

void print_counters(const std::string& policy, const clawvm::fault_counters& c) {
  fmt::print("{:<18} faults={:<3}", policy, c.total_faults());
  for (auto f : clawvm::all_fault_kinds) fmt::print(" {}={}", clawvm::to_string(f), c[f]);
  fmt::print(" hits={} alerts={} commits={} rejections={} thrash={:.3f}\n", c.hits,
             c.duplicate_signature_alerts, c.commits, c.rejections, c.thrash_index());
}

// Exit 0 when every trace follows the model, 1 at a divergence, 2 when a file cannot be read.
int check_traces(const std::vector<std::string>& files) {
  int worst = exit_ok;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "{}: cannot read\n", path);
      worst = exit_bad_input;
      continue;
    }
    clawvm::trace_validator validator;
    std::string line;
    while (std::getline(in, line) && validator.step(line)) {
    }
    const auto& r = validator.finish();
    if (r.ok) {
      fmt::print("{}: OK, {} steps follow the model\n", path, r.steps);
      continue;
    }
    const auto& d = r.first_divergence;
    fmt::print("{}:{}: diverges at event '{}' (action {}): {}\n", path, d.line, d.event, d.action, d.message);
    if (worst == exit_ok) worst = exit_check_failed;
  }
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"clawvm: harness-managed virtual memory for tool-using LLM agents (reference implementation)"};
  app.require_subcommand(1);

  auto* demo = app.add_subcommand("demo", "Run the built-in demo session and print its decision trace and fault counts");
  std::string policy_name = "clawvm";
  std::uint32_t budget = 300;
  bool compare = true;
  bool quiet = false;
  std::string trace_path;
  demo->add_option("--policy", policy_name,
                   "retrieval, retrieval_cache, compaction_hybrid, lru, clawvm or oracle")
      ->capture_default_str();
  demo->add_option("--budget", budget, "token budget")->capture_default_str()->check(CLI::Range(1U, 1000000000U));
  demo->add_flag("!--no-compare", compare, "do not also print every policy's fault counts");
  demo->add_flag("--quiet", quiet, "do not print the decision trace on stdout (--trace still writes it)");
  demo->add_option("--trace", trace_path, "write the decision trace (JSON Lines) to this file instead of stdout");

  auto* check = app.add_subcommand("check-trace",
                                   "Validate decision traces step by step against the TLA+ model (tla/ClawVM.tla)");
  std::vector<std::string> trace_files;
  check->add_option("traces", trace_files, "decision trace files (JSON Lines)")->required();

  auto* codes = app.add_subcommand("reason-codes", "Print the reason-code table (name, number, family, meaning) as TSV");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_bad_input;
  }

  if (*codes) {
    for (const auto& info : clawvm::all_reason_codes) {
      fmt::print("{}\t{}\t{}\t{}\n", info.number, info.name, info.family, info.meaning);
    }
    return exit_ok;
  }

  if (*check) return check_traces(trace_files);

  const auto policy = policy_named(policy_name);
  if (!policy) {
    fmt::print(stderr, "clawvm demo: --policy: unknown policy '{}'\n", policy_name);
    return exit_bad_input;
  }
  std::ofstream trace_file;
  if (!trace_path.empty()) {
    trace_file.open(trace_path, std::ios::binary | std::ios::trunc);
    if (!trace_file) {
      fmt::print(stderr, "clawvm demo: --trace: cannot write '{}'\n", trace_path);
      return exit_bad_input;
    }
  }
  clawvm::ostream_trace_sink sink(trace_path.empty() ? std::cout : trace_file);
  const auto counters = clawvm::cli::run_demo_session(*policy, budget, quiet && trace_path.empty() ? nullptr : &sink);
  trace_file.close();
  fmt::print("\n# demo session, budget {} tokens\n", budget);
  print_counters(policy->name, counters);
  if (compare) {
    for (const char* other : {"retrieval", "retrieval_cache", "compaction_hybrid", "lru", "clawvm", "oracle"}) {
      if (other == policy->name) continue;
      print_counters(other, clawvm::cli::run_demo_session(*policy_named(other), budget, nullptr));
    }
  }
  // The demo's own check: ClawVM must show no policy-controllable fault.
  if (policy->name == "clawvm" && counters.total_faults() != 0) {
    fmt::print(stderr, "clawvm demo: ClawVM showed {} faults\n", counters.total_faults());
    return exit_check_failed;
  }
  return exit_ok;
}
