#pragma once
// The events a harness sends, one per hook call (spec/workload.md WL-5): the vocabulary
// shared by workload files, the sidecar's requests and in-process drivers. No JSON here:
// reading and writing them is workload.hpp's, applying them to an engine is
// apply_event.hpp's.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "clawvm/page.hpp"
#include "clawvm/policy.hpp"
#include "clawvm/reason_code.hpp"
#include "clawvm/update.hpp"

namespace clawvm {

// One event per hook call (WL-5). Names match the engine hooks they drive.
namespace workload_events {
struct session_start {
  std::string session;
  friend bool operator==(const session_start&, const session_start&) = default;
};
struct ingest {
  page_spec page;
};
struct update {
  page_spec page;          // the page's new representations (same id, type, pin, scope)
  clawvm::update change;   // the typed update that persists the change at writeback
};
struct demand {
  std::string page;
  level wanted = level::full;
  friend bool operator==(const demand&, const demand&) = default;
};
struct tool_call {
  std::string tool;
  std::string arguments_json;  // JSON text of the arguments (any JSON value)
  page_spec result;            // the result page this call produced
};
struct recall {
  clawvm::scope scope = clawvm::scope::project;
  std::string field;
  // What the backend answered when it did not simply look the key up (WL-5):
  // RECALL_DENIED or RECALL_BACKEND_ERROR. Absent: the lookup ran against committed state.
  std::optional<reason_code> backend;
  friend bool operator==(const recall&, const recall&) = default;
};
// Assemble the prompt for this turn's model call, then end the turn (on_assemble +
// on_post_model).
struct turn_end {
  friend bool operator==(const turn_end&, const turn_end&) = default;
};
// compaction, pruning, memory_flush, reset, session_end, shutdown.
struct lifecycle {
  boundary kind = boundary::compaction;
  friend bool operator==(const lifecycle&, const lifecycle&) = default;
};
}  // namespace workload_events

using workload_event =
    std::variant<workload_events::session_start, workload_events::ingest, workload_events::update,
                 workload_events::demand, workload_events::tool_call, workload_events::recall,
                 workload_events::turn_end, workload_events::lifecycle>;

// The wire name of an event ("ingest", "turn_end", "compaction", ...).
std::string_view event_name(const workload_event& e);

bool operator==(const page_spec& a, const page_spec& b);
namespace workload_events {
bool operator==(const ingest& a, const ingest& b);
bool operator==(const update& a, const update& b);
bool operator==(const tool_call& a, const tool_call& b);
}  // namespace workload_events

}  // namespace clawvm
