#pragma once
// Lifecycle boundaries (brief §3, spec/engine.md EN-5): the vocabulary and what each
// boundary destroys. A header of its own so that the model (clawvm/model/) and the
// explorer can use it without the selector.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include <boost/hana/at_key.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include "clawvm/page_type.hpp"

namespace clawvm {

// Lifecycle boundaries (brief §3). Numbers appear in traces.
enum class boundary : std::uint8_t {
  compaction = 0,
  pruning = 1,
  memory_flush = 2,
  reset = 3,
  session_end = 4,
  shutdown = 5,
};
inline constexpr std::size_t boundary_count = 6;
constexpr std::string_view to_string(boundary b) noexcept {
  switch (b) {
    case boundary::compaction: return "compaction";
    case boundary::pruning: return "pruning";
    case boundary::memory_flush: return "memory_flush";
    case boundary::reset: return "reset";
    case boundary::session_end: return "session_end";
    case boundary::shutdown: return "shutdown";
  }
  return "?";
}

// What crossing a boundary does to the context (spec/engine.md EN-5), one entry per
// boundary in a compile-time Hana map keyed by the boundary: compaction rewrites the
// whole context, pruning drops tool outputs and transcript spans, a memory flush
// destroys nothing, and the session-ending boundaries destroy the context and remove
// every session-scoped page. The engine, the model (clawvm/model/), the explorer and the
// trace validator all read it through boundary_destroys / boundary_ends_session, and
// tla/explorer/spec_tables.hpp proves it equal to ClawVM.tla's DestroySet.
enum class destroyed_context : std::uint8_t { nothing, tool_output_and_transcript, everything };

struct boundary_semantics {
  boundary kind;
  destroyed_context destroys;
  bool ends_session;
};

template <boundary B>
using boundary_tag = std::integral_constant<boundary, B>;

inline constexpr auto boundary_table = boost::hana::make_map(
    boost::hana::make_pair(boost::hana::type_c<boundary_tag<boundary::compaction>>,
                           boundary_semantics{boundary::compaction, destroyed_context::everything, false}),
    boost::hana::make_pair(boost::hana::type_c<boundary_tag<boundary::pruning>>,
                           boundary_semantics{boundary::pruning, destroyed_context::tool_output_and_transcript, false}),
    boost::hana::make_pair(boost::hana::type_c<boundary_tag<boundary::memory_flush>>,
                           boundary_semantics{boundary::memory_flush, destroyed_context::nothing, false}),
    boost::hana::make_pair(boost::hana::type_c<boundary_tag<boundary::reset>>,
                           boundary_semantics{boundary::reset, destroyed_context::everything, true}),
    boost::hana::make_pair(boost::hana::type_c<boundary_tag<boundary::session_end>>,
                           boundary_semantics{boundary::session_end, destroyed_context::everything, true}),
    boost::hana::make_pair(boost::hana::type_c<boundary_tag<boundary::shutdown>>,
                           boundary_semantics{boundary::shutdown, destroyed_context::everything, true}));

namespace detail {
// Folds the Hana map into an array indexed by boundary number, checking that each entry
// sits under its own key, that every boundary has one, and that a boundary ending the
// session destroys the whole context (a mistake is a compile error, not a wrong lookup).
template <typename Map>
constexpr std::array<boundary_semantics, boundary_count> fold_boundary_table(Map table) {
  std::array<boundary_semantics, boundary_count> out{};
  std::array<bool, boundary_count> seen{};
  boost::hana::unpack(table, [&](auto... pairs) {
    ([&](auto pair) {
      using tag = typename decltype(+boost::hana::first(pair))::type;
      const boundary_semantics s = boost::hana::second(pair);
      if (s.kind != tag::value) throw "boundary_table: entry keyed by the wrong boundary";
      if (s.ends_session && s.destroys != destroyed_context::everything) {
        throw "boundary_table: a boundary that ends the session must destroy the whole context";
      }
      out[static_cast<std::size_t>(s.kind)] = s;
      seen[static_cast<std::size_t>(s.kind)] = true;
    }(pairs), ...);
  });
  for (bool s : seen) {
    if (!s) throw "boundary_table: a boundary has no entry";
  }
  return out;
}
inline constexpr std::array<boundary_semantics, boundary_count> boundary_semantics_by_index =
    fold_boundary_table(boundary_table);
}  // namespace detail

constexpr const boundary_semantics& semantics_of(boundary b) noexcept {
  return detail::boundary_semantics_by_index[static_cast<std::size_t>(b)];
}
constexpr bool boundary_destroys(boundary b, page_type t) noexcept {
  switch (semantics_of(b).destroys) {
    case destroyed_context::nothing: return false;
    case destroyed_context::tool_output_and_transcript:
      return t == page_type::evidence || t == page_type::conversation;
    case destroyed_context::everything: return true;
  }
  return true;
}
constexpr bool boundary_ends_session(boundary b) noexcept { return semantics_of(b).ends_session; }

constexpr std::optional<boundary> parse_boundary(std::string_view s) noexcept {
  for (std::uint8_t i = 0; i < boundary_count; ++i) {
    if (to_string(static_cast<boundary>(i)) == s) return static_cast<boundary>(i);
  }
  return std::nullopt;
}

}  // namespace clawvm
