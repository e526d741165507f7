// spec/import.md IM-2: every real OpenClaw session (../shared/traces/openclaw-real, the
// "Agents of Chaos" transcripts) imports in lenient mode and strict mode, the result reads
// back with the streaming workload reader, and the engine accepts every page (no ingest,
// tool-call or update rejection under ClawVM). Prints per-file counts.
//
// The transcripts are red-teaming data: they are only parsed and measured here.
//
// Usage: import_real_traces_test TRACE_DIR WORK_DIR. Exit 0 pass, 1 fail, 77 skipped
// (TRACE_DIR absent; ctest SKIP_RETURN_CODE).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/core.h>

#include "clawvm/import/import.hpp"
#include "clawvm/replay.hpp"

namespace fs = std::filesystem;
using namespace clawvm;

namespace {

constexpr int exit_skipped = 77;

bool check_file(const fs::path& input, const fs::path& work) {
  const auto name = input.stem().string();
  const auto output = work / (name + ".workload.jsonl");
  import::import_request request;
  request.format = import::source_format::openclaw;
  request.source_name = input.filename().string();
  request.session_name = name;
  bool ok = true;

  import::import_result lenient;
  {
    std::ifstream in(input, std::ios::binary);
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    request.mode = import::strictness::lenient;
    lenient = import::import_to_stream(in, request, import::import_options{}, out);
  }
  {
    // Strict must agree: the real files have no bad lines.
    std::ifstream in(input, std::ios::binary);
    request.mode = import::strictness::strict;
    const auto strict = import::import_transcript(in, request, import::import_options{}, [](const workload_event&) {});
    if (!strict.ok) {
      fmt::print("FAIL {}: strict import: {}\n", name, strict.problems.front().to_string());
      ok = false;
    }
  }
  {
    // --from auto recognises the file, and the import is not next to nothing (IM-16).
    std::ifstream in(input, std::ios::binary);
    const auto detected = import::detect_format(in, import::import_options{});
    if (detected.format != import::source_format::openclaw) {
      fmt::print("FAIL {}: detected as {}\n", name, detected.description);
      ok = false;
    }
    if (auto shortfall = import::import_shortfall(lenient.stats)) {
      fmt::print("FAIL {}: {}\n", name, *shortfall);
      ok = false;
    }
  }
  // Read back with the streaming reader: one event at a time.
  std::uint64_t events = 0;
  std::uint64_t updates = 0;
  {
    std::ifstream in(output, std::ios::binary);
    workload_reader reader(in, output.string());
    if (!reader.header()) {
      fmt::print("FAIL {}: {}\n", name, reader.error().to_string());
      return false;
    }
    workload_event e;
    for (;;) {
      const auto st = reader.next(e);
      if (st == workload_reader::status::end) break;
      if (st == workload_reader::status::error) {
        fmt::print("FAIL {}: {}\n", name, reader.error().to_string());
        return false;
      }
      ++events;
      if (std::holds_alternative<workload_events::update>(e)) ++updates;
    }
  }
  // Every refresh is one update of its result page (IM-6), every plan step list another.
  if (updates != lenient.stats.refreshes + lenient.stats.plan_updates) {
    fmt::print("FAIL {}: {} updates, but {} refreshes and {} plan updates\n", name, updates, lenient.stats.refreshes,
               lenient.stats.plan_updates);
    ok = false;
  }
  if (events != lenient.stats.events) {
    fmt::print("FAIL {}: read back {} events, import wrote {}\n", name, events, lenient.stats.events);
    ok = false;
  }
  // The engine accepts every page and update the importer built.
  replay_options options;
  options.tokens_budget = 180;
  std::ifstream in(output, std::ios::binary);
  const auto run = replay_file(in, output.string(), options);
  if (run.error) {
    fmt::print("FAIL {}: replay: {}\n", name, run.error->to_string());
    return false;
  }
  const auto& m = run.metrics;
  if (m.ingest_rejected != 0 || m.tool_rejected != 0 || m.update_rejected != 0) {
    fmt::print("FAIL {}: engine rejected ingest={} tool={} update={}\n", name, m.ingest_rejected,
               m.tool_rejected, m.update_rejected);
    ok = false;
  }
  const auto& s = lenient.stats;
  fmt::print("{} {:<38} lines={:<5} turns={:<5} pages={:<5} evidence={:<5} conversation={:<5} constraint={} "
             "tool_calls={:<5} unanswered={:<3} duplicates={:<4} refreshes={:<4} demands={:<4} compactions={}+{} "
             "skipped={} events={} clawvm@180: faults={} hits={}\n",
             ok ? "ok  " : "FAIL", name, s.lines, s.turns, s.total_pages(), s.pages[index_of(page_type::evidence)],
             s.pages[index_of(page_type::conversation)], s.pages[index_of(page_type::constraint)], s.tool_calls,
             s.unanswered_calls, s.duplicate_signatures, s.refreshes, s.demands, s.compactions_native,
             s.compactions_synthesized, s.skipped_lines + s.skipped_items, events, m.counters.total_faults(),
             m.counters.hits);
  std::error_code ec;
  fs::remove(output, ec);  // large; the counts are what this test keeps
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: import_real_traces_test TRACE_DIR WORK_DIR\n");
    return 2;
  }
  const fs::path dir = argv[1];
  const fs::path work = argv[2];
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    fmt::print("SKIPPED: ../shared/traces/openclaw-real absent ({})\n", dir.string());
    return exit_skipped;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    fmt::print("SKIPPED: no .jsonl transcripts in {}\n", dir.string());
    return exit_skipped;
  }
  fs::create_directories(work, ec);
  int failed = 0;
  for (const auto& f : files) {
    if (!check_file(f, work)) ++failed;
  }
  fmt::print("{} of {} real OpenClaw transcripts imported and read back\n", files.size() - static_cast<std::size_t>(failed),
             files.size());
  return failed == 0 ? 0 : 1;
}
