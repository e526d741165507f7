// The durable tier on SQLite: spec/store.md ST-1; tla/Journal.tla action Commit (the
// journal row and the value change become visible together or not at all).
#include "clawvm/sqlite_store.hpp"

#include <sqlite3.h>

#include <climits>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include <gsl/assert>
#include <gsl/narrow>
#include <gsl/pointers>

namespace clawvm {

namespace {

// ---- RAII for the two SQLite handles ----------------------------------------------------

struct db_closer {
  // close_v2 defers the close until every statement is finalized, so member destruction
  // order can never leak the connection.
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using db_handle = std::unique_ptr<sqlite3, db_closer>;

struct stmt_finalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using stmt_handle = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

struct sqlite_freer {
  void operator()(char* p) const noexcept { sqlite3_free(p); }
};
using sqlite_message = std::unique_ptr<char, sqlite_freer>;

// One use of a cached statement. Resetting at the end releases the read snapshot a
// half-stepped SELECT would keep; clearing the bindings drops the pointers to caller
// strings that were bound without copying.
class statement_use {
 public:
  explicit statement_use(gsl::not_null<sqlite3_stmt*> s) noexcept : stmt_(s) {}
  statement_use(const statement_use&) = delete;
  statement_use& operator=(const statement_use&) = delete;
  ~statement_use() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  sqlite3_stmt* get() const noexcept { return stmt_; }

