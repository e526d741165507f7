#pragma once
// The decision trace's events as typed values (spec/decision_trace.md DT-2, schema
// spec/decision-trace.schema.json): one struct per event, its fields under the names
// the trace writes. The engine builds them; src/decision_trace.cpp alone turns them into
// JSON text, so the core's headers carry no JSON library.
//
// Strings are views: an event is written when it is emitted and never kept, so it
// borrows the engine's page ids and the hook's arguments for that moment only.

#include <cstdint>
#include <string_view>
#include <variant>

#include "clawvm/boundary.hpp"
#include "clawvm/faults.hpp"
#include "clawvm/hook_outcome.hpp"
#include "clawvm/page_type.hpp"
#include "clawvm/reason_code.hpp"
#include "clawvm/selector.hpp"
#include "clawvm/update.hpp"

namespace clawvm {

// Which assembly a selection served: a turn's, or the restore right after a boundary
// (EN-7). The trace writes "turn" / "restore".
enum class selection_kind : std::uint8_t { turn, restore };
constexpr std::string_view to_string(selection_kind k) noexcept {
  return k == selection_kind::restore ? "restore" : "turn";
}

namespace trace_events {

// The engine continues a trace file another engine wrote (SC-1).
struct resume {
  std::uint64_t journal_last_seq = 0;
};
struct fault {
  fault_kind kind{};  // written as "fault"
  std::string_view page;
  std::string_view detail;
};
struct session_start {
  std::string_view session;
  std::string_view policy;
  std::uint64_t tokens_budget = 0;
  bool auto_pin = false;
};
// An accepted ingest names what the page is; a rejected one only the page and reason.
struct ingest {
  std::string_view page;
  page_type type{};
  pin_class pin{};
  clawvm::scope scope{};
};
struct ingest_rejected {
  std::string_view page;
  reason_code reason{};
};
// "update" when reason is ok, "update_rejected" otherwise.
struct update {
  std::string_view page;
  std::string_view field;
  journal_op op{};
  reason_code reason{};
};
// A demand for a known page says where the page was; for an unknown one it cannot.
struct demand {
  std::string_view page;
  level wanted{};
  demand_outcome outcome{};
  bool page_known = true;
  level resident{};  // written only when page_known
};
// A call whose arguments were refused has no signature and no page.
struct tool_call {
  std::string_view tool;
  tool_outcome outcome{};
  reason_code reason{};
  bool signed_call = true;  // signature and page are written only when true
  std::string_view signature;
  std::string_view page;
};
struct recall {
  clawvm::scope scope{};
  std::string_view field;
  bool found = false;
  std::string_view reason;  // empty when the recall was silent (FT-6)
};
struct assemble {
  selection_kind kind{};
  std::uint64_t demands = 0;
};
struct install {
  std::string_view page;
  page_type type{};
  level from{};
  level to{};
  install_step step{};
  std::uint64_t tokens_extra = 0;
};
struct unmet {
  std::string_view page;
  page_type type{};
  level wanted{};
  level installed{};
  std::uint64_t tokens_needed = 0;
  reason_code reason{};
};
struct select {
  selection_kind kind{};
  std::uint64_t tokens_used = 0;
  std::uint64_t tokens_budget = 0;
  std::uint64_t floor_set_tokens = 0;
  bool floor_set_fits = false;
  std::uint64_t pages = 0;
  std::uint64_t unmet = 0;
  std::string_view residency_digest;
};
struct turn_end {};
// Writeback, phase by phase (JR-1): stage, then commit or reject.
struct stage {
  std::uint64_t journal_seq = 0;
  std::string_view page;
  std::string_view field;
  journal_op op{};
  clawvm::scope scope{};
  clawvm::boundary boundary{};
};
// "commit" when committed is true, "reject" otherwise.
struct writeback_outcome {
  bool committed = false;
  std::uint64_t journal_seq = 0;
  std::string_view page;
  std::string_view field;
  reason_code reason{};
  std::uint64_t version = 0;
  bool overwrote_committed = false;
};
struct boundary_begin {  // written as "boundary"
  clawvm::boundary boundary{};
};
struct destroy {
  clawvm::boundary boundary{};
  bool ends_session = false;
};
struct boundary_done {
  clawvm::boundary boundary{};
  std::uint64_t written_back = 0;
  std::uint64_t rejected = 0;
  std::uint64_t flush_misses = 0;
  std::uint64_t pages_destroyed = 0;
};

}  // namespace trace_events

using trace_event =
    std::variant<trace_events::resume, trace_events::fault, trace_events::session_start, trace_events::ingest,
                 trace_events::ingest_rejected, trace_events::update, trace_events::demand, trace_events::tool_call,
                 trace_events::recall, trace_events::assemble, trace_events::install, trace_events::unmet,
                 trace_events::select, trace_events::turn_end, trace_events::stage,
                 trace_events::writeback_outcome, trace_events::boundary_begin, trace_events::destroy,
                 trace_events::boundary_done>;

}  // namespace clawvm
