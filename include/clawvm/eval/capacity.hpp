#pragma once
// The capacity probe (spec/real.md RL-4): a workload's footprint at every assembly, the
// tokens ClawVM's steps 1 and 2 install when nothing has to be left out. A configuration
// whose budget holds the peak footprint has sufficient capacity: every fault there is the
// policy's own doing. Used by the real-session report (RL-4) and the Tier-2 sweep (SW-16).

#include <cstdint>
#include <vector>

#include "clawvm/replay.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::eval {

struct capacity_profile {
  std::uint64_t assemblies = 0;  // turn assemblies and restores after boundaries
  // The largest footprint of any assembly: required set + a pointer for every other page.
  std::uint64_t peak_footprint_tokens = 0;
  // For each budget asked for (same order): assemblies whose footprint exceeds it.
  std::vector<std::uint64_t> assemblies_over_budget;

  // The budget holds every footprint (RL-4's criterion).
  bool sufficient_at(std::uint64_t tokens_budget) const noexcept { return peak_footprint_tokens <= tokens_budget; }
};

// Drives an engine through the workload with ClawVM's required set and pointer prefetch,
// no upgrades and an unlimited budget, so nothing is ever evicted; each assembly's tokens
// are then its footprint. `budgets` are the budgets the footprints are compared with.
// Throws std::runtime_error on a workload read error.
capacity_profile measure_capacity(const workload_pull& pull, const std::vector<std::uint32_t>& budgets);
capacity_profile measure_capacity(const workload& w, const std::vector<std::uint32_t>& budgets);

}  // namespace clawvm::eval
