// Stateful property test of the validated writeback journal (brief §3, spec/journal.md,
// tla/Journal.tla) against the SQLite durable tier, with the model in
// properties/journal_model.hpp. Commands mirror the journal's actions:
//   WriteBack        journal::write_back (stage + validate + commit, rejections logged)
//   PhasedWriteBack  the typestate path: stage, validate, commit as three calls
//   StageOnly        stage and drop (staged entries are never applied)
//   Reopen           close the sqlite_store and open the file again
// After every command: every committed value equals the model's, the store's journal
// equals the model's durable log, no value changed except by the command's own committed
// record, and that change was non-destructive (properties/journal_invariants.hpp).
//
// Reproduce: RC_PARAMS="reproduce=..." (printed on failure) or RC_PARAMS="seed=N".
// Longer: RC_PARAMS="max_success=100000" build/gcc-debug/properties/journal_props

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>
#include <rapidcheck/state.h>

#include "clawvm/journal.hpp"
#include "clawvm/sqlite_store.hpp"
#include "journal_invariants.hpp"
#include "journal_model.hpp"
#include "show.hpp"

namespace {

using namespace clawvm;
using namespace clawvm::props;

// ---- system under test ----------------------------------------------------------------

std::filesystem::path fresh_store_path() {
  static std::atomic<unsigned> counter{0};
  // The property is about the journal's logic, not about fsync latency (that is
  // tests/store_crash_test.cpp's job): prefer a RAM-backed directory when there is one,
  // so hundreds of synchronous=FULL commits per sequence stay cheap.
  const char* dir = std::getenv("CLAWVM_PROPS_TMPDIR");
  std::error_code ec;
  const std::filesystem::path base = dir != nullptr ? std::filesystem::path(dir)
                                     : std::filesystem::is_directory("/dev/shm", ec)
                                         ? std::filesystem::path("/dev/shm")
                                         : std::filesystem::temp_directory_path();
  return base / ("clawvm_journal_props_" + std::to_string(::getpid()) + "_" +
                 std::to_string(counter++) + ".db");
}

std::unique_ptr<sqlite_store> open_store(const std::filesystem::path& path) {
  auto opened = sqlite_store::open(path.string());
  if (auto* err = std::get_if<store_error>(&opened)) {
    throw std::runtime_error("cannot open store: " + err->message);
  }
  return std::move(std::get<std::unique_ptr<sqlite_store>>(opened));
}

struct journal_sut {
  std::filesystem::path path = fresh_store_path();
  std::unique_ptr<sqlite_store> store = open_store(path);
  page_table world = make_world_table();
  journal log{store->last_seq() + 1};

  journal_sut() = default;
  journal_sut(const journal_sut&) = delete;
  journal_sut& operator=(const journal_sut&) = delete;
  ~journal_sut() {
    store.reset();
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path.string() + suffix, ec);
    }
  }

  validation_context context(const principal& w) const {
    return {store.get(), &world, w, validation_checks::all()};
  }
};

// ---- generators -------------------------------------------------------------------------

rc::Gen<nlohmann::json> gen_json(int depth) {
  return rc::gen::exec([depth]() -> nlohmann::json {
    const int kind = *rc::gen::inRange(0, depth > 0 ? 7 : 5);
    switch (kind) {
      case 0: return nullptr;
      case 1: return *rc::gen::arbitrary<bool>();
      case 2: return *rc::gen::inRange(-3, 4);
      case 3: return *rc::gen::element<std::string>("a", "b", "x y", "\xc3\xa9t\xc3\xa9", "");
      case 4: return *rc::gen::element<std::string>("done", "step-2", "\\\"q\"");
      case 5: {
        auto arr = nlohmann::json::array();
        const int n = *rc::gen::inRange(0, 3);
        for (int i = 0; i < n; ++i) arr.push_back(*gen_json(depth - 1));
        return arr;
      }
      default: {
        auto obj = nlohmann::json::object();
        const int n = *rc::gen::inRange(0, 3);
        for (int i = 0; i < n; ++i) {
          obj[*rc::gen::element<std::string>("a", "b", "c", "d")] = *gen_json(depth - 1);
        }
        return obj;
      }
    }
  });
}

rc::Gen<nlohmann::json> gen_object() {
  return rc::gen::exec([] {
    auto obj = nlohmann::json::object();
    const int n = *rc::gen::inRange(0, 3);
    for (int i = 0; i < n; ++i) obj[*rc::gen::element<std::string>("a", "b", "c", "d")] = *gen_json(1);
    return obj;
  });
}

rc::Gen<value_case> gen_value(journal_op op) {
  return rc::gen::exec([op] {
    const int kind = *rc::gen::inRange(0, 40);
    if (kind < 35) {
      const nlohmann::json j = (op == journal_op::merge && kind < 30) ? *gen_object() : *gen_json(2);
      // Non-canonical spellings too: validation must canonicalise them.
      const bool pretty = *rc::gen::arbitrary<bool>();
      return value_case{pretty ? j.dump(2) : j.dump(), j};
    }
    if (kind < 39) {
      return value_case{*rc::gen::element<std::string>("", "{", "[1,", "nope", "{\"a\":}", "'x'",
                                                       "\"\xff\"", "\"\xc3\"", "{\"a\":1}}", "NaN"),
                        std::nullopt};
    }
    // Huge: valid JSON, but over the schema's size limit.
    const std::string huge = "\"" + std::string(64U * 1024U, 'h') + "\"";
    return value_case{huge, nlohmann::json(std::string(64U * 1024U, 'h'))};
  });
}

rc::Gen<principal> gen_principal() {
  return rc::gen::weightedElement<principal>(
      {{3, principal{true, false}}, {4, principal{true, true}}, {1, principal{false, true}},
       {1, principal{false, false}}});
}

