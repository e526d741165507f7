#pragma once
// A harness-side driver for the engine, shared by properties/engine_props.cpp (events from
// RapidCheck generators) and fuzz/engine_fuzz.cpp (events decoded from bytes): one event
// type covering every hook, a function that feeds one event to an engine, and the ClawVM
// invariants checked after every event (brief §2-§4, spec/engine.md, spec/faults.md):
//
//  ZeroFaultsInv: no post_compaction_bootstrap, flush_miss, silent_recall or pinned_invariant_miss
//     fault is ever counted (the engine counts the pinned/bootstrap ones only when the
//     hard-pinned floor set fits, so "zero whenever the floor set fits");
//  BudgetInv, FloorInv, PinnedResidentInv, PostCompactionBootstrapInv: after every assembly and every restoring boundary: the resident levels are levels
//     each page has, at or above its floor, their tokens sum to tokens_used <= budget;
//     when the floor set fits every hard-pinned page is resident at >= its floor, and
//     after a compaction every bootstrap page is;
//  LifecycleCompletenessInv: at a boundary that writes back, every update that was
//     pending (accepted by on_update since the last writeback) appears exactly once among
//     the journal outcomes the boundary added, committed with OK or rejected with a
//     reason; none is lost, none invented; the boundary reports no flush miss.
// Checks return an empty string when they hold, else the first violation.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "clawvm/engine.hpp"
#include "selector_invariants.hpp"

