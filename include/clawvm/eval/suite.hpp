#pragma once
// The evaluation suite (spec/suite.md SU-1..SU-6): the main job. One call runs the
// Tier-1 gates, the Tier-2 sweep, the stress runs, the ablations and the weight sweep,
// saves every generated workload, writes the manifest (inputs, seeds, versions, SHA-256
// of every output) and renders report.html / report.md. Every output is a function of
// the configuration: byte-identical for any --jobs value.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/import/import.hpp"

namespace clawvm::eval {

inline constexpr std::string_view suite_manifest_format = "clawvm-suite-manifest";
inline constexpr int suite_manifest_version = 1;

struct suite_config {
  std::filesystem::path out_dir;
  std::filesystem::path gate_vectors_dir;
  std::uint64_t seed = 42;
  // Turns per generated workload; 0: each family's default (the full suite). The tests
  // use a reduced suite (SU-1 `--turns`).
  std::uint32_t turns = 0;
  unsigned jobs = 1;
  // Real sessions (spec/real.md RL-12): transcript files or directories of *.jsonl in
  // `real_format`. Empty: the real-session report is not run (and not in the report).
  std::vector<std::filesystem::path> real_inputs;
  import::source_format real_format = import::source_format::openclaw;
  // Progress lines ("suite: sweep 37/144") for runs over a second; null: none.
  std::function<void(const std::string&)> progress;
};

struct suite_check {
  std::string check;
  bool pass = false;
  std::string detail;
};

struct suite_result {
  std::vector<suite_check> checks;
  std::vector<std::string> outputs;  // file names relative to out_dir, sorted
  bool bad_input = false;            // a gate vector or a real transcript could not be read (exit 2)
  std::string bad_input_message;
  bool pass() const noexcept;
};

// Runs everything and writes the outputs into config.out_dir (created if missing; files
// of an earlier run are overwritten, other files are left alone and not listed).
suite_result run_suite(const suite_config& config);

}  // namespace clawvm::eval
