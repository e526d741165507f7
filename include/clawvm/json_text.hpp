#pragma once
// The one reader of JSON text that comes from outside the process: workload lines
// (WL-3), sidecar requests (SC-6), journal values and tool-call arguments (JR-10),
// decision traces (DT), transcripts (IM-3) and mapping files (IM-14). Every JSON text is
// bounded before it is parsed, so no input can make a later recursive walk (a dump, a
// comparison) overflow the stack, and nothing here throws:
//   - at most json_depth_max nested arrays and objects (JR-10);
//   - no raw NUL byte anywhere (nlohmann's lexer would take it for the end of input and
//     silently drop what follows);
//   - exactly one JSON value, numbers within binary64 (1e400 is refused, not a crash).

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace clawvm {

// Deepest nesting of arrays and objects accepted in any JSON text (JR-10).
inline constexpr std::size_t json_depth_max = 128;

struct json_text_error {
  std::size_t byte = 0;  // 0-based offset where the problem was found
  std::string message;   // "nested deeper than 128 levels", "NUL byte", "syntax error ...", ...
};

// Depth of the deepest array/object nesting outside strings; stops counting once it
// passes `limit` (so the result is at most limit + 1) and reports where in `at_byte`.
std::size_t json_nesting_depth(std::string_view text, std::size_t limit, std::size_t* at_byte = nullptr) noexcept;

// Parses one JSON text into `out`; false (and `error`) when it is not one bounded JSON
// value. `depth_max` may be lower than json_depth_max, never higher.
bool parse_json_text(std::string_view text, nlohmann::json& out, json_text_error& error,
                     std::size_t depth_max = json_depth_max);

}  // namespace clawvm
