// Subcommand gates: the Tier-1 lifecycle gates (spec/gates.md GT-10, spec/cli.md).
#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "clawvm/eval/gates.hpp"
#include "clawvm/output_file.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

struct gates_options {
  std::string vectors_dir;
  std::string out_dir = ".";
  std::string trace_dir;
};

// The default vectors directory: the source tree's, when the build says where it is.
std::string default_vectors_dir() {
#ifdef CLAWVM_GATE_VECTORS_DIR
  return CLAWVM_GATE_VECTORS_DIR;
#else
  return "spec/vectors/gates";
#endif
}

bool write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::string error;
  if (write_file_atomically(path, bytes, error)) return true;
  fmt::print(stderr, "clawvm gates: {}\n", error);
  return false;
}

bool write_traces(const std::filesystem::path& dir, const eval::tier1_report& report) {
  for (const auto& g : report.gates) {
    for (const auto* run : {&g.subject, &g.baseline}) {
      std::string bytes;
      for (const auto& line : run->trace_lines) bytes += line + '\n';
      const auto role = run == &g.subject ? "clawvm" : "baseline";
      if (!write_file(dir / fmt::format("{}.{}.trace.jsonl", g.gate, role), bytes)) return false;
    }
  }
  return true;
}

void print_table(const eval::tier1_report& report) {
  // Columns sized to their widest cell: the baselines' names are long.
  std::vector<std::array<std::string, 7>> rows{
      {"gate", "budget", "clawvm faults", "baseline", "baseline shows", "expected", "result"}};
  for (const auto& g : report.gates) {
    if (g.error) {
      rows.push_back({g.gate, std::to_string(g.tokens_budget), "-", "-", "bad input", "-", "FAIL"});
      continue;
    }
    rows.push_back({g.gate, std::to_string(g.tokens_budget), std::to_string(g.subject.metrics.counters.total_faults()),
                    g.baseline.policy, g.baseline_observed, g.baseline_expected, g.pass ? "PASS" : "FAIL"});
  }
  std::array<std::size_t, 7> width{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], width[i]);
    }
    fmt::print("{}\n", line);
  }
  for (const auto& g : report.gates) {
    if (!g.pass) fmt::print("{}: {}\n", g.gate, g.detail);
  }
  fmt::print("tier-1: {}\n", report.pass() ? "PASS" : "FAIL");
}

int run_gates_command(const gates_options& o) {
  namespace fs = std::filesystem;
  const std::string vectors = o.vectors_dir.empty() ? default_vectors_dir() : o.vectors_dir;
  if (!fs::is_directory(vectors)) {
    fmt::print(stderr, "clawvm gates: --vectors: '{}' is not a directory\n", vectors);
    return exit_bad_input;
  }
  const eval::tier1_report report = eval::run_all_gates(vectors);
  if (const auto* err = report.first_error()) {
    fmt::print(stderr, "clawvm gates: {}\n", err->to_string());
    return exit_bad_input;
  }
  print_table(report);

  if (!prepare_out_dir("gates", o.out_dir)) return exit_bad_input;
  const fs::path out(o.out_dir);
  if (!write_file(out / "tier1.report.json", report.to_json_text()) ||
      !write_file(out / "tier1.report.md", report.to_markdown()) || !seal_out_dir("gates", o.out_dir)) {
    return exit_bad_input;
  }
  if (!o.trace_dir.empty()) {
    if (!prepare_out_dir("gates", o.trace_dir) || !write_traces(o.trace_dir, report) ||
        !seal_out_dir("gates", o.trace_dir)) {
      return exit_bad_input;
    }
  }
  return report.pass() ? exit_ok : exit_check_failed;
}

}  // namespace

command add_gates(CLI::App& app) {
  auto o = std::make_shared<gates_options>();
  auto* sub = app.add_subcommand("gates", "Run the six Tier-1 lifecycle gates (ClawVM vs a named baseline each) "
                                          "and write tier1.report.json and tier1.report.md");
  sub->add_option("--vectors", o->vectors_dir, "directory of the gate workloads (<gate>.workload.jsonl)")
      ->default_str(default_vectors_dir());
  sub->add_option("--out", o->out_dir, "directory for tier1.report.json and tier1.report.md")->capture_default_str();
  sub->add_option("--trace-dir", o->trace_dir,
                  "also write every run's decision trace as <gate>.<clawvm|baseline>.trace.jsonl here");
  return {sub, [o] { return run_gates_command(*o); }};
}

}  // namespace clawvm::cli
