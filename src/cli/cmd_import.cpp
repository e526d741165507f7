// Subcommand import (spec/import.md IM-16): native agent transcripts -> workload traces.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include <fmt/core.h>

#include "clawvm/import/import.hpp"
#include "clawvm/output_file.hpp"
#include "clawvm/workload.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

namespace fs = std::filesystem;

// IM-16 / CLI-4: an import that turned a non-empty transcript into (almost) nothing — no
// model call, or most lines skipped. The workload is written, but the run does not pass
// for a clean conversion.
constexpr int exit_nothing_imported = 3;

struct import_cli_options {
  std::string from = "auto";
  std::vector<std::string> files;
  std::string out_dir;
  bool strict = false;
  bool lenient = false;
  std::string mapping_path;
  std::optional<std::uint64_t> window;
  std::optional<std::size_t> max_line_bytes;
  std::optional<std::uint64_t> max_turns;
  bool quiet = false;
};

// The session name of an input: its file name without ".jsonl" (OpenClaw and Claude Code
// name files by session id; Codex by rollout timestamp and id).
std::string session_name_of(const std::string& path) {
  auto name = fs::path(path).filename().string();
  for (std::string_view suffix : {".jsonl", ".json"}) {
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      name.resize(name.size() - suffix.size());
      break;
    }
  }
  return name;
}

// " (ai-title=2 last-prompt=16)": the ignored entries per type, sorted by name.
std::string ignored_breakdown(const import::import_stats& s) {
  if (s.ignored_by_type.empty()) return {};
  std::string out;
  for (const auto& [type, n] : s.ignored_by_type) out += fmt::format("{}{}={}", out.empty() ? " (" : " ", type, n);
  return out + ")";
}

std::string summary_line(const std::string& input, const std::string& output, const import::import_stats& s) {
  return fmt::format(
      "{}: {} turns={} pages={} (bootstrap={} constraint={} plan={} evidence={} conversation={}) "
      "tool_calls={} unanswered={} duplicates={} refreshes={} demands={} plan_updates={} "
      "compactions={} (native={} synthesized={}) kept={} skipped={} ignored={}{}{}",
      input, output, s.turns, s.total_pages(), s.pages[index_of(page_type::bootstrap)],
      s.pages[index_of(page_type::constraint)], s.pages[index_of(page_type::plan)],
      s.pages[index_of(page_type::evidence)], s.pages[index_of(page_type::conversation)], s.tool_calls,
      s.unanswered_calls, s.duplicate_signatures, s.refreshes, s.demands, s.plan_updates,
      s.compactions_native + s.compactions_synthesized, s.compactions_native, s.compactions_synthesized,
      s.pages_kept, s.skipped_lines + s.skipped_items, s.ignored_entries, ignored_breakdown(s),
      s.cut ? fmt::format(" cut (calls dropped={})", s.calls_cut) : std::string());
}

// What the file looks like (IM-16), from its first lines; the file is opened again.
import::format_detection detect(const std::string& path, const import::import_options& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return import::detect_format(in, options);
}

// "a Claude Code transcript but --from codex": the detection, and the mismatch with the
// format asked for when there is one.
std::string looks_like(const import::format_detection& d, import::source_format used, bool chosen) {
  if (!chosen || (d.format && *d.format == used)) return d.description;
  return fmt::format("{} but --from {}", d.description, import::to_string(used));
}

// Reads the written workload back with the reference reader (WL-9): a failure is a bug in
// the importer, not bad input, so it is reported as a failed check.
std::optional<std::string> verify_output(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("{}: cannot open", path);
  workload_reader reader(in, path);
  if (!reader.header()) return reader.error().to_string();
  workload_event e;
  for (;;) {
    const auto st = reader.next(e);
    if (st == workload_reader::status::end) return std::nullopt;
    if (st == workload_reader::status::error) return reader.error().to_string();
  }
}

// How bad an exit code is, for the status over several files (IM-16): bad input (2),
// then a failed check (1), then next to nothing imported (3), then success.
int severity(int code) {
  if (code == exit_bad_input) return 3;
  if (code == exit_check_failed) return 2;
  return code == exit_nothing_imported ? 1 : 0;
}

// The outcome of one input: its exit code, and whether the later inputs are skipped
// (strict mode stops at bad input).
struct file_outcome {
  int code = exit_ok;
  bool stop = false;
};

void print_lenient_problems(const std::string& path, const import::import_result& result) {
  auto print_problem = [&](import::import_problem p) {
    p.file = path;  // diagnostics name the file as given
    fmt::print(stderr, "{}\n", p.to_string());
  };
  std::string counts;
  for (std::size_t k = 0; k < import::problem_kind_count; ++k) {
    if (result.stats.problems[k] == 0) continue;
    counts += fmt::format(" {}={}", import::to_string(static_cast<import::problem_kind>(k)), result.stats.problems[k]);
  }
  const auto n = result.stats.total_problems();
  fmt::print(stderr, "{}: lenient: {} {} skipped:{}\n", path, n, n == 1 ? "problem" : "problems", counts);
  for (const auto& p : result.problems) print_problem(p);
}

