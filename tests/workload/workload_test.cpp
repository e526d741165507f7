// Workload trace format (spec/workload.md WL-1..WL-10): round trip, and bad input gets a
// clear error naming file, line and field.
#include <algorithm>
#include <sstream>

#include <catch2/catch.hpp>

#include "../test_pages.hpp"
#include "clawvm/workload.hpp"

using namespace clawvm;

namespace {

workload every_event_kind() {
  workload w;
  w.header = {workload_format_version, "every-kind", "custom", 7, "workload_test", "one event of each kind"};
  auto boot = test::ladder("boot", page_type::bootstrap, 90, 4, 9);
  boot.pin = pin_class::hard;
  boot.scope = scope::session;
  boot.provenance = "system prompt";
  w.events.emplace_back(workload_events::session_start{"s1"});
  w.events.emplace_back(workload_events::ingest{boot});
  auto plan = test::ladder("plan", page_type::plan, 60, 6, 6);
  w.events.emplace_back(workload_events::ingest{plan});
  update u{"plan", "plan.status", journal_op::merge, R"({"step":2})", scope::project, "boot", 3};
  w.events.emplace_back(workload_events::update{plan, u});
  update bad_value{"", "plan.status", journal_op::append, "{not json", scope::session, "", 0};
  w.events.emplace_back(workload_events::update{plan, bad_value});
  w.events.emplace_back(workload_events::demand{"plan", level::structured});
  w.events.emplace_back(workload_events::tool_call{"read", R"({"b":1,"a":[1,2]})", test::ladder("t1", page_type::evidence, 120, 8, 5)});
  w.events.emplace_back(workload_events::tool_call{"read", "not json", test::ladder("t2", page_type::evidence, 12, 8, 5)});
  w.events.emplace_back(workload_events::recall{scope::project, "user.lang", std::nullopt});
  w.events.emplace_back(workload_events::recall{scope::session, "x", reason_code::recall_backend_error});
  w.events.emplace_back(workload_events::turn_end{});
  for (std::uint8_t b = 0; b < boundary_count; ++b) w.events.emplace_back(workload_events::lifecycle{static_cast<boundary>(b)});
  return w;
}

std::string text_of(const workload& w) {
  std::ostringstream out;
  write_workload(out, w);
  return out.str();
}

workload_error error_of(const std::string& text) {
  std::istringstream in(text);
  auto r = read_workload(in, "bad.jsonl");
  REQUIRE(std::holds_alternative<workload_error>(r));
  return std::get<workload_error>(r);
}

const std::string header_line = R"({"clawvm_workload":1,"name":"t"})" "\n";
const std::string ok_ingest =
    R"({"event":"ingest","page":{"id":"p","type":"plan","representations":{"full":{"tokens":10},"structured":{"tokens":3}}}})";

}  // namespace

TEST_CASE("WL-2: every event kind survives write then read, byte for byte", "[workload]") {
  const workload w = every_event_kind();
  const std::string text = text_of(w);
  std::istringstream in(text);
  auto back = read_workload(in, "mem");
  REQUIRE(std::holds_alternative<workload>(back));
  const auto& r = std::get<workload>(back);
  CHECK(r.header == w.header);
  REQUIRE(r.events.size() == w.events.size());
  for (std::size_t i = 0; i < w.events.size(); ++i) {
    INFO("event " << i << " " << event_name(w.events[i]));
    CHECK(r.events[i] == w.events[i]);
  }
  CHECK(text_of(r) == text);
}

