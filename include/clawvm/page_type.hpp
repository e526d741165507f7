#pragma once
// Page vocabulary: page types, representation levels, scopes and pin classes
// (spec/pages.md, PG-1..PG-4). The numeric values are part of the trace format and the
// TLA+ model (tla/PageResidency.tla): never renumber, only append.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace clawvm {

enum class page_type : std::uint8_t {
  bootstrap = 0,     // system instructions, policy
  constraint = 1,    // hard rules
  plan = 2,          // goal + steps
  preference = 3,    // user settings
  evidence = 4,      // tool outputs
  conversation = 5,  // transcript span
};
inline constexpr std::size_t page_type_count = 6;

// Ordered: a higher level is a higher-fidelity representation.
enum class level : std::uint8_t {
  none = 0,
  pointer = 1,
  structured = 2,
  compressed = 3,
  full = 4,
};
inline constexpr std::size_t level_count = 5;

enum class scope : std::uint8_t { session = 0, project = 1 };
enum class pin_class : std::uint8_t { none = 0, soft = 1, hard = 2 };

inline constexpr std::array<page_type, page_type_count> all_page_types{
    page_type::bootstrap, page_type::constraint, page_type::plan,
    page_type::preference, page_type::evidence, page_type::conversation};
inline constexpr std::array<level, level_count> all_levels{
    level::none, level::pointer, level::structured, level::compressed, level::full};

constexpr std::size_t index_of(page_type t) noexcept { return static_cast<std::size_t>(t); }
constexpr std::size_t index_of(level l) noexcept { return static_cast<std::size_t>(l); }

constexpr std::string_view to_string(page_type t) noexcept {
  switch (t) {
    case page_type::bootstrap: return "bootstrap";
    case page_type::constraint: return "constraint";
    case page_type::plan: return "plan";
    case page_type::preference: return "preference";
    case page_type::evidence: return "evidence";
    case page_type::conversation: return "conversation";
  }
  return "?";
}
constexpr std::string_view to_string(level l) noexcept {
  switch (l) {
    case level::none: return "none";
    case level::pointer: return "pointer";
    case level::structured: return "structured";
    case level::compressed: return "compressed";
    case level::full: return "full";
  }
  return "?";
}
constexpr std::string_view to_string(scope s) noexcept {
  return s == scope::session ? "session" : "project";
}
constexpr std::string_view to_string(pin_class p) noexcept {
  switch (p) {
    case pin_class::none: return "none";
    case pin_class::soft: return "soft";
    case pin_class::hard: return "hard";
  }
  return "?";
}

// Parsers for the wire names (trace formats, CLI). nullopt for an unknown name: the
// caller turns it into a reason code (unknown_page_type, schema_invalid).
constexpr std::optional<page_type> parse_page_type(std::string_view s) noexcept {
  for (auto t : all_page_types) {
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}
constexpr std::optional<level> parse_level(std::string_view s) noexcept {
  for (auto l : all_levels) {
    if (to_string(l) == s) return l;
  }
  return std::nullopt;
}
constexpr std::optional<scope> parse_scope(std::string_view s) noexcept {
  if (s == "session") return scope::session;
  if (s == "project") return scope::project;
  return std::nullopt;
}
constexpr std::optional<pin_class> parse_pin_class(std::string_view s) noexcept {
  if (s == "none") return pin_class::none;
  if (s == "soft") return pin_class::soft;
  if (s == "hard") return pin_class::hard;
  return std::nullopt;
}

}  // namespace clawvm
