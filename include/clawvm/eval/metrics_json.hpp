#pragma once
// Replay metrics to and from JSON, every counter included, for the shard files of
// `clawvm sweep --shard` and `clawvm real --shard` (spec/sweep.md SW-14, spec/real.md RL-13).
// metrics_from_json throws nlohmann::json::exception on a missing or mistyped field.

#include <nlohmann/json.hpp>

#include "clawvm/replay.hpp"

namespace clawvm::eval {

nlohmann::json metrics_to_json(const replay_metrics& m);
replay_metrics metrics_from_json(const nlohmann::json& j);

}  // namespace clawvm::eval
