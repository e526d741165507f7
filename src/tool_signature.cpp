#include "clawvm/tool_signature.hpp"

#include <cstdint>
#include <cstring>

#include "clawvm/merge_rules.hpp"

namespace clawvm {

std::optional<std::string> canonical_tool_signature(std::string_view tool_name,
                                                    std::string_view arguments_json) {
  auto canonical = canonical_json(arguments_json.empty() ? std::string_view{"{}"} : arguments_json);
  if (!canonical.ok || tool_name.empty()) return std::nullopt;
  std::string sig;
  sig.reserve(tool_name.size() + canonical.text.size() + 2);
  sig.append(tool_name).append("(").append(canonical.text).append(")");
  return sig;
}

const std::string* tool_signature_memo::signature(std::string_view tool_name, std::string_view arguments_json) {
  const std::uint64_t name_bytes = tool_name.size();
  const std::size_t key_bytes = sizeof name_bytes + tool_name.size() + arguments_json.size();
  if (key_bytes > bytes_max_ / 64) {
    auto computed = canonical_tool_signature(tool_name, arguments_json);
    if (!computed) return nullptr;
    unremembered_ = std::move(*computed);
    return &unremembered_;
  }
  key_.resize(sizeof name_bytes);
  std::memcpy(key_.data(), &name_bytes, sizeof name_bytes);
  key_.append(tool_name).append(arguments_json);
  if (const auto known = memo_.find(std::string_view{key_}); known != memo_.end()) return &known->second;
  auto computed = canonical_tool_signature(tool_name, arguments_json);
  if (!computed) return nullptr;
  const std::size_t entry_bytes = key_.size() + computed->size();
  if (memo_.size() >= entries_max_ || bytes_ + entry_bytes > bytes_max_) {
    memo_.clear();
    bytes_ = 0;
  }
  bytes_ += entry_bytes;
  return &memo_.emplace(key_, std::move(*computed)).first->second;
}

}  // namespace clawvm
