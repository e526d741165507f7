#pragma once
// The tool calls an engine has seen (spec/faults.md FT-3): each canonical signature's
// result page, and a memo from a call's exact text to its signature.
//
// One structure for both, so that a call is stored once (issue 14: policy state per page).
// The signatures live in one hash map, signature -> page index (a result page's index,
// not a copy of its id); the memo maps the exact text of a call (tool name, arguments) to
// that map's entry, so a repeated call costs one lookup and no JSON parse, and the memo
// holds no second copy of the signature.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "clawvm/page_table.hpp"

namespace clawvm {

class tool_result_index {
 public:
  // The memo forgets every call it remembers once it holds `memo_entries_max` calls or
  // `memo_bytes_max` bytes of call text; a call longer than a sixty-fourth of
  // `memo_bytes_max` is answered without being remembered (a 1 MB file write is rarely
  // repeated byte for byte). The signatures themselves are never forgotten.
  explicit tool_result_index(std::size_t memo_entries_max = 4096,
                             std::size_t memo_bytes_max = std::size_t{8} << 20U)
      : memo_entries_max_(memo_entries_max), memo_bytes_max_(memo_bytes_max) {}

  struct call {
    // canonical_tool_signature of the call; nullptr when the arguments are not valid JSON
    // or the tool name is empty. Valid until the next non-const member call.
    const std::string* signature = nullptr;
    // The page holding the result of an equivalent call, if one was recorded.
    std::optional<page_index> result_page;
  };
  // What the index knows of a call. Only calls with a recorded result are remembered by
  // the memo (invalid calls, and calls whose result was rejected, are rare: they are
  // recomputed). What the memo holds never changes an answer: the signature is a
  // function of the two texts.
  call resolve(std::string_view tool_name, std::string_view arguments_json);

  // Records `result_page` as the page holding the result of `signature`, the signature of
  // the call (tool_name, arguments_json), which had no recorded result.
  void record(std::string_view tool_name, std::string_view arguments_json, std::string_view signature,
              page_index result_page);

  // The page holding the result of `signature`, if recorded.
  std::optional<page_index> find(std::string_view signature) const;

  // Follows a page_table::remove_if: results on removed pages are forgotten, the others
  // move to their new index. The memo is forgotten (it points at forgotten entries).
  void follow(const page_removal& removal);

  std::size_t size() const noexcept { return by_signature_.size(); }
  std::size_t memo_size() const noexcept { return memo_.size(); }
  std::size_t memo_bytes() const noexcept { return memo_bytes_; }

 private:
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using signature_map = std::unordered_map<std::string, page_index, text_hash, std::equal_to<>>;

  // The memo's key of a call: the tool name's length (8 bytes), the tool name, the
  // arguments text. The length keeps (tool "a(", arguments "x") and (tool "a", arguments
  // "(x") apart. Written into key_ (reused: no allocation once it is large enough);
  // false when the call is too long to remember.
  bool make_key(std::string_view tool_name, std::string_view arguments_json);
  void remember(const signature_map::value_type& entry);

  std::size_t memo_entries_max_;
  std::size_t memo_bytes_max_;
  std::size_t memo_bytes_ = 0;  // keys held by the memo
  signature_map by_signature_;
  // Values point at entries of by_signature_ (stable: an unordered_map never moves its
  // elements); cleared whenever an entry is erased.
  std::unordered_map<std::string, const signature_map::value_type*, text_hash, std::equal_to<>> memo_;
  std::string key_;
  std::string computed_;  // the signature of a call not found by the memo
};

}  // namespace clawvm
