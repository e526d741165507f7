#pragma once
// Deterministic merge rules (spec/journal.md JR-6): how one update turns the committed
// value of its key into the next one. Pure: both the in-memory and the SQLite committed
// state apply exactly this function, and validation uses it to decide non-destructiveness.

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

// Canonical JSON text (sorted keys, no insignificant whitespace) or nullopt-equivalent
// empty string with ok=false when `text` is not valid JSON.
struct canonical_json_result {
  bool ok = false;
  std::string text;
  std::string error;
};
canonical_json_result canonical_json(std::string_view text);

}  // namespace clawvm
