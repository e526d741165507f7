#pragma once
// The page table: every page the engine knows, in ingest order (the order is part of the
// deterministic output), with id lookup. spec/pages.md PG-7..PG-9.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <gsl/span>

#include "clawvm/page.hpp"
#include "clawvm/reason_code.hpp"

namespace clawvm {

using page_index = std::uint32_t;

class page_table {
 public:
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

  // Removes every page for which `doomed` is true; indices of the others may change.
  template <typename Pred>
  std::size_t remove_if(Pred doomed);

  std::optional<page_index> find(std::string_view id) const;
  const page& at(page_index i) const { return pages_.at(i); }
  page& at(page_index i) { return pages_.at(i); }
  std::size_t size() const noexcept { return pages_.size(); }
  gsl::span<const page> pages() const noexcept { return pages_; }
  gsl::span<page> pages() noexcept { return pages_; }

  // Builds a page from a spec without inserting it (shared by ingest and replace).
  static reason_code build(const page_spec& spec, page& out);

 private:
  void reindex();

  std::vector<page> pages_;
  // Lookup only; never iterated for output (determinism: outputs follow pages_ order).
  std::unordered_map<std::string, page_index> index_;
};

template <typename Pred>
std::size_t page_table::remove_if(Pred doomed) {
  const std::size_t before = pages_.size();
  std::erase_if(pages_, doomed);
  if (pages_.size() != before) reindex();
  return before - pages_.size();
}

}  // namespace clawvm
