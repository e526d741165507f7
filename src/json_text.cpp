// Bounded JSON parsing: include/clawvm/json_text.hpp, spec/journal.md JR-10.
#include "clawvm/json_text.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace clawvm {

std::size_t json_nesting_depth(std::string_view text, std::size_t limit, std::size_t* at_byte) noexcept {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) {
          if (at_byte != nullptr) *at_byte = i;
          return deepest;
        }
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool parse_json_text(std::string_view text, nlohmann::json& out, json_text_error& error, std::size_t depth_max) {
  depth_max = std::min(depth_max, json_depth_max);
  if (const void* nul = std::memchr(text.data(), '\0', text.size()); nul != nullptr) {
    error = {static_cast<std::size_t>(static_cast<const char*>(nul) - text.data()), "NUL byte"};
    return false;
  }
  std::size_t deep_at = 0;
  if (json_nesting_depth(text, depth_max, &deep_at) > depth_max) {
    error = {deep_at, fmt::format("nested deeper than {} levels", depth_max)};
    return false;
  }
  try {
    out = nlohmann::json::parse(text.begin(), text.end());
    return true;
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann counts bytes from 1 and points one past the offending byte.
    error = {e.byte > 0 ? e.byte - 1 : 0, e.what()};
  } catch (const nlohmann::json::out_of_range& e) {
    // A number whose magnitude overflows binary64: "number overflow parsing '1e400'". The
    // exception carries no position; the number's first occurrence is where it is.
    const std::string_view what = e.what();
    std::size_t at = 0;
    if (const auto open = what.find("parsing '"); open != std::string_view::npos) {
      const auto token = what.substr(open + 9, what.find('\'', open + 9) - (open + 9));
      at = std::min(text.find(token), text.size());
    }
    error = {at, e.what()};
  } catch (const nlohmann::json::exception& e) {
    error = {0, e.what()};
  }
  out = nlohmann::json();
  return false;
}

}  // namespace clawvm
