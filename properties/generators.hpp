#pragma once
// RapidCheck generators shared by the property suites: valid page specs (all six types,
// random pins, token ladders strictly increasing along each type's chain, some upper
// levels missing, the floor always present), page sets, demands, budgets (including
// budgets below the hard-pinned floor set) and selector policies.

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <rapidcheck.h>

#include "clawvm/page.hpp"
#include "clawvm/page_table.hpp"
#include "clawvm/selector.hpp"
#include "selector_invariants.hpp"
#include "show.hpp"

namespace clawvm::props {

// A small pool of page ids, each naming its type, that random event sequences draw from
// so that events meet the same pages again (engine_props, optimum_props).
struct pool_page {
  const char* id;
  page_type type;
};
inline constexpr std::array<pool_page, 9> page_pool{{
    {"boot", page_type::bootstrap},    {"rule-a", page_type::constraint},
    {"rule-b", page_type::constraint}, {"plan", page_type::plan},
    {"pref", page_type::preference},   {"ev-a", page_type::evidence},
    {"ev-b", page_type::evidence},     {"conv-a", page_type::conversation},
    {"conv-b", page_type::conversation}}};

inline rc::Gen<page_type> gen_page_type() {
  return rc::gen::elementOf(all_page_types);
}

// A valid spec of `type` with id `id`: ingest must accept it. With `full_ladder` every
// level of the type's chain has a representation.
inline rc::Gen<page_spec> gen_valid_page_spec(std::string id, page_type type, bool full_ladder = false) {
  return rc::gen::exec([id, type, full_ladder] {
    page_spec s;
    s.id = id;
    s.type_name = std::string(to_string(type));
    s.scope = *rc::gen::weightedElement<std::optional<scope>>(
        {{2, std::nullopt}, {1, scope::session}, {1, scope::project}});
    s.pin = *rc::gen::weightedElement<std::optional<pin_class>>(
        {{3, std::nullopt}, {1, pin_class::none}, {1, pin_class::soft}, {2, pin_class::hard}});
    s.provenance = "call:" + id;
    s.recompute_cost = static_cast<double>(*rc::gen::inRange(0, 16));
    s.base_utility = static_cast<double>(*rc::gen::inRange(0, 10));
    const chain& c = chain_of(type);
    auto tokens = *rc::gen::inRange<std::uint32_t>(1, 40);
    for (std::uint8_t i = c.length; i-- > 0;) {
      const level l = c.levels[i];
      const bool is_floor = i + 1U == c.length;
      if (!is_floor && !full_ladder && !*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) continue;
      s.representations[index_of(l)] =
          representation{id + "@" + std::string(to_string(l)), tokens};
      tokens += *rc::gen::inRange<std::uint32_t>(1, 80);
    }
    return s;
  });
}

inline rc::Gen<page_spec> gen_valid_page_spec(std::string id) {
  return rc::gen::exec([id] { return *gen_valid_page_spec(id, *gen_page_type()); });
}

inline void show_spec(const page_spec& s, std::ostream& os) {
  os << s.id << ":" << s.type_name;
  if (s.pin) os << " pin=" << to_string(*s.pin);
  if (s.scope) os << " scope=" << to_string(*s.scope);
  os << " cost=" << s.recompute_cost << " util=" << s.base_utility << " tokens{";
  for (level l : all_levels) {
    if (const auto& r = s.representations[index_of(l)]) os << " " << to_string(l) << "=" << r->tokens;
  }
  os << " }";
}

}  // namespace clawvm::props

namespace clawvm {
inline void showValue(const page_spec& s, std::ostream& os) { props::show_spec(s, os); }
}  // namespace clawvm

namespace clawvm::props {

// One selector input: the pages (built by ingest, so they satisfy the table invariants),
// per-page recency, demands, budget, policy and (oracle only) future demands.
struct selector_case {
  std::vector<page_spec> specs;
  std::vector<double> recency;
  page_table table;
  std::vector<demand> demands;
  std::uint32_t budget = 0;
  selector_policy policy;
  std::vector<std::uint32_t> future;
  std::vector<std::uint32_t> positions;  // cache_aware: empty, or a position per page (SEL-11)