namespace clawvm::props {

enum class event_kind : std::uint8_t {
  session_start = 0,
  ingest = 1,
  update = 2,
  demand = 3,
  tool_call = 4,
  recall = 5,
  assemble = 6,
  post_model = 7,
  boundary = 8,
};
inline constexpr std::uint8_t event_kind_count = 9;

struct engine_event {
  event_kind kind = event_kind::assemble;
  page_spec spec;                         // ingest, update, tool_call (the result page)
  update pending;                         // update: the writeback it makes pending
  std::string text;                       // session id, demand page id, recall field, tool name
  std::string arguments;                  // tool_call arguments (JSON or not)
  level wanted = level::full;             // demand
  scope recall_scope = scope::session;    // recall
  std::optional<reason_code> backend;     // recall: backend outcome (nullopt: normal lookup)
  boundary which = boundary::compaction;  // boundary
};

inline std::string_view to_string(event_kind k) noexcept {
  switch (k) {
    case event_kind::session_start: return "session_start";
    case event_kind::ingest: return "ingest";
    case event_kind::update: return "update";
    case event_kind::demand: return "demand";
    case event_kind::tool_call: return "tool_call";
    case event_kind::recall: return "recall";
    case event_kind::assemble: return "assemble";
    case event_kind::post_model: return "post_model";
    case event_kind::boundary: return "boundary";
  }
  return "?";
}

inline std::string describe(const engine_event& e) {
  std::string out(to_string(e.kind));
  switch (e.kind) {
    case event_kind::ingest:
    case event_kind::update:
      out += " " + e.spec.id + ":" + e.spec.type_name;
      if (e.spec.pin) out += " pin=" + std::string(to_string(*e.spec.pin));
      if (e.spec.scope) out += " scope=" + std::string(to_string(*e.spec.scope));
      out += " cost=" + std::to_string(static_cast<int>(e.spec.recompute_cost)) +
             " util=" + std::to_string(static_cast<int>(e.spec.base_utility)) + " tokens{";
      for (level l : all_levels) {
        if (const auto& r = e.spec.representations[index_of(l)]) {
          out += " " + std::string(to_string(l)) + "=" + std::to_string(r->tokens);
        }
      }
      out += " }";
      if (e.kind == event_kind::update) {
        out += " pending{page=" + e.pending.page_id + " field=" + e.pending.field + " op=" +
               std::string(to_string(e.pending.op)) + " scope=" + std::string(to_string(e.pending.scope)) +
               " ref=" + e.pending.evidence_ref + " v=" + std::to_string(e.pending.expected_version) +
               " value=" + e.pending.value_json + "}";
      }
      break;
    case event_kind::demand: out += " " + e.text + "@" + std::string(to_string(e.wanted)); break;
    case event_kind::tool_call: out += " " + e.text + "(" + e.arguments + ") -> " + e.spec.id; break;
    case event_kind::recall: out += " " + std::string(to_string(e.recall_scope)) + "/" + e.text; break;
    case event_kind::boundary: out += " " + std::string(to_string(e.which)); break;
    case event_kind::session_start: out += " " + e.text; break;
    default: break;
  }
  return out;
}

// What the harness knows that the engine does not expose: the updates it made pending.
struct harness_view {
  std::vector<update> pending;
};

// Does this policy promise the ClawVM invariants above?
inline bool promises_clawvm_invariants(const engine_policy& p) {
  bool all_writeback = true;
  for (bool w : p.writeback_at) all_writeback = all_writeback && w;
  return p.selector.auto_pin && all_writeback && p.validate_writeback && p.explain_empty_recall &&
         p.restore_after_boundary;
}

// BudgetInv, FloorInv, PinnedResidentInv, PostCompactionBootstrapInv on the engine's current residency (call after an assembly or a restoring boundary).
inline std::string check_residency(const engine& e, bool after_compaction) {
  const auto pages = e.pages().pages();
  std::uint64_t used = 0;
  for (const page& p : pages) {
    if (p.resident == level::none) continue;
    if (!p.has(p.resident) || !model::FloorHolds(p.type, p.resident)) {
      return "FloorInv (SEL-9.2): page '" + p.id + "' resident at " + std::string(to_string(p.resident)) +
             " (floor " + std::string(to_string(p.floor())) + ", representation present: " +
             (p.has(p.resident) ? "yes" : "no") + ")";
    }
    used += p.tokens_at(p.resident);
  }
  const std::uint32_t budget = e.config().tokens_budget;
  if (used > budget) {
    return "BudgetInv (SEL-9.1): resident pages hold " + std::to_string(used) + " tokens, budget " + std::to_string(budget);
  }
  const std::uint64_t floor_tokens = floor_set_tokens(pages);
  if (floor_tokens > budget) return {};
  for (const page& p : pages) {
    if (p.pin == pin_class::hard && e.config().policy.selector.auto_pin && !model::PinnedResident(p.type, p.resident)) {
      return "PinnedResidentInv (SEL-9.4): hard-pinned page '" + p.id + "' at " + std::string(to_string(p.resident)) +
             " below its floor while the floor set (" + std::to_string(floor_tokens) + " tokens) fits " +
             std::to_string(budget);
    }
    if (after_compaction && p.type == page_type::bootstrap && p.pin == pin_class::hard &&
        !model::PinnedResident(p.type, p.resident)) {
      return "PostCompactionBootstrapInv (FT-4): bootstrap page '" + p.id + "' not resident after compaction";
    }
  }
  return {};
}

inline auto update_key(const update& u) {
  return std::make_tuple(u.page_id, u.field, u.op, u.scope, u.evidence_ref, u.expected_version);
}

// Feeds one event to `e`; with `check`, verifies the invariants above around it.
inline std::string drive_event(engine& e, const engine_event& ev, harness_view& h, bool check) {
  const fault_counters before = e.counters();
  std::string violation;
  switch (ev.kind) {
    case event_kind::session_start: e.on_session_start(ev.text); break;
    case event_kind::ingest: (void)e.on_ingest(ev.spec); break;
    case event_kind::update:
      if (e.on_update(ev.spec, ev.pending) == reason_code::ok) h.pending.push_back(ev.pending);
      break;
    case event_kind::demand: (void)e.on_demand(ev.text, ev.wanted); break;
    case event_kind::tool_call: (void)e.on_tool_call(ev.text, ev.arguments, ev.spec); break;
    case event_kind::recall: (void)e.on_recall(ev.recall_scope, ev.text, ev.backend); break;
    case event_kind::assemble: {
      const selection& sel = e.on_assemble();
      if (check) {
        std::uint64_t used = 0;
        for (const page& p : e.pages().pages()) used += p.tokens_at(p.resident);
        if (used != sel.tokens_used) violation = "BudgetInv (SEL-9.1): tokens_used disagrees with the resident pages";
        if (violation.empty()) violation = check_residency(e, false);
      }
      break;
    }
    case event_kind::post_model: e.on_post_model(); break;
    case event_kind::boundary: {
      const boundary_report report = e.on_boundary(ev.which);
      if (!check) {
        h.pending.clear();
        break;
      }
      // LifecycleCompletenessInv: every pending update is accounted for by this boundary's journal outcomes.
      const auto& outcomes = e.writeback_journal().outcomes();
      std::vector<decltype(update_key(ev.pending))> want;
      std::vector<decltype(update_key(ev.pending))> got;
      for (const update& u : h.pending) want.push_back(update_key(u));
      for (const journal_record& r : outcomes) {
        got.push_back(update_key(r.staged));
        const bool accounted = (r.phase == journal_phase::committed && r.reason == reason_code::ok) ||
                               (r.phase == journal_phase::rejected && r.reason != reason_code::ok);
        if (!accounted) violation = "LifecycleCompletenessInv (EN-4): journal outcome seq " + std::to_string(r.seq) + " has no valid verdict";
      }
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      if (violation.empty() && want != got) {
        violation = "LifecycleCompletenessInv (EN-4): " + std::string(to_string(ev.which)) + " left " + std::to_string(want.size()) +
                    " updates pending but the journal accounted for " + std::to_string(got.size());
      }
      if (violation.empty() && report.flush_misses != 0) {
        violation = "LifecycleCompletenessInv (EN-4): " + std::string(to_string(ev.which)) + " destroyed " +
                    std::to_string(report.flush_misses) + " dirty pages uncommitted";
      }
      if (violation.empty() && e.pending_updates() != 0) {
        violation = "LifecycleCompletenessInv (EN-4): updates still pending after " + std::string(to_string(ev.which));
      }
      h.pending.clear();
      if (violation.empty() && ev.which != boundary::memory_flush) {
        violation = check_residency(e, ev.which == boundary::compaction);
      }
      break;
    }
  }
  if (check && violation.empty()) {
    for (fault_kind f : {fault_kind::post_compaction_bootstrap, fault_kind::flush_miss,
                         fault_kind::silent_recall, fault_kind::pinned_invariant_miss}) {
      if (e.counters()[f] != before[f]) {
        violation = "ZeroFaultsInv (EN-9): " + std::string(to_string(f)) + " fault counted under a ClawVM policy";
        break;
      }
    }
  }
  return violation;
}

}  // namespace clawvm::props
