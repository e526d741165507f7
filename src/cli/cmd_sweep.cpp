// Subcommand sweep (spec/sweep.md SW-9): the Tier-2 sweep and the stress runs; writes
// tier2.summary.{json,csv,md} and stress.{json,md}, prints the summary and the shape check.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "clawvm/eval/real.hpp"
#include "clawvm/eval/sweep.hpp"
#include "clawvm/json_text.hpp"
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
  std::string shard;  // "I/N" (SW-14)
  std::string budget_scale = "none";  // SW-17
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

void print_summary(const eval::sweep_result& result) {
  fmt::print("{:<18} {:>12} {:>12} {:>12}\n", "policy", "mean faults", "total faults", "mean thrash");
  for (const auto& s : result.by_policy) {
    fmt::print("{:<18} {:>12.2f} {:>12} {:>12.3f}\n", s.policy, s.mean_faults, s.total_faults, s.mean_thrash);
  }
  print_checks("shape", result.shape, result.shape_pass);
}

int run_sweep_command(const sweep_cli_options& o) {
  auto budgets = parse_budgets(o.budgets);
  if (!budgets) return exit_bad_input;
  auto policies = parse_policy_list("sweep", o.policies);
  if (!policies) return exit_bad_input;
  const auto scale = eval::parse_budget_scale(o.budget_scale);
  if (!scale) {
    fmt::print(stderr, "clawvm sweep: --budget-scale: '{}' is not a budget scale (none or artifact)\n", o.budget_scale);
    return exit_bad_input;
  }
  eval::shard_spec shard;
  if (!o.shard.empty()) {
    const auto parsed = parse_shard("sweep", o.shard);
    if (!parsed) return exit_bad_input;
    shard = *parsed;
  }

  eval::sweep_config config;
  config.seed = o.seed;
  config.turns = o.turns;
  config.budgets_tokens = *budgets;
  config.policies = *policies;
  config.scale = *scale;
  config.jobs = o.jobs;
  config.validate_traces = o.validate_traces;
  config.shard = shard;
  if (!prepare_out_dir("sweep", o.out_dir)) return exit_bad_input;
  eval::sweep_result result;
  {
    progress_line progress("sweep");
    config.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };
    result = eval::run_sweep(config);
  }
  std::optional<eval::stress_result> stressed;
  if (o.stress) {
    eval::stress_config stress;
    stress.seed = o.seed;
    stress.turns = o.turns;
    stress.budgets_tokens = *budgets;
    stress.policies = *policies;
    stress.jobs = o.jobs;
    stress.validate_traces = o.validate_traces;
    stress.shard = shard;
    progress_line progress("stress");
    stress.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };
    stressed = eval::run_stress(stress);
  }
  if (!o.shard.empty()) {
    // SW-14: a shard's rows only (even 1/1); `clawvm merge` checks the whole.
    eval::write_output_file(std::filesystem::path(o.out_dir) / "tier2.shard.json", eval::to_shard_json(result).dump(1) + "\n");
    if (stressed) {
      eval::write_output_file(std::filesystem::path(o.out_dir) / "stress.shard.json", eval::to_shard_json(*stressed).dump(1) + "\n");
    }
    if (!seal_out_dir("sweep", o.out_dir)) return exit_bad_input;
    fmt::print("sweep: shard {}/{}: {} of the grid's configurations in {}/tier2.shard.json{}\n", shard.index + 1,
               shard.count, result.rows.size(), o.out_dir, stressed ? " and stress.shard.json" : "");
    return exit_ok;
  }
  eval::write_sweep_outputs(result, o.out_dir);
  print_summary(result);
  bool pass = result.shape_pass;
  if (stressed) {
    eval::write_stress_outputs(*stressed, o.out_dir);
    print_checks("stress", stressed->checks, stressed->pass);
    pass = pass && stressed->pass;
  }
  if (!seal_out_dir("sweep", o.out_dir)) return exit_bad_input;
  fmt::print("wrote {}/tier2.summary.{{json,csv,md}}{}\n", o.out_dir, o.stress ? fmt::format(" and {}/stress.{{json,md}}", o.out_dir) : "");
  return pass ? exit_ok : exit_check_failed;
}

struct merge_cli_options {
  std::string out_dir;
  std::vector<std::string> shard_dirs;
};

