// Page ingest and lookup: spec/pages.md PG-7..PG-9; tla/PageResidency.tla action Ingest.
#include "clawvm/page_table.hpp"

#include <gsl/narrow>

namespace clawvm {

namespace {
bool printable_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
}  // namespace

reason_code page_table::build(const page_spec& spec, page& out) {
  if (spec.id.empty() || spec.id.size() > page_id_bytes_max || !printable_ascii(spec.id)) {
    return reason_code::invalid_page_id;
  }
  const auto type = parse_page_type(spec.type_name);
  if (!type) return reason_code::unknown_page_type;
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

  out.id = spec.id;
  out.provenance = spec.provenance;
  out.type = *type;
  out.scope = spec.scope.value_or(traits.default_scope);
  out.pin = spec.pin.value_or(traits.default_pin);
  out.recompute_cost = spec.recompute_cost;
  out.base_utility = spec.base_utility;
  out.present_levels = present;
  for (level l : all_levels) {
    const auto& rep = spec.representations[index_of(l)];
    out.representations[index_of(l)] = rep ? *rep : representation{};
  }
  return reason_code::ok;
}

reason_code page_table::ingest(const page_spec& spec) {
  if (!spec.id.empty() && index_.contains(spec.id)) return reason_code::duplicate_page_id;
  page fresh;
  if (const auto rc = build(spec, fresh); rc != reason_code::ok) return rc;
  index_.emplace(fresh.id, gsl::narrow<page_index>(pages_.size()));
  pages_.push_back(std::move(fresh));
  return reason_code::ok;
}

reason_code page_table::replace(const page_spec& spec) {
  const auto where = find(spec.id);
  if (!where) return reason_code::unknown_page;
  page rebuilt;
  if (const auto rc = build(spec, rebuilt); rc != reason_code::ok) return rc;
  page& current = pages_[*where];
  if (rebuilt.type != current.type) return reason_code::page_type_mismatch;
  rebuilt.recency = current.recency;
  rebuilt.dirty = current.dirty;
  rebuilt.ever_resident = current.ever_resident;
  // The old residency level may no longer exist; the next assembly re-decides it.
  rebuilt.resident = rebuilt.has(current.resident) ? current.resident : level::none;
  current = std::move(rebuilt);
  return reason_code::ok;
}

reason_code page_table::mark_dirty(std::string_view id) {
  const auto where = find(id);
  if (!where) return reason_code::unknown_page;
  pages_[*where].dirty = true;
  return reason_code::ok;
}

std::optional<page_index> page_table::find(std::string_view id) const {
  auto it = index_.find(std::string(id));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void page_table::reindex() {
  index_.clear();
  for (std::size_t i = 0; i < pages_.size(); ++i) {
    index_.emplace(pages_[i].id, gsl::narrow<page_index>(i));
  }
}

}  // namespace clawvm
