// spec/import.md IM-1..IM-16: the transcript importers on the fixtures of all three
// formats (event counts, page types, pairing by position, compactions, plan updates,
// demands), determinism, round trip through the workload reader and the engine, every
// bad-input case with its line number, strict vs lenient, streaming.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <streambuf>

#include "clawvm/import/import.hpp"
#include "clawvm/import/text.hpp"
#include "clawvm/line_reader.hpp"
#include "clawvm/replay.hpp"

using namespace clawvm;
using namespace clawvm::import;

namespace {

const std::string fixtures = CLAWVM_IMPORT_FIXTURES;

struct imported {
  import_result result;
  std::string bytes;  // the workload file
};

imported import_file(const std::string& relative, source_format format,
                     strictness mode = strictness::strict, const import_options& options = {}) {
  std::ifstream in(fixtures + "/" + relative, std::ios::binary);
  REQUIRE(in);
  import_request request;
  request.format = format;
  request.source_name = relative;
  request.session_name = "fixture";
  request.mode = mode;
  std::ostringstream out;
  imported r;
  r.result = import_to_stream(in, request, options, out);
  r.bytes = out.str();
  return r;
}

workload read_back(const std::string& bytes) {
  std::istringstream in(bytes);
  auto parsed = read_workload(in, "imported");
  if (auto* err = std::get_if<workload_error>(&parsed)) FAIL(err->to_string());
  return std::get<workload>(std::move(parsed));
}

std::map<std::string, int> count_events(const workload& w) {
  std::map<std::string, int> n;
  for (const auto& e : w.events) ++n[std::string(event_name(e))];
  return n;
}

std::map<std::string, int> count_page_types(const workload& w) {
  std::map<std::string, int> n;
  for (const auto& e : w.events) {
    if (const auto* i = std::get_if<workload_events::ingest>(&e)) ++n[i->page.type_name];
  }
  return n;
}

std::vector<const workload_events::tool_call*> tool_calls(const workload& w) {
  std::vector<const workload_events::tool_call*> out;
  for (const auto& e : w.events) {
    if (const auto* t = std::get_if<workload_events::tool_call>(&e)) out.push_back(t);
  }
  return out;
}

// The index of the event right after `call` (by address) in `w`.
std::size_t event_index_after(const workload& w, const workload_events::tool_call& call) {
  for (std::size_t i = 0; i < w.events.size(); ++i) {
    if (std::get_if<workload_events::tool_call>(&w.events[i]) == &call) return i + 1;
  }
  FAIL("tool call not in the workload");
  return 0;
}

// The richest content of a page spec (what the transcript said).
std::string top_content(const page_spec& p) {
  for (auto it = p.representations.rbegin(); it != p.representations.rend(); ++it) {
    if (*it) return (*it)->content;
  }
  return {};
}

replay_metrics replay_under(const workload& w, engine_policy policy, std::uint32_t budget) {
  replay_options o;
  o.policy = std::move(policy);
  o.tokens_budget = budget;
  auto out = replay(w, o);
  REQUIRE_FALSE(out.error.has_value());
  return out.metrics;
}

// An istream of `prefix`, then `fill_bytes` copies of 'a', then `suffix`, produced on the
// fly: a 100 MB line without 100 MB of memory.
class generated_buf : public std::streambuf {
 public:
  generated_buf(std::string prefix, std::uint64_t fill_bytes, std::string suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)), fill_left_(fill_bytes), chunk_(8192, 'a') {}

 protected:
  int_type underflow() override {
    if (stage_ == 0) {
      stage_ = 1;
      if (!prefix_.empty()) return set(prefix_);
    }
    if (stage_ == 1) {
      if (fill_left_ > 0) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(fill_left_, chunk_.size()));
        fill_left_ -= n;
        setg(chunk_.data(), chunk_.data(), chunk_.data() + n);
        return traits_type::to_int_type(chunk_[0]);
      }
      stage_ = 2;
      if (!suffix_.empty()) return set(suffix_);
    }
    return traits_type::eof();
  }

 private:
  int_type set(std::string& s) {
    setg(s.data(), s.data(), s.data() + s.size());
    return traits_type::to_int_type(s[0]);
  }
  std::string prefix_;
  std::string suffix_;
  std::uint64_t fill_left_;
  std::string chunk_;
  int stage_ = 0;
};

}  // namespace

TEST_CASE("IM-15.1 OpenClaw fixture: turns, pages, pairing by position, compaction", "[import]") {
  const auto r = import_file("openclaw/fx-openclaw-1.jsonl", source_format::openclaw);
  REQUIRE(r.result.ok);
  CHECK(r.result.problems.empty());
  const auto w = read_back(r.bytes);
  CHECK(w.header.family == "imported");
  CHECK(w.header.generator == "clawvm import openclaw");

  const auto events = count_events(w);
  CHECK(events.at("session_start") == 1);
  CHECK(events.at("turn_end") == 6);       // six assistant messages = six model calls (IM-6)
  CHECK(events.at("tool_call") == 5);
  CHECK(events.at("compaction") == 1);     // the native compaction entry
  CHECK(events.at("demand") == 2);
  CHECK(events.at("session_end") == 1);
  CHECK(std::get<workload_events::session_start>(w.events.front()).session == "fx-openclaw-1");

  const auto pages = count_page_types(w);
  CHECK(pages.at("conversation") == 8);
  CHECK(pages.at("constraint") == 1);
  CHECK(pages.count("bootstrap") == 0);

  const auto& s = r.result.stats;
  CHECK(s.turns == 6);
  CHECK(s.tool_calls == 5);
  CHECK(s.pages[index_of(page_type::evidence)] == 4);
  CHECK(s.duplicate_signatures == 1);
  CHECK(s.unanswered_calls == 1);
  CHECK(s.compactions_native == 1);
  CHECK(s.compactions_synthesized == 0);
  CHECK(s.ignored_entries == 1);  // model_change

  // "read:0" is used by three calls: results pair by position (IM-6), so the second
  // read:0 (of /data/plan.md) gets the plan text, not the notes.
  const auto calls = tool_calls(w);
  REQUIRE(calls.size() == 5);
  CHECK(calls[0]->arguments_json == R"({"path":"/data/notes.md"})");
  CHECK(top_content(calls[0]->result).find("The build uses CMake.") != std::string::npos);
  CHECK(calls[2]->arguments_json == R"({"path":"/data/plan.md"})");
  CHECK(top_content(calls[2]->result).find("PLAN-CONTENT") != std::string::npos);
  // The repeated read of /data/notes.md carries the first call's page id (FT-3).
  CHECK(calls[3]->result.id == calls[0]->result.id);
  // Evidence attributes (brief §5): soft pin, base utility 5, recompute 8 for read/exec.
  CHECK(calls[0]->result.pin == pin_class::soft);
  CHECK(calls[0]->result.base_utility == 5.0);
  CHECK(calls[0]->result.recompute_cost == 8.0);
  // The unanswered exec:1 still has a floor pointer.
  CHECK(calls[4]->result.representations[index_of(level::pointer)].has_value());
}

