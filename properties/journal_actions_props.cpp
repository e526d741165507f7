// Stateful property test of the validated writeback journal whose commands are the
// actions of tla/Journal.tla, driven one phase at a time through the typestate API
// (include/clawvm/journal.hpp) against an sqlite_store on a temp file:
//   Stage     journal::stage a generated update; nothing is applied
//   Validate  clawvm::validate a staged entry the model says passes: a validated_entry;
//             nothing is applied
//   Reject    clawvm::validate a staged entry the model says fails: a rejected_entry with
//             exactly the predicted reason (precedence schema > provenance > scope >
//             non-destructive > policy), then recorded in the store as
//             journal::writeback does
//   Commit    clawvm::commit a validated entry; if its key moved since Validate the
//             commit-time re-check may reject it (STALE_VERSION / DESTRUCTIVE_OP), else
//             it commits the model's merge result
//   Reopen    close and reopen the store (a crash between commits): staged and validated
//             entries were never applied and are lost; the journal restarts after the
//             last durable seq
// Several entries may be staged/validated at once and are validated, rejected and
// committed in any order, so commits on the same key interleave the way the TLA+ spec
// allows. The store's journal is append-only in seq order: a record whose seq is not above
// the last durable one is refused (store_io_error), which the model predicts too.
// After every command: committed values and the store's journal equal the model's; no
// value changed except through the command's own committed record, non-destructively;
// every rejected record carries a reason (properties/journal_harness.hpp).
//
// Reproduce: RC_PARAMS="reproduce=..." (printed on failure) or RC_PARAMS="seed=N".

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>
#include <rapidcheck/state.h>

#include "clawvm/journal.hpp"
#include "clawvm/sqlite_store.hpp"
#include "journal_harness.hpp"
#include "journal_model.hpp"
#include "mutant.hpp"
#include "show.hpp"

namespace {

using namespace clawvm;
using namespace clawvm::props;

// ---- model ------------------------------------------------------------------------------

struct model_entry {
  generated_update g;
  std::uint64_t seq = 0;
  std::uint64_t version_at_validate = 0;  // the key's version when validated (0: no value)
};

struct actions_model {
  journal_model base;                  // committed values, durable log, next seq
  std::vector<model_entry> staged;     // in staging order
  std::vector<model_entry> validated;  // in validation order

  prediction predict(const model_entry& e) const { return base.predict(e.g.u, e.g.value, e.g.writer); }

  std::uint64_t key_version(const update& u) const {
    const model_value* v = base.find(u.scope, u.field);
    return v != nullptr ? v->version : 0;
  }

  // The store accepts a record only when its seq is above the last durable one.
  bool appendable(std::uint64_t seq) const { return seq > base.last_durable_seq(); }

  void record(const model_entry& e, reason_code reason, std::optional<model_value> result) {
    const update& u = e.g.u;
    base.durable.push_back({e.seq, u.page_id, u.field, u.op, u.scope,
                            reason == reason_code::ok ? journal_phase::committed : journal_phase::rejected,
                            reason, std::move(result)});
  }

  // What clawvm::commit decides for a validated entry now: the merge rule re-checked
  // against the key's current value, then the store's seq-order check.
  prediction predict_commit(const model_entry& e) const {
    prediction p = predict(e);
    if (p.reason == reason_code::ok && !appendable(e.seq)) p.reason = reason_code::store_io_error;
    return p;
  }
};

std::optional<std::size_t> find_seq(const std::vector<model_entry>& v, std::uint64_t seq) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].seq == seq) return i;
  }
  return std::nullopt;
}

// Picks one of `candidates` (seqs): mostly the oldest, so most appends land in seq order,
// sometimes any, so out-of-order commits are exercised too.
std::uint64_t pick_seq(const std::vector<std::uint64_t>& candidates) {
  RC_PRE(!candidates.empty());
  if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) return candidates.front();
  return *rc::gen::elementOf(candidates);
}

// ---- system under test ------------------------------------------------------------------

struct actions_sut {
  journal_sut core;
  std::vector<staged_entry> staged;     // same order as the model's
  std::vector<validated_entry> validated;
};

template <class Entry>
std::size_t sut_index(const std::vector<Entry>& v, std::uint64_t seq) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].seq() == seq) return i;
  }
  RC_FAIL("entry with seq " + std::to_string(seq) + " missing from the system under test");
  return v.size();
}