struct generated_update {
  update u;
  value_case value;
  principal writer;
};

rc::Gen<generated_update> gen_update(const journal_model& m) {
  return rc::gen::exec([m] {  // by value: the shrinker may re-run this later
    generated_update g;
    update& u = g.u;
    u.op = *rc::gen::element(journal_op::append, journal_op::merge, journal_op::set_with_version);
    u.page_id = *rc::gen::weightedElement<std::string>(
        {{10, "ev-1"}, {6, "plan-0"}, {4, "pref-0"}, {3, "ev-0"}, {2, "boot-0"}, {2, "rule-0"},
         {1, "ghost"}, {1, ""}, {1, std::string(257, 'p')}});
    u.field = *rc::gen::weightedElement<std::string>(
        {{8, valid_fields[0]}, {8, valid_fields[1]}, {5, valid_fields[2]}, {5, valid_fields[3]},
         {1, ""}, {1, "bad field"}, {1, std::string(129, 'f')}, {1, "cl\xc3\xa9"}, {1, "a\x01"}});
    u.scope = *rc::gen::weightedElement<scope>({{3, scope::session}, {2, scope::project}});
    u.evidence_ref = *rc::gen::weightedElement<std::string>(
        {{10, "ev-0"}, {5, "ev-1"}, {3, "plan-0"}, {2, ""}, {2, "dangling"}, {1, std::string(257, 'e')}});
    g.value = *gen_value(u.op);
    u.value_json = g.value.text;
    // Versions: right most of the time, stale otherwise (one behind, one ahead, random).
    const model_value* current = m.find(u.scope, u.field);
    const std::uint64_t right = current != nullptr ? current->version : 0;
    const int pick = *rc::gen::inRange(0, 10);
    if (pick < 6) {
      u.expected_version = right;
    } else if (pick < 8) {
      u.expected_version = right + 1;
    } else if (pick < 9) {
      u.expected_version = right > 0 ? right - 1 : 7;
    } else {
      u.expected_version = *rc::gen::inRange<std::uint64_t>(0, 6);
    }
    g.writer = *gen_principal();
    return g;
  });
}

// ---- global checks --------------------------------------------------------------------

using values_snapshot = std::map<std::pair<scope, std::string>, committed_value>;

values_snapshot snapshot(const committed_state& state) {
  values_snapshot out;
  for (scope s : {scope::session, scope::project}) {
    for (const char* f : valid_fields) {
      if (auto v = state.find(s, f)) out[{s, f}] = *v;
    }
  }
  return out;
}

// Committed values equal the model's (same canonical bytes, same version).
void check_values(const journal_model& m, const committed_state& state) {
  for (scope s : {scope::session, scope::project}) {
    for (const char* f : valid_fields) {
      const auto got = state.find(s, f);
      const model_value* want = m.find(s, f);
      RC_ASSERT(got.has_value() == (want != nullptr));
      if (want == nullptr) continue;
      RC_ASSERT(got->value_json == want->value.dump());
      RC_ASSERT(got->version == want->version);
    }
  }
}

// The store's journal equals the model's durable log.
void check_records(const journal_model& m, const committed_state& state) {
  const auto records = state.records();
  RC_ASSERT(records.size() == m.durable.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const journal_record& got = records[i];
    const model_record& want = m.durable[i];
    RC_ASSERT(got.seq == want.seq);
    RC_ASSERT(got.phase == want.phase);
    RC_ASSERT(got.reason == want.reason);
    RC_ASSERT(got.staged.field == want.field);
    RC_ASSERT(got.staged.page_id == want.page_id);
    RC_ASSERT(got.staged.op == want.op);
    RC_ASSERT(got.staged.scope == want.key_scope);
    if (want.result) {
      RC_ASSERT(got.result.value_json == want.result->value.dump());
      RC_ASSERT(got.result.version == want.result->version);
    }
  }
}

// No value changed except the command's own key, and only through a committed record
// whose change is non-destructive.
void check_changes(const values_snapshot& before, const values_snapshot& after,
                   const journal_record* committed) {
  for (const auto& [key, value] : after) {
    auto old = before.find(key);
    if (old != before.end() && old->second == value) continue;
    RC_ASSERT(committed != nullptr);
    RC_ASSERT(key.first == committed->staged.scope);
    RC_ASSERT(key.second == committed->staged.field);
    const auto previous = old == before.end() ? std::nullopt : std::optional{old->second};
    const std::string broken = check_committed_transition(previous, value, committed->staged);
    RC_ASSERT(broken == std::string{});
  }
  for (const auto& [key, value] : before) RC_ASSERT(after.count(key) == 1U);  // never deleted
}

void check_all(const journal_model& after_model, const journal_sut& sut) {
  check_values(after_model, *sut.store);
  check_records(after_model, *sut.store);
}

// ---- commands ---------------------------------------------------------------------------

using command = rc::state::Command<journal_model, journal_sut>;

struct write_back_cmd : command {
  generated_update g;
  explicit write_back_cmd(const journal_model& m) : g(*gen_update(m)) {}

  void apply(journal_model& m) const override { m.apply(g.u, g.value, g.writer, true); }

  void run(const journal_model& m, journal_sut& sut) const override {
    const prediction want = m.predict(g.u, g.value, g.writer);
    const values_snapshot before = snapshot(*sut.store);
    const journal_record rec =
        sut.log.write_back(g.u, sut.context(g.writer), *sut.store, merge_mode::non_destructive);
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
    os << "WriteBack ";
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
    os << "PhasedWriteBack ";
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
                     rc::state::gen::execOneOfWithArgs<write_back_cmd, write_back_cmd, write_back_cmd,
                                                       phased_cmd, phased_cmd, stage_only_cmd,
                                                       reopen_cmd>());
  });
}
