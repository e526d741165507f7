// Subcommands demo, check-trace and reason-codes (spec/cli.md CLI-1..CLI-4).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <fmt/core.h>

#include "clawvm/line_reader.hpp"
#include "clawvm/message_text.hpp"
#include "clawvm/output_file.hpp"
#include "clawvm/reason_code.hpp"
#include "clawvm/trace_validation.hpp"
#include "clawvm/workload.hpp"
#include "command.hpp"
#include "demo.hpp"

namespace clawvm::cli {

std::optional<std::vector<engine_policy>> parse_policy_list(const std::string& command_name,
                                                            const std::string& list) {
  if (list == "all") return all_policies();
  std::vector<engine_policy> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto p = policy_named(name);
    if (!p) {
      fmt::print(stderr, "clawvm {}: --policy: unknown policy '{}' (retrieval, retrieval_cache, "
                         "compaction_hybrid, lru, clawvm, oracle or all)\n", command_name, name);
      return std::nullopt;
    }
    out.push_back(std::move(*p));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool prepare_out_dir(std::string_view command_name, const std::string& dir) {
  if (auto problem = prepare_output_directory(dir)) {
    fmt::print(stderr, "clawvm {}: --out: {}\n", command_name, *problem);
    return false;
  }
  return true;
}

bool seal_out_dir(std::string_view command_name, const std::string& dir) {
  if (auto problem = seal_output_directory(dir, command_name)) {
    fmt::print(stderr, "clawvm {}: --out: {}\n", command_name, *problem);
    return false;
  }
  return true;
}

namespace {

void print_counters(const std::string& policy, const fault_counters& c) {
  fmt::print("{:<18} faults={:<3}", policy, c.total_faults());
  for (auto f : all_fault_kinds) fmt::print(" {}={}", to_string(f), c[f]);
  fmt::print(" hits={} alerts={} commits={} rejections={} thrash={:.3f}\n", c.hits,
             c.duplicate_signature_alerts, c.commits, c.rejections, c.thrash_index());
}

// CLI-2: exit 0 when every trace follows the model, 1 at a divergence, 2 when a file
// cannot be read, is not a trace (a directory, an empty file, a line over the limit).
// Every file is checked whatever happened to the ones before it.
int check_traces(const std::vector<std::string>& files) {
  int worst = exit_ok;
  const auto bad_input = [&worst](const std::string& message) {
    fmt::print(stderr, "{}\n", message);
    worst = exit_bad_input;
  };
  for (const auto& path : files) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      bad_input(fmt::format("{}: is a directory, not a decision trace", path));
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      bad_input(fmt::format("{}: cannot read", path));
      continue;
    }
    trace_validator validator;
    // Lines are bounded like workload lines; a longer one ends the file's check (/dev/zero).
    line_reader lines(in, workload_line_bytes_max, 0);
    std::string line;
    bool unreadable = false;
    for (;;) {
      const auto st = lines.next(line);
      if (st == line_reader::status::end) break;
      if (st == line_reader::status::too_long) {
        bad_input(fmt::format("{}:{}: line longer than {} bytes", path, lines.line_number(), workload_line_bytes_max));
        unreadable = true;
        break;
      }
      if (!validator.step(line)) break;
    }
    if (unreadable) continue;
    if (lines.io_error()) {
      bad_input(fmt::format("{}: read error", path));
      continue;
    }
    const auto& r = validator.finish();
    if (r.ok && r.steps == 0) {
      // Never a silent empty result: an empty file validates nothing.
      bad_input(fmt::format("{}: no trace lines: an empty file is not a decision trace", path));
      continue;
    }
    if (r.ok) {
      fmt::print("{}: OK, {} steps follow the model\n", path, r.steps);
      continue;
    }
    const auto& d = r.first_divergence;
    fmt::print("{}:{}: diverges at event '{}' (action {}): {}\n", path, d.line, d.event, d.action, printable_message(d.message));
    if (worst == exit_ok) worst = exit_check_failed;
  }
  return worst;
}

struct demo_options {
  std::string policy_name = "clawvm";
  std::uint32_t budget = 300;
  bool compare = true;
  bool quiet = false;
  std::string trace_path;
};

int run_demo(const demo_options& o) {
  const auto policy = policy_named(o.policy_name);
  if (!policy) {
    fmt::print(stderr, "clawvm demo: --policy: unknown policy '{}'\n", o.policy_name);
    return exit_bad_input;
  }
  std::optional<output_file> trace_file;
  if (!o.trace_path.empty()) {
    trace_file.emplace(o.trace_path);
    if (!trace_file->is_open()) {
      fmt::print(stderr, "clawvm demo: --trace: {}\n", trace_file->error());
      return exit_bad_input;
    }
  }
  ostream_trace_sink sink(trace_file ? trace_file->stream() : std::cout);
  const auto counters = run_demo_session(*policy, o.budget, o.quiet && !trace_file ? nullptr : &sink);
  if (trace_file && !trace_file->commit()) {
    fmt::print(stderr, "clawvm demo: --trace: {}\n", trace_file->error());
    return exit_bad_input;
  }
  fmt::print("\n# demo session, budget {} tokens\n", o.budget);
  print_counters(policy->name, counters);
  if (o.compare) {
    for (const auto& other : all_policies()) {
      if (other.name == policy->name) continue;
      print_counters(other.name, run_demo_session(other, o.budget, nullptr));
    }
  }
  // The demo's own check: ClawVM must show no policy-controllable fault.
  if (policy->id == policy_id::clawvm && counters.total_faults() != 0) {
    fmt::print(stderr, "clawvm demo: ClawVM showed {} faults\n", counters.total_faults());
    return exit_check_failed;
  }
  return exit_ok;
}

}  // namespace

