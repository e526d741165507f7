#pragma once
// Engine policies (brief §5, spec/engine.md EN-9): every policy is a configuration of
// the one engine: structural knobs plus a ranking. No policy has its own code path.

#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clawvm/boundary.hpp"
#include "clawvm/selector.hpp"

namespace clawvm {


// The six policies of the paper's evaluation, in the paper's order (brief §5, EN-9).
// A seventh, beyond the paper, comes last: ClawVM with a prompt-cache-aware ranking
// (SEL-11, issue 15).
enum class policy_id : std::uint8_t { retrieval = 0, retrieval_cache = 1, compaction_hybrid = 2, lru = 3, clawvm = 4, oracle = 5, cache_aware = 6 };
inline constexpr std::size_t policy_count = 7;

// A policy's knobs (EN-9): the one table every policy is built from. No policy has its
// own code path; the evaluation, the conformance kit and the reports refer to policies
// by id, and the wire name is the table's.
struct policy_knobs {
  policy_id id;
  std::string_view name;
  bool auto_pin;
  bool prefetch_pointers;
  upgrade_mode upgrades;
  bool pointers_resolve_evidence;
  std::array<bool, boundary_count> writeback_at;  // by boundary number
  bool validate_writeback;
  bool explain_empty_recall;
  bool restore_after_boundary;
  // The artifact's budget scaling for multi-session runs, in percent (brief §5, §7): an
  // option of the sweep (SW-17), never applied by the engine.
  std::uint32_t multi_session_budget_percent;
};

namespace detail {
inline constexpr std::array<bool, boundary_count> writeback_never{false, false, false, false, false, false};
inline constexpr std::array<bool, boundary_count> writeback_at_compaction{true, false, false, false, false, false};
inline constexpr std::array<bool, boundary_count> writeback_always{true, true, true, true, true, true};
}  // namespace detail

inline constexpr std::array<policy_knobs, policy_count> policy_table{{
    {policy_id::retrieval, "retrieval", false, false, upgrade_mode::none, false, detail::writeback_never, false, false, false, 78},
    {policy_id::retrieval_cache, "retrieval_cache", false, false, upgrade_mode::none, true, detail::writeback_never, false, false, false, 78},
    {policy_id::compaction_hybrid, "compaction_hybrid", false, true, upgrade_mode::recency, true, detail::writeback_at_compaction, false, false, false, 85},
    {policy_id::lru, "lru", true, true, upgrade_mode::lru, true, detail::writeback_always, true, true, true, 100},
    {policy_id::clawvm, "clawvm", true, true, upgrade_mode::clawvm, true, detail::writeback_always, true, true, true, 100},
    {policy_id::oracle, "oracle", true, true, upgrade_mode::oracle, true, detail::writeback_always, true, true, true, 100},
    {policy_id::cache_aware, "cache_aware", true, true, upgrade_mode::cache_aware, true, detail::writeback_always, true, true, true, 100},
}};

constexpr const policy_knobs& knobs_of(policy_id id) noexcept { return policy_table[static_cast<std::size_t>(id)]; }
// The policy's wire name ("clawvm", "oracle", ...): the table's, never a literal.
constexpr std::string_view policy_name(policy_id id) noexcept { return knobs_of(id).name; }

// Everything but the ranking (upgrade mode) is the same: the structure of a policy.
constexpr bool same_structure(const policy_knobs& a, const policy_knobs& b) noexcept {
  return a.auto_pin == b.auto_pin && a.prefetch_pointers == b.prefetch_pointers &&
         a.pointers_resolve_evidence == b.pointers_resolve_evidence && a.writeback_at == b.writeback_at &&
         a.validate_writeback == b.validate_writeback && a.explain_empty_recall == b.explain_empty_recall &&
         a.restore_after_boundary == b.restore_after_boundary;
}
// EN-9, brief §5: LRU and the oracle are ClawVM with another ranking, nothing else.
static_assert(same_structure(knobs_of(policy_id::lru), knobs_of(policy_id::clawvm)) &&
              knobs_of(policy_id::lru).upgrades != knobs_of(policy_id::clawvm).upgrades);
static_assert(same_structure(knobs_of(policy_id::oracle), knobs_of(policy_id::clawvm)) &&
              knobs_of(policy_id::oracle).upgrades != knobs_of(policy_id::clawvm).upgrades);
// The cache-aware policy is ClawVM with another ranking (SEL-11), nothing else.
static_assert(same_structure(knobs_of(policy_id::cache_aware), knobs_of(policy_id::clawvm)) &&
              knobs_of(policy_id::cache_aware).upgrades != knobs_of(policy_id::clawvm).upgrades);
// Retrieval+Cache is Retrieval whose pointers resolve evidence, and nothing else.
static_assert(!same_structure(knobs_of(policy_id::retrieval), knobs_of(policy_id::retrieval_cache)) &&
              knobs_of(policy_id::retrieval).upgrades == knobs_of(policy_id::retrieval_cache).upgrades);
// Every row sits at its id, so knobs_of is an index.
static_assert([] {
  for (std::size_t i = 0; i < policy_count; ++i) {
    if (static_cast<std::size_t>(policy_table[i].id) != i) return false;
  }
  return true;
}());

// Policies with ClawVM's structure (auto-pin, prefetch, writeback everywhere, validated
// merges, explained recalls, restore): the ones that promise zero policy-controllable
// faults where the floor set fits.
constexpr bool has_clawvm_structure(policy_id id) noexcept {
  return same_structure(knobs_of(id), knobs_of(policy_id::clawvm));
}

struct engine_policy {
  policy_id id = policy_id::clawvm;
  std::string name = "clawvm";
  selector_policy selector{};
  bool pointers_resolve_evidence = true;  // a resident evidence pointer serves its content
  std::array<bool, boundary_count> writeback_at{true, true, true, true, true, true};
  bool validate_writeback = true;         // false: schema only, permissive merge
  bool explain_empty_recall = true;       // false: empty lookups are silent
  bool restore_after_boundary = true;     // rebuild the context (floors, pointers) after a boundary

  bool writes_back_at(boundary b) const noexcept { return writeback_at[static_cast<std::size_t>(b)]; }
};

// The six policies of the paper's evaluation, and the cache-aware one.
engine_policy policy_retrieval();
engine_policy policy_retrieval_cache();
engine_policy policy_compaction_hybrid();
engine_policy policy_lru();
engine_policy policy_clawvm();
engine_policy policy_oracle();
engine_policy policy_cache_aware();

// All seven: the paper's six in its order (Retrieval first, Oracle last), then the
// cache-aware one. Reports use this order.
std::vector<engine_policy> all_policies();
// By wire name ("retrieval", ..., "oracle"); nullopt for an unknown name.
std::optional<engine_policy> policy_named(std::string_view name);
// The engine policy of a table row.
engine_policy make_policy(policy_id id);

}  // namespace clawvm
