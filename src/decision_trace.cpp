#include "clawvm/decision_trace.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace clawvm {

std::string residency_digest::hex() const { return fmt::format("{:016x}", hash_.value()); }

namespace {

using nlohmann::json;

// The one place a trace event becomes JSON (DT-2): the event's name and its fields.
// nlohmann's objects are std::maps, so the keys come out in byte order.
struct event_fields {
  std::string_view name;
  json fields = json::object();
};

event_fields fields_of(const trace_events::resume& e) { return {"resume", {{"journal_last_seq", e.journal_last_seq}}}; }
event_fields fields_of(const trace_events::fault& e) {
  return {"fault", {{"fault", to_string(e.kind)}, {"page", e.page}, {"detail", e.detail}}};
}
event_fields fields_of(const trace_events::session_start& e) {
  return {"session_start",
          {{"session", e.session}, {"policy", e.policy}, {"tokens_budget", e.tokens_budget}, {"auto_pin", e.auto_pin}}};
}
event_fields fields_of(const trace_events::ingest& e) {
  return {"ingest",
          {{"page", e.page}, {"reason", to_string(reason_code::ok)}, {"type", to_string(e.type)},
           {"pin", to_string(e.pin)}, {"scope", to_string(e.scope)}}};
}
event_fields fields_of(const trace_events::ingest_rejected& e) {
  return {"ingest_rejected", {{"page", e.page}, {"reason", to_string(e.reason)}}};
}
event_fields fields_of(const trace_events::update& e) {
  return {e.reason == reason_code::ok ? "update" : "update_rejected",
          {{"page", e.page}, {"field", e.field}, {"op", to_string(e.op)}, {"reason", to_string(e.reason)}}};
}
event_fields fields_of(const trace_events::demand& e) {
  event_fields out{"demand", {{"page", e.page}, {"wanted", to_string(e.wanted)}, {"outcome", to_string(e.outcome)}}};
  if (e.page_known) out.fields["resident"] = to_string(e.resident);
  return out;
}
event_fields fields_of(const trace_events::tool_call& e) {
  event_fields out{"tool_call",
                   {{"tool", e.tool}, {"outcome", to_string(e.outcome)}, {"reason", to_string(e.reason)}}};
  if (e.signed_call) {
    out.fields["signature"] = e.signature;
    out.fields["page"] = e.page;
  }
  return out;
}
event_fields fields_of(const trace_events::recall& e) {
  return {"recall", {{"scope", to_string(e.scope)}, {"field", e.field}, {"found", e.found}, {"reason", e.reason}}};
}
event_fields fields_of(const trace_events::assemble& e) {
  return {"assemble", {{"kind", to_string(e.kind)}, {"demands", e.demands}}};
}
event_fields fields_of(const trace_events::install& e) {
  return {"install",
          {{"page", e.page}, {"type", to_string(e.type)}, {"from", to_string(e.from)}, {"to", to_string(e.to)},
           {"step", to_string(e.step)}, {"tokens_extra", e.tokens_extra}}};
}
event_fields fields_of(const trace_events::unmet& e) {
  return {"unmet",
          {{"page", e.page}, {"type", to_string(e.type)}, {"wanted", to_string(e.wanted)},
           {"installed", to_string(e.installed)}, {"tokens_needed", e.tokens_needed}, {"reason", to_string(e.reason)}}};
}
event_fields fields_of(const trace_events::select& e) {
  return {"select",
          {{"kind", to_string(e.kind)}, {"tokens_used", e.tokens_used}, {"tokens_budget", e.tokens_budget},
           {"floor_set_tokens", e.floor_set_tokens}, {"floor_set_fits", e.floor_set_fits}, {"pages", e.pages},
           {"unmet", e.unmet}, {"residency_digest", e.residency_digest}}};
}
event_fields fields_of(const trace_events::turn_end&) { return {"turn_end"}; }
event_fields fields_of(const trace_events::stage& e) {
  return {"stage",
          {{"journal_seq", e.journal_seq}, {"page", e.page}, {"field", e.field}, {"op", to_string(e.op)},
           {"scope", to_string(e.scope)}, {"boundary", to_string(e.boundary)}}};
}
event_fields fields_of(const trace_events::writeback_outcome& e) {
  return {e.committed ? "commit" : "reject",
          {{"journal_seq", e.journal_seq}, {"page", e.page}, {"field", e.field}, {"reason", to_string(e.reason)},
           {"version", e.version}, {"overwrote_committed", e.overwrote_committed}}};
}
event_fields fields_of(const trace_events::boundary_begin& e) {
  return {"boundary", {{"boundary", to_string(e.boundary)}}};
}
event_fields fields_of(const trace_events::destroy& e) {
  return {"destroy", {{"boundary", to_string(e.boundary)}, {"ends_session", e.ends_session}}};
}
event_fields fields_of(const trace_events::boundary_done& e) {
  return {"boundary_done",
          {{"boundary", to_string(e.boundary)}, {"written_back", e.written_back}, {"rejected", e.rejected},
           {"flush_misses", e.flush_misses}, {"pages_destroyed", e.pages_destroyed}}};
}

}  // namespace

void decision_trace::emit(std::uint64_t turn, const trace_event& event) {
  if (sink_ == nullptr) return;
  event_fields line = std::visit([](const auto& e) { return fields_of(e); }, event);
  line.fields["v"] = decision_trace_version;
  line.fields["seq"] = seq_++;
  line.fields["turn"] = turn;
  line.fields["event"] = line.name;
  // error_handler replace: a page id or field with invalid UTF-8 cannot break the trace.
  sink_->write_line(line.fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace clawvm
