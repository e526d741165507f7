#pragma once
// The seeded synthetic session of synthetic_session.hpp as a workload (spec/workload.md):
// what clawvm_write_session writes and what the optimum benchmark reads. The setup (every
// page, tool results through tool_call, a turn_end every ~1/64 of the session, then 64
// warm-up turns: what start_session does) comes first, then `timed_turns` scripted turns
// (2-3 demands, one repeated tool call, turn_end).

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/core.h>

#include "clawvm/workload.hpp"
#include "synthetic_session.hpp"

namespace clawvm::bench {

inline constexpr std::size_t warmup_turns = 64;  // as start_session

// Constructs the variant in place: moving a whole workload_event trips g++ 12's
// -Wmaybe-uninitialized at -O3 (a false positive on std::variant's storage, as in
// src/eval/generators.cpp).
template <class Event>
void emit(workload& w, Event&& e) {
  w.events.emplace_back(std::in_place_type<std::decay_t<Event>>, std::forward<Event>(e));
}

struct session_workload {
  workload w;
  std::uint64_t setup_turns = 0;  // turn_end events before the timed turns
};

inline void append_scripted_turn(workload& w, const session_script& sc, std::size_t t) {
  const turn_script& turn = sc.turns[t % script_turns];
  for (std::size_t d = 0; d < turn.demand_count; ++d) {
    emit(w, workload_events::demand{sc.ids[turn.demands[d].page], turn.demands[d].wanted});
  }
  const tool_call& call = sc.tools[turn.tool];
  emit(w, workload_events::tool_call{call.tool, call.arguments_json, call.result});
  emit(w, workload_events::turn_end{});
}

inline session_workload make_session_workload(std::size_t pages, std::size_t timed_turns,
                                              std::uint64_t seed = default_seed) {
  const session_script sc = make_script(pages, seed);
  session_workload out;
  workload& w = out.w;
  emit(w, workload_events::session_start{"bench"});
  const std::size_t turn_every = std::max<std::size_t>(8, sc.setup.size() / 64);
  for (std::size_t i = 0; i < sc.setup.size(); ++i) {
    const auto [is_tool, k] = sc.setup[i];
    if (is_tool) {
      const tool_call& call = sc.tools[k];
      emit(w, workload_events::tool_call{call.tool, call.arguments_json, call.result});
    } else {
      emit(w, workload_events::ingest{sc.specs[k]});
    }
    if ((i + 1) % turn_every == 0) {
      emit(w, workload_events::turn_end{});
      ++out.setup_turns;
    }
  }
  emit(w, workload_events::turn_end{});
  ++out.setup_turns;
  for (std::size_t t = 0; t < warmup_turns; ++t) append_scripted_turn(w, sc, t);
  out.setup_turns += warmup_turns;
  for (std::size_t t = 0; t < timed_turns; ++t) append_scripted_turn(w, sc, warmup_turns + t);

  w.header.name = fmt::format("synthetic-{}", pages);
  w.header.family = "bench";
  w.header.seed = seed;
  w.header.generator = "bench/synthetic_session.hpp";
  w.header.description = fmt::format("setup_turns={} timed_turns={}", out.setup_turns, timed_turns);
  return out;
}

}  // namespace clawvm::bench
