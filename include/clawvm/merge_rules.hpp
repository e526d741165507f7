#pragma once
// Deterministic merge rules (spec/journal.md JR-6): how one update turns the committed
// value of its key into the next one. Pure: both the in-memory and the SQLite committed
// state apply exactly this function, and validation uses it to decide non-destructiveness.

#include <cstdint>
#include <string>

#include "clawvm/reason_code.hpp"
#include "clawvm/update.hpp"

namespace clawvm {

struct merge_result {
  reason_code outcome = reason_code::ok;  // ok, destructive_op, stale_version, schema_invalid, value_too_large
  committed_value next;                   // meaningful when outcome == ok or overwrote
  bool overwrote_committed = false;       // permissive mode only: committed content was lost
};

// The largest committed value of one key, in bytes of canonical JSON (JR-6): a merge whose
// result would be larger is refused with VALUE_TOO_LARGE in every mode.
inline constexpr std::size_t committed_value_bytes_max = 1024U * 1024U;

enum class merge_mode : std::uint8_t {
  non_destructive = 0,  // ClawVM: refuse anything that loses committed content
  permissive = 1,       // baselines without validation: last writer wins, loss is flagged
};

// `current` is nullptr when the key has no committed value. `value_json` must already be
// canonical JSON (validation canonicalises it); the result is canonical JSON too.
merge_result apply_merge_rule(const committed_value* current, const update& u, merge_mode mode);

// JR-3's value check and JR-6's merge from one parse of the incoming value: the
// journal's validation calls this once per update, and the commit reuses the result
// when the key has not moved since (planned_merge). On success `u.value_json` is
// canonical; `schema` is schema_invalid when the value is not JSON (or a merge's is not
// an object), and `merged` is then empty.
struct planned_merge {
  reason_code schema = reason_code::ok;
  merge_mode mode = merge_mode::non_destructive;
  bool had_current = false;       // the key had a committed value when planned
  std::uint64_t base_version = 0; // its version then
  merge_result merged;
  // The plan still holds for a commit in `m` over `current` (same key, same version).
  bool holds_for(const committed_value* current, merge_mode m) const noexcept {
    return schema == reason_code::ok && mode == m && had_current == (current != nullptr) &&
           (current == nullptr || current->version == base_version);
  }
};
planned_merge plan_merge(const committed_value* current, update& u, merge_mode mode);

// Canonical JSON text (sorted keys, no insignificant whitespace) or nullopt-equivalent
// empty string with ok=false when `text` is not valid JSON.
struct canonical_json_result {
  bool ok = false;
  std::string text;
  std::string error;
};
canonical_json_result canonical_json(std::string_view text);

}  // namespace clawvm
