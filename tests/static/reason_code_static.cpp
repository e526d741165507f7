// Static tests of the reason codes (spec/reason_codes.md RC-1): numbers are dense from 0,
// with no gaps and no duplicates, and wire names are unique.
#include "clawvm/faults.hpp"
#include "clawvm/reason_code.hpp"

namespace clawvm::static_tests {

constexpr bool numbers_dense_and_unique() {
  for (std::size_t i = 0; i < all_reason_codes.size(); ++i) {
    bool found = false;
    for (const auto& info : all_reason_codes) {
      if (info.number == i) {
        if (found) return false;  // duplicate
        found = true;
        if (number_of(info.code) != info.number) return false;
      }
    }
    if (!found) return false;  // gap
  }
  return true;
}
static_assert(numbers_dense_and_unique());

constexpr bool names_unique() {
  for (std::size_t i = 0; i < all_reason_codes.size(); ++i) {
    for (std::size_t j = i + 1; j < all_reason_codes.size(); ++j) {
      if (all_reason_codes[i].name == all_reason_codes[j].name) return false;
    }
  }
  return true;
}
static_assert(names_unique());

// The two codes the paper names keep their spellings.
static_assert(to_string(reason_code::destructive_op) == "DESTRUCTIVE_OP");
static_assert(to_string(reason_code::scope_denied) == "SCOPE_DENIED");
static_assert(parse_reason_code("STALE_VERSION") == reason_code::stale_version);
static_assert(number_of(reason_code::ok) == 0);

// Fault kinds are stable too.
static_assert(static_cast<int>(fault_kind::refetch) == 0);
static_assert(static_cast<int>(fault_kind::pinned_invariant_miss) == 5);
static_assert(all_fault_kinds.size() == fault_kind_count);

}  // namespace clawvm::static_tests
