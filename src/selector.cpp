// Representation selector: spec/selector.md SEL-1..SEL-9; tla/PageResidency.tla
// Assemble (step 1), Upgrade (step 3); pages left below their previous level realise
// Degrade and Evict.
#include "clawvm/selector.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include <gsl/assert>
#include <gsl/narrow>

#include "clawvm/per_page_growth.hpp"

namespace clawvm {

namespace {

int type_rank(page_type t) noexcept {
  switch (t) {
    case page_type::bootstrap: return 0;
    case page_type::constraint: return 1;
    default: return 2;
  }
}

// Page ids break the remaining ties of every order below. Two ways to compare them, with
// the same results on pages with unique ids (a page table's):
//  * by_rank: integer ranks in (id, index) order, cached per page-table generation
//    (selector_scratch::id_rank); equal ranks mean the same page;
//  * by_id: the id strings themselves (requests without a generation: nothing cached).
// Each returns <0, 0 or >0 like std::string::compare.
struct by_rank {
  static constexpr bool ranked = true;
  const std::uint32_t* rank;
  std::uint32_t rank_of(page_index i) const noexcept { return rank[i]; }
  [[gnu::always_inline]] int operator()(page_index a, page_index b) const noexcept {
    return rank[a] < rank[b] ? -1 : rank[a] > rank[b] ? 1 : 0;
  }
  [[gnu::always_inline]] int operator()(const page& /*a*/, const page& /*b*/, page_index ia,
                                        page_index ib) const noexcept {
    return (*this)(ia, ib);
  }
};
struct by_id {
  static constexpr bool ranked = false;
  gsl::span<const page> pages;
  static std::uint32_t rank_of(page_index /*i*/) noexcept { return 0; }
  [[gnu::always_inline]] int operator()(page_index a, page_index b) const noexcept {
    return pages[a].id.compare(pages[b].id);
  }
  [[gnu::always_inline]] int operator()(const page& a, const page& b, page_index /*ia*/,
                                        page_index /*ib*/) const noexcept {
    return a.id.compare(b.id);
  }
};

// SEL-2 priority: pin class (hard first), then type (bootstrap, constraint, others), then
// base utility (high first), then page id (total order: ids are unique).
// Always inlined: they run inside sort comparators (an out-of-line call per compare
// measured ~25 % of a 100 000-page selection).
template <typename IdCompare>
[[gnu::always_inline]] inline bool required_before(gsl::span<const page> pages, IdCompare id_cmp, page_index ia, page_index ib) noexcept {
  const page& a = pages[ia];
  const page& b = pages[ib];
  if (a.pin != b.pin) return a.pin > b.pin;
  if (type_rank(a.type) != type_rank(b.type)) return type_rank(a.type) < type_rank(b.type);
  if (a.base_utility != b.base_utility) return a.base_utility > b.base_utility;
  return id_cmp(a, b, ia, ib) < 0;
}

// SEL-4 prefetch order: recompute cost (high first), base utility (high first), page id.
template <typename IdCompare>
[[gnu::always_inline]] inline bool prefetch_before(gsl::span<const page> pages, IdCompare id_cmp, page_index ia, page_index ib) noexcept {
  const page& a = pages[ia];
  const page& b = pages[ib];
  if (a.recompute_cost != b.recompute_cost) return a.recompute_cost > b.recompute_cost;
  if (a.base_utility != b.base_utility) return a.base_utility > b.base_utility;
  return id_cmp(a, b, ia, ib) < 0;
}

// The hard-pinned pages in SEL-2 order, and the pages with a pointer in SEL-4 order.
template <typename IdCompare>
void sort_pinned(gsl::span<const page> pages, IdCompare id_cmp, std::vector<page_index>& order) {
  std::sort(order.begin(), order.end(),
            [&](page_index a, page_index b) { return required_before(pages, id_cmp, a, b); });
}
template <typename IdCompare>
void sort_prefetch(gsl::span<const page> pages, IdCompare id_cmp, std::vector<page_index>& order) {
  std::sort(order.begin(), order.end(),
            [&](page_index a, page_index b) { return prefetch_before(pages, id_cmp, a, b); });
}

// Appending more pages than this share of the cached count merges them in as one batch
// instead of inserting them one by one (an insertion costs O(n) integer moves; a batch
// sorts only the new pages and merges, O(n + k log k) id compares, not a rebuild's
// O(n log n)).
constexpr std::size_t incremental_append_max(std::size_t cached) noexcept { return 16 + cached / 32; }

// The tokens of the step from none: the page's lowest present level.
std::uint32_t first_step_tokens(const page& p) noexcept {
  const auto to = p.next_up_level(level::none);
  return to ? p.tokens_at(*to) : UINT32_MAX;
}

void rebuild_static_orders(gsl::span<const page> pages, selector_scratch& scratch) {
  const std::size_t n = pages.size();
  auto& ids = scratch.by_id;
  reserve_by_quarter(ids, n);
  ids.resize(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = gsl::narrow_cast<page_index>(i);
  std::sort(ids.begin(), ids.end(), [&](page_index a, page_index b) {
    const int cmp = pages[a].id.compare(pages[b].id);
    return cmp != 0 ? cmp < 0 : a < b;
  });
  auto& rank = scratch.id_rank;
  reserve_by_quarter(rank, n);
  rank.resize(n);
  for (std::size_t r = 0; r < n; ++r) rank[ids[r]] = gsl::narrow_cast<std::uint32_t>(r);

  auto& pinned = scratch.pinned_order;
  auto& prefetch = scratch.prefetch_order;
  pinned.clear();
  prefetch.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (pages[i].pin == pin_class::hard) pinned.push_back(gsl::narrow_cast<page_index>(i));
    if (pages[i].has(level::pointer)) prefetch.push_back(gsl::narrow_cast<page_index>(i));
  }
  sort_pinned(pages, by_rank{rank.data()}, pinned);
  sort_prefetch(pages, by_rank{rank.data()}, prefetch);
  auto& tokens = scratch.prefetch_tokens;
  reserve_by_quarter(tokens, prefetch.size());
  tokens.resize(prefetch.size());
  for (std::size_t k = 0; k < prefetch.size(); ++k) tokens[k] = pages[prefetch[k]].tokens_at(level::pointer);
  reserve_by_quarter(scratch.first_step_tokens, n);
  scratch.first_step_tokens.resize(n);
  for (std::size_t i = 0; i < n; ++i) scratch.first_step_tokens[i] = first_step_tokens(pages[i]);
}

// Inserts page `j` (the highest index so far) into orders that hold pages [0, j).
void append_to_static_orders(gsl::span<const page> pages, page_index j, selector_scratch& scratch) {
  reserve_by_quarter(scratch.first_step_tokens, std::size_t{j} + 1);
  scratch.first_step_tokens.push_back(first_step_tokens(pages[j]));
  auto& ids = scratch.by_id;
  auto& rank = scratch.id_rank;
  reserve_by_quarter(ids, ids.size() + 1);
  reserve_by_quarter(rank, rank.size() + 1);
  const std::string& id = pages[j].id;
  // (id, index) order, and j exceeds every index present: after all ids <= id.
  const auto at = std::upper_bound(ids.begin(), ids.end(), id,
                                   [&](const std::string& key, page_index i) { return key < pages[i].id; });
  const auto r = gsl::narrow_cast<std::uint32_t>(at - ids.begin());
  for (auto& x : rank) x += x >= r ? 1U : 0U;  // relative order of the others unchanged
  ids.insert(at, j);
  rank.push_back(r);

  const by_rank cmp{rank.data()};
  const page& p = pages[j];
  if (p.pin == pin_class::hard) {
    auto& pinned = scratch.pinned_order;
    pinned.insert(std::upper_bound(pinned.begin(), pinned.end(), j,
                                   [&](page_index a, page_index b) { return required_before(pages, cmp, a, b); }),
                  j);
  }
  if (p.has(level::pointer)) {
    auto& prefetch = scratch.prefetch_order;
    reserve_by_quarter(prefetch, prefetch.size() + 1);  // before `pos`: growing moves it
    const auto pos = std::upper_bound(prefetch.begin(), prefetch.end(), j, [&](page_index a, page_index b) {
      return prefetch_before(pages, cmp, a, b);
    });
    reserve_by_quarter(scratch.prefetch_tokens, prefetch.size() + 1);
    scratch.prefetch_tokens.insert(scratch.prefetch_tokens.begin() + (pos - prefetch.begin()),
                                   p.tokens_at(level::pointer));
    prefetch.insert(pos, j);
  }
}

// Appends pages [first_new, n) to orders that hold pages [0, first_new), as one batch: the
// new pages are sorted among themselves and merged into each order. The old pages keep
// their relative order in every order (their id order is unchanged), so a merge gives
// exactly the order a rebuild sorts.
void merge_into_static_orders(gsl::span<const page> pages, std::size_t first_new, selector_scratch& scratch) {
  const std::size_t n = pages.size();
  reserve_by_quarter(scratch.first_step_tokens, n);
  for (std::size_t j = first_new; j < n; ++j) scratch.first_step_tokens.push_back(first_step_tokens(pages[j]));
  const auto id_before = [&](page_index a, page_index b) {
    const int cmp = pages[a].id.compare(pages[b].id);
    return cmp != 0 ? cmp < 0 : a < b;
  };
  std::vector<page_index> fresh;
  for (std::size_t j = first_new; j < n; ++j) fresh.push_back(gsl::narrow_cast<page_index>(j));
  std::sort(fresh.begin(), fresh.end(), id_before);
  std::vector<page_index> merged;
  merged.reserve(n);
  std::merge(scratch.by_id.begin(), scratch.by_id.end(), fresh.begin(), fresh.end(), std::back_inserter(merged), id_before);
  scratch.by_id.swap(merged);
  reserve_by_quarter(scratch.id_rank, n);
  scratch.id_rank.resize(n);
  for (std::size_t r = 0; r < n; ++r) scratch.id_rank[scratch.by_id[r]] = gsl::narrow_cast<std::uint32_t>(r);

  const by_rank cmp{scratch.id_rank.data()};
  std::vector<page_index> added;
  for (std::size_t j = first_new; j < n; ++j)
    if (pages[j].pin == pin_class::hard) added.push_back(gsl::narrow_cast<page_index>(j));
  sort_pinned(pages, cmp, added);
  auto& pinned = scratch.pinned_order;
  const auto pinned_old = static_cast<std::ptrdiff_t>(pinned.size());
  pinned.insert(pinned.end(), added.begin(), added.end());
  std::inplace_merge(pinned.begin(), pinned.begin() + pinned_old, pinned.end(),
                     [&](page_index a, page_index b) { return required_before(pages, cmp, a, b); });

  added.clear();
  for (std::size_t j = first_new; j < n; ++j)
    if (pages[j].has(level::pointer)) added.push_back(gsl::narrow_cast<page_index>(j));
  sort_prefetch(pages, cmp, added);
  // Merged by hand: each entry carries its pointer tokens.
  const auto& old_order = scratch.prefetch_order;
  const auto& old_tokens = scratch.prefetch_tokens;
  std::vector<page_index> order;
  std::vector<std::uint32_t> tokens;
  order.reserve(old_order.size() + added.size());
  tokens.reserve(old_order.size() + added.size());
  std::size_t a = 0;
  std::size_t b = 0;
  while (a < old_order.size() || b < added.size()) {
    const bool take_new = a == old_order.size() ||
                          (b < added.size() && prefetch_before(pages, cmp, added[b], old_order[a]));
    if (take_new) {
      order.push_back(added[b]);
      tokens.push_back(pages[added[b++]].tokens_at(level::pointer));
    } else {
      order.push_back(old_order[a]);
      tokens.push_back(old_tokens[a++]);
    }
  }
  scratch.prefetch_order.swap(order);
  scratch.prefetch_tokens.swap(tokens);
  ++scratch.batches_merged;
}

// Follows a removal (page_removal) in orders built for the table just before it: every
// order keeps the survivors in the same relative order, renumbered. Ranks compare like
// before (the relative id order of the survivors is unchanged) and so do the orders
// sorted by them, so the result is the rebuild's, without a string compare.
void filter_static_orders(const page_removal& removal, selector_scratch& scratch) {
  const auto& to = removal.new_index;
  const auto keep = [&](std::vector<page_index>& order) {
    std::size_t w = 0;
    for (const page_index i : order) {
      if (to[i] != page_removal::removed_page) order[w++] = to[i];
    }
    order.resize(w);
  };
  keep(scratch.by_id);
  scratch.id_rank.resize(scratch.by_id.size());
  for (std::size_t r = 0; r < scratch.by_id.size(); ++r) {
    scratch.id_rank[scratch.by_id[r]] = gsl::narrow_cast<std::uint32_t>(r);
  }
  keep(scratch.pinned_order);
  std::size_t w = 0;
  for (std::size_t k = 0; k < scratch.prefetch_order.size(); ++k) {
    const page_index i = scratch.prefetch_order[k];
    if (to[i] == page_removal::removed_page) continue;
    scratch.prefetch_order[w] = to[i];
    scratch.prefetch_tokens[w] = scratch.prefetch_tokens[k];
    ++w;
  }
  scratch.prefetch_order.resize(w);
  scratch.prefetch_tokens.resize(w);
  w = 0;
  for (std::size_t i = 0; i < to.size(); ++i) {
    if (to[i] != page_removal::removed_page) scratch.first_step_tokens[w++] = scratch.first_step_tokens[i];
  }
  scratch.first_step_tokens.resize(w);
  scratch.cached_generation = removal.to_generation;
  scratch.cached_pages = w;
  ++scratch.removals_followed;
}

// Follows replaces (page_edits) in orders built for the generation they start from: the
// edited pages leave every order, then each goes back where its new attributes sort it.
// The other pages kept their attributes, so what is left stays sorted and each insertion
// keeps it so: the result is the rebuild's (ids, and so ranks, do not change). A page
// appended after the orders were built is not in them yet: the append adds it.
void follow_edits(gsl::span<const page> pages, const page_edits& edits, std::size_t first, selector_scratch& scratch) {
  std::vector<page_index> edited;
  for (std::size_t k = first; k < edits.pages.size(); ++k) {
    if (edits.pages[k] < scratch.cached_pages) edited.push_back(edits.pages[k]);
  }
  std::sort(edited.begin(), edited.end());
  edited.erase(std::unique(edited.begin(), edited.end()), edited.end());
  const auto is_edited = [&](page_index i) { return std::binary_search(edited.begin(), edited.end(), i); };
  // Out: the pin class cannot change in a replace (PG-9), so the pinned order holds the
  // same pages; the prefetch order may lose a page whose pointer is gone.
  auto& pinned = scratch.pinned_order;
  pinned.erase(std::remove_if(pinned.begin(), pinned.end(), is_edited), pinned.end());
  auto& prefetch = scratch.prefetch_order;
  auto& tokens = scratch.prefetch_tokens;
  std::size_t w = 0;
  for (std::size_t k = 0; k < prefetch.size(); ++k) {
    if (is_edited(prefetch[k])) continue;
    prefetch[w] = prefetch[k];
    tokens[w] = tokens[k];
    ++w;
  }
  prefetch.resize(w);
  tokens.resize(w);
  // Back in.
  const by_rank cmp{scratch.id_rank.data()};
  for (const page_index i : edited) {
    const page& p = pages[i];
    scratch.first_step_tokens[i] = first_step_tokens(p);
    if (p.pin == pin_class::hard) {
      pinned.insert(std::upper_bound(pinned.begin(), pinned.end(), i,
                                     [&](page_index a, page_index b) { return required_before(pages, cmp, a, b); }),
                    i);
    }
    if (p.has(level::pointer)) {
      const auto at = std::upper_bound(prefetch.begin(), prefetch.end(), i,
                                       [&](page_index a, page_index b) { return prefetch_before(pages, cmp, a, b); });
      tokens.insert(tokens.begin() + (at - prefetch.begin()), p.tokens_at(level::pointer));
      prefetch.insert(at, i);
    }
  }
  scratch.cached_generation = edits.generations.back();
  ++scratch.edits_followed;
}

// The bounds that end a walk early (selector_scratch::prefetch_tokens_floor, the suffix
// minima of prefetch_tokens, and first_step_tokens_min): one pass over the dense arrays
// whenever the orders changed (each change is O(n) already).
void derive_walk_bounds(selector_scratch& scratch) {
  const auto& tokens = scratch.prefetch_tokens;
  auto& floor = scratch.prefetch_tokens_floor;
  reserve_by_quarter(floor, tokens.size());
  floor.resize(tokens.size());
  std::uint32_t smallest = UINT32_MAX;
  for (std::size_t k = tokens.size(); k-- > 0;) {
    smallest = std::min(smallest, tokens[k]);
    floor[k] = smallest;
  }
  const auto& first_steps = scratch.first_step_tokens;
  scratch.first_step_tokens_min = first_steps.empty() ? UINT32_MAX : *std::min_element(first_steps.begin(), first_steps.end());
}

// Makes the scratch's static orders those of `pages` (see selection_request).
void refresh_static_orders(gsl::span<const page> pages, std::uint64_t generation, const page_removal* removal,
                           const page_edits* edits, selector_scratch& scratch) {
  Expects(generation != 0);
  const std::size_t n = pages.size();
  // Set by every branch below that changes the orders: the walk bounds follow them.
  bool changed = scratch.prefetch_tokens_floor.size() != scratch.prefetch_tokens.size();
  // Edits apply when they end at this generation; a removal when it brought the table to
  // this generation, or to one the edits start from or pass through.
  const bool edits_recorded = edits != nullptr && !edits->generations.empty() && edits->generations.back() == generation;
  if (removal != nullptr && removal->from_generation != 0 &&
      (removal->to_generation == generation ||
       (edits_recorded && edits->first_after(removal->to_generation).has_value())) &&
      scratch.cached_generation == removal->from_generation && scratch.cached_pages == removal->new_index.size() &&
      scratch.id_rank.size() == scratch.cached_pages && scratch.by_id.size() == scratch.cached_pages &&
      scratch.first_step_tokens.size() == scratch.cached_pages &&
      scratch.prefetch_tokens.size() == scratch.prefetch_order.size()) {
    filter_static_orders(*removal, scratch);
    changed = true;
  }
  if (const auto first = edits_recorded ? edits->first_after(scratch.cached_generation) : std::nullopt;
      first && *first < edits->pages.size() && scratch.cached_pages <= n &&
      scratch.id_rank.size() == scratch.cached_pages && scratch.first_step_tokens.size() == scratch.cached_pages &&
      scratch.prefetch_tokens.size() == scratch.prefetch_order.size()) {
    follow_edits(pages, *edits, *first, scratch);
    changed = true;
  }
  const bool same_table = scratch.cached_generation == generation && scratch.cached_pages <= n &&
                          scratch.id_rank.size() == scratch.cached_pages &&
                          scratch.first_step_tokens.size() == scratch.cached_pages &&
                          scratch.prefetch_tokens.size() == scratch.prefetch_order.size();
  if (same_table && n - scratch.cached_pages <= incremental_append_max(scratch.cached_pages)) {
    for (std::size_t j = scratch.cached_pages; j < n; ++j) {
      append_to_static_orders(pages, gsl::narrow_cast<page_index>(j), scratch);
      changed = true;
    }
  } else if (same_table) {
    merge_into_static_orders(pages, scratch.cached_pages, scratch);
    changed = true;
  } else {
    rebuild_static_orders(pages, scratch);
    changed = true;
  }
  if (changed) derive_walk_bounds(scratch);
  scratch.cached_generation = generation;
  scratch.cached_pages = n;
}

}  // namespace

// The level a demand is served at: the lowest present level >= max(wanted, floor); a page
// without such a level is served at its highest present level.
level serving_level(const page& p, level wanted) noexcept {
  const level target = std::max(wanted, p.floor());
  if (auto l = p.lowest_present_at_least(target)) return *l;
  return p.top_level();
}

namespace {

// One selection, step by step as spec/selector.md writes it: the floor set (SEL-5), step
// 1 the required set (SEL-2, SEL-3), step 2 pointer prefetch (SEL-4), step 3 one-step
// upgrades (SEL-6, SEL-7). `cached`: the scratch's static orders are those of `pages` and
// id_cmp compares ranks; otherwise the pinned and prefetch orders are sorted here, per
// call, into scratch.order, with id_cmp comparing id strings.
template <typename IdCompare>
class selection_run {
 public:
  selection_run(const selection_request& request, const selector_policy& policy, selection& out,
                selector_scratch& scratch, bool record_decisions, bool cached, IdCompare id_cmp)
      : request_(request),
        policy_(policy),
        pages_(request.pages),
        out_(out),
        scratch_(scratch),
        record_decisions_(record_decisions),
        cached_(cached),
        id_cmp_(id_cmp),
        remaining_(request.tokens_budget) {}

