#pragma once
// The representation selector (brief §2, spec/selector.md SEL-1..SEL-9): a greedy,
// deterministic multiple-choice knapsack. tla/PageResidency.tla actions Assemble,
// Upgrade, Degrade, Evict are all realised by one call of select_representations.

#include <cstdint>
#include <string_view>
#include <vector>

#include <gsl/span>

#include "clawvm/page.hpp"
#include "clawvm/page_table.hpp"
#include "clawvm/reason_code.hpp"

namespace clawvm {

enum class upgrade_mode : std::uint8_t {
  none = 0,     // no step 3
  lru = 1,      // rank by recency alone
  recency = 2,  // compaction-hybrid: base + 0.9 recency + 0.1 recompute
  clawvm = 3,   // base + pin boost + 0.6 recency + 0.4 recompute
  oracle = 4,   // clawvm + 2.2 x demands in the next h turns
  cache_aware = 5,  // clawvm's utility; keeps last assembly's levels, appends, rebalances (SEL-11)
};
constexpr std::string_view to_string(upgrade_mode m) noexcept {
  switch (m) {
    case upgrade_mode::none: return "none";
    case upgrade_mode::lru: return "lru";
    case upgrade_mode::recency: return "recency";
    case upgrade_mode::clawvm: return "clawvm";
    case upgrade_mode::oracle: return "oracle";
    case upgrade_mode::cache_aware: return "cache_aware";
  }
  return "?";
}

// Reference weights of the artifact (brief §2), SEL-6.
struct utility_weights {
  double pin_hard = 2.0;
  double pin_soft = 0.6;
  double recency = 0.6;
  double recompute = 0.4;
  double future = 2.2;
  // compaction-hybrid (upgrade_mode::recency)
  double hybrid_recency = 0.9;
  double hybrid_recompute = 0.1;
};

// The cache-aware mode's hysteresis (SEL-11), in percent of the upgrade budget (what is
// left after steps 1 and 2). Integers, so every implementation rounds alike.
struct cache_hysteresis {
  // Keep the last assembly's levels and append new pages at their top level while both
  // fit in all but this share of the upgrade budget; otherwise rebalance.
  std::uint32_t reserve_percent = 10;
  // A rebalance spends at most this share of the upgrade budget, leaving room to append.
  std::uint32_t refill_percent = 40;
};

struct selector_policy {
  bool auto_pin = true;           // hard-pinned pages are required at their floor
  bool prefetch_pointers = true;  // step 2
  upgrade_mode upgrades = upgrade_mode::clawvm;
  utility_weights weights{};
  cache_hysteresis hysteresis{};  // upgrade_mode::cache_aware only
};

struct demand {
  page_index page = 0;
  level wanted = level::full;
};

struct selection_request {
  gsl::span<const page> pages;
  std::uint32_t tokens_budget = 0;
  gsl::span<const demand> demands;
  // Oracle only: demands of each page (by index) in the next h turns; empty otherwise.
  gsl::span<const std::uint32_t> future_demands;
  // page_table::generation() of the table whose pages() is `pages`, or 0: unknown, every
  // order is sorted per call with page-id string compares and the scratch's cache is
  // neither used nor changed. With a nonzero value the scratch keeps, per (generation,
  // page count), each page's rank in id order and the static orders (hard-pinned pages,
  // prefetch order with pointer token counts): reused while both match, extended when
  // pages were only appended, rebuilt otherwise. Same selection either way. Contract:
  // the generation belongs to the table `pages` comes from, and nobody changed a page's
  // id, type, pin, recompute cost, base utility, present levels or pointer tokens in
  // place since (page_table::renew_generation() after such a change); otherwise
  // selections may be wrong. Recency, residency and other token counts are read live.
  std::uint64_t pages_generation = 0;
  // The table's last_removal(), or nullptr. When the scratch's orders were built for the
  // generation just before that removal, they are filtered (O(n), no id compares)
  // instead of rebuilt (issue 14: the cache after a session-ending boundary).
  const page_removal* last_removal = nullptr;
  // cache_aware only (SEL-11): each page's position in the last assembled prompt (RP-11),
  // UINT32_MAX for a page not in it; empty: positions in page-table order.
  gsl::span<const std::uint32_t> prompt_positions = {};
  // The table's last_edits(), or nullptr. When the scratch's orders were built for a
  // generation the record reaches (where it starts or one of its replaces left the table;
  // after last_removal is followed, if it applies), the pages edited since are re-placed
  // in them (O(n) per page, no sort) instead of a rebuild.
  const page_edits* last_edits = nullptr;
};

enum class install_step : std::uint8_t { required = 0, prefetch = 1, upgrade = 2 };
constexpr std::string_view to_string(install_step s) noexcept {
  switch (s) {
    case install_step::required: return "required";
    case install_step::prefetch: return "prefetch";
    case install_step::upgrade: return "upgrade";
  }
  return "?";
}

struct install_decision {
  page_index page = 0;
  level from = level::none;
  level to = level::none;
  install_step step = install_step::required;
  std::uint32_t tokens_extra = 0;
};

struct unmet_requirement {
  page_index page = 0;
  level wanted = level::none;       // the level the required set asked for
  level installed = level::none;    // what fitted instead (the floor, or none)
  std::uint32_t tokens_needed = 0;  // tokens of the wanted level
  reason_code reason = reason_code::required_does_not_fit;
};

struct selection {
  std::vector<level> levels;  // by page index
  std::uint32_t tokens_used = 0;
  std::uint32_t tokens_budget = 0;
  std::uint32_t floor_set_tokens = 0;  // hard-pinned pages at their floor
  bool floor_set_fits = true;
  std::vector<unmet_requirement> unmet;
  std::vector<install_decision> decisions;  // only when asked to record them
  // Every page whose level is not none, once each, in the order each got its first level
  // (the next selection into this object resets only these pages' levels: see
  // select_representations):
  // what a caller installing the selection visits besides what was resident before, so
  // that installing costs what is resident, not the table (issue 14).
  std::vector<page_index> installed;
};

// Reusable buffers (no allocation per turn in steady state) and orders over the pages
// that depend only on their static attributes, cached per page-table generation (see
// selection_request::pages_generation). Results never depend on what the scratch held
// before: a scratch may be shared by any tables and requests.
struct selector_scratch {
  std::vector<page_index> order;
  struct candidate {
    double score;    // utility / tokens_extra
    double utility;  // the page's (SEL-6), for its next step
    page_index page;
    std::uint32_t id_rank;  // the page's id_rank when cached, else 0
    level from;
    level to;
    std::uint32_t tokens_extra;
  };
  std::vector<candidate> candidates;  // step 3 heap: at most one step per page
  // By page index, each demanded page's required level during step 1; every entry is
  // none between selections, so a selection resets only what its demands wrote (issue 14:
  // no pass over the table per turn). `required_clean` is false while entries may be set
  // (a selection that did not finish): the next one then clears every entry.
  std::vector<level> required;
  bool required_clean = true;
  std::vector<std::uint8_t> held;  // cache_aware rebalance: 1 for the pages it keeps (SEL-11)

