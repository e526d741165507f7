// Google Benchmark of replay (docs/performance.md, "Evaluation suite"): one generated
// workload of each Tier-2 family (seed 42, default turns) replayed under each policy at
// budget 180, with and without a decision trace, and the workload reader on the same
// workload's text. Reports time per replay and per turn (counter turns_per_s).
//
//   <build>/bench/clawvm_replay_bench --benchmark_min_time=0.2
//
// Timings are never asserted: the ctest `bench-smoke.replay` only proves the binary runs.
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "clawvm/eval/generators.hpp"
#include "clawvm/replay.hpp"

namespace {

using namespace clawvm;

const workload& workload_of(std::size_t family_index) {
  static const std::array<workload, eval::tier2_families.size()> all = [] {
    std::array<workload, eval::tier2_families.size()> w;
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = eval::generate_workload(eval::tier2_families[i], {42, 0});
    return w;
  }();
  return all[family_index];
}

void replay_case(benchmark::State& state) {
  const auto family = static_cast<std::size_t>(state.range(0));
  const auto policy = all_policies()[static_cast<std::size_t>(state.range(1))];
  const bool traced = state.range(2) != 0;
  const workload& w = workload_of(family);
  replay_options o;
  o.policy = policy;
  o.tokens_budget = 180;
  std::uint64_t turns = 0;
  for (auto _ : state) {
    memory_trace_sink sink;
    o.trace = traced ? &sink : nullptr;
    const auto out = replay(w, o);
    turns += out.metrics.turns;
    benchmark::DoNotOptimize(out.metrics.counters.hits);
  }
  state.SetLabel(std::string(to_string(eval::tier2_families[family])) + "/" + policy.name + (traced ? "/traced" : ""));
  state.counters["turns_per_s"] = benchmark::Counter(static_cast<double>(turns), benchmark::Counter::kIsRate);
}

void read_case(benchmark::State& state) {
  const workload& w = workload_of(static_cast<std::size_t>(state.range(0)));
  std::ostringstream text;
  write_workload(text, w);
  const std::string bytes = text.str();
  for (auto _ : state) {
    std::istringstream in(bytes);
    auto r = read_workload(in, "bench");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes.size()));
  state.SetLabel(std::string(to_string(eval::tier2_families[static_cast<std::size_t>(state.range(0))])));
}

}  // namespace

// family x policy (0 retrieval .. 5 oracle) x traced
BENCHMARK(replay_case)->ArgsProduct({{0, 1, 2, 3}, {0, 4, 5, 6}, {0, 1}})->Unit(benchmark::kMicrosecond);
BENCHMARK(read_case)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