  void run() {
    reset_levels();
    out_.tokens_used = 0;
    out_.tokens_budget = request_.tokens_budget;
    out_.unmet.clear();
    out_.decisions.clear();
    out_.installed.clear();
    measure_floor_set();
    install_required_set();
    if (policy_.prefetch_pointers) prefetch_pointers();
    if (policy_.upgrades == upgrade_mode::cache_aware && remaining_ > 0) {
      upgrade_cache_aware();
    } else if (policy_.upgrades != upgrade_mode::none && remaining_ > 0) {
      upgrade_by_utility();
    }
    Ensures(out_.tokens_used <= request_.tokens_budget);
  }

 private:
  void install(page_index i, level to, install_step step) {
    const level from = out_.levels[i];
    install_extra(i, to, step, pages_[i].tokens_at(to) - pages_[i].tokens_at(from));
  }
  // install() when the step's extra tokens are known (the prefetch walk caches them).
  [[gnu::always_inline]] void install_extra(page_index i, level to, install_step step, std::uint32_t extra) {
    const level from = out_.levels[i];
    Expects(extra <= remaining_ && to > from);
    out_.levels[i] = to;
    remaining_ -= extra;
    out_.tokens_used += extra;
    if (from == level::none) out_.installed.push_back(i);
    if (record_decisions_) out_.decisions.push_back({i, from, to, step, extra});
  }

