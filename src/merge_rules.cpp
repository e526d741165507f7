// Deterministic merge rules: spec/journal.md JR-6. tla/Journal.tla action Commit.
#include "clawvm/merge_rules.hpp"

#include <nlohmann/json.hpp>

#include "clawvm/json_text.hpp"

namespace clawvm {

namespace {

// The canonical text of a parsed value; false when a string in it is not UTF-8.
// std::map-backed objects: keys sorted, so equal values dump to equal bytes.
bool canonical_text(const nlohmann::json& value, std::string& out) {
  try {
    out = value.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::strict);
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace

canonical_json_result canonical_json(std::string_view text) {
  canonical_json_result out;
  nlohmann::json parsed;
  json_text_error why;
  if (!parse_json_text(text, parsed, why)) {
    out.error = "value is not valid JSON: " + why.message;
    return out;
  }
  if (!canonical_text(parsed, out.text)) {
    out.error = "value contains invalid UTF-8";
    return out;
  }
  out.ok = true;
  return out;
}

namespace {

// JR-6 value equality: objects by their members, arrays element-wise, strings by bytes,
// numbers by numeric value. Not nlohmann's operator==, which compares an unsigned with a
// signed integer after casting it to int64 (18446744073709551615 == -1), and so would let
// a merge overwrite a committed value without a conflict.
bool same_json_value(const nlohmann::json& a, const nlohmann::json& b) {
  using t = nlohmann::json::value_t;
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) return a.get<double>() == b.get<double>();
    const bool a_negative = a.type() == t::number_integer && a.get<std::int64_t>() < 0;
    const bool b_negative = b.type() == t::number_integer && b.get<std::int64_t>() < 0;
    if (a_negative != b_negative) return false;
    return a_negative ? a.get<std::int64_t>() == b.get<std::int64_t>() : a.get<std::uint64_t>() == b.get<std::uint64_t>();
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same_json_value(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    const auto& am = a.get_ref<const nlohmann::json::object_t&>();
    const auto& bm = b.get_ref<const nlohmann::json::object_t&>();
    for (const auto& [key, value] : am) {
      const auto found = bm.find(key);
      if (found == bm.end() || !same_json_value(value, found->second)) return false;
    }
    return true;
  }
  return a == b;
}

// The value a key holds when `u` alone defines it: append starts a one-element array,
// merge and set_with_version take the value as it is.
std::string value_from_update_alone(const update& u, const nlohmann::json& incoming) {
  if (u.op != journal_op::append) return u.value_json;
  nlohmann::json arr = nlohmann::json::array();
  arr.push_back(incoming);
  return arr.dump();
}

// JR-6: a key's value is bounded, so the journal (which records every result) grows by at
// most committed_value_bytes_max per commit, whatever a writer appends.
merge_result bounded(merge_result r) {
  if (r.outcome == reason_code::ok && r.next.value_json.size() > committed_value_bytes_max) {
    return {reason_code::value_too_large, {}, false};
  }
  return r;
}

// Replaces the committed value: allowed only in permissive mode, where it is flagged.
merge_result overwrite(const committed_value& current, const update& u, const nlohmann::json& incoming,
                       merge_mode mode, reason_code refusal) {
  if (mode == merge_mode::non_destructive) return {refusal, {}, false};
  return {reason_code::ok, {value_from_update_alone(u, incoming), current.version + 1}, true};
}

// `incoming` is u.value_json, parsed.
merge_result merge_parsed(const committed_value* current, const update& u, const nlohmann::json& incoming,
                          merge_mode mode) {
  if (u.op == journal_op::merge && !incoming.is_object()) return {reason_code::schema_invalid, {}, false};

  if (current == nullptr) {
    // A new key: set_with_version must have expected "no value" (version 0).
    if (u.op == journal_op::set_with_version && u.expected_version != 0) {
      if (mode == merge_mode::non_destructive) return {reason_code::stale_version, {}, false};
    }
    return {reason_code::ok, {value_from_update_alone(u, incoming), 1}, false};
  }

  // Appending to a committed (canonical) array adds exactly the incoming text and a comma,
  // so a result over the limit is known without parsing the committed value: a key at its
  // limit costs nothing per refused append.
  if (u.op == journal_op::append && current->value_json.size() >= 2 && current->value_json.front() == '[') {
    const std::size_t grown = current->value_json.size() + u.value_json.size() + (current->value_json == "[]" ? 0U : 1U);
    if (grown > committed_value_bytes_max) return {reason_code::value_too_large, {}, false};
  }

  // A committed value that does not parse (a damaged or hand-edited store) can only be
  // replaced, never extended: append and merge treat it as "not an array / object".
  nlohmann::json existing;
  json_text_error why;
  if (!parse_json_text(current->value_json, existing, why)) existing = nlohmann::json();
  switch (u.op) {
    case journal_op::append: {
      // Append adds an element; a committed non-array would have to be replaced.
      if (!existing.is_array()) return overwrite(*current, u, incoming, mode, reason_code::destructive_op);
      existing.push_back(incoming);
      return {reason_code::ok, {existing.dump(), current->version + 1}, false};
    }
    case journal_op::merge: {
      if (!existing.is_object()) return overwrite(*current, u, incoming, mode, reason_code::destructive_op);
      // Union of keys; a key present on both sides with different values is a conflict:
      // merging would overwrite committed content.
      // Walks the underlying std::maps rather than json iterators: g++ 12 at -O3 cannot
      // see that a json iterator's object pointer is non-null and raises a false
      // -Wnull-dereference inside nlohmann/json when one is dereferenced here.
      const auto& incoming_members = incoming.get_ref<const nlohmann::json::object_t&>();
      auto& existing_members = existing.get_ref<nlohmann::json::object_t&>();
      bool conflict = false;
      for (const auto& [key, value] : incoming_members) {
        const auto found = existing_members.find(key);
        if (found != existing_members.end() && !same_json_value(found->second, value)) conflict = true;
      }
      if (conflict && mode == merge_mode::non_destructive) return {reason_code::destructive_op, {}, false};
      // Permissive: last writer wins key by key; only the conflicting values are lost.
      for (const auto& [key, value] : incoming_members) existing_members[key] = value;
      return {reason_code::ok, {existing.dump(), current->version + 1}, conflict};
    }
    case journal_op::set_with_version: {
      // Versioned replace: the writer saw the last committed version, so nothing it did
      // not see is lost (the older value stays in the journal).
      if (u.expected_version != current->version) {
        return overwrite(*current, u, incoming, mode, reason_code::stale_version);
      }
      return {reason_code::ok, {u.value_json, current->version + 1}, false};
    }
  }
  return {reason_code::schema_invalid, {}, false};
}

}  // namespace

merge_result apply_merge_rule(const committed_value* current, const update& u, merge_mode mode) {
  nlohmann::json incoming;
  json_text_error why;
  if (!parse_json_text(u.value_json, incoming, why)) return {reason_code::schema_invalid, {}, false};
  return bounded(merge_parsed(current, u, incoming, mode));
}

planned_merge plan_merge(const committed_value* current, update& u, merge_mode mode) {
  planned_merge plan;
  plan.mode = mode;
  plan.had_current = current != nullptr;
  plan.base_version = current != nullptr ? current->version : 0;
  nlohmann::json incoming;
  json_text_error why;
  if (!parse_json_text(u.value_json, incoming, why) || (u.op == journal_op::merge && !incoming.is_object())) {
    plan.schema = reason_code::schema_invalid;
    return plan;
  }
  if (!canonical_text(incoming, u.value_json)) {
    plan.schema = reason_code::schema_invalid;  // invalid UTF-8
    return plan;
  }
  plan.merged = bounded(merge_parsed(current, u, incoming, mode));
  return plan;
}

}  // namespace clawvm
