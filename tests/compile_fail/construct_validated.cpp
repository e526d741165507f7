// Must NOT compile: a validated entry cannot be made except by validate().
#include "clawvm/journal.hpp"

void forge(clawvm::durable_store& state) {
#ifdef CLAWVM_POSITIVE_CONTROL
  clawvm::journal j;
  auto staged = j.stage(clawvm::update{});
  (void)staged;
  (void)state;
#else
  clawvm::validated_entry forged{1, clawvm::update{}};
  (void)clawvm::commit(std::move(forged), state);
#endif
}
