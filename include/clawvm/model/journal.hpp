#pragma once
// The model of the validated writeback journal (tla/Journal.tla; the journal part of
// tla/ClawVM.tla), in C++ and under the spec's own names. One model: the explorer's
// Journal and ClawVM mirrors, the trace validator and the RapidCheck reference model of
// the journal (properties/journal_model.hpp) decide phases and failures here.
//
// Phases are the library's journal_phase (the engine's typed entries carry them in their
// type: journal_entry<journal_phase::validated>); failures are the library's reason
// codes, NoReason being reason_code::ok.

#include "clawvm/journal_phase.hpp"
#include "clawvm/reason_code.hpp"

namespace clawvm::model {

// PhaseRank(ph)
constexpr int PhaseRank(journal_phase ph) noexcept {
  switch (ph) {
    case journal_phase::staged: return 0;
    case journal_phase::validated: return 1;
    case journal_phase::committed:
    case journal_phase::rejected: break;
  }
  return 2;
}
// ph \in Terminal
constexpr bool Terminal(journal_phase ph) noexcept {
  return ph == journal_phase::committed || ph == journal_phase::rejected;
}

// Failure(i): validation's deterministic precedence (spec/journal.md, "Validation": scope before
// non-destructive): a denied scope, then content the update would drop, then a stale
// expected version. reason_code::ok is NoReason.
constexpr reason_code Failure(bool scope_denied, bool drops_content, bool stale_version) noexcept {
  if (scope_denied) return reason_code::scope_denied;
  if (drops_content) return reason_code::destructive_op;
  if (stale_version) return reason_code::stale_version;
  return reason_code::ok;
}

// The planted bugs of the _bug configs, so that one guard serves the green model and
// every mutant the checkers must refute.
struct JournalBugs {
  bool commit_without_validate = false;        // CommitWithoutValidateBug
  bool overwrite_on_version_mismatch = false;  // OverwriteOnVersionMismatchBug
  bool revalidate_committed = false;           // RevalidateCommittedBug
  bool wait_on_stale = false;                  // WaitOnStaleBug
};

// ENABLED Validate(i)
constexpr bool ValidateEnabled(journal_phase ph, reason_code failure) noexcept {
  return ph == journal_phase::staged && failure == reason_code::ok;
}
// ENABLED Reject(i): a staged entry that fails a check, or a validated one whose expected
// version went stale before the commit point.
constexpr bool RejectEnabled(journal_phase ph, reason_code failure, const JournalBugs& bugs = {}) noexcept {
  const bool from_ok = ph == journal_phase::staged || (ph == journal_phase::validated && !bugs.wait_on_stale) ||
                       (bugs.revalidate_committed && ph == journal_phase::committed);
  return from_ok && failure != reason_code::ok;
}
// ENABLED Commit(i): a validated entry, and for set_with_version an expected version that
// is still current (version_current).
constexpr bool CommitEnabled(journal_phase ph, bool version_current, const JournalBugs& bugs = {}) noexcept {
  const bool phase_ok =
      ph == journal_phase::validated || (bugs.commit_without_validate && ph == journal_phase::staged);
  return phase_ok && (version_current || bugs.overwrite_on_version_mismatch);
}

// PhaseMonotoneProp, for one entry across one step: its phase never moves backward and a
// terminal entry never changes.
constexpr bool PhaseMonotone(journal_phase from, journal_phase to) noexcept {
  return PhaseRank(to) >= PhaseRank(from) && (!Terminal(from) || to == from);
}

static_assert(ValidateEnabled(journal_phase::staged, reason_code::ok));
static_assert(!CommitEnabled(journal_phase::staged, true));
static_assert(CommitEnabled(journal_phase::staged, true, JournalBugs{.commit_without_validate = true}));
static_assert(!PhaseMonotone(journal_phase::committed, journal_phase::rejected));
static_assert(Failure(true, true, true) == reason_code::scope_denied);

}  // namespace clawvm::model
