// The live sidecar: spec/sidecar.md SC-1..SC-10.
#include "clawvm/sidecar.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/core.h>
#include <gsl/assert>
#include <nlohmann/json.hpp>

#include "clawvm/apply_event.hpp"
#include "clawvm/json_fields.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/message_text.hpp"
#include "clawvm/replay.hpp"
#include "clawvm/version.hpp"

namespace clawvm {

using nlohmann::json;

sidecar::sidecar(sidecar_options options, durable_store& state, trace_sink* trace)
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

namespace {

// A response is rendered straight to text (about ten times cheaper than building an
// nlohmann::json tree and dumping it, which was most of a turn's cost: issue 14). The
// bytes stay those of nlohmann's dump, which the vectors of SC-10 pin: object keys in byte
// order (its std::map), no spaces, strings as dump(..., error_handler_t::replace) writes
// them.

std::string dump_value(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

void append_json_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  });
  if (!plain) {
    out += dump_value(json(std::string(s)));  // escapes and invalid UTF-8: nlohmann's rules
    return;
  }
  out += '"';
  out += s;
  out += '"';
}
// Page ids are printable ASCII (PG-7): only a quote or a backslash needs escaping, and
// two memchr scans rule both out without looking at each byte in turn.
void append_page_id(std::string& out, std::string_view id) {
  if (std::memchr(id.data(), '"', id.size()) != nullptr || std::memchr(id.data(), '\\', id.size()) != nullptr) {
    append_json_string(out, id);
    return;
  }
  out += '"';
  out += id;
  out += '"';
}
// Level wire names are plain lowercase words.
void append_level(std::string& out, level l) {
  out += '"';
  out += to_string(l);
  out += '"';
}
void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}
std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace

void sidecar::response_fields::set(std::string_view key, std::string json_text) {
  for (auto& f : fields_) {
    if (f.first == key) {
      f.second = std::move(json_text);
      return;
    }
  }
  fields_.emplace_back(std::string(key), std::move(json_text));
}

void sidecar::response_fields::set_all(const json& object) {
  for (auto it = object.begin(); it != object.end(); ++it) set(it.key(), dump_value(*it));
}

std::string sidecar::response_fields::render() && {
  std::sort(fields_.begin(), fields_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "{";
  for (const auto& [key, text] : fields_) {
    if (out.size() > 1) out += ',';
    append_json_string(out, key);
    out += ':';
    out += text;
  }
  out += '}';
  return out;
}

std::string sidecar::fault_delta(const fault_counters& before) const {
  std::vector<std::pair<std::string_view, std::uint64_t>> delta;
  const auto& now = engine_.counters();
  for (auto f : all_fault_kinds) {
    if (now[f] != before[f]) delta.emplace_back(to_string(f), now[f] - before[f]);
  }
  std::sort(delta.begin(), delta.end());
  std::string out = "{";
  for (const auto& [name, count] : delta) {
    if (out.size() > 1) out += ',';
    append_json_string(out, name);
    out += ':';
    out += std::to_string(count);
  }
  out += '}';
  return out;
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

// SC-3's turn_end result: the selection of the turn's assembly. Keys in byte order, also
// inside the `resident` and `unmet` elements.
void set_selection_fields(sidecar::response_fields& out, const engine& e, const selection& sel,
                          std::uint64_t turn) {
  const auto pages = e.pages().pages();
  const std::size_t n = std::min(pages.size(), sel.levels.size());
  // The resident pages in table order: the selection's installed pages sorted while they
  // are fewer than an eighth of the pages, else a scan of every page.
  std::vector<page_index> listed;
  if (sel.installed.size() * 8 < n) {
    for (const page_index i : sel.installed) {
      if (i < n) listed.push_back(i);
    }
    std::sort(listed.begin(), listed.end());
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      if (sel.levels[i] != level::none) listed.push_back(static_cast<page_index>(i));
    }
  }
  std::string resident = "[";
  resident.reserve(listed.size() * 64);
  for (const page_index i : listed) {
    if (resident.size() > 1) resident += ',';
    resident += R"({"level":)";
    append_level(resident, sel.levels[i]);
    resident += R"(,"page":)";
    append_page_id(resident, pages[i].id);
    resident += R"(,"tokens":)";
    append_number(resident, pages[i].tokens_at(sel.levels[i]));
    resident += '}';
  }
  resident += ']';
  std::string unmet = "[";
  for (const auto& u : sel.unmet) {
    if (unmet.size() > 1) unmet += ',';
    unmet += R"({"installed":)";
    append_json_string(unmet, to_string(u.installed));
    unmet += R"(,"page":)";
    append_json_string(unmet, pages[u.page].id);
    unmet += R"(,"reason":)";
    append_json_string(unmet, to_string(u.reason));
    unmet += R"(,"tokens_needed":)";
    unmet += std::to_string(u.tokens_needed);
    unmet += R"(,"wanted":)";
    append_json_string(unmet, to_string(u.wanted));
    unmet += '}';
  }
  unmet += ']';
  out.set("turn", std::to_string(turn));
  out.set("tokens_used", std::to_string(sel.tokens_used));
  out.set("tokens_budget", std::to_string(sel.tokens_budget));
  out.set("floor_set_tokens", std::to_string(sel.floor_set_tokens));
  out.set("floor_set_fits", sel.floor_set_fits ? "true" : "false");
  out.set("resident", std::move(resident));
  out.set("unmet", std::move(unmet));
}

}  // namespace

