#pragma once
// The journal property harness shared by properties/journal_props.cpp and
// properties/journal_actions_props.cpp: the system under test (an sqlite_store on a temp
// file, the fixed world page table, a journal), the update generators, and the global
// checks run after every command (committed values and durable log equal the model's;
// values change only through their own committed record, non-destructively).

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <unistd.h>

#include <rapidcheck.h>

#include "clawvm/journal.hpp"
#include "clawvm/sqlite_store.hpp"
#include "journal_invariants.hpp"
#include "journal_model.hpp"

namespace clawvm::props {

// ---- system under test ----------------------------------------------------------------

inline std::filesystem::path fresh_store_path() {
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

inline std::unique_ptr<sqlite_store> open_store(const std::filesystem::path& path) {
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

inline rc::Gen<nlohmann::json> gen_json(int depth) {
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

inline rc::Gen<nlohmann::json> gen_object() {
  return rc::gen::exec([] {
    auto obj = nlohmann::json::object();
    const int n = *rc::gen::inRange(0, 3);
    for (int i = 0; i < n; ++i) obj[*rc::gen::element<std::string>("a", "b", "c", "d")] = *gen_json(1);
    return obj;
  });
}

inline rc::Gen<value_case> gen_value(journal_op op) {
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

inline rc::Gen<principal> gen_principal() {
  return rc::gen::weightedElement<principal>(
      {{3, principal{true, false}}, {4, principal{true, true}}, {1, principal{false, true}},
       {1, principal{false, false}}});
}

struct generated_update {
  update u;
  value_case value;
  principal writer;
};

inline rc::Gen<generated_update> gen_update(const journal_model& m) {
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

inline values_snapshot snapshot(const durable_store& state) {
  values_snapshot out;
  for (scope s : {scope::session, scope::project}) {
    for (const char* f : valid_fields) {
      if (auto v = state.find(s, f)) out[{s, f}] = *v;
    }
  }
  return out;
}

// Committed values equal the model's (same canonical bytes, same version).
inline void check_values(const journal_model& m, const durable_store& state) {
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
inline void check_records(const journal_model& m, const durable_store& state) {
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
inline void check_changes(const values_snapshot& before, const values_snapshot& after,
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

inline void check_all(const journal_model& after_model, const journal_sut& sut) {
  check_values(after_model, *sut.store);
  check_records(after_model, *sut.store);
}
}  // namespace clawvm::props
