#pragma once
// Random workloads with faults to avoid (the scenario of optimum_props and
// cache_aware_props): a small page pool, repeated tool calls with one result per
// signature (OPT-4's assumption), demands, updates, recalls and boundaries, at budgets
// mostly below what the pages need.

#include <array>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "clawvm/replay.hpp"
#include "clawvm/workload.hpp"
#include "generators.hpp"

namespace clawvm::props {

inline constexpr std::array<const char*, 6> call_paths{"a", "b", "c", "d", "e", "f"};

struct scenario {
  std::uint32_t budget = 0;
  workload w;
};

inline void showValue(const scenario& s, std::ostream& os) {
  os << "budget=" << s.budget << "\n";
  for (std::size_t i = 0; i < s.w.events.size(); ++i) os << "  " << i << ": " << to_json_line(s.w.events[i]);
}

inline rc::Gen<scenario> gen_scenario() {
  return rc::gen::exec([] {
    scenario s;
    // Budgets mostly below what the pages need, so that selections must choose.
    s.budget = *rc::gen::weightedElement<std::uint32_t>({{1, 20}, {2, 40}, {2, 70}, {2, 110}, {1, 240}}) +
               *rc::gen::inRange<std::uint32_t>(0, 30);
    s.w.header.name = "optimum-property";
    // One result per call signature (OPT-4's assumption).
    std::vector<page_spec> results;
    for (const char* path : call_paths) results.push_back(*gen_valid_page_spec(std::string("t-") + path, page_type::evidence));
    s.w.events.push_back(workload_events::session_start{"s"});
    const auto count = *rc::gen::inRange<std::size_t>(1, 120);
    for (std::size_t i = 0; i < count; ++i) {
      const int kind = *rc::gen::inRange(0, 100);
      if (kind < 12) {
        const auto p = *rc::gen::elementOf(page_pool);
        s.w.events.push_back(workload_events::ingest{*gen_valid_page_spec(p.id, p.type)});
      } else if (kind < 17) {
        const auto p = *rc::gen::elementOf(page_pool);
        update u;
        u.page_id = p.id;
        u.field = *rc::gen::element<std::string>("plan.status", "prefs");
        u.op = journal_op::merge;
        u.value_json = *rc::gen::element<std::string>("{\"step\":1}", "{\"step\":2}");
        s.w.events.push_back(workload_events::update{*gen_valid_page_spec(p.id, p.type), u});
      } else if (kind < 47) {
        const std::string id = *rc::gen::element<std::string>("ev-a", "ev-b", "t-a", "t-b", "t-c", "t-d", "t-e", "t-f", "conv-a");
        s.w.events.push_back(workload_events::demand{id, *rc::gen::element(level::pointer, level::structured, level::full)});
      } else if (kind < 70) {
        const auto k = *rc::gen::inRange<std::size_t>(0, call_paths.size());
        s.w.events.push_back(workload_events::tool_call{"read", std::string(R"({"path":")") + call_paths[k] + "\"}",
                                                        results[k]});
      } else if (kind < 72) {
        s.w.events.push_back(workload_events::recall{scope::session, "plan.status", std::nullopt});
      } else if (kind < 95) {
        s.w.events.push_back(workload_events::turn_end{});
      } else {
        s.w.events.push_back(workload_events::lifecycle{*rc::gen::element(
            boundary::compaction, boundary::pruning, boundary::memory_flush, boundary::reset, boundary::session_end)});
      }
    }
    return s;
  });
}

// The total faults of one replay of the scenario under `policy`.
inline std::uint64_t faults_of(const scenario& s, const engine_policy& policy) {
  replay_options o;
  o.policy = policy;
  o.tokens_budget = s.budget;
  return replay(s.w, o).metrics.counters.total_faults();
}

}  // namespace clawvm::props