 private:
  gsl::not_null<sqlite3_stmt*> stmt_;
};

// ---- binding and reading columns ----------------------------------------------------------

constexpr auto int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// One writer per store (ST-10): the connection holds SQLite's exclusive lock from open to
// close, so there is no lock to wait for; a second opener is refused at once.
constexpr int busy_timeout_ms = 0;

// Binds without copying (nullptr destructor = SQLITE_STATIC): the string outlives the
// statement_use that clears the binding. Zero-length data keeps a non-null pointer, so an
// empty value is stored as an empty blob, not NULL.
int bind_text(sqlite3_stmt* s, int index, std::string_view text) {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) return SQLITE_TOOBIG;
  return sqlite3_bind_text(s, index, text.empty() ? "" : text.data(), gsl::narrow<int>(text.size()),
                           nullptr);
}
int bind_blob(sqlite3_stmt* s, int index, std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) return SQLITE_TOOBIG;
  return sqlite3_bind_blob(s, index, bytes.empty() ? "" : bytes.data(),
                           gsl::narrow<int>(bytes.size()), nullptr);
}
int bind_u64(sqlite3_stmt* s, int index, std::uint64_t value) {
  if (value > int64_max) return SQLITE_RANGE;
  return sqlite3_bind_int64(s, index, gsl::narrow<sqlite3_int64>(value));
}
int bind_small(sqlite3_stmt* s, int index, unsigned value) {
  return sqlite3_bind_int(s, index, gsl::narrow<int>(value));
}

// Text and blob columns as exact bytes (an embedded NUL or invalid UTF-8 survives).
std::string column_bytes(sqlite3_stmt* s, int col) {
  const void* data = sqlite3_column_blob(s, col);
  const int size = sqlite3_column_bytes(s, col);
  if (data == nullptr || size <= 0) return {};
  return std::string(static_cast<const char*>(data), gsl::narrow<std::size_t>(size));
}
std::optional<std::uint64_t> column_u64(sqlite3_stmt* s, int col) {
  const sqlite3_int64 v = sqlite3_column_int64(s, col);
  if (v < 0) return std::nullopt;
  return gsl::narrow<std::uint64_t>(v);
}

// ---- schema -----------------------------------------------------------------------------

// Enum columns hold the stable numbers of update.hpp / durable_store.hpp / reason_code.hpp.
// The value row names the journal row that produced it (deferred foreign key: the value is
// written before the row inside one transaction).
constexpr const char* schema_v1_sql = R"sql(
CREATE TABLE meta(
  key   TEXT PRIMARY KEY NOT NULL,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE journal(
  seq                 INTEGER PRIMARY KEY CHECK (seq > 0),
  page_id             TEXT    NOT NULL,
  field               TEXT    NOT NULL,
  op                  INTEGER NOT NULL CHECK (op IN (0, 1, 2)),
  value_json          BLOB    NOT NULL,
  scope               INTEGER NOT NULL CHECK (scope IN (0, 1)),
  evidence_ref        TEXT    NOT NULL,
  expected_version    INTEGER NOT NULL CHECK (expected_version >= 0),
  phase               INTEGER NOT NULL CHECK (phase IN (2, 3)),
  reason              INTEGER NOT NULL CHECK (reason BETWEEN 0 AND 65535),
  result_value_json   BLOB    NOT NULL,
  result_version      INTEGER NOT NULL CHECK (result_version >= 0),
  overwrote_committed INTEGER NOT NULL CHECK (overwrote_committed IN (0, 1))
);
CREATE TABLE committed_value(
  scope      INTEGER NOT NULL CHECK (scope IN (0, 1)),
  field      TEXT    NOT NULL,
  value_json BLOB    NOT NULL,
  version    INTEGER NOT NULL CHECK (version > 0),
  seq        INTEGER NOT NULL REFERENCES journal(seq) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (scope, field)
) WITHOUT ROWID;
)sql";

constexpr const char* select_value_sql =
    "SELECT value_json, version FROM committed_value WHERE scope = ?1 AND field = ?2";
constexpr const char* upsert_value_sql =
    "INSERT INTO committed_value(scope, field, value_json, version, seq) "
    "VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(scope, field) DO UPDATE SET "
    "value_json = excluded.value_json, version = excluded.version, seq = excluded.seq";
constexpr const char* insert_record_sql =
    "INSERT INTO journal(seq, page_id, field, op, value_json, scope, evidence_ref, "
    "expected_version, phase, reason, result_value_json, result_version, overwrote_committed) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr const char* select_last_seq_sql = "SELECT coalesce(max(seq), 0) FROM journal";
constexpr const char* select_records_sql =
    "SELECT seq, page_id, field, op, value_json, scope, evidence_ref, expected_version, phase, "
    "reason, result_value_json, result_version, overwrote_committed FROM journal ORDER BY seq";
constexpr const char* select_values_sql =
    "SELECT scope, field, value_json, version, seq FROM committed_value ORDER BY scope, field";

std::string quote(std::string_view s) {
  std::string out = "'";
  out += s;
  out += "'";
  return out;
}

std::string key_name(clawvm::scope s, std::string_view field) {
  std::string out = "(";
  out += to_string(s);
  out += ", ";
  out += quote(field);
  out += ")";
  return out;
}

// Decodes one row of select_records_sql; nullopt when a column holds a number this build
// does not know (a newer writer under the same schema version, or a hand-edited file).
std::optional<journal_record> decode_record(sqlite3_stmt* s) {
  journal_record rec;
  const auto seq = column_u64(s, 0);
  const int op = sqlite3_column_int(s, 3);
  const int sc = sqlite3_column_int(s, 5);
  const auto expected = column_u64(s, 7);
  const int phase = sqlite3_column_int(s, 8);
  const int reason = sqlite3_column_int(s, 9);
  const auto version = column_u64(s, 11);
  const int overwrote = sqlite3_column_int(s, 12);
  if (!seq || !expected || !version) return std::nullopt;
  if (op < 0 || op > 2 || sc < 0 || sc > 1 || (phase != 2 && phase != 3)) return std::nullopt;
  if (reason < 0 || reason > 65535 || overwrote < 0 || overwrote > 1) return std::nullopt;
  rec.seq = *seq;
  rec.staged.page_id = column_bytes(s, 1);
  rec.staged.field = column_bytes(s, 2);
  rec.staged.op = static_cast<journal_op>(op);
  rec.staged.value_json = column_bytes(s, 4);
  rec.staged.scope = static_cast<clawvm::scope>(sc);
  rec.staged.evidence_ref = column_bytes(s, 6);
  rec.staged.expected_version = *expected;
  rec.phase = static_cast<journal_phase>(phase);
  rec.reason = static_cast<reason_code>(gsl::narrow<std::uint16_t>(reason));
  rec.result.value_json = column_bytes(s, 10);
  rec.result.version = *version;
  rec.overwrote_committed = overwrote == 1;
  return rec;
}

struct value_row {
  clawvm::scope scope = clawvm::scope::session;
  std::string field;
  committed_value value;
  std::uint64_t seq = 0;
};

}  // namespace

