#pragma once
// Differential fuzzing of a foreign implementation (spec/conformance.md CF-12): seeded
// random workloads through the SUT and the in-process reference, compared at a tier; the
// first divergence is shrunk to a minimal workload and written as a case.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "clawvm/conform/runner.hpp"

namespace clawvm::conform {

struct random_options {
  std::uint64_t seed = 1;
  std::size_t count = 100;
  tier level = tier::should;          // lowered to what the SUT claims
  std::filesystem::path shrink_out;   // empty: do not write the shrunk case
};

struct random_finding {
  std::string parameters;             // "family long_plan, seed 123, 17 turns, policy clawvm, budget 180"
  case_result before;                 // the first divergent run
  case_result after;                  // the same divergence on the shrunk workload
  std::size_t events_before = 0;
  std::size_t events_after = 0;
  std::size_t shrink_runs = 0;
  std::string case_id;                // the written case, when shrink_out was given
};

struct random_result {
  std::size_t runs = 0;               // workloads compared
  tier level = tier::must;
  std::optional<random_finding> finding;
};

random_result run_random(const run_options& options, const capabilities& claims, const random_options& random,
                         const std::function<void(const std::string&)>& log);

}  // namespace clawvm::conform
