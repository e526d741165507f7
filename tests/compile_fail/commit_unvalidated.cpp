// Must NOT compile: commit() accepts only journal_entry<validated> (spec/journal.md JR-2).
#include "clawvm/journal.hpp"

void try_commit_unvalidated(clawvm::journal& j, clawvm::durable_store& state) {
  clawvm::update u;
  auto staged = j.stage(u);
#ifdef CLAWVM_POSITIVE_CONTROL
  // The positive control: the same translation unit compiles when the entry goes through
  // validate first, so a failure above can only come from the typestate.
  extern const clawvm::validation_context* ctx;
  auto checked = clawvm::validate(std::move(staged), *ctx);
  (void)clawvm::commit(std::get<clawvm::validated_entry>(std::move(checked)), state);
#else
  (void)clawvm::commit(std::move(staged), state);
#endif
}
