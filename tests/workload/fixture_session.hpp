#pragma once
// A small scripted workload shared by the replay and sidecar tests (own fixture).
#include <string>

#include "../test_pages.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::test {

// A small session that crosses compaction and reset with dirty state and repeated calls.
inline workload small_session(std::uint32_t turns) {
  workload w;
  w.header.name = "replay-test";
  w.header.family = "custom";
  auto boot = test::ladder("boot", page_type::bootstrap, 60, 4, 9);
  boot.pin = pin_class::hard;
  w.events.emplace_back(workload_events::session_start{"s"});
  w.events.emplace_back(workload_events::ingest{boot});
  w.events.emplace_back(workload_events::ingest{test::ladder("plan", page_type::plan, 60, 6, 6)});
  for (std::uint32_t t = 0; t < turns; ++t) {
    const std::string tool = "t" + std::to_string(t % 5);
    auto result = test::ladder("r" + std::to_string(t % 5), page_type::evidence, 90, 8, 5);
    result.pin = pin_class::soft;
    w.events.emplace_back(workload_events::tool_call{"read", R"({"f":")" + tool + R"("})", result});
    w.events.emplace_back(workload_events::demand{"r" + std::to_string((t + 3) % 5), level::full});
    if (t % 4 == 1) {
      update u{"plan", "plan.step", journal_op::append, std::to_string(t), scope::session, "boot", 0};
      w.events.emplace_back(workload_events::update{test::ladder("plan", page_type::plan, 60 + t % 7, 6, 6), u});
    }
    w.events.emplace_back(workload_events::turn_end{});
    if (t % 9 == 8) w.events.emplace_back(workload_events::lifecycle{boundary::compaction});
  }
  w.events.emplace_back(workload_events::lifecycle{boundary::reset});
  w.events.emplace_back(workload_events::lifecycle{boundary::session_end});
  return w;
}

}  // namespace clawvm::test
