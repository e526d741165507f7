// The durable tier on SQLite (spec/store.md ST-1): creation, reopen, refusal of foreign
// and newer files, atomic appends, byte-exact values, and the consistency checks the
// crash test (tests/store_crash_test.cpp) relies on.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <variant>
#include <vector>

// Failed comparisons of std::optional<committed_value> print both sides.
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>

#include "store_records.hpp"

#include "clawvm/durable_store.hpp"
#include "clawvm/merge_rules.hpp"
#include "clawvm/sqlite_store.hpp"

namespace Catch {
// Values can be megabytes: print a prefix.
inline std::string shortened(const std::string& bytes) {
  constexpr std::size_t shown_bytes_max = 80;
  if (bytes.size() <= shown_bytes_max) return bytes;
  return bytes.substr(0, shown_bytes_max) + "...(" + std::to_string(bytes.size()) + " bytes)";
}
template <>
struct StringMaker<clawvm::committed_value> {
  static std::string convert(const clawvm::committed_value& v) {
    return "{v" + std::to_string(v.version) + " " + shortened(v.value_json) + "}";
  }
};
template <>
struct StringMaker<clawvm::journal_record> {
  static std::string convert(const clawvm::journal_record& r) {
    return "{seq " + std::to_string(r.seq) + " " + std::string(to_string(r.phase)) + " " +
           std::string(to_string(r.reason)) + " " + std::string(to_string(r.staged.op)) + " " +
           shortened(r.staged.field) + " -> " +
           StringMaker<clawvm::committed_value>::convert(r.result) + "}";
  }
};
}  // namespace Catch

namespace fs = std::filesystem;
using namespace clawvm;

