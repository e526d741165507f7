#pragma once
// Per-type page traits: floor, degradation chain, default pin, default scope
// (spec/pages.md PG-2, brief §1). This table is the one source of truth; the selector,
// the ingest validator, the TLA+ constants (tla/PageResidency.tla) and the static tests
// (tests/static/page_traits_static.cpp) all derive from it.
//
// The table is a Boost.Hana map keyed by type-level page-type tags, so generic code can
// ask for `traits_of<evidence_tag>` at compile time; `traits_of(page_type)` gives the same
// entry at run time through an array folded out of the map.

#include <array>
#include <cstdint>
#include <optional>

#include <boost/hana/at_key.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include "clawvm/page_type.hpp"

namespace clawvm {

// A degradation chain, highest fidelity first; its last element is the floor.
struct chain {
  std::array<level, 4> levels{};
  std::uint8_t length = 0;

  constexpr bool contains(level l) const noexcept {
    for (std::uint8_t i = 0; i < length; ++i) {
      if (levels[i] == l) return true;
    }
    return false;
  }
  constexpr level highest() const noexcept { return levels[0]; }
  constexpr level lowest() const noexcept { return levels[length - 1U]; }
};

struct page_traits {
  page_type type;
  level floor;
  chain degradation;
  pin_class default_pin;
  scope default_scope;
};

// Type-level tags, one per page type.
template <page_type T>
struct page_type_tag {
  static constexpr page_type value = T;
};
using bootstrap_tag = page_type_tag<page_type::bootstrap>;
using constraint_tag = page_type_tag<page_type::constraint>;
using plan_tag = page_type_tag<page_type::plan>;
using preference_tag = page_type_tag<page_type::preference>;
using evidence_tag = page_type_tag<page_type::evidence>;
using conversation_tag = page_type_tag<page_type::conversation>;

namespace detail {
inline constexpr chain rules_chain{{level::full, level::structured}, 2};
inline constexpr chain plan_chain{{level::full, level::structured, level::pointer}, 3};
inline constexpr chain four_step_chain{
    {level::full, level::compressed, level::structured, level::pointer}, 4};
}  // namespace detail

namespace hana = boost::hana;

// The table (brief §1). Bootstrap is shared by project and session; its default scope is
// project, the wider of the two, so a session principal cannot rewrite it (spec JR-5).
inline constexpr auto page_traits_table = hana::make_map(
    hana::make_pair(hana::type_c<bootstrap_tag>,
                    page_traits{page_type::bootstrap, level::structured, detail::rules_chain,
                                pin_class::hard, scope::project}),
    hana::make_pair(hana::type_c<constraint_tag>,
                    page_traits{page_type::constraint, level::structured, detail::rules_chain,
                                pin_class::hard, scope::session}),
    hana::make_pair(hana::type_c<plan_tag>,
                    page_traits{page_type::plan, level::pointer, detail::plan_chain,
                                pin_class::none, scope::session}),
    hana::make_pair(hana::type_c<preference_tag>,
                    page_traits{page_type::preference, level::pointer, detail::four_step_chain,
                                pin_class::none, scope::project}),
    hana::make_pair(hana::type_c<evidence_tag>,
                    page_traits{page_type::evidence, level::pointer, detail::four_step_chain,
                                pin_class::none, scope::session}),
    hana::make_pair(hana::type_c<conversation_tag>,
                    page_traits{page_type::conversation, level::pointer,
                                detail::four_step_chain, pin_class::none, scope::session}));

template <typename Tag>
inline constexpr page_traits traits_of_tag = page_traits_table[hana::type_c<Tag>];

namespace detail {
// Folds the Hana map into an array indexed by page_type, checking each entry sits at its
// own index (a mis-keyed entry is a compile error, not a wrong lookup).
constexpr std::array<page_traits, page_type_count> fold_traits_table() {
  std::array<page_traits, page_type_count> out{};
  std::array<bool, page_type_count> seen{};
  hana::unpack(page_traits_table, [&](auto... pairs) {
    ([&](auto pair) {
      using tag = typename decltype(+hana::first(pair))::type;
      const page_traits t = hana::second(pair);
      if (t.type != tag::value) throw "page_traits_table: entry keyed by the wrong tag";
      out[index_of(t.type)] = t;
      seen[index_of(t.type)] = true;
    }(pairs), ...);
  });
  for (bool s : seen) {
    if (!s) throw "page_traits_table: a page type has no entry";
  }
  return out;
}
inline constexpr std::array<page_traits, page_type_count> traits_by_index = fold_traits_table();
}  // namespace detail

constexpr const page_traits& traits_of(page_type t) noexcept {
  return detail::traits_by_index[index_of(t)];
}
constexpr level floor_of(page_type t) noexcept { return traits_of(t).floor; }
constexpr const chain& chain_of(page_type t) noexcept { return traits_of(t).degradation; }

// Is `l` a level a page of type `t` may be resident at (none counts: not resident)?
constexpr bool is_resident_level(page_type t, level l) noexcept {
  return l == level::none || chain_of(t).contains(l);
}

// The next level up from `current` along t's chain: from none it is the lowest chain level
// (the floor); nullopt at the top of the chain or for a level not on the chain.
constexpr std::optional<level> next_up(page_type t, level current) noexcept {
  const chain& c = chain_of(t);
  if (current == level::none) return c.lowest();
  for (std::uint8_t i = 1; i < c.length; ++i) {
    if (c.levels[i] == current) return c.levels[i - 1U];
  }
  return std::nullopt;
}

// The next level down along t's chain; nullopt at the floor (below it only eviction).
constexpr std::optional<level> next_down(page_type t, level current) noexcept {
  const chain& c = chain_of(t);
  for (std::uint8_t i = 0; i + 1U < c.length; ++i) {
    if (c.levels[i] == current) return c.levels[i + 1U];
  }
  return std::nullopt;
}

// ---- Walks over a page's present levels, as O(1) lookups ----
// A page has a representation at some of its chain's levels (a bit per level, bit
// index_of(l); page::present_levels). The selector asks three questions of those sets in
// its inner loops: the next present level up, the lowest present level at or above a
// level, and the highest present level. Each is a short chain walk (the functions below);
// the tables fold every answer, for every type, set and level, at compile time, so a
// question is one load (issue 14: a turn's fixed cost). tests/static checks the tables
// against the walks for every input.

inline constexpr std::size_t present_set_count = std::size_t{1} << level_count;

constexpr bool present_in(std::uint8_t present, level l) noexcept {
  return (present & (1U << index_of(l))) != 0U;
}
// The next level up from `current` along t's chain that is present (from none: the
// lowest present one); nullopt when there is none.
constexpr std::optional<level> walk_next_present_up(page_type t, std::uint8_t present, level current) noexcept {
  for (auto l = next_up(t, current); l; l = next_up(t, *l)) {
    if (present_in(present, *l)) return l;
  }
  return std::nullopt;
}
// The lowest present chain level at or above `wanted`; nullopt when there is none.
constexpr std::optional<level> walk_lowest_present_at_least(page_type t, std::uint8_t present, level wanted) noexcept {
  for (auto l = std::optional<level>{floor_of(t)}; l; l = next_up(t, *l)) {
    if (*l >= wanted && present_in(present, *l)) return l;
  }
  return std::nullopt;
}
// The highest present chain level; none when nothing is present.
constexpr level walk_top_present(page_type t, std::uint8_t present) noexcept {
  level top = level::none;
  for (auto l = walk_next_present_up(t, present, level::none); l; l = walk_next_present_up(t, present, *l)) top = *l;
  return top;
}

namespace detail {
inline constexpr std::uint8_t no_level = 0xFF;  // nullopt in the tables
struct present_walk_tables {
  using by_level = std::array<std::uint8_t, level_count>;
  std::array<std::array<by_level, present_set_count>, page_type_count> next_up{};
  std::array<std::array<by_level, present_set_count>, page_type_count> at_least{};
  std::array<std::array<level, present_set_count>, page_type_count> top{};
};
constexpr std::uint8_t encode(std::optional<level> l) noexcept {
  return l ? static_cast<std::uint8_t>(index_of(*l)) : no_level;
}
constexpr present_walk_tables fold_present_walks() {
  present_walk_tables out{};
  for (page_type t : all_page_types) {
    for (std::size_t set = 0; set < present_set_count; ++set) {
      const auto present = static_cast<std::uint8_t>(set);
      for (level l : all_levels) {
        out.next_up[index_of(t)][set][index_of(l)] = encode(walk_next_present_up(t, present, l));
        out.at_least[index_of(t)][set][index_of(l)] = encode(walk_lowest_present_at_least(t, present, l));
      }
      out.top[index_of(t)][set] = walk_top_present(t, present);
    }
  }
  return out;
}
inline constexpr present_walk_tables present_walks = fold_present_walks();
constexpr std::optional<level> decode(std::uint8_t l) noexcept {
  if (l == no_level) return std::nullopt;
  return static_cast<level>(l);
}
}  // namespace detail

// The tables' answers: the same as the walk_* functions, in one load.
constexpr std::optional<level> next_present_up(page_type t, std::uint8_t present, level current) noexcept {
  return detail::decode(detail::present_walks.next_up[index_of(t)][present % present_set_count][index_of(current)]);
}
constexpr std::optional<level> lowest_present_at_least(page_type t, std::uint8_t present, level wanted) noexcept {
  return detail::decode(detail::present_walks.at_least[index_of(t)][present % present_set_count][index_of(wanted)]);
}
constexpr level top_present(page_type t, std::uint8_t present) noexcept {
  return detail::present_walks.top[index_of(t)][present % present_set_count];
}

}  // namespace clawvm
