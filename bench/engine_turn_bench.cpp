// Google Benchmark of one engine turn (docs/performance.md): demands, a tool call,
// assembly (select_representations) and end of turn, on deterministic synthetic sessions
// of 100, 10 000 and 100 000 pages (bench/synthetic_session.hpp), policy clawvm, no trace
// sink, in-memory committed state. Plus every policy at 100 pages, the selector alone,
// the tool-signature canonicaliser alone, and a per-turn latency distribution.
//
// Run (release build):
//   cmake --build <build> --target clawvm_bench
//   <build>/bench/clawvm_bench --benchmark_min_time=0.5
// Each case runs 10 repetitions unless --benchmark_repetitions=N is given, and reports
// mean / median / stddev / cv / p95 over the repetitions (each repetition's value is the
// mean time per turn of that repetition). The turn_latency cases time every turn on its
// own and report the per-turn p50 / p95 / p99 / max as counters (in microseconds).
//
// Timings are never asserted: the ctest `bench-smoke` only proves the binary runs.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <benchmark/benchmark.h>

#include "clawvm/engine.hpp"
#include "clawvm/policy.hpp"
#include "clawvm/selector.hpp"
#include "clawvm/tool_signature.hpp"
#include "percentile.hpp"
#include "synthetic_session.hpp"