TEST_CASE("IM-15.2 Claude Code fixture: bootstrap, plan updates, compact boundary, grouping by message id", "[import]") {
  const auto r = import_file("claude-code/cc-fixture-1.jsonl", source_format::claude_code);
  REQUIRE(r.result.ok);
  const auto w = read_back(r.bytes);
  const auto events = count_events(w);
  CHECK(events.at("turn_end") == 5);   // msg_1 spans two lines: one model call
  CHECK(events.at("tool_call") == 4);
  CHECK(events.at("update") == 2);     // two TodoWrite calls
  CHECK(events.at("compaction") == 1); // compact_boundary + isCompactSummary = one compaction
  CHECK(events.at("demand") == 1);     // Edit of the file read earlier
  const auto pages = count_page_types(w);
  CHECK(pages.at("bootstrap") == 1);   // the injected CLAUDE.md block
  CHECK(pages.at("constraint") == 1);  // "You must not push to main." (not the isMeta caveat's "DO NOT")
  CHECK(pages.at("conversation") == 7);
  CHECK(pages.at("plan") == 1);
  CHECK(r.result.stats.ignored_entries == 3);  // summary title, file-history-snapshot, sidechain

  std::string plan_evidence;
  int updates_seen = 0;
  for (const auto& e : w.events) {
    if (const auto* t = std::get_if<workload_events::tool_call>(&e); t && t->tool == "TodoWrite") {
      plan_evidence = t->result.id;
      CHECK(t->result.recompute_cost == 6.0);
    }
    if (const auto* u = std::get_if<workload_events::update>(&e)) {
      ++updates_seen;
      CHECK(u->change.field == "plan/steps");
      CHECK(u->change.op == journal_op::append);
      CHECK(u->change.evidence_ref == plan_evidence);  // the plan tool's result page
      CHECK(u->page.type_name == "plan");
      if (updates_seen == 2) CHECK(u->change.value_json.find(R"("done":1)") != std::string::npos);
    }
    if (const auto* i = std::get_if<workload_events::ingest>(&e); i && i->page.type_name == "bootstrap") {
      CHECK(i->page.pin == pin_class::hard);
      CHECK(top_content(i->page).find("claudeMd") != std::string::npos);
    }
    if (const auto* t = std::get_if<workload_events::tool_call>(&e); t && t->tool == "Edit") {
      CHECK(t->result.recompute_cost == 12.0);
    }
  }
}

TEST_CASE("IM-15.3 Codex fixture: session_meta, AGENTS.md bootstrap, update_plan, compacted, refreshed call", "[import]") {
  const auto r = import_file("codex/rollout-2026-01-01T00-00-00-cx-fixture-1.jsonl", source_format::codex);
  REQUIRE(r.result.ok);
  const auto w = read_back(r.bytes);
  const auto events = count_events(w);
  CHECK(events.at("turn_end") == 4);
  CHECK(events.at("tool_call") == 4);
  CHECK(events.at("update") == 2);  // the plan, and the refreshed listing (IM-6)
  CHECK(events.at("compaction") == 1);
  CHECK(events.at("demand") == 1);  // "docs/README.md" named by the patch, then by the answer
  CHECK(std::get<workload_events::session_start>(w.events.front()).session == "cx-fixture-1");
  const auto pages = count_page_types(w);
  CHECK(pages.at("bootstrap") == 1);
  CHECK(pages.at("constraint") == 1);
  // Same shell arguments in another key order: a repeated signature; "src" then
  // "docs\nsrc": the listing changed, so it is a refresh, not a duplicate.
  CHECK(r.result.stats.duplicate_signatures == 0);
  CHECK(r.result.stats.refreshes == 1);
  CHECK(r.result.stats.ignored_entries == 2);
  CHECK(r.result.stats.ignored_by_type == std::map<std::string, std::uint64_t>{{"event_msg/user_message", 1},
                                                                             {"turn_context", 1}});
  const auto calls = tool_calls(w);
  REQUIRE(calls.size() == 4);
  CHECK(calls[0]->tool == "shell");
  CHECK(calls[3]->result.id == calls[0]->result.id);
  const auto* refresh = std::get_if<workload_events::update>(&w.events[event_index_after(w, *calls[3])]);
  REQUIRE(refresh != nullptr);
  CHECK(refresh->page.id == calls[0]->result.id);
  CHECK(top_content(refresh->page) == "docs\nsrc\n");
  CHECK(refresh->change.field == "tool_result/" + calls[0]->result.id);
  CHECK(refresh->change.op == journal_op::set_with_version);
  CHECK(refresh->change.expected_version == 0);
  CHECK(refresh->change.evidence_ref == calls[0]->result.id);
  CHECK(calls[2]->tool == "apply_patch");
  CHECK(calls[2]->result.recompute_cost == 12.0);
}

TEST_CASE("IM-1 imports are deterministic and read back byte for byte", "[import]") {
  for (const auto& [file, format] : std::vector<std::pair<std::string, source_format>>{
           {"openclaw/fx-openclaw-1.jsonl", source_format::openclaw},
           {"claude-code/cc-fixture-1.jsonl", source_format::claude_code},
           {"codex/rollout-2026-01-01T00-00-00-cx-fixture-1.jsonl", source_format::codex}}) {
    INFO(file);
    const auto a = import_file(file, format);
    const auto b = import_file(file, format);
    CHECK(a.bytes == b.bytes);
    // The writer is canonical: what the reader reads writes back to the same bytes.
    const auto w = read_back(a.bytes);
    std::ostringstream again;
    write_workload(again, w);
    CHECK(again.str() == a.bytes);
  }
}

