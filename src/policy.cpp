#include "clawvm/policy.hpp"

namespace clawvm {

engine_policy make_policy(policy_id id) {
  const policy_knobs& k = knobs_of(id);
  engine_policy p;
  p.id = id;
  p.name = std::string(k.name);
  p.selector.auto_pin = k.auto_pin;
  p.selector.prefetch_pointers = k.prefetch_pointers;
  p.selector.upgrades = k.upgrades;
  p.pointers_resolve_evidence = k.pointers_resolve_evidence;
  p.writeback_at = k.writeback_at;
  p.validate_writeback = k.validate_writeback;
  p.explain_empty_recall = k.explain_empty_recall;
  p.restore_after_boundary = k.restore_after_boundary;
  return p;
}

engine_policy policy_retrieval() { return make_policy(policy_id::retrieval); }
engine_policy policy_retrieval_cache() { return make_policy(policy_id::retrieval_cache); }
engine_policy policy_compaction_hybrid() { return make_policy(policy_id::compaction_hybrid); }
engine_policy policy_lru() { return make_policy(policy_id::lru); }
engine_policy policy_clawvm() { return make_policy(policy_id::clawvm); }
engine_policy policy_oracle() { return make_policy(policy_id::oracle); }
engine_policy policy_cache_aware() { return make_policy(policy_id::cache_aware); }

std::vector<engine_policy> all_policies() {
  std::vector<engine_policy> out;
  for (const auto& k : policy_table) out.push_back(make_policy(k.id));
  return out;
}

std::optional<engine_policy> policy_named(std::string_view name) {
  for (const auto& k : policy_table) {
    if (k.name == name) return make_policy(k.id);
  }
  return std::nullopt;
}

}  // namespace clawvm