namespace {

using clawvm::bench::live_session;
using clawvm::bench::session_script;

// Scripts are cached per page count (they are deterministic); one live session is kept
// at a time, keyed by (pages, budget, policy), so the repetitions of a case and the
// cases sharing a key continue one session instead of rebuilding it.
const session_script& script_for(std::size_t pages) {
  static std::map<std::size_t, std::unique_ptr<session_script>> cache;
  auto& slot = cache[pages];
  if (!slot) slot = std::make_unique<session_script>(clawvm::bench::make_script(pages));
  return *slot;
}

live_session& session_for(std::size_t pages, std::uint32_t budget, clawvm::engine_policy (*policy)()) {
  static std::unique_ptr<live_session> current;
  static std::tuple<std::size_t, std::uint32_t, clawvm::engine_policy (*)()> key{};
  const auto wanted = std::make_tuple(pages, budget, policy);
  if (!current || key != wanted) {
    current.reset();  // free the previous session before building the next one
    current = clawvm::bench::start_session(script_for(pages), budget, policy());
    key = wanted;
  }
  return *current;
}

using clawvm::bench::percentile;
double p95_statistic(const std::vector<double>& v) { return percentile(v, 0.95); }

struct case_args {
  std::size_t pages;
  std::uint32_t budget;
};

void add_turn_counters(benchmark::State& st, const live_session& s,
                       const clawvm::fault_counters& before) {
  const auto& after = s.eng->counters();
  const auto turns = static_cast<double>(st.iterations());
  auto per_turn = [&](std::uint64_t a, std::uint64_t b) {
    return turns > 0.0 ? static_cast<double>(a - b) / turns : 0.0;
  };
  st.counters["hits/turn"] = per_turn(after.hits, before.hits);
  st.counters["unmet/turn"] = per_turn(after.physical_insufficiency, before.physical_insufficiency);
  st.counters["dup_tool/turn"] = per_turn(after[clawvm::fault_kind::duplicate_tool],
                                          before[clawvm::fault_kind::duplicate_tool]);
  st.counters["alerts/turn"] = per_turn(after.duplicate_signature_alerts, before.duplicate_signature_alerts);
  st.counters["tokens_used"] = static_cast<double>(s.eng->last_selection().tokens_used);
  st.counters["pages"] = static_cast<double>(s.eng->pages().size());
}

// One turn: 2-3 demands, one (repeated-signature) tool call, assemble, end of turn.
void bm_turn(benchmark::State& st, case_args a, clawvm::engine_policy (*policy)(), bool with_tool) {
  live_session& s = session_for(a.pages, a.budget, policy);
  const clawvm::fault_counters before = s.eng->counters();
  for (auto _ : st) {
    const clawvm::selection& sel = clawvm::bench::play_turn(s, with_tool);
    benchmark::DoNotOptimize(sel.tokens_used);
  }
  add_turn_counters(st, s, before);
}

// Per-turn latency distribution: every turn timed on its own (steady_clock; the ~20-40 ns
// of the two clock reads are included).
void bm_turn_latency(benchmark::State& st, case_args a) {
  live_session& s = session_for(a.pages, a.budget, clawvm::policy_clawvm);
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(std::min<benchmark::IterationCount>(st.max_iterations, 10'000'000)));
  for (auto _ : st) {
    const auto t0 = std::chrono::steady_clock::now();
    const clawvm::selection& sel = clawvm::bench::play_turn(s, true);
    benchmark::DoNotOptimize(sel.tokens_used);
    const auto t1 = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  st.counters["p50_us"] = percentile(us, 0.50);
  st.counters["p95_us"] = percentile(us, 0.95);
  st.counters["p99_us"] = percentile(us, 0.99);
  st.counters["max_us"] = us.empty() ? 0.0 : *std::max_element(us.begin(), us.end());
}

// select_representations alone, on the session's pages, cycling through the script's
// demand sets (page indices resolved once, outside the timed loop).
void bm_select(benchmark::State& st, case_args a) {
  live_session& s = session_for(a.pages, a.budget, clawvm::policy_clawvm);
  const session_script& sc = *s.script;
  const clawvm::page_table& table = s.eng->pages();
  std::vector<std::vector<clawvm::demand>> demand_sets;
  demand_sets.reserve(sc.turns.size());
  for (const auto& turn : sc.turns) {
    std::vector<clawvm::demand> set;
    for (std::size_t d = 0; d < turn.demand_count; ++d) {
      if (auto i = table.find(sc.ids[turn.demands[d].page])) set.push_back({*i, turn.demands[d].wanted});
    }
    if (auto i = table.find(sc.tools[turn.tool].result.id)) set.push_back({*i, clawvm::level::full});
    demand_sets.push_back(std::move(set));
  }
  const clawvm::selector_policy policy = s.eng->config().policy.selector;
  clawvm::selection out;
  clawvm::selector_scratch scratch;
  std::size_t t = 0;
  for (auto _ : st) {
    const clawvm::selection_request request{table.pages(), a.budget, demand_sets[t], {}, table.generation()};
    clawvm::select_representations(request, policy, out, scratch, /*record_decisions=*/false);
    benchmark::DoNotOptimize(out.tokens_used);
    t = (t + 1) % demand_sets.size();
  }
  st.counters["tokens_used"] = static_cast<double>(out.tokens_used);
  st.counters["pages"] = static_cast<double>(table.size());
}

// Untimed set-up of the cache benchmarks: a fresh copy of the session's table and a
// scratch warmed by one selection of it. The previous iteration's table and scratch are
// freed here, while the timer is paused (several ms at 100 000 pages).
void warm_copy(const live_session& s, case_args a, const clawvm::selector_policy& policy,
               std::optional<clawvm::page_table>& table, std::optional<clawvm::selector_scratch>& scratch,
               clawvm::selection& out) {
  table.reset();
  scratch.reset();
  table.emplace(s.eng->pages());
  scratch.emplace();
  clawvm::select_representations({table->pages(), a.budget, {}, {}, table->generation()}, policy, out, *scratch, false);
}

// The cache benchmarks' loop: per iteration, untimed, a warm copy and `change` (which
// changes the table and the scratch and returns the request to time); timed, the one
// selection; then `counted` (a scratch counter: how often the cache was kept) is summed
// into the counter `counter`.
template <typename Change>
void time_first_selection(benchmark::State& st, case_args a, const char* counter,
                          std::uint64_t clawvm::selector_scratch::*counted, Change change) {
  live_session& s = session_for(a.pages, a.budget, clawvm::policy_clawvm);
  const clawvm::selector_policy policy = s.eng->config().policy.selector;
  clawvm::selection out;
  std::uint64_t kept = 0;
  std::optional<clawvm::page_table> table;
  std::optional<clawvm::selector_scratch> scratch;
  for (auto _ : st) {
    st.PauseTiming();
    warm_copy(s, a, policy, table, scratch, out);
    const clawvm::selection_request request = change(*s.script, *table, scratch);
    st.ResumeTiming();
    clawvm::select_representations(request, policy, out, *scratch, /*record_decisions=*/false);
    benchmark::DoNotOptimize(out.tokens_used);
    st.PauseTiming();
    kept += (*scratch).*counted;
    st.ResumeTiming();
  }
  st.counters[counter] = static_cast<double>(kept);
}

// The first selection after a removal (a session-ending boundary removes the session's
// pages), with the scratch's orders cached for the table before it: `follow` passes the
// table's last_removal (the orders are filtered), `rebuild` does not (they are re-sorted).
// The change: every tenth page removed.
void bm_select_after_removal(benchmark::State& st, case_args a, bool follow) {
  time_first_selection(st, a, "removals_followed", &clawvm::selector_scratch::removals_followed,
                       [&](const session_script&, clawvm::page_table& table, std::optional<clawvm::selector_scratch>&) {
                         std::size_t k = 0;
                         table.remove_if([&](const clawvm::page&) { return ++k % 10 == 0; });
                         return clawvm::selection_request{table.pages(), a.budget, {}, {}, table.generation(),
                                                          follow ? &table.last_removal() : nullptr};
                       });
}

// The first selection after a batch of new pages (a tenth of the session, appended as new
// evidence): `merge` keeps the scratch's orders and merges the batch in, `rebuild` starts
// from an empty scratch (every id sorted again).
void bm_select_after_append(benchmark::State& st, case_args a, bool merge) {
  time_first_selection(st, a, "batches_merged", &clawvm::selector_scratch::batches_merged,
                       [&](const session_script& sc, clawvm::page_table& table,
                           std::optional<clawvm::selector_scratch>& scratch) {
                         for (std::size_t k = 0; k < a.pages / 10; ++k) {
                           clawvm::page_spec spec = sc.tools[k % sc.tools.size()].result;
                           spec.id = "appended/" + std::to_string(k);
                           table.ingest(spec);
                         }
                         if (!merge) scratch.emplace();
                         return clawvm::selection_request{table.pages(), a.budget, {}, {}, table.generation()};
                       });
}

// The first selection after a few replaces that change pages' sort keys (an update or a
// tool re-run with new utility, recompute cost or token counts): `follow` passes the
// table's last_edits (the pages are re-placed in the cached orders), `rebuild` does not
// (every order is sorted again). The change: 4 replaces, each raising a page's base
// utility by 0.5 (a different page each time).
void bm_select_after_edit(benchmark::State& st, case_args a, bool follow) {
  std::size_t k = 0;
  time_first_selection(st, a, "edits_followed", &clawvm::selector_scratch::edits_followed,
                       [&](const session_script& sc, clawvm::page_table& table, std::optional<clawvm::selector_scratch>&) {
                         for (int r = 0; r < 4; ++r) {
                           clawvm::page_spec spec = sc.specs[(k++ * 7919) % sc.specs.size()];
                           spec.pin.reset();  // kept from the page (PG-9)
                           spec.scope.reset();
                           spec.base_utility += 0.5;
                           if (table.replace(spec) != clawvm::reason_code::ok) st.SkipWithError("replace refused");
                         }
                         return clawvm::selection_request{table.pages(), a.budget, {}, {}, table.generation(),
                                                          nullptr, {}, follow ? &table.last_edits() : nullptr};
                       });
}

// The canonical tool signature computed by every on_tool_call (JSON parse + dump).
void bm_tool_signature(benchmark::State& st) {
  const session_script& sc = script_for(100);
  std::size_t t = 0;
  for (auto _ : st) {
    const auto& call = sc.tools[t];
    auto sig = clawvm::canonical_tool_signature(call.tool, call.arguments_json);
    benchmark::DoNotOptimize(sig);
    t = (t + 1) % sc.tools.size();
  }
}

std::string case_name(const char* kind, case_args a) {
  return std::string(kind) + "/pages:" + std::to_string(a.pages) + "/budget:" + std::to_string(a.budget);
}

}  // namespace

