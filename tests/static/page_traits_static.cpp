// Static tests of the page-traits table (spec/pages.md PG-2): compiling is the test.
#include <initializer_list>

#include "clawvm/page_traits.hpp"

namespace clawvm::static_tests {

// Every chain starts at full, strictly decreases, and ends at the floor: no chain skips
// below its floor and none has a level below it.
constexpr bool chains_well_formed() {
  for (page_type t : all_page_types) {
    const chain& c = chain_of(t);
    if (c.length == 0 || c.length > c.levels.size()) return false;
    if (c.highest() != level::full) return false;
    if (c.lowest() != floor_of(t)) return false;
    for (std::uint8_t i = 1; i < c.length; ++i) {
      if (!(c.levels[i] < c.levels[i - 1U])) return false;
      if (c.levels[i] < floor_of(t)) return false;
      if (c.levels[i] == level::none) return false;
    }
  }
  return true;
}
static_assert(chains_well_formed());

// Brief §1 facts.
static_assert(floor_of(page_type::bootstrap) == level::structured);
static_assert(floor_of(page_type::constraint) == level::structured);
static_assert(floor_of(page_type::plan) == level::pointer);
static_assert(floor_of(page_type::preference) == level::pointer);
static_assert(floor_of(page_type::evidence) == level::pointer);
static_assert(floor_of(page_type::conversation) == level::pointer);
static_assert(!chain_of(page_type::plan).contains(level::compressed), "plan has no compressed level");
static_assert(chain_of(page_type::bootstrap).length == 2 && chain_of(page_type::constraint).length == 2);
static_assert(chain_of(page_type::evidence).length == 4);
static_assert(traits_of(page_type::bootstrap).default_pin == pin_class::hard);
static_assert(traits_of(page_type::constraint).default_pin == pin_class::hard);
static_assert(traits_of(page_type::evidence).default_pin == pin_class::none);
static_assert(traits_of(page_type::preference).default_scope == scope::project);
static_assert(traits_of(page_type::plan).default_scope == scope::session);

// The Hana map and the run-time array agree, entry by entry.
static_assert(traits_of_tag<bootstrap_tag>.floor == traits_of(page_type::bootstrap).floor);
static_assert(traits_of_tag<plan_tag>.degradation.length == chain_of(page_type::plan).length);
static_assert(traits_of_tag<evidence_tag>.type == page_type::evidence);
static_assert(boost::hana::length(page_traits_table) == page_type_count);

// Level order and chain navigation.
static_assert(level::none < level::pointer && level::pointer < level::structured &&
              level::structured < level::compressed && level::compressed < level::full);
static_assert(next_up(page_type::evidence, level::none) == level::pointer);
static_assert(next_up(page_type::bootstrap, level::none) == level::structured);
static_assert(next_up(page_type::plan, level::structured) == level::full);
static_assert(!next_up(page_type::plan, level::full).has_value());
static_assert(next_down(page_type::evidence, level::full) == level::compressed);
static_assert(!next_down(page_type::evidence, level::pointer).has_value(), "no degradation below the floor");

// Wire names round-trip.
constexpr bool names_round_trip() {
  for (page_type t : all_page_types) {
    if (parse_page_type(to_string(t)) != t) return false;
  }
  for (level l : all_levels) {
    if (parse_level(to_string(l)) != l) return false;
  }
  return !parse_page_type("Bootstrap").has_value() && !parse_level("").has_value();
}
static_assert(names_round_trip());

}  // namespace clawvm::static_tests

namespace clawvm::static_tests {

// The folded walk tables (issue 14) give the chain walks' answers for every type, every
// set of present levels and every level: the tables' indexing and encoding lose nothing.
constexpr bool present_walk_tables_agree() {
  for (page_type t : all_page_types) {
    for (std::size_t set = 0; set < present_set_count; ++set) {
      const auto present = static_cast<std::uint8_t>(set);
      for (level l : all_levels) {
        if (next_present_up(t, present, l) != walk_next_present_up(t, present, l)) return false;
        if (lowest_present_at_least(t, present, l) != walk_lowest_present_at_least(t, present, l)) return false;
      }
      if (top_present(t, present) != walk_top_present(t, present)) return false;
    }
  }
  return true;
}
static_assert(present_walk_tables_agree());

// A few answers by hand: an evidence page with a pointer and full only goes pointer -> full;
// a plan page without a structured level is served a structured demand at full.
constexpr std::uint8_t bits(std::initializer_list<level> ls) {
  std::uint8_t out = 0;
  for (level l : ls) out = static_cast<std::uint8_t>(out | (1U << index_of(l)));
  return out;
}
static_assert(next_present_up(page_type::evidence, bits({level::pointer, level::full}), level::none) == level::pointer);
static_assert(next_present_up(page_type::evidence, bits({level::pointer, level::full}), level::pointer) == level::full);
static_assert(!next_present_up(page_type::evidence, bits({level::pointer, level::full}), level::full));
static_assert(lowest_present_at_least(page_type::plan, bits({level::pointer, level::full}), level::structured) == level::full);
static_assert(top_present(page_type::bootstrap, bits({level::structured})) == level::structured);
static_assert(top_present(page_type::conversation, 0) == level::none);

}  // namespace clawvm::static_tests
