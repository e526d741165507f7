#pragma once
// The selector guarantees of brief §2 (spec/selector.md SEL-1..SEL-9) as plain checks,
// shared by properties/selector_props.cpp (RapidCheck) and fuzz/selector_fuzz.cpp
// (libFuzzer): each returns an empty string when the guarantee holds, otherwise one line
// saying which guarantee broke and where. No test framework in here, so a fuzzer can
// abort on a non-empty answer and a property can RC_FAIL with it.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "clawvm/model/page_residency.hpp"
#include "clawvm/selector.hpp"

namespace clawvm::props {

inline std::string describe_page(const selection_request& req, page_index i) {
  const page& p = req.pages[i];
  return "page #" + std::to_string(i) + " '" + p.id + "' (" + std::string(to_string(p.type)) +
         ", pin " + std::string(to_string(p.pin)) + ")";
}

// Tokens of the hard-pinned floor set, unbounded (the selector caps its copy at 2^32-1).
inline std::uint64_t floor_set_tokens(gsl::span<const page> pages) {
  std::uint64_t sum = 0;
  for (const page& p : pages) {
    if (p.pin == pin_class::hard) sum += p.tokens_at(p.floor());
  }
  return sum;
}

inline bool is_unmet(const selection& sel, page_index i) {
  for (const auto& u : sel.unmet) {
    if (u.page == i && u.reason == reason_code::required_does_not_fit) return true;
  }
  return false;
}

// SEL-9 guarantees for one selection, under the names spec/selector.md and the TLA+ use:
//  BudgetInv: tokens_used <= budget and equals the sum of the tokens at the chosen levels;
//  FloorInv: every resident page sits at a level it has a representation for, on its type's
//     chain, at or above its floor;
//  FloorSetInv: floor_set_tokens / floor_set_fits describe the hard-pinned floor set;
//  PinnedResidentInv: with auto_pin, every hard-pinned page is resident at >= its floor, or (only when
//     the floor set does not fit) surfaced in `unmet`;
//  DemandServedInv: every demand is installed at >= serving_level, or surfaced in `unmet` with
//     REQUIRED_DOES_NOT_FIT;
//  UnmetReasonInv: every unmet entry names a page that was required and carries REQUIRED_DOES_NOT_FIT.
inline std::string check_selection(const selection_request& req, const selector_policy& policy,
                                   const selection& sel) {
  const auto pages = req.pages;
  if (sel.levels.size() != pages.size()) {
    return "levels has " + std::to_string(sel.levels.size()) + " entries for " +
           std::to_string(pages.size()) + " pages";
  }
  // BudgetInv (SEL-9.1)
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < pages.size(); ++i) sum += pages[i].tokens_at(sel.levels[i]);
  if (sel.tokens_budget != req.tokens_budget) return "BudgetInv (SEL-9.1): tokens_budget not copied from the request";
  if (sum != sel.tokens_used) {
    return "BudgetInv (SEL-9.1): tokens_used " + std::to_string(sel.tokens_used) + " != sum at chosen levels " +
           std::to_string(sum);
  }
  if (sel.tokens_used > req.tokens_budget) {
    return "BudgetInv (SEL-9.1): tokens_used " + std::to_string(sel.tokens_used) + " > budget " +
           std::to_string(req.tokens_budget);
  }
  // FloorInv (SEL-9.2)
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const page& p = pages[i];
    const level l = sel.levels[i];
    if (l == level::none) continue;
    const auto idx = static_cast<page_index>(i);
    if (!p.has(l) || !model::InChain(p.type, l)) {
      return "FloorInv (SEL-9.2): " + describe_page(req, idx) + " resident at " + std::string(to_string(l)) +
             " without a representation there";
    }
    if (!model::FloorHolds(p.type, l)) {
      return "FloorInv (SEL-9.2): " + describe_page(req, idx) + " resident at " + std::string(to_string(l)) +
             " below its floor " + std::string(to_string(p.floor()));
    }
  }
  // FloorSetInv (SEL-9.3)
  const std::uint64_t floor_tokens = floor_set_tokens(pages);
  const bool fits = floor_tokens <= req.tokens_budget;
  if (sel.floor_set_fits != fits) return "FloorSetInv (SEL-9.3): floor_set_fits disagrees with the floor set";
  const auto capped = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(floor_tokens, std::numeric_limits<std::uint32_t>::max()));
  if (sel.floor_set_tokens != capped) {
    return "FloorSetInv (SEL-9.3): floor_set_tokens " + std::to_string(sel.floor_set_tokens) + " != " +
           std::to_string(floor_tokens);
  }
  // PinnedResidentInv (SEL-9.4)
  if (policy.auto_pin) {
    for (std::size_t i = 0; i < pages.size(); ++i) {
      const page& p = pages[i];
      const auto idx = static_cast<page_index>(i);
      if (p.pin != pin_class::hard || model::PinnedResident(p.type, sel.levels[i])) continue;
      if (fits) {
        return "PinnedResidentInv (SEL-9.4): hard-pinned " + describe_page(req, idx) + " at " +
               std::string(to_string(sel.levels[i])) + " below its floor while the floor set (" +
               std::to_string(floor_tokens) + " tokens) fits the budget " +
               std::to_string(req.tokens_budget);
      }
      if (!is_unmet(sel, idx)) {
        return "PinnedResidentInv (SEL-9.4): hard-pinned " + describe_page(req, idx) + " below its floor and not surfaced in unmet";
      }
    }
  }
  // DemandServedInv (SEL-9.5)
  for (const demand& d : req.demands) {
    const page& p = pages[d.page];
    const level serve = serving_level(p, d.wanted);
    if (sel.levels[d.page] >= serve || is_unmet(sel, d.page)) continue;
    return "DemandServedInv (SEL-9.5): demand for " + describe_page(req, d.page) + " at " + std::string(to_string(d.wanted)) +
           " (serving level " + std::string(to_string(serve)) + ") left at " +
           std::string(to_string(sel.levels[d.page])) + " and not in unmet";
  }
  // UnmetReasonInv (SEL-9.6)
  for (const auto& u : sel.unmet) {
    if (u.page >= pages.size()) return "UnmetReasonInv (SEL-9.6): unmet names page #" + std::to_string(u.page) + " out of range";
    if (u.reason != reason_code::required_does_not_fit) {
      return "UnmetReasonInv (SEL-9.6): unmet " + describe_page(req, u.page) + " carries reason " + std::string(to_string(u.reason));
    }
    bool required = policy.auto_pin && pages[u.page].pin == pin_class::hard;
    for (const demand& d : req.demands) required = required || d.page == u.page;
    if (!required) return "UnmetReasonInv (SEL-9.6): unmet " + describe_page(req, u.page) + " was never required";
  }
  return {};
}

