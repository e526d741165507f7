#pragma once
// The validated writeback journal (brief §3, spec/journal.md, tla/Journal.tla).
//
// The three phases are types: a journal_entry<staged> can only become a
// journal_entry<validated> (or <rejected>) through clawvm::validate, and clawvm::commit
// accepts only journal_entry<validated>. Committing an entry that was not validated does
// not compile (tests/compile_fail/commit_unvalidated.cpp proves it).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <gsl/pointers>

#include "clawvm/durable_store.hpp"
#include "clawvm/merge_rules.hpp"
#include "clawvm/reason_code.hpp"
#include "clawvm/update.hpp"

namespace clawvm {

class page_table;  // include/clawvm/page_table.hpp

template <journal_phase Phase>
class journal_entry;

using staged_entry = journal_entry<journal_phase::staged>;
using validated_entry = journal_entry<journal_phase::validated>;
using committed_entry = journal_entry<journal_phase::committed>;
using rejected_entry = journal_entry<journal_phase::rejected>;

// Which validations run (brief §3 step 2). ClawVM runs all five; a baseline without
// validation runs only schema (so nothing malformed reaches the store) and commits with
// merge_mode::permissive.
struct validation_checks {
  bool provenance = true;
  bool scope = true;
  bool non_destructive = true;
  bool policy = true;

  static constexpr validation_checks all() { return {}; }
  static constexpr validation_checks schema_only() { return {false, false, false, false}; }
  friend bool operator==(const validation_checks&, const validation_checks&) = default;
};

// Who is writing: the scopes the active principal may write (JR-5).
struct principal {
  bool may_write_session = true;
  bool may_write_project = false;
};

// Schema limits (JR-3). Field names are durable keys: printable, bounded.
inline constexpr std::size_t field_bytes_max = 128;
inline constexpr std::size_t value_bytes_max = 64 * 1024;
inline constexpr std::size_t evidence_ref_bytes_max = 256;

struct validation_context {
  gsl::not_null<const durable_store*> state;
  gsl::not_null<const page_table*> pages;
  principal writer;
  validation_checks checks;
};

template <journal_phase Phase>
class journal_entry {
 public:
  std::uint64_t seq() const noexcept { return seq_; }
  const update& payload() const noexcept { return update_; }
  reason_code reason() const noexcept { return reason_; }
  // Committed entries: the key's value after the commit, and whether a permissive commit
  // lost committed content. Empty / false in the other phases.
  const committed_value& result() const noexcept { return result_; }
  bool overwrote_committed() const noexcept { return overwrote_committed_; }
  static constexpr journal_phase phase = Phase;

  journal_entry(journal_entry&&) noexcept = default;
  journal_entry& operator=(journal_entry&&) noexcept = default;
  // Entries move through phases; copying one would let a stale phase be reused.
  journal_entry(const journal_entry&) = delete;
  journal_entry& operator=(const journal_entry&) = delete;
  ~journal_entry() = default;

 private:
  journal_entry(std::uint64_t seq, update u, reason_code reason = reason_code::ok)
      : seq_(seq), update_(std::move(u)), reason_(reason) {}

  std::uint64_t seq_;
  update update_;
  reason_code reason_;
  committed_value result_;
  bool overwrote_committed_ = false;
  std::optional<planned_merge> plan_;  // validated entries: the merge planned at validation

  friend class journal;
  template <journal_phase>
  friend class journal_entry;
  friend std::variant<validated_entry, rejected_entry> validate(staged_entry&&,
                                                                const validation_context&);
  friend std::variant<committed_entry, rejected_entry> commit(validated_entry&&, durable_store&,
                                                              merge_mode);
};

// Phase 2: deterministic validation, checks in precedence order: schema, provenance,
// scope, non-destructive, policy. The first failing check names the reason code.
std::variant<validated_entry, rejected_entry> validate(staged_entry&& entry,
                                                       const validation_context& ctx);

// Phase 3: applies the merge rule and appends the record to the durable tier as one
// transaction. It can still reject (rejected_entry) when the committed value moved
// between validate and commit, or when the store fails (store_io_error); in both cases
// nothing is applied.
std::variant<committed_entry, rejected_entry> commit(validated_entry&& entry,
                                                     durable_store& state,
                                                     merge_mode mode = merge_mode::non_destructive);

// The in-memory journal of one engine: hands out sequence numbers at stage and keeps
// every outcome (committed and rejected, with reason) for audit (JR-8).
class journal {
 public:
  explicit journal(std::uint64_t first_seq = 1) : next_seq_(first_seq) {}

  // Phase 1: staged entries are not applied to anything.
  staged_entry stage(update u) { return staged_entry{next_seq_++, std::move(u)}; }

  // Runs validate + commit and records the outcome; the one call the engine uses.
  journal_record writeback(update u, const validation_context& ctx, durable_store& state,
                            merge_mode mode);

  // The outcomes since begin_boundary() (JR-8): the engine starts a new list at every
  // boundary, so a long-running sidecar holds one boundary's records, not its lifetime's
  // (every record is in the durable tier).
  const std::vector<journal_record>& outcomes() const noexcept { return outcomes_; }
  void begin_boundary() noexcept { outcomes_.clear(); }
  std::uint64_t next_seq() const noexcept { return next_seq_; }

 private:
  std::uint64_t next_seq_;
  std::vector<journal_record> outcomes_;
};

}  // namespace clawvm