  // The cache key: (generation, page count) the orders below were built for; generation
  // 0 means nothing is cached.
  std::uint64_t cached_generation = 0;
  std::size_t cached_pages = 0;
  std::vector<page_index> by_id;          // every page, in (id, index) order
  std::vector<std::uint32_t> id_rank;     // by page index: position in by_id
  std::vector<page_index> pinned_order;   // hard-pinned pages in required (SEL-2) order
  std::vector<page_index> prefetch_order; // pages with a pointer, in prefetch (SEL-4) order
  std::vector<std::uint32_t> prefetch_tokens;  // their pointer token counts, same order
  // prefetch_tokens_floor[k]: the fewest tokens of any pointer from position k of the
  // prefetch order on. Once less than that is left, the prefetch walk can install nothing
  // more and stops (issue 14: a budget spent down to a few tokens no longer walks every
  // remaining pointer). Derived from prefetch_tokens whenever the orders change.
  std::vector<std::uint32_t> prefetch_tokens_floor;
  // By page index: the tokens of the page's lowest present level (its first step up from
  // none), UINT32_MAX for a page without one. Step 3 skips, without reading the page, a
  // page at none whose first step cannot fit (issue 14: per-turn cost that does not grow
  // with idle pages).
  std::vector<std::uint32_t> first_step_tokens;
  // The smallest of first_step_tokens (UINT32_MAX for no page). When less is left, no page
  // at none can take a step, and step 3 reads only the pages the selection installed
  // instead of every page (issue 14). Derived whenever the orders change.
  std::uint32_t first_step_tokens_min = UINT32_MAX;
  // How many removals the orders followed by filtering rather than a rebuild (a count
  // for tests and benchmarks; the selection does not depend on it).
  std::uint64_t removals_followed = 0;
  // How many batches of appended pages were merged into the orders rather than rebuilt
  // (a count for tests and benchmarks, like removals_followed).
  std::uint64_t batches_merged = 0;
  // How many page_edits records were followed by re-placing pages rather than rebuilt.
  std::uint64_t edits_followed = 0;
  // Step 3 walks over a few candidates (sorted) and over many (a heap): counts for the
  // tests, which must reach both sides of the threshold.
  std::uint64_t sorted_walks = 0;
  std::uint64_t heap_walks = 0;
  // Walks the bounds ended early: a prefetch walk that stopped with tokens left but no
  // pointer ahead that fits them, and a step 3 that read only the installed pages (counts
  // for the tests, which must reach both).
  std::uint64_t prefetch_early_stops = 0;
  std::uint64_t installed_only_walks = 0;
};

// The level a demand for `wanted` is served at (SEL-3): the lowest present level at or
// above max(wanted, floor); a page without one is served at its highest level.
level serving_level(const page& p, level wanted) noexcept;

// Inline: step 3 computes it for every candidate (issue 14).
inline double page_utility(const page& p, upgrade_mode mode, const utility_weights& w,
                           std::uint32_t future_demands) noexcept {
  const double pin_boost = p.pin == pin_class::hard ? w.pin_hard
                           : p.pin == pin_class::soft ? w.pin_soft
                                                      : 0.0;
  switch (mode) {
    case upgrade_mode::none:
    case upgrade_mode::lru: return p.recency;
    case upgrade_mode::recency:
      return p.base_utility + w.hybrid_recency * p.recency + w.hybrid_recompute * p.recompute_cost;
    case upgrade_mode::clawvm:
    case upgrade_mode::cache_aware:
      return p.base_utility + pin_boost + w.recency * p.recency + w.recompute * p.recompute_cost;
    case upgrade_mode::oracle:
      return p.base_utility + pin_boost + w.recency * p.recency + w.recompute * p.recompute_cost +
             w.future * static_cast<double>(future_demands);
  }
  return 0.0;
}

// Fills `out` (resized to the page count). Deterministic: the same request and policy
// give the same selection, byte for byte, whatever the scratch held before.
// Precondition on `out`: every page above none in out.levels is listed in out.installed
// (true of a default-constructed selection and of any this function filled, whatever
// table it was for; a caller may lower levels but must not raise one from none without
// listing it). Only the listed pages are reset, so that a turn does not pass over the
// table (issue 14); debug builds check the reset against a full clear.
// Precondition (page_table::build guarantees it): every present representation has at
// least one token and tokens strictly increase up each page's chain.
void select_representations(const selection_request& request, const selector_policy& policy,
                            selection& out, selector_scratch& scratch, bool record_decisions);

// Convenience for tests and one-off callers.
selection select_representations(const selection_request& request, const selector_policy& policy);

}  // namespace clawvm