TEST_CASE("IM-2 imported workloads replay without rejections, and ClawVM has no faults on the fixtures", "[import]") {
  for (const auto& [file, format] : std::vector<std::pair<std::string, source_format>>{
           {"openclaw/fx-openclaw-1.jsonl", source_format::openclaw},
           {"claude-code/cc-fixture-1.jsonl", source_format::claude_code},
           {"codex/rollout-2026-01-01T00-00-00-cx-fixture-1.jsonl", source_format::codex}}) {
    INFO(file);
    const auto w = read_back(import_file(file, format).bytes);
    for (const auto& policy : all_policies()) {
      INFO(policy.name);
      const auto m = replay_under(w, policy, 120);
      CHECK(m.ingest_rejected == 0);
      CHECK(m.update_rejected == 0);
      CHECK(m.tool_rejected == 0);
      if (policy.name == "clawvm") CHECK(m.counters.total_faults() == 0);
    }
  }
}

TEST_CASE("IM-4 IM-5 bad input: strict stops at the line with a diagnostic, lenient skips and counts", "[import]") {
  struct bad_case {
    std::string file;
    problem_kind kind;
    std::uint64_t line;
    std::string field;
    std::string message_part;
  };
  import_options small_lines;
  small_lines.max_line_bytes = 1024;
  const std::vector<bad_case> cases{
      {"bad/invalid_json.jsonl", problem_kind::invalid_json, 3, "", "invalid JSON at byte"},
      {"bad/truncated_final.jsonl", problem_kind::truncated_final_line, 3, "", "truncated final line"},
      {"bad/invalid_utf8.jsonl", problem_kind::invalid_utf8, 2, "", "invalid UTF-8 at byte"},
      {"bad/unknown_type.jsonl", problem_kind::unknown_entry_type, 3, "type", "unknown type 'mystery_entry'"},
      {"bad/missing_field.jsonl", problem_kind::missing_field, 3, "message.content[0].id", "missing or not a string"},
      {"bad/orphan_result.jsonl", problem_kind::orphan_tool_result, 4, "message.toolCallId", "no pending call"},
      {"bad/missing_header.jsonl", problem_kind::missing_header, 1, "type", "'session' header"},
      {"bad/long_line.jsonl", problem_kind::line_too_long, 2, "", "exceeds the limit of 1024 bytes"},
      {"bad/not_object.jsonl", problem_kind::not_an_object, 2, "", "not a JSON object"},
      {"bad/deep.jsonl", problem_kind::json_too_deep, 2, "", "nested deeper than 128"},
      {"bad/empty.jsonl", problem_kind::empty_input, 0, "", "empty transcript"},
      // Found by import_fuzz: nlohmann throws out_of_range, not parse_error, for it.
      {"bad/number_overflow.jsonl", problem_kind::invalid_json, 2, "", "invalid JSON (a number out of range)"},
      {"bad/concatenated.jsonl", problem_kind::concatenated_json, 3, "",
       "2 JSON objects on one line (the second starts at byte 167): a missing newline"},
      {"bad/dangling_kept.jsonl", problem_kind::dangling_reference, 4, "firstKeptEntryId",
       "names no earlier entry of this session"},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    const auto strict = import_file(c.file, source_format::openclaw, strictness::strict, small_lines);
    CHECK_FALSE(strict.result.ok);
    REQUIRE(strict.result.problems.size() == 1);
    const auto& p = strict.result.problems.front();
    CHECK(p.kind == c.kind);
    CHECK(p.line == c.line);
    CHECK(p.field == c.field);
    CHECK(p.message.find(c.message_part) != std::string::npos);
    const auto rendered = p.to_string();
    const auto where = c.file + ":" + std::to_string(c.line) + ": ";
    CHECK(rendered.rfind(c.field.empty() ? where : where + "field '" + c.field + "': ", 0) == 0);

    const auto lenient = import_file(c.file, source_format::openclaw, strictness::lenient, small_lines);
    CHECK(lenient.result.ok);
    CHECK(lenient.result.stats.problems[static_cast<std::size_t>(c.kind)] == 1);
    // Whatever was skipped, the output is a valid workload with a session around it.
    const auto w = read_back(lenient.bytes);
    const auto events = count_events(w);
    CHECK(events.at("session_start") == 1);
    CHECK(events.at("session_end") == 1);
  }
}

TEST_CASE("IM-5 lenient mode counts every problem of a file and imports the rest", "[import]") {
  const auto r = import_file("bad/mixed.jsonl", source_format::openclaw, strictness::lenient);
  REQUIRE(r.result.ok);
  const auto& s = r.result.stats;
  CHECK(s.problems[static_cast<std::size_t>(problem_kind::invalid_json)] == 1);
  CHECK(s.problems[static_cast<std::size_t>(problem_kind::missing_field)] == 0);
  CHECK(s.problems[static_cast<std::size_t>(problem_kind::unknown_entry_type)] == 1);
  CHECK(s.problems[static_cast<std::size_t>(problem_kind::invalid_utf8)] == 1);
  CHECK(s.problems[static_cast<std::size_t>(problem_kind::orphan_tool_result)] == 1);
  CHECK(s.total_problems() == 4);
  CHECK(s.skipped_lines == 3);
  CHECK(s.skipped_items == 1);
  REQUIRE(r.result.problems.size() == 4);
  CHECK(r.result.problems[0].line == 3);
  CHECK(r.result.problems[1].line == 4);
  CHECK(r.result.problems[2].line == 5);
  CHECK(r.result.problems[3].line == 6);
  const auto w = read_back(r.bytes);
  CHECK(count_events(w).at("turn_end") == 1);
  CHECK(count_page_types(w).at("conversation") == 2);

  const auto strict = import_file("bad/mixed.jsonl", source_format::openclaw, strictness::strict);
  CHECK_FALSE(strict.result.ok);
  REQUIRE(strict.result.problems.size() == 1);
  CHECK(strict.result.problems[0].line == 3);
}