// Byte-for-byte equality of two selections (levels, totals, unmet, decisions); empty when
// equal, otherwise the first difference.
inline std::string compare_selections(const selection& a, const selection& b) {
  if (a.levels != b.levels) return "levels differ";
  if (a.tokens_used != b.tokens_used) return "tokens_used differs";
  if (a.tokens_budget != b.tokens_budget) return "tokens_budget differs";
  if (a.floor_set_tokens != b.floor_set_tokens) return "floor_set_tokens differs";
  if (a.floor_set_fits != b.floor_set_fits) return "floor_set_fits differs";
  if (a.unmet.size() != b.unmet.size()) return "unmet sizes differ";
  for (std::size_t i = 0; i < a.unmet.size(); ++i) {
    const auto& x = a.unmet[i];
    const auto& y = b.unmet[i];
    if (x.page != y.page || x.wanted != y.wanted || x.installed != y.installed ||
        x.tokens_needed != y.tokens_needed || x.reason != y.reason) {
      return "unmet entry " + std::to_string(i) + " differs";
    }
  }
  if (a.decisions.size() != b.decisions.size()) return "decision counts differ";
  for (std::size_t i = 0; i < a.decisions.size(); ++i) {
    const auto& x = a.decisions[i];
    const auto& y = b.decisions[i];
    if (x.page != y.page || x.from != y.from || x.to != y.to || x.step != y.step ||
        x.tokens_extra != y.tokens_extra) {
      return "decision " + std::to_string(i) + " differs";
    }
  }
  return {};
}

}  // namespace clawvm::props
