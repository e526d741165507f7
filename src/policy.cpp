#include "clawvm/policy.hpp"

namespace clawvm {

namespace {
constexpr std::array<bool, boundary_count> no_writeback{false, false, false, false, false, false};
}

engine_policy policy_retrieval() {
  engine_policy p;
  p.name = "retrieval";
  p.selector = {false, false, upgrade_mode::none, {}};
  p.pointers_resolve_evidence = false;
  p.writeback_at = no_writeback;
  p.validate_writeback = false;
  p.explain_empty_recall = false;
  p.restore_after_boundary = false;
  return p;
}

engine_policy policy_retrieval_cache() {
  engine_policy p = policy_retrieval();
  p.name = "retrieval_cache";
  p.pointers_resolve_evidence = true;
  return p;
}

engine_policy policy_compaction_hybrid() {
  engine_policy p;
  p.name = "compaction_hybrid";
  p.selector = {false, true, upgrade_mode::recency, {}};
  p.pointers_resolve_evidence = true;
  p.writeback_at = no_writeback;
  p.writeback_at[static_cast<std::size_t>(boundary::compaction)] = true;
  p.validate_writeback = false;
  p.explain_empty_recall = false;
  p.restore_after_boundary = false;
  return p;
}

engine_policy policy_lru() {
  engine_policy p = policy_clawvm();
  p.name = "lru";
  p.selector.upgrades = upgrade_mode::lru;
  return p;
}

engine_policy policy_clawvm() { return engine_policy{}; }

engine_policy policy_oracle() {
  engine_policy p = policy_clawvm();
  p.name = "oracle";
  p.selector.upgrades = upgrade_mode::oracle;
  return p;
}

std::vector<engine_policy> all_policies() {
  return {policy_retrieval(), policy_retrieval_cache(), policy_compaction_hybrid(),
          policy_lru(),       policy_clawvm(),          policy_oracle()};
}

std::optional<engine_policy> policy_named(std::string_view name) {
  for (auto& p : all_policies()) {
    if (p.name == name) return p;
  }
  return std::nullopt;
}

}  // namespace clawvm
