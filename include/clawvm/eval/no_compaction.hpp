#pragma once
// The no-compaction reference of the real-session report (spec/real.md RL-16): the
// prompt a harness sends when it never compacts, prunes or rewrites anything, the whole
// transcript appended turn after turn, billed by the same prompt cache (RP-10). It is
// what the field compared ClawVM's assembly with; it exists only where it fits the window.

#include <cstdint>

#include "clawvm/prompt_cache.hpp"
#include "clawvm/replay.hpp"

namespace clawvm::eval {

struct no_compaction_profile {
  std::uint64_t turns = 0;               // prompts billed (one per turn_end)
  std::uint64_t peak_prompt_tokens = 0;  // the longest prompt: it fits a window at least this large
  prompt_cache_counts cache;

  bool fits(std::uint64_t window_tokens) const noexcept { return peak_prompt_tokens <= window_tokens; }
};

// Streams a workload once (RL-16's rules); throws std::runtime_error on a read error.
no_compaction_profile measure_no_compaction(const workload_pull& pull, const prompt_cache_model& model);

}  // namespace clawvm::eval
