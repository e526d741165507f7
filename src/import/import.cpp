// The import driver (spec/import.md IM-1..IM-5): bounded line reading, line validation,
// strict/lenient handling, and dispatch to the format parser and the workload builder.
#include "clawvm/import/import.hpp"

#include <istream>
#include <ostream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "clawvm/import/builder.hpp"
#include "clawvm/import/formats.hpp"
#include "clawvm/line_reader.hpp"
#include "clawvm/import/text.hpp"
#include "clawvm/json_text.hpp"

namespace clawvm::import {

std::string_view to_string(problem_kind k) noexcept {
  switch (k) {
    case problem_kind::line_too_long: return "line_too_long";
    case problem_kind::invalid_utf8: return "invalid_utf8";
    case problem_kind::invalid_json: return "invalid_json";
    case problem_kind::truncated_final_line: return "truncated_final_line";
    case problem_kind::json_too_deep: return "json_too_deep";
    case problem_kind::not_an_object: return "not_an_object";
    case problem_kind::missing_field: return "missing_field";
    case problem_kind::unknown_entry_type: return "unknown_entry_type";
    case problem_kind::missing_header: return "missing_header";
    case problem_kind::duplicate_header: return "duplicate_header";
    case problem_kind::orphan_tool_result: return "orphan_tool_result";
    case problem_kind::empty_input: return "empty_input";
    case problem_kind::read_error: return "read_error";
    case problem_kind::concatenated_json: return "concatenated_json";
    case problem_kind::dangling_reference: return "dangling_reference";
  }
  return "?";
}

std::string import_problem::to_string() const {
  if (field.empty()) return fmt::format("{}:{}: {}", file, line, message);
  return fmt::format("{}:{}: field '{}': {}", file, line, field, message);
}

std::uint64_t import_stats::total_pages() const noexcept {
  std::uint64_t n = 0;
  for (auto p : pages) n += p;
  return n;
}

std::uint64_t import_stats::total_problems() const noexcept {
  std::uint64_t n = 0;
  for (auto p : problems) n += p;
  return n;
}

void import_stats::count_ignored(std::string_view type) {
  ++ignored_entries;
  // The name comes from the input: only a bounded, printable form of it is kept, and only
  // for the first ignored_type_names_max distinct names (memory stays bounded, IM-3).
  std::string name;
  for (const char c : type.substr(0, 48)) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    c == '-' || c == '.' || c == ':' || c == '/';
    name.push_back(ok ? c : '?');
  }
  if (name.empty()) name.push_back('?');  // push_back, not = "?": g++ -O3 -Wrestrict false positive
  if (const auto it = ignored_by_type.find(name); it != ignored_by_type.end()) {
    ++it->second;
  } else if (ignored_by_type.size() < ignored_type_names_max) {
    ignored_by_type.emplace(std::move(name), 1);
  } else {
    ++ignored_by_type[std::string("other")];
  }
}

std::optional<std::string> import_shortfall(const import_stats& stats) {
  const auto entries = stats.entry_lines();
  if (entries == 0) return std::nullopt;  // an empty input is empty_input, not a shortfall
  if (stats.turns == 0) {
    return fmt::format("no model call imported from {} {}", entries, entries == 1 ? "line" : "lines");
  }
  if (stats.skipped_lines * 2 > entries) {
    return fmt::format("{} of {} lines skipped", stats.skipped_lines, entries);
  }
  return std::nullopt;
}

std::unique_ptr<format_parser> make_parser(source_format format, const import_options& options,
                                           import_stats& stats) {
  switch (format) {
    case source_format::openclaw: return make_openclaw_parser(options, stats);
    case source_format::claude_code: return make_claude_code_parser(options, stats);
    case source_format::codex: return make_codex_parser(options, stats);
  }
  return make_openclaw_parser(options, stats);
}

workload_header make_header(const import_request& request, const import_options& options) {
  workload_header h;
  h.name = request.session_name;
  h.family = "imported";
  h.seed = 0;
  h.generator = fmt::format("clawvm import {}", to_string(request.format));
  h.description = fmt::format("{} transcript {}; window {} tokens", to_string(request.format),
                              request.source_name, options.window_tokens);
  return h;
}

namespace {

// Where and why a line is not JSON: "at byte N" for a syntax error, or the category of a
// semantic one (a number too large for a double, a NUL byte). Only the category is
// reported, never the offending text (it is data).
std::string json_error(const json_text_error& why) {
  if (why.message == "NUL byte") return fmt::format("(a NUL byte at byte {})", why.byte);
  if (why.message.find("out_of_range") != std::string::npos) return "(a number out of range)";
  return fmt::format("at byte {}", why.byte);
}

struct concatenated {
  std::vector<nlohmann::json> values;
  std::size_t second_at = 0;
};

// A line of objects written back to back, each a bounded JSON object (IM-4); nullopt
// otherwise.
std::optional<concatenated> split_concatenated(std::string_view line, std::size_t depth_max) {
  const auto starts = text::concatenated_object_starts(line);
  if (starts.empty()) return std::nullopt;
  concatenated out;
  out.second_at = starts[1];
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const auto end = i + 1 < starts.size() ? starts[i + 1] : line.size();
    nlohmann::json value;
    json_text_error ignored;
    if (!parse_json_text(line.substr(starts[i], end - starts[i]), value, ignored, depth_max) || !value.is_object()) {
      return std::nullopt;
    }
    out.values.push_back(std::move(value));
  }
  return out;
}

}  // namespace

