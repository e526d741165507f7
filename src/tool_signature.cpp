#include "clawvm/tool_signature.hpp"

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

}  // namespace clawvm
