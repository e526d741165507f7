// Google Benchmark of a turn through the sidecar (docs/performance.md, "Sidecar turn"):
// the cost a harness in Python, TypeScript or Go pays per turn, since it reaches clawvm
// only through `clawvm serve` (spec/sidecar.md).
//
// The session is the synthetic one of the engine benchmark (bench/synthetic_session.hpp,
// seed default_seed) rendered as sidecar requests: session_start, every page ingested (or
// produced by its tool call), then turns of three `demand` requests and a `turn_end`
// (the demands of the turn script, taken three at a time), budget 500, policy clawvm.
//
//   in_process/...   sidecar::handle on the request lines, no process boundary: the cost
//                    of parsing, the engine and the response JSON;
//   lockstep/...     a `clawvm serve --store :memory:` child; every request is written and
//                    its response read before the next (what a simple client does). The
//                    per-turn p50 / p99 are counters, in microseconds;
//   pipelined/...    the same requests written by one thread while another reads the
//                    responses: requests per second.
// Each has a `legacy` variant (three demand requests + turn_end: four round trips) and a
// `turn` variant (one turn_end request that carries its demands, SC-3: one round trip).
//
// Run (release build):
//   cmake --build <build> --target clawvm_sidecar_bench clawvm_cli
//   <build>/bench/clawvm_sidecar_bench --benchmark_min_time=1
// The path of the `clawvm` program is compiled in; CLAWVM_BIN overrides it, and
// CLAWVM_SIDECAR_CMD replaces the whole command (another implementation of the protocol;
// bench/sidecar-compare.sh sets clawvm beside the conformance kit's Python engine).
// Timings are never asserted: the ctest `bench-smoke.sidecar` only proves the binary runs.

#include <fcntl.h>
#include <sched.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "clawvm/durable_store.hpp"
#include "clawvm/sidecar.hpp"
#include "clawvm/workload.hpp"
#include "percentile.hpp"
#include "synthetic_session.hpp"

#ifndef CLAWVM_BIN_PATH
#error "CLAWVM_BIN_PATH must name the clawvm program"
#endif

namespace {

constexpr std::size_t session_pages = 100;
constexpr std::uint32_t budget_tokens = 500;
constexpr std::size_t demands_per_turn = 3;
constexpr std::size_t turn_count = 512;  // the turn lines cycle after this

// The session as request lines (without "\n").
struct request_script {
  std::vector<std::string> setup;
  std::vector<std::vector<std::string>> legacy_turns;  // three demands, then turn_end
  std::vector<std::string> turns;                      // turn_end carrying the demands
};

// A request line: the event's workload line without its "\n".
std::string request_line(const clawvm::workload_event& e) {
  std::string line = clawvm::to_json_line(e);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

const request_script& script() {
  static const request_script s = [] {
    const clawvm::bench::session_script sc = clawvm::bench::make_script(session_pages);
    request_script r;
    r.setup.push_back(request_line(clawvm::workload_event{clawvm::workload_events::session_start{"bench"}}));
    for (const auto& [is_tool, index] : sc.setup) {
      if (is_tool) {
        const auto& t = sc.tools[index];
        r.setup.push_back(request_line(
            clawvm::workload_event{clawvm::workload_events::tool_call{t.tool, t.arguments_json, t.result}}));
      } else {
        r.setup.push_back(request_line(clawvm::workload_event{clawvm::workload_events::ingest{sc.specs[index]}}));
      }
    }
    r.setup.push_back(request_line(clawvm::workload_event{clawvm::workload_events::turn_end{}}));
    std::vector<clawvm::bench::demand_ref> all;
    for (const auto& t : sc.turns)
      for (std::size_t d = 0; d < t.demand_count; ++d) all.push_back(t.demands[d]);
    const std::string turn_end = request_line(clawvm::workload_event{clawvm::workload_events::turn_end{}});
    for (std::size_t k = 0; k < turn_count; ++k) {
      std::vector<std::string> legacy;
      std::string demands;
      for (std::size_t d = 0; d < demands_per_turn; ++d) {
        const auto& ref = all[(k * demands_per_turn + d) % all.size()];
        legacy.push_back(request_line(clawvm::workload_event{clawvm::workload_events::demand{sc.ids[ref.page], ref.wanted}}));
        if (!demands.empty()) demands += ',';
        demands += R"({"page":")" + sc.ids[ref.page] + R"(","level":")" +
                   std::string(clawvm::to_string(ref.wanted)) + R"("})";
      }
      legacy.push_back(turn_end);
      r.legacy_turns.push_back(std::move(legacy));
      r.turns.push_back(R"({"event":"turn_end","demands":[)" + demands + "]}");
    }
    return r;
  }();
  return s;
}

