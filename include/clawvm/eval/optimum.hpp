#pragma once
// The exact offline optimum (spec/optimum.md OPT-1..OPT-6): the fewest faults any
// sequence of selections obeying ClawVM's hard rules can have on a recorded workload at a
// budget, knowing the whole future. Computed from one required-only replay and one small
// knapsack per selection; exact at every size.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "clawvm/policy.hpp"
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

// OPT-5 over a run's rows (the sweep's SW-15, the real sessions' RL-14): the rows of
// policies with ClawVM's structure that have an optimum, and those below it. A row has
// `metrics` (replay_metrics) and `optimum_gap()` (an optional signed gap).
struct optimum_bound_tally {
  std::size_t checked = 0;           // rows of lru, clawvm or oracle with an optimum
  std::size_t below = 0;             // of them, with fewer faults than the optimum
  std::uint64_t clawvm_above = 0;    // ClawVM's faults above the optimum, summed
  std::optional<std::size_t> first;  // the index of the first row below
};

template <class Rows>
optimum_bound_tally tally_optimum_bound(const Rows& rows) {
  optimum_bound_tally t;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto policy = policy_named(rows[i].metrics.policy);
    const auto gap = rows[i].optimum_gap();
    if (!policy || !has_clawvm_structure(policy->id) || !gap) continue;
    ++t.checked;
    if (policy->id == policy_id::clawvm && *gap > 0) t.clawvm_above += static_cast<std::uint64_t>(*gap);
    if (*gap >= 0) continue;
    if (t.below++ == 0) t.first = i;
  }
  return t;
}

}  // namespace clawvm::eval