  // The hard-pinned floor set (SEL-5): whether it fits decides whether a pinned page below
  // its floor is a fault or physical insufficiency.
  void measure_floor_set() {
    std::uint64_t floor_tokens = 0;
    if (cached_) {
      for (page_index i : scratch_.pinned_order) floor_tokens += pages_[i].tokens_at(pages_[i].floor());
    } else {
      for (const page& p : pages_) {
        if (p.pin == pin_class::hard) floor_tokens += p.tokens_at(p.floor());
      }
    }
    out_.floor_set_tokens = gsl::narrow_cast<std::uint32_t>(std::min<std::uint64_t>(floor_tokens, UINT32_MAX));
    out_.floor_set_fits = floor_tokens <= request_.tokens_budget;
  }

  // Every level none, for this table's pages. Only the pages the last selection into
  // `out` installed can be above none (selection::installed), so only those are reset:
  // a turn does not pass over the table (issue 14).
  void reset_levels() {
    auto& levels = out_.levels;
    if (out_.installed.empty()) {
      levels.assign(pages_.size(), level::none);  // a new selection, or one filled by hand
      return;
    }
    for (const page_index i : out_.installed) {
      if (i < levels.size()) levels[i] = level::none;
    }
    reserve_by_quarter(levels, pages_.size());
    levels.resize(pages_.size(), level::none);
#ifndef NDEBUG
    // Checked against the full reset it replaces in every debug build.
    Ensures(std::all_of(levels.begin(), levels.end(), [](level l) { return l == level::none; }));
#endif
  }

