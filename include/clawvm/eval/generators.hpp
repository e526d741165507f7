#pragma once
// Seeded synthetic workload generators (spec/generators.md GEN-1..GEN-13): five Tier-2
// families, each aimed at different faults, and three stress tests. A workload is a pure
// function of (family, seed, turns): the generators use their own PRNG and their own
// integer distributions (GEN-2), never std:: distributions, whose outputs differ between
// standard libraries.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "clawvm/journal.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::eval {

enum class workload_family : std::uint8_t {
  long_plan = 0,         // GEN-5: long plan with compactions
  evidence_churn = 1,    // GEN-6: tool results re-demanded, equivalent calls repeated
  preference_drift = 2,  // GEN-7: preference and constraint drift across resets
  project_memory = 3,    // GEN-8: multi-session project memory
  starvation = 4,        // GEN-9: floor set larger than the smaller budgets (stress)
  churn = 5,             // GEN-10: very high evidence churn (stress)
  cascade_reset = 6,     // GEN-11: resets in quick succession with dirty state (stress)
  cross_reference = 7,   // GEN-13: a footprint that crosses the sweep's budgets (the budget binds)
};
inline constexpr std::size_t workload_family_count = 8;

// The four families that mirror the paper's Tier-2 sweep (brief §5): each keeps its
// working set within the smallest budget (GEN-3). The ablations run on these (SW-11).
inline constexpr std::array<workload_family, 4> paper_tier2_families{
    workload_family::long_plan, workload_family::evidence_churn, workload_family::preference_drift,
    workload_family::project_memory};
// The Tier-2 sweep's families (spec/sweep.md SW-1), in report order: the paper's four,
// then cross_reference, where the budget binds (GEN-13).
inline constexpr std::array<workload_family, 5> tier2_families{
    workload_family::long_plan, workload_family::evidence_churn, workload_family::preference_drift,
    workload_family::project_memory, workload_family::cross_reference};
inline constexpr std::array<workload_family, 3> stress_families{
    workload_family::starvation, workload_family::churn, workload_family::cascade_reset};

// The budgets of the paper's sweep (brief §5), in tokens.
inline constexpr std::array<std::uint32_t, 6> sweep_budgets_tokens{120, 180, 240, 300, 380, 500};

constexpr std::string_view to_string(workload_family f) noexcept {
  switch (f) {
    case workload_family::long_plan: return "long_plan";
    case workload_family::evidence_churn: return "evidence_churn";
    case workload_family::preference_drift: return "preference_drift";
    case workload_family::project_memory: return "project_memory";
    case workload_family::starvation: return "starvation";
    case workload_family::churn: return "churn";
    case workload_family::cascade_reset: return "cascade_reset";
    case workload_family::cross_reference: return "cross_reference";
  }
  return "?";
}
constexpr std::optional<workload_family> parse_workload_family(std::string_view s) noexcept {
  for (std::uint8_t i = 0; i < workload_family_count; ++i) {
    if (to_string(static_cast<workload_family>(i)) == s) return static_cast<workload_family>(i);
  }
  return std::nullopt;
}

// GEN-2: the generators' PRNG, xoshiro256** seeded through splitmix64, with unbiased
// bounded integers by rejection. Same outputs on every platform and standard library.
class prng {
 public:
  explicit prng(std::uint64_t seed) noexcept;
  std::uint64_t next() noexcept;
  // Uniform in [0, n); n must be > 0.
  std::uint64_t below(std::uint64_t n) noexcept;
  // Uniform in [lo, hi]; lo <= hi.
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) noexcept;
  // True with probability percent/100.
  bool chance_percent(std::uint32_t percent) noexcept;

 private:
  std::array<std::uint64_t, 4> s_{};
};

struct generator_options {
  std::uint64_t seed = 42;
  std::uint32_t turns = 0;  // 0: the family's default (default_turns)
};

// Turns a family generates when generator_options::turns is 0 (GEN-4).
std::uint32_t default_turns(workload_family f) noexcept;
// Fewest turns a family accepts (its lifecycle schedule needs them); fewer is raised to it.
std::uint32_t min_turns(workload_family f) noexcept;

// The workload of `f` for `options` (GEN-1). The header is filled: family = the family's
// wire name, name = "<family>-s<seed>" (plus "-t<turns>" when turns is not the default),
// seed, generator = "clawvm generate <version>", and a description of the mix.
workload generate_workload(workload_family f, const generator_options& options);

// The writer principal a replay of a generated workload should use (GEN-3): the families
// persist project memory (preferences, project decisions), so project-scope writes are
// allowed; with the default principal they would be rejected with SCOPE_DENIED.
constexpr principal generated_workload_writer() noexcept { return principal{true, true}; }

// The token count the generators keep every turn's working set within (GEN-3): hard floors
// + the turn's demanded levels + a pointer for every live page. It is the smallest sweep
// budget, so any policy that pins, prefetches and resolves pointers can serve every demand.
// starvation and churn deliberately break it.
inline constexpr std::uint32_t working_set_tokens_max = 120;

}  // namespace clawvm::eval
