#pragma once
// The built-in demo session (the main job until the evaluation suite lands): one short
// scripted session that crosses every lifecycle boundary, replayed under a policy.

#include <iosfwd>
#include <string>

#include "clawvm/engine.hpp"

namespace clawvm::cli {

// Runs the demo under `policy` at `tokens_budget`, writing the decision trace to `trace`
// (may be null); returns the engine's final counters.
fault_counters run_demo_session(const engine_policy& policy, std::uint32_t tokens_budget,
                                trace_sink* trace);

}  // namespace clawvm::cli