  // Step 1, one page: its required level if that fits, else surfaced as unmet, never
  // silent; the page still gets its floor when that fits (SEL-3).
  void install_required(page_index i, level want) {
    const page& p = pages_[i];
    const std::uint32_t extra = p.tokens_at(want) - p.tokens_at(out_.levels[i]);
    if (extra <= remaining_) {
      install(i, want, install_step::required);
      return;
    }
    unmet_requirement miss{i, want, out_.levels[i], p.tokens_at(want), reason_code::required_does_not_fit};
    if (out_.levels[i] == level::none && want != p.floor() && p.tokens_at(p.floor()) <= remaining_) {
      install(i, p.floor(), install_step::required);
      miss.installed = p.floor();
    }
    out_.unmet.push_back(miss);
  }

  // Step 1: the required set (SEL-2, SEL-3). Two passes: every auto-pinned page gets its
  // floor before any demand raises a page above it, so a demanded bootstrap page at full
  // cannot push a constraint off its floor (tla/PageResidency.tla PinnedResidentInv).
  void install_required_set() {
    const std::size_t n = pages_.size();
    auto& required = scratch_.required;
    if (!scratch_.required_clean) required.assign(required.size(), level::none);
    if (required.size() < n) {
      reserve_by_quarter(required, n);
      required.resize(n, level::none);
    }
    scratch_.required_clean = false;
    for (const demand& d : request_.demands) {
      Expects(d.page < n);
      required[d.page] = std::max(required[d.page], serving_level(pages_[d.page], d.wanted));
    }
    auto& order = scratch_.order;
    if (policy_.auto_pin) {
      if (!cached_) {
        order.clear();
        for (std::size_t i = 0; i < n; ++i) {
          if (pages_[i].pin == pin_class::hard) order.push_back(gsl::narrow_cast<page_index>(i));
        }
        sort_pinned(pages_, id_cmp_, order);
      }
      for (page_index i : cached_ ? scratch_.pinned_order : order) install_required(i, pages_[i].floor());
    }
    order.clear();
    for (const demand& d : request_.demands) {
      if (required[d.page] > out_.levels[d.page]) order.push_back(d.page);
    }
    // A page demanded more than once is visited once.
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    std::sort(order.begin(), order.end(),
              [&](page_index a, page_index b) { return required_before(pages_, id_cmp_, a, b); });
    for (page_index i : order) install_required(i, required[i]);
    for (const demand& d : request_.demands) required[d.page] = level::none;
    scratch_.required_clean = true;
#ifndef NDEBUG
    Ensures(std::all_of(required.begin(), required.end(), [](level l) { return l == level::none; }));
#endif
  }

