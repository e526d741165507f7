#pragma once
// One subcommand of the `clawvm` tool. Each subcommand lives in its own file and adds
// itself to the CLI11 app; main() runs the one that was parsed. Exit codes (spec/cli.md):
// 0 ok, 1 a check failed, 2 bad input or usage.

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "clawvm/eval/shard.hpp"
#include "clawvm/policy.hpp"

namespace clawvm::eval {
struct real_result;
}  // namespace clawvm::eval

namespace clawvm::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_check_failed = 1;
inline constexpr int exit_bad_input = 2;

// "sweep: 37/144 configurations" on stderr for runs over a second (CLI-6): silent for
// the first second, then at most one line per second (rewritten in place on a terminal,
// one line each in a log). Times only pace these lines; no output file sees them.
// Called serialised (parallel_map holds its lock).
class progress_line {
 public:
  explicit progress_line(std::string label)
      : label_(std::move(label)), start_(std::chrono::steady_clock::now()), tty_(isatty(fileno(stderr)) != 0) {}
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;
  ~progress_line() {
    if (printed_ && tty_) std::fputc('\n', stderr);
  }
  void operator()(std::size_t done, std::size_t total) { print(fmt::format("{}/{} configurations", done, total)); }
  void print(const std::string& what) {
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(1)) return;
    if (printed_ && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    printed_ = true;
    if (tty_) {
      fmt::print(stderr, "\r{}: {}\x1b[K", label_, what);
    } else {
      fmt::print(stderr, "{}: {}\n", label_, what);
    }
  }

 private:
  std::string label_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
  bool tty_;
  bool printed_ = false;
};

// Where the Tier-1 gate workloads are: the source tree's spec/vectors/gates, compiled in
// by src/CMakeLists.txt (CLAWVM_GATE_VECTORS_DIR), else relative to the working directory.
inline std::string gate_vectors_dir_default() {
#ifdef CLAWVM_GATE_VECTORS_DIR
  return CLAWVM_GATE_VECTORS_DIR;
#else
  return "spec/vectors/gates";
#endif
}

struct command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // called after parsing when `app` was selected
};

// CLI-9: an --out directory holds one run's outputs. prepare_out_dir creates it or clears
// the previous clawvm run's files (refusing a directory with files of anyone else);
// seal_out_dir lists what this run wrote. Both print the problem and return false.
bool prepare_out_dir(std::string_view command_name, const std::string& dir);
bool seal_out_dir(std::string_view command_name, const std::string& dir);

// "I/N" with 1 <= I <= N <= 100000: one shard of a campaign (SW-14, RL-13); nullopt after
// printing "clawvm <cmd>: --shard: ..." otherwise.
std::optional<eval::shard_spec> parse_shard(std::string_view command_name, const std::string& text);

// RL-10, RL-11 (cmd_real.cpp): writes real.summary.* into a prepared and sealed out_dir,
// prints the comparison and the checks; the exit code (0 pass, 1 a check failed, 2 bad
// output directory). Used by `real` and by `merge` of real shards.
int write_real_report(const eval::real_result& result, const std::string& out_dir, std::string_view command_name);

// Policies named on the command line: "all" or a comma-separated list of wire names.
// nullopt (after printing "clawvm <cmd>: --policy: unknown policy 'x'") on an unknown name.
std::optional<std::vector<engine_policy>> parse_policy_list(const std::string& command_name,
                                                            const std::string& list);

// Subcommands (one file each).
command add_demo(CLI::App& app);
command add_check_trace(CLI::App& app);
command add_reason_codes(CLI::App& app);
command add_replay(CLI::App& app);
command add_optimum(CLI::App& app);
command add_generate(CLI::App& app);
command add_gates(CLI::App& app);
command add_sweep(CLI::App& app);
command add_ablate(CLI::App& app);
command add_suite(CLI::App& app);
command add_serve(CLI::App& app);
command add_import(CLI::App& app);
command add_real(CLI::App& app);
command add_conform(CLI::App& app);
command add_merge(CLI::App& app);

}  // namespace clawvm::cli
