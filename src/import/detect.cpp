// Format detection (spec/import.md IM-16 `--from auto`): which of the three transcript
// formats a file is, from its first lines, and a description of what it looks like for
// the diagnostics of an import that produced next to nothing.
#include <algorithm>
#include <istream>

#include <fmt/core.h>

#include "clawvm/import/formats.hpp"
#include "clawvm/import/import.hpp"
#include "clawvm/import/json_fields.hpp"
#include "clawvm/import/text.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/line_reader.hpp"

namespace clawvm::import {

namespace {

using namespace fields;

struct guess {
  source_format format;
  std::string description;
};

bool one_of(std::string_view s, std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (s == n) return true;
  }
  return false;
}

std::optional<guess> openclaw_guess(const json& entry, const std::string& type) {
  if (type == "session") {
    const auto* version = member(entry, "version");
    if (version != nullptr && version->is_number_unsigned()) {
      return guess{source_format::openclaw, fmt::format("an OpenClaw/pi session (version {})", version->get<std::uint64_t>())};
    }
    return guess{source_format::openclaw, "an older OpenClaw/pi session (no version: version 1)"};
  }
  const auto* message = member(entry, "message");
  if (type == "message" && message != nullptr && message->is_object() && string_member(*message, "role") != nullptr) {
    return guess{source_format::openclaw, "an OpenClaw/pi session without its header line"};
  }
  if (one_of(type, {"compaction", "model_change", "thinking_level_change", "branch_summary", "custom_message",
                    "label", "session_info"}) &&
      member(entry, "payload") == nullptr) {
    return guess{source_format::openclaw, "an OpenClaw/pi session without its header line"};
  }
  return std::nullopt;
}

std::optional<guess> codex_guess(const json& entry, const std::string* type) {
  const auto* payload = member(entry, "payload");
  if (type != nullptr && payload != nullptr && payload->is_object() &&
      one_of(*type, {"session_meta", "response_item", "event_msg", "turn_context", "compacted", "world_state"})) {
    if (*type == "session_meta" && member(*payload, "forked_from_id") != nullptr) {
      return guess{source_format::codex, "a forked Codex rollout"};
    }
    return guess{source_format::codex, "a Codex rollout"};
  }
  if (type == nullptr) {
    // The older rollout: a bare {id, timestamp, instructions, git} first line, then
    // {"record_type": "state"} markers and bare items.
    const bool header = string_member(entry, "id") != nullptr && string_member(entry, "timestamp") != nullptr &&
                        (member(entry, "instructions") != nullptr || member(entry, "git") != nullptr);
    if (header || member(entry, "record_type") != nullptr) return guess{source_format::codex, "an older Codex rollout"};
    return std::nullopt;
  }
  const bool bare_item =
      payload == nullptr &&
      ((*type == "message" && string_member(entry, "role") != nullptr) ||
       one_of(*type, {"function_call", "function_call_output", "reasoning", "local_shell_call", "custom_tool_call",
                      "custom_tool_call_output"}));
  if (bare_item) return guess{source_format::codex, "an older Codex rollout"};
  return std::nullopt;
}

std::optional<guess> claude_code_guess(const json& entry, const std::string& type) {
  const bool message_bearing = one_of(type, {"user", "assistant", "system", "attachment"});
  const bool named = member(entry, "sessionId") != nullptr || member(entry, "uuid") != nullptr ||
                     member(entry, "parentUuid") != nullptr || member(entry, "leafUuid") != nullptr ||
                     member(entry, "messageId") != nullptr;
  if ((message_bearing || claude_code_bookkeeping_type(type)) && named) {
    return guess{source_format::claude_code, "a Claude Code transcript"};
  }
  return std::nullopt;
}

std::optional<guess> classify(const json& entry) {
  if (!entry.is_object()) return std::nullopt;
  const auto* type = string_member(entry, "type");
  if (auto g = codex_guess(entry, type)) return g;
  if (type == nullptr) return std::nullopt;
  if (auto g = openclaw_guess(entry, *type)) return g;
  return claude_code_guess(entry, *type);
}

// The line's JSON value (the first of objects written back to back), if it has one.
std::optional<json> first_value(std::string_view line, std::size_t depth_max) {
  json value;
  json_text_error why;
  if (parse_json_text(line, value, why, depth_max)) return value;
  const auto starts = text::concatenated_object_starts(line);
  if (starts.size() < 2) return std::nullopt;
  if (!parse_json_text(line.substr(0, starts[1]), value, why, depth_max)) return std::nullopt;
  return value;
}

}  // namespace

format_detection detect_format(std::istream& in, const import_options& options) {
  format_detection d;
  line_reader reader(in, options.max_line_bytes);
  const std::size_t depth_max = std::min(options.max_json_depth, json_depth_max);
  std::string line;
  std::uint64_t json_lines = 0;
  while (d.lines_examined < detect_lines_max) {
    const auto st = reader.next(line);
    if (st == line_reader::status::end) break;
    if (st == line_reader::status::too_long) {
      if (reader.abandoned()) break;
      ++d.lines_examined;
      continue;
    }
    if (text::trim(line).empty()) continue;
    ++d.lines_examined;
    if (text::first_invalid_utf8(line) || json_nesting_depth(line, depth_max) > depth_max) continue;
    const auto value = first_value(line, depth_max);
    if (!value) continue;
    ++json_lines;
    if (auto g = classify(*value)) {
      d.format = g->format;
      d.description = std::move(g->description);
      return d;
    }
  }
  if (d.lines_examined == 0) {
    d.empty = true;
    d.description = "an empty file";
  } else if (json_lines == 0) {
    d.description = fmt::format("not a transcript (no JSON in its first {} {})", d.lines_examined,
                                d.lines_examined == 1 ? "line" : "lines");
  } else {
    d.description = fmt::format("not a transcript (JSON, but no entry of a known format in its first {} {})",
                                d.lines_examined, d.lines_examined == 1 ? "line" : "lines");
  }
  return d;
}

}  // namespace clawvm::import
