#pragma once
// The exact offline optimum (spec/optimum.md OPT-1..OPT-6): the fewest faults any
// sequence of selections obeying ClawVM's hard rules can have on a recorded workload at a
// budget, knowing the whole future. Computed from one required-only replay and one small
// knapsack per selection; exact at every size.

#include <cstdint>
#include <string>

#include "clawvm/replay.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::eval {

struct optimum_result {
  std::uint64_t optimum_faults = 0;         // OPT(w, B)
  std::uint64_t required_only_faults = 0;   // F_req: refetch + duplicate_tool of the required-only replay
  std::uint64_t avoidable_faults = 0;       // sum of K_t
  std::uint64_t selections = 0;             // selections of the replay (turns and restores)
  std::uint64_t selections_with_choice = 0; // selections whose window has a fault to avoid
};

// Planted bugs for the property suite (properties/optimum_props.cpp): the honest
// computation is `none`.
enum class optimum_variant {
  none,
  keeps_nothing,  // K_t = 0: the "optimum" never keeps a page beyond the required step
};

// OPT for `w` at `tokens_budget`: one required-only replay of `w` (OPT-3), events the
// engine refuses count as they do in any replay (RP-3).
optimum_result offline_optimum(const workload& w, std::uint32_t tokens_budget,
                               optimum_variant variant = optimum_variant::none);
// The same over events pulled one at a time (a workload file, as replay streams it): the
// events up to the first that does not read are counted.
optimum_result offline_optimum(const workload_pull& pull, std::uint32_t tokens_budget,
                               optimum_variant variant = optimum_variant::none);

// The optimum gap of a run (OPT-5): its faults minus the optimum, negative only for a
// policy that breaks a hard rule.
inline std::int64_t optimum_gap(std::uint64_t total_faults, const optimum_result& optimum) noexcept {
  return static_cast<std::int64_t>(total_faults) - static_cast<std::int64_t>(optimum.optimum_faults);
}

}  // namespace clawvm::eval
