// Validated writeback: spec/journal.md JR-2..JR-8; tla/Journal.tla actions Stage,
// Validate, Reject, Commit.
#include "clawvm/journal.hpp"

#include <algorithm>

#include "clawvm/page_table.hpp"

namespace clawvm {

namespace {

bool is_field_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '/' || c == '-';
}

// JR-3, the checks that need no parse: field, page id, provenance and value sizes.
reason_code check_shape(const update& u) {
  if (u.field.empty() || u.field.size() > field_bytes_max) return reason_code::schema_invalid;
  if (!std::all_of(u.field.begin(), u.field.end(), is_field_char)) return reason_code::schema_invalid;
  if (u.page_id.empty() || u.page_id.size() > page_id_bytes_max) return reason_code::schema_invalid;
  if (u.evidence_ref.size() > evidence_ref_bytes_max) return reason_code::schema_invalid;
  if (u.value_json.size() > value_bytes_max) return reason_code::schema_invalid;
  return reason_code::ok;
}

// JR-4: provenance must resolve to a page the engine knows.
reason_code check_provenance(const update& u, const page_table& pages) {
  if (u.evidence_ref.empty()) return reason_code::provenance_missing;
  if (!pages.find(u.evidence_ref)) return reason_code::provenance_dangling;
  return reason_code::ok;
}

// JR-5
reason_code check_scope(const update& u, const principal& writer) {
  const bool allowed = u.scope == scope::session ? writer.may_write_session : writer.may_write_project;
  return allowed ? reason_code::ok : reason_code::scope_denied;
}

// JR-7: writeback may not modify hard-pinned pages (bootstrap, constraints).
reason_code check_policy(const update& u, const page_table& pages) {
  const auto target = pages.find(u.page_id);
  if (!target) return reason_code::unknown_page;
  if (pages.at(*target).pin == pin_class::hard) return reason_code::hard_pin_violation;
  return reason_code::ok;
}

}  // namespace

std::variant<validated_entry, rejected_entry> validate(staged_entry&& entry,
                                                       const validation_context& ctx) {
  update u = std::move(entry.update_);
  // JR-3's value check and JR-6's merge come from one parse of the value (plan_merge);
  // the commit reuses the plan while the key stays at the version it was planned on.
  std::optional<planned_merge> plan;
  reason_code verdict = check_shape(u);
  if (verdict == reason_code::ok) {
    const auto current = ctx.state->find(u.scope, u.field);
    plan = plan_merge(current ? &*current : nullptr, u,
                      ctx.checks.non_destructive ? merge_mode::non_destructive : merge_mode::permissive);
    verdict = plan->schema;
  }
  if (verdict == reason_code::ok && ctx.checks.provenance) verdict = check_provenance(u, *ctx.pages);
  if (verdict == reason_code::ok && ctx.checks.scope) verdict = check_scope(u, ctx.writer);
  // JR-6: would committing lose committed content?
  if (verdict == reason_code::ok && ctx.checks.non_destructive) verdict = plan->merged.outcome;
  if (verdict == reason_code::ok && ctx.checks.policy) verdict = check_policy(u, *ctx.pages);
  if (verdict != reason_code::ok) return rejected_entry{entry.seq_, std::move(u), verdict};
  validated_entry out{entry.seq_, std::move(u)};
  out.plan_ = std::move(plan);
  return out;
}

std::variant<committed_entry, rejected_entry> commit(validated_entry&& entry,
                                                     durable_store& state, merge_mode mode) {
  const auto current = state.find(entry.update_.scope, entry.update_.field);
  const committed_value* base = current ? &*current : nullptr;
  merge_result merged = entry.plan_ && entry.plan_->holds_for(base, mode) ? std::move(entry.plan_->merged)
                                                                          : apply_merge_rule(base, entry.update_, mode);
  if (merged.outcome != reason_code::ok) {
    return rejected_entry{entry.seq_, std::move(entry.update_), merged.outcome};
  }
  journal_record rec;
  rec.seq = entry.seq_;
  rec.staged = entry.update_;
  rec.phase = journal_phase::committed;
  rec.result = merged.next;
  rec.overwrote_committed = merged.overwrote_committed;
  // The store may still refuse (a concurrent writer moved the version: stale_version; an
  // I/O failure: store_io_error); nothing was applied either way.
  if (const reason_code stored = state.append(rec); stored != reason_code::ok) {
    return rejected_entry{entry.seq_, std::move(entry.update_), stored};
  }
  committed_entry done{entry.seq_, std::move(entry.update_)};
  done.result_ = std::move(merged.next);
  done.overwrote_committed_ = merged.overwrote_committed;
  return done;
}

journal_record journal::writeback(update u, const validation_context& ctx,
                                   durable_store& state, merge_mode mode) {
  journal_record rec;
  auto checked = validate(stage(std::move(u)), ctx);
  if (auto* ok = std::get_if<validated_entry>(&checked)) {
    auto done = commit(std::move(*ok), state, mode);
    if (auto* c = std::get_if<committed_entry>(&done)) {
      rec = {c->seq(), c->payload(), journal_phase::committed, reason_code::ok, c->result(),
             c->overwrote_committed()};
      outcomes_.push_back(rec);
      return rec;
    }
    const auto& r = std::get<rejected_entry>(done);
    rec = {r.seq(), r.payload(), journal_phase::rejected, r.reason(), {}, false};
  } else {
    const auto& r = std::get<rejected_entry>(checked);
    rec = {r.seq(), r.payload(), journal_phase::rejected, r.reason(), {}, false};
  }
  // Rejected updates stay in the journal with their reason (JR-8), durable too; if the
  // store cannot even record the rejection the outcome still says why in memory.
  (void)state.append(rec);
  outcomes_.push_back(rec);
  return rec;
}

}  // namespace clawvm
