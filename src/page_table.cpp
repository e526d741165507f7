// Page ingest and lookup: spec/pages.md PG-7..PG-9; tla/PageResidency.tla action Ingest.
#include "clawvm/page_table.hpp"

#include <cmath>

#include <atomic>
#include <bit>
#include <functional>

#include <gsl/narrow>

#include "clawvm/per_page_growth.hpp"

namespace clawvm {

namespace {
bool printable_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
}  // namespace

reason_code page_table::validate(const page_spec& spec, page_shape& shape) {
  if (spec.id.empty() || spec.id.size() > page_id_bytes_max || !printable_ascii(spec.id)) {
    return reason_code::invalid_page_id;
  }
  const auto type = parse_page_type(spec.type_name);
  if (!type) return reason_code::unknown_page_type;
  // The selector orders pages by these numbers: a NaN or an infinity has no order.
  if (!std::isfinite(spec.recompute_cost) || !std::isfinite(spec.base_utility)) {
    return reason_code::invalid_page_attribute;
  }
  const page_traits& traits = traits_of(*type);

  std::uint8_t present = 0;
  for (level l : all_levels) {
    if (!spec.representations[index_of(l)]) continue;
    if (l == level::none || !traits.degradation.contains(l)) return reason_code::representation_off_chain;
    present = static_cast<std::uint8_t>(present | (1U << index_of(l)));
  }
  if ((present & (1U << index_of(traits.floor))) == 0U) return reason_code::missing_floor_representation;

  // Strictly increasing tokens up the chain: every upgrade costs something, so
  // utility per extra token is defined and a higher level never saves tokens.
  std::uint32_t below = 0;
  bool first = true;
  for (std::uint8_t i = traits.degradation.length; i-- > 0;) {
    const level l = traits.degradation.levels[i];
    const auto& rep = spec.representations[index_of(l)];
    if (!rep) continue;
    if (rep->tokens == 0 || (!first && rep->tokens <= below)) return reason_code::tokens_not_monotone;
    below = rep->tokens;
    first = false;
  }

  shape.type = *type;
  shape.present_levels = present;
  return reason_code::ok;
}

void page_table::fill(const page_spec& spec, const page_shape& shape, page& out) {
  // Assignments: filling a page that exists reuses its strings' buffers.
  const page_traits& traits = traits_of(shape.type);
  out.id = spec.id;
  out.provenance = spec.provenance;
  out.type = shape.type;
  out.scope = spec.scope.value_or(traits.default_scope);
  out.pin = spec.pin.value_or(traits.default_pin);
  out.recompute_cost = spec.recompute_cost;
  out.base_utility = spec.base_utility;
  out.present_levels = shape.present_levels;
  for (level l : all_levels) {
    if (l == level::none) continue;  // never present (checked above); it has no slot
    const auto& rep = spec.representations[index_of(l)];
    if (rep) {
      out.representations.assign(index_of(l), rep->content, rep->tokens);
    } else {
      out.representations.clear(index_of(l));
    }
  }
}

reason_code page_table::build(const page_spec& spec, page& out) {
  page_shape shape;
  if (const auto rc = validate(spec, shape); rc != reason_code::ok) return rc;
  fill(spec, shape, out);
  return reason_code::ok;
}

namespace {
std::uint64_t hash_id(std::string_view id) noexcept { return std::hash<std::string_view>{}(id); }
std::uint32_t tag_of(std::uint64_t hash) noexcept { return static_cast<std::uint32_t>(hash >> 32U); }
}  // namespace

std::uint64_t page_table::next_generation() noexcept {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

page_table::page_table() noexcept : generation_(next_generation()), layout_generation_(next_generation()) {}

page_table::page_table(const page_table& other)
    : pages_(other.pages_), index_(other.index_), generation_(next_generation()), layout_generation_(next_generation()) {}

page_table::page_table(page_table&& other) noexcept
    : pages_(std::move(other.pages_)),
      index_(std::move(other.index_)),
      generation_(next_generation()),
      layout_generation_(next_generation()) {
  other.pages_.clear();
  other.index_.clear();
  other.renew_generation();
  other.layout_generation_ = next_generation();
}

page_table& page_table::operator=(const page_table& other) {
  if (this != &other) {
    pages_ = other.pages_;
    index_ = other.index_;
    renew_generation();
    layout_generation_ = next_generation();
  }
  return *this;
}

page_table& page_table::operator=(page_table&& other) noexcept {
  if (this != &other) {
    pages_ = std::move(other.pages_);
    index_ = std::move(other.index_);
    other.pages_.clear();
    other.index_.clear();
    renew_generation();
    other.renew_generation();
    layout_generation_ = next_generation();
    other.layout_generation_ = next_generation();
  }
  return *this;
}

reason_code page_table::ingest(const page_spec& spec) {
  if (!spec.id.empty() && find(spec.id)) return reason_code::duplicate_page_id;
  page fresh;
  if (const auto rc = build(spec, fresh); rc != reason_code::ok) return rc;
  const auto i = gsl::narrow<page_index>(pages_.size());
  Expects(i != empty_slot);
  // Grow by a quarter rather than doubling: a page is 240 B, and doubling leaves up to
  // half the vector unused (~80-190 B per page measured).
  reserve_by_quarter(pages_, pages_.size() + 1);
  if (2 * (pages_.size() + 1) > index_.size()) {
    pages_.push_back(std::move(fresh));
    reindex();  // grows the index to keep its load at most 1/2
  } else {
    index_insert(i, hash_id(fresh.id));
    pages_.push_back(std::move(fresh));
  }
  return reason_code::ok;
}

reason_code page_table::replace(const page_spec& spec) {
  const auto where = find(spec.id);
  if (!where) return reason_code::unknown_page;
  page_shape shape;
  if (const auto rc = validate(spec, shape); rc != reason_code::ok) return rc;
  page& current = pages_[*where];
  if (shape.type != current.type) return reason_code::page_type_mismatch;
  // Pin class and scope are the page's identity for enforcement: an update may not demote
  // a hard-pinned page or move it between scopes. Left unset, they are kept.
  if ((spec.pin && *spec.pin != current.pin) || (spec.scope && *spec.scope != current.scope)) {
    return reason_code::pin_or_scope_change;
  }
  // Filled in place (a tool re-run replaces a page every few turns: no allocation when
  // the new content fits the old buffers). Recency, dirty and ever_resident are not
  // fill()'s: they stay. Pin and scope stay too (checked equal or left unset above).
  const pin_class pin = current.pin;
  const clawvm::scope scope = current.scope;
  const level was_resident = current.resident;
  // Anything an order over pages may use (the selector's caches: orders, pointer tokens,
  // the tokens of the first step up from none) renews the generation when it changes.
  const auto lowest = [](const page& p) { return p.tokens_at(p.next_up_level(level::none).value_or(level::none)); };
  const std::uint8_t present_before = current.present_levels;
  const std::uint32_t pointer_before = current.tokens_at(level::pointer);
  const std::uint32_t lowest_before = lowest(current);
  const double recompute_before = current.recompute_cost;
  const double utility_before = current.base_utility;
  fill(spec, shape, current);
  current.pin = pin;
  current.scope = scope;
  // The page stays resident: at its old level, or at the highest level the new content
  // has below it (the floor at worst). The next assembly re-decides it; evicting it here
  // would turn an update into a spurious refetch (PG-9).
  current.resident = level::none;
  if (was_resident != level::none) {
    for (auto l = std::optional<level>{current.floor()}; l && *l <= was_resident; l = current.next_up_level(*l)) {
      current.resident = *l;
    }
  }
  // != is also true for a NaN: renews.
  const bool same_static = current.present_levels == present_before &&
                           current.tokens_at(level::pointer) == pointer_before && lowest(current) == lowest_before &&
                           !(current.recompute_cost != recompute_before) && !(current.base_utility != utility_before);
  if (!same_static) {
    const std::uint64_t from = generation_;
    renew_generation();
    auto& e = last_edits_;
    if (e.from_generation == 0 || e.generations.empty() || e.generations.back() != from) {
      e = page_edits{from, {}, {}};  // a new record: the last one no longer reaches this table
    }
    e.pages.push_back(*where);
    e.generations.push_back(generation_);
    if (e.pages.size() > page_edits::edits_max) {
      // Keep the newest half: it starts after the last dropped replace.
      const std::size_t drop = e.pages.size() - page_edits::edits_max / 2;
      e.from_generation = e.generations[drop - 1];
      e.pages.erase(e.pages.begin(), e.pages.begin() + static_cast<std::ptrdiff_t>(drop));
      e.generations.erase(e.generations.begin(), e.generations.begin() + static_cast<std::ptrdiff_t>(drop));
    }
  }
  return reason_code::ok;
}

reason_code page_table::mark_dirty(std::string_view id) {
  const auto where = find(id);
  if (!where) return reason_code::unknown_page;
  pages_[*where].dirty = true;
  return reason_code::ok;
}

std::optional<page_index> page_table::find(std::string_view id) const {
  if (index_.empty()) return std::nullopt;
  const std::uint64_t hash = hash_id(id);
  const std::uint32_t tag = tag_of(hash);
  const std::size_t mask = index_.size() - 1;
  for (std::size_t s = static_cast<std::size_t>(hash) & mask;; s = (s + 1) & mask) {
    const slot& at_slot = index_[s];
    if (at_slot.page == empty_slot) return std::nullopt;
    if (at_slot.tag == tag && pages_[at_slot.page].id == id) return at_slot.page;
  }
}

void page_table::index_insert(page_index i, std::uint64_t hash) {
  const std::size_t mask = index_.size() - 1;
  std::size_t s = static_cast<std::size_t>(hash) & mask;
  while (index_[s].page != empty_slot) s = (s + 1) & mask;
  index_[s] = slot{i, tag_of(hash)};
}

void page_table::reindex() {
  index_.clear();
  if (pages_.empty()) {
    index_.shrink_to_fit();
    return;
  }
  const std::size_t capacity = std::bit_ceil(2 * pages_.size());
  index_.assign(capacity, slot{});
  if (index_.capacity() > 2 * capacity) index_.shrink_to_fit();
  for (std::size_t i = 0; i < pages_.size(); ++i) {
    index_insert(gsl::narrow_cast<page_index>(i), hash_id(pages_[i].id));
  }
}

}  // namespace clawvm
