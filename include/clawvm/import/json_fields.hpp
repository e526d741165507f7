#pragma once
// Field access for the format parsers: every lookup names the JSON path it reads, so a
// missing or mistyped field becomes "field 'message.content[2].id': ..." (IM-5).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "clawvm/import/builder.hpp"
#include "clawvm/import/text.hpp"
#include "clawvm/json_fields.hpp"

namespace clawvm::import::fields {

using json = nlohmann::json;

// The lookups and paths are clawvm's one field reader (clawvm/json_fields.hpp); what is
// the importers' own is how a problem is phrased (IM-5) and the content-block readers.
using clawvm::json_fields::is_true;
using clawvm::json_fields::member;
using clawvm::json_fields::path;
using clawvm::json_fields::string_member;

inline line_problem missing(std::string field, std::string_view expected) {
  return line_problem{problem_kind::missing_field, std::move(field),
                      fmt::format("missing or not {}", expected), false};
}

inline line_problem unknown_type(std::string field, std::string_view value) {
  return line_problem{problem_kind::unknown_entry_type, std::move(field),
                      fmt::format("unknown type '{}'", value.substr(0, 64)), false};
}

// Text of a message `content`: a string, or an array of blocks whose text blocks
// (type text / input_text / output_text with a string `text`) are joined by "\n\n".
// Other blocks (images, documents) are counted in `ignored_blocks`. nullopt when content
// is neither a string nor an array.
inline std::optional<std::string> content_text(const json& content, std::uint64_t& ignored_blocks) {
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) return std::nullopt;
  std::string out;
  for (const auto& block : content) {
    const auto* type = string_member(block, "type");
    const auto* body = string_member(block, "text");
    if (type != nullptr && body != nullptr &&
        (*type == "text" || *type == "input_text" || *type == "output_text")) {
      if (!out.empty()) out += "\n\n";
      out += *body;
    } else if (block.is_string()) {
      if (!out.empty()) out += "\n\n";
      out += block.get_ref<const std::string&>();
    } else {
      ++ignored_blocks;
    }
  }
  return out;
}

// How a format spells an assistant tool call inside message.content (IM-6):
// OpenClaw {"type":"toolCall", "arguments":...}, Claude Code {"type":"tool_use", "input":...}.
struct tool_call_block_spelling {
  std::string_view type;
  std::string_view arguments_key;
};

// The one reader of an assistant message's content blocks: text blocks become assistant
// text, thinking blocks too when `include_thinking`, tool-call blocks (as the format
// spells them) become tool calls located at their own id; any other block is counted in
// `ignored_blocks`. A block without its required fields is the problem returned, named
// by its path under `content_path`.
inline std::optional<line_problem> read_assistant_blocks(const json& content, std::string_view content_path,
                                                         const origin& where, tool_call_block_spelling tool_call,
                                                         bool include_thinking, std::uint64_t& ignored_blocks,
                                                         std::vector<located_item>& out) {
  for (std::size_t i = 0; i < content.size(); ++i) {
    const auto& block = content[i];
    const auto at = path(content_path, i);
    const auto* type = string_member(block, "type");
    if (type == nullptr) return missing(path(at, "type"), "a string");
    if (*type == "text") {
      const auto* body = string_member(block, "text");
      if (body == nullptr) return missing(path(at, "text"), "a string");
      out.push_back({items::assistant_text{*body}, where});
    } else if (*type == "thinking") {
      const auto* body = string_member(block, "thinking");
      if (include_thinking && body != nullptr) out.push_back({items::assistant_text{*body}, where});
    } else if (*type == tool_call.type) {
      const auto* call_id = string_member(block, "id");
      if (call_id == nullptr) return missing(path(at, "id"), "a string");
      const auto* name = string_member(block, "name");
      if (name == nullptr || text::trim(*name).empty()) return missing(path(at, "name"), "a non-empty string");
      const auto* arguments = member(block, tool_call.arguments_key);
      origin call_where = where;
      call_where.native_id = *call_id;
      out.push_back({items::tool_call{*call_id, std::string(text::trim(*name)),
                                      arguments != nullptr ? *arguments : json::object(), false},
                     call_where});
    } else {
      // redacted_thinking, images, server-side tools whose results live in the message.
      ++ignored_blocks;
    }
  }
  return std::nullopt;
}

inline origin origin_of(const json& entry, std::uint64_t line, std::string_view id_key) {
  origin o;
  o.line = line;
  if (const auto* id = string_member(entry, id_key)) o.native_id = *id;
  if (const auto* ts = string_member(entry, "timestamp")) o.timestamp = *ts;
  return o;
}

}  // namespace clawvm::import::fields
