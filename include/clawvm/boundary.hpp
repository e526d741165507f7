#pragma once
// Lifecycle boundaries (brief §3, spec/engine.md EN-5): the vocabulary and what each
// boundary destroys. A header of its own so that the model (clawvm/model/) and the
// explorer can use it without the selector.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "clawvm/page_type.hpp"

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

}  // namespace clawvm
