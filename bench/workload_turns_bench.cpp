// Google Benchmark of the timed turns of a workload written by clawvm_write_session: each
// iteration builds a fresh engine (memory store), applies the setup (untimed: every event
// up to and including the setup_turns-th turn_end), then times the rest through
// apply_event. bench/inprocess-compare.sh sets it beside the Python engine's
// bench/python_workload_turns.py on the same file.
//
//   clawvm_workload_turns_bench --workload=FILE --budget=B [--policy=clawvm] [--iterations=N] [benchmark flags]
//
// Counters: turns (timed turn_end events), per_turn (seconds), faults_total (after the whole
// workload, the same in every iteration: a cross-check against the other engine).
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "clawvm/apply_event.hpp"
#include "clawvm/durable_store.hpp"
#include "clawvm/engine.hpp"
#include "clawvm/policy.hpp"
#include "clawvm/workload.hpp"

namespace {

using namespace clawvm;

struct options {
  std::string workload_path;
  std::uint32_t budget = 500;
  std::string policy = "clawvm";
  // 0: Google Benchmark picks the iteration count from --benchmark_min_time. A large
  // session's untimed setup (every page ingested again per iteration) dwarfs its timed
  // turns, so bench/inprocess-compare.sh fixes a few iterations there instead.
  std::uint64_t iterations = 0;
};

std::uint64_t setup_turns_of(const workload& w) {
  const auto at = w.header.description.find("setup_turns=");
  if (at == std::string::npos) return 0;
  return std::stoull(w.header.description.substr(at + 12));
}

void bm_workload_turns(benchmark::State& st, const workload& w, std::size_t first_timed, std::uint32_t budget,
                       const engine_policy& policy) {
  std::uint64_t timed_turns = 0;
  std::uint64_t faults_total = 0;
  for (auto _ : st) {
    st.PauseTiming();
    memory_store store;
    engine_config cfg;
    cfg.policy = policy;
    cfg.tokens_budget = budget;
    auto e = std::make_unique<engine>(cfg, store, nullptr);
    for (std::size_t i = 0; i < first_timed; ++i) apply_event(*e, w.events[i]);
    timed_turns = 0;
    st.ResumeTiming();
    for (std::size_t i = first_timed; i < w.events.size(); ++i) {
      const event_outcome o = apply_event(*e, w.events[i]);
      benchmark::DoNotOptimize(o);
      timed_turns += std::holds_alternative<workload_events::turn_end>(w.events[i]) ? 1U : 0U;
    }
    st.PauseTiming();
    faults_total = e->counters().total_faults();
    e.reset();
    st.ResumeTiming();
  }
  st.counters["turns"] = static_cast<double>(timed_turns);
  // Seconds per timed turn (an inverted rate over every iteration's turns).
  st.counters["per_turn"] = benchmark::Counter(static_cast<double>(timed_turns) * static_cast<double>(st.iterations()),
                                               benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  st.counters["faults_total"] = static_cast<double>(faults_total);
}

// A whole decimal number in [1, max], or nothing ("-1", "5x" and "" are not counts).
std::optional<std::uint64_t> positive_count(std::string_view text, std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > max) return std::nullopt;
  return value;
}

int usage_error(const char* flag, const std::string& arg) {
  std::fprintf(stderr, "clawvm_workload_turns_bench: %s takes a whole number from 1 up: %s\n", flag, arg.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--workload=", 0) == 0) {
      o.workload_path = arg.substr(11);
    } else if (arg.rfind("--budget=", 0) == 0) {
      const auto budget = positive_count(arg.substr(9), UINT32_MAX);
      if (!budget) return usage_error("--budget", arg);
      o.budget = static_cast<std::uint32_t>(*budget);
    } else if (arg.rfind("--policy=", 0) == 0) {
      o.policy = arg.substr(9);
    } else if (arg.rfind("--iterations=", 0) == 0) {
      const auto iterations = positive_count(arg.substr(13), 1'000'000'000);
      if (!iterations) return usage_error("--iterations", arg);
      o.iterations = *iterations;
    } else {
      std::fprintf(stderr, "clawvm_workload_turns_bench: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  if (o.workload_path.empty()) {
    std::fputs("usage: clawvm_workload_turns_bench --workload=FILE --budget=B [--policy=NAME] [--iterations=N] "
               "[benchmark flags]\n",
               stderr);
    return 2;
  }
  std::ifstream in(o.workload_path, std::ios::binary);
  auto read = read_workload(in, o.workload_path);
  if (auto* error = std::get_if<workload_error>(&read)) {
    std::fprintf(stderr, "%s\n", error->to_string().c_str());
    return 2;
  }
  static const workload w = std::get<workload>(std::move(read));
  const auto policy = policy_named(o.policy);
  if (!policy) {
    std::fprintf(stderr, "clawvm_workload_turns_bench: unknown policy %s\n", o.policy.c_str());
    return 2;
  }
  // The index of the first timed event: just after the setup_turns-th turn_end.
  const std::uint64_t setup_turns = setup_turns_of(w);
  std::size_t first_timed = 0;
  for (std::uint64_t seen = 0; first_timed < w.events.size() && seen < setup_turns; ++first_timed) {
    seen += std::holds_alternative<workload_events::turn_end>(w.events[first_timed]) ? 1U : 0U;
  }
  static const engine_policy chosen = *policy;
  auto* registered = benchmark::RegisterBenchmark(w.header.name.c_str(), bm_workload_turns, std::cref(w), first_timed,
                                                  o.budget, std::cref(chosen));
  registered->Unit(benchmark::kMillisecond)->UseRealTime();
  if (o.iterations > 0) registered->Iterations(static_cast<benchmark::IterationCount>(o.iterations));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
