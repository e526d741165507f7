// A downstream program of the I/O target: reads one workload line (spec/workload.md) and
// applies it through the one event dispatch.
#include <clawvm/apply_event.hpp>
#include <clawvm/workload.hpp>
#include <cstdio>
#include <variant>

int main() {
  const auto parsed = clawvm::parse_workload_event(
      R"({"event":"ingest","page":{"id":"rules","type":"constraint",)"
      R"("representations":{"structured":{"content":"no force push","tokens":5}}}})");
  const auto* event = std::get_if<clawvm::workload_event>(&parsed);
  if (event == nullptr) return 1;
  clawvm::memory_store state;
  clawvm::engine e({clawvm::policy_clawvm(), 100, {}}, state);
  const auto outcome = clawvm::apply_event(e, *event);
  const auto* rc = std::get_if<clawvm::reason_code>(&outcome);
  if (rc == nullptr || *rc != clawvm::reason_code::ok) return 1;
  std::printf("consumer_io: tokens_used=%u\n", e.on_assemble().tokens_used);
  return e.last_selection().tokens_used == 5 ? 0 : 1;
}