// ---- global checks ----------------------------------------------------------------------

// After every command, against the model after the command. `committed` is the command's
// own committed record (Commit only).
void check_global(const actions_model& m, const actions_sut& sut, const values_snapshot& before,
                  const journal_record* committed) {
  const sqlite_store& store = *sut.core.store;
  check_values(m.base, store);
  check_records(m.base, store);
  check_changes(before, snapshot(store), committed);
  for (const journal_record& r : store.records()) {
    RC_ASSERT((r.phase == journal_phase::rejected) == (r.reason != reason_code::ok));
  }
  RC_ASSERT(sut.staged.size() == m.staged.size());
  for (std::size_t i = 0; i < m.staged.size(); ++i) RC_ASSERT(sut.staged[i].seq() == m.staged[i].seq);
  RC_ASSERT(sut.validated.size() == m.validated.size());
  for (std::size_t i = 0; i < m.validated.size(); ++i) RC_ASSERT(sut.validated[i].seq() == m.validated[i].seq);
  RC_ASSERT(sut.core.log.next_seq() == m.base.next_seq);
}

// ---- commands (tla/Journal.tla actions) -------------------------------------------------

using command = rc::state::Command<actions_model, actions_sut>;

struct Stage : command {
  generated_update g;
  explicit Stage(const actions_model& m) : g(*gen_update(m.base)) {
    // Half of the updates are focused: valid, on two hot keys, by a principal allowed to
    // write them, so several validated entries race for the same key and the commit-time
    // re-check (a key moved between Validate and Commit) is exercised.
    if (*rc::gen::arbitrary<bool>()) {
      update& u = g.u;
      u.field = *rc::gen::weightedElement<std::string>({{3, valid_fields[0]}, {1, valid_fields[1]}});
      u.scope = scope::session;
      u.page_id = "ev-1";
      u.evidence_ref = "ev-0";
      g.writer = principal{true, true};
      g.value = *rc::gen::suchThat(gen_value(u.op), [](const value_case& v) {
        return v.parsed.has_value() && v.text.size() <= value_bytes_max;
      });
      u.value_json = g.value.text;
      const model_value* current = m.base.find(u.scope, u.field);
      const std::uint64_t right = current != nullptr ? current->version : 0;
      u.expected_version = *rc::gen::weightedElement<std::uint64_t>({{4, right}, {1, right + 1}});
    }
  }

  void apply(actions_model& m) const override { m.staged.push_back({g, m.base.next_seq++, 0}); }

  void run(const actions_model& m, actions_sut& sut) const override {
    const values_snapshot before = snapshot(*sut.core.store);
    const std::size_t records_before = sut.core.store->records().size();
    staged_entry e = sut.core.log.stage(g.u);
    RC_ASSERT(e.seq() == m.base.next_seq);
    RC_ASSERT(e.reason() == reason_code::ok);
    RC_ASSERT(snapshot(*sut.core.store) == before);  // staging applies nothing
    RC_ASSERT(sut.core.store->records().size() == records_before);
    sut.staged.push_back(std::move(e));
    actions_model next = m;
    apply(next);
    check_global(next, sut, before, nullptr);
  }

  void show(std::ostream& os) const override {
    os << "Stage ";
    show_update(g.u, os);
    os << " writer{session=" << g.writer.may_write_session << " project=" << g.writer.may_write_project << "}";
  }
};

// Validate(i) and Reject(i) of a staged entry: which one applies is the model's verdict.
struct Validate : command {
  std::uint64_t seq = 0;
  explicit Validate(const actions_model& m) {
    std::vector<std::uint64_t> candidates;
    for (const model_entry& e : m.staged) {
      if (m.predict(e).reason == reason_code::ok) candidates.push_back(e.seq);
    }
    seq = pick_seq(candidates);
  }

  void checkPreconditions(const actions_model& m) const override {
    const auto i = find_seq(m.staged, seq);
    RC_PRE(i.has_value());
    RC_PRE(m.predict(m.staged[*i]).reason == reason_code::ok);
  }

  void apply(actions_model& m) const override {
    const std::size_t i = *find_seq(m.staged, seq);
    model_entry e = m.staged[i];
    m.staged.erase(m.staged.begin() + static_cast<std::ptrdiff_t>(i));
    e.version_at_validate = m.key_version(e.g.u);
    m.validated.push_back(std::move(e));
  }