  selection_request request() const { return {table.pages(), budget, demands, future, 0, nullptr, positions}; }
};

inline void showValue(const selector_case& c, std::ostream& os) {
  os << "policy{auto_pin=" << c.policy.auto_pin << " prefetch=" << c.policy.prefetch_pointers
     << " upgrades=" << to_string(c.policy.upgrades) << "} budget=" << c.budget
     << " floor_set=" << floor_set_tokens(c.table.pages()) << "\n";
  for (std::size_t i = 0; i < c.specs.size(); ++i) {
    os << "  #" << i << " ";
    show_spec(c.specs[i], os);
    os << " recency=" << c.recency[i];
    if (!c.future.empty()) os << " future=" << c.future[i];
    if (!c.positions.empty()) os << " resident=" << to_string(c.table.pages()[i].resident) << " position=" << c.positions[i];
    os << "\n";
  }
  os << "  demands:";
  for (const demand& d : c.demands) os << " #" << d.page << "@" << to_string(d.wanted);
  os << "\n";
}

inline std::string page_id_for(std::size_t i) {
  return (i < 10 ? "p0" : "p") + std::to_string(i);
}

// Builds the table from specs (all valid by construction).
inline void build_table(selector_case& c) {
  c.table = page_table{};
  for (std::size_t i = 0; i < c.specs.size(); ++i) {
    if (c.table.ingest(c.specs[i]) != reason_code::ok) {
      throw std::logic_error("generator produced an invalid page spec: " + c.specs[i].id);
    }
    c.table.at(static_cast<page_index>(i)).recency = c.recency[i];
  }
}

inline rc::Gen<selector_case> gen_selector_case(int max_pages = 14) {
  return rc::gen::exec([max_pages] {
    selector_case c;
    const auto n = static_cast<std::size_t>(*rc::gen::inRange(0, max_pages + 1));
    for (std::size_t i = 0; i < n; ++i) {
      c.specs.push_back(*gen_valid_page_spec(page_id_for(i)));
      c.recency.push_back(static_cast<double>(*rc::gen::inRange(0, 40)) / 8.0);
    }
    build_table(c);

    if (n > 0) {
      const auto demand_count = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, 2 * n + 1));
      for (std::size_t k = 0; k < demand_count; ++k) {
        c.demands.push_back({static_cast<page_index>(*rc::gen::inRange<std::size_t>(0, n)),
                             *rc::gen::elementOf(all_levels)});
      }
    }

    const std::uint64_t floor_tokens = floor_set_tokens(c.table.pages());
    std::uint64_t all_full = 0;
    for (const page& p : c.table.pages()) {
      level top = p.floor();
      for (auto l = p.next_up_level(top); l; l = p.next_up_level(*l)) top = *l;
      all_full += p.tokens_at(top);
    }
    const int budget_kind = *rc::gen::inRange(0, 10);
    if (budget_kind == 0) {
      c.budget = 0;
    } else if (budget_kind <= 3 && floor_tokens > 0) {
      // Smaller than the hard-pinned floor set: physical insufficiency must be surfaced.
      c.budget = static_cast<std::uint32_t>(*rc::gen::inRange<std::uint64_t>(0, floor_tokens));
    } else {
      c.budget = static_cast<std::uint32_t>(*rc::gen::inRange<std::uint64_t>(0, all_full + 40));
    }

    c.policy.auto_pin = *rc::gen::arbitrary<bool>();
    c.policy.prefetch_pointers = *rc::gen::arbitrary<bool>();
    c.policy.upgrades = *rc::gen::element(upgrade_mode::none, upgrade_mode::lru, upgrade_mode::recency,
                                          upgrade_mode::clawvm, upgrade_mode::oracle, upgrade_mode::cache_aware);
    if (c.policy.upgrades == upgrade_mode::oracle) {
      for (std::size_t i = 0; i < n; ++i) c.future.push_back(*rc::gen::inRange<std::uint32_t>(0, 4));
    }
    if (c.policy.upgrades == upgrade_mode::cache_aware) {
      // The last assembly's levels (SEL-11 reads them): any level, present or not (a level
      // the page no longer has is kept as none).
      for (std::size_t i = 0; i < n; ++i) {
        c.table.at(static_cast<page_index>(i)).resident = *rc::gen::element(level::none, level::pointer, level::structured, level::compressed, level::full);
      }
      // The pages' positions in the last prompt (RP-11), which the rebalance walks: none
      // (table order), or distinct positions in a random order, some pages absent.
      if (n > 0 && *rc::gen::arbitrary<bool>()) {
        c.positions.resize(n);
        for (std::size_t i = 0; i < n; ++i) c.positions[i] = static_cast<std::uint32_t>(i);
        for (std::size_t i = n - 1; i > 0; --i) {
          std::swap(c.positions[i], c.positions[*rc::gen::inRange<std::size_t>(0, i + 1)]);
        }
        for (auto& pos : c.positions) {
          if (*rc::gen::weightedElement<bool>({{1, true}, {4, false}})) pos = UINT32_MAX;
        }
      }
    }
    return c;
  });
}

}  // namespace clawvm::props