file_outcome import_one(const std::string& path, const import_cli_options& o, const import::import_options& options,
                        std::optional<import::source_format> chosen) {
  const bool stop_on_bad_input = o.strict || !o.lenient;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "{}: cannot open\n", path);
    return {exit_bad_input, stop_on_bad_input};
  }
  const auto detection = detect(path, options);
  if (!chosen && !detection.format && !detection.empty) {
    fmt::print(stderr, "{}: --from auto: cannot tell the transcript format: the file looks like {}\n", path,
               detection.description);
    return {exit_bad_input, stop_on_bad_input};
  }
  import::import_request request;
  // An empty file has no format; it is reported as empty_input like any other.
  request.format = chosen ? *chosen : detection.format.value_or(import::source_format::openclaw);
  // The base name, not the path: output bytes do not depend on where the input lives.
  request.source_name = fs::path(path).filename().string();
  request.session_name = session_name_of(path);
  request.mode = o.lenient ? import::strictness::lenient : import::strictness::strict;

  const auto output = (fs::path(o.out_dir) / (request.session_name + ".workload.jsonl")).string();
  // Written beside the output and renamed into place only when whole (CLI-8): a failed
  // or stopped import leaves no file, and a symlink planted in --out is not followed.
  output_file out(output);
  if (!out.is_open()) {
    fmt::print(stderr, "clawvm import: {}\n", out.error());
    return {exit_bad_input, true};
  }
  import::import_result result = import::import_to_stream(in, request, options, out.stream());
  if (!result.ok) {
    // Strict: the first problem stops the import and nothing is written (IM-5).
    for (auto p : result.problems) {
      p.file = path;
      fmt::print(stderr, "{}\n", p.to_string());
    }
    if (chosen && detection.format != chosen) {
      fmt::print(stderr, "{}: the file looks like {}\n", path, looks_like(detection, request.format, true));
    }
    return {exit_bad_input, true};
  }
  if (!out.commit()) {
    fmt::print(stderr, "clawvm import: {}\n", out.error());
    return {exit_bad_input, true};
  }
  if (auto broken = verify_output(output)) {
    fmt::print(stderr, "clawvm import: check failed: the written workload does not read back: {}\n", *broken);
    return {exit_check_failed, false};
  }
  if (!o.quiet) fmt::print("{}\n", summary_line(path, output, result.stats));
  if (result.stats.total_problems() > 0) print_lenient_problems(path, result);
  // Never a silent (near-)empty result (IM-16): say so, and what the file looks like.
  if (auto shortfall = import::import_shortfall(result.stats)) {
    fmt::print(stderr, "{}: nothing imported: {}; the file looks like {}\n", path, *shortfall,
               looks_like(detection, request.format, chosen.has_value()));
    return {exit_nothing_imported, false};
  }
  return {};
}

int run_import(const import_cli_options& o) {
  // --from auto (the default) detects each file's format from its first lines.
  const auto chosen = import::parse_source_format(o.from);
  if (o.from != "auto" && !chosen) {
    fmt::print(stderr, "clawvm import: --from: unknown format '{}' (auto, openclaw, claude-code or codex)\n", o.from);
    return exit_bad_input;
  }
  if (o.strict && o.lenient) {
    fmt::print(stderr, "clawvm import: --strict and --lenient exclude each other\n");
    return exit_bad_input;
  }
  import::import_options options;
  if (!o.mapping_path.empty()) {
    auto loaded = import::load_mapping(o.mapping_path);
    if (auto* err = std::get_if<std::string>(&loaded)) {
      fmt::print(stderr, "clawvm import: --mapping: {}\n", *err);
      return exit_bad_input;
    }
    options = std::get<import::import_options>(std::move(loaded));
  }
  if (o.window) options.window_tokens = *o.window;
  if (o.max_line_bytes) options.max_line_bytes = *o.max_line_bytes;
  if (o.max_turns) options.max_turns = *o.max_turns;

  // Two inputs with one session name would overwrite one output: refuse before writing.
  std::set<std::string> names;
  for (const auto& f : o.files) {
    if (!names.insert(session_name_of(f)).second) {
      fmt::print(stderr, "clawvm import: two inputs map to the output '{}.workload.jsonl'\n", session_name_of(f));
      return exit_bad_input;
    }
  }
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec || !fs::is_directory(o.out_dir)) {
    fmt::print(stderr, "clawvm import: --out: cannot create directory '{}'\n", o.out_dir);
    return exit_bad_input;
  }

  int status = exit_ok;
  for (const auto& path : o.files) {
    const auto outcome = import_one(path, o, options, chosen);
    if (severity(outcome.code) > severity(status)) status = outcome.code;
    if (outcome.stop) return outcome.code;
  }
  return status;
}

}  // namespace

command add_import(CLI::App& app) {
  auto o = std::make_shared<import_cli_options>();
  auto* sub = app.add_subcommand("import", "Convert native agent transcripts (OpenClaw, Claude Code, Codex) into workload traces (spec/import.md)");
  sub->add_option("--from", o->from,
                  "transcript format: auto (default: detected per file from its first lines), openclaw, claude-code or codex");
  sub->add_option("files", o->files, "transcript files (JSON Lines)")->required();
  sub->add_option("--out", o->out_dir, "output directory; writes DIR/<session-name>.workload.jsonl per input")->required();
  auto* strict = sub->add_flag("--strict", o->strict, "stop at the first problem, write nothing for that file, exit 2 (default)");
  sub->add_flag("--lenient", o->lenient,
                "skip and count bad lines, print the counts, exit 0 (3 when next to nothing was imported)")
      ->excludes(strict);
  sub->add_option("--mapping", o->mapping_path, "JSON file overriding the mapping defaults (spec/import.md IM-14)");
  sub->add_option("--window", o->window, "synthesize a compaction when the context estimate exceeds TOKENS (0: never; default 32768)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{4294967295ULL}));
  sub->add_option("--max-line-bytes", o->max_line_bytes, "longest accepted input line (default 8 MiB)")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30U));
  sub->add_option("--max-turns", o->max_turns, "cut each session after N turns (0: no cut)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{4294967295ULL}));
  sub->add_flag("--quiet", o->quiet, "no per-file summary line");
  return {sub, [o] { return run_import(*o); }};
}

}  // namespace clawvm::cli