  void run(const actions_model& m, actions_sut& sut) const override {
    const model_entry& want = m.staged[*find_seq(m.staged, seq)];
    const values_snapshot before = snapshot(*sut.core.store);
    const std::size_t records_before = sut.core.store->records().size();
    const std::size_t i = sut_index(sut.staged, seq);
    auto checked = validate(std::move(sut.staged[i]), sut.core.context(want.g.writer));
    sut.staged.erase(sut.staged.begin() + static_cast<std::ptrdiff_t>(i));
    const auto* rejected = std::get_if<rejected_entry>(&checked);
    const reason_code got = rejected != nullptr ? rejected->reason() : reason_code::ok;
    RC_ASSERT(got == reason_code::ok);  // the model predicted a pass
    auto& validated = std::get<validated_entry>(checked);
    RC_ASSERT(validated.seq() == seq);
    RC_ASSERT(snapshot(*sut.core.store) == before);  // validation applies nothing
    RC_ASSERT(sut.core.store->records().size() == records_before);
    sut.validated.push_back(std::move(validated));
    actions_model next = m;
    apply(next);
    check_global(next, sut, before, nullptr);
  }

  void show(std::ostream& os) const override { os << "Validate #" << seq; }
};

struct Reject : command {
  std::uint64_t seq = 0;
  explicit Reject(const actions_model& m) {
    std::vector<std::uint64_t> candidates;
    for (const model_entry& e : m.staged) {
      if (m.predict(e).reason != reason_code::ok) candidates.push_back(e.seq);
    }
    seq = pick_seq(candidates);
  }

  void checkPreconditions(const actions_model& m) const override {
    const auto i = find_seq(m.staged, seq);
    RC_PRE(i.has_value());
    RC_PRE(m.predict(m.staged[*i]).reason != reason_code::ok);
  }

  void apply(actions_model& m) const override {
    const std::size_t i = *find_seq(m.staged, seq);
    const model_entry e = m.staged[i];
    m.staged.erase(m.staged.begin() + static_cast<std::ptrdiff_t>(i));
    if (m.appendable(e.seq)) m.record(e, m.predict(e).reason, std::nullopt);
  }

  void run(const actions_model& m, actions_sut& sut) const override {
    const model_entry& want = m.staged[*find_seq(m.staged, seq)];
    const reason_code predicted = m.predict(want).reason;
    const values_snapshot before = snapshot(*sut.core.store);
    const std::size_t i = sut_index(sut.staged, seq);
    auto checked = validate(std::move(sut.staged[i]), sut.core.context(want.g.writer));
    sut.staged.erase(sut.staged.begin() + static_cast<std::ptrdiff_t>(i));
    const auto* rejected = std::get_if<rejected_entry>(&checked);
    const reason_code got = rejected != nullptr ? rejected->reason() : reason_code::ok;
    RC_ASSERT(got == predicted);
    RC_ASSERT(rejected != nullptr);
    RC_ASSERT(rejected->seq() == seq);
    RC_ASSERT(snapshot(*sut.core.store) == before);  // a rejection applies nothing
    // Recorded with its reason, as journal::writeback does (JR-8).
    const journal_record rec{rejected->seq(), rejected->payload(), journal_phase::rejected,
                             rejected->reason(), {}, false};
    const reason_code stored = sut.core.store->append(rec);
    RC_ASSERT(stored == (m.appendable(seq) ? reason_code::ok : reason_code::store_io_error));
    if (stored == reason_code::ok) {
      const auto records = sut.core.store->records();
      RC_ASSERT(!records.empty());
      RC_ASSERT(records.back() == rec);  // durable, reason included
      RC_ASSERT(sut.core.store->last_seq() == seq);
    }
    actions_model next = m;
    apply(next);
    check_global(next, sut, before, nullptr);
  }

  void show(std::ostream& os) const override { os << "Reject #" << seq; }
};

struct Commit : command {
  std::uint64_t seq = 0;
  explicit Commit(const actions_model& m) {
    std::vector<std::uint64_t> candidates;
    for (const model_entry& e : m.validated) candidates.push_back(e.seq);
    seq = pick_seq(candidates);
  }

  void checkPreconditions(const actions_model& m) const override { RC_PRE(find_seq(m.validated, seq).has_value()); }

