#pragma once
// The page table: every page the engine knows, in ingest order (the order is part of the
// deterministic output), with id lookup. spec/pages.md PG-7..PG-9.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gsl/span>

#include "clawvm/page.hpp"
#include "clawvm/reason_code.hpp"

namespace clawvm {

using page_index = std::uint32_t;

// The last remove_if that removed pages, as a cache over the pages needs it to follow the
// removal instead of rebuilding (issue 14): the table went from generation `from` to
// generation `to`, and old page i is now page new_index[i], or removed_page.
struct page_removal {
  static constexpr page_index removed_page = UINT32_MAX;
  std::uint64_t from_generation = 0;  // 0: no removal recorded
  std::uint64_t to_generation = 0;
  std::vector<page_index> new_index;  // by old index
};

// The replaces that changed pages' static attributes (issue 14: a tool re-run or an
// update with new token counts, utility or recompute cost), as a cache over the pages
// needs them to re-place those pages instead of rebuilding. Replace k changed page
// pages[k] and took the table to generation generations[k]; the first took it from
// `from_generation`. Between them the table changed by those replaces and appends only.
// A removal, a copy or renew_generation() leaves the last generation behind the table's:
// the record no longer applies. It keeps the newest edits only (a cache further behind
// rebuilds, which is cheaper than re-placing that many pages).
struct page_edits {
  static constexpr std::size_t edits_max = 32;
  std::uint64_t from_generation = 0;  // 0: no record
  std::vector<page_index> pages;
  std::vector<std::uint64_t> generations;  // after each replace; back() is the newest
  // The replaces a cache built at `generation` must follow to reach the newest, as an
  // index into pages (pages.size(): none), or nullopt if the record does not reach it.
  std::optional<std::size_t> first_after(std::uint64_t generation) const noexcept {
    if (from_generation == 0 || generation == 0) return std::nullopt;
    if (generation == from_generation) return 0;
    for (std::size_t k = 0; k < generations.size(); ++k) {
      if (generations[k] == generation) return k + 1;
    }
    return std::nullopt;
  }
};

class page_table {
 public:
  page_table() noexcept;
  // A copy or a move starts a new generation on every table involved (see generation()).
  page_table(const page_table& other);
  page_table(page_table&& other) noexcept;
  page_table& operator=(const page_table& other);
  page_table& operator=(page_table&& other) noexcept;
  ~page_table() = default;

  // Validates `spec` and inserts it; on any rejection nothing is inserted (PG-7).
  // Checks in order: invalid_page_id, duplicate_page_id, unknown_page_type,
  // representation_off_chain, missing_floor_representation, tokens_not_monotone.
  reason_code ingest(const page_spec& spec);

  // Replaces the representations (and recompute cost, utility) of an existing page with
  // those of `spec`, validated as at ingest. Keeps recency and residency bookkeeping.
  // unknown_page if absent; page_type_mismatch if spec names another type.
  reason_code replace(const page_spec& spec);

  // Marks a page dirty: it now holds state that exists nowhere else until written back
  // (tla/ClawVM.tla Edit). unknown_page if absent.
  reason_code mark_dirty(std::string_view id);

  // Removes every page for which `doomed` is true; the others keep their relative order
  // (their indices shift down), and last_removal() says how.
  template <typename Pred>
  std::size_t remove_if(Pred doomed);
  const page_removal& last_removal() const noexcept { return last_removal_; }
  // The replaces that renewed the generation since the record began (see page_edits).
  const page_edits& last_edits() const noexcept { return last_edits_; }

  // No allocation: the id is hashed and compared as a string_view.
  std::optional<page_index> find(std::string_view id) const;
  const page& at(page_index i) const { return pages_.at(i); }
  page& at(page_index i) { return pages_.at(i); }
  std::size_t size() const noexcept { return pages_.size(); }
  gsl::span<const page> pages() const noexcept { return pages_; }
  gsl::span<page> pages() noexcept { return pages_; }

  // Generation of the pages' static attributes (id, type, pin, recompute cost, base
  // utility, present representations, pointer tokens, tokens of the lowest present
  // level): what a cache over the pages (the selector's) may key on. Contract:
  //  * never 0, and unique in the process: no two tables (nor two states of one table
  //    that differ other than by appended pages) ever share a generation; a copy or a
  //    move gives every table involved a new one;
  //  * ingest does not change it, it only appends: while the generation stays the same,
  //    pages [0, n) keep their static attributes, so (generation(), size()) identifies
  //    the table's static state and a cache built at size n can be extended with pages
  //    [n, size()) instead of being rebuilt;
  //  * remove_if (when it removes), replace (when a static attribute changes) and
  //    renew_generation() give a new generation.
  // Code that changes a static attribute in place through at() or pages() must call
  // renew_generation() before the next selection that passes the generation.
  std::uint64_t generation() const noexcept { return generation_; }
  void renew_generation() noexcept { generation_ = next_generation(); }
  // Generation of the pages' places: it changes when a page may now be at another index,
  // or the table holds other pages (a remove_if that removes, a copy, a move); ingest
  // (appends) and replace keep it. A cache indexed by page over what is not static (the
  // engine's residency mirror, its warm and hard-pinned lists) keys on it, so an update
  // that renews generation() does not make it rescan the table (issue 14). Never 0.
  std::uint64_t layout_generation() const noexcept { return layout_generation_; }

  // Builds a page from a spec without inserting it (shared by ingest and replace).
  static reason_code build(const page_spec& spec, page& out);
  // build() in two halves: the checks (the page's type and present levels, or why the
  // spec is rejected), then the assignments, which replace() makes on the page in place.
  struct page_shape {
    page_type type = page_type::conversation;
    std::uint8_t present_levels = 0;
  };
  static reason_code validate(const page_spec& spec, page_shape& shape);
  static void fill(const page_spec& spec, const page_shape& shape, page& out);

 private:
  static std::uint64_t next_generation() noexcept;
  void reindex();
  void index_insert(page_index i, std::uint64_t hash);

  std::vector<page> pages_;
  // Lookup only; never iterated for output (determinism: outputs follow pages_ order).
  // Open addressing with linear probing, capacity a power of two, load <= 1/2. A slot
  // holds a page index and 32 bits of its id's hash (compared before the id itself);
  // 8 B per slot instead of an unordered_map node with a copy of the id.
  struct slot {
    page_index page = empty_slot;
    std::uint32_t tag = 0;
  };
  static constexpr page_index empty_slot = UINT32_MAX;
  std::vector<slot> index_;
  std::uint64_t generation_;
  std::uint64_t layout_generation_;
  page_removal last_removal_;
  page_edits last_edits_;
};

template <typename Pred>
std::size_t page_table::remove_if(Pred doomed) {
  const std::size_t before = pages_.size();
  std::vector<page_index> new_index(before);
  page_index kept = 0;
  for (std::size_t i = 0; i < before; ++i) {
    new_index[i] = doomed(static_cast<const page&>(pages_[i])) ? page_removal::removed_page : kept++;
  }
  if (kept == before) return 0;
  for (std::size_t i = 0; i < before; ++i) {
    if (new_index[i] != page_removal::removed_page && new_index[i] != i) pages_[new_index[i]] = std::move(pages_[i]);
  }
  pages_.resize(kept);
  reindex();
  const std::uint64_t from = generation_;
  renew_generation();
  layout_generation_ = next_generation();
  last_removal_ = page_removal{from, generation_, std::move(new_index)};
  return before - kept;
}

}  // namespace clawvm
