// Fuzz target for the representation selector (brief §2, spec/selector.md): bytes decode
// to a valid page set (all six types, pins, token ladders incl. huge ones), demands, a
// budget and a policy; the selection must satisfy SEL-9 (BudgetInv, FloorInv, FloorSetInv,
// PinnedResidentInv, DemandServedInv, UnmetReasonInv) as properties/selector_invariants.hpp
// checks them, be identical with a fresh and a dirty scratch, and
// not depend on the order of the demands. Any violation aborts.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "clawvm/page_table.hpp"
#include "clawvm/selector.hpp"
#include "fuzz_support.hpp"
#include "selector_invariants.hpp"

using namespace clawvm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader r(data, size);
  selector_policy policy;
  const std::uint8_t knobs = r.u8();
  policy.auto_pin = (knobs & 1U) != 0U;
  policy.prefetch_pointers = (knobs & 2U) != 0U;
  policy.upgrades = static_cast<upgrade_mode>((knobs >> 2U) % 6U);

  page_table table;
  const std::size_t n = r.below(25);
  for (std::size_t i = 0; i < n; ++i) {
    const page_spec spec = fuzz::decode_valid_page_spec(r, fuzz::numbered_id(i), fuzz::decode_page_type(r));
    fuzz::require(table.ingest(spec) == reason_code::ok, "decoder produced a page ingest rejects");
    table.at(static_cast<page_index>(i)).recency = static_cast<double>(r.u8()) / 16.0;
  }

  std::vector<demand> demands;
  if (n > 0) {
    const std::size_t count = r.below(49);
    for (std::size_t k = 0; k < count; ++k) {
      demands.push_back({static_cast<page_index>(r.below(n)), fuzz::decode_level(r)});
    }
  }
  if (policy.upgrades == upgrade_mode::cache_aware) {
    // The last assembly's levels (SEL-11), present on the page or not.
    for (std::size_t i = 0; i < n; ++i) {
      table.at(static_cast<page_index>(i)).resident = r.flag() ? level::none : fuzz::decode_level(r);
    }
  }
  std::vector<std::uint32_t> future;
  if (policy.upgrades == upgrade_mode::oracle && r.flag()) {
    for (std::size_t i = 0; i < n; ++i) future.push_back(r.below(5));
  }
  std::uint32_t budget = 0;
  switch (r.below(4)) {
    case 0: budget = r.u8(); break;
    case 1: budget = r.u16(); break;
    case 2: budget = r.u32(); break;
    default: budget = static_cast<std::uint32_t>(std::min<std::uint64_t>(
                 props::floor_set_tokens(table.pages()) + r.u8(), UINT32_MAX));
  }

  const selection_request request{table.pages(), budget, demands, future};
  selection first;
  selector_scratch scratch;
  select_representations(request, policy, first, scratch, true);
  fuzz::require_empty(props::check_selection(request, policy, first));

  // Same scratch again (dirty), and a fresh one: byte-identical.
  selection again;
  select_representations(request, policy, again, scratch, true);
  fuzz::require_empty(props::compare_selections(first, again));

  // Demand order does not matter.
  std::vector<demand> reversed(demands.rbegin(), demands.rend());
  const selection_request permuted{table.pages(), budget, reversed, future};
  const selection other = select_representations(permuted, policy);
  fuzz::require_empty(props::compare_selections(first, other));
  return 0;
}
