#pragma once
// Canonical tool-call signature (spec/faults.md FT-3): tool name + canonical JSON of the
// arguments, so two calls that differ only in key order or whitespace are equivalent.

#include <cstddef>
#include <functional>
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
// canonical form costs a JSON parse and dump (issue 14: two fifths of a 20-page session's
// turn). The signature is a function of the two texts, so what the memo holds never
// changes an answer. Its memory is bounded twice: it forgets everything once it holds
// `entries_max` calls or `bytes_max` bytes of keys and signatures, and a call larger than
// a sixty-fourth of `bytes_max` is answered without being remembered (a 1 MB file write
// is rarely repeated byte for byte). Invalid calls are not remembered (they are rare and
// cheap to redo).
class tool_signature_memo {
 public:
  explicit tool_signature_memo(std::size_t entries_max = 4096, std::size_t bytes_max = std::size_t{8} << 20U)
      : entries_max_(entries_max), bytes_max_(bytes_max) {}

  // The signature, or nullptr when the arguments are not valid JSON or the tool name is
  // empty. The pointer is valid until the next call.
  const std::string* signature(std::string_view tool_name, std::string_view arguments_json);

  std::size_t size() const noexcept { return memo_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::size_t entries_max_;
  std::size_t bytes_max_;
  std::size_t bytes_ = 0;  // keys and signatures held
  // Key: the tool name's length (8 bytes), the tool name, the arguments text. The length
  // keeps (tool "a(", arguments "x") and (tool "a", arguments "(x") apart.
  std::string key_;  // reused: a lookup allocates nothing once it is large enough
  std::string unremembered_;  // the answer to a call too large to remember
  std::unordered_map<std::string, std::string, text_hash, std::equal_to<>> memo_;
};

}  // namespace clawvm