// SW-14, RL-13: the shards of one sweep campaign, or of one real-session campaign, merged
// into the outputs one run would write.
int run_merge_command(const merge_cli_options& o) {
  namespace fs = std::filesystem;
  std::vector<nlohmann::json> tier2;
  std::vector<nlohmann::json> stress;
  std::vector<nlohmann::json> real;
  for (const auto& dir : o.shard_dirs) {
    bool any = false;
    for (const auto& [name, into] :
         {std::pair{"tier2.shard.json", &tier2}, {"stress.shard.json", &stress}, {"real.shard.json", &real}}) {
      const fs::path p = fs::path(dir) / name;
      std::error_code ec;
      if (!fs::exists(p, ec)) continue;
      any = true;
      std::ifstream in(p, std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      nlohmann::json j;
      json_text_error why;
      if (!parse_json_text(text, j, why)) {
        fmt::print(stderr, "clawvm merge: {}: not JSON: {}\n", p.string(), why.message);
        return exit_bad_input;
      }
      into->push_back(std::move(j));
    }
    if (!any) {
      fmt::print(stderr,
                 "clawvm merge: {}: no tier2.shard.json, stress.shard.json or real.shard.json (a `clawvm sweep "
                 "--shard I/N` or `clawvm real --shard I/N` output)\n",
                 dir);
      return exit_bad_input;
    }
  }
  if (!real.empty()) {
    if (!tier2.empty() || !stress.empty()) {
      fmt::print(stderr, "clawvm merge: the directories mix sweep shards and real shards: merge one campaign at a time\n");
      return exit_bad_input;
    }
    auto merged_real = eval::merge_real_shards(real);
    if (const auto* e = std::get_if<std::string>(&merged_real)) {
      fmt::print(stderr, "clawvm merge: {}\n", *e);
      return exit_bad_input;
    }
    const int code = write_real_report(std::get<eval::real_result>(merged_real), o.out_dir, "merge");
    if (code != exit_bad_input) fmt::print("merged {} real shards into {}\n", real.size(), o.out_dir);
    return code;
  }
  auto merged = eval::merge_sweep_shards(tier2);
  if (const auto* e = std::get_if<std::string>(&merged)) {
    fmt::print(stderr, "clawvm merge: {}\n", *e);
    return exit_bad_input;
  }
  std::optional<eval::stress_result> stressed;
  if (!stress.empty()) {
    auto s = eval::merge_stress_shards(stress);
    if (const auto* e = std::get_if<std::string>(&s)) {
      fmt::print(stderr, "clawvm merge: stress: {}\n", *e);
      return exit_bad_input;
    }
    stressed = std::move(std::get<eval::stress_result>(s));
  }
  if (!prepare_out_dir("merge", o.out_dir)) return exit_bad_input;
  const auto& result = std::get<eval::sweep_result>(merged);
  eval::write_sweep_outputs(result, o.out_dir);
  print_summary(result);
  bool pass = result.shape_pass;
  if (stressed) {
    eval::write_stress_outputs(*stressed, o.out_dir);
    print_checks("stress", stressed->checks, stressed->pass);
    pass = pass && stressed->pass;
  }
  if (!seal_out_dir("merge", o.out_dir)) return exit_bad_input;
  fmt::print("merged {} shards into {}/tier2.summary.{{json,csv,md}}{}\n", tier2.size(), o.out_dir,
             stressed ? " and stress.{json,md}" : "");
  return pass ? exit_ok : exit_check_failed;
}

}  // namespace

command add_sweep(CLI::App& app) {
  auto o = std::make_shared<sweep_cli_options>();
  auto* sub = app.add_subcommand("sweep", "Run the Tier-2 sweep (5 workload families x budgets x policies) and the "
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
  sub->add_option("--budget-scale", o->budget_scale,
                  "none, or artifact: the baselines replay multi-session workloads at 78 % (retrieval, "
                  "retrieval_cache) and 85 % (compaction_hybrid) of the budget, as the paper's artifact did")
      ->capture_default_str();
  sub->add_option("--shard", o->shard, "run only shard I of N (1-based) and write tier2.shard.json for `clawvm merge`");
  return {sub, [o] { return run_sweep_command(*o); }};
}

command add_merge(CLI::App& app) {
  auto o = std::make_shared<merge_cli_options>();
  auto* sub = app.add_subcommand("merge", "Merge the shards of a sweep or real campaign (`clawvm sweep|real --shard I/N`) into the "
                                          "outputs of one run (spec/sweep.md SW-14, spec/real.md RL-13)");
  sub->add_option("--out", o->out_dir, "output directory")->required();
  sub->add_option("shards", o->shard_dirs, "the --out directories of every shard")->required();
  return {sub, [o] { return run_merge_command(*o); }};
}

}  // namespace clawvm::cli
