// Workload traces: spec/workload.md WL-1..WL-10.
#include "clawvm/workload.hpp"

#include <fstream>
#include <istream>
#include <limits>
#include <ostream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "clawvm/json_fields.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/message_text.hpp"
#include "clawvm/tool_signature.hpp"

namespace clawvm {

using nlohmann::json;

namespace {

// The field readers are json_fields' (one reader for every format); a field_error is
// caught per line and turned into a workload_error.
using json_fields::field_error;
using json_fields::object_reader;

template <class T, class Parse>
T parse_enum(object_reader& r, std::string_view key, Parse parse, std::string_view allowed) {
  const std::string s = r.string(key);
  auto v = parse(s);
  if (!v) throw field_error{r.at(key), fmt::format("unknown value '{}' (one of {})", s, allowed)};
  return *v;
}

page_spec parse_page_spec(const json& j, const std::string& path) {
  object_reader r(j, path);
  page_spec s;
  s.id = r.string("id");
  // The type name is passed to the engine as is: an unknown one is an ingest outcome
  // (UNKNOWN_PAGE_TYPE), part of what a replay tests, not a format error (WL-6).
  s.type_name = r.string("type");
  if (r.find("scope") != nullptr) {
    s.scope = parse_enum<clawvm::scope>(r, "scope", parse_scope, "session, project");
  }
  if (r.find("pin") != nullptr) {
    s.pin = parse_enum<pin_class>(r, "pin", parse_pin_class, "none, soft, hard");
  }
  s.provenance = r.optional_string("provenance").value_or("");
  s.recompute_cost = r.number("recompute_cost", 0.0);
  s.base_utility = r.number("base_utility", 0.0);
  const json& reps = r.require("representations");
  object_reader rr(reps, r.at("representations"));
  for (level l : all_levels) {
    if (l == level::none) continue;
    const json* rep = rr.find(to_string(l));
    if (rep == nullptr) continue;
    object_reader one(*rep, rr.at(to_string(l)));
    representation out;
    out.tokens = static_cast<std::uint32_t>(
        one.unsigned_integer("tokens", std::numeric_limits<std::uint32_t>::max()));
    out.content = one.optional_string("content").value_or("");
    one.reject_unknown_keys();
    s.representations[index_of(l)] = std::move(out);
  }
  rr.reject_unknown_keys();
  r.reject_unknown_keys();
  return s;
}

// A JSON value given either as "<key>" (any JSON value; stored as its compact dump) or as
// "<key>_text" (the exact text, which need not be valid JSON: tests of SCHEMA_INVALID).
std::string parse_json_or_text(object_reader& r, std::string_view key) {
  const std::string text_key = fmt::format("{}_text", key);
  const json* as_json = r.find(key);
  const json* as_text = r.find(text_key);
  if ((as_json == nullptr) == (as_text == nullptr)) {
    throw field_error{r.at(key), fmt::format("exactly one of '{}' and '{}' is required", key, text_key)};
  }
  if (as_json != nullptr) return as_json->dump();
  if (!as_text->is_string()) throw field_error{r.at(text_key), "must be a string"};
  return as_text->get<std::string>();
}

void put_json_or_text(json& out, std::string_view key, const std::string& text) {
  // Written as a JSON value when that reads back as the same text, else verbatim (which
  // includes text nested deeper than a workload line may be, JR-10).
  json parsed;
  json_text_error ignored;
  if (parse_json_text(text, parsed, ignored, json_depth_max - 2) && parsed.dump() == text) {
    out[std::string(key)] = std::move(parsed);
  } else {
    out[fmt::format("{}_text", key)] = text;
  }
}

clawvm::update parse_change(const json& j, const std::string& path) {
  object_reader r(j, path);
  clawvm::update u;
  u.page_id = r.optional_string("page").value_or("");
  u.field = r.string("field");
  u.op = parse_enum<journal_op>(r, "op", parse_journal_op, "append, merge, set_with_version");
  u.value_json = parse_json_or_text(r, "value");
  if (r.find("scope") != nullptr) {
    u.scope = parse_enum<clawvm::scope>(r, "scope", parse_scope, "session, project");
  }
  u.evidence_ref = r.optional_string("evidence_ref").value_or("");
  if (const json* v = r.find("expected_version")) {
    u.expected_version = r.unsigned_integer(*v, "expected_version", std::numeric_limits<std::uint64_t>::max());
  }
  r.reject_unknown_keys();
  return u;
}

bool is_recall_backend_code(reason_code c) {
  return c == reason_code::recall_no_match || c == reason_code::recall_denied ||
         c == reason_code::recall_backend_error;
}

workload_event parse_event_object(const json& j) {
  object_reader r(j, "");
  const std::string name = r.string("event");
  workload_event out;
  if (name == "session_start") {
    out = workload_events::session_start{r.string("session")};
  } else if (name == "ingest") {
    out = workload_events::ingest{parse_page_spec(r.require("page"), "page")};
  } else if (name == "update") {
    out = workload_events::update{parse_page_spec(r.require("page"), "page"), parse_change(r.require("change"), "change")};
  } else if (name == "demand") {
    workload_events::demand d;
    d.page = r.string("page");
    if (r.find("level") != nullptr) d.wanted = parse_enum<level>(r, "level", parse_level, "pointer, structured, compressed, full");
    if (d.wanted == level::none) throw field_error{"level", "a demand wants a level above none"};
    out = std::move(d);
  } else if (name == "tool_call") {
    workload_events::tool_call t;
    t.tool = r.string("tool");
    t.arguments_json = parse_json_or_text(r, "arguments");
    t.result = parse_page_spec(r.require("result"), "result");
    // The recorded signature is informative; when present it must be the canonical one
    // (WL-7), so that a writer with a different canonicalisation is caught here.
    if (auto recorded = r.optional_string("signature")) {
      const auto canonical = canonical_tool_signature(t.tool, t.arguments_json);
      if (!canonical || *canonical != *recorded) {
        throw field_error{"signature", fmt::format("does not match the canonical signature '{}'",
                                                 canonical.value_or("<arguments are not JSON>"))};
      }
    }
    out = std::move(t);
  } else if (name == "recall") {
    workload_events::recall c;
    c.scope = parse_enum<clawvm::scope>(r, "scope", parse_scope, "session, project");
    c.field = r.string("field");
    if (r.find("backend") != nullptr) {
      const std::string code = r.string("backend");
      auto rc = parse_reason_code(code);
      if (!rc || !is_recall_backend_code(*rc)) {
        throw field_error{"backend", fmt::format("unknown value '{}' (one of RECALL_NO_MATCH, RECALL_DENIED, RECALL_BACKEND_ERROR)", code)};
      }
      c.backend = *rc;
    }
    out = std::move(c);
  } else if (name == "turn_end") {
    out = workload_events::turn_end{};
  } else if (auto b = parse_boundary(name)) {
    out = workload_events::lifecycle{*b};
  } else {
    throw field_error{"event", fmt::format("unknown event '{}'", name)};
  }
  r.reject_unknown_keys();
  return out;
}

json page_spec_json(const page_spec& s) {
  json j{{"id", s.id}, {"type", s.type_name}};
  if (s.scope) j["scope"] = to_string(*s.scope);
  if (s.pin) j["pin"] = to_string(*s.pin);
  if (!s.provenance.empty()) j["provenance"] = s.provenance;
  if (s.recompute_cost != 0.0) j["recompute_cost"] = s.recompute_cost;
  if (s.base_utility != 0.0) j["base_utility"] = s.base_utility;
  json reps = json::object();
  for (level l : all_levels) {
    const auto& rep = s.representations[index_of(l)];
    if (!rep || l == level::none) continue;
    json one{{"tokens", rep->tokens}};
    if (!rep->content.empty()) one["content"] = rep->content;
    reps[std::string(to_string(l))] = std::move(one);
  }
  j["representations"] = std::move(reps);
  return j;
}

struct event_to_json {
  json operator()(const workload_events::session_start& e) const {
    return {{"event", "session_start"}, {"session", e.session}};
  }
  json operator()(const workload_events::ingest& e) const {
    return {{"event", "ingest"}, {"page", page_spec_json(e.page)}};
  }
  json operator()(const workload_events::update& e) const {
    json c{{"field", e.change.field}, {"op", to_string(e.change.op)}, {"scope", to_string(e.change.scope)}};
    if (!e.change.page_id.empty()) c["page"] = e.change.page_id;
    put_json_or_text(c, "value", e.change.value_json);
    if (!e.change.evidence_ref.empty()) c["evidence_ref"] = e.change.evidence_ref;
    if (e.change.expected_version != 0) c["expected_version"] = e.change.expected_version;
    return {{"event", "update"}, {"page", page_spec_json(e.page)}, {"change", std::move(c)}};
  }
  json operator()(const workload_events::demand& e) const {
    return {{"event", "demand"}, {"page", e.page}, {"level", to_string(e.wanted)}};
  }
  json operator()(const workload_events::tool_call& e) const {
    json j{{"event", "tool_call"}, {"tool", e.tool}, {"result", page_spec_json(e.result)}};
    put_json_or_text(j, "arguments", e.arguments_json);
    if (auto sig = canonical_tool_signature(e.tool, e.arguments_json)) j["signature"] = *sig;
    return j;
  }
  json operator()(const workload_events::recall& e) const {
    json j{{"event", "recall"}, {"scope", to_string(e.scope)}, {"field", e.field}};
    if (e.backend) j["backend"] = to_string(*e.backend);
    return j;
  }
  json operator()(const workload_events::turn_end&) const { return {{"event", "turn_end"}}; }
  json operator()(const workload_events::lifecycle& e) const { return {{"event", to_string(e.kind)}}; }
};

struct event_namer {
  std::string_view operator()(const workload_events::session_start&) const { return "session_start"; }
  std::string_view operator()(const workload_events::ingest&) const { return "ingest"; }
  std::string_view operator()(const workload_events::update&) const { return "update"; }
  std::string_view operator()(const workload_events::demand&) const { return "demand"; }
  std::string_view operator()(const workload_events::tool_call&) const { return "tool_call"; }
  std::string_view operator()(const workload_events::recall&) const { return "recall"; }
  std::string_view operator()(const workload_events::turn_end&) const { return "turn_end"; }
  std::string_view operator()(const workload_events::lifecycle& e) const { return to_string(e.kind); }
};

// Parses one line as bounded JSON text (json_text.hpp); invalid UTF-8, NUL bytes, nesting
// deeper than json_depth_max and numbers beyond binary64 are errors (WL-3).
std::variant<json, std::string> read_json_line(std::string_view text) {
  json out;
  json_text_error why;
  if (parse_json_text(text, out, why)) return out;
  return printable_message(fmt::format("{} (at byte {})", why.message, why.byte));
}

workload_header parse_header_object(const json& j) {
  object_reader r(j, "");
  const auto v = r.unsigned_integer("clawvm_workload", std::numeric_limits<std::uint32_t>::max());
  if (v != static_cast<std::uint64_t>(workload_format_version)) {
    throw field_error{"clawvm_workload", fmt::format("unsupported workload version {} (this build reads version {})",
                                                   v, workload_format_version)};
  }
  workload_header h;
  h.version = workload_format_version;
  h.name = r.string("name");
  h.family = r.optional_string("family").value_or("");
  if (const json* s = r.find("seed")) h.seed = r.unsigned_integer(*s, "seed", std::numeric_limits<std::uint64_t>::max());
  h.generator = r.optional_string("generator").value_or("");
  h.description = r.optional_string("description").value_or("");
  r.reject_unknown_keys();
  return h;
}

}  // namespace

std::string workload_error::to_string() const {
  std::string where = line == 0 ? file : fmt::format("{}:{}", file, line);
  if (field.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: field '{}': {}", where, field, message);
}

std::string_view event_name(const workload_event& e) { return std::visit(event_namer{}, e); }

bool operator==(const page_spec& a, const page_spec& b) {
  return a.id == b.id && a.type_name == b.type_name && a.scope == b.scope && a.pin == b.pin &&
         a.provenance == b.provenance && a.recompute_cost == b.recompute_cost &&
         a.base_utility == b.base_utility && a.representations == b.representations;
}
namespace workload_events {
bool operator==(const ingest& a, const ingest& b) { return a.page == b.page; }
bool operator==(const update& a, const update& b) { return a.page == b.page && a.change == b.change; }
bool operator==(const tool_call& a, const tool_call& b) {
  return a.tool == b.tool && a.arguments_json == b.arguments_json && a.result == b.result;
}
}  // namespace workload_events

std::string to_json_line(const workload_header& h) {
  json j{{"clawvm_workload", workload_format_version}, {"name", h.name}};
  if (!h.family.empty()) j["family"] = h.family;
  if (h.seed != 0) j["seed"] = h.seed;
  if (!h.generator.empty()) j["generator"] = h.generator;
  if (!h.description.empty()) j["description"] = h.description;
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + '\n';
}

// Strings that came through the reader are valid UTF-8; one handed in through the API
// that is not is written with U+FFFD for the bad bytes rather than throwing (WL-2).
std::string to_json_line(const workload_event& e) {
  return std::visit(event_to_json{}, e).dump(-1, ' ', false, json::error_handler_t::replace) + '\n';
}

void write_workload(std::ostream& out, const workload& w) {
  out << to_json_line(w.header);
  for (const auto& e : w.events) out << to_json_line(e);
}

std::variant<workload_event, workload_error> parse_workload_event(std::string_view json_line,
                                                                  std::string_view source,
                                                                  std::uint64_t line_number) {
  auto parsed = read_json_line(json_line);
  if (auto* msg = std::get_if<std::string>(&parsed)) {
    return workload_error{std::string(source), line_number, "", fmt::format("invalid JSON: {}", *msg)};
  }
  return parse_workload_event_object(std::get<json>(parsed), source, line_number);
}

std::variant<workload_event, workload_error> parse_workload_event_object(const json& object, std::string_view source,
                                                                         std::uint64_t line_number) {
  try {
    return parse_event_object(object);
  } catch (const field_error& b) {
    return workload_error{std::string(source), line_number, printable_message(b.field), printable_message(b.message)};
  } catch (const json::exception& e) {
    // Defensive: a type the readers did not anticipate (they check before reading).
    return workload_error{std::string(source), line_number, "", printable_message(e.what())};
  }
}

// ---- reader ----

workload_reader::workload_reader(std::istream& in, std::string source_name)
    // A too-long line ends the read (WL-3), so it is not skipped: /dev/zero stops at once.
    : lines_(in, workload_line_bytes_max, 0), source_(std::move(source_name)) {}

workload_reader::status workload_reader::fail(std::string field, std::string message) {
  failed_ = true;
  error_ = workload_error{source_, line_, std::move(field), std::move(message)};
  return status::error;
}

bool workload_reader::read_line(std::string& line) {
  switch (lines_.next(line)) {
    case line_reader::status::end: return false;
    case line_reader::status::too_long:
      line_ = lines_.line_number();
      fail("", fmt::format("line longer than {} bytes", workload_line_bytes_max));
      return false;
    case line_reader::status::line: break;
  }
  line_ = lines_.line_number();
  unterminated_ = lines_.unterminated();
  return true;
}

const std::optional<workload_header>& workload_reader::header() {
  if (header_read_) return header_;
  header_read_ = true;
  std::string line;
  if (!read_line(line)) {
    if (!failed_) {
      line_ = 1;  // the missing header's line
      fail("", "empty workload: the first line must be the header");
    }
    return header_;
  }
  auto parsed = read_json_line(line);
  if (auto* msg = std::get_if<std::string>(&parsed)) {
    fail("", fmt::format("{}invalid JSON in the header: {}", unterminated_ ? "truncated final line: " : "", *msg));
    return header_;
  }
  try {
    header_ = parse_header_object(std::get<json>(parsed));
  } catch (const field_error& b) {
    fail(printable_message(b.field), printable_message(b.message));
  }
  return header_;
}

workload_reader::status workload_reader::next(workload_event& out) {
  if (!header_read_ && !header()) return status::error;
  if (failed_ || !header_) return status::error;
  std::string line;
  if (!read_line(line)) return failed_ ? status::error : status::end;
  if (line.empty()) return fail("", "empty line");
  auto parsed = parse_workload_event(line, source_, line_);
  if (auto* err = std::get_if<workload_error>(&parsed)) {
    if (unterminated_ && err->field.empty()) {
      err->message = fmt::format("truncated final line (no newline at end of file): {}", err->message);
    }
    failed_ = true;
    error_ = std::move(*err);
    return status::error;
  }
  out = std::move(std::get<workload_event>(parsed));
  return status::event;
}

std::variant<workload, workload_error> read_workload(std::istream& in, std::string source_name) {
  workload_reader reader(in, std::move(source_name));
  workload w;
  if (!reader.header()) return reader.error();
  w.header = *reader.header();
  workload_event e;
  for (;;) {
    const auto st = reader.next(e);
    if (st == workload_reader::status::end) break;
    if (st == workload_reader::status::error) return reader.error();
    w.events.push_back(std::move(e));
  }
  return w;
}

std::variant<workload, workload_error> load_workload(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return workload_error{path, 0, "", "cannot open"};
  return read_workload(in, path);
}

}  // namespace clawvm
