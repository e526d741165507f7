// Google Benchmark of the exact offline optimum (spec/optimum.md) beside one ClawVM replay
// of the same workload and budget, in one run (docs/performance.md, "The exact offline
// optimum"): the optimum is one required-only replay plus a knapsack per selection, so it
// should cost about one replay.
//
//   <build>/bench/clawvm_optimum_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// Cases: the generated Tier-2 families (seed 42, default turns) at budgets 120 and 500,
// and the synthetic sessions of bench/synthetic_session.hpp (100, 1 000, 10 000 pages,
// 200 turns after the setup) at budget 500.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "clawvm/eval/generators.hpp"
#include "clawvm/eval/optimum.hpp"
#include "clawvm/replay.hpp"
#include "session_workload.hpp"

namespace {

using namespace clawvm;

void bm_optimum(benchmark::State& st, const workload* w, std::uint32_t budget) {
  eval::optimum_result r;
  for (auto _ : st) {
    r = eval::offline_optimum(*w, budget);
    benchmark::DoNotOptimize(r.optimum_faults);
  }
  st.counters["optimum"] = static_cast<double>(r.optimum_faults);
  st.counters["selections"] = static_cast<double>(r.selections);
}

void bm_replay(benchmark::State& st, const workload* w, std::uint32_t budget) {
  replay_options o;
  o.tokens_budget = budget;
  std::uint64_t faults = 0;
  for (auto _ : st) {
    faults = replay(*w, o).metrics.counters.total_faults();
    benchmark::DoNotOptimize(faults);
  }
  st.counters["faults"] = static_cast<double>(faults);
}

}  // namespace

int main(int argc, char** argv) {
  static std::vector<std::pair<std::string, workload>> workloads;
  for (const auto family : eval::tier2_families)
    workloads.emplace_back(std::string(eval::to_string(family)), eval::generate_workload(family, {42, 0}));
  for (const std::size_t pages : {100U, 1000U, 10000U})
    workloads.emplace_back("synthetic-" + std::to_string(pages), bench::make_session_workload(pages, 200).w);
  for (const auto& [name, w] : workloads) {
    const bool synthetic = name.rfind("synthetic-", 0) == 0;
    for (const std::uint32_t budget : synthetic ? std::vector<std::uint32_t>{500} : std::vector<std::uint32_t>{120, 500}) {
      const std::string suffix = name + "/budget:" + std::to_string(budget);
      benchmark::RegisterBenchmark(("optimum/" + suffix).c_str(), bm_optimum, &w, budget)->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("replay_clawvm/" + suffix).c_str(), bm_replay, &w, budget)->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
