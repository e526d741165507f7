#pragma once
// Engine policies (brief §5, spec/engine.md EN-9): every policy is a configuration of
// the one engine: structural knobs plus a ranking. No policy has its own code path.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "clawvm/selector.hpp"

namespace clawvm {

// Lifecycle boundaries (brief §3). Numbers appear in traces.
enum class boundary : std::uint8_t {
  compaction = 0,
  pruning = 1,
  memory_flush = 2,
  reset = 3,
  session_end = 4,
  shutdown = 5,
};
inline constexpr std::size_t boundary_count = 6;
constexpr std::string_view to_string(boundary b) noexcept {
  switch (b) {
    case boundary::compaction: return "compaction";
    case boundary::pruning: return "pruning";
    case boundary::memory_flush: return "memory_flush";
    case boundary::reset: return "reset";
    case boundary::session_end: return "session_end";
    case boundary::shutdown: return "shutdown";
  }
  return "?";
}

struct engine_policy {
  std::string name = "clawvm";
  selector_policy selector{};
  bool pointers_resolve_evidence = true;  // a resident evidence pointer serves its content
  std::array<bool, boundary_count> writeback_at{true, true, true, true, true, true};
  bool validate_writeback = true;         // false: schema only, permissive merge
  bool explain_empty_recall = true;       // false: empty lookups are silent
  bool restore_after_boundary = true;     // rebuild the context (floors, pointers) after a boundary

  bool writes_back_at(boundary b) const noexcept { return writeback_at[static_cast<std::size_t>(b)]; }
};

// The six policies of the paper's evaluation.
engine_policy policy_retrieval();
engine_policy policy_retrieval_cache();
engine_policy policy_compaction_hybrid();
engine_policy policy_lru();
engine_policy policy_clawvm();
engine_policy policy_oracle();

}  // namespace clawvm