// SC-3: the result fields of an event request, from the typed outcome of apply_event.
sidecar::response_fields sidecar::apply(const workload_event& event) {
  response_fields out;
  struct render {
    sidecar* self;
    response_fields& out;
    void operator()(std::monostate) const {}
    void operator()(reason_code rc) const { out.set("reason", json_string(to_string(rc))); }
    void operator()(demand_outcome o) const { out.set("outcome", json_string(to_string(o))); }
    void operator()(const tool_result& r) const {
      out.set("outcome", json_string(to_string(r.outcome)));
      out.set("reason", json_string(to_string(r.reason)));
      out.set("signature", json_string(r.signature));
    }
    void operator()(const recall_result& r) const {
      json result{{"found", r.value.has_value()}, {"silent", r.silent}};
      if (r.value) {
        // Committed values are canonical JSON (JR-10): embedded as JSON, not as text. The
        // engine has checked that the value parses (FT-6), so this cannot fail.
        json value;
        json_text_error why;
        Expects(parse_json_text(r.value->value_json, value, why));
        result["value"] = std::move(value);
        result["version"] = r.value->version;
      } else if (!r.silent) {
        result["reason"] = to_string(r.reason);
      }
      out.set_all(result);
    }
    void operator()(const turn_outcome& t) const { set_selection_fields(out, self->engine_, *t.assembled, t.turn); }
    void operator()(const boundary_report& r) const {
      out.set_all(json{{"boundary", to_string(r.kind)},     {"written_back", r.written_back},
                       {"rejected", r.rejected},             {"flush_misses", r.flush_misses},
                       {"pages_destroyed", r.pages_destroyed}, {"journal", self->new_journal_outcomes()}});
    }
  };
  std::visit(render{this, out}, apply_event(engine_, event));
  return out;
}

