#pragma once
// Canonical tool-call signature (spec/faults.md FT-3): tool name + canonical JSON of the
// arguments, so two calls that differ only in key order or whitespace are equivalent.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace clawvm {

// nullopt when `arguments_json` is not valid JSON.
std::optional<std::string> canonical_tool_signature(std::string_view tool_name,
                                                    std::string_view arguments_json);

// canonical_tool_signature remembered per exact (tool name, arguments text): a harness
// repeats a call with the same bytes far more often than it writes a new one, and the
// canonical form costs a JSON parse and dump (issue 14: a fifth of a small session's
// turn). The signature is a function of the two texts, so what the memo holds never
// changes an answer; it forgets everything once it holds `entries_max` calls, which
// bounds its memory. Invalid calls are not remembered (they are rare and cheap to redo).
class tool_signature_memo {
 public:
  explicit tool_signature_memo(std::size_t entries_max = 4096) : entries_max_(entries_max) {}

  // The signature, or nullptr when the arguments are not valid JSON or the tool name is
  // empty. The pointer is valid until the next call.
  const std::string* signature(std::string_view tool_name, std::string_view arguments_json);

  std::size_t size() const noexcept { return memo_.size(); }

 private:
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::size_t entries_max_;
  // Key: the tool name's length (8 bytes), the tool name, the arguments text. The length
  // keeps (tool "a(", arguments "x") and (tool "a", arguments "(x") apart.
  std::string key_;  // reused: a lookup allocates nothing once it is large enough
  std::unordered_map<std::string, std::string, text_hash, std::equal_to<>> memo_;
};

}  // namespace clawvm
