#pragma once
// The one dispatch from an event to the engine's hooks (spec/replay.md RP-3, SC-3):
// replay, the sidecar, the real-session probe and the benchmarks all apply events
// through apply_event, so an event means the same thing everywhere, and they differ only
// in what they do with the typed outcome.

#include <cstdint>
#include <variant>

#include "clawvm/engine.hpp"
#include "clawvm/event.hpp"

namespace clawvm {

// turn_end: the turn that was assembled and its selection (the engine's last_selection;
// on_post_model has run since, which changes recency only).
struct turn_outcome {
  std::uint64_t turn = 0;
  const selection* assembled = nullptr;
};

// What the hook answered, by event: session_start → monostate; ingest, update → the
// reason code; demand → demand_outcome; tool_call → tool_result; recall → recall_result;
// turn_end → turn_outcome; a boundary → boundary_report.
using event_outcome = std::variant<std::monostate, reason_code, demand_outcome, tool_result, recall_result, turn_outcome,
                                   boundary_report>;

// Applies `event` to `e` (turn_end = on_assemble, then on_post_model). The caller sets the
// oracle's lookahead before a turn_end (EN-8) if it has one.
event_outcome apply_event(engine& e, const workload_event& event);

}  // namespace clawvm
