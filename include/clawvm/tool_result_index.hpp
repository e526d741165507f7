#pragma once
// The tool calls an engine has seen (spec/faults.md FT-3): each canonical signature's
// result page, and the exact text of the call that first produced it.
//
// One entry per signature holds both, in one allocation (issue 14: policy state per page).
// The result page is kept as a page index, not a copy of its id, and renumbered when a
// boundary removes pages. The call's text lets a repeat of that call, byte for byte
// (what a harness sends most), find its signature by one hash lookup instead of a JSON
// parse and dump; a call spelled differently (other key order or spacing) is canonicalised
// again each time, and finds the same entry.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "clawvm/page_table.hpp"

namespace clawvm {

class tool_result_index {
 public:
  tool_result_index() = default;
  // Movable, not copyable: an entry owns its text, and the call memo points at entries
  // (a copy of the memo would point into the source).
  tool_result_index(const tool_result_index&) = delete;
  tool_result_index& operator=(const tool_result_index&) = delete;
  tool_result_index(tool_result_index&&) noexcept = default;
  tool_result_index& operator=(tool_result_index&&) noexcept = default;
  ~tool_result_index() = default;

  // A call whose text (tool name and arguments) is longer than this is not remembered:
  // it would double the entry's size, and a large write is rarely repeated byte for byte.
  static constexpr std::size_t call_bytes_max = 4096;

  struct call {
    // canonical_tool_signature of the call; nullopt when the arguments are not valid JSON
    // or the tool name is empty. Valid until the next non-const member call.
    std::optional<std::string_view> signature;
    // The page holding the result of an equivalent call, if one was recorded.
    std::optional<page_index> result_page;
  };
  // What the index knows of a call. What it remembers never changes an answer: the
  // signature is a function of the two texts.
  call resolve(std::string_view tool_name, std::string_view arguments_json);

  // Records `result_page` as the page holding the result of `signature`, the signature of
  // the call (tool_name, arguments_json), which had no recorded result. `signature` may be
  // the view the last resolve() returned: record() copies it before changing anything it
  // could point into.
  void record(std::string_view tool_name, std::string_view arguments_json, std::string_view signature,
              page_index result_page);

  // The page holding the result of `signature`, if recorded.
  std::optional<page_index> find(std::string_view signature) const;

  // Follows a page_table::remove_if: results on removed pages are forgotten, the others
  // move to their new index.
  void follow(const page_removal& removal);

  std::size_t size() const noexcept { return by_signature_.size(); }
  // How many entries remember the text of their first call.
  std::size_t remembered_calls() const noexcept { return by_call_.size(); }

 private:
  struct entry {
    std::unique_ptr<char[]> text;  // the signature, then the key of its first call (if remembered)
    std::uint32_t signature_bytes = 0;
    std::uint32_t call_bytes = 0;  // 0: no call remembered
    mutable page_index page = 0;   // not part of the key: follow() renumbers it in place
    std::string_view signature() const noexcept { return {text.get(), signature_bytes}; }
    std::string_view call_key() const noexcept { return {text.get() + signature_bytes, call_bytes}; }
  };
  // Entries by signature, and remembered entries by call key; both look up by string_view.
  struct by_signature_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    std::size_t operator()(const entry& e) const noexcept { return (*this)(e.signature()); }
  };
  struct by_signature_equal {
    using is_transparent = void;
    static std::string_view of(std::string_view s) noexcept { return s; }
    static std::string_view of(const entry& e) noexcept { return e.signature(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const noexcept { return of(a) == of(b); }
  };
  struct by_call_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    std::size_t operator()(const entry* e) const noexcept { return (*this)(e->call_key()); }
  };
  struct by_call_equal {
    using is_transparent = void;
    static std::string_view of(std::string_view s) noexcept { return s; }
    static std::string_view of(const entry* e) noexcept { return e->call_key(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const noexcept { return of(a) == of(b); }
  };

  // The key of a call: the tool name's length (8 bytes), the tool name, the arguments
  // text. The length keeps (tool "a(", arguments "x") and (tool "a", arguments "(x")
  // apart. Written into key_ (reused: no allocation once it is large enough); false when
  // the call (tool name and arguments) is longer than call_bytes_max.
  bool make_key(std::string_view tool_name, std::string_view arguments_json);

  std::unordered_set<entry, by_signature_hash, by_signature_equal> by_signature_;
  // Points at entries of by_signature_ (stable: an unordered_set never moves its
  // elements); an entry leaves both sets together.
  std::unordered_set<const entry*, by_call_hash, by_call_equal> by_call_;
  std::string key_;
  std::string computed_;  // the signature of a call with no recorded result
};

}  // namespace clawvm
