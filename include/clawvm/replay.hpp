#pragma once
// Deterministic replay (spec/replay.md RP-1..RP-9): drives one engine through a workload
// under one policy and budget, computes the oracle's bounded lookahead from the recorded
// future, and returns the run's metrics. Streaming: only the next h turns of events are
// buffered, so memory does not grow with the workload's length beyond the page table.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/durable_store.hpp"
#include "clawvm/decision_trace.hpp"
#include "clawvm/engine.hpp"
#include "clawvm/prompt_cache.hpp"
#include "clawvm/workload.hpp"

namespace clawvm {

inline constexpr std::uint32_t oracle_lookahead_turns_default = 3;  // h (brief §5)


struct replay_options {
  engine_policy policy = policy_clawvm();
  std::uint32_t tokens_budget = 500;
  std::uint32_t lookahead_turns = oracle_lookahead_turns_default;  // used when policy is the oracle
  // The harness writes on the user's behalf, in both scopes (RP-2); a workload tests
  // SCOPE_DENIED by replaying with a narrower writer.
  principal writer{true, true};
  trace_sink* trace = nullptr;         // decision trace; null: none
  durable_store* state = nullptr;    // durable tier; null: a fresh in-memory one per run
  prompt_cache_model cache;          // RP-10
};

// Everything a report needs from one run (RP-6). Deterministic: no times, no addresses.
struct replay_metrics {
  std::string workload;  // header name
  std::string policy;
  std::uint32_t tokens_budget = 0;
  fault_counters counters;
  std::uint64_t events = 0;
  std::uint64_t turns = 0;               // turn_end events
  std::uint64_t sessions = 0;            // session_start events
  std::uint64_t tokens_used_total = 0;   // sum of tokens_used over turn assemblies
  std::uint64_t floor_unfit_turns = 0;   // turn assemblies whose floor set did not fit
  std::uint64_t tool_calls = 0;
  std::uint64_t demands = 0;
  std::uint64_t boundaries = 0;
  std::uint64_t ingest_rejected = 0;     // ingest, tool_call and update rejected at the engine
  std::uint64_t update_rejected = 0;
  std::uint64_t tool_rejected = 0;
  // Every non-OK reason code seen (ingest, update, tool call, journal rejection, recall
  // explanation, unmet requirement), by wire name: the gates check these.
  std::map<std::string, std::uint64_t> reasons;
  // Prefix stability (RP-7): summed over turn assemblies after the first, the tokens of
  // the assembled prompt that are byte-identical to the previous turn's prompt prefix,
  // and the tokens of those prompts. The prompt is the resident representations in
  // page-table order.
  std::uint64_t prefix_tokens_kept = 0;
  std::uint64_t prefix_tokens_assembled = 0;
  // RP-10: the prompt cache, under `cache`.
  prompt_cache_model cache;
  std::uint64_t prompt_tokens_total = 0;
  std::uint64_t cache_read_tokens = 0;
  std::uint64_t cache_write_tokens = 0;
  std::uint64_t cache_uncached_tokens = 0;
  std::uint64_t prefix_breaks = 0;

  prompt_cache_counts cache_counts() const noexcept {
    return {prompt_tokens_total, cache_read_tokens, cache_write_tokens, cache_uncached_tokens, prefix_breaks};
  }
  double cache_read_share() const noexcept { return cache_counts().cache_read_share(); }
  double relative_cost() const noexcept { return cache_counts().relative_cost(cache); }

  double prefix_stability() const noexcept {
    return prefix_tokens_assembled == 0 ? 1.0
                                        : static_cast<double>(prefix_tokens_kept) /
                                              static_cast<double>(prefix_tokens_assembled);
  }
};

// A pull source of events (a reader over a file, or a vector in memory).
using workload_pull = std::function<workload_reader::status(workload_event&)>;
// A pull over events held in memory, from the first; `events` must outlive it. Each copy
// of the pull has its own position.
workload_pull pull_events(const std::vector<workload_event>& events);

struct replay_outcome {
  replay_metrics metrics;
  // Bad input met part-way: every event before the bad line was applied, none after
  // (RP-8). With a custom pull, only "an error happened" is known (an empty error); the
  // pull's owner has the details.
  std::optional<workload_error> error;
};

replay_outcome replay(const workload_header& header, const workload_pull& pull, const replay_options& options);
replay_outcome replay(const workload& w, const replay_options& options);
// Streams a workload file (header + events) through replay; errors carry file:line:field.
replay_outcome replay_file(std::istream& in, const std::string& source_name, const replay_options& options);

// RP-5: the oracle's future demands. `after_current` holds the buffered events after the
// current turn_end; the events of the next `lookahead_turns` turns (up to that many
// turn_ends) count: a demand adds 1 to its page, a tool call to the page that holds its
// canonical signature's result (`result_page_of_signature`: the page id, or nullopt for a
// signature not seen) or else to its own result page. Pairs in page-id order.
using result_page_lookup = std::function<std::optional<std::string_view>(std::string_view signature)>;
std::vector<std::pair<std::string, std::uint32_t>> oracle_future_demands(
    const std::deque<workload_event>& after_current, std::uint32_t lookahead_turns,
    const result_page_lookup& result_page_of_signature);
// The same, with the signatures of calls seen so far in a map (signature -> page id).
std::vector<std::pair<std::string, std::uint32_t>> oracle_future_demands(
    const std::deque<workload_event>& after_current, std::uint32_t lookahead_turns,
    const std::map<std::string, std::string, std::less<>>& result_page_by_signature);

// Metrics as JSON (sorted keys; spec/replay.md RP-6 lists the keys).
nlohmann::json to_json(const replay_metrics& m);
// The engine's counters as JSON fields (replay metrics, the sidecar's `counters`): the
// counts by fault kind under `faults_key`, then the totals and the other counters.
nlohmann::json counter_fields(const fault_counters& c, std::string_view faults_key);

// Oracle gap (RP-5): online faults minus the oracle's, per configuration.
inline std::int64_t oracle_gap(const replay_metrics& online, const replay_metrics& oracle) noexcept {
  return static_cast<std::int64_t>(online.counters.total_faults()) -
         static_cast<std::int64_t>(oracle.counters.total_faults());
}

}  // namespace clawvm
