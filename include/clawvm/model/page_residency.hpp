#pragma once
// The model of page residency (tla/PageResidency.tla, tla/ClawVM.tla), in C++ and under
// the specs' own names. One model: the explorer (tla/explorer/), the trace validator
// (src/trace_validation.cpp) and the RapidCheck reference checks (properties/) all call
// these functions instead of restating floors, chains, pins or destroy sets.
//
// Every table here is drawn from the library's compile-time tables (page_traits.hpp:
// floors, chains, default pins; policy.hpp: what a boundary destroys), so the model and
// the engine cannot drift apart; tla/explorer/static_checks.cpp proves at compile time
// that these tables equal the definitions written in the .tla files.

#include <cstddef>

#include "clawvm/page_traits.hpp"
#include "clawvm/page_type.hpp"
#include "clawvm/boundary.hpp"

namespace clawvm::model {

// Rank(l): the levels are declared in rank order.
constexpr int Rank(level l) noexcept { return static_cast<int>(l); }
constexpr level LevelOfRank(int r) noexcept { return static_cast<level>(r); }

// Floor(t)
constexpr level Floor(page_type t) noexcept { return floor_of(t); }

// Chain(t), highest fidelity first.
constexpr const chain& Chain(page_type t) noexcept { return chain_of(t); }

// ChainLevels(t), as a bit set over ranks.
constexpr unsigned ChainLevels(page_type t) noexcept {
  const chain& c = Chain(t);
  unsigned bits = 0;
  for (std::uint8_t i = 0; i < c.length; ++i) bits |= 1U << static_cast<unsigned>(c.levels[i]);
  return bits;
}
constexpr bool InChain(page_type t, level l) noexcept {
  return ((ChainLevels(t) >> static_cast<unsigned>(l)) & 1U) != 0;
}

// Up(t, l): the lowest chain level above l (l # full; full is in every chain).
constexpr level Up(page_type t, level l) noexcept {
  for (int r = Rank(l) + 1; r < static_cast<int>(level_count); ++r)
    if (InChain(t, LevelOfRank(r))) return LevelOfRank(r);
  return level::full;
}
// Below(t, l) # {}
constexpr bool HasBelow(page_type t, level l) noexcept {
  for (int r = Rank(l) - 1; r >= 0; --r)
    if (InChain(t, LevelOfRank(r))) return true;
  return false;
}
// MaxOf(Below(t, l)), none when Below(t, l) = {}.
constexpr level MaxBelow(page_type t, level l) noexcept {
  for (int r = Rank(l) - 1; r >= 0; --r)
    if (InChain(t, LevelOfRank(r))) return LevelOfRank(r);
  return level::none;
}
// Lift(t, l): the lowest chain level at or above l.
constexpr level Lift(page_type t, level l) noexcept {
  for (int r = Rank(l); r < static_cast<int>(level_count); ++r)
    if (InChain(t, LevelOfRank(r))) return LevelOfRank(r);
  return level::full;
}

// FloorInv, for one page: a resident page sits on its chain, at or above its floor.
constexpr bool FloorHolds(page_type t, level l) noexcept {
  return l == level::none || (InChain(t, l) && Rank(l) >= Rank(Floor(t)));
}
// PinnedResidentInv, for one hard-pinned page: at or above its floor.
constexpr bool PinnedResident(page_type t, level l) noexcept { return Rank(l) >= Rank(Floor(t)); }
// An install of an assembly or an Upgrade: a strictly higher level on the chain.
constexpr bool UpwardStep(page_type t, level from, level to) noexcept {
  return Rank(to) > Rank(from) && InChain(t, to);
}

// Pinned(p) == TypeOf[p] \in {...}: the types hard-pinned by default.
constexpr bool Pinned(page_type t) noexcept { return traits_of(t).default_pin == pin_class::hard; }

// p \in DestroySet(b): what crossing boundary b destroys (EN-5).
constexpr bool InDestroySet(boundary b, page_type t) noexcept { return boundary_destroys(b, t); }
// p \in WritebackSet(b): a memory flush writes every dirty page back; other boundaries
// write back what they destroy.
constexpr bool InWritebackSet(boundary b, page_type t) noexcept {
  return b == boundary::memory_flush || InDestroySet(b, t);
}

// The spec's ASSUME on the tables: every chain is strictly descending, starts at full
// and ends at the type's floor.
constexpr bool TablesConsistent() noexcept {
  for (page_type t : all_page_types) {
    const chain& c = Chain(t);
    if (c.length == 0 || c.levels[0] != level::full || c.lowest() != Floor(t)) return false;
    for (std::uint8_t k = 1; k < c.length; ++k)
      if (Rank(c.levels[k]) >= Rank(c.levels[k - 1U])) return false;
  }
  return true;
}
static_assert(TablesConsistent(), "page_traits_table breaks PageResidency.tla's ASSUME on chains");

// Boundary semantics against page traits: a boundary that keeps the session and does
// not rebuild the whole context (pruning, a memory flush) never destroys a type that is
// hard-pinned by default, so only compaction and the session-ending boundaries can take
// bootstrap or constraint pages out of the context (and compaction restores them, EN-7).
constexpr bool BoundariesSparePinned() noexcept {
  for (std::size_t b = 0; b < boundary_count; ++b) {
    const boundary_semantics& s = semantics_of(static_cast<boundary>(b));
    if (s.ends_session || s.destroys == destroyed_context::everything) continue;
    for (page_type t : all_page_types)
      if (Pinned(t) && InDestroySet(s.kind, t)) return false;
  }
  return true;
}
static_assert(BoundariesSparePinned(), "boundary_table destroys a hard-pinned type at a partial boundary");
static_assert(Up(page_type::bootstrap, level::none) == level::structured);
static_assert(Up(page_type::plan, level::structured) == level::full);
static_assert(MaxBelow(page_type::evidence, level::full) == level::compressed);
static_assert(!HasBelow(page_type::constraint, level::structured));
static_assert(Lift(page_type::bootstrap, level::pointer) == level::structured);

}  // namespace clawvm::model
