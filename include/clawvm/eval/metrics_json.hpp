#pragma once
// Replay metrics back from their JSON (clawvm::to_json, spec/replay.md RP-6), for the
// shard files of `clawvm sweep --shard` and `clawvm real --shard` (spec/sweep.md SW-14,
// spec/real.md RL-13). Throws nlohmann::json::exception on a missing or mistyped field.

#include <nlohmann/json.hpp>

#include "clawvm/replay.hpp"

namespace clawvm::eval {

replay_metrics metrics_from_json(const nlohmann::json& j);

}  // namespace clawvm::eval
