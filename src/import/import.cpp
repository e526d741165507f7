// The import driver (spec/import.md IM-1..IM-5): bounded line reading, line validation,
// strict/lenient handling, and dispatch to the format parser and the workload builder.
#include "clawvm/import/import.hpp"

#include <istream>
#include <memory>
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

namespace {

// One transcript import (IM-3..IM-5): each line read, checked, parsed and handed to the
// format parser and the builder; problems counted and kept (a bounded number of them).
class transcript_import {
 public:
  transcript_import(std::istream& in, const import_request& request, const import_options& options,
                    const event_sink& sink)
      : request_(request),
        options_(options),
        builder_(options, request.source_name, request.session_name, sink, result_.stats),
        parser_(make_parser(request.format, options, result_.stats)),
        reader_(in, options.max_line_bytes) {}

  import_result run() {
    bool stopped = false;
    std::string line;
    while (!stopped && !builder_.turn_limit_reached()) {
      const auto st = reader_.next(line);
      if (st == line_reader::status::end) break;
      ++result_.stats.lines;
      stopped = !(st == line_reader::status::too_long ? skip_long_line() : read_line(line));
    }
    if (!stopped && reader_.io_error()) {
      stopped = !report({problem_kind::read_error, "", "read error (I/O failure) before the end of input", true},
                        reader_.line_number());
    }
    if (!stopped && !any_entry_) {
      stopped = !report({problem_kind::empty_input, "", "no entries (empty transcript)", true}, 0);
    }
    // A strict import that stopped writes no ending: its output is discarded (IM-5).
    if (result_.ok) builder_.finish();
    return std::move(result_);
  }

 private:
  // Records a problem; false when the import must stop (strict mode, IM-5).
  bool report(line_problem p, std::uint64_t line) {
    ++result_.stats.problems[static_cast<std::size_t>(p.kind)];
    if (!p.line_kept) ++result_.stats.skipped_lines;
    if (result_.problems.size() < problems_kept_max) {
      result_.problems.push_back(
          import_problem{p.kind, request_.source_name, line, std::move(p.field), std::move(p.message)});
    }
    if (request_.mode == strictness::strict) {
      result_.ok = false;
      return false;
    }
    return true;
  }

  // A line over the limit is skipped unread; one with no end of line within reach
  // (/dev/zero) abandons the rest of the input, in either mode, and fails the import (IM-3).
  bool skip_long_line() {
    const auto n = reader_.line_number();
    if (reader_.abandoned()) {
      (void)report({problem_kind::line_too_long, "",
                    fmt::format("a line of over {} bytes does not end: input abandoned", reader_.skipped_bytes())},
                   n);
      result_.ok = false;
      return false;
    }
    return report({problem_kind::line_too_long, "",
                   fmt::format("line of {} bytes exceeds the limit of {} bytes (skipped unread)", reader_.skipped_bytes(),
                               options_.max_line_bytes)},
                  n);
  }

  // One line: blank, not UTF-8, too deep, not JSON (or objects back to back, IM-4), or an
  // entry. False when the import stops.
  bool read_line(const std::string& line) {
    const auto n = reader_.line_number();
    if (text::trim(line).empty()) {
      ++result_.stats.blank_lines;
      return true;
    }
    any_entry_ = true;
    if (const auto bad = text::first_invalid_utf8(line)) {
      return report({problem_kind::invalid_utf8, "", fmt::format("invalid UTF-8 at byte {}", *bad)}, n);
    }
    const std::size_t depth_max = std::min(options_.max_json_depth, json_depth_max);
    if (json_nesting_depth(line, depth_max) > depth_max) {
      return report({problem_kind::json_too_deep, "", fmt::format("JSON nested deeper than {} levels", depth_max)}, n);
    }
    nlohmann::json entry;
    json_text_error why;
    if (parse_json_text(line, entry, why, depth_max)) return handle_entry(entry, n);
    if (auto parts = split_concatenated(line, depth_max)) {
      // Objects written back to back: strict stops here; lenient imports each.
      bool go_on = report({problem_kind::concatenated_json, "",
                           fmt::format("{} JSON objects on one line (the second starts at byte {}): a missing newline",
                                       parts->values.size(), parts->second_at),
                           true},
                          n);
      for (std::size_t i = 0; go_on && i < parts->values.size(); ++i) go_on = handle_entry(parts->values[i], n);
      return go_on;
    }
    if (reader_.unterminated()) {
      return report({problem_kind::truncated_final_line, "",
                     fmt::format("truncated final line: no newline and invalid JSON {}", json_error(why))},
                    n);
    }
    return report({problem_kind::invalid_json, "", fmt::format("invalid JSON {}", json_error(why))}, n);
  }

  // One entry through the format parser and the builder; false when the import stops.
  bool handle_entry(const nlohmann::json& entry, std::uint64_t n) {
    found_.clear();
    if (auto p = parser_->parse(entry, n, builder_, found_)) {
      const bool kept = p->line_kept;
      if (!report(std::move(*p), n)) return false;
      if (!kept) return true;
    }
    for (auto& item : found_) {
      if (auto problem = builder_.apply(std::move(item))) {
        // A problem inside an accepted line: an orphan result is skipped, the line is kept.
        if (problem->kind == problem_kind::orphan_tool_result) ++result_.stats.skipped_items;
        if (!report(std::move(*problem), n)) return false;
      }
    }
    return true;
  }

  const import_request& request_;
  const import_options& options_;
  import_result result_;
  workload_builder builder_;
  std::unique_ptr<format_parser> parser_;
  line_reader reader_;
  std::vector<located_item> found_;
  bool any_entry_ = false;
};

}  // namespace

import_result import_transcript(std::istream& in, const import_request& request,
                                const import_options& options, const event_sink& sink) {
  return transcript_import(in, request, options, sink).run();
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