namespace {

// Why a control request is refused: the field named in the error response (SC-6).
struct control_refusal {
  std::string field;
  std::string message;
};
using control_answer = std::variant<json, control_refusal>;

// A control request may carry "op", a string "comment" and the op's own fields only.
std::optional<control_refusal> unknown_field(const json& request, std::initializer_list<std::string_view> allowed) {
  try {
    json_fields::object_reader fields(request, "");
    fields.find("op");
    for (const auto key : allowed) fields.find(key);
    fields.reject_unknown_keys();
  } catch (const json_fields::field_error& e) {
    return control_refusal{e.field, e.message};
  }
  return std::nullopt;
}

// SC-7: what a client needs to resume: the last committed journal entry. CF-2: what the
// conformance kit may hold this implementation to.
control_answer hello(const json& request, const engine& e, const durable_store& state) {
  if (auto refused = unknown_field(request, {"protocol"})) return *refused;
  if (const json* protocol = json_fields::member(request, "protocol")) {
    if (!protocol->is_number_integer() || protocol->get<std::int64_t>() != sidecar_protocol_version) {
      return control_refusal{"protocol", fmt::format("unsupported protocol {} (this sidecar speaks {})", protocol->dump(),
                                                     sidecar_protocol_version)};
    }
  }
  json policies = json::array();
  for (const auto& p : all_policies()) policies.push_back(p.name);
  return json{{"protocol", sidecar_protocol_version},
              {"clawvm_version", clawvm_version},
              {"policy", e.config().policy.name},
              {"tokens_budget", e.config().tokens_budget},
              {"last_seq", state.last_seq()},
              {"turn", e.turn()},
              {"pages", e.pages().size()},
              {"capabilities",
               {{"tiers", {"must", "should", "may"}}, {"policies", std::move(policies)}, {"features", {"turn_demands"}}}}};
}

// SC-5: who writes from now on (JR-5); both fields required, booleans.
control_answer set_principal(const json& request, engine& e) {
  if (auto refused = unknown_field(request, {"session", "project"})) return *refused;
  const auto session = json_fields::boolean_member(request, "session");
  const auto project = json_fields::boolean_member(request, "project");
  for (const auto& [key, value] : {std::pair{"session", session}, std::pair{"project", project}}) {
    if (!value) return control_refusal{key, request.contains(key) ? "must be true or false" : "is required"};
  }
  e.set_writer(principal{*session, *project});
  return json::object();
}

// The oracle's lookahead for the next assembly (EN-8): page id -> demands to come.
control_answer set_lookahead(const json& request, engine& e) {
  if (auto refused = unknown_field(request, {"pages"})) return *refused;
  const json* pages = json_fields::member(request, "pages");
  if (pages == nullptr || !pages->is_object()) {
    return control_refusal{"pages", pages == nullptr ? "is required" : "must be an object of page id -> count"};
  }
  std::vector<std::pair<std::string, std::uint32_t>> future;
  for (auto p = pages->begin(); p != pages->end(); ++p) {
    if (!p->is_number_unsigned() || p->get<std::uint64_t>() > 0xFFFFFFFFULL) {
      return control_refusal{"pages." + p.key(), "must be a non-negative integer below 2^32"};
    }
    future.emplace_back(p.key(), static_cast<std::uint32_t>(p->get<std::uint64_t>()));
  }
  e.set_lookahead(std::move(future));
  return json::object();
}

// `faults` of a response is the delta of that request (SC-2), so the counts by kind are
// `fault_counts` here.
control_answer counters(const json& request, const engine& e, std::uint64_t requests, std::uint64_t bad_requests) {
  if (auto refused = unknown_field(request, {})) return *refused;
  json out = counter_fields(e.counters(), "fault_counts");
  out["requests"] = requests;
  out["bad_requests"] = bad_requests;
  return out;
}

}  // namespace