TEST_CASE("IM-4 a 100 MB line is skipped in bounded memory", "[import]") {
  const std::string header = R"({"type":"session","version":3,"id":"big","timestamp":"t","cwd":""})" "\n";
  const std::string after = "\n" R"({"type":"message","id":"x","message":{"role":"user","content":"after the big line"}})" "\n";
  constexpr std::uint64_t hundred_mb = 100ULL * 1024U * 1024U;

  SECTION("the reader never stores more than the limit") {
    generated_buf buf(header, hundred_mb, after);
    std::istream in(&buf);
    line_reader reader(in, 4096);
    std::string line;
    REQUIRE(reader.next(line) == line_reader::status::line);
    REQUIRE(reader.next(line) == line_reader::status::too_long);
    CHECK(reader.line_number() == 2);
    CHECK(reader.skipped_bytes() == hundred_mb);
    CHECK(line.capacity() <= 4096 + line_reader::chunk_bytes);
    REQUIRE(reader.next(line) == line_reader::status::line);
    CHECK(line.find("after the big line") != std::string::npos);
    CHECK(reader.next(line) == line_reader::status::end);
  }
  SECTION("strict stops at line 2; lenient imports the line after it") {
    for (auto mode : {strictness::strict, strictness::lenient}) {
      generated_buf buf(header, hundred_mb, after);
      std::istream in(&buf);
      import_request request;
      request.source_name = "big.jsonl";
      request.session_name = "big";
      request.mode = mode;
      std::uint64_t events = 0;
      const auto r = import_transcript(in, request, import_options{}, [&](const workload_event&) { ++events; });
      REQUIRE(r.problems.size() == 1);
      CHECK(r.problems[0].kind == problem_kind::line_too_long);
      CHECK(r.problems[0].line == 2);
      if (mode == strictness::strict) {
        CHECK_FALSE(r.ok);
      } else {
        CHECK(r.ok);
        CHECK(r.stats.pages[index_of(page_type::conversation)] == 1);
      }
    }
  }
}

TEST_CASE("IM-3 a 4000-turn session streams through without being held", "[import]") {
  // Generated line by line into a stringstream-free pipe: only the counts are kept.
  std::string transcript = R"({"type":"session","version":3,"id":"long","timestamp":"t","cwd":""})" "\n";
  for (int i = 0; i < 4000; ++i) {
    transcript += R"({"type":"message","message":{"role":"user","content":"question )" + std::to_string(i) + "\"}}\n";
    transcript += R"({"type":"message","message":{"role":"assistant","content":[{"type":"toolCall","id":"exec:0","name":"exec","arguments":{"command":"cat /f/)" +
                  std::to_string(i % 50) + R"(.txt"}}]}})" "\n";
    transcript += R"({"type":"message","message":{"role":"toolResult","toolCallId":"exec:0","content":"output )" + std::to_string(i) + "\"}}\n";
  }
  std::istringstream in(transcript);
  import_request request;
  request.source_name = "long.jsonl";
  request.session_name = "long";
  std::map<std::string, std::uint64_t> kinds;
  const auto r = import_transcript(in, request, import_options{}, [&](const workload_event& e) { ++kinds[std::string(event_name(e))]; });
  REQUIRE(r.ok);
  CHECK(r.stats.turns == 4000);
  CHECK(kinds["turn_end"] == 4000);
  CHECK(kinds["tool_call"] == 4000);
  // Each repeated `cat` returns another output: a refresh, never a duplicate (IM-6).
  CHECK(r.stats.refreshes == 4000 - 50);
  CHECK(r.stats.duplicate_signatures == 0);
  CHECK(kinds["update"] == 4000 - 50);
  CHECK(r.stats.pages[index_of(page_type::evidence)] == 50);
}

TEST_CASE("IM-12 a compaction is synthesized when the context estimate exceeds the window", "[import]") {
  import_options small_window;
  small_window.window_tokens = 20;
  const auto r = import_file("openclaw/fx-openclaw-1.jsonl", source_format::openclaw, strictness::strict, small_window);
  REQUIRE(r.result.ok);
  CHECK(r.result.stats.compactions_native == 1);
  CHECK(r.result.stats.compactions_synthesized >= 1);
  const auto w = read_back(r.bytes);
  CHECK(count_events(w).at("compaction") ==
        static_cast<int>(r.result.stats.compactions_native + r.result.stats.compactions_synthesized));

  import_options no_window;
  no_window.window_tokens = 0;
  CHECK(import_file("openclaw/fx-openclaw-1.jsonl", source_format::openclaw, strictness::strict, no_window)
            .result.stats.compactions_synthesized == 0);
}

TEST_CASE("IM-6 --max-turns cuts the session after N turns", "[import]") {
  import_options cut;
  cut.max_turns = 2;
  const auto r = import_file("openclaw/fx-openclaw-1.jsonl", source_format::openclaw, strictness::strict, cut);
  REQUIRE(r.result.ok);
  CHECK(r.result.stats.turns == 2);
  CHECK(r.result.stats.cut);
  const auto w = read_back(r.bytes);
  const auto events = count_events(w);
  CHECK(events.at("turn_end") == 2);
  CHECK(events.at("session_end") == 1);
  CHECK(std::holds_alternative<workload_events::lifecycle>(w.events.back()));
}

TEST_CASE("IM-7 IM-14 mapping overrides change page attributes, bad mappings are diagnosed", "[import]") {
  const auto parsed = parse_mapping(R"({"pages":{"evidence":{"pin":"none","base_utility":3}},
      "recompute_cost":{"read":20},"tool_kinds":{"Exec":"edit"},"constraint_pages_max":0,"window_tokens":0,
      "reference_demand_level":"pointer"})",
                                    "m.json");
  REQUIRE(std::holds_alternative<import_options>(parsed));
  const auto& o = std::get<import_options>(parsed);
  CHECK(classify_tool("exec", o) == tool_kind::edit);
  const auto r = import_file("openclaw/fx-openclaw-1.jsonl", source_format::openclaw, strictness::strict, o);
  const auto w = read_back(r.bytes);
  const auto calls = tool_calls(w);
  CHECK(calls[0]->result.pin == pin_class::none);
  CHECK(calls[0]->result.base_utility == 3.0);
  CHECK(calls[0]->result.recompute_cost == 20.0);
  CHECK(calls[1]->result.recompute_cost == 12.0);  // exec is now an edit
  CHECK(count_page_types(w).count("constraint") == 0);
  CHECK(r.result.stats.rules_dropped == 2);
  for (const auto& e : w.events) {
    if (const auto* d = std::get_if<workload_events::demand>(&e)) CHECK(d->wanted == level::pointer);
  }

  const std::vector<std::pair<std::string, std::string>> bad{
      {R"({"pages":{"evidence":{"pin":"sometimes"}}})", "m.json: field 'pages.evidence.pin': expected"},
      {R"({"pages":{"nosuch":{}}})", "m.json: field 'pages.nosuch': unknown page type"},
      {R"({"window_tokens":-1})", "m.json: field 'window_tokens': expected a non-negative integer"},
      {R"({"tool_kinds":{"x":"write"}})", "m.json: field 'tool_kinds.x': expected"},
      {R"({"colour":1})", "m.json: field 'colour': unknown key"},
      {R"({"reference_demand_level":"none"})", "m.json: field 'reference_demand_level': expected"},
      {R"({"rule_openers":["ok",""]})", "m.json: field 'rule_openers[1]': expected a non-empty string"},
      {R"([1])", "m.json: the mapping must be a JSON object"},
      {R"({)", "m.json: invalid JSON"},
  };
  for (const auto& [text, message] : bad) {
    INFO(text);
    const auto e = parse_mapping(text, "m.json");
    REQUIRE(std::holds_alternative<std::string>(e));
    CHECK(std::get<std::string>(e).rfind(message, 0) == 0);
  }
}

