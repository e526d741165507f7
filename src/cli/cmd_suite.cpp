// Subcommand suite (spec/suite.md, spec/cli.md): the main job.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "clawvm/eval/real.hpp"
#include "clawvm/eval/suite.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

struct suite_options {
  std::string out_dir = "suite-out";
  std::string vectors_dir;
  std::uint64_t seed = 42;
  std::uint32_t turns = 0;
  unsigned jobs = 1;
  std::vector<std::string> real_inputs;
  std::string real_from = "openclaw";
  bool quiet = false;
};

int run_suite_command(const suite_options& o) {
  eval::suite_config c;
  c.out_dir = o.out_dir;
  c.gate_vectors_dir = o.vectors_dir.empty() ? gate_vectors_dir_default() : o.vectors_dir;
  c.seed = o.seed;
  c.turns = o.turns;
  c.jobs = o.jobs;
  const auto real_format = import::parse_source_format(o.real_from);
  if (!real_format) {
    fmt::print(stderr, "clawvm suite: --real-from: unknown format '{}' (openclaw, claude-code or codex)\n", o.real_from);
    return exit_bad_input;
  }
  c.real_format = *real_format;
  for (const auto& input : o.real_inputs) c.real_inputs.emplace_back(input);
  // Checked before the suite runs: a wrong --real fails at once, not after the suite.
  if (!c.real_inputs.empty()) {
    const auto expanded = eval::expand_real_inputs(c.real_inputs);
    if (const auto* problem = std::get_if<std::string>(&expanded)) {
      fmt::print(stderr, "clawvm suite: --real: {}\n", *problem);
      return exit_bad_input;
    }
  }
  if (!prepare_out_dir("suite", o.out_dir)) return exit_bad_input;
  const auto start = std::chrono::steady_clock::now();
  auto progress = std::make_shared<progress_line>("suite");
  if (!o.quiet) c.progress = [progress](const std::string& line) { progress->print(line); };
  const auto r = eval::run_suite(c);
  progress.reset();  // ends an in-place progress line before the results
  if (!seal_out_dir("suite", o.out_dir)) return exit_bad_input;
  if (r.bad_input) {
    fmt::print(stderr, "clawvm suite: {}\n", r.bad_input_message);
    return exit_bad_input;
  }
  fmt::print("clawvm suite: {} outputs in {}\n", r.outputs.size(), o.out_dir);
  for (const auto& check : r.checks) {
    fmt::print("  {:<26} {}  {}\n", check.check, check.pass ? "PASS" : "FAIL", check.detail);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(stderr, "clawvm suite: finished in {:.1f} s\n", seconds);
  fmt::print("{}\n", r.pass() ? "suite: PASS" : "suite: FAIL");
  return r.pass() ? exit_ok : exit_check_failed;
}

}  // namespace

command add_suite(CLI::App& app) {
  auto o = std::make_shared<suite_options>();
  auto* sub = app.add_subcommand("suite", "Run the evaluation suite: Tier-1 gates, Tier-2 sweep, stress, ablations, weights, report");
  sub->add_option("--out", o->out_dir, "output directory (created if missing)")->capture_default_str();
  sub->add_option("--vectors", o->vectors_dir, "directory of the Tier-1 gate workloads")->default_str(gate_vectors_dir_default());
  sub->add_option("--seed", o->seed, "generator seed")->capture_default_str();
  sub->add_option("--turns", o->turns, "turns per generated workload (0: each family's default)")->capture_default_str();
  sub->add_option("--jobs", o->jobs, "configurations run in parallel (same outputs for any value)")
      ->capture_default_str()->check(CLI::Range(1U, 256U));
  sub->add_option("--real", o->real_inputs,
                  "also replay these real transcripts (files or directories of *.jsonl; spec/real.md)");
  sub->add_option("--real-from", o->real_from, "format of the --real transcripts: openclaw, claude-code or codex")
      ->capture_default_str();
  sub->add_flag("--quiet", o->quiet, "no progress lines on stderr");
  return {sub, [o] { return run_suite_command(*o); }};
}

}  // namespace clawvm::cli
