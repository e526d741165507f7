// The replay metrics read back from the JSON that clawvm::to_json (RP-6) writes, as shard
// files carry them (SW-14, RL-13): every counter, so a merge recomputes exactly what one
// run computes (the derived fields, faults_total, thrash_index, prefix_stability,
// cache_read_share and relative_cost, are recomputed from the counters, not read).
#include "clawvm/eval/metrics_json.hpp"

#include <map>
#include <string>
#include <utility>

#include "clawvm/faults.hpp"

namespace clawvm::eval {

using json = nlohmann::json;

replay_metrics metrics_from_json(const json& j) {
  replay_metrics m;
  m.workload = j.at("workload").get<std::string>();
  m.policy = j.at("policy").get<std::string>();
  m.tokens_budget = j.at("tokens_budget").get<std::uint32_t>();
  for (auto f : all_fault_kinds) m.counters[f] = j.at("faults").at(std::string(to_string(f))).get<std::uint64_t>();
  auto& c = m.counters;
  c.hits = j.at("hits").get<std::uint64_t>();
  c.misses = j.at("misses").get<std::uint64_t>();
  c.duplicate_signature_alerts = j.at("duplicate_signature_alerts").get<std::uint64_t>();
  c.physical_insufficiency = j.at("physical_insufficiency").get<std::uint64_t>();
  c.commits = j.at("commits").get<std::uint64_t>();
  c.rejections = j.at("rejections").get<std::uint64_t>();
  c.destructive_commits = j.at("destructive_commits").get<std::uint64_t>();
  c.recalls_explained = j.at("recalls_explained").get<std::uint64_t>();
  for (auto [field, key] : {std::pair{&m.events, "events"}, {&m.turns, "turns"}, {&m.sessions, "sessions"},
                            {&m.tokens_used_total, "tokens_used_total"}, {&m.floor_unfit_turns, "floor_unfit_turns"},
                            {&m.tool_calls, "tool_calls"}, {&m.demands, "demands"}, {&m.boundaries, "boundaries"},
                            {&m.ingest_rejected, "ingest_rejected"}, {&m.update_rejected, "update_rejected"},
                            {&m.tool_rejected, "tool_rejected"}, {&m.prefix_tokens_kept, "prefix_tokens_kept"},
                            {&m.prefix_tokens_assembled, "prefix_tokens_assembled"},
                            {&m.prompt_tokens_total, "prompt_tokens_total"}, {&m.cache_read_tokens, "cache_read_tokens"},
                            {&m.cache_write_tokens, "cache_write_tokens"},
                            {&m.cache_uncached_tokens, "cache_uncached_tokens"}, {&m.prefix_breaks, "prefix_breaks"}}) {
    *field = j.at(key).get<std::uint64_t>();
  }
  m.reasons = j.at("reasons").get<std::map<std::string, std::uint64_t>>();
  const auto& cache = j.at("prompt_cache");
  m.cache.min_cacheable_tokens = cache.at("min_cacheable_tokens").get<std::uint32_t>();
  m.cache.ttl_turns = cache.at("ttl_turns").get<std::uint32_t>();
  m.cache.write_price = cache.at("write_price").get<double>();
  m.cache.read_price = cache.at("read_price").get<double>();
  return m;
}

}  // namespace clawvm::eval