TEST_CASE("IM-8 tool classification table", "[import]") {
  const import_options o;
  CHECK(classify_tool("read", o) == tool_kind::read);
  CHECK(classify_tool("Read", o) == tool_kind::read);
  CHECK(classify_tool(" exec", o) == tool_kind::command);
  CHECK(classify_tool("functions.exec", o) == tool_kind::command);
  CHECK(classify_tool("Bash", o) == tool_kind::command);
  CHECK(classify_tool("shell", o) == tool_kind::command);
  CHECK(classify_tool("Edit", o) == tool_kind::edit);
  CHECK(classify_tool("write", o) == tool_kind::edit);
  CHECK(classify_tool("apply_patch", o) == tool_kind::edit);
  CHECK(classify_tool("mcp__fs__read_file", o) == tool_kind::read);
  CHECK(classify_tool("TodoWrite", o) == tool_kind::plan);
  CHECK(classify_tool("update_plan", o) == tool_kind::plan);
  CHECK(classify_tool("browser", o) == tool_kind::other);
  CHECK(classify_tool("cron", o) == tool_kind::other);
  CHECK(estimate_tokens(0) == 1);
  CHECK(estimate_tokens(4) == 1);
  CHECK(estimate_tokens(5) == 2);
  CHECK(estimate_tokens(400) == 100);
}

namespace {

std::vector<const page_spec*> ingested(const workload& w, std::string_view type) {
  std::vector<const page_spec*> out;
  for (const auto& e : w.events) {
    if (const auto* i = std::get_if<workload_events::ingest>(&e); i && i->page.type_name == type) out.push_back(&i->page);
  }
  return out;
}

// Imports `file` strict and lenient: both succeed with no problem and the same bytes (a
// well-formed transcript of a supported version is not a lenient-only case).
imported import_clean(const std::string& file, source_format format) {
  const auto strict = import_file(file, format);
  REQUIRE(strict.result.ok);
  CHECK(strict.result.problems.empty());
  const auto lenient = import_file(file, format, strictness::lenient);
  CHECK(lenient.result.ok);
  CHECK(lenient.result.stats.total_problems() == 0);
  CHECK(lenient.bytes == strict.bytes);
  return strict;
}

// The engine accepts everything, and ClawVM commits every update it writes back.
void replays_cleanly(const workload& w) {
  for (const auto& policy : all_policies()) {
    INFO(policy.name);
    const auto m = replay_under(w, policy, 300);
    CHECK(m.ingest_rejected == 0);
    CHECK(m.update_rejected == 0);
    CHECK(m.tool_rejected == 0);
    if (policy.name == "clawvm") {
      CHECK(m.counters.rejections == 0);
      CHECK(m.counters[fault_kind::flush_miss] == 0);
    }
  }
}

}  // namespace

TEST_CASE("IM-15.2 Claude Code 2.1.x: attachments, bookkeeping entry types, a refresh and a duplicate", "[import]") {
  const auto r = import_clean("versions/cc-v21.jsonl", source_format::claude_code);
  const auto& s = r.result.stats;
  CHECK(s.turns == 5);
  CHECK(s.tool_calls == 5);  // the @-mentioned file, git status twice, ls twice
  CHECK(s.refreshes == 1);   // git status saw another tree the second time
  CHECK(s.duplicate_signatures == 1);  // ls saw the same
  CHECK(s.unanswered_calls == 0);
  CHECK(s.pages[index_of(page_type::bootstrap)] == 4);
  CHECK(s.pages[index_of(page_type::constraint)] == 1);
  CHECK(s.pages[index_of(page_type::evidence)] == 3);
  CHECK(s.pages[index_of(page_type::conversation)] == 4);
  CHECK(s.ignored_entries == 15);
  CHECK(s.ignored_by_type == std::map<std::string, std::uint64_t>{
                                 {"agent-name", 1}, {"ai-title", 1}, {"attachment/hook_success", 1},
                                 {"attachment/todo_reminder", 1}, {"custom-title", 1}, {"file-history-snapshot", 1},
                                 {"last-prompt", 2}, {"permission-mode", 1}, {"pr-link", 1}, {"progress", 1},
                                 {"queue-operation", 1}, {"sidechain", 2}, {"system/turn_duration", 1}});
  const auto w = read_back(r.bytes);
  CHECK(std::get<workload_events::session_start>(w.events.front()).session == "cc-v21");

  // SessionStart hook context, the skill listing, MCP instructions, the nested CLAUDE.md:
  // standing context, hard-pinned bootstrap pages, in file order.
  const auto boot = ingested(w, "bootstrap");
  REQUIRE(boot.size() == 4);
  CHECK(top_content(*boot[0]).find("Project context:") == 0);
  CHECK(top_content(*boot[1]).find("- review:") == 0);
  CHECK(top_content(*boot[2]).find("## docs") == 0);
  CHECK(top_content(*boot[3]).find("# Test rules") == 0);
  // The queued prompt is the user's words (a conversation page), the sidechain is not here.
  bool queued = false;
  for (const auto* p : ingested(w, "conversation")) {
    queued = queued || top_content(*p).find("negative numbers") != std::string::npos;
    CHECK(top_content(*p).find("sub-agent") == std::string::npos);
  }
  CHECK(queued);

  // The @-mentioned file is a Read the user caused: its text is an evidence page.
  const auto calls = tool_calls(w);
  REQUIRE(calls.size() == 5);
  CHECK(calls[0]->tool == "Read");
  CHECK(calls[0]->arguments_json == R"({"file_path":"/repo/src/util.cpp"})");
  CHECK(top_content(calls[0]->result) == "int add(int a, int b) { return a + b; }\n");
  // git status (calls 1, 3): one page, refreshed by an update right after the second call.
  CHECK(calls[3]->result.id == calls[1]->result.id);
  const auto* refresh = std::get_if<workload_events::update>(&w.events[event_index_after(w, *calls[3])]);
  REQUIRE(refresh != nullptr);
  CHECK(top_content(refresh->page) == " M src/util.cpp\n M tests/util_test.cpp\n");
  CHECK(refresh->change.expected_version == 0);
  CHECK(refresh->change.value_json.find(R"("version":1)") != std::string::npos);
  // ls (calls 2, 4): the same page, no update after the duplicate.
  CHECK(calls[4]->result.id == calls[2]->result.id);
  const auto after_ls = event_index_after(w, *calls[4]);
  CHECK(!std::holds_alternative<workload_events::update>(w.events[after_ls]));
  replays_cleanly(w);
}

