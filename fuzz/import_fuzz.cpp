// Fuzz target for the transcript importers (spec/import.md IM-1..IM-16): byte 0 picks the
// source format (modulo 4: openclaw, claude-code, codex, or 3 = auto: detect_format
// decides, IM-16), byte 1 the mode and limits, the rest is the transcript (any bytes:
// invalid UTF-8, broken or deeply nested JSON, long lines, unknown entries, orphan
// results). Guarantees (abort otherwise):
//  I1 no crash, no unbounded allocation (sanitizers, max_line_bytes, max_json_depth);
//  I2 lenient mode always succeeds; strict mode succeeds or reports exactly one problem,
//     and a successful import reports no problem;
//  I3 every event line the importer writes reads back through the workload reader
//     (parse_workload_event) and writes again to the same bytes (WL-2 round trip);
//  I4 a successful import starts with session_start and ends with session_end;
//  I5 the engine accepts everything the importer builds: replaying it under ClawVM
//     rejects no ingest, tool call or update (every imported page passes PG-8);
//  I6 importing the same bytes twice gives the same lines (determinism, IM-1);
//  I7 format detection reads at most detect_lines_max non-blank lines and gives the same
//     answer twice; an empty transcript is "empty" and has no format;
//  I8 the counts match the events: one update per refresh or plan update, one demand
//     event per counted demand (reference and kept demands), one tool_call per call.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "clawvm/import/import.hpp"
#include "clawvm/replay.hpp"
#include "clawvm/workload.hpp"
#include "fuzz_support.hpp"

using namespace clawvm;

namespace {

struct run {
  import::import_result result;
  std::vector<std::string> lines;
  workload imported;
};

run import_bytes(std::string_view transcript, const import::import_request& request,
                 const import::import_options& options) {
  run r;
  std::istringstream in{std::string(transcript)};
  r.result = import::import_transcript(in, request, options, [&](const workload_event& e) {
    r.lines.push_back(to_json_line(e));
    r.imported.events.push_back(e);
  });
  r.imported.header = import::make_header(request, options);
  return r;
}

import::format_detection detect(std::string_view transcript, const import::import_options& options) {
  std::istringstream in{std::string(transcript)};
  return import::detect_format(in, options);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader r(data, size);
  import::import_request request;
  const auto format_byte = r.below(import::all_source_formats.size() + 1);
  const auto knobs = r.u8();
  request.mode = (knobs & 1U) != 0U ? import::strictness::lenient : import::strictness::strict;
  request.source_name = "fuzz.jsonl";
  request.session_name = "fuzz";
  import::import_options options;
  // Small limits reach the long-line, deep-JSON and compaction paths with small inputs.
  options.max_line_bytes = (knobs & 2U) != 0U ? 1024U : options.max_line_bytes;
  options.max_json_depth = (knobs & 4U) != 0U ? 8U : options.max_json_depth;
  options.window_tokens = (knobs & 8U) != 0U ? 16U : options.window_tokens;
  options.max_turns = (knobs & 16U) != 0U ? 3U : 0U;
  options.representation_bytes_max = (knobs & 32U) != 0U ? 64U : options.representation_bytes_max;
  options.include_thinking = (knobs & 64U) != 0U;
  const std::string_view transcript(reinterpret_cast<const char*>(data) + (size < 2 ? size : 2),
                                    size < 2 ? 0 : size - 2);

  const auto detected = detect(transcript, options);
  const auto again = detect(transcript, options);
  fuzz::require(detected.format == again.format && detected.description == again.description &&
                    detected.lines_examined == again.lines_examined,
                "I7 detection is not deterministic");
  fuzz::require(detected.lines_examined <= import::detect_lines_max, "I7 detection read too many lines");
  fuzz::require(!detected.description.empty(), "I7 detection without a description");
  if (detected.empty) fuzz::require(!detected.format.has_value(), "I7 an empty input has a format");
  if (format_byte < import::all_source_formats.size()) {
    request.format = import::all_source_formats[format_byte];
  } else {
    // auto: an input no line identifies is not imported (IM-16); nothing more to check.
    if (!detected.format && !detected.empty) return 0;
    request.format = detected.format.value_or(import::source_format::openclaw);
  }

  const auto first = import_bytes(transcript, request, options);
  const auto& res = first.result;
  if (request.mode == import::strictness::lenient) fuzz::require(res.ok, "I2 lenient import failed");
  if (!res.ok) fuzz::require(res.problems.size() == 1, "I2 strict failure without exactly one problem");
  if (res.ok && request.mode == import::strictness::strict) {
    fuzz::require(res.stats.total_problems() == 0, "I2 strict success with problems");
  }

  std::uint64_t updates = 0;
  std::uint64_t demands = 0;
  std::uint64_t calls = 0;
  for (const auto& e : first.imported.events) {
    updates += std::holds_alternative<workload_events::update>(e) ? 1U : 0U;
    demands += std::holds_alternative<workload_events::demand>(e) ? 1U : 0U;
    calls += std::holds_alternative<workload_events::tool_call>(e) ? 1U : 0U;
  }
  fuzz::require(updates == res.stats.refreshes + res.stats.plan_updates, "I8 updates do not match refreshes + plan updates");
  fuzz::require(demands == res.stats.demands, "I8 demand events do not match the demand count");
  fuzz::require(calls == res.stats.tool_calls, "I8 tool_call events do not match the call count");
  (void)import::import_shortfall(res.stats);

  std::uint64_t line_number = 1;
  for (const auto& line : first.lines) {
    ++line_number;
    fuzz::require(!line.empty() && line.back() == '\n', "I3 event line not newline-terminated");
    auto parsed = parse_workload_event(std::string_view(line).substr(0, line.size() - 1), "fuzz", line_number);
    if (const auto* err = std::get_if<workload_error>(&parsed)) fuzz::fail("I3 event does not read back: " + err->to_string());
    fuzz::require(to_json_line(std::get<workload_event>(parsed)) == line, "I3 event does not write back to the same bytes");
  }

  if (res.ok) {
    fuzz::require(!first.imported.events.empty() &&
                      std::holds_alternative<workload_events::session_start>(first.imported.events.front()),
                  "I4 no session_start first");
    const auto* last = std::get_if<workload_events::lifecycle>(&first.imported.events.back());
    fuzz::require(last != nullptr && last->kind == boundary::session_end, "I4 no session_end last");

    replay_options replay_opts;
    replay_opts.tokens_budget = 180;
    const auto out = replay(first.imported, replay_opts);
    fuzz::require(!out.error.has_value(), "I5 replay error");
    fuzz::require(out.metrics.ingest_rejected == 0, "I5 the engine rejected an imported page");
    fuzz::require(out.metrics.tool_rejected == 0, "I5 the engine rejected an imported tool call");
    fuzz::require(out.metrics.update_rejected == 0, "I5 the engine rejected an imported update");
  }

  const auto second = import_bytes(transcript, request, options);
  fuzz::require(second.lines == first.lines, "I6 import is not deterministic");
  return 0;
}
