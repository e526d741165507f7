#pragma once
// A page: one piece of agent state with its precomputed representations (brief §1,
// spec/pages.md PG-5). All representations and token counts are computed when the page is
// created or updated, never under budget pressure (PG-6): selection is table lookups.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <gsl/assert>

#include "clawvm/page_traits.hpp"
#include "clawvm/page_type.hpp"

namespace clawvm {

struct representation {
  std::string content;
  std::uint32_t tokens = 0;

  friend bool operator==(const representation&, const representation&) = default;
};

// What a harness hands to ingest: every optional field falls back to the type's default.
struct page_spec {
  std::string id;
  std::string type_name;  // wire name; an unknown one is rejected (unknown_page_type)
  std::optional<clawvm::scope> scope;
  std::optional<pin_class> pin;
  std::string provenance;  // tool call id or transcript span that produced the page
  double recompute_cost = 0.0;
  double base_utility = 0.0;
  // Indexed by level; [none] must stay empty.
  std::array<std::optional<representation>, level_count> representations{};
};

// A page's representations by level, read like an array indexed by index_of(level).
// level::none never has a representation, so it has no slot: [index_of(level::none)]
// reads as an empty representation, and assign() to it is discarded. The contents and
// the token counts are kept in two arrays rather than as four `representation`s, whose
// padding after each count cost 16 B per page (issue 14: policy state per page).
class representation_set {
 public:
  static constexpr std::size_t slot_count = level_count - 1;  // pointer..full

  // One level's representation, read in place.
  struct view {
    const std::string& content;
    std::uint32_t tokens;
    friend bool operator==(const view& a, const representation& b) noexcept {
      return a.content == b.content && a.tokens == b.tokens;
    }
  };

  view operator[](std::size_t i) const noexcept {
    if (i == 0) return {empty_content(), 0};
    Expects(i <= slot_count);
    return {contents_[i - 1], tokens_[i - 1]};
  }
  view at(level l) const noexcept { return (*this)[index_of(l)]; }
  std::uint32_t tokens(std::size_t i) const noexcept {
    if (i == 0) return 0U;
    Expects(i <= slot_count);
    return tokens_[i - 1];
  }

  // Sets level i's representation (copying `content`, reusing the slot's buffer); a
  // write to level none is discarded.
  void assign(std::size_t i, std::string_view content, std::uint32_t tokens) {
    Expects(i < level_count);
    if (i == 0) return;
    contents_[i - 1].assign(content);
    tokens_[i - 1] = tokens;
  }
  void clear(std::size_t i) noexcept {
    Expects(i < level_count);
    if (i == 0) return;
    contents_[i - 1].clear();
    tokens_[i - 1] = 0;
  }

  friend bool operator==(const representation_set&, const representation_set&) = default;

 private:
  static const std::string& empty_content() noexcept {
    static const std::string none_slot;
    return none_slot;
  }
  std::array<std::string, slot_count> contents_{};
  std::array<std::uint32_t, slot_count> tokens_{};
};

// Limits on ingest (PG-7).
inline constexpr std::size_t page_id_bytes_max = 256;

struct page {
  std::string id;
  std::string provenance;
  representation_set representations{};  // by level (index_of(level)); none has no slot
  double recency = 0.0;
  double recompute_cost = 0.0;
  double base_utility = 0.0;
  page_type type = page_type::conversation;
  clawvm::scope scope = clawvm::scope::session;
  pin_class pin = pin_class::none;
  std::uint8_t present_levels = 0;  // bit i set: a representation at level i exists
  bool dirty = false;
  bool ever_resident = false;  // was resident at some level since ingest (refetch needs it)
  level resident = level::none;  // level chosen by the last assembly or boundary

  constexpr bool has(level l) const noexcept {
    return (present_levels & (1U << index_of(l))) != 0U;
  }
  std::uint32_t tokens_at(level l) const noexcept {
    return representations.tokens(index_of(l));
  }
  level floor() const noexcept { return floor_of(type); }

  // The next level up that this page has a representation for (from none: its floor).
  // These three are table lookups (page_traits.hpp, "Walks over a page's present levels").
  std::optional<level> next_up_level(level current) const noexcept {
    return next_present_up(type, present_levels, current);
  }
  // The highest level this page has a representation for (none: it has none).
  level top_level() const noexcept { return top_present(type, present_levels); }
  // The lowest present level at or above `wanted` (a demand is served at or above it).
  std::optional<level> lowest_present_at_least(level wanted) const noexcept {
    return clawvm::lowest_present_at_least(type, present_levels, wanted);
  }
};

}  // namespace clawvm