TEST_CASE("IM-15.2 an abandoned Claude Code session (bookkeeping only) imports no turn and says so", "[import]") {
  const auto r = import_clean("versions/cc-metadata-only.jsonl", source_format::claude_code);
  CHECK(r.result.stats.turns == 0);
  CHECK(r.result.stats.ignored_entries == 2);
  const auto shortfall = import_shortfall(r.result.stats);
  REQUIRE(shortfall.has_value());
  CHECK(*shortfall == "no model call imported from 2 lines");
}

TEST_CASE("IM-15.3 a forked Codex rollout: the parent's header, user shell commands, a refresh", "[import]") {
  const auto r = import_clean("versions/rollout-2026-03-01T00-00-00-cx-fork-1.jsonl", source_format::codex);
  const auto& s = r.result.stats;
  CHECK(s.turns == 6);
  CHECK(s.tool_calls == 5);
  CHECK(s.refreshes == 1);  // cat VERSION before and after the patch
  CHECK(s.duplicate_signatures == 0);
  CHECK(s.pages[index_of(page_type::bootstrap)] == 2);  // base instructions (once), the developer message
  CHECK(s.pages[index_of(page_type::evidence)] == 4);
  CHECK(s.ignored_by_type == std::map<std::string, std::uint64_t>{
                                 {"event_msg/token_count", 1}, {"event_msg/user_message", 1}, {"record_type:state", 1},
                                 {"response_item/user_shell_command-copy", 1}, {"session_meta/parent", 1},
                                 {"turn_context", 1}, {"world_state", 1}});
  const auto w = read_back(r.bytes);
  CHECK(std::get<workload_events::session_start>(w.events.front()).session == "cx-fork-1");
  const auto calls = tool_calls(w);
  REQUIRE(calls.size() == 5);
  CHECK(calls[3]->tool == "user_shell");  // exec_command_end with source user_shell
  CHECK(calls[3]->arguments_json == R"({"command":["bash","-lc","git status --short"]})");
  CHECK(top_content(calls[3]->result) == " M VERSION\n");
  CHECK(calls[3]->result.recompute_cost == 8.0);  // a command (IM-8)
  CHECK(calls[4]->tool == "user_shell");  // a <user_shell_command> message alone
  CHECK(calls[4]->arguments_json == R"({"command":"make test"})");
  CHECK(top_content(calls[4]->result) == "1 test failed");
  // Commands the user ran are not user text: no conversation page quotes them.
  for (const auto* p : ingested(w, "conversation")) CHECK(top_content(*p).find("<user_shell_command>") == std::string::npos);
  replays_cleanly(w);

  SECTION("a user shell command that failed is an error result") {
    const std::string output(400, 'x');
    std::istringstream in(R"({"timestamp":"t","type":"session_meta","payload":{"id":"u"}})" "\n"
                          R"({"timestamp":"t","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"<user_shell_command>\n<command>\nmake\n</command>\n<result>\nExit code: 1\nDuration: 0.1 seconds\nOutput:\n)" +
                          output + R"(\n</result>\n</user_shell_command>"}]}})" "\n");
    import_request request;
    request.format = source_format::codex;
    request.source_name = "shell.jsonl";
    std::vector<workload_event> events;
    const auto run = import_transcript(in, request, import_options{}, [&](const workload_event& e) { events.push_back(e); });
    REQUIRE(run.ok);
    const workload_events::tool_call* shell = nullptr;
    for (const auto& e : events) {
      if (const auto* t = std::get_if<workload_events::tool_call>(&e)) shell = t;
    }
    REQUIRE(shell != nullptr);
    CHECK(shell->tool == "user_shell");
    CHECK(top_content(shell->result) == output);
    const auto& structured = shell->result.representations[index_of(level::structured)];
    REQUIRE(structured.has_value());
    CHECK(structured->content.rfind("user_shell error: 1 lines, 400 bytes", 0) == 0);
  }
  SECTION("a session_meta of an unrelated session is still a second header") {
    std::istringstream in(R"({"timestamp":"t","type":"session_meta","payload":{"id":"a","forked_from_id":"b"}})" "\n"
                          R"({"timestamp":"t","type":"session_meta","payload":{"id":"b"}})" "\n"
                          R"({"timestamp":"t","type":"session_meta","payload":{"id":"c"}})" "\n");
    import_request request;
    request.format = source_format::codex;
    request.source_name = "fork.jsonl";
    const auto bad = import_transcript(in, request, import_options{}, [](const workload_event&) {});
    REQUIRE_FALSE(bad.ok);
    CHECK(bad.problems.front().kind == problem_kind::duplicate_header);
    CHECK(bad.problems.front().line == 3);
    CHECK(bad.problems.front().field == "payload.id");
  }
}

TEST_CASE("IM-15.3 the older Codex rollout: bare first line, record_type lines, bare items", "[import]") {
  const auto r = import_clean("versions/rollout-2025-08-01T00-00-00-cx-legacy-1.jsonl", source_format::codex);
  const auto& s = r.result.stats;
  CHECK(s.turns == 2);
  CHECK(s.tool_calls == 1);
  CHECK(s.pages[index_of(page_type::bootstrap)] == 1);  // the instructions of the first line
  CHECK(s.pages[index_of(page_type::conversation)] == 3);
  CHECK(s.ignored_by_type == std::map<std::string, std::uint64_t>{{"record_type:state", 3}});
  const auto w = read_back(r.bytes);
  CHECK(std::get<workload_events::session_start>(w.events.front()).session == "cx-legacy-1");
  CHECK(top_content(*ingested(w, "bootstrap").front()).find("Always run the tests") != std::string::npos);
  CHECK(tool_calls(w).front()->arguments_json == R"({"command":["bash","-lc","make test"]})");
  replays_cleanly(w);

  SECTION("an instructions field of the wrong type is malformed") {
    std::istringstream in(R"({"id":"x","timestamp":"t","instructions":7})" "\n");
    import_request request;
    request.format = source_format::codex;
    request.source_name = "old.jsonl";
    const auto bad = import_transcript(in, request, import_options{}, [](const workload_event&) {});
    REQUIRE_FALSE(bad.ok);
    CHECK(bad.problems.front().to_string() == "old.jsonl:1: field 'instructions': missing or not a string or null");
  }
}