  // Step 2: pointer prefetch (SEL-4), a walk of the pages with a pointer in prefetch
  // order (cached: all of them; otherwise those not installed yet, sorted here). Installs
  // only touch the page being visited, so filtering on "not installed" during the walk is
  // the same as filtering before it. The cached walk stops once less is left than the
  // smallest pointer still ahead (prefetch_tokens_floor): the budget only shrinks.
  void prefetch_pointers() {
    if (cached_) {
      // Pointer token counts are cached with the order (static: they renew the generation):
      // the walk reads two dense arrays and touches only the pages it installs.
      const auto& walk = scratch_.prefetch_order;
      const auto& walk_tokens = scratch_.prefetch_tokens;
      const auto& walk_floor = scratch_.prefetch_tokens_floor;
      std::size_t k = 0;
      for (; k < walk.size() && remaining_ >= walk_floor[k]; ++k) {
        if (out_.levels[walk[k]] == level::none && walk_tokens[k] <= remaining_) {
          install_extra(walk[k], level::pointer, install_step::prefetch, walk_tokens[k]);
        }
      }
      if (k < walk.size() && remaining_ > 0) ++scratch_.prefetch_early_stops;
      return;
    }
    auto& order = scratch_.order;
    order.clear();
    for (std::size_t i = 0; i < pages_.size(); ++i) {
      if (out_.levels[i] == level::none && pages_[i].has(level::pointer)) order.push_back(gsl::narrow_cast<page_index>(i));
    }
    sort_prefetch(pages_, id_cmp_, order);
    for (page_index i : order) {
      if (remaining_ == 0) break;
      if (pages_[i].tokens_at(level::pointer) <= remaining_) install(i, level::pointer, install_step::prefetch);
    }
  }

