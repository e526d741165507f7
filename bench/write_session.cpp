// Writes a seeded synthetic session (bench/synthetic_session.hpp) as a workload file
// (spec/workload.md), so that another engine can replay exactly what clawvm's turn
// benchmarks play: bench/inprocess-compare.sh sets clawvm beside the conformance kit's
// Python engine, or any engine that reads workload files, on these files.
//
//   clawvm_write_session --pages N [--turns T] [--seed S] OUT.jsonl
//
// The file is the session's setup (every page ingested, tool results through tool_call,
// a turn_end every ~1/64 of the session so that recency has decayed, then 64 warm-up
// turns: what start_session does) followed by T scripted turns (2-3 demands, one tool
// call that repeats an earlier signature, turn_end). The header's description says how
// many turn_end events are setup ("setup_turns=K") and how many are timed
// ("timed_turns=T"); stdout repeats both as "setup_turns=K timed_turns=T".
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

#include "clawvm/workload.hpp"
#include "session_workload.hpp"

namespace {

bool parse_count(const char* text, std::uint64_t& out) {
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t pages = 0;
  std::uint64_t turns = 200;
  std::uint64_t seed = clawvm::bench::default_seed;
  const char* out_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--pages") == 0 && has_value && parse_count(argv[i + 1], pages)) {
      ++i;
    } else if (std::strcmp(argv[i], "--turns") == 0 && has_value && parse_count(argv[i + 1], turns)) {
      ++i;
    } else if (std::strcmp(argv[i], "--seed") == 0 && has_value && parse_count(argv[i + 1], seed)) {
      ++i;
    } else if (argv[i][0] != '-' && out_path == nullptr) {
      out_path = argv[i];
    } else {
      out_path = nullptr;
      pages = 0;
      break;
    }
  }
  if (pages == 0 || turns == 0 || out_path == nullptr) {
    std::fputs("usage: clawvm_write_session --pages N [--turns T] [--seed S] OUT.jsonl (N, T >= 1)\n", stderr);
    return 2;
  }

  const auto session = clawvm::bench::make_session_workload(pages, turns, seed);
  std::ofstream out(out_path, std::ios::binary);
  clawvm::write_workload(out, session.w);
  out.close();
  if (!out) {
    std::fprintf(stderr, "clawvm_write_session: cannot write %s\n", out_path);
    return 1;
  }
  std::printf("setup_turns=%llu timed_turns=%llu\n", static_cast<unsigned long long>(session.setup_turns),
              static_cast<unsigned long long>(turns));
  return 0;
}
