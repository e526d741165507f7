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

#include <fmt/core.h>

#include "clawvm/workload.hpp"
#include "synthetic_session.hpp"

namespace {

using namespace clawvm;

constexpr std::size_t warmup_turns = 64;  // as bench::start_session

bool parse_count(const char* text, std::uint64_t& out) {
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

void append_turn(workload& w, const bench::session_script& sc, std::size_t t) {
  const bench::turn_script& turn = sc.turns[t % bench::script_turns];
  for (std::size_t d = 0; d < turn.demand_count; ++d) {
    w.events.push_back(workload_events::demand{sc.ids[turn.demands[d].page], turn.demands[d].wanted});
  }
  const bench::tool_call& call = sc.tools[turn.tool];
  w.events.push_back(workload_events::tool_call{call.tool, call.arguments_json, call.result});
  w.events.push_back(workload_events::turn_end{});
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t pages = 0;
  std::uint64_t turns = 200;
  std::uint64_t seed = bench::default_seed;
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

  const bench::session_script sc = bench::make_script(pages, seed);
  workload w;
  w.events.push_back(workload_events::session_start{"bench"});
  std::uint64_t setup_turns = 0;
  const std::size_t turn_every = std::max<std::size_t>(8, sc.setup.size() / 64);
  for (std::size_t i = 0; i < sc.setup.size(); ++i) {
    const auto [is_tool, k] = sc.setup[i];
    if (is_tool) {
      const bench::tool_call& call = sc.tools[k];
      w.events.push_back(workload_events::tool_call{call.tool, call.arguments_json, call.result});
    } else {
      w.events.push_back(workload_events::ingest{sc.specs[k]});
    }
    if ((i + 1) % turn_every == 0) {
      w.events.push_back(workload_events::turn_end{});
      ++setup_turns;
    }
  }
  w.events.push_back(workload_events::turn_end{});
  ++setup_turns;
  for (std::size_t t = 0; t < warmup_turns; ++t) append_turn(w, sc, t);
  setup_turns += warmup_turns;
  for (std::size_t t = 0; t < turns; ++t) append_turn(w, sc, warmup_turns + t);

  w.header.name = fmt::format("synthetic-{}", pages);
  w.header.family = "bench";
  w.header.seed = seed;
  w.header.generator = "bench/synthetic_session.hpp";
  w.header.description = fmt::format("setup_turns={} timed_turns={}", setup_turns, turns);
  std::ofstream out(out_path, std::ios::binary);
  write_workload(out, w);
  out.close();
  if (!out) {
    std::fprintf(stderr, "clawvm_write_session: cannot write %s\n", out_path);
    return 1;
  }
  std::printf("setup_turns=%llu timed_turns=%llu\n", static_cast<unsigned long long>(setup_turns),
              static_cast<unsigned long long>(turns));
  return 0;
}
