#pragma once
// One part of a campaign spread over machines (spec/sweep.md SW-14, spec/real.md RL-13):
// item i of the campaign's order (a sweep configuration, a real session) belongs to
// shard i % count. `clawvm merge` puts the parts back together, byte for byte.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace clawvm::eval {

struct shard_spec {
  std::uint32_t index = 0;  // 0-based here, 1-based on the command line (I/N)
  std::uint32_t count = 1;
  bool owns(std::size_t item) const noexcept { return item % count == index; }
  bool whole() const noexcept { return count == 1; }
};

// What identifies one kind of shard file: {"format", "version", "kind", "shard": {"index",
// "count"}, "grid", <items>: [{"index", ...}, ...]}.
struct shard_file_kind {
  std::string_view format;  // "clawvm-sweep-shard", "clawvm-real-shard"
  int version = 1;
  std::string_view kind;    // the "kind" member it must have; empty: none
  std::string_view items;   // the member holding the items: "rows", "sessions"
  std::string_view noun;    // what an item is, in messages: "configuration", "session"
};

// The shard file's envelope around `grid` and `items`.
nlohmann::json shard_envelope(const shard_file_kind& kind, const shard_spec& shard, nlohmann::json grid,
                              nlohmann::json items);

struct shard_items {
  nlohmann::json grid;               // the campaign's grid, the same in every shard
  std::vector<nlohmann::json> items; // every item, at its campaign index
};

// Checks that `shards` are the parts of one campaign (one kind, one grid, one shard
// count, every shard exactly once, every one of the grid's `size_of_grid(grid)` items
// exactly once and in its own shard) and returns the items in campaign order; otherwise
// the reason ("shard 2/3 is missing", ...).
std::variant<shard_items, std::string> collect_shard_items(
    const std::vector<nlohmann::json>& shards, const shard_file_kind& kind,
    const std::function<std::size_t(const nlohmann::json& grid)>& size_of_grid);

}  // namespace clawvm::eval