json sidecar::control(const std::string& op, const json& request, std::uint64_t line, bool& ok, std::string& field,
                      std::string& message) {
  (void)line;
  control_answer answer = control_refusal{"op", fmt::format("unknown op '{}' (hello, principal, lookahead, counters, shutdown)", op)};
  if (op == "hello") answer = hello(request, engine_, *state_);
  if (op == "principal") answer = set_principal(request, engine_);
  if (op == "lookahead") answer = set_lookahead(request, engine_);
  if (op == "counters") answer = counters(request, engine_, requests_, bad_requests_);
  if (op == "shutdown") {
    answer = json::object();
    if (auto refused = unknown_field(request, {})) answer = *refused;
    else finished_ = true;
  }
  if (auto* refused = std::get_if<control_refusal>(&answer)) {
    ok = false;
    field = std::move(refused->field);
    message = std::move(refused->message);
    return {};
  }
  ok = true;
  return std::get<json>(std::move(answer));
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
  response_fields result;
  if (has_op) {
    if (!request["op"].is_string()) return bad_request(id, line_number, "op", "must be a string");
    const std::string name = request["op"].get<std::string>();
    bool ok = true;
    std::string field;
    std::string message;
    const json fields = control(name, request, line_number, ok, field, message);
    if (!ok) return bad_request(id, line_number, std::move(field), std::move(message));
    result.set_all(fields);
    result.set("op", json_string(name));
  } else {
    // SC-3.1: a turn_end may carry the turn's demands; they are checked after the
    // turn_end's own fields, and nothing is applied unless all of them are good.
    json demands_value;
    const bool has_demands = request["event"] == "turn_end" && request.contains("demands");
    if (has_demands) {
      demands_value = std::move(request["demands"]);
      request.erase("demands");
    }
    auto parsed = parse_workload_event_object(request, "<stdin>", line_number);
    if (auto* err = std::get_if<workload_error>(&parsed)) {
      return bad_request(id, line_number, std::move(err->field), std::move(err->message));
    }
    std::vector<workload_event> demands;
    if (has_demands) {
      std::string field;
      std::string message;
      if (!parse_turn_demands(demands_value, demands, field, message)) {
        return bad_request(id, line_number, std::move(field), std::move(message));
      }
    }
    const auto& event = std::get<workload_event>(parsed);
    std::string outcomes = "[";
    for (const auto& d : demands) {
      const event_outcome o = apply_event(engine_, d);
      Expects(std::holds_alternative<demand_outcome>(o));
      if (outcomes.size() > 1) outcomes += ',';
      append_json_string(outcomes, to_string(std::get<demand_outcome>(o)));
    }
    outcomes += ']';
    result = apply(event);
    if (has_demands) result.set("demands", std::move(outcomes));
    result.set("event", json_string(event_name(event)));
  }
  result.set("v", std::to_string(sidecar_protocol_version));
  result.set("ok", "true");
  result.set("faults", fault_delta(before));
  result.set("faults_total", std::to_string(engine_.counters().total_faults()));
  if (!id.is_null()) result.set("id", dump_value(id));
  // Strings go through nlohmann's replace handler: a page id with invalid UTF-8 handed to
  // the engine cannot break the protocol.
  return std::move(result).render();
}

// SC-3.1: `demands` must be an array of objects with the fields of a demand event other
// than `event`, each checked as a demand event is (WL-3); the first bad one is reported.
bool sidecar::parse_turn_demands(const json& value, std::vector<workload_event>& out, std::string& field,
                                 std::string& message) {
  if (!value.is_array()) {
    field = "demands";
    message = "must be an array of {page, level} objects";
    return false;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    // Formatted only for an error: a good turn's demands cost no text.
    const auto where = [i] { return fmt::format("demands[{}]", i); };
    const json& element = value[i];
    if (!element.is_object()) {
      field = where();
      message = "must be an object with the fields of a demand event (page, level)";
      return false;
    }
    if (element.contains("event")) {
      field = where() + ".event";
      message = "unknown field (every element is a demand)";
      return false;
    }
    json demand = element;
    demand["event"] = "demand";
    auto parsed = parse_workload_event_object(demand, "<stdin>", 0);
    if (auto* err = std::get_if<workload_error>(&parsed)) {
      field = err->field.empty() ? where() : where() + "." + err->field;
      message = std::move(err->message);
      return false;
    }
    out.push_back(std::move(std::get<workload_event>(parsed)));
  }
  return true;
}

}  // namespace clawvm
