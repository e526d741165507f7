#include "clawvm/tool_result_index.hpp"

#include <cstring>
#include <utility>

#include <gsl/assert>
#include <gsl/narrow>

#include "clawvm/tool_signature.hpp"

namespace clawvm {

bool tool_result_index::make_key(std::string_view tool_name, std::string_view arguments_json) {
  const std::uint64_t name_bytes = tool_name.size();
  if (tool_name.size() + arguments_json.size() > call_bytes_max) return false;
  key_.resize(sizeof name_bytes);
  std::memcpy(key_.data(), &name_bytes, sizeof name_bytes);
  key_.append(tool_name).append(arguments_json);
  return true;
}

tool_result_index::call tool_result_index::resolve(std::string_view tool_name, std::string_view arguments_json) {
  if (make_key(tool_name, arguments_json)) {
    if (const auto known = by_call_.find(std::string_view{key_}); known != by_call_.end()) {
      return {(*known)->signature(), (*known)->page};
    }
  }
  auto computed = canonical_tool_signature(tool_name, arguments_json);
  if (!computed) return {};
  if (const auto known = by_signature_.find(std::string_view{*computed}); known != by_signature_.end()) {
    return {known->signature(), known->page};
  }
  computed_ = std::move(*computed);
  return {std::string_view{computed_}, std::nullopt};
}

void tool_result_index::record(std::string_view tool_name, std::string_view arguments_json,
                               std::string_view signature, page_index result_page) {
  // `signature` may be the view of computed_ that resolve() returned: nothing here writes
  // computed_ (make_key writes key_, which resolve() never returns).
  entry e;
  e.signature_bytes = gsl::narrow<std::uint32_t>(signature.size());
  e.call_bytes = make_key(tool_name, arguments_json) ? gsl::narrow<std::uint32_t>(key_.size()) : 0U;
  e.text = std::make_unique_for_overwrite<char[]>(std::size_t{e.signature_bytes} + e.call_bytes);
  std::memcpy(e.text.get(), signature.data(), signature.size());
  if (e.call_bytes > 0) std::memcpy(e.text.get() + e.signature_bytes, key_.data(), e.call_bytes);
  e.page = result_page;
  const auto [at, inserted] = by_signature_.insert(std::move(e));
  Expects(inserted);
  if (at->call_bytes > 0) {
    const bool call_inserted = by_call_.insert(&*at).second;
    Expects(call_inserted);  // one call text has one signature
  }
}

std::optional<page_index> tool_result_index::find(std::string_view signature) const {
  const auto known = by_signature_.find(signature);
  if (known == by_signature_.end()) return std::nullopt;
  return known->page;
}

void tool_result_index::follow(const page_removal& removal) {
  for (auto it = by_signature_.begin(); it != by_signature_.end();) {
    Expects(it->page < removal.new_index.size());
    const page_index moved = removal.new_index[it->page];
    if (moved != page_removal::removed_page) {
      it->page = moved;
      ++it;
      continue;
    }
    if (it->call_bytes > 0) by_call_.erase(&*it);
    it = by_signature_.erase(it);
  }
}

}  // namespace clawvm
