#pragma once
// Test-only reference: the selector as it was before the cached orders and the lazy
// upgrade heap (sort every turn with page-id string tie-breaks; step 3 materialises and
// sorts every one-step upgrade, then applies them in one pass). Kept verbatim so that
// tests/selector_equivalence_test.cpp can check that the optimised selector
// (src/selector.cpp) gives byte-identical selections. Do not optimise this file.

#include <algorithm>
#include <cstdint>
#include <vector>

#include <gsl/assert>
#include <gsl/narrow>

#include "clawvm/selector.hpp"

namespace clawvm::reference {

inline int type_rank(page_type t) noexcept {
  switch (t) {
    case page_type::bootstrap: return 0;
    case page_type::constraint: return 1;
    default: return 2;
  }
}

// SEL-2 priority: pin class (hard first), then type (bootstrap, constraint, others), then
// base utility (high first), then page id (total order: ids are unique).
inline bool required_before(const page& a, const page& b) noexcept {
  if (a.pin != b.pin) return a.pin > b.pin;
  if (type_rank(a.type) != type_rank(b.type)) return type_rank(a.type) < type_rank(b.type);
  if (a.base_utility != b.base_utility) return a.base_utility > b.base_utility;
  return a.id < b.id;
}

// SEL-4 prefetch order: recompute cost (high first), base utility (high first), page id.
inline bool prefetch_before(const page& a, const page& b) noexcept {
  if (a.recompute_cost != b.recompute_cost) return a.recompute_cost > b.recompute_cost;
  if (a.base_utility != b.base_utility) return a.base_utility > b.base_utility;
  return a.id < b.id;
}


inline void select_reference(const selection_request& request, const selector_policy& policy,
                            selection& out, selector_scratch& scratch, bool record_decisions) {
  const auto pages = request.pages;
  const std::size_t n = pages.size();
  Expects(request.future_demands.empty() || request.future_demands.size() == n);

  out.levels.assign(n, level::none);
  out.tokens_used = 0;
  out.tokens_budget = request.tokens_budget;
  out.floor_set_tokens = 0;
  out.unmet.clear();
  out.decisions.clear();
  std::uint32_t remaining = request.tokens_budget;

  auto install = [&](page_index i, level to, install_step step) {
    const level from = out.levels[i];
    const std::uint32_t extra = pages[i].tokens_at(to) - pages[i].tokens_at(from);
    Expects(extra <= remaining);
    out.levels[i] = to;
    remaining -= extra;
    out.tokens_used += extra;
    if (record_decisions) out.decisions.push_back({i, from, to, step, extra});
  };

  // The hard-pinned floor set (SEL-5): whether it fits decides whether a pinned page below
  // its floor is a fault or physical insufficiency.
  std::uint64_t floor_tokens = 0;
  for (const page& p : pages) {
    if (p.pin == pin_class::hard) floor_tokens += p.tokens_at(p.floor());
  }
  out.floor_set_tokens = gsl::narrow_cast<std::uint32_t>(std::min<std::uint64_t>(floor_tokens, UINT32_MAX));
  out.floor_set_fits = floor_tokens <= request.tokens_budget;

  // Step 1: the required set (SEL-2, SEL-3). Two passes: every auto-pinned page gets its
  // floor before any demand raises a page above it, so a demanded bootstrap page at full
  // cannot push a constraint off its floor (tla/PageResidency.tla PinnedResidentInv).
  auto& required = scratch.required;
  required.assign(n, level::none);
  for (const demand& d : request.demands) {
    Expects(d.page < n);
    required[d.page] = std::max(required[d.page], serving_level(pages[d.page], d.wanted));
  }
  auto& order = scratch.order;
  auto install_required = [&](page_index i, level want) {
    const page& p = pages[i];
    const std::uint32_t extra = p.tokens_at(want) - p.tokens_at(out.levels[i]);
    if (extra <= remaining) {
      install(i, want, install_step::required);
      return;
    }
    // Surfaced, never silent; the page still gets its floor when that fits (SEL-3).
    unmet_requirement miss{i, want, out.levels[i], p.tokens_at(want), reason_code::required_does_not_fit};
    if (out.levels[i] == level::none && want != p.floor() && p.tokens_at(p.floor()) <= remaining) {
      install(i, p.floor(), install_step::required);
      miss.installed = p.floor();
    }
    out.unmet.push_back(miss);
  };
  if (policy.auto_pin) {
    order.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (pages[i].pin == pin_class::hard) order.push_back(gsl::narrow_cast<page_index>(i));
    }
    std::sort(order.begin(), order.end(),
              [&](page_index a, page_index b) { return required_before(pages[a], pages[b]); });
    for (page_index i : order) install_required(i, pages[i].floor());
  }
  order.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (required[i] > out.levels[i]) order.push_back(gsl::narrow_cast<page_index>(i));
  }
  std::sort(order.begin(), order.end(),
            [&](page_index a, page_index b) { return required_before(pages[a], pages[b]); });
  for (page_index i : order) install_required(i, required[i]);

  // Step 2: pointer prefetch (SEL-4).
  if (policy.prefetch_pointers) {
    order.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (out.levels[i] == level::none && pages[i].has(level::pointer)) {
        order.push_back(gsl::narrow_cast<page_index>(i));
      }
    }
    std::sort(order.begin(), order.end(),
              [&](page_index a, page_index b) { return prefetch_before(pages[a], pages[b]); });
    for (page_index i : order) {
      if (pages[i].tokens_at(level::pointer) <= remaining) install(i, level::pointer, install_step::prefetch);
    }
  }

  // Step 3: one-step upgrades ranked by utility per extra token (SEL-6, SEL-7).
  if (policy.upgrades != upgrade_mode::none && remaining > 0) {
    // The candidate layout of the time (the scratch's type has changed since).
    struct candidate {
      double score;
      page_index page;
      level from;
      level to;
      std::uint32_t tokens_extra;
    };
    std::vector<candidate> cands;
    for (std::size_t i = 0; i < n; ++i) {
      const page& p = pages[i];
      const std::uint32_t future = request.future_demands.empty() ? 0U : request.future_demands[i];
      const double u = page_utility(p, policy.upgrades, policy.weights, future);
      level from = out.levels[i];
      for (auto to = p.next_up_level(from); to; from = *to, to = p.next_up_level(from)) {
        const std::uint32_t extra = p.tokens_at(*to) - p.tokens_at(from);
        // Budget only shrinks during step 3: a step larger than what is left now can
        // never be applied, so it is not worth ranking.
        if (extra > remaining) continue;
        cands.push_back({u / static_cast<double>(extra), gsl::narrow_cast<page_index>(i), from, *to, extra});
      }
    }
    std::sort(cands.begin(), cands.end(), [&](const auto& a, const auto& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.page != b.page) {
        const int cmp = pages[a.page].id.compare(pages[b.page].id);
        if (cmp != 0) return cmp < 0;
      }
      return a.to < b.to;
    });
    for (const auto& c : cands) {
      if (remaining == 0) break;
      if (out.levels[c.page] != c.from || c.tokens_extra > remaining) continue;
      install(c.page, c.to, install_step::upgrade);
    }
  }

  Ensures(out.tokens_used <= request.tokens_budget);
}

inline selection select_reference(const selection_request& request, const selector_policy& policy) {
  selection out;
  selector_scratch scratch;
  select_reference(request, policy, out, scratch, /*record_decisions=*/true);
  return out;
}

}  // namespace clawvm::reference