  using candidate = selector_scratch::candidate;

  // Step 3's order: score high first, then page id, then target level.
  bool before(const candidate& a, const candidate& b) const {
    if (a.score != b.score) return a.score > b.score;
    if constexpr (IdCompare::ranked) {
      // The rank travels in the candidate: no lookup while the heap sifts.
      if (a.id_rank != b.id_rank) return a.id_rank < b.id_rank;
    } else if (a.page != b.page) {
      const int cmp = id_cmp_(a.page, b.page);
      if (cmp != 0) return cmp < 0;
    }
    return a.to < b.to;
  }

  // The step of page i from `from`, if there is one that fits what is left now.
  bool next_step(page_index i, level from, candidate& c) const {
    const std::uint32_t future = request_.future_demands.empty() ? 0U : request_.future_demands[i];
    return step_with_utility(i, from, page_utility(pages_[i], policy_.upgrades, policy_.weights, future), c);
  }
  // The same, given the page's utility: it does not change during a selection, so a
  // page's later steps reuse the one its first step computed.
  bool step_with_utility(page_index i, level from, double utility, candidate& c) const {
    const page& p = pages_[i];
    const auto to = p.next_up_level(from);
    if (!to) return false;
    const std::uint32_t extra = p.tokens_at(*to) - p.tokens_at(from);
    if (extra > remaining_) return false;
    c = candidate{utility / static_cast<double>(extra), utility, i, id_cmp_.rank_of(i), from, *to, extra};
    return true;
  }

