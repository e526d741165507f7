#pragma once
// Trace validation (spec/decision_trace.md DT-6, docs/verification.md): checks a decision
// trace emitted by the engine step by step against the model of tla/ClawVM.tla (which
// composes tla/PageResidency.tla and tla/Journal.tla). Each trace event maps to one model
// action; the validator keeps the model's state (page levels, dirty flags, journal phases),
// checks the action is enabled, applies it, and compares the resulting residency with the
// digest the engine logged at every select line. The first diverging step is reported.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace clawvm {

struct trace_model;  // the model's state for one trace (src/trace_validation.cpp)

struct trace_divergence {
  std::uint64_t line = 0;   // 1-based line in the trace
  std::string event;        // the event on that line
  std::string action;       // the TLA+ action it maps to
  std::string message;      // what does not hold
};

struct trace_validation_result {
  bool ok = true;
  trace_divergence first_divergence;  // when !ok
  std::uint64_t steps = 0;
  std::map<std::string, std::uint64_t> actions;  // steps per TLA+ action (sorted: stable output)
};

class trace_validator {
 public:
  // Feeds one line; returns false at the first divergence (later lines are ignored).
  bool step(std::string_view line);
  // Checks end-of-trace conditions (no open assembly, no staged entry left undecided).
  const trace_validation_result& finish();
  const trace_validation_result& result() const noexcept { return result_; }

 private:
  bool fail(std::string_view event, std::string_view action, std::string message);
  bool resume(std::uint64_t seq, std::uint64_t turn, const std::string& action);

  trace_validation_result result_;
  std::uint64_t line_ = 0;
  std::shared_ptr<trace_model> m_;
};

// Convenience: validates every line of `lines`.
trace_validation_result validate_trace(const std::vector<std::string>& lines);

}  // namespace clawvm