// ---- the connection and its cached statements -------------------------------------------

// What a file is before the store writes to it.
enum class file_identity : std::uint8_t { empty, clawvm, foreign };

struct sqlite_store::impl {
  std::string path;
  db_handle db;  // declared before the statements: they are finalized first
  stmt_handle begin_immediate;
  stmt_handle commit;
  stmt_handle rollback;
  stmt_handle select_value;
  stmt_handle upsert_value;
  stmt_handle insert_record;
  stmt_handle select_last_seq;
  stmt_handle select_records;
  stmt_handle select_values;
  std::string last_error;

  // "clawvm store '<path>': <what>: <sqlite message> (SQLite code N)".
  std::string describe(std::string_view what, int rc) const {
    std::string out = "clawvm store " + quote(path) + ": ";
    out += what;
    if (rc != SQLITE_OK) {
      out += ": ";
      // errmsg describes the most recent call on this connection; errstr the bare code
      // (used when the failing call was not the most recent, e.g. a bind).
      const char* detail = db != nullptr && sqlite3_extended_errcode(db.get()) == rc
                               ? sqlite3_errmsg(db.get())
                               : sqlite3_errstr(rc);
      out += detail;
      out += " (SQLite code " + std::to_string(rc) + ")";
    }
    return out;
  }
  reason_code fail(std::string_view what, int rc, reason_code code = reason_code::store_io_error) {
    last_error = describe(what, rc);
    return code;
  }

  int prepare(stmt_handle& out, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    out.reset(raw);
    return rc;
  }

  // Runs a statement that returns no rows (or whose rows are not needed).
  int run(sqlite3_stmt* s) {
    const statement_use use{s};
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
  }

  // One-shot SQL (schema, pragmas): not worth caching.
  int exec(const char* sql, std::string& error) {
    char* raw = nullptr;
    const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, &raw);
    const sqlite_message message{raw};
    if (rc != SQLITE_OK) error = message ? message.get() : sqlite3_errstr(rc);
    return rc;
  }

  // Reads the single value a pragma or aggregate returns, with `read` on its row.
  template <typename Read>
  int query_single(const char* sql, Read read) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db.get(), sql, -1, &raw, nullptr);
    const stmt_handle s{raw};
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) {
      read(s.get());
      return SQLITE_OK;
    }
    return rc == SQLITE_DONE ? SQLITE_NOTFOUND : rc;
  }
  int query_int(const char* sql, sqlite3_int64& out) {
    return query_single(sql, [&](sqlite3_stmt* row) { out = sqlite3_column_int64(row, 0); });
  }
  int query_text(const char* sql, std::string& out) {
    return query_single(sql, [&](sqlite3_stmt* row) { out = column_bytes(row, 0); });
  }

  int read_records(std::vector<journal_record>& out, std::string& error) {
    const statement_use use{gsl::not_null{select_records.get()}};
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(use.get())) == SQLITE_ROW) {
      auto rec = decode_record(use.get());
      if (!rec) {
        error =
            describe("journal row with seq " + std::to_string(sqlite3_column_int64(use.get(), 0)) +
                         " holds a value this build does not understand",
                     SQLITE_OK);
        return SQLITE_MISMATCH;
      }
      out.push_back(std::move(*rec));
    }
    if (rc != SQLITE_DONE) {
      error = describe("cannot read the journal", rc);
      return rc;
    }
    return SQLITE_OK;
  }

  int read_values(std::vector<value_row>& out, std::string& error) {
    const statement_use use{gsl::not_null{select_values.get()}};
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(use.get())) == SQLITE_ROW) {
      const int sc = sqlite3_column_int(use.get(), 0);
      const auto version = column_u64(use.get(), 3);
      const auto seq = column_u64(use.get(), 4);
      if (sc < 0 || sc > 1 || !version || !seq) {
        error = describe("a committed_value row holds a value this build does not understand",
                         SQLITE_OK);
        return SQLITE_MISMATCH;
      }
      value_row row;
      row.scope = static_cast<clawvm::scope>(sc);
      row.field = column_bytes(use.get(), 1);
      row.value.value_json = column_bytes(use.get(), 2);
      row.value.version = *version;
      row.seq = *seq;
      out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) {
      error = describe("cannot read the committed values", rc);
      return rc;
    }
    return SQLITE_OK;
  }

  // Opening (ST-3, ST-10), step by step: see open().
  store_error io_error(std::string_view what, int rc) const;
  std::optional<store_error> in_use(int rc) const;
  std::optional<store_error> connect();
  std::optional<store_error> identify(file_identity& out);
  std::optional<store_error> check_version();
  std::optional<store_error> use_wal();
  std::optional<store_error> create_schema();
  std::optional<store_error> take_write_lock();
  std::optional<store_error> prepare_statements();

  // Rolls back the open transaction unless it was committed. SQLite may already have
  // rolled back on its own (SQLITE_FULL, SQLITE_IOERR); get_autocommit tells whether one
  // is still open.
  class rollback_guard {
   public:
    explicit rollback_guard(gsl::not_null<impl*> owner) noexcept : owner_(owner) {}
    rollback_guard(const rollback_guard&) = delete;
    rollback_guard& operator=(const rollback_guard&) = delete;
    ~rollback_guard() {
      if (sqlite3_get_autocommit(owner_->db.get()) == 0) (void)owner_->run(owner_->rollback.get());
    }

   private:
    gsl::not_null<impl*> owner_;
  };
};