  void apply(actions_model& m) const override {
    const std::size_t i = *find_seq(m.validated, seq);
    const model_entry e = m.validated[i];
    m.validated.erase(m.validated.begin() + static_cast<std::ptrdiff_t>(i));
    const prediction p = m.predict_commit(e);
    if (p.reason == reason_code::ok) {
      m.base.values[{e.g.u.scope, e.g.u.field}] = p.next;
      m.record(e, reason_code::ok, p.next);
    } else if (m.appendable(e.seq)) {
      m.record(e, p.reason, std::nullopt);
    }
  }

  void run(const actions_model& m, actions_sut& sut) const override {
    const model_entry& want = m.validated[*find_seq(m.validated, seq)];
    const prediction p = m.predict_commit(want);
    // The commit-time re-check can only reject when the key moved since Validate.
    const bool moved = m.key_version(want.g.u) != want.version_at_validate;
    if (!moved) {
      RC_ASSERT(m.predict(want).reason == reason_code::ok);
    } else {
      const reason_code r = m.predict(want).reason;
      RC_ASSERT(r == reason_code::ok || r == reason_code::stale_version || r == reason_code::destructive_op);
    }
    const values_snapshot before = snapshot(*sut.core.store);
    const std::size_t i = sut_index(sut.validated, seq);
    auto done = commit(std::move(sut.validated[i]), *sut.core.store, merge_mode::non_destructive);
    sut.validated.erase(sut.validated.begin() + static_cast<std::ptrdiff_t>(i));
    const journal_record* committed = nullptr;
    journal_record rec;
    if (auto* c = std::get_if<committed_entry>(&done)) {
      RC_ASSERT(reason_code::ok == p.reason);
      RC_ASSERT(c->seq() == seq);
      RC_ASSERT(!c->overwrote_committed());
      RC_ASSERT(c->result().value_json == p.next.value.dump());
      RC_ASSERT(c->result().version == p.next.version);
      rec = {c->seq(), c->payload(), journal_phase::committed, reason_code::ok, c->result(), false};
      committed = &rec;
      const auto records = sut.core.store->records();
      RC_ASSERT(!records.empty());
      RC_ASSERT(records.back() == rec);
    } else {
      const auto& r = std::get<rejected_entry>(done);
      RC_ASSERT(r.reason() == p.reason);
      RC_ASSERT(snapshot(*sut.core.store) == before);  // a rejected commit applies nothing
      rec = {r.seq(), r.payload(), journal_phase::rejected, r.reason(), {}, false};
      const reason_code stored = sut.core.store->append(rec);
      RC_ASSERT(stored == (m.appendable(seq) ? reason_code::ok : reason_code::store_io_error));
    }
    actions_model next = m;
    apply(next);
    check_global(next, sut, before, committed);
  }

  void show(std::ostream& os) const override { os << "Commit #" << seq; }
};

struct Reopen : command {
  explicit Reopen(const actions_model& /*m*/) {}

  // Staged and validated entries live in memory only: never applied, lost with the
  // process. The journal restarts after the last durable seq (engine.cpp does the same).
  void apply(actions_model& m) const override {
    m.staged.clear();
    m.validated.clear();
    m.base.next_seq = m.base.last_durable_seq() + 1;
  }

  void run(const actions_model& m, actions_sut& sut) const override {
    const values_snapshot before = snapshot(*sut.core.store);
    sut.staged.clear();
    sut.validated.clear();
    sut.core.store.reset();
    sut.core.store = open_store(sut.core.path);
    sut.core.log = journal{sut.core.store->last_seq() + 1};
    RC_ASSERT(sut.core.store->last_seq() == m.base.last_durable_seq());
    RC_ASSERT(sut.core.store->integrity_check());
    RC_ASSERT(sut.core.store->verify_consistency().empty());
    actions_model next = m;
    apply(next);
    check_global(next, sut, before, nullptr);
  }

  void show(std::ostream& os) const override { os << "Reopen"; }
};

}  // namespace

TEST_CASE("journal actions: TLA+ actions as commands against sqlite_store",
          "[journal][props][stateful][tla]") {
  rc::prop("Stage/Validate/Reject/Commit/Reopen follow tla/Journal.tla and the model", [] {
    actions_sut sut;
    rc::state::check(actions_model{}, sut,
                     rc::state::gen::execOneOfWithArgs<Stage, Stage, Stage, Validate, Validate, Validate,
                                                       Reject, Commit, Commit, Reopen>());
  });
}