namespace {

// A fresh directory per test, removed with everything in it.
class scratch_dir {
 public:
  scratch_dir() {
    static std::atomic<unsigned> counter{0};
    std::random_device entropy;
    path_ = fs::temp_directory_path() /
            ("clawvm-store-test-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter.fetch_add(1)) + "-" + std::to_string(entropy()));
    fs::create_directories(path_);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  ~scratch_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::unique_ptr<sqlite_store> open_ok(const std::string& path) {
  auto opened = sqlite_store::open(path);
  if (auto* error = std::get_if<store_error>(&opened)) FAIL("open failed: " << error->message);
  auto store = std::move(std::get<std::unique_ptr<sqlite_store>>(opened));
  REQUIRE(store != nullptr);
  return store;
}

store_error open_fails(const std::string& path) {
  auto opened = sqlite_store::open(path);
  REQUIRE(std::holds_alternative<store_error>(opened));
  return std::get<store_error>(opened);
}

// Raw SQLite access for inspecting and tampering with a store file from outside.
class raw_db {
 public:
  explicit raw_db(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_.reset(db);
    REQUIRE(rc == SQLITE_OK);
  }
  void exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message);
    const std::string text = message != nullptr ? message : "";
    sqlite3_free(message);
    INFO(sql << ": " << text);
    REQUIRE(rc == SQLITE_OK);
  }
  // Every row's first column as text.
  std::vector<std::string> column(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(stmt);
    REQUIRE(rc == SQLITE_DONE);
    return out;
  }
  std::string scalar(const std::string& sql) {
    auto rows = column(sql);
    REQUIRE(rows.size() == 1);
    return rows.front();
  }

 private:
  struct closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, closer> db_;
};

update make_update(std::string field, journal_op op, std::string value_json,
                   std::uint64_t expected_version = 0, clawvm::scope s = clawvm::scope::session) {
  update u;
  u.page_id = "page:" + field;
  u.field = std::move(field);
  u.op = op;
  u.value_json = std::move(value_json);
  u.scope = s;
  u.evidence_ref = "evidence:1";
  u.expected_version = expected_version;
  return u;
}

using clawvm::test::merged_record;

journal_record rejected_record(std::uint64_t seq, const update& u, reason_code why) {
  journal_record rec;
  rec.seq = seq;
  rec.staged = u;
  rec.phase = journal_phase::rejected;
  rec.reason = why;
  return rec;
}

journal_record committed_record(std::uint64_t seq, const update& u, committed_value result) {
  journal_record rec;
  rec.seq = seq;
  rec.staged = u;
  rec.phase = journal_phase::committed;
  rec.result = std::move(result);
  return rec;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A mixed history: appends, merges, versioned sets, in both scopes, with the merge rules'
// own rejections (destructive merge, stale version) and a scope denial.
std::vector<journal_record> write_mixed_history(sqlite_store& store) {
  const std::vector<update> updates{
      make_update("notes", journal_op::append, R"({"text":"first"})"),
      make_update("notes", journal_op::append, R"({"text":"second"})"),
      make_update("prefs", journal_op::merge, R"({"theme":"dark"})"),
      make_update("prefs", journal_op::merge, R"({"units":"metric"})"),
      make_update("prefs", journal_op::merge, R"({"theme":"light"})"),  // destructive_op
      make_update("plan", journal_op::set_with_version, R"({"step":1})", 0),
      make_update("plan", journal_op::set_with_version, R"({"step":2})", 0),  // stale_version
      make_update("plan", journal_op::set_with_version, R"({"step":2})", 1),
      make_update("goal", journal_op::set_with_version, R"("ship it")", 0, clawvm::scope::project),
      make_update("notes", journal_op::append, R"(3)"),
  };
  std::vector<journal_record> written;
  std::uint64_t seq = 0;
  for (const auto& u : updates) {
    written.push_back(merged_record(store, ++seq, u));
    REQUIRE(store.append(written.back()) == reason_code::ok);
  }
  written.push_back(rejected_record(
      ++seq, make_update("secrets", journal_op::set_with_version, "1", 0, clawvm::scope::project),
      reason_code::scope_denied));
  REQUIRE(store.append(written.back()) == reason_code::ok);
  return written;
}

}  // namespace

TEST_CASE("open creates a new store in WAL mode with the current schema", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  REQUIRE_FALSE(fs::exists(path));
  {
    auto store = open_ok(path);
    CHECK(fs::exists(path));
    CHECK(store->path() == path);
    CHECK(store->last_seq() == 0);
    CHECK(store->records().empty());
    CHECK_FALSE(store->find(clawvm::scope::session, "anything").has_value());
    CHECK(store->integrity_check());
    CHECK(store->verify_consistency().empty());
    CHECK(store->last_error().empty());
  }
  raw_db raw(path);
  CHECK(raw.scalar("PRAGMA journal_mode") == "wal");
  CHECK(raw.scalar("PRAGMA application_id") == std::to_string(sqlite_store_application_id));
  CHECK(raw.scalar("SELECT value FROM meta WHERE key = 'schema_version'") ==
        std::to_string(sqlite_store_schema_version));
  CHECK(raw.column("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") ==
        std::vector<std::string>{"committed_value", "journal", "meta"});
}

TEST_CASE("reopen restores every committed and rejected record and every value", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  std::vector<journal_record> written;
  {
    auto store = open_ok(path);
    written = write_mixed_history(*store);
    CHECK(store->records() == written);
  }
  // The same records through the in-memory state give the values to expect.
  memory_store expected;
  for (const auto& rec : written) REQUIRE(expected.append(rec) == reason_code::ok);

  auto store = open_ok(path);
  CHECK(store->records() == written);
  CHECK(store->last_seq() == written.back().seq);
  for (const auto& rec : written) {
    INFO("key " << rec.staged.field);
    CHECK(store->find(rec.staged.scope, rec.staged.field) ==
          expected.find(rec.staged.scope, rec.staged.field));
  }
  // Spot checks that the history really exercised the merge rules.
  CHECK(store->find(clawvm::scope::session, "notes") ==
        committed_value{R"([{"text":"first"},{"text":"second"},3])", 3});
  CHECK(store->find(clawvm::scope::session, "prefs") ==
        committed_value{R"({"theme":"dark","units":"metric"})", 2});
  CHECK(store->find(clawvm::scope::session, "plan") == committed_value{R"({"step":2})", 2});
  CHECK(store->find(clawvm::scope::project, "goal") == committed_value{R"("ship it")", 1});
  CHECK_FALSE(store->find(clawvm::scope::session, "goal").has_value());  // scopes are apart
  CHECK_FALSE(store->find(clawvm::scope::project, "secrets").has_value());
  CHECK(store->integrity_check());
  CHECK(store->verify_consistency().empty());
}

TEST_CASE("rejected records are persisted with their reason codes and change no value", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  const update plan = make_update("plan", journal_op::set_with_version, R"({"step":1})", 0);
  const std::vector<reason_code> reasons{
      reason_code::destructive_op, reason_code::scope_denied, reason_code::stale_version,
      reason_code::provenance_dangling, reason_code::hard_pin_violation};
  {
    auto store = open_ok(path);
    REQUIRE(store->append(committed_record(1, plan, {R"({"step":1})", 1})) == reason_code::ok);
    std::uint64_t seq = 1;
    for (auto why : reasons) {
      auto attempt = make_update("plan", journal_op::set_with_version, R"({"step":9})", 7);
      REQUIRE(store->append(rejected_record(++seq, attempt, why)) == reason_code::ok);
    }
  }
  auto store = open_ok(path);
  const auto recs = store->records();
  REQUIRE(recs.size() == reasons.size() + 1);
  CHECK(recs[0].phase == journal_phase::committed);
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    CHECK(recs[i + 1].phase == journal_phase::rejected);
    CHECK(recs[i + 1].reason == reasons[i]);
    CHECK(recs[i + 1].staged.value_json == R"({"step":9})");
    CHECK(recs[i + 1].staged.expected_version == 7);
  }
  CHECK(store->find(clawvm::scope::session, "plan") == committed_value{R"({"step":1})", 1});
  CHECK(store->verify_consistency().empty());
  store.reset();

