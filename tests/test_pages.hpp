#pragma once
// Small page builders shared by the unit tests (own fixtures, no external data).
#include <string>

#include "clawvm/page.hpp"

namespace clawvm::test {

// A spec with representations at every level of the type's chain; the full level has
// `full_tokens` and each step down about a third of the one above (at least 1).
inline page_spec ladder(std::string id, page_type type, std::uint32_t full_tokens,
                        double recompute = 0.0, double utility = 0.0) {
  page_spec s;
  s.id = std::move(id);
  s.type_name = std::string(to_string(type));
  s.recompute_cost = recompute;
  s.base_utility = utility;
  const chain& c = chain_of(type);
  std::uint32_t tokens = full_tokens;
  for (std::uint8_t i = 0; i < c.length; ++i) {
    s.representations[index_of(c.levels[i])] =
        representation{s.id + "@" + std::string(to_string(c.levels[i])), tokens};
    tokens = tokens / 3U > 0U ? tokens / 3U : 1U;
  }
  return s;
}

}  // namespace clawvm::test