// ---- open -------------------------------------------------------------------------------
// The steps of ST-3 and ST-10, in order; each returns the reason the store is refused.

store_error sqlite_store::impl::io_error(std::string_view what, int rc) const {
  return {reason_code::store_io_error, describe(what, rc)};
}

std::optional<store_error> sqlite_store::impl::in_use(int rc) const {
  if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) return std::nullopt;
  return io_error("is in use by another process (one writer per store, ST-10)", SQLITE_OK);
}

// ST-3: a path is a file name, opened writable. SQLite would read "file:..." as a URI
// (with query parameters that change how it opens), so such a path is refused, not
// reinterpreted.
std::optional<store_error> sqlite_store::impl::connect() {
  if (path.rfind("file:", 0) == 0) {
    return io_error("paths beginning with 'file:' are SQLite URIs, which a store path is not "
                    "(write ./" + path + " for a file of that name)",
                    SQLITE_OK);
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE, nullptr);
  db.reset(raw);  // owned even on failure: open_v2 may return a handle to close
  if (rc != SQLITE_OK) return io_error("cannot open or create the database file", rc);
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), busy_timeout_ms);
  // SQLite falls back to read-only when the file is not writable: every writeback would
  // then fail, so the store is refused before any request (ST-3).
  if (sqlite3_db_readonly(db.get(), "main") == 1) {
    return io_error("is read-only (no write permission): a store must be writable", SQLITE_OK);
  }
  // ST-10: held from the first access to close; set before the first access, so the WAL
  // index lives in this process's memory and no -shm file is shared.
  std::string detail;
  const int locking = exec("PRAGMA locking_mode=EXCLUSIVE", detail);
  if (locking != SQLITE_OK) return io_error("cannot set exclusive locking: " + detail, locking);
  return std::nullopt;
}