TEST_CASE("WL-2: a value that is not canonical JSON is kept verbatim as value_text", "[workload]") {
  const std::string text = text_of(every_event_kind());
  CHECK(text.find(R"("value_text":"{not json")") != std::string::npos);
  CHECK(text.find(R"("arguments_text":"not json")") != std::string::npos);
  // Canonical text is written as a JSON value, with the canonical signature beside it.
  CHECK(text.find(R"("value":{"step":2})") != std::string::npos);
  CHECK(text.find(R"("signature":)") != std::string::npos);
}

TEST_CASE("WL-2: CRLF line ends and a final line without newline are accepted", "[workload]") {
  std::istringstream in(R"({"clawvm_workload":1,"name":"t"})" "\r\n" + ok_ingest + "\r\n" + R"({"event":"turn_end"})");
  auto r = read_workload(in, "crlf.jsonl");
  REQUIRE(std::holds_alternative<workload>(r));
  CHECK(std::get<workload>(r).events.size() == 2);
}

TEST_CASE("WL-3: bad input names file, line and field", "[workload][bad_input]") {
  struct bad_case {
    const char* what;
    std::string text;
    std::uint64_t line;
    std::string field;
    std::string message_part;
  };
  const std::string ingest_prefix = R"({"event":"ingest","page":{"id":"p","type":"plan","representations":{"full":{"tokens":)";
  const std::vector<bad_case> cases{
      {"empty file", "", 1, "", "empty workload"},
      {"unsupported version", R"({"clawvm_workload":2,"name":"t"})" "\n", 1, "clawvm_workload", "unsupported workload version 2"},
      {"header without name", R"({"clawvm_workload":1})" "\n", 1, "name", "is required"},
      {"header unknown field", R"({"clawvm_workload":1,"name":"t","colour":"red"})" "\n", 1, "colour", "unknown field"},
      {"invalid JSON", header_line + ok_ingest + "\n{\"event\":\n", 3, "", "invalid JSON"},
      {"invalid UTF-8", header_line + "{\"event\":\"session_start\",\"session\":\"\xff\xfe\"}\n", 2, "", "invalid JSON"},
      {"truncated final line", header_line + R"({"event":"ingest","page":{"id")", 2, "", "truncated final line"},
      {"empty line", header_line + "\n" + ok_ingest + "\n", 2, "", "empty line"},
      {"unknown event", header_line + R"({"event":"teleport"})" "\n", 2, "event", "unknown event 'teleport'"},
      {"missing event", header_line + R"({"page":"x"})" "\n", 2, "event", "is required"},
      {"unknown field", header_line + R"({"event":"turn_end","extra":1})" "\n", 2, "extra", "unknown field"},
      {"wrong type", header_line + R"({"event":"demand","page":7})" "\n", 2, "page", "must be a string"},
      {"unknown level", header_line + R"({"event":"demand","page":"p","level":"huge"})" "\n", 2, "level", "unknown value 'huge'"},
      {"huge tokens", header_line + ingest_prefix + "99999999999}}}}\n", 2, "page.representations.full.tokens", "larger than the maximum"},
      {"negative tokens", header_line + ingest_prefix + "-3}}}}\n", 2, "page.representations.full.tokens", "non-negative integer"},
      {"fractional tokens", header_line + ingest_prefix + "2.5}}}}\n", 2, "page.representations.full.tokens", "non-negative integer"},
      {"tokens as string", header_line + ingest_prefix + "\"9\"}}}}\n", 2, "page.representations.full.tokens", "not string"},
      {"unknown level key", header_line + R"({"event":"ingest","page":{"id":"p","type":"plan","representations":{"none":{"tokens":1}}}})" "\n", 2, "page.representations.none", "unknown field"},
      {"unknown pin", header_line + R"({"event":"ingest","page":{"id":"p","type":"plan","pin":"glued","representations":{}}})" "\n", 2, "page.pin", "unknown value 'glued'"},
      {"value and value_text", header_line + R"({"event":"update","page":{"id":"p","type":"plan","representations":{}},"change":{"field":"f","op":"append","value":1,"value_text":"1"}})" "\n", 2, "change.value", "exactly one"},
      {"bad op", header_line + R"({"event":"update","page":{"id":"p","type":"plan","representations":{}},"change":{"field":"f","op":"erase","value":1}})" "\n", 2, "change.op", "unknown value 'erase'"},
      {"signature mismatch", header_line + R"J({"event":"tool_call","tool":"read","arguments":{"a":1},"signature":"read({})","result":{"id":"t","type":"evidence","representations":{}}})J" "\n", 2, "signature", "canonical signature"},
      {"recall backend not a recall code", header_line + R"({"event":"recall","scope":"project","field":"f","backend":"DESTRUCTIVE_OP"})" "\n", 2, "backend", "unknown value"},
      {"event is not an object", header_line + "[1,2]\n", 2, "", "JSON object"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const auto e = error_of(c.text);
    CHECK(e.file == "bad.jsonl");
    CHECK(e.line == c.line);
    CHECK(e.field == c.field);
    CHECK_THAT(e.message, Catch::Matchers::Contains(c.message_part));
    CHECK_THAT(e.to_string(), Catch::Matchers::StartsWith("bad.jsonl:" + std::to_string(c.line) + ": "));
    // Diagnostics quote input as \xNN: printable ASCII, so they are valid UTF-8 anywhere.
    CHECK(std::all_of(e.message.begin(), e.message.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; }));
  }
}

TEST_CASE("WL-3: a line over the limit is rejected without storing it", "[workload][bad_input]") {
  std::string text = header_line + R"({"event":"session_start","session":")";
  text.append(workload_line_bytes_max, 'x');
  text += "\"}\n" + ok_ingest + "\n";
  const auto e = error_of(text);
  CHECK(e.line == 2);
  CHECK_THAT(e.message, Catch::Matchers::Contains("line longer than"));
}

TEST_CASE("WL-3: the streaming reader stops at the first bad line and stays stopped", "[workload][bad_input]") {
  std::istringstream in(header_line + ok_ingest + "\n" + "{oops\n" + R"({"event":"turn_end"})" "\n");
  workload_reader reader(in, "s.jsonl");
  REQUIRE(reader.header());
  workload_event e;
  CHECK(reader.next(e) == workload_reader::status::event);
  CHECK(reader.next(e) == workload_reader::status::error);
  CHECK(reader.error().line == 3);
  CHECK(reader.next(e) == workload_reader::status::error);
}

TEST_CASE("WL-1: a missing file is reported by name", "[workload][bad_input]") {
  auto r = load_workload("/nonexistent/dir/w.jsonl");
  REQUIRE(std::holds_alternative<workload_error>(r));
  CHECK(std::get<workload_error>(r).to_string() == "/nonexistent/dir/w.jsonl: cannot open");
}