  // Step 3: one-step upgrades ranked by utility per extra token (SEL-6, SEL-7): every
  // one-step upgrade from the current levels, in before() order, applied in one pass when
  // the page is still at the step's origin and the step fits. Realised lazily with a heap
  // that holds at most one step per page, its next one:
  //  * a page advances only through consecutive steps of its chain, so its later steps
  //    matter only once the previous one is applied;
  //  * a step ranking before the one just applied was passed by the single pass while the
  //    page was still below its origin: it never applies, so it is not pushed;
  //  * a step ranking after it is reached later, in rank order among all pending steps;
  //  * a step larger than what is left can never apply (the budget only shrinks), and
  //    the page stops there, as it would in the single pass.
  // Same installs in the same order (tests/selector_equivalence_test.cpp checks it
  // against the sort-and-single-pass form, tests/selector_reference.hpp).
  // `held`: pages the pass leaves as they are (nullptr: none).
  void upgrade_by_utility(const std::vector<std::uint8_t>* held = nullptr) {
    auto heap_less = [this](const candidate& a, const candidate& b) { return before(b, a); };
    auto& heap = scratch_.candidates;
    heap.clear();
    candidate c{};
    // Written in place: a candidate built aside and copied in was read back before its
    // narrow fields' stores had landed (a store-forwarding stall per page).
    const auto add_step = [&](page_index i) {
      // Here one step per page at most: grown up to the page count, not past it (the
      // sorted walk below inserts a few more into at most 32). Checked inline first: the
      // call, not inlined, was 1.4 % of a 100-page turn.
      if (heap.size() == heap.capacity()) reserve_one_more(heap, pages_.size());
      heap.emplace_back();
      if (!next_step(i, out_.levels[i], heap.back())) heap.pop_back();
    };
    if (cached_ && held == nullptr && remaining_ < scratch_.first_step_tokens_min) {
      // No page at none has a first step that fits: only the pages this selection
      // installed (every page above none) can take one. The order they are read in does
      // not change the pass: no two candidates compare equal under before() (one per
      // page, ranks unique, scores never NaN: utilities are sums of finite attributes
      // and every step costs at least one token), so sorting or a heap gives one order.
      ++scratch_.installed_only_walks;
      for (const page_index i : out_.installed) add_step(i);
    } else {
      for (std::size_t i = 0; i < pages_.size(); ++i) {
        // Cached: a page at none whose first step is larger than what is left has no step
        // (next_step would say so after reading the page).
        if (cached_ && out_.levels[i] == level::none && scratch_.first_step_tokens[i] > remaining_) continue;
        if (held != nullptr && (*held)[i] != 0U) continue;
        add_step(gsl::narrow_cast<page_index>(i));
      }
    }
    // No step in the heap is smaller than this (a lower bound: popping does not raise
    // it). Once less than that is left, nothing more can apply and the pass ends: the
    // remaining pops would all be skipped.
    std::uint32_t smallest_extra = UINT32_MAX;
    for (const candidate& h : heap) smallest_extra = std::min(smallest_extra, h.tokens_extra);
    if (heap.size() <= sorted_walk_max) {
      ++scratch_.sorted_walks;
      upgrade_sorted(heap, smallest_extra);
      return;
    }
    ++scratch_.heap_walks;
    std::make_heap(heap.begin(), heap.end(), heap_less);
    while (!heap.empty() && remaining_ > 0 && remaining_ >= smallest_extra) {
      std::pop_heap(heap.begin(), heap.end(), heap_less);
      const candidate top = heap.back();
      heap.pop_back();
      if (top.tokens_extra > remaining_) continue;
      install(top.page, top.to, install_step::upgrade);
      if (step_with_utility(top.page, top.to, top.utility, c) && before(top, c)) {
        heap.push_back(c);
        std::push_heap(heap.begin(), heap.end(), heap_less);
        smallest_extra = std::min(smallest_extra, c.tokens_extra);
      }
    }
  }

  // Step 3 over a few candidates (a small session's every turn): the same walk as the
  // heap's, over the candidates sorted once in before() order, a page's next step
  // inserted among the ones not walked yet. It ranks after the step just applied, so it
  // lands after the walk's position and is reached in rank order, as a pop would reach
  // it. For a few dozen candidates an insertion sort and a short shift cost less than a
  // heap's sifts (issue 14); selector_equivalence_test runs both sides of the threshold.
  static constexpr std::size_t sorted_walk_max = 32;
  void upgrade_sorted(std::vector<candidate>& steps, std::uint32_t smallest_extra) {
    for (std::size_t k = 1; k < steps.size(); ++k) {
      const candidate x = steps[k];
      std::size_t j = k;
      for (; j > 0 && before(x, steps[j - 1]); --j) steps[j] = steps[j - 1];
      steps[j] = x;
    }
    candidate c{};
    for (std::size_t k = 0; k < steps.size() && remaining_ > 0 && remaining_ >= smallest_extra; ++k) {
      const candidate top = steps[k];
      if (top.tokens_extra > remaining_) continue;
      install(top.page, top.to, install_step::upgrade);
      if (step_with_utility(top.page, top.to, top.utility, c) && before(top, c)) {
        const auto at = std::upper_bound(steps.begin() + static_cast<std::ptrdiff_t>(k) + 1, steps.end(), c,
                                         [this](const candidate& a, const candidate& b) { return before(a, b); });
        steps.insert(at, c);
        smallest_extra = std::min(smallest_extra, c.tokens_extra);
      }
    }
  }

  // The level a page keeps: its last one, if the page still has it (an update may have
  // changed its representations).
  static level kept_level(const page& p) noexcept {
    return p.resident != level::none && p.has(p.resident) ? p.resident : level::none;
  }

  // Raises page i one step at a time (install_step::upgrade) to `to`, a present level.
  void raise_to(page_index i, level to) {
    const page& p = pages_[i];
    while (out_.levels[i] < to) install(i, *p.next_up_level(out_.levels[i]), install_step::upgrade);
  }