TEST_CASE("IM-15.1 pi version 1: no version, no ids, firstKeptEntryIndex keeps entries", "[import]") {
  const auto r = import_clean("versions/oc-v1.jsonl", source_format::openclaw);
  const auto& s = r.result.stats;
  CHECK(s.turns == 5);
  CHECK(s.refreshes == 1);  // the notes changed between the two reads
  CHECK(s.compactions_native == 1);
  CHECK(s.pages_kept == 3);  // entries 5..8: "Check them again.", the notes, the answer
  CHECK(s.demands == 3);
  const auto w = read_back(r.bytes);
  // Right after the compaction: the kept pages are demanded at full, in file order.
  std::size_t at = 0;
  while (!std::holds_alternative<workload_events::lifecycle>(w.events[at]) ||
         std::get<workload_events::lifecycle>(w.events[at]).kind != boundary::compaction) {
    ++at;
  }
  const auto notes = tool_calls(w).front()->result.id;
  std::vector<std::string> demanded;
  for (std::size_t i = at + 1; i < w.events.size(); ++i) {
    const auto* d = std::get_if<workload_events::demand>(&w.events[i]);
    if (d == nullptr) break;
    CHECK(d->wanted == level::full);
    demanded.push_back(d->page);
  }
  CHECK(demanded == std::vector<std::string>{"oc-v1/conv/3", notes, "oc-v1/conv/4"});
  // The extension message of role hookMessage (renamed custom in version 3) is context.
  bool custom = false;
  for (const auto* p : ingested(w, "conversation")) {
    custom = custom || top_content(*p) == "Extension note: the workspace is read-only.";
  }
  CHECK(custom);
  replays_cleanly(w);
}

TEST_CASE("IM-15.1 pi version 2 and 3: hookMessage, a duplicate, firstKeptEntryId", "[import]") {
  const auto v2 = import_clean("versions/oc-v2.jsonl", source_format::openclaw);
  CHECK(v2.result.stats.duplicate_signatures == 1);  // ls returned the same
  CHECK(v2.result.stats.refreshes == 0);
  CHECK(count_events(read_back(v2.bytes)).count("update") == 0);

  const auto v3 = import_clean("versions/oc-v3-kept.jsonl", source_format::openclaw);
  CHECK(v3.result.stats.pages_kept == 3);  // m5..m8; the report (m1..m4) is summarized
  const auto w = read_back(v3.bytes);
  const auto calls = tool_calls(w);
  REQUIRE(calls.size() == 2);
  std::vector<std::string> demanded;
  for (const auto& e : w.events) {
    if (const auto* d = std::get_if<workload_events::demand>(&e)) demanded.push_back(d->page);
  }
  // The answer's mention of /data/costs.md asks for a page already demanded this turn.
  CHECK(demanded == std::vector<std::string>{"oc-v3/conv/3", calls[1]->result.id, "oc-v3/conv/4"});
  replays_cleanly(w);

  SECTION("a version that is not an integer is malformed") {
    std::istringstream in(R"({"type":"session","version":"3","id":"x"})" "\n");
    import_request request;
    request.source_name = "v.jsonl";
    const auto bad = import_transcript(in, request, import_options{}, [](const workload_event&) {});
    REQUIRE_FALSE(bad.ok);
    CHECK(bad.problems.front().to_string() == "v.jsonl:1: field 'version': missing or not a non-negative integer");
  }
}

TEST_CASE("IM-4 objects back to back on one line: lenient imports both", "[import]") {
  const auto r = import_file("bad/concatenated.jsonl", source_format::openclaw, strictness::lenient);
  REQUIRE(r.result.ok);
  CHECK(r.result.stats.problems[static_cast<std::size_t>(problem_kind::concatenated_json)] == 1);
  CHECK(r.result.stats.skipped_lines == 0);
  CHECK(r.result.stats.turns == 2);
  const auto w = read_back(r.bytes);
  bool second = false;
  for (const auto* p : ingested(w, "conversation")) {
    second = second || top_content(*p) == "Second entry on the same line.";
  }
  CHECK(second);
  // Only objects back to back are this case: a line with text after an object is not.
  CHECK(text::concatenated_object_starts(R"({"a":"}{"} {"b":[1,{}]})") == std::vector<std::size_t>{0, 11});
  CHECK(text::concatenated_object_starts(R"({"a":1} x {"b":2})").empty());
  CHECK(text::concatenated_object_starts(R"({"a":1})").empty());
  CHECK(text::concatenated_object_starts(R"({"a":1}{"b":2)").empty());
}