// Identifies the file before writing anything, so a foreign file is never modified. The
// first read is where a non-database file shows up (SQLITE_NOTADB).
std::optional<store_error> sqlite_store::impl::identify(file_identity& out) {
  sqlite3_int64 app_id = 0;
  int rc = query_int("PRAGMA application_id", app_id);
  if (auto busy = in_use(rc)) return busy;
  if (rc == SQLITE_NOTADB) return io_error("not a SQLite database (and so not a clawvm store)", rc);
  if (rc != SQLITE_OK) return io_error("cannot read the database header", rc);
  if (app_id == sqlite_store_application_id) {
    out = file_identity::clawvm;
    return std::nullopt;
  }
  sqlite3_int64 tables = 0;
  rc = query_int("SELECT count(*) FROM sqlite_schema", tables);
  if (rc != SQLITE_OK) return io_error("cannot read the database schema", rc);
  out = app_id == 0 && tables == 0 ? file_identity::empty : file_identity::foreign;
  return std::nullopt;
}

// Checked before the first write too: a newer build's file is left exactly as it is.
std::optional<store_error> sqlite_store::impl::check_version() {
  sqlite3_int64 version = 0;
  const int rc = query_int("SELECT value FROM meta WHERE key = 'schema_version'", version);
  if (rc == SQLITE_NOTFOUND) return io_error("not a clawvm store: meta has no schema_version", SQLITE_OK);
  if (rc != SQLITE_OK) return io_error("not a clawvm store: cannot read meta.schema_version", rc);
  if (version > sqlite_store_schema_version) {
    return io_error("schema version " + std::to_string(version) + " is newer than this build supports (" +
                        std::to_string(sqlite_store_schema_version) + "); open it with a newer clawvm",
                    SQLITE_OK);
  }
  if (version < 1) return io_error("schema version " + std::to_string(version) + " is not a clawvm schema", SQLITE_OK);
  return std::nullopt;
}

// WAL, fsynced at every commit (FULL), so a returned append survives a crash;
// foreign_keys, so the value row must name its journal row (checked at COMMIT).
std::optional<store_error> sqlite_store::impl::use_wal() {
  const bool in_memory = path == ":memory:";
  std::string mode;
  int rc = query_text("PRAGMA journal_mode=WAL", mode);
  if (auto busy = in_use(rc)) return busy;
  if (rc != SQLITE_OK) return io_error("cannot switch to WAL journal mode", rc);
  if (mode != "wal" && !(in_memory && mode == "memory")) {
    return io_error("the file system refused WAL journal mode (journal_mode is " + mode + ")", SQLITE_OK);
  }
  std::string detail;
  rc = exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", detail);
  if (rc != SQLITE_OK) return io_error("cannot set pragmas: " + detail, rc);
  return std::nullopt;
}

// Created inside a write transaction and re-checked there: two processes opening a new
// file at once create the schema once.
std::optional<store_error> sqlite_store::impl::create_schema() {
  std::string detail;
  int rc = exec("BEGIN IMMEDIATE", detail);
  if (rc != SQLITE_OK) return io_error("cannot start the schema transaction: " + detail, rc);
  sqlite3_int64 tables = 0;
  rc = query_int("SELECT count(*) FROM sqlite_schema", tables);
  if (rc == SQLITE_OK && tables == 0) {
    const std::string init = std::string(schema_v1_sql) + "INSERT INTO meta(key, value) VALUES ('schema_version', " +
                             std::to_string(sqlite_store_schema_version) + ");" +
                             "PRAGMA application_id = " + std::to_string(sqlite_store_application_id) + ";";
    rc = exec(init.c_str(), detail);
  }
  if (rc == SQLITE_OK) rc = exec("COMMIT", detail);
  if (rc != SQLITE_OK) {
    std::string ignored;
    if (sqlite3_get_autocommit(db.get()) == 0) (void)exec("ROLLBACK", ignored);
    return io_error("cannot create the clawvm schema: " + detail, rc);
  }
  file_identity identity = file_identity::foreign;
  if (auto failed = identify(identity)) return failed;
  if (identity != file_identity::clawvm) return io_error("another writer turned the new file into something else", SQLITE_OK);
  return check_version();
}

// Takes the write lock now and keeps it (locking_mode=EXCLUSIVE): a second process on
// this file is refused at its open, not at its first writeback (ST-10).
std::optional<store_error> sqlite_store::impl::take_write_lock() {
  std::string detail;
  int rc = exec("BEGIN EXCLUSIVE", detail);
  if (auto busy = in_use(rc)) return busy;
  if (rc == SQLITE_OK) rc = exec("COMMIT", detail);
  if (rc != SQLITE_OK) return io_error("cannot take the store's write lock: " + detail, rc);
  return std::nullopt;
}

