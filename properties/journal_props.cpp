// Stateful property test of the validated writeback journal (brief §3, spec/journal.md,
// tla/Journal.tla) against the SQLite durable tier, with the model in
// properties/journal_model.hpp. Commands mirror the journal's actions:
//   Writeback        journal::writeback (stage + validate + commit, rejections logged)
//   PhasedWriteback  the typestate path: stage, validate, commit as three calls
//   StageOnly        stage and drop (staged entries are never applied)
//   Reopen           close the sqlite_store and open the file again
// After every command: every committed value equals the model's, the store's journal
// equals the model's durable log, no value changed except by the command's own committed
// record, and that change was non-destructive (properties/journal_invariants.hpp).
//
// Reproduce: RC_PARAMS="reproduce=..." (printed on failure) or RC_PARAMS="seed=N".
// Longer: RC_PARAMS="max_success=100000" build/gcc-debug/properties/journal_props

#include <string>

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>
#include <rapidcheck/state.h>

#include "clawvm/journal.hpp"
#include "clawvm/sqlite_store.hpp"
#include "journal_harness.hpp"
#include "journal_invariants.hpp"
#include "journal_model.hpp"
#include "show.hpp"

namespace {

using namespace clawvm;
using namespace clawvm::props;

// ---- commands ---------------------------------------------------------------------------

using command = rc::state::Command<journal_model, journal_sut>;

struct writeback_cmd : command {
  generated_update g;
  explicit writeback_cmd(const journal_model& m) : g(*gen_update(m)) {}

  void apply(journal_model& m) const override { m.apply(g.u, g.value, g.writer, true); }

  void run(const journal_model& m, journal_sut& sut) const override {
    const prediction want = m.predict(g.u, g.value, g.writer);
    const values_snapshot before = snapshot(*sut.store);
    const journal_record rec =
        sut.log.writeback(g.u, sut.context(g.writer), *sut.store, merge_mode::non_destructive);
    RC_ASSERT(rec.seq == m.next_seq);
    RC_ASSERT(rec.reason == want.reason);
    if (want.reason == reason_code::ok) {
      RC_ASSERT(rec.phase == journal_phase::committed);
      RC_ASSERT(!rec.overwrote_committed);
      RC_ASSERT(rec.result.value_json == want.next.value.dump());
    } else {
      RC_ASSERT(rec.phase == journal_phase::rejected);
    }
    RC_ASSERT(sut.log.outcomes().back() == rec);
    check_changes(before, snapshot(*sut.store), rec.phase == journal_phase::committed ? &rec : nullptr);
    journal_model next = m;
    next.apply(g.u, g.value, g.writer, true);
    check_all(next, sut);
  }

  void show(std::ostream& os) const override {
    os << "Writeback ";
    show_update(g.u, os);
    os << " writer{session=" << g.writer.may_write_session << " project=" << g.writer.may_write_project << "}";
  }
};

struct phased_cmd : command {
  generated_update g;
  explicit phased_cmd(const journal_model& m) : g(*gen_update(m)) {}

  void apply(journal_model& m) const override { m.apply(g.u, g.value, g.writer, false); }

  void run(const journal_model& m, journal_sut& sut) const override {
    const prediction want = m.predict(g.u, g.value, g.writer);
    const values_snapshot before = snapshot(*sut.store);
    const std::size_t records_before = sut.store->records().size();

    staged_entry staged = sut.log.stage(g.u);
    RC_ASSERT(staged.seq() == m.next_seq);
    RC_ASSERT(snapshot(*sut.store) == before);  // staging applies nothing

    auto checked = validate(std::move(staged), sut.context(g.writer));
    RC_ASSERT(snapshot(*sut.store) == before);  // neither does validation
    RC_ASSERT(sut.store->records().size() == records_before);
    const journal_record* committed = nullptr;
    journal_record rec;
    if (auto* rejected = std::get_if<rejected_entry>(&checked)) {
      RC_ASSERT(rejected->reason() == want.reason);
      RC_ASSERT(want.reason != reason_code::ok);
    } else {
      RC_ASSERT(want.reason == reason_code::ok);
      auto done = commit(std::move(std::get<validated_entry>(checked)), *sut.store);
      auto* c = std::get_if<committed_entry>(&done);
      RC_ASSERT(c != nullptr);
      RC_ASSERT(c->result().value_json == want.next.value.dump());
      RC_ASSERT(c->result().version == want.next.version);
      rec = {c->seq(), c->payload(), journal_phase::committed, reason_code::ok, c->result(), false};
      committed = &rec;
    }
    check_changes(before, snapshot(*sut.store), committed);
    journal_model next = m;
    next.apply(g.u, g.value, g.writer, false);
    check_all(next, sut);
  }

  void show(std::ostream& os) const override {
    os << "PhasedWriteback ";
    show_update(g.u, os);
    os << " writer{session=" << g.writer.may_write_session << " project=" << g.writer.may_write_project << "}";
  }
};

struct stage_only_cmd : command {
  generated_update g;
  explicit stage_only_cmd(const journal_model& m) : g(*gen_update(m)) {}

  void apply(journal_model& m) const override { ++m.next_seq; }

  void run(const journal_model& m, journal_sut& sut) const override {
    const values_snapshot before = snapshot(*sut.store);
    {
      staged_entry staged = sut.log.stage(g.u);
      RC_ASSERT(staged.seq() == m.next_seq);
    }  // dropped: a staged entry that is never validated leaves no trace
    RC_ASSERT(snapshot(*sut.store) == before);
    check_all(m, sut);
  }

  void show(std::ostream& os) const override {
    os << "StageOnly ";
    show_update(g.u, os);
  }
};

struct reopen_cmd : command {
  // The in-memory journal restarts after the last durable sequence number, as the engine
  // does (engine.cpp: journal_(state.last_seq() + 1)).
  void apply(journal_model& m) const override { m.next_seq = m.last_durable_seq() + 1; }

  void run(const journal_model& m, journal_sut& sut) const override {
    sut.store.reset();
    sut.store = open_store(sut.path);
    sut.log = journal{sut.store->last_seq() + 1};
    RC_ASSERT(sut.store->last_seq() == m.last_durable_seq());
    RC_ASSERT(sut.store->integrity_check());
    RC_ASSERT(sut.store->verify_consistency().empty());
    journal_model next = m;
    apply(next);
    check_all(next, sut);
  }

  void show(std::ostream& os) const override { os << "Reopen"; }
};

}  // namespace

TEST_CASE("journal: stateful model check against sqlite_store", "[journal][props][stateful]") {
  rc::prop("committed state follows the model; rejections carry the predicted reason", [] {
    journal_sut sut;
    rc::state::check(journal_model{}, sut,
                     rc::state::gen::execOneOfWithArgs<writeback_cmd, writeback_cmd, writeback_cmd,
                                                       phased_cmd, phased_cmd, stage_only_cmd,
                                                       reopen_cmd>());
  });
}
