// Subcommand real (spec/real.md RL-11): real agent transcripts imported, cut, replayed
// through the six policies at the paper's budgets and at realistic windows; writes
// real.summary.{json,csv,md}, prints the paper comparison and the checks.
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "clawvm/eval/real.hpp"
#include "clawvm/eval/sweep.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

struct real_cli_options {
  std::string from;
  std::vector<std::string> inputs;
  std::string out_dir;
  unsigned jobs = 1;
  std::string budgets = "120,180,240,300,380,500";
  std::string windows = "8192,32768";
  std::string cuts = "100,200,full";
  std::string policies = "all";
  std::uint32_t lookahead = oracle_lookahead_turns_default;
  bool strict = false;
  bool lenient = false;
  std::string mapping_path;
  std::optional<std::uint64_t> import_window;
  bool quiet = false;
  std::string shard;  // "I/N" (RL-13)
};

// "120,180" -> {120, 180}; "none" -> {} when allowed; "full" -> 0 when allowed (cuts).
// nullopt (after a message naming the option) on anything else.
std::optional<std::vector<std::uint32_t>> parse_token_list(std::string_view option, const std::string& text,
                                                           bool none_allowed, bool full_allowed) {
  std::vector<std::uint32_t> out;
  if (none_allowed && text == "none") return out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (full_allowed && item == "full") {
      out.push_back(eval::real_cut_full);
      continue;
    }
    std::size_t used = 0;
    unsigned long value = 0;
    try {
      value = std::stoul(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || value < 1 || value > 1000000000UL) {
      fmt::print(stderr, "clawvm real: {}: '{}' is not {} (an integer in 1 ... 1000000000{})\n", option, item,
                 full_allowed ? "a cut" : "a token budget", full_allowed ? ", or full" : "");
      return std::nullopt;
    }
    out.push_back(static_cast<std::uint32_t>(value));
  }
  if (out.empty() && !none_allowed) {
    fmt::print(stderr, "clawvm real: {}: nothing given\n", option);
    return std::nullopt;
  }
  return out;
}

void print_paper_comparison(const eval::real_result& r) {
  fmt::print("median faults per session at budget {} (paper: retrieval 51 at 100 turns, 83 at 200; clawvm 0):\n",
             eval::real_reference_budget);
  fmt::print("  {:<18} {:>8} {:>8} {:>8}\n", "policy", "cut 100", "cut 200", "full");
  for (const auto& policy : r.policies) {
    fmt::print("  {:<18}", policy);
    for (const char* cut : {"100", "200", "full"}) {
      std::string text = "-";
      for (const auto& s : r.by_policy) {
        if (s.cut == cut && s.budget == eval::real_reference_budget && s.kind == eval::real_budget_kind::budget &&
            s.policy == policy) {
          text = fmt::format("{:.1f}", s.median_faults);
        }
      }
      fmt::print(" {:>8}", text);
    }
    fmt::print("\n");
  }
}

int run_real_command(const real_cli_options& o) {
  const auto format = import::parse_source_format(o.from);
  if (!format) {
    fmt::print(stderr, "clawvm real: --from: unknown format '{}' (openclaw, claude-code or codex)\n", o.from);
    return exit_bad_input;
  }
  if (o.strict && o.lenient) {
    fmt::print(stderr, "clawvm real: --strict and --lenient exclude each other\n");
    return exit_bad_input;
  }
  const auto budgets = parse_token_list("--budgets", o.budgets, true, false);
  const auto windows = parse_token_list("--windows", o.windows, true, false);
  const auto cuts = parse_token_list("--cuts", o.cuts, false, true);
  if (!budgets || !windows || !cuts) return exit_bad_input;
  if (budgets->empty() && windows->empty()) {
    fmt::print(stderr, "clawvm real: --budgets and --windows are both none: nothing to replay\n");
    return exit_bad_input;
  }
  auto policies = parse_policy_list("real", o.policies);
  if (!policies) return exit_bad_input;

  eval::real_config config;
  config.format = *format;
  for (const auto& input : o.inputs) config.inputs.emplace_back(input);
  config.mode = o.lenient ? import::strictness::lenient : import::strictness::strict;
  if (!o.mapping_path.empty()) {
    auto loaded = import::load_mapping(o.mapping_path);
    if (auto* err = std::get_if<std::string>(&loaded)) {
      fmt::print(stderr, "clawvm real: --mapping: {}\n", *err);
      return exit_bad_input;
    }
    config.import_options = std::get<import::import_options>(std::move(loaded));
  }
  if (o.import_window) config.import_options.window_tokens = *o.import_window;
  config.cuts = *cuts;
  config.budgets = *budgets;
  config.windows = *windows;
  config.policies = std::move(*policies);
  config.lookahead_turns = o.lookahead;
  config.jobs = o.jobs;
  if (!o.shard.empty()) {
    const auto shard = parse_shard("real", o.shard);
    if (!shard) return exit_bad_input;
    config.shard = *shard;
  }

  eval::real_result result;
  {
    progress_line progress("real");
    if (!o.quiet) {
      config.progress = [&progress](std::string_view stage, std::size_t done, std::size_t total) {
        progress.print(fmt::format("{} {}/{}", stage, done, total));
      };
    }
    result = eval::run_real(config);
  }
  if (result.bad_input) {
    fmt::print(stderr, "clawvm real: {}\n", result.bad_input_message);
    return exit_bad_input;
  }
  if (!o.shard.empty()) {
    // RL-13: a shard's sessions only (even 1/1), unchecked; `clawvm merge` checks the whole.
    if (!prepare_out_dir("real", o.out_dir)) return exit_bad_input;
    eval::write_output_file(std::filesystem::path(o.out_dir) / "real.shard.json",
                            eval::to_shard_json(result).dump(1) + "\n");
    if (!seal_out_dir("real", o.out_dir)) return exit_bad_input;
    fmt::print("real: shard {}/{}: {} of {} sessions, {} replays, in {}/real.shard.json\n", config.shard.index + 1,
               config.shard.count, result.sessions.size(), result.all_sessions.size(), result.rows.size(), o.out_dir);
    return exit_ok;
  }
  return write_real_report(result, o.out_dir, "real");
}

}  // namespace