import_result import_transcript(std::istream& in, const import_request& request,
                                const import_options& options, const event_sink& sink) {
  import_result result;
  auto& stats = result.stats;
  workload_builder builder(options, request.source_name, request.session_name, sink, stats);
  const auto parser = make_parser(request.format, options, stats);
  line_reader reader(in, options.max_line_bytes);

  // Records a problem; false when the import must stop (strict mode, IM-5).
  auto report = [&](line_problem p, std::uint64_t line) {
    ++stats.problems[static_cast<std::size_t>(p.kind)];
    if (!p.line_kept) ++stats.skipped_lines;
    if (result.problems.size() < problems_kept_max) {
      result.problems.push_back(
          import_problem{p.kind, request.source_name, line, std::move(p.field), std::move(p.message)});
    }
    if (request.mode == strictness::strict) {
      result.ok = false;
      return false;
    }
    return true;
  };

  // One entry through the format parser and the builder; false when the import stops.
  std::vector<located_item> found;
  auto handle_entry = [&](const nlohmann::json& entry, std::uint64_t n) {
    found.clear();
    if (auto p = parser->parse(entry, n, builder, found)) {
      const bool kept = p->line_kept;
      if (!report(std::move(*p), n)) return false;
      if (!kept) return true;
    }
    for (auto& item : found) {
      if (auto problem = builder.apply(std::move(item))) {
        // A problem inside an accepted line: an orphan result is skipped, the line is kept.
        if (problem->kind == problem_kind::orphan_tool_result) ++stats.skipped_items;
        if (!report(std::move(*problem), n)) return false;
      }
    }
    return true;
  };

  std::string line;
  bool any_entry = false;
  bool stopped = false;
  while (!stopped && !builder.turn_limit_reached()) {
    const auto st = reader.next(line);
    if (st == line_reader::status::end) break;
    ++stats.lines;
    const auto n = reader.line_number();
    if (st == line_reader::status::too_long) {
      if (reader.abandoned()) {
        // No end of line within reach (/dev/zero): the rest of the input is not read, in
        // either mode, and the import fails (IM-3).
        (void)report({problem_kind::line_too_long, "",
                      fmt::format("a line of over {} bytes does not end: input abandoned",
                                  reader.skipped_bytes())},
                     n);
        result.ok = false;
        stopped = true;
        continue;
      }
      stopped = !report({problem_kind::line_too_long, "",
                         fmt::format("line of {} bytes exceeds the limit of {} bytes (skipped unread)",
                                     reader.skipped_bytes(), options.max_line_bytes)},
                        n);
      continue;
    }
    if (text::trim(line).empty()) {
      ++stats.blank_lines;
      continue;
    }
    any_entry = true;
    if (const auto bad = text::first_invalid_utf8(line)) {
      stopped = !report({problem_kind::invalid_utf8, "", fmt::format("invalid UTF-8 at byte {}", *bad)}, n);
      continue;
    }
    const std::size_t depth_max = std::min(options.max_json_depth, json_depth_max);
    if (json_nesting_depth(line, depth_max) > depth_max) {
      stopped = !report({problem_kind::json_too_deep, "", fmt::format("JSON nested deeper than {} levels", depth_max)},
                        n);
      continue;
    }
    nlohmann::json entry;
    json_text_error why;
    if (!parse_json_text(line, entry, why, depth_max)) {
      if (auto parts = split_concatenated(line, depth_max)) {
        // Objects written back to back: strict stops here; lenient imports each (IM-4).
        stopped = !report({problem_kind::concatenated_json, "",
                           fmt::format("{} JSON objects on one line (the second starts at byte {}): a missing newline",
                                       parts->values.size(), parts->second_at),
                           true},
                          n);
        for (std::size_t i = 0; !stopped && i < parts->values.size(); ++i) stopped = !handle_entry(parts->values[i], n);
      } else if (reader.unterminated()) {
        stopped = !report({problem_kind::truncated_final_line, "",
                           fmt::format("truncated final line: no newline and invalid JSON {}", json_error(why))},
                          n);
      } else {
        stopped = !report({problem_kind::invalid_json, "", fmt::format("invalid JSON {}", json_error(why))}, n);
      }
      continue;
    }
    stopped = !handle_entry(entry, n);
  }
  if (!stopped && reader.io_error()) {
    stopped = !report({problem_kind::read_error, "", "read error (I/O failure) before the end of input", true},
                      reader.line_number());
  }
  if (!stopped && !any_entry) {
    stopped = !report({problem_kind::empty_input, "", "no entries (empty transcript)", true}, 0);
  }
  // A strict import that stopped writes no ending: its output is discarded (IM-5).
  if (result.ok) builder.finish();
  return result;
}

import_result import_to_stream(std::istream& in, const import_request& request,
                               const import_options& options, std::ostream& out) {
  auto write_line = [&out](const std::string& s) {
    out << s;
    if (s.empty() || s.back() != '\n') out << '\n';
  };
  write_line(to_json_line(make_header(request, options)));
  const event_sink sink = [&](const workload_event& e) { write_line(to_json_line(e)); };
  return import_transcript(in, request, options, sink);
}

}  // namespace clawvm::import
