#pragma once
// Canonical tool-call signature (spec/faults.md FT-3): tool name + canonical JSON of the
// arguments, so two calls that differ only in key order or whitespace are equivalent.

#include <optional>
#include <string>
#include <string_view>

namespace clawvm {

// nullopt when `arguments_json` is not valid JSON.
std::optional<std::string> canonical_tool_signature(std::string_view tool_name,
                                                    std::string_view arguments_json);

}  // namespace clawvm