  // On disk the reasons are their stable numbers (reason_code.hpp), not enum positions.
  raw_db raw(path);
  CHECK(raw.column("SELECT reason FROM journal WHERE phase = 3 ORDER BY seq") ==
        std::vector<std::string>{"1", "2", "6", "5", "7"});
}

TEST_CASE("last_seq resumes after reopen and seqs must keep increasing", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  const auto note = [](int n) {
    return make_update("notes", journal_op::append, std::to_string(n));
  };
  {
    auto store = open_ok(path);
    for (std::uint64_t seq = 1; seq <= 5; ++seq) {
      REQUIRE(store->append(merged_record(*store, seq, note(static_cast<int>(seq)))) ==
              reason_code::ok);
    }
    CHECK(store->last_seq() == 5);
  }
  auto store = open_ok(path);
  CHECK(store->last_seq() == 5);
  CHECK(store->append(merged_record(*store, 6, note(6))) == reason_code::ok);
  CHECK(store->last_seq() == 6);

  // A seq at or below the last one is refused (the journal is append-only).
  CHECK(store->append(merged_record(*store, 6, note(60))) == reason_code::store_io_error);
  CHECK(store->append(merged_record(*store, 3, note(30))) == reason_code::store_io_error);
  CHECK(contains(store->last_error(), "seq 3"));
  CHECK(contains(store->last_error(), path));
  CHECK(store->append(rejected_record(0, note(0), reason_code::schema_invalid)) ==
        reason_code::store_io_error);

  // Gaps are allowed (a journal may hand out seqs that never reach the store).
  CHECK(store->append(merged_record(*store, 10, note(10))) == reason_code::ok);
  CHECK(store->last_seq() == 10);
  CHECK(store->append(merged_record(*store, 7, note(7))) == reason_code::store_io_error);
  CHECK(store->last_seq() == 10);
  CHECK(store->find(clawvm::scope::session, "notes") == committed_value{"[1,2,3,4,5,6,10]", 7});
  CHECK(store->verify_consistency().empty());
}

TEST_CASE("a file that is not a SQLite database is refused and left untouched", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("notes.txt");
  std::string text;
  for (int i = 0; i < 200; ++i) text += "this is a text file, not a database\n";
  std::ofstream(path, std::ios::binary) << text;

  const store_error error = open_fails(path);
  CHECK(error.code == reason_code::store_io_error);
  CHECK(contains(error.message, path));
  CHECK(contains(error.message, "not a SQLite database"));
  CHECK(read_file_bytes(path) == text);
  CHECK_FALSE(fs::exists(path + "-wal"));
}

TEST_CASE("a SQLite database of another application is refused and left untouched", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("other.db");
  {
    raw_db raw(path);
    raw.exec("CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT)");
    raw.exec("INSERT INTO accounts(name) VALUES ('alice')");
  }
  const store_error error = open_fails(path);
  CHECK(error.code == reason_code::store_io_error);
  CHECK(contains(error.message, path));
  CHECK(contains(error.message, "not a clawvm store"));

  raw_db raw(path);
  CHECK(raw.column("SELECT name FROM sqlite_schema WHERE type = 'table'") ==
        std::vector<std::string>{"accounts"});
  CHECK(raw.scalar("PRAGMA journal_mode") == "delete");  // not switched to WAL
}

TEST_CASE("a store written by a newer schema version is refused with a clear error", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  {
    auto store = open_ok(path);
    REQUIRE(store->append(merged_record(
                *store, 1, make_update("notes", journal_op::append, "1"))) == reason_code::ok);
  }
  const std::string newer = std::to_string(sqlite_store_schema_version + 1);
  {
    raw_db raw(path);
    raw.exec("UPDATE meta SET value = " + newer + " WHERE key = 'schema_version'");
  }
  const std::string bytes_before = read_file_bytes(path);
  const store_error error = open_fails(path);
  CHECK(error.code == reason_code::store_io_error);
  CHECK(contains(error.message, path));
  CHECK(contains(error.message, "schema version " + newer));
  CHECK(contains(error.message, "newer than this build supports"));
  CHECK(read_file_bytes(path) == bytes_before);
  {
    raw_db raw(path);  // refusing did not rewrite the version or drop data
    CHECK(raw.scalar("SELECT value FROM meta WHERE key = 'schema_version'") == newer);
    CHECK(raw.scalar("SELECT count(*) FROM journal") == "1");
  }

  SECTION("a clawvm file without a schema version is not a store either") {
    {
      raw_db raw(path);
      raw.exec("DELETE FROM meta");
    }
    const store_error missing = open_fails(path);
    CHECK(contains(missing.message, "no schema_version"));
    CHECK(contains(missing.message, path));
  }
}

TEST_CASE("paths that cannot be opened give store_io_error naming the path", "[store]") {
  const scratch_dir dir;

  SECTION("missing directory") {
    const std::string path = (dir.path() / "no-such-dir" / "project.clawvm").string();
    const store_error error = open_fails(path);
    CHECK(error.code == reason_code::store_io_error);
    CHECK(contains(error.message, path));
    CHECK(contains(error.message, "cannot open"));
    CHECK_FALSE(fs::exists(dir.path() / "no-such-dir"));
  }
  SECTION("the path is a directory") {
    const std::string path = dir.path().string();
    const store_error error = open_fails(path);
    CHECK(error.code == reason_code::store_io_error);
    CHECK(contains(error.message, path));
  }
  SECTION("a read-only file system (procfs refuses new files, even to root)") {
    const std::string path = "/proc/clawvm-store-test.clawvm";
    const store_error error = open_fails(path);
    CHECK(error.code == reason_code::store_io_error);
    CHECK(contains(error.message, path));
  }
  SECTION("a directory without write permission") {
    if (::geteuid() == 0) {
      WARN("running as root: directory permissions do not apply, covered by the procfs case");
      return;
    }
    const fs::path locked = dir.path() / "locked";
    fs::create_directory(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    const std::string path = (locked / "project.clawvm").string();
    const store_error error = open_fails(path);
    fs::permissions(locked, fs::perms::owner_all);
    CHECK(error.code == reason_code::store_io_error);
    CHECK(contains(error.message, path));
  }
}

TEST_CASE("a failing append is atomic: no value without its journal row", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  auto store = open_ok(path);
  const update first = make_update("notes", journal_op::append, "1");
  REQUIRE(store->append(merged_record(*store, 1, first)) == reason_code::ok);
  const committed_value v1{"[1]", 1};
  REQUIRE(store->find(clawvm::scope::session, "notes") == v1);
  auto expected_records = store->records();

  SECTION("duplicate seq: the value is written, then the journal insert fails") {
    // Version 2 passes the compare-and-set, so the value row really is overwritten inside
    // the transaction before the primary key refuses the row; the rollback must undo it.
    const auto dup = merged_record(*store, 1, make_update("notes", journal_op::append, "2"));
    REQUIRE(dup.result == committed_value{"[1,2]", 2});
    CHECK(store->append(dup) == reason_code::store_io_error);
    CHECK(contains(store->last_error(), "journal row"));
  }
  SECTION("seq below the last one: refused after both writes") {
    expected_records.push_back(rejected_record(5, first, reason_code::destructive_op));
    REQUIRE(store->append(expected_records.back()) == reason_code::ok);
    const auto late = merged_record(*store, 3, make_update("notes", journal_op::append, "3"));
    CHECK(store->append(late) == reason_code::store_io_error);
    CHECK(contains(store->last_error(), "not above"));
    CHECK(store->last_seq() == 5);
  }
  SECTION("a result computed against a stale value (another writer moved the key)") {
    auto stale = merged_record(*store, 2, make_update("notes", journal_op::append, "2"));
    stale.result.version = 5;
    CHECK(store->append(stale) == reason_code::stale_version);
    CHECK(contains(store->last_error(), "moved"));
  }

  CHECK(store->find(clawvm::scope::session, "notes") == v1);
  CHECK(store->records() == expected_records);
  CHECK(store->verify_consistency().empty());
  // No transaction was left open: the next append goes through, and survives a reopen.
  const auto next = merged_record(*store, 9, make_update("notes", journal_op::append, "9"));
  CHECK(store->append(next) == reason_code::ok);
  store.reset();
  auto reopened = open_ok(path);
  CHECK(reopened->find(clawvm::scope::session, "notes") == committed_value{"[1,9]", 2});
  CHECK(reopened->verify_consistency().empty());
}

TEST_CASE("ST-10: one writer per store: a second open of the file is refused until the first closes", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  auto a = open_ok(path);
  REQUIRE(a->append(merged_record(*a, 1, make_update("plan", journal_op::set_with_version, R"("a")", 0))) ==
          reason_code::ok);
  const store_error refused = open_fails(path);
  CHECK(refused.code == reason_code::store_io_error);
  CHECK(contains(refused.message, "in use by another process"));
  CHECK(contains(refused.message, path));
  // The refusal changed nothing: the first writer goes on.
  CHECK(a->append(merged_record(*a, 2, make_update("plan", journal_op::set_with_version, R"("b")", 1))) ==
        reason_code::ok);
  a.reset();
  auto b = open_ok(path);
  CHECK(b->last_seq() == 2);
  CHECK(b->find(clawvm::scope::session, "plan") == committed_value{R"("b")", 2});
  CHECK(b->verify_consistency().empty());
}

TEST_CASE("ST-3: a path beginning with file: is refused, not read as a SQLite URI", "[store]") {
  const scratch_dir dir;
  const fs::path old = fs::current_path();
  fs::current_path(dir.path());
  const store_error error = open_fails("file:project.clawvm?mode=memory");
  const bool created = fs::exists(dir.path() / "file:project.clawvm?mode=memory") || fs::exists(dir.path() / "project.clawvm");
  fs::current_path(old);
  CHECK(error.code == reason_code::store_io_error);
  CHECK(contains(error.message, "SQLite URIs"));
  CHECK_FALSE(created);
}

TEST_CASE("ST-3: a store file without write permission is refused at open", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  open_ok(path).reset();
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  // Root may write any file: the open then runs in a child that gives up root for
  // nobody's uid, so the check is real for every user that runs the tests.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    auto opened = sqlite_store::open(path);
    const auto* error = std::get_if<store_error>(&opened);
    ::_exit(error != nullptr && error->message.find("read-only") != std::string::npos ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("values and identifiers round-trip byte for byte", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  std::string large(4 * 1024 * 1024, 'x');  // above the journal's schema limit: the store has none
  for (std::size_t i = 0; i < large.size(); i += 97) large[i] = static_cast<char>('a' + i % 26);
  const std::vector<std::string> values{
      "\"h\xC3\xA9llo w\xC3\xB6rld \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E "
      "\xF0\x9F\xA6\x80 e\xCC\x81\"",                 // é ö — 日本語 🦀 e+combining acute
      std::string("\"nul\0inside\"", 12),             // an embedded NUL byte
      "\"\xFF\xFE invalid UTF-8 is kept as is\"",     // the store does not re-encode
      "  { \"spaces\" :  [ 1 , 2 ] }\r\n",            // not canonical: bytes, not JSON
      "\"" + std::string(64 * 1024 - 2, 'q') + "\"",  // exactly value_bytes_max
      large,
  };
  std::vector<journal_record> written;
  {
    auto store = open_ok(path);
    std::uint64_t seq = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      update u = make_update("field." + std::to_string(i), journal_op::set_with_version, values[i]);
      u.page_id = "page:\xE6\x97\xA5\xE6\x9C\xAC/" + std::to_string(i);
      u.evidence_ref = std::string("ev\0id", 5);
      written.push_back(committed_record(++seq, u, {values[i], 1}));
      REQUIRE(store->append(written.back()) == reason_code::ok);
    }
    update empty = make_update("empty", journal_op::append, "");
    written.push_back(rejected_record(++seq, empty, reason_code::schema_invalid));
    REQUIRE(store->append(written.back()) == reason_code::ok);
  }
  auto store = open_ok(path);
  const auto recs = store->records();
  REQUIRE(recs.size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    INFO("record " << i);
    CHECK(recs[i].staged.value_json.size() == written[i].staged.value_json.size());
    CHECK(recs[i] == written[i]);
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto found = store->find(clawvm::scope::session, "field." + std::to_string(i));
    REQUIRE(found.has_value());
    CHECK(found->value_json == values[i]);
  }
  CHECK(recs.back().staged.value_json.empty());
  CHECK(store->verify_consistency().empty());
}

TEST_CASE("verify_consistency and integrity_check report a damaged store", "[store]") {
  const scratch_dir dir;
  const std::string path = dir.file("project.clawvm");
  {
    auto store = open_ok(path);
    write_mixed_history(*store);
    REQUIRE(store->verify_consistency().empty());
    REQUIRE(store->integrity_check());
  }
  const auto problems_after = [&path](const std::string& sql) {
    {
      raw_db raw(path);  // foreign keys are off on this connection: tampering is allowed
      raw.exec(sql);
    }
    auto store = open_ok(path);
    return store->verify_consistency();
  };
  const auto mentions = [](const std::vector<std::string>& problems, const std::string& what) {
    for (const auto& p : problems) {
      if (contains(p, what)) return true;
    }
    return false;
  };

  SECTION("a value that differs from its last committed record") {
    const auto problems =
        problems_after("UPDATE committed_value SET value_json = X'5B5D' WHERE field = 'notes'");
    CHECK(mentions(problems, "differs from the result"));
  }
  SECTION("a value whose journal row is missing") {
    const auto problems = problems_after("DELETE FROM journal WHERE field = 'goal'");
    CHECK(mentions(problems, "has no committed journal record"));
  }
  SECTION("a committed journal row whose value was not applied") {
    const auto problems = problems_after("DELETE FROM committed_value WHERE field = 'plan'");
    CHECK(mentions(problems, "has no value row"));
  }
  SECTION("a value that lags behind its key's last committed record") {
    const auto problems = problems_after(
        "UPDATE committed_value SET seq = 1, value_json = '[{\"text\":\"first\"}]', version = 1 "
        "WHERE field = 'notes'");
    CHECK(mentions(problems, "names seq 1"));
  }
  SECTION("a broken version chain") {
    const auto problems =
        problems_after("UPDATE journal SET result_version = 7 WHERE field = 'prefs' AND seq = 3");
    CHECK(mentions(problems, "does not follow version"));
  }
  SECTION("a rejected record without a reason") {
    const auto problems = problems_after("UPDATE journal SET reason = 0 WHERE phase = 3");
    CHECK(mentions(problems, "rejected with reason OK"));
  }
  SECTION("overwritten file pages fail integrity_check") {
    // Zero the last page of the file (a b-tree page of one of the tables); the header
    // page is kept so the file still opens.
    const auto size = fs::file_size(path);
    const auto page_bytes = std::stoul(raw_db(path).scalar("PRAGMA page_size"));
    REQUIRE(size >= 3 * page_bytes);
    {
      std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
      file.seekp(static_cast<std::streamoff>(size - page_bytes));
      const std::string garbage(page_bytes, '\x5A');
      file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    auto opened = sqlite_store::open(path);
    if (auto* error = std::get_if<store_error>(&opened)) {
      CHECK(error->code == reason_code::store_io_error);  // damage seen already at open
    } else {
      const auto& store = std::get<std::unique_ptr<sqlite_store>>(opened);
      CHECK_FALSE(store->integrity_check());
      CHECK_FALSE(store->integrity_problems().empty());
    }
  }
}

TEST_CASE("an in-memory store works and is private to its handle", "[store]") {
  auto store = open_ok(":memory:");
  REQUIRE(store->append(merged_record(*store, 1, make_update("notes", journal_op::append, "1"))) ==
          reason_code::ok);
  CHECK(store->find(clawvm::scope::session, "notes") == committed_value{"[1]", 1});
  auto other = open_ok(":memory:");
  CHECK(other->last_seq() == 0);
}