command add_demo(CLI::App& app) {
  auto o = std::make_shared<demo_options>();
  auto* sub = app.add_subcommand("demo", "Run the built-in demo session and print its decision trace and fault counts");
  sub->add_option("--policy", o->policy_name, "retrieval, retrieval_cache, compaction_hybrid, lru, clawvm or oracle")
      ->capture_default_str();
  sub->add_option("--budget", o->budget, "token budget")->capture_default_str()->check(CLI::Range(1U, 1000000000U));
  sub->add_flag("!--no-compare", o->compare, "do not also print every policy's fault counts");
  sub->add_flag("--quiet", o->quiet, "do not print the decision trace on stdout (--trace still writes it)");
  sub->add_option("--trace", o->trace_path, "write the decision trace (JSON Lines) to this file instead of stdout");
  return {sub, [o] { return run_demo(*o); }};
}

command add_check_trace(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* sub = app.add_subcommand("check-trace", "Validate decision traces step by step against the TLA+ model (tla/ClawVM.tla)");
  sub->add_option("traces", *files, "decision trace files (JSON Lines)")->required();
  return {sub, [files] { return check_traces(*files); }};
}

command add_reason_codes(CLI::App& app) {
  auto* sub = app.add_subcommand("reason-codes", "Print the reason-code table (name, number, family, meaning) as TSV");
  return {sub, [] {
            for (const auto& info : all_reason_codes) {
              fmt::print("{}\t{}\t{}\t{}\n", info.number, info.name, info.family, info.meaning);
            }
            return exit_ok;
          }};
}

// SW-14, RL-13.
std::optional<eval::shard_spec> parse_shard(std::string_view command_name, const std::string& text) {
  const auto slash = text.find('/');
  unsigned long index = 0;
  unsigned long count = 0;
  try {
    std::size_t used_index = 0;
    std::size_t used_count = 0;
    if (slash != std::string::npos) {
      index = std::stoul(text.substr(0, slash), &used_index);
      count = std::stoul(text.substr(slash + 1), &used_count);
    }
    if (slash == std::string::npos || used_index != slash || used_count != text.size() - slash - 1) count = 0;
  } catch (const std::exception&) {
    count = 0;
  }
  if (count < 1 || count > 100000 || index < 1 || index > count || text.find_first_of("+- ") != std::string::npos) {
    fmt::print(stderr, "clawvm {}: --shard: '{}' is not I/N with 1 <= I <= N <= 100000\n", command_name, text);
    return std::nullopt;
  }
  return eval::shard_spec{static_cast<std::uint32_t>(index - 1), static_cast<std::uint32_t>(count)};
}

}  // namespace clawvm::cli
