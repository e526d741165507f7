#pragma once
// The order in which a turn's resident pages become the prompt (spec/replay.md RP-7,
// RP-11). A provider's prompt cache reuses a prompt up to its first change, so where a
// page sits decides what its change costs. Table order puts the oldest pages first, and
// a page ingested early breaks almost the whole prompt whenever it changes. The stable
// order (the cache_aware mode, SEL-11) keeps every piece that did not change where it
// was and puts the changed and new pieces last: a change then costs the pieces that
// changed after it, not every page ingested after it.

#include <cstdint>
#include <vector>

#include <gsl/span>

#include "clawvm/page.hpp"
#include "clawvm/prompt_cache.hpp"

namespace clawvm {

// The resident pieces of a selection in page-table order (RP-7): every page whose level is
// not none, with that level's content hash and tokens.
prompt table_order_prompt(gsl::span<const page> pages, const std::vector<level>& levels);

// RP-11: the pieces of the last assembled prompt that are still in the table-order prompt,
// equal in id, level, content and tokens, in the last prompt's order; then every other
// piece of the table-order prompt in its order.
class stable_assembly {
 public:
  const prompt& assemble(const prompt& table_order);
  // The last prompt assembled (empty before the first).
  const prompt& last() const noexcept { return last_; }

 private:
  prompt last_;
};

}  // namespace clawvm