std::optional<store_error> sqlite_store::impl::prepare_statements() {
  const std::pair<stmt_handle*, const char*> statements[] = {
      {&begin_immediate, "BEGIN IMMEDIATE"},
      {&commit, "COMMIT"},
      {&rollback, "ROLLBACK"},
      {&select_value, select_value_sql},
      {&upsert_value, upsert_value_sql},
      {&insert_record, insert_record_sql},
      {&select_last_seq, select_last_seq_sql},
      {&select_records, select_records_sql},
      {&select_values, select_values_sql},
  };
  for (const auto& [slot, sql] : statements) {
    const int rc = prepare(*slot, sql);
    if (rc != SQLITE_OK) {
      return io_error(std::string("the schema does not match this build (cannot prepare \"") + sql + "\")", rc);
    }
  }
  return std::nullopt;
}

std::variant<std::unique_ptr<sqlite_store>, store_error> sqlite_store::open(const std::string& path) {
  auto state = std::make_unique<impl>();
  state->path = path;
  impl& s = *state;
  if (auto failed = s.connect()) return *failed;
  file_identity identity = file_identity::foreign;
  if (auto failed = s.identify(identity)) return *failed;
  if (identity == file_identity::foreign) {
    return s.io_error("is a SQLite database but not a clawvm store (no clawvm application_id)", SQLITE_OK);
  }
  if (identity == file_identity::clawvm) {
    if (auto failed = s.check_version()) return *failed;
  }
  if (auto failed = s.use_wal()) return *failed;
  if (identity == file_identity::empty) {
    if (auto failed = s.create_schema()) return *failed;
  }
  if (auto failed = s.take_write_lock()) return *failed;
  if (auto failed = s.prepare_statements()) return *failed;
  return std::unique_ptr<sqlite_store>(new sqlite_store(std::move(state)));
}

sqlite_store::sqlite_store(std::unique_ptr<impl> state) : impl_(std::move(state)) {
  Expects(impl_ != nullptr && impl_->db != nullptr);
}

sqlite_store::~sqlite_store() = default;

const std::string& sqlite_store::last_error() const noexcept { return impl_->last_error; }
const std::string& sqlite_store::path() const noexcept { return impl_->path; }

// ---- durable_store --------------------------------------------------------------------

std::optional<committed_value> sqlite_store::find(clawvm::scope s, std::string_view field) const {
  impl& st = *impl_;
  const statement_use use{gsl::not_null{st.select_value.get()}};
  int rc = bind_small(use.get(), 1, static_cast<unsigned>(s));
  if (rc == SQLITE_OK) rc = bind_text(use.get(), 2, field);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_ROW) {
    const auto version = column_u64(use.get(), 1);
    if (!version) {
      st.last_error =
          st.describe("the value of " + key_name(s, field) + " has a negative version", SQLITE_OK);
      return std::nullopt;
    }
    return committed_value{column_bytes(use.get(), 0), *version};
  }
  if (rc != SQLITE_DONE) (void)st.fail("cannot read the value of " + key_name(s, field), rc);
  return std::nullopt;
}