// ---- in process -------------------------------------------------------------------------

struct in_process_session {
  clawvm::memory_store state;
  std::unique_ptr<clawvm::sidecar> car;
  std::uint64_t line = 0;
  in_process_session() {
    clawvm::sidecar_options o;
    o.engine.policy = clawvm::policy_clawvm();
    o.engine.tokens_budget = budget_tokens;
    car = std::make_unique<clawvm::sidecar>(o, state);
    for (const auto& l : script().setup) check(car->handle(l, ++line));
  }
  static void check(const std::string& response) {
    if (response.find(R"("ok":true)") == std::string::npos)
      throw std::runtime_error("sidecar refused a benchmark request: " + response);
  }
};

void in_process(benchmark::State& st, bool one_request) {
  in_process_session s;
  std::size_t k = 0;
  for (auto _ : st) {
    const std::size_t i = k++ % turn_count;
    if (one_request) {
      benchmark::DoNotOptimize(s.car->handle(script().turns[i], ++s.line));
    } else {
      for (const auto& l : script().legacy_turns[i]) benchmark::DoNotOptimize(s.car->handle(l, ++s.line));
    }
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

// ---- a `clawvm serve` child ---------------------------------------------------------------

// The command that starts the sidecar under test: CLAWVM_SIDECAR_CMD (run by /bin/sh, any
// implementation of the protocol, started with budget 500 and policy clawvm), else this
// build's `clawvm serve`.
std::string sidecar_command() {
  if (const char* cmd = std::getenv("CLAWVM_SIDECAR_CMD"); cmd != nullptr && *cmd != '\0') return cmd;
  const char* bin = std::getenv("CLAWVM_BIN");
  return std::string("'") + (bin != nullptr ? bin : CLAWVM_BIN_PATH) + "' serve --store :memory: --budget " +
         std::to_string(budget_tokens);
}

// Pins the calling thread (and so a child forked from it) to CPU 0; restores the affinity
// it had before.
void pin_to_one_cpu(bool pin) {
  static cpu_set_t before;
  if (pin) {
    sched_getaffinity(0, sizeof before, &before);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0U, &one);
    sched_setaffinity(0, sizeof one, &one);
  } else {
    sched_setaffinity(0, sizeof before, &before);
  }
}

class serve_child {
 public:
  explicit serve_child(bool pinned = false) : pinned_(pinned) {
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    const std::string command = sidecar_command();
    if (pinned_) pin_to_one_cpu(true);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      const int devnull = open("/dev/null", O_WRONLY);
      if (devnull >= 0) dup2(devnull, 2);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = to_child[1];
    out_ = from_child[0];
    send(R"({"op":"hello","protocol":1})");
    const std::string hello = receive();
    turn_demands_ = hello.find(R"("turn_demands")") != std::string::npos;
    for (const auto& l : script().setup) {
      send(l);
      in_process_session::check(receive());
    }
  }
  serve_child(const serve_child&) = delete;
  serve_child& operator=(const serve_child&) = delete;
  ~serve_child() {
    close(in_);  // end of input: the sidecar exits 0
    close(out_);
    int status = 0;
    waitpid(pid_, &status, 0);
    if (pinned_) pin_to_one_cpu(false);
  }
  // hello's capabilities.features has turn_demands (SC-3.1).
  bool accepts_turn_demands() const { return turn_demands_; }

  void send(const std::string& line) const {
    std::string buf = line;
    buf += '\n';
    write_all(buf);
  }
  void write_all(const std::string& buf) const {
    std::size_t off = 0;
    while (off < buf.size()) {
      const ssize_t n = write(in_, buf.data() + off, buf.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error("write to clawvm serve failed");
      off += static_cast<std::size_t>(n);
    }
  }
  // One response line (without "\n").
  std::string receive() {
    for (;;) {
      const auto nl = pending_.find('\n', scanned_);
      if (nl != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        scanned_ = 0;
        return line;
      }
      scanned_ = pending_.size();
      char buf[65536];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error("clawvm serve closed its output (is CLAWVM_BIN a clawvm program?)");
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  bool pinned_ = false;
  bool turn_demands_ = false;
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  std::string pending_;
  std::size_t scanned_ = 0;
};

using clawvm::bench::percentile;

// pinned: the client and the sidecar share one CPU. On the 2-vCPU VM of docs/performance.md
// a round trip across CPUs pays the wake-up of an idle vCPU (about 60 us) whenever the
// sidecar does a few microseconds of work; on one CPU the client's sleep hands the CPU
// straight to the sidecar.
void lockstep(benchmark::State& st, bool one_request, bool pinned) {
  serve_child child(pinned);
  if (one_request && !child.accepts_turn_demands()) {
    st.SkipWithError("the sidecar does not accept turn demands (SC-3.1)");
    return;
  }
  std::vector<double> turn_us;
  std::size_t k = 0;
  for (auto _ : st) {
    const std::size_t i = k++ % turn_count;
    const auto t0 = std::chrono::steady_clock::now();
    if (one_request) {
      child.send(script().turns[i]);
      benchmark::DoNotOptimize(child.receive());
    } else {
      for (const auto& l : script().legacy_turns[i]) {
        child.send(l);
        benchmark::DoNotOptimize(child.receive());
      }
    }
    turn_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  st.counters["p50_us"] = percentile(turn_us, 0.50);
  st.counters["p99_us"] = percentile(turn_us, 0.99);
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

// Requests per second with the pipe kept full: a writer thread sends `batch` turns while
// this thread reads every response.
void pipelined(benchmark::State& st, bool one_request) {
  serve_child child;
  if (one_request && !child.accepts_turn_demands()) {
    st.SkipWithError("the sidecar does not accept turn demands (SC-3.1)");
    return;
  }
  constexpr std::size_t batch = 256;
  std::int64_t requests = 0;
  for (auto _ : st) {
    std::string text;
    std::size_t lines = 0;
    for (std::size_t i = 0; i < batch; ++i) {
      if (one_request) {
        text += script().turns[i % turn_count];
        text += '\n';
        ++lines;
      } else {
        for (const auto& l : script().legacy_turns[i % turn_count]) {
          text += l;
          text += '\n';
          ++lines;
        }
      }
    }
    std::thread writer([&] { child.write_all(text); });
    for (std::size_t n = 0; n < lines; ++n) benchmark::DoNotOptimize(child.receive());
    writer.join();
    requests += static_cast<std::int64_t>(lines);
  }
  st.SetItemsProcessed(requests);  // items/s = requests per second
}

}  // namespace

BENCHMARK_CAPTURE(in_process, legacy, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(in_process, turn, true)->Unit(benchmark::kMicrosecond);
// Wall-clock time for the child cases: the work is in the other process.
BENCHMARK_CAPTURE(lockstep, legacy, false, false)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(lockstep, turn, true, false)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(lockstep, legacy_pinned, false, true)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(lockstep, turn_pinned, true, true)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(pipelined, legacy, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(pipelined, turn, true)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
