#pragma once
// Shared by the store tests: the journal record clawvm::commit would append for an
// update, built from the merge rule against the store's current value.
#include "clawvm/durable_store.hpp"
#include "clawvm/merge_rules.hpp"

namespace clawvm::test {

// Committed with the merge result if the rule applies, rejected with its reason otherwise.
inline journal_record merged_record(const durable_store& state, std::uint64_t seq, const update& u) {
  const auto current = state.find(u.scope, u.field);
  const merge_result merged = apply_merge_rule(current ? &*current : nullptr, u, merge_mode::non_destructive);
  journal_record rec;
  rec.seq = seq;
  rec.staged = u;
  if (merged.outcome == reason_code::ok) {
    rec.phase = journal_phase::committed;
    rec.result = merged.next;
    rec.overwrote_committed = merged.overwrote_committed;
  } else {
    rec.phase = journal_phase::rejected;
    rec.reason = merged.outcome;
  }
  return rec;
}

}  // namespace clawvm::test
