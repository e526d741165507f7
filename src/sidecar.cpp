// The live sidecar: spec/sidecar.md SC-1..SC-10.
#include "clawvm/sidecar.hpp"

#include <fmt/core.h>
#include <gsl/assert>
#include <nlohmann/json.hpp>

#include "clawvm/apply_event.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/message_text.hpp"
#include "clawvm/version.hpp"

namespace clawvm {

using nlohmann::json;

sidecar::sidecar(sidecar_options options, committed_state& state, trace_sink* trace)
    : options_(std::move(options)), state_(&state), engine_(options_.engine, state, trace) {}

std::string sidecar::bad_request(const json& id, std::uint64_t line, std::string field, std::string message) {
  ++bad_requests_;
  if (options_.strict) {
    finished_ = true;
    stopped_on_bad_input_ = true;
  }
  json error{{"line", line}, {"message", printable_message(message)}};
  if (!field.empty()) error["field"] = printable_message(field);
  json r{{"v", sidecar_protocol_version}, {"ok", false}, {"error", std::move(error)}};
  if (!id.is_null()) r["id"] = id;
  return r.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string sidecar::too_long(std::uint64_t line_number) {
  ++requests_;
  return bad_request(json(), line_number, "", fmt::format("line longer than {} bytes", sidecar_line_bytes_max));
}

json sidecar::fault_delta(const fault_counters& before) const {
  json delta = json::object();
  const auto& now = engine_.counters();
  for (auto f : all_fault_kinds) {
    if (now[f] != before[f]) delta[std::string(to_string(f))] = now[f] - before[f];
  }
  return delta;
}

json sidecar::new_journal_outcomes() {
  json out = json::array();
  // The journal holds the outcomes of the boundary just crossed (JR-8).
  for (const journal_record& r : engine_.writeback_journal().outcomes()) {
    json one{{"seq", r.seq}, {"page", r.staged.page_id}, {"field", r.staged.field},
             {"phase", to_string(r.phase)}, {"reason", to_string(r.reason)}};
    if (r.phase == journal_phase::committed) one["version"] = r.result.version;
    out.push_back(std::move(one));
  }
  return out;
}

namespace {

json selection_json(const engine& e, const selection& sel, std::uint64_t turn) {
  json resident = json::array();
  const auto pages = e.pages().pages();
  for (std::size_t i = 0; i < pages.size() && i < sel.levels.size(); ++i) {
    if (sel.levels[i] == level::none) continue;
    resident.push_back({{"page", pages[i].id}, {"level", to_string(sel.levels[i])},
                        {"tokens", pages[i].tokens_at(sel.levels[i])}});
  }
  json unmet = json::array();
  for (const auto& u : sel.unmet) {
    unmet.push_back({{"page", pages[u.page].id}, {"wanted", to_string(u.wanted)},
                     {"installed", to_string(u.installed)}, {"tokens_needed", u.tokens_needed},
                     {"reason", to_string(u.reason)}});
  }
  return {{"turn", turn},
          {"tokens_used", sel.tokens_used},
          {"tokens_budget", sel.tokens_budget},
          {"floor_set_tokens", sel.floor_set_tokens},
          {"floor_set_fits", sel.floor_set_fits},
          {"resident", std::move(resident)},
          {"unmet", std::move(unmet)}};
}

}  // namespace

// SC-3: the result fields of an event request, from the typed outcome of apply_event.
json sidecar::apply(const workload_event& event) {
  struct render {
    sidecar* self;
    json operator()(std::monostate) const { return json::object(); }
    json operator()(reason_code rc) const { return {{"reason", to_string(rc)}}; }
    json operator()(demand_outcome o) const { return {{"outcome", to_string(o)}}; }
    json operator()(const tool_result& r) const {
      return {{"outcome", to_string(r.outcome)}, {"reason", to_string(r.reason)}, {"signature", r.signature}};
    }
    json operator()(const recall_result& r) const {
      json out{{"found", r.value.has_value()}, {"silent", r.silent}};
      if (r.value) {
        // Committed values are canonical JSON (JR-10): embedded as JSON, not as text. The
        // engine has checked that the value parses (FT-6), so this cannot fail.
        json value;
        json_text_error why;
        Expects(parse_json_text(r.value->value_json, value, why));
        out["value"] = std::move(value);
        out["version"] = r.value->version;
      } else if (!r.silent) {
        out["reason"] = to_string(r.reason);
      }
      return out;
    }
    json operator()(const turn_outcome& t) const { return selection_json(self->engine_, *t.assembled, t.turn); }
    json operator()(const boundary_report& r) const {
      return {{"boundary", to_string(r.kind)},     {"written_back", r.written_back},
              {"rejected", r.rejected},             {"flush_misses", r.flush_misses},
              {"pages_destroyed", r.pages_destroyed}, {"journal", self->new_journal_outcomes()}};
    }
  };
  return std::visit(render{this}, apply_event(engine_, event));
}

json sidecar::control(const std::string& op, const json& request, std::uint64_t line, bool& ok, std::string& field,
                      std::string& message) {
  (void)line;
  ok = true;
  auto only = [&](std::initializer_list<std::string_view> allowed) {
    for (auto it = request.begin(); it != request.end(); ++it) {
      if (it.key() == "comment" && !it->is_string()) {
        ok = false;
        field = "comment";
        message = "must be a string";
        return false;
      }
      bool known = it.key() == "op" || it.key() == "comment";
      for (auto a : allowed) known = known || it.key() == a;
      if (!known) {
        ok = false;
        field = it.key();
        message = "unknown field";
        return false;
      }
    }
    return true;
  };
  if (op == "hello") {
    if (!only({"protocol"})) return {};
    if (auto it = request.find("protocol"); it != request.end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() != sidecar_protocol_version) {
        ok = false;
        field = "protocol";
        message = fmt::format("unsupported protocol {} (this sidecar speaks {})", it->dump(), sidecar_protocol_version);
        return {};
      }
    }
    // SC-7: what a client needs to resume: the last committed journal entry. CF-2: what
    // the conformance kit may hold this implementation to.
    json policies = json::array();
    for (const auto& p : all_policies()) policies.push_back(p.name);
    return {{"protocol", sidecar_protocol_version},
            {"clawvm_version", clawvm_version},
            {"policy", engine_.config().policy.name},
            {"tokens_budget", engine_.config().tokens_budget},
            {"last_seq", state_->last_seq()},
            {"turn", engine_.turn()},
            {"pages", engine_.pages().size()},
            {"capabilities", {{"tiers", {"must", "should", "may"}}, {"policies", std::move(policies)}}}};
  }
  if (op == "principal") {
    // SC-5: who writes from now on (JR-5); both fields required, booleans.
    if (!only({"session", "project"})) return {};
    for (const char* key : {"session", "project"}) {
      const auto it = request.find(key);
      if (it == request.end() || !it->is_boolean()) {
        ok = false;
        field = key;
        message = it == request.end() ? "is required" : "must be true or false";
        return {};
      }
    }
    engine_.set_writer(principal{request["session"].get<bool>(), request["project"].get<bool>()});
    return json::object();
  }
  if (op == "lookahead") {
    if (!only({"pages"})) return {};
    const auto it = request.find("pages");
    if (it == request.end() || !it->is_object()) {
      ok = false;
      field = "pages";
      message = it == request.end() ? "is required" : "must be an object of page id -> count";
      return {};
    }
    std::vector<std::pair<std::string, std::uint32_t>> future;
    for (auto p = it->begin(); p != it->end(); ++p) {
      if (!p->is_number_unsigned() || p->get<std::uint64_t>() > 0xFFFFFFFFULL) {
        ok = false;
        field = "pages." + p.key();
        message = "must be a non-negative integer below 2^32";
        return {};
      }
      future.emplace_back(p.key(), static_cast<std::uint32_t>(p->get<std::uint64_t>()));
    }
    engine_.set_lookahead(std::move(future));
    return json::object();
  }
  if (op == "counters") {
    if (!only({})) return {};
    const auto& c = engine_.counters();
    json faults = json::object();
    for (auto f : all_fault_kinds) faults[std::string(to_string(f))] = c[f];
    // `faults` of a response is the delta of that request (SC-2), so the counts by kind
    // are `fault_counts` here.
    return {{"fault_counts", std::move(faults)},
            {"faults_total", c.total_faults()},
            {"destructive_commits", c.destructive_commits},
            {"recalls_explained", c.recalls_explained},
            {"hits", c.hits},
            {"misses", c.misses},
            {"duplicate_signature_alerts", c.duplicate_signature_alerts},
            {"physical_insufficiency", c.physical_insufficiency},
            {"commits", c.commits},
            {"rejections", c.rejections},
            {"thrash_index", c.thrash_index()},
            {"requests", requests_},
            {"bad_requests", bad_requests_}};
  }
  if (op == "shutdown") {
    if (!only({})) return {};
    finished_ = true;
    return json::object();
  }
  ok = false;
  field = "op";
  message = fmt::format("unknown op '{}' (hello, principal, lookahead, counters, shutdown)", op);
  return {};
}

std::string sidecar::handle(std::string_view request_line, std::uint64_t line_number) {
  ++requests_;
  json request;
  json_text_error why;
  if (!parse_json_text(request_line, request, why)) {
    return bad_request(json(), line_number, "", fmt::format("invalid JSON: {} (at byte {})", why.message, why.byte));
  }
  if (!request.is_object()) return bad_request(json(), line_number, "", "must be a JSON object");
  json id;
  if (auto it = request.find("id"); it != request.end()) {
    if (!it->is_string() && !it->is_number_integer()) {
      return bad_request(json(), line_number, "id", "must be a string or an integer");
    }
    id = *it;
    request.erase(it);
  }
  const bool has_op = request.contains("op");
  const bool has_event = request.contains("event");
  if (has_op == has_event) return bad_request(id, line_number, "", "exactly one of 'op' and 'event' is required");

  const fault_counters before = engine_.counters();
  json result;
  std::string name;
  if (has_op) {
    if (!request["op"].is_string()) return bad_request(id, line_number, "op", "must be a string");
    name = request["op"].get<std::string>();
    bool ok = true;
    std::string field;
    std::string message;
    result = control(name, request, line_number, ok, field, message);
    if (!ok) return bad_request(id, line_number, std::move(field), std::move(message));
    result["op"] = name;
  } else {
    auto parsed = parse_workload_event_object(request, "<stdin>", line_number);
    if (auto* err = std::get_if<workload_error>(&parsed)) {
      return bad_request(id, line_number, std::move(err->field), std::move(err->message));
    }
    const auto& event = std::get<workload_event>(parsed);
    result = apply(event);
    result["event"] = event_name(event);
  }
  result["v"] = sidecar_protocol_version;
  result["ok"] = true;
  result["faults"] = fault_delta(before);
  result["faults_total"] = engine_.counters().total_faults();
  if (!id.is_null()) result["id"] = std::move(id);
  // replace: a page id with invalid UTF-8 handed to the engine cannot break the protocol.
  return result.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace clawvm
