// The capacity probe (spec/real.md RL-4).
#include "clawvm/eval/capacity.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <variant>

#include "clawvm/durable_store.hpp"
#include "clawvm/engine.hpp"
#include "clawvm/policy.hpp"

namespace clawvm::eval {

namespace {
template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;
}  // namespace

capacity_profile measure_capacity(const workload_pull& pull, const std::vector<std::uint32_t>& budgets) {
  // ClawVM's steps 1 and 2 (required set, pointer prefetch) and nothing else. With an
  // unlimited budget nothing is left out or evicted, so the page table evolves exactly as
  // it does under ClawVM at any budget that holds every footprint (spec/real.md RL-4).
  engine_policy probe = policy_clawvm();
  probe.name = "capacity_probe";
  probe.selector.upgrades = upgrade_mode::none;
  memory_store state;
  engine e({probe, std::numeric_limits<std::uint32_t>::max(), principal{true, true}}, state, nullptr);

  capacity_profile out;
  out.assemblies_over_budget.assign(budgets.size(), 0);
  const auto record = [&](const selection& s) {
    if (!s.unmet.empty()) throw std::runtime_error("capacity probe: a requirement did not fit an unlimited budget");
    ++out.assemblies;
    out.peak_footprint_tokens = std::max<std::uint64_t>(out.peak_footprint_tokens, s.tokens_used);
    for (std::size_t k = 0; k < budgets.size(); ++k) {
      if (s.tokens_used > budgets[k]) ++out.assemblies_over_budget[k];
    }
  };
  // The same hook calls as replay (RP-3).
  const auto apply = overloaded{
      [&](const workload_events::session_start& ev) { e.on_session_start(ev.session); },
      [&](const workload_events::ingest& ev) { (void)e.on_ingest(ev.page); },
      [&](const workload_events::update& ev) { (void)e.on_update(ev.page, ev.change); },
      [&](const workload_events::demand& ev) { (void)e.on_demand(ev.page, ev.wanted); },
      [&](const workload_events::tool_call& ev) { (void)e.on_tool_call(ev.tool, ev.arguments_json, ev.result); },
      [&](const workload_events::recall& ev) { (void)e.on_recall(ev.scope, ev.field, ev.backend); },
      [&](const workload_events::turn_end&) {
        record(e.on_assemble());
        e.on_post_model();
      },
      [&](const workload_events::lifecycle& ev) {
        switch (ev.kind) {
          case boundary::compaction: (void)e.on_compaction(); break;
          case boundary::pruning: (void)e.on_pruning(); break;
          case boundary::memory_flush: (void)e.on_memory_flush(); break;
          case boundary::reset: (void)e.on_reset(); break;
          case boundary::session_end: (void)e.on_session_end(); break;
          case boundary::shutdown: (void)e.on_shutdown(); break;
        }
        // The restore after a boundary is an assembly too (EN-7); a memory flush has none.
        if (probe.restore_after_boundary && ev.kind != boundary::memory_flush) record(e.last_selection());
      },
  };
  workload_event event;
  for (;;) {
    const auto status = pull(event);
    if (status == workload_reader::status::end) break;
    if (status == workload_reader::status::error) throw std::runtime_error("capacity probe: the workload did not read");
    std::visit(apply, event);
  }
  return out;
}

capacity_profile measure_capacity(const workload& w, const std::vector<std::uint32_t>& budgets) {
  return measure_capacity(pull_events(w.events), budgets);
}

}  // namespace clawvm::eval
