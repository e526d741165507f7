#pragma once
// What the engine's demand and tool-call hooks answer (spec/engine.md FT-2, FT-3). Kept
// apart from engine.hpp so that the decision trace's typed events can name them.

#include <cstdint>
#include <string_view>

namespace clawvm {

enum class demand_outcome : std::uint8_t { hit = 0, miss = 1, refetch_fault = 2, unknown_page = 3 };
enum class tool_outcome : std::uint8_t {
  new_call = 0,
  duplicate_signature_alert = 1,  // result still resident: not re-run
  duplicate_tool_fault = 2,       // result evicted: re-run
  rejected = 3,                   // result page or arguments invalid (see reason)
};
constexpr std::string_view to_string(demand_outcome o) noexcept {
  switch (o) {
    case demand_outcome::hit: return "hit";
    case demand_outcome::miss: return "miss";
    case demand_outcome::refetch_fault: return "refetch";
    case demand_outcome::unknown_page: return "unknown_page";
  }
  return "?";
}
constexpr std::string_view to_string(tool_outcome o) noexcept {
  switch (o) {
    case tool_outcome::new_call: return "new_call";
    case tool_outcome::duplicate_signature_alert: return "duplicate_signature_alert";
    case tool_outcome::duplicate_tool_fault: return "duplicate_tool";
    case tool_outcome::rejected: return "rejected";
  }
  return "?";
}

}  // namespace clawvm
