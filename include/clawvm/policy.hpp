#pragma once
// Engine policies (brief §5, spec/engine.md EN-9): every policy is a configuration of
// the one engine: structural knobs plus a ranking. No policy has its own code path.

#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// What a boundary destroys (spec/engine.md EN-5): compaction rewrites the whole context,
// pruning drops tool outputs and transcript spans, a memory flush destroys nothing, and the
// session-ending boundaries destroy the context and every session-scoped page.
constexpr bool boundary_destroys(boundary b, page_type t) noexcept {
  switch (b) {
    case boundary::memory_flush: return false;
    case boundary::pruning: return t == page_type::evidence || t == page_type::conversation;
    default: return true;
  }
}
constexpr bool boundary_ends_session(boundary b) noexcept {
  return b == boundary::reset || b == boundary::session_end || b == boundary::shutdown;
}
constexpr std::optional<boundary> parse_boundary(std::string_view s) noexcept {
  for (std::uint8_t i = 0; i < boundary_count; ++i) {
    if (to_string(static_cast<boundary>(i)) == s) return static_cast<boundary>(i);
  }
  return std::nullopt;
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

// The six in the paper's order (Retrieval first, Oracle last): reports use this order.
std::vector<engine_policy> all_policies();
// By wire name ("retrieval", ..., "oracle"); nullopt for an unknown name.
std::optional<engine_policy> policy_named(std::string_view name);

}  // namespace clawvm