  // Step 3 of the cache-aware mode (SEL-11). A provider's cache keeps the prompt up to its
  // first changed piece, and this mode's prompt is in the stable order (RP-11). Keeping
  // every page at its last level and appending the new pages (those after the last page
  // resident in the last assembly) at their top level changes nothing that was cached. It
  // is done while it leaves a reserve of the upgrade budget; when it no longer does, one
  // rebalance holds the start of the last prompt and ranks the other pages as clawvm does,
  // spending only part of the budget, so that the following turns can append again
  // (hysteresis: levels change at rebalances, not every turn).
  void upgrade_cache_aware() {
    const std::size_t n = pages_.size();
    std::size_t appended_from = 0;
    std::uint64_t keep_tokens = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const page& p = pages_[i];
      if (p.resident == level::none) continue;
      appended_from = i + 1;
      if (kept_level(p) > out_.levels[i]) {
        keep_tokens += p.tokens_at(kept_level(p)) - p.tokens_at(out_.levels[i]);
      }
    }
    std::uint64_t append_tokens = 0;
    for (std::size_t i = appended_from; i < n; ++i) {
      const page& p = pages_[i];
      append_tokens += p.tokens_at(p.top_level()) - p.tokens_at(out_.levels[i]);
    }
    const cache_hysteresis& h = policy_.hysteresis;
    Expects(h.reserve_percent <= 100U && h.refill_percent <= 100U);
    const std::uint64_t upgrade_budget = remaining_;
    if (keep_tokens + append_tokens <= upgrade_budget * (100U - h.reserve_percent) / 100U) {
      for (std::size_t i = 0; i < n; ++i) {
        const page& p = pages_[i];
        const level to = i < appended_from ? kept_level(p) : p.top_level();
        raise_to(gsl::narrow_cast<page_index>(i), to);
      }
      return;
    }
    const auto spend = gsl::narrow_cast<std::uint32_t>(upgrade_budget * h.refill_percent / 100U);
    const std::uint32_t held_back = remaining_ - spend;
    remaining_ = spend;
    keep_prompt_prefix(appended_from);
    upgrade_by_utility(&scratch_.held);
    remaining_ += held_back;
  }

  // The rebalance's first part (SEL-11): walking the last prompt from its start (RP-11),
  // each page returns to its kept level while that fits what the rebalance may spend; the
  // walk stops at the first page that does not fit. Those pages are held: the ranking
  // leaves them alone, so the cached prefix they form survives the rebalance.
  void keep_prompt_prefix(std::size_t appended_from) {
    const auto positions = request_.prompt_positions;
    auto& walk = scratch_.order;
    walk.clear();
    for (std::size_t i = 0; i < appended_from; ++i) {
      if (kept_level(pages_[i]) != level::none) walk.push_back(gsl::narrow_cast<page_index>(i));
    }
    if (!positions.empty()) {
      Expects(positions.size() == pages_.size());
      // Stable: pages missing from the last prompt (UINT32_MAX) keep table order, last.
      std::stable_sort(walk.begin(), walk.end(),
                       [&](page_index a, page_index b) { return positions[a] < positions[b]; });
    }
    auto& held = scratch_.held;
    held.assign(pages_.size(), 0U);
    for (page_index i : walk) {
      const page& p = pages_[i];
      const level kept = kept_level(p);
      const std::uint32_t extra = kept > out_.levels[i] ? p.tokens_at(kept) - p.tokens_at(out_.levels[i]) : 0U;
      if (extra > remaining_) break;
      raise_to(i, kept);
      held[i] = 1U;
    }
  }

  const selection_request& request_;
  const selector_policy& policy_;
  gsl::span<const page> pages_;
  selection& out_;
  selector_scratch& scratch_;
  bool record_decisions_;
  bool cached_;
  IdCompare id_cmp_;
  std::uint32_t remaining_;
};

template <typename IdCompare>
void select_with(const selection_request& request, const selector_policy& policy, selection& out,
                 selector_scratch& scratch, bool record_decisions, bool cached, IdCompare id_cmp) {
  selection_run<IdCompare>(request, policy, out, scratch, record_decisions, cached, id_cmp).run();
}

}  // namespace

void select_representations(const selection_request& request, const selector_policy& policy,
                            selection& out, selector_scratch& scratch, bool record_decisions) {
  const auto pages = request.pages;
  Expects(request.future_demands.empty() || request.future_demands.size() == pages.size());
  Expects(pages.size() < UINT32_MAX);
  if (request.pages_generation == 0) {
    // Nothing to key a cache on: compare ids directly and leave the scratch's cached orders
    // (valid for their own generation) alone.
    select_with(request, policy, out, scratch, record_decisions, /*cached=*/false, by_id{pages});
    return;
  }
  refresh_static_orders(pages, request.pages_generation, request.last_removal, request.last_edits, scratch);
  select_with(request, policy, out, scratch, record_decisions, /*cached=*/true, by_rank{scratch.id_rank.data()});
}

selection select_representations(const selection_request& request, const selector_policy& policy) {
  selection out;
  selector_scratch scratch;
  select_representations(request, policy, out, scratch, /*record_decisions=*/true);
  return out;
}

}  // namespace clawvm