// RL-10, RL-11: the outputs of a whole run (`real`, or `merge` of its shards) and what the
// terminal shows.
int write_real_report(const eval::real_result& result, const std::string& out_dir, std::string_view command_name) {
  if (!prepare_out_dir(command_name, out_dir)) return exit_bad_input;
  eval::write_real_outputs(result, out_dir);
  if (!seal_out_dir(command_name, out_dir)) return exit_bad_input;

  fmt::print("{} sessions, {} replays\n", result.sessions.size(), result.rows.size());
  print_paper_comparison(result);
  fmt::print("checks: {}\n", result.pass ? "PASS" : "FAIL");
  for (const auto& c : result.checks) {
    fmt::print("  {:<38} {:<4}{}  {}\n", c.check, c.pass ? "pass" : "FAIL", c.informative ? " (informative)" : "",
               c.detail);
  }
  fmt::print("wrote {}/real.summary.{{json,csv,md}}\n", out_dir);
  fmt::print("{}\n", result.pass ? "real: PASS" : "real: FAIL");
  return result.pass ? exit_ok : exit_check_failed;
}

command add_real(CLI::App& app) {
  auto o = std::make_shared<real_cli_options>();
  auto* sub = app.add_subcommand(
      "real", "Replay real agent transcripts (imported, cut at 100/200 turns and full) through all policies at the "
              "paper's budgets and at realistic windows; check the paper's real-trace claim (spec/real.md)");
  sub->add_option("--from", o->from, "transcript format: openclaw, claude-code or codex")->required();
  sub->add_option("inputs", o->inputs, "transcript files, or directories of *.jsonl transcripts")->required();
  sub->add_option("--out", o->out_dir, "output directory (created if missing)")->required();
  sub->add_option("--jobs", o->jobs, "worker threads (outputs are identical for every value)")
      ->capture_default_str()
      ->check(CLI::Range(1U, 256U));
  sub->add_option("--budgets", o->budgets, "comma-separated token budgets of the paper's grid, or none")
      ->capture_default_str();
  sub->add_option("--windows", o->windows, "comma-separated realistic context windows (tokens), or none")
      ->capture_default_str();
  sub->add_option("--cuts", o->cuts, "comma-separated cuts in turns; full = the whole session")->capture_default_str();
  sub->add_option("--policy", o->policies, "all, or a comma-separated list of policy names")->capture_default_str();
  sub->add_option("--lookahead", o->lookahead, "oracle lookahead h in turns")
      ->capture_default_str()
      ->check(CLI::Range(0U, 1000U));
  auto* strict = sub->add_flag("--strict", o->strict, "stop at the first bad transcript line, exit 2 (default)");
  sub->add_flag("--lenient", o->lenient, "skip and count bad transcript lines")->excludes(strict);
  sub->add_option("--mapping", o->mapping_path, "JSON file overriding the import mapping (spec/import.md IM-14)");
  sub->add_option("--window", o->import_window,
                  "importer: synthesize a compaction when the context estimate exceeds TOKENS (default 32768)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{4294967295ULL}));
  sub->add_flag("--quiet", o->quiet, "no progress lines on stderr");
  sub->add_option("--shard", o->shard,
                  "import and replay only shard I of N (1-based; session i of the sorted inputs is in shard i % N) "
                  "and write real.shard.json for `clawvm merge`");
  return {sub, [o] { return run_real_command(*o); }};
}

}  // namespace clawvm::cli
