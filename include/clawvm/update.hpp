#pragma once
// A typed writeback update (brief §3): (field, op, value, scope, evidence_ref), plus the
// page whose dirty state it persists and, for set_with_version, the version the writer
// last saw. spec/journal.md JR-1.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clawvm/page_type.hpp"

namespace clawvm {

enum class journal_op : std::uint8_t { append = 0, merge = 1, set_with_version = 2 };

constexpr std::string_view to_string(journal_op op) noexcept {
  switch (op) {
    case journal_op::append: return "append";
    case journal_op::merge: return "merge";
    case journal_op::set_with_version: return "set_with_version";
  }
  return "?";
}
constexpr std::optional<journal_op> parse_journal_op(std::string_view s) noexcept {
  if (s == "append") return journal_op::append;
  if (s == "merge") return journal_op::merge;
  if (s == "set_with_version") return journal_op::set_with_version;
  return std::nullopt;
}

struct update {
  std::string page_id;       // the dirty page this update persists
  std::string field;         // durable key; with `scope` it names one committed value
  journal_op op = journal_op::append;
  std::string value_json;    // JSON text; canonicalised at validation
  clawvm::scope scope = clawvm::scope::session;
  std::string evidence_ref;  // page id the update is derived from (provenance)
  std::uint64_t expected_version = 0;  // set_with_version: last committed version seen

  friend bool operator==(const update&, const update&) = default;
};

// The committed value of one (scope, field) key. Versions start at 1 for the first
// commit; 0 means "no committed value" (what set_with_version expects for a new key).
struct committed_value {
  std::string value_json;
  std::uint64_t version = 0;

  friend bool operator==(const committed_value&, const committed_value&) = default;
};

}  // namespace clawvm
