#include "clawvm/tool_result_index.hpp"

#include <cstdint>
#include <cstring>
#include <utility>

#include <gsl/assert>

#include "clawvm/tool_signature.hpp"

namespace clawvm {

bool tool_result_index::make_key(std::string_view tool_name, std::string_view arguments_json) {
  const std::uint64_t name_bytes = tool_name.size();
  if (sizeof name_bytes + tool_name.size() + arguments_json.size() > memo_bytes_max_ / 64) return false;
  key_.resize(sizeof name_bytes);
  std::memcpy(key_.data(), &name_bytes, sizeof name_bytes);
  key_.append(tool_name).append(arguments_json);
  return true;
}

tool_result_index::call tool_result_index::resolve(std::string_view tool_name, std::string_view arguments_json) {
  const bool rememberable = make_key(tool_name, arguments_json);
  if (rememberable) {
    if (const auto known = memo_.find(std::string_view{key_}); known != memo_.end()) {
      return {&known->second->first, known->second->second};
    }
  }
  auto computed = canonical_tool_signature(tool_name, arguments_json);
  if (!computed) return {};
  if (const auto entry = by_signature_.find(*computed); entry != by_signature_.end()) {
    if (rememberable) remember(*entry);
    return {&entry->first, entry->second};
  }
  computed_ = std::move(*computed);
  return {&computed_, std::nullopt};
}

void tool_result_index::record(std::string_view tool_name, std::string_view arguments_json,
                               std::string_view signature, page_index result_page) {
  const auto [entry, inserted] = by_signature_.emplace(std::string{signature}, result_page);
  Expects(inserted);
  if (make_key(tool_name, arguments_json)) remember(*entry);
}

void tool_result_index::remember(const signature_map::value_type& entry) {
  if (memo_.size() >= memo_entries_max_ || memo_bytes_ + key_.size() > memo_bytes_max_) {
    memo_.clear();
    memo_bytes_ = 0;
  }
  if (memo_.emplace(key_, &entry).second) memo_bytes_ += key_.size();
}

std::optional<page_index> tool_result_index::find(std::string_view signature) const {
  const auto entry = by_signature_.find(signature);
  if (entry == by_signature_.end()) return std::nullopt;
  return entry->second;
}

void tool_result_index::follow(const page_removal& removal) {
  memo_.clear();
  memo_bytes_ = 0;
  for (auto it = by_signature_.begin(); it != by_signature_.end();) {
    Expects(it->second < removal.new_index.size());
    const page_index moved = removal.new_index[it->second];
    if (moved == page_removal::removed_page) {
      it = by_signature_.erase(it);
    } else {
      it->second = moved;
      ++it;
    }
  }
}

}  // namespace clawvm
