#pragma once
// The journal's non-destructive guarantee (brief §3, spec/journal.md JR-6) as a plain
// check, shared by properties/journal_props.cpp and fuzz/journal_fuzz.cpp: a committed
// value may change only through a committed record whose merge rule produced the new
// value, and that change never loses committed content:
//   - append: the old value is an array and the new one is the old one plus one element
//     (arrays only grow);
//   - merge: both are objects, every old key keeps its value, the update's keys are added
//     (objects only gain keys);
//   - set_with_version: only when the staged version equals the key's last version;
//   - a key without a value starts at version 1; every commit advances the version by 1.
// Each function returns an empty string when the rule holds, else what broke.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clawvm/update.hpp"

namespace clawvm::props {

// `u` is the record's staged update (its value already canonical), `before` the key's
// value before the commit, `after` the value the commit produced.
inline std::string check_committed_transition(const std::optional<committed_value>& before,
                                              const committed_value& after, const update& u) {
  const auto incoming = nlohmann::json::parse(u.value_json, nullptr, false);
  const auto next = nlohmann::json::parse(after.value_json, nullptr, false);
  if (incoming.is_discarded()) return "committed update value is not JSON: " + u.value_json;
  if (next.is_discarded()) return "committed value is not JSON: " + after.value_json;
  if (next.dump() != after.value_json) return "committed value is not canonical JSON: " + after.value_json;
  const std::uint64_t expected_version = before ? before->version + 1 : 1;
  if (after.version != expected_version) {
    return "version " + std::to_string(after.version) + " after a commit, expected " +
           std::to_string(expected_version);
  }
  if (!before) {
    switch (u.op) {
      case journal_op::append:
        if (next != nlohmann::json::array({incoming})) return "append to a new key did not give [value]";
        return {};
      case journal_op::merge:
        if (!incoming.is_object() || next != incoming) return "merge into a new key did not give the object";
        return {};
      case journal_op::set_with_version:
        if (u.expected_version != 0) return "set_with_version on a new key committed with version != 0";
        if (next != incoming) return "set_with_version on a new key did not give the value";
        return {};
    }
    return "unknown op";
  }
  const auto old = nlohmann::json::parse(before->value_json, nullptr, false);
  if (old.is_discarded()) return "previous committed value is not JSON";
  switch (u.op) {
    case journal_op::append: {
      if (!old.is_array() || !next.is_array()) return "append committed over a non-array (destructive)";
      if (next.size() != old.size() + 1) return "append did not add exactly one element";
      for (std::size_t i = 0; i < old.size(); ++i) {
        if (next[i] != old[i]) return "append changed element " + std::to_string(i) + " (destructive)";
      }
      if (next.back() != incoming) return "append did not add the staged value";
      return {};
    }
    case journal_op::merge: {
      if (!old.is_object() || !next.is_object() || !incoming.is_object()) {
        return "merge committed over a non-object (destructive)";
      }
      for (auto it = old.begin(); it != old.end(); ++it) {
        auto found = next.find(it.key());
        if (found == next.end()) return "merge dropped committed key '" + it.key() + "' (destructive)";
        if (*found != it.value()) return "merge overwrote committed key '" + it.key() + "' (destructive)";
      }
      for (auto it = incoming.begin(); it != incoming.end(); ++it) {
        auto found = next.find(it.key());
        if (found == next.end() || *found != it.value()) return "merge lost staged key '" + it.key() + "'";
      }
      if (next.size() > old.size() + incoming.size()) return "merge invented keys";
      return {};
    }
    case journal_op::set_with_version:
      if (u.expected_version != before->version) {
        return "set_with_version committed with stale version " + std::to_string(u.expected_version) +
               " (key at " + std::to_string(before->version) + ")";
      }
      if (next != incoming) return "set_with_version did not give the staged value";
      return {};
  }
  return "unknown op";
}

}  // namespace clawvm::props
