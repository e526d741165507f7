#pragma once
// Faults and workload signals (brief §4, spec/faults.md FT-1..FT-9). Fault kinds have
// stable numbers, like reason codes: they appear in traces and reports.

#include <array>
#include <cstdint>
#include <string_view>

namespace clawvm {

enum class fault_kind : std::uint8_t {
  refetch = 0,                    // an evicted tool result is re-retrieved
  duplicate_tool = 1,             // an equivalent tool call re-runs because its result was evicted
  post_compaction_bootstrap = 2,  // a bootstrap page is below its floor after compaction
  flush_miss = 3,                 // dirty state destroyed before it was committed
  silent_recall = 4,              // a lookup returned empty without a reason
  pinned_invariant_miss = 5,      // an auto-pinned page below its floor while the floor set fits
};
inline constexpr std::size_t fault_kind_count = 6;
inline constexpr std::array<fault_kind, fault_kind_count> all_fault_kinds{
    fault_kind::refetch,    fault_kind::duplicate_tool, fault_kind::post_compaction_bootstrap,
    fault_kind::flush_miss, fault_kind::silent_recall,  fault_kind::pinned_invariant_miss};

constexpr std::string_view to_string(fault_kind f) noexcept {
  switch (f) {
    case fault_kind::refetch: return "refetch";
    case fault_kind::duplicate_tool: return "duplicate_tool";
    case fault_kind::post_compaction_bootstrap: return "post_compaction_bootstrap";
    case fault_kind::flush_miss: return "flush_miss";
    case fault_kind::silent_recall: return "silent_recall";
    case fault_kind::pinned_invariant_miss: return "pinned_invariant_miss";
  }
  return "?";
}

struct fault_counters {
  std::array<std::uint64_t, fault_kind_count> faults{};
  std::uint64_t hits = 0;                        // a resident page served a demand
  std::uint64_t misses = 0;                      // a demand not served, not a fault (first use)
  std::uint64_t duplicate_signature_alerts = 0;  // repeated call, result still resident
  std::uint64_t physical_insufficiency = 0;      // required pages that could not fit (FT-7)
  std::uint64_t commits = 0;
  std::uint64_t rejections = 0;
  std::uint64_t destructive_commits = 0;  // permissive commits that lost committed content
  std::uint64_t recalls_explained = 0;    // empty lookups that said why

  std::uint64_t& operator[](fault_kind f) noexcept { return faults[static_cast<std::size_t>(f)]; }
  std::uint64_t operator[](fault_kind f) const noexcept {
    return faults[static_cast<std::size_t>(f)];
  }
  std::uint64_t total_faults() const noexcept {
    std::uint64_t sum = 0;
    for (auto c : faults) sum += c;
    return sum;
  }
  // FT-8: thrash = F / (H + 1), F = faults + duplicate-signature alerts, H = hits.
  double thrash_index() const noexcept {
    return static_cast<double>(total_faults() + duplicate_signature_alerts) /
           static_cast<double>(hits + 1);
  }
  friend bool operator==(const fault_counters&, const fault_counters&) = default;
};

}  // namespace clawvm