TEST_CASE("IM-6 refresh or duplicate: what the result page holds now decides", "[import]") {
  // One call signature, answered: A, A (dup), B (refresh), B as an error (refresh), no
  // result (dup), A (refresh back: a new version again).
  std::string t = R"({"type":"session","version":3,"id":"rf","timestamp":"t","cwd":""})" "\n";
  const auto call = [&](int i) {
    t += R"({"type":"message","message":{"role":"assistant","content":[{"type":"toolCall","id":"c)" + std::to_string(i) +
         R"(","name":"exec","arguments":{"command":"date"}}]}})" "\n";
  };
  const auto result = [&](int i, const std::string& text, bool error) {
    t += R"({"type":"message","message":{"role":"toolResult","toolCallId":"c)" + std::to_string(i) + R"(","content":")" +
         text + R"(","isError":)" + (error ? "true" : "false") + "}}\n";
  };
  call(1); result(1, "A", false);
  call(2); result(2, "A", false);
  call(3); result(3, "B", false);
  call(4); result(4, "B", true);
  call(5);
  t += R"({"type":"message","message":{"role":"user","content":"next"}})" "\n";  // c5 stays unanswered
  call(6); result(6, "A", false);
  std::istringstream in(t);
  import_request request;
  request.source_name = "rf.jsonl";
  request.session_name = "rf";
  std::ostringstream out;
  const auto r = import_to_stream(in, request, import_options{}, out);
  REQUIRE(r.ok);
  CHECK(r.stats.tool_calls == 6);
  CHECK(r.stats.refreshes == 3);
  CHECK(r.stats.duplicate_signatures == 2);
  CHECK(r.stats.unanswered_calls == 1);
  CHECK(r.stats.pages[index_of(page_type::evidence)] == 1);
  const auto w = read_back(out.str());
  std::vector<std::uint64_t> expected_versions;
  for (const auto& e : w.events) {
    if (const auto* u = std::get_if<workload_events::update>(&e)) {
      expected_versions.push_back(u->change.expected_version);
      CHECK(u->page.id == "rf/ev/1");
      CHECK(u->change.evidence_ref == "rf/ev/1");
    }
  }
  CHECK(expected_versions == std::vector<std::uint64_t>{0, 1, 2});  // one journaled version each
  // Under ClawVM the three versions commit in order at session end (set_with_version).
  const auto m = replay_under(w, policy_clawvm(), 300);
  CHECK(m.update_rejected == 0);
  CHECK(m.counters.commits == 3);
  CHECK(m.counters.rejections == 0);
}

TEST_CASE("IM-16 detect_format tells the formats and versions apart from the first lines", "[import]") {
  const std::vector<std::tuple<std::string, std::optional<source_format>, std::string>> cases{
      {"openclaw/fx-openclaw-1.jsonl", source_format::openclaw, "an OpenClaw/pi session (version 3)"},
      {"versions/oc-v1.jsonl", source_format::openclaw, "an older OpenClaw/pi session (no version: version 1)"},
      {"versions/oc-v2.jsonl", source_format::openclaw, "an OpenClaw/pi session (version 2)"},
      {"bad/missing_header.jsonl", source_format::openclaw, "an OpenClaw/pi session without its header line"},
      {"claude-code/cc-fixture-1.jsonl", source_format::claude_code, "a Claude Code transcript"},
      {"versions/cc-v21.jsonl", source_format::claude_code, "a Claude Code transcript"},
      {"versions/cc-metadata-only.jsonl", source_format::claude_code, "a Claude Code transcript"},
      {"codex/rollout-2026-01-01T00-00-00-cx-fixture-1.jsonl", source_format::codex, "a Codex rollout"},
      {"versions/rollout-2026-03-01T00-00-00-cx-fork-1.jsonl", source_format::codex, "a forked Codex rollout"},
      {"versions/rollout-2025-08-01T00-00-00-cx-legacy-1.jsonl", source_format::codex, "an older Codex rollout"},
      {"bad/concatenated.jsonl", source_format::openclaw, "an OpenClaw/pi session (version 3)"},
      {"bad/not_transcript.jsonl", std::nullopt,
       "not a transcript (JSON, but no entry of a known format in its first 3 lines)"},
      {"bad/empty.jsonl", std::nullopt, "an empty file"},
  };
  for (const auto& [file, format, description] : cases) {
    INFO(file);
    std::ifstream in(fixtures + "/" + file, std::ios::binary);
    REQUIRE(in);
    const auto d = detect_format(in, import_options{});
    CHECK(d.format == format);
    CHECK(d.description == description);
  }
  std::istringstream text("hello\nworld\n");
  CHECK(detect_format(text, import_options{}).description == "not a transcript (no JSON in its first 2 lines)");
  // Only the first 16 non-blank lines are looked at.
  std::string late(16 * 4, ' ');
  for (std::size_t i = 0; i < 16; ++i) late[i * 4] = '1', late[i * 4 + 1] = '\n';
  late += R"({"type":"session","id":"x"})" "\n";
  std::istringstream late_in(late);
  const auto d = detect_format(late_in, import_options{});
  CHECK_FALSE(d.format.has_value());
  CHECK(d.lines_examined == 16);
}

TEST_CASE("IM-16 a wrong format imports next to nothing, and import_shortfall says so", "[import]") {
  const auto wrong = import_file("versions/cc-v21.jsonl", source_format::codex, strictness::lenient);
  REQUIRE(wrong.result.ok);
  const auto shortfall = import_shortfall(wrong.result.stats);
  REQUIRE(shortfall.has_value());
  CHECK(*shortfall == "no model call imported from 31 lines");
  // Most lines skipped, though a few turns came through.
  import_stats mostly_skipped;
  mostly_skipped.lines = 10;
  mostly_skipped.turns = 2;
  mostly_skipped.skipped_lines = 6;
  CHECK(import_shortfall(mostly_skipped) == std::optional<std::string>("6 of 10 lines skipped"));
  mostly_skipped.skipped_lines = 5;
  CHECK_FALSE(import_shortfall(mostly_skipped).has_value());
  CHECK_FALSE(import_shortfall(import_stats{}).has_value());  // empty input is empty_input
  for (const auto& [file, format] : std::vector<std::pair<std::string, source_format>>{
           {"openclaw/fx-openclaw-1.jsonl", source_format::openclaw},
           {"claude-code/cc-fixture-1.jsonl", source_format::claude_code},
           {"codex/rollout-2026-01-01T00-00-00-cx-fixture-1.jsonl", source_format::codex}}) {
    CHECK_FALSE(import_shortfall(import_file(file, format).result.stats).has_value());
  }
}

TEST_CASE("IM-5 ignored entry types are counted per bounded, sanitized name", "[import]") {
  import_stats s;
  s.count_ignored("last-prompt");
  s.count_ignored("last-prompt");
  s.count_ignored("attachment/a b\"c");
  CHECK(s.ignored_entries == 3);
  CHECK(s.ignored_by_type == std::map<std::string, std::uint64_t>{{"attachment/a?b?c", 1}, {"last-prompt", 2}});
  // std::string("t").append(...), not "t" + ...: g++ 12 -O3 -Wrestrict false positive.
  for (std::size_t i = 0; i < 100; ++i) s.count_ignored(std::string("t").append(std::to_string(i)));
  CHECK(s.ignored_by_type.size() == ignored_type_names_max + 1);  // + "other"
  CHECK(s.ignored_by_type.at("other") == 100 - (ignored_type_names_max - 2));
  CHECK(s.ignored_entries == 103);
}