reason_code sqlite_store::append(const journal_record& rec) {
  // Only outcomes reach the durable journal (durable_store.hpp).
  Expects(rec.phase == journal_phase::committed || rec.phase == journal_phase::rejected);
  impl& st = *impl_;
  const update& u = rec.staged;
  const std::string seq_text = "seq " + std::to_string(rec.seq);
  if (rec.seq == 0) {
    return st.fail(seq_text + ": 0 is not a journal seq (it means empty)", SQLITE_OK);
  }
  if (rec.seq > int64_max || u.expected_version > int64_max || rec.result.version > int64_max) {
    return st.fail(seq_text + ": seq or version does not fit SQLite's 63-bit integers", SQLITE_OK);
  }

  int rc = st.run(st.begin_immediate.get());
  if (rc != SQLITE_OK) return st.fail(seq_text + ": cannot start the append transaction", rc);
  const impl::rollback_guard guard{&st};

  if (rec.phase == journal_phase::committed) {
    // Compare-and-set inside the transaction: the merge was computed outside it.
    std::uint64_t current_version = 0;
    {
      const statement_use use{gsl::not_null{st.select_value.get()}};
      rc = bind_small(use.get(), 1, static_cast<unsigned>(u.scope));
      if (rc == SQLITE_OK) rc = bind_text(use.get(), 2, u.field);
      if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
      if (rc == SQLITE_ROW) {
        current_version = column_u64(use.get(), 1).value_or(0);
      } else if (rc != SQLITE_DONE) {
        return st.fail(seq_text + ": cannot read the value of " + key_name(u.scope, u.field), rc);
      }
    }
    if (rec.result.version != current_version + 1) {
      return st.fail(seq_text + ": committed version " + std::to_string(rec.result.version) +
                         " does not follow the key's version " + std::to_string(current_version) +
                         " for " + key_name(u.scope, u.field) +
                         " (the key moved since the merge was computed)",
                     SQLITE_OK, reason_code::stale_version);
    }
    const statement_use use{gsl::not_null{st.upsert_value.get()}};
    rc = bind_small(use.get(), 1, static_cast<unsigned>(u.scope));
    if (rc == SQLITE_OK) rc = bind_text(use.get(), 2, u.field);
    if (rc == SQLITE_OK) rc = bind_blob(use.get(), 3, rec.result.value_json);
    if (rc == SQLITE_OK) rc = bind_u64(use.get(), 4, rec.result.version);
    if (rc == SQLITE_OK) rc = bind_u64(use.get(), 5, rec.seq);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) {
      return st.fail(seq_text + ": cannot write the value of " + key_name(u.scope, u.field), rc);
    }
  }

  {
    const statement_use use{gsl::not_null{st.insert_record.get()}};
    sqlite3_stmt* q = use.get();
    rc = bind_u64(q, 1, rec.seq);
    if (rc == SQLITE_OK) rc = bind_text(q, 2, u.page_id);
    if (rc == SQLITE_OK) rc = bind_text(q, 3, u.field);
    if (rc == SQLITE_OK) rc = bind_small(q, 4, static_cast<unsigned>(u.op));
    if (rc == SQLITE_OK) rc = bind_blob(q, 5, u.value_json);
    if (rc == SQLITE_OK) rc = bind_small(q, 6, static_cast<unsigned>(u.scope));
    if (rc == SQLITE_OK) rc = bind_text(q, 7, u.evidence_ref);
    if (rc == SQLITE_OK) rc = bind_u64(q, 8, u.expected_version);
    if (rc == SQLITE_OK) rc = bind_small(q, 9, static_cast<unsigned>(rec.phase));
    if (rc == SQLITE_OK) rc = bind_small(q, 10, number_of(rec.reason));
    if (rc == SQLITE_OK) rc = bind_blob(q, 11, rec.result.value_json);
    if (rc == SQLITE_OK) rc = bind_u64(q, 12, rec.result.version);
    if (rc == SQLITE_OK) rc = bind_small(q, 13, rec.overwrote_committed ? 1U : 0U);
    if (rc == SQLITE_OK) rc = sqlite3_step(q);
    if (rc != SQLITE_DONE) return st.fail(seq_text + ": cannot insert the journal row", rc);
  }

  {
    // The journal is append-only in seq order: the new row must be the last one. Checked
    // after the writes so that a refusal exercises the same rollback as an I/O error.
    const statement_use use{gsl::not_null{st.select_last_seq.get()}};
    rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) return st.fail(seq_text + ": cannot read the last seq", rc);
    const auto last = column_u64(use.get(), 0);
    if (!last || *last != rec.seq) {
      return st.fail(
          seq_text + " is not above the journal's last seq " + std::to_string(last.value_or(0)),
          SQLITE_OK);
    }
  }

  rc = st.run(st.commit.get());
  if (rc != SQLITE_OK) return st.fail(seq_text + ": cannot commit the append", rc);
  return reason_code::ok;
}

