// Google Benchmark of the start of the `clawvm` program (docs/performance.md, "CLI start"):
// `clawvm --version` spawned and waited for, beside `/bin/true` spawned the same way, so
// the difference is what clawvm's own start costs (dynamic linking, static initialisers,
// building the command line) on top of any process start. A CI campaign makes thousands
// of CLI calls; short replays are dominated by it.
//
//   <build>/bench/clawvm_cli_start_bench --benchmark_min_time=1 --benchmark_repetitions=5
// CLAWVM_BIN overrides the compiled-in path. Timings are never asserted.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <benchmark/benchmark.h>

#ifndef CLAWVM_BIN_PATH
#error "CLAWVM_BIN_PATH must name the clawvm program"
#endif

extern char** environ;

namespace {

void spawn_and_wait(const std::string& program, const char* arg) {
  const char* argv[] = {program.c_str(), arg, nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", 1 /* O_WRONLY */, 0);
  pid_t pid = 0;
  // posix_spawn takes char* const argv[] for historical reasons; it does not write them.
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(program + " failed");
}

std::string clawvm_program() {
  const char* bin = std::getenv("CLAWVM_BIN");
  return bin != nullptr ? bin : CLAWVM_BIN_PATH;
}

void start(benchmark::State& st, bool clawvm) {
  const std::string program = clawvm ? clawvm_program() : std::string("/bin/true");
  for (auto _ : st) spawn_and_wait(program, clawvm ? "--version" : nullptr);
}

}  // namespace

BENCHMARK_CAPTURE(start, bin_true, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(start, clawvm_version, true)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
