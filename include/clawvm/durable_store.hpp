#pragma once
// The durable tier as the journal sees it (spec/store.md ST-1): committed values by
// (scope, field) and the append-only log of journal records. Two implementations share
// this interface and the merge rules: memory_store (replay, benchmarks) and
// sqlite_store (include/clawvm/sqlite_store.hpp, the embedded default).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clawvm/journal_phase.hpp"
#include "clawvm/reason_code.hpp"
#include "clawvm/update.hpp"

namespace clawvm {

// One line of the durable journal: a committed or a rejected update, in commit order.
struct journal_record {
  std::uint64_t seq = 0;  // journal sequence number, assigned at stage
  update staged;
  journal_phase phase = journal_phase::committed;  // committed or rejected only
  reason_code reason = reason_code::ok;            // ok for committed
  committed_value result;                          // the key's value after a commit
  bool overwrote_committed = false;                // permissive commit that lost content

  friend bool operator==(const journal_record&, const journal_record&) = default;
};

class durable_store {
 public:
  durable_store() = default;
  durable_store(const durable_store&) = delete;
  durable_store& operator=(const durable_store&) = delete;
  virtual ~durable_store() = default;

  virtual std::optional<committed_value> find(clawvm::scope s, std::string_view field) const = 0;

  // Atomically appends `rec` to the journal and, for a committed record, sets the key's
  // value to rec.result. Either both happen or neither (store_io_error).
  virtual reason_code append(const journal_record& rec) = 0;

  // The highest journal seq recorded, 0 for an empty journal (sequence numbers resume
  // from here after a reopen).
  virtual std::uint64_t last_seq() const = 0;

  // Every journal record in seq order (audit, tests; O(journal)).
  virtual std::vector<journal_record> records() const = 0;
};

class memory_store final : public durable_store {
 public:
  std::optional<committed_value> find(clawvm::scope s, std::string_view field) const override;
  reason_code append(const journal_record& rec) override;
  std::uint64_t last_seq() const override;
  std::vector<journal_record> records() const override { return log_; }

 private:
  std::map<std::pair<clawvm::scope, std::string>, committed_value> values_;
  std::vector<journal_record> log_;
};

}  // namespace clawvm