std::uint64_t sqlite_store::last_seq() const {
  impl& st = *impl_;
  const statement_use use{gsl::not_null{st.select_last_seq.get()}};
  const int rc = sqlite3_step(use.get());
  if (rc != SQLITE_ROW) {
    (void)st.fail("cannot read the last seq", rc);
    return 0;
  }
  return column_u64(use.get(), 0).value_or(0);
}

std::vector<journal_record> sqlite_store::records() const {
  std::vector<journal_record> out;
  std::string error;
  if (impl_->read_records(out, error) != SQLITE_OK) impl_->last_error = error;
  return out;
}

// ---- checks -----------------------------------------------------------------------------

std::vector<std::string> sqlite_store::integrity_problems() const {
  impl& st = *impl_;
  std::vector<std::string> lines;
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(st.db.get(), "PRAGMA integrity_check", -1, &raw, nullptr);
  const stmt_handle s{raw};
  if (rc != SQLITE_OK) {
    lines.push_back(st.describe("cannot run PRAGMA integrity_check", rc));
    return lines;
  }
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) lines.push_back(column_bytes(s.get(), 0));
  if (rc != SQLITE_DONE) lines.push_back(st.describe("PRAGMA integrity_check failed", rc));
  if (lines.size() == 1 && lines.front() == "ok") lines.clear();
  return lines;
}

bool sqlite_store::integrity_check() const { return integrity_problems().empty(); }

std::vector<std::string> sqlite_store::verify_consistency() const {
  impl& st = *impl_;
  std::vector<std::string> problems;
  std::vector<journal_record> recs;
  std::vector<value_row> values;
  std::string error;
  if (st.read_records(recs, error) != SQLITE_OK) problems.push_back(error);
  if (st.read_values(values, error) != SQLITE_OK) problems.push_back(error);
  if (!problems.empty()) return problems;

  // The last committed record of each key, and the version chain 1, 2, 3, ... per key.
  std::map<std::pair<clawvm::scope, std::string>, const journal_record*> last_committed;
  for (const auto& rec : recs) {
    const std::string at = "journal seq " + std::to_string(rec.seq) + ": ";
    if (rec.phase == journal_phase::rejected) {
      if (rec.reason == reason_code::ok) problems.push_back(at + "rejected with reason OK");
      continue;
    }
    if (rec.reason != reason_code::ok) {
      problems.push_back(at + "committed with reason " + std::string(to_string(rec.reason)));
    }
    auto& last = last_committed[{rec.staged.scope, rec.staged.field}];
    const std::uint64_t previous = last != nullptr ? last->result.version : 0;
    if (rec.result.version != previous + 1) {
      problems.push_back(at + "committed version " + std::to_string(rec.result.version) + " of " +
                         key_name(rec.staged.scope, rec.staged.field) +
                         " does not follow version " + std::to_string(previous));
    }
    last = &rec;
  }

  for (const auto& row : values) {
    const std::string key = key_name(row.scope, row.field);
    const auto it = last_committed.find({row.scope, row.field});
    if (it == last_committed.end()) {
      problems.push_back("value of " + key + " has no committed journal record");
      continue;
    }
    const journal_record& last = *it->second;
    if (row.seq != last.seq) {
      problems.push_back("value of " + key + " names seq " + std::to_string(row.seq) +
                         " but its last committed record is seq " + std::to_string(last.seq));
    }
    if (row.value != last.result) {
      problems.push_back("value of " + key + " (version " + std::to_string(row.value.version) +
                         ") differs from the result of its last committed record, seq " +
                         std::to_string(last.seq) + " (version " +
                         std::to_string(last.result.version) + ")");
    }
    last_committed.erase(it);
  }
  for (const auto& [key, rec] : last_committed) {
    problems.push_back("committed journal record seq " + std::to_string(rec->seq) + " of " +
                       key_name(key.first, key.second) + " has no value row");
  }
  return problems;
}

}  // namespace clawvm