int main(int argc, char** argv) {
  // Repetitions: 10 by default; --benchmark_repetitions=N on the command line wins.
  bool repetitions_given = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark_repetitions", 23) == 0) repetitions_given = true;
  }
  auto configure = [&](benchmark::internal::Benchmark* b) {
    b->Unit(benchmark::kMicrosecond)->ComputeStatistics("p95", p95_statistic);
    if (!repetitions_given) b->Repetitions(10);
    b->ReportAggregatesOnly(true);
  };

  // The cases: 100 pages at budget 500; 10 000 and 100 000 pages at a budget that
  // scales with the session (5 tokens per page) and at the fixed budget 500; 1 000 000
  // pages at budget 500 (issue 14: per-turn cost that does not grow with idle pages; the
  // session takes about a minute and a few GB to build, so filter it in only when wanted).
  const std::vector<case_args> cases{{100, 500},         {10'000, 50'000}, {10'000, 500},
                                     {100'000, 500'000}, {100'000, 500},   {1'000'000, 500}};

  // Grouped by session key so each session is built once.
  for (const case_args a : cases) {
    configure(benchmark::RegisterBenchmark(case_name("turn", a).c_str(), bm_turn, a,
                                           clawvm::policy_clawvm, true));
    configure(benchmark::RegisterBenchmark(case_name("turn_no_tool", a).c_str(), bm_turn, a,
                                           clawvm::policy_clawvm, false));
    configure(benchmark::RegisterBenchmark(case_name("select", a).c_str(), bm_select, a));
    configure(benchmark::RegisterBenchmark(case_name("turn_latency", a).c_str(), bm_turn_latency, a));
  }

  // The selector's cache after a batch of new pages, a removal, replaces that change sort
  // keys (issue 14): rebuilt vs kept (merged, followed), in the same run. A fixed count:
  // each iteration's untimed set-up (copy, warm-up) dwarfs what it times.
  struct cache_case {
    const char* kind;
    const char* kept_name;
    void (*run)(benchmark::State&, case_args, bool);
  };
  for (const cache_case c : {cache_case{"select_after_append", "merge", bm_select_after_append},
                             cache_case{"select_after_removal", "follow", bm_select_after_removal},
                             cache_case{"select_after_edit", "follow", bm_select_after_edit}}) {
    for (const case_args a : {case_args{10'000, 500}, case_args{100'000, 500}}) {
      for (const bool kept : {false, true}) {
        const std::string kind = std::string(c.kind) + "/" + (kept ? c.kept_name : "rebuild");
        auto* b = benchmark::RegisterBenchmark(case_name(kind.c_str(), a).c_str(), c.run, a, kept);
        configure(b);
        b->Iterations(20);
      }
    }
  }

  // Every policy at 100 pages, budget 500.
  struct named_policy {
    const char* name;
    clawvm::engine_policy (*make)();
  };
  const named_policy policies[] = {
      {"retrieval", clawvm::policy_retrieval},
      {"retrieval_cache", clawvm::policy_retrieval_cache},
      {"compaction_hybrid", clawvm::policy_compaction_hybrid},
      {"lru", clawvm::policy_lru},
      {"clawvm", clawvm::policy_clawvm},
      {"oracle", clawvm::policy_oracle},
  };
  for (const auto& p : policies) {
    const std::string name = std::string("turn_policy/") + p.name + "/pages:100/budget:500";
    configure(benchmark::RegisterBenchmark(name.c_str(), bm_turn, case_args{100, 500}, p.make, true));
  }

  configure(benchmark::RegisterBenchmark("tool_signature", bm_tool_signature));

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
