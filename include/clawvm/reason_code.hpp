#pragma once
// Reason codes: every expected outcome that is not plain success (a rejected ingest, a
// rejected journal update, an unmet floor, an explained empty recall) carries one.
// Numbers are stable and documented in spec/reason_codes.md (RC-1): never renumber,
// never reuse; append new codes at the end. Programmer errors are not reason codes: they
// are GSL Expects/Ensures assertions.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace clawvm {

// X(name, number, family, meaning)
#define CLAWVM_REASON_CODES(X)                                                              \
  X(ok, 0, "none", "success")                                                               \
  X(destructive_op, 1, "journal.non_destructive",                                           \
    "the update would overwrite or delete committed content")                               \
  X(scope_denied, 2, "journal.scope", "the active principal may not write this scope")      \
  X(schema_invalid, 3, "journal.schema",                                                    \
    "field name, value type or size is not allowed by the schema")                          \
  X(provenance_missing, 4, "journal.provenance", "the update carries no evidence_ref")      \
  X(provenance_dangling, 5, "journal.provenance",                                           \
    "the evidence_ref does not resolve to a known page")                                    \
  X(stale_version, 6, "journal.non_destructive",                                            \
    "set_with_version named a version other than the key's last committed one")             \
  X(hard_pin_violation, 7, "journal.policy", "the update would modify a hard-pinned page")  \
  X(unknown_page_type, 8, "ingest", "the page type is not one of the six types")            \
  X(missing_floor_representation, 9, "ingest",                                              \
    "the page has no representation at its type's floor level")                             \
  X(tokens_not_monotone, 10, "ingest",                                                      \
    "token counts do not strictly increase along the degradation chain")                    \
  X(duplicate_page_id, 11, "ingest", "a page with this id already exists")                  \
  X(invalid_page_id, 12, "ingest", "the page id is empty, too long or not printable ASCII")\
  X(representation_off_chain, 13, "ingest",                                                 \
    "a representation is given at a level that is not on the type's chain")                 \
  X(unknown_page, 14, "engine", "no page with this id exists")                              \
  X(required_does_not_fit, 15, "selector",                                                  \
    "a required page at its required level does not fit the budget (physical insufficiency)")\
  X(recall_no_match, 16, "recall", "the lookup found nothing that matches")                 \
  X(recall_denied, 17, "recall", "the lookup matched only entries the principal may not read")\
  X(recall_backend_error, 18, "recall", "the durable tier failed to answer the lookup")     \
  X(store_io_error, 19, "store", "the durable store reported an I/O or SQLite error")       \
  X(page_type_mismatch, 20, "engine", "an update tried to change a page's type")            \
  X(invalid_page_attribute, 21, "ingest", "recompute_cost or base_utility is NaN or infinite") \
  X(pin_or_scope_change, 22, "engine", "an update tried to change a page's pin class or scope") \
  X(value_too_large, 23, "journal.merge",                                                   \
    "the merged value of the key would exceed committed_value_bytes_max")

enum class reason_code : std::uint16_t {
#define CLAWVM_X_ENUM(name, number, family, meaning) name = number,
  CLAWVM_REASON_CODES(CLAWVM_X_ENUM)
#undef CLAWVM_X_ENUM
};

struct reason_code_info {
  reason_code code;
  std::uint16_t number;
  std::string_view name;    // wire name, upper case as in the paper: DESTRUCTIVE_OP
  std::string_view family;  // which check or component raises it
  std::string_view meaning;
};

namespace detail {
// Wire names are the enumerator names upper-cased at compile time (DESTRUCTIVE_OP).
template <std::size_t N>
struct upper_name {
  std::array<char, N> chars{};
  constexpr explicit upper_name(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i) {
      const char c = s[i];
      chars[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
  }
  constexpr std::string_view view() const { return {chars.data(), N - 1}; }
};
#define CLAWVM_X_UPPER(name, number, family, meaning) \
  inline constexpr upper_name reason_name_##name{#name};
CLAWVM_REASON_CODES(CLAWVM_X_UPPER)
#undef CLAWVM_X_UPPER
}  // namespace detail

inline constexpr std::array all_reason_codes{
#define CLAWVM_X_INFO(name, number, family, meaning)                                        \
  reason_code_info{reason_code::name, number, detail::reason_name_##name.view(), family, meaning},
    CLAWVM_REASON_CODES(CLAWVM_X_INFO)
#undef CLAWVM_X_INFO
};

constexpr std::uint16_t number_of(reason_code c) noexcept { return static_cast<std::uint16_t>(c); }

constexpr const reason_code_info* find_reason(reason_code c) noexcept {
  for (const auto& info : all_reason_codes) {
    if (info.code == c) return &info;
  }
  return nullptr;
}

constexpr std::string_view to_string(reason_code c) noexcept {
  const auto* info = find_reason(c);
  return info != nullptr ? info->name : std::string_view{"UNKNOWN_REASON"};
}

constexpr std::optional<reason_code> parse_reason_code(std::string_view name) noexcept {
  for (const auto& info : all_reason_codes) {
    if (info.name == name) return info.code;
  }
  return std::nullopt;
}

}  // namespace clawvm
