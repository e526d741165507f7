#pragma once
// Conformance cases (spec/conformance.md CF-6): one JSON object per line of
// spec/conformance/cases/*.cases.jsonl, naming a request stream and its expected answers.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace clawvm::conform {

inline constexpr int conformance_protocol_version = 1;
inline constexpr int case_format_version = 1;

// CF-7: cumulative tiers; a run at tier T runs the cases of every tier up to T.
enum class tier : std::uint8_t { must = 0, should = 1, may = 2 };
constexpr std::string_view to_string(tier t) noexcept {
  switch (t) {
    case tier::must: return "must";
    case tier::should: return "should";
    case tier::may: return "may";
  }
  return "?";
}
std::optional<tier> parse_tier(std::string_view s) noexcept;

struct conform_case {
  std::string id;
  tier level = tier::must;
  std::string description;
  std::vector<std::string> requirements;
  std::string policy;
  std::uint32_t tokens_budget = 0;
  std::string requests;  // relative to the cases root
  std::string expected;  // relative to the cases root
  bool zero_faults = false;

  nlohmann::json to_json() const;
};

struct case_set {
  std::filesystem::path root;  // spec/conformance
  std::vector<conform_case> cases;
};

// Every case of root/cases/*.cases.jsonl, files in name order, lines in order. Each line
// is checked against the case format; a bad one is "FILE:LINE: field 'F': message".
std::variant<case_set, std::string> load_cases(const std::filesystem::path& root);

// CF-13: what the cases fail to cover, one line per gap, against root/coverage.json:
// observable requirements no case names, reason codes no expected answer carries (but
// the documented unreachable ones), boundaries and control operations no stream sends.
std::vector<std::string> coverage_problems(const case_set& set);

// A JSON Lines file of objects, through the bounded reader (json_text.hpp).
std::variant<std::vector<nlohmann::json>, std::string> read_json_lines(const std::filesystem::path& path);

}  // namespace clawvm::conform
