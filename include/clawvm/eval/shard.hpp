#pragma once
// One part of a campaign spread over machines (spec/sweep.md SW-14, spec/real.md RL-13):
// item i of the campaign's order (a sweep configuration, a real session) belongs to
// shard i % count. `clawvm merge` puts the parts back together, byte for byte.

#include <cstddef>
#include <cstdint>

namespace clawvm::eval {

struct shard_spec {
  std::uint32_t index = 0;  // 0-based here, 1-based on the command line (I/N)
  std::uint32_t count = 1;
  bool owns(std::size_t item) const noexcept { return item % count == index; }
  bool whole() const noexcept { return count == 1; }
};

}  // namespace clawvm::eval
