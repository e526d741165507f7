#pragma once
// Nearest-rank percentile of a sample, for the benchmarks' latency counters.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace clawvm::bench {

inline double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const double rank = std::ceil(q * static_cast<double>(v.size()));
  const std::size_t i = rank < 1.0 ? 0 : static_cast<std::size_t>(rank) - 1;
  return v[std::min(i, v.size() - 1)];
}

}  // namespace clawvm::bench
