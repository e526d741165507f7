#pragma once
// The durable tier on SQLite (spec/store.md ST-1): one database file per project holding
// the committed values by (scope, field) and the append-only journal of committed and
// rejected records. Same interface and merge rules as memory_store.
//
// Durability: WAL mode with synchronous=FULL, so an append that returned ok survives a
// kill -9 of the process (tests/store_crash_test.cpp) and a power loss on a filesystem
// that honours fsync. Atomicity: each append is one BEGIN IMMEDIATE ... COMMIT
// transaction; any failure rolls back and nothing is applied.
//
// Not thread-safe: one sqlite_store per thread. Several processes (or several stores in
// one process) may share a file; SQLite's locks serialise their appends, and a committed
// append that was computed against a stale value is refused (see append()).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "clawvm/durable_store.hpp"
#include "clawvm/reason_code.hpp"

namespace clawvm {

// The on-disk layout this build writes. A file with a newer version is refused (a newer
// build may have changed the meaning of a column); there is no older version yet.
inline constexpr std::int64_t sqlite_store_schema_version = 1;

// PRAGMA application_id of every clawvm store: "CLVM" in ASCII. Marks the file as ours,
// so a foreign SQLite database is refused instead of having tables added to it.
inline constexpr std::int32_t sqlite_store_application_id = 0x434C564D;

// An expected failure of the durable tier: cannot open, not a clawvm store, schema too
// new, SQLite or I/O error. `message` names the file and says what went wrong.
struct store_error {
  reason_code code = reason_code::store_io_error;
  std::string message;
};

class sqlite_store final : public durable_store {
 public:
  // Opens the store at `path`, creating the file and its schema if it does not exist.
  // ":memory:" opens a private in-memory store (tests; not durable).
  static std::variant<std::unique_ptr<sqlite_store>, store_error> open(const std::string& path);

  ~sqlite_store() override;

  // A read error is reported as "no value" (and recorded in last_error()); append()
  // re-reads the key inside its transaction, so such a miss cannot cause a lost write.
  std::optional<committed_value> find(clawvm::scope s, std::string_view field) const override;

  // One transaction: writes the value (committed records only), inserts the journal row,
  // then checks that rec.seq is above every earlier seq; any failure rolls all of it back
  // and returns store_io_error. A committed record must advance its key by exactly one
  // version (every merge rule does: fresh key -> 1, otherwise current + 1); if the key
  // moved since the merge was computed (another writer on the same file), the append is
  // refused with stale_version and nothing is applied.
  reason_code append(const journal_record& rec) override;

  // 0 for an empty journal, and on a read error (recorded in last_error()).
  std::uint64_t last_seq() const override;

  // Every record in seq order; on a read error the records read so far (last_error()).
  std::vector<journal_record> records() const override;

  // True when PRAGMA integrity_check reports "ok".
  bool integrity_check() const;
  // The lines PRAGMA integrity_check reported; empty when the file is sound.
  std::vector<std::string> integrity_problems() const;

  // Cross-checks the two tables (no partial commit can be visible): every value row
  // equals the result of the last committed journal record of its key and names that
  // record's seq; every key with a committed record has a value row; the versions of a
  // key's committed records run 1, 2, 3, ...; committed records carry reason ok and
  // rejected ones a reason other than ok. Returns one line per problem, empty if none.
  std::vector<std::string> verify_consistency() const;

  // What the last failed operation reported (empty if none failed yet); names the file.
  const std::string& last_error() const noexcept;
  const std::string& path() const noexcept;

 private:
  struct impl;
  explicit sqlite_store(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace clawvm
