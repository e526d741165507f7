#pragma once
// Field access for the format parsers: every lookup names the JSON path it reads, so a
// missing or mistyped field becomes "field 'message.content[2].id': ..." (IM-5).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "clawvm/import/builder.hpp"

namespace clawvm::import::fields {

using json = nlohmann::json;

inline const json* member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

inline const std::string* string_member(const json& object, std::string_view key) {
  const auto* v = member(object, key);
  return v != nullptr && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}

inline bool bool_member(const json& object, std::string_view key) {
  const auto* v = member(object, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

inline std::string path(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}
inline std::string path(std::string_view parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

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

inline origin origin_of(const json& entry, std::uint64_t line, std::string_view id_key) {
  origin o;
  o.line = line;
  if (const auto* id = string_member(entry, id_key)) o.native_id = *id;
  if (const auto* ts = string_member(entry, "timestamp")) o.timestamp = *ts;
  return o;
}

}  // namespace clawvm::import::fields
