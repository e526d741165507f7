// Deterministic, streaming replay (spec/replay.md RP-1..RP-9).
#include <sstream>

#include <catch2/catch.hpp>

#include "../test_pages.hpp"
#include "fixture_session.hpp"
#include "clawvm/replay.hpp"
#include "clawvm/tool_signature.hpp"
#include "clawvm/trace_validation.hpp"

using namespace clawvm;

namespace {

struct traced_run {
  std::string metrics_json;
  std::vector<std::string> trace;
};

traced_run run(const workload& w, const engine_policy& p, std::uint32_t budget, std::uint32_t h = 3) {
  memory_trace_sink sink;
  replay_options o;
  o.policy = p;
  o.tokens_budget = budget;
  o.lookahead_turns = h;
  o.trace = &sink;
  const auto out = replay(w, o);
  REQUIRE_FALSE(out.error);
  return {to_json(out.metrics).dump(), std::move(sink.lines)};
}

}  // namespace

TEST_CASE("RP-1: the same workload, policy and budget give the same trace and metrics bytes", "[replay]") {
  const workload w = test::small_session(40);
  for (const auto& p : all_policies()) {
    for (std::uint32_t budget : {120U, 300U}) {
      INFO(p.name << " @" << budget);
      const auto a = run(w, p, budget);
      const auto b = run(w, p, budget);
      CHECK(a.metrics_json == b.metrics_json);
      CHECK(a.trace == b.trace);
      // Every trace a replay produces follows the model (DT-6).
      const auto v = validate_trace(a.trace);
      INFO(v.first_divergence.line << ": " << v.first_divergence.message);
      CHECK(v.ok);
    }
  }
}

TEST_CASE("RP-1: replaying the written file equals replaying the workload in memory", "[replay]") {
  const workload w = test::small_session(25);
  std::ostringstream text;
  write_workload(text, w);
  std::istringstream in(text.str());
  replay_options o;
  o.policy = policy_oracle();
  o.tokens_budget = 180;
  const auto from_file = replay_file(in, "w.jsonl", o);
  REQUIRE_FALSE(from_file.error);
  CHECK(to_json(from_file.metrics).dump() == to_json(replay(w, o).metrics).dump());
}

TEST_CASE("RP-5: the oracle with lookahead 0 decides exactly like ClawVM", "[replay][oracle]") {
  const workload w = test::small_session(40);
  auto clawvm_run = run(w, policy_clawvm(), 180);
  auto oracle_h0 = run(w, policy_oracle(), 180, 0);
  // Same decisions: only the policy name differs (session_start line, metrics "policy").
  REQUIRE(clawvm_run.trace.size() == oracle_h0.trace.size());
  for (std::size_t i = 1; i < clawvm_run.trace.size(); ++i) CHECK(clawvm_run.trace[i] == oracle_h0.trace[i]);
}

TEST_CASE("RP-4: replay streams: it reads at most h turns ahead of the turn it assembles", "[replay][streaming]") {
  // The bound does not depend on the length; 1 000 turns keep it quick under ASan (the
  // 4 000-turn import-and-replay test is real_test's).
  constexpr std::uint32_t turns_total = 1000;
  constexpr std::uint32_t h = 3;
  constexpr std::uint32_t events_per_turn = 3;  // tool_call, demand, turn_end
  std::uint64_t pulled = 0;
  std::uint64_t max_ahead_events = 0;
  std::uint64_t turn = 0;
  const workload_pull pull = [&](workload_event& out) {
    const std::uint64_t i = pulled;
    if (i >= std::uint64_t{turns_total} * events_per_turn) return workload_reader::status::end;
    ++pulled;
    const std::uint64_t t = i / events_per_turn;
    switch (i % events_per_turn) {
      case 0: {
        auto r = test::ladder("r" + std::to_string(t), page_type::evidence, 50, 8, 5);
        out = workload_events::tool_call{"read", R"({"n":)" + std::to_string(t) + "}", r};
        break;
      }
      case 1: out = workload_events::demand{"r" + std::to_string(t / 2), level::full}; break;
      default: out = workload_events::turn_end{}; break;
    }
    return workload_reader::status::event;
  };
  // A sink that looks at how far the source has been read whenever a turn is assembled.
  struct probe final : trace_sink {
    std::uint64_t* pulled;
    std::uint64_t* max_ahead;
    std::uint64_t* turn;
    void write_line(std::string_view line) override {
      if (line.find(R"("event":"select")") == std::string_view::npos) return;
      const std::uint64_t consumed_through = (*turn + 1) * events_per_turn;
      if (*pulled > consumed_through) *max_ahead = std::max(*max_ahead, *pulled - consumed_through);
      ++*turn;
    }
  } sink;
  sink.pulled = &pulled;
  sink.max_ahead = &max_ahead_events;
  sink.turn = &turn;
  replay_options o;
  // Any policy: the look-ahead buffer is the same for all (RP-4); ClawVM keeps the test
  // quick under sanitizers (the oracle's ranking costs more per turn).
  o.policy = policy_clawvm();
  o.tokens_budget = 300;
  o.lookahead_turns = h;
  o.trace = &sink;
  workload_header header;
  header.name = "long";
  const auto out = replay(header, pull, o);
  CHECK(out.metrics.turns == turns_total);
  CHECK(turn == turns_total);
  // Never more than h future turns (plus nothing else) buffered.
  CHECK(max_ahead_events <= std::uint64_t{h} * events_per_turn);
  CHECK(max_ahead_events > 0);  // it does look ahead
}

TEST_CASE("RP-8: bad input part-way stops the replay after the last good event", "[replay][bad_input]") {
  std::string text = R"({"clawvm_workload":1,"name":"bad"})" "\n";
  text += R"({"event":"session_start","session":"s"})" "\n";
  text += R"({"event":"turn_end"})" "\n";
  text += R"({"event":"turn_end","oops":true})" "\n";
  text += R"({"event":"turn_end"})" "\n";
  std::istringstream in(text);
  replay_options o;
  const auto out = replay_file(in, "bad.jsonl", o);
  REQUIRE(out.error);
  CHECK(out.error->line == 4);
  CHECK(out.error->field == "oops");
  CHECK(out.metrics.events == 2);
  CHECK(out.metrics.turns == 1);
}

// One hard-pinned bootstrap page and five turns: the same prompt five times (RP-7, RP-10).
workload steady_prompt_workload() {
  workload w;
  w.header.name = "steady-prompt";
  auto boot = test::ladder("boot", page_type::bootstrap, 40, 4, 9);
  boot.pin = pin_class::hard;
  w.events.emplace_back(workload_events::ingest{boot});
  for (int i = 0; i < 5; ++i) w.events.emplace_back(workload_events::turn_end{});
  return w;
}

TEST_CASE("RP-7: prefix stability is 1 for an unchanging prompt and drops when the prompt changes", "[replay]") {
  workload w = steady_prompt_workload();
  replay_options o;
  o.tokens_budget = 500;
  const auto steady = replay(w, o).metrics;
  CHECK(steady.prefix_tokens_assembled > 0);
  CHECK(steady.prefix_stability() == 1.0);
  w.events.emplace_back(workload_events::update{test::ladder("boot", page_type::bootstrap, 41, 4, 9),
                                                update{"boot", "b", journal_op::append, "1", scope::session, "boot", 0}});
  w.events.emplace_back(workload_events::turn_end{});
  const auto changed = replay(w, o).metrics;
  CHECK(changed.prefix_stability() < 1.0);
}

TEST_CASE("RP-10: the prompt cache reads a repeated prompt, writes a new one, and expires", "[replay][RP-10]") {
  workload w = steady_prompt_workload();
  replay_options o;
  o.tokens_budget = 500;
  o.cache.min_cacheable_tokens = 10;
  const auto steady = replay(w, o).metrics;
  // Five identical prompts of T tokens: the first is written, the other four are read.
  const std::uint64_t T = steady.tokens_used_total / 5;
  REQUIRE(T >= 10);
  CHECK(steady.prompt_tokens_total == 5 * T);
  CHECK(steady.cache_write_tokens == T);
  CHECK(steady.cache_read_tokens == 4 * T);
  CHECK(steady.cache_uncached_tokens == 0);
  CHECK(steady.prefix_breaks == 0);
  CHECK(steady.cache_read_share() == Approx(0.8));
  CHECK(steady.relative_cost() == Approx((0.1 * 4 + 1.25) / 5));

  // The page changes: the sixth prompt shares nothing with the cached one (a break), and
  // is written again.
  w.events.emplace_back(workload_events::update{test::ladder("boot", page_type::bootstrap, 41, 4, 9),
                                                update{"boot", "b", journal_op::append, "1", scope::session, "boot", 0}});
  w.events.emplace_back(workload_events::turn_end{});
  const auto changed = replay(w, o).metrics;
  CHECK(changed.prefix_breaks == 1);
  CHECK(changed.cache_read_tokens == 4 * T);
  CHECK(changed.cache_write_tokens == T + (changed.prompt_tokens_total - 5 * T));

  // TTL 0: an entry is never alive at the next turn, so nothing is read.
  o.cache.ttl_turns = 0;
  const auto expired = replay(w, o).metrics;
  CHECK(expired.cache_read_tokens == 0);
  CHECK(expired.prefix_breaks == 0);
  CHECK(expired.relative_cost() == Approx(1.25));

  // Prompts below the minimum are never cached: every token is billed as uncached input.
  o = replay_options{};
  o.tokens_budget = 500;
  const auto small = replay(w, o).metrics;
  CHECK(small.cache_read_tokens == 0);
  CHECK(small.cache_write_tokens == 0);
  CHECK(small.cache_uncached_tokens == small.prompt_tokens_total);
  CHECK(small.cache_read_share() == 0.0);
  CHECK(small.relative_cost() == 1.0);
}

TEST_CASE("RP-5: the oracle counts the demands of exactly the next h turns", "[replay][oracle]") {
  const auto evidence = [](const std::string& id) { return test::ladder(id, page_type::evidence, 60, 8, 5); };
  // The events after the current turn_end: turn t+1, t+2, t+3, t+4.
  std::deque<workload_event> after;
  after.emplace_back(workload_events::demand{"a", level::full});
  after.emplace_back(workload_events::demand{"a", level::pointer});
  after.emplace_back(workload_events::tool_call{"read", R"({"p":1})", evidence("r-new")});   // known signature
  after.emplace_back(workload_events::tool_call{"read", R"({"p":2})", evidence("r-fresh")});  // unknown: own page
  after.emplace_back(workload_events::turn_end{});
  after.emplace_back(workload_events::demand{"b", level::full});
  after.emplace_back(workload_events::lifecycle{boundary::compaction});  // boundaries do not stop the scan
  after.emplace_back(workload_events::turn_end{});
  after.emplace_back(workload_events::demand{"c", level::full});
  after.emplace_back(workload_events::turn_end{});
  after.emplace_back(workload_events::demand{"d", level::full});  // turn t+4: beyond h = 3
  after.emplace_back(workload_events::turn_end{});
  const std::map<std::string, std::string, std::less<>> by_signature{{*canonical_tool_signature("read", R"({"p":1})"), "r-old"}};
  using counts = std::vector<std::pair<std::string, std::uint32_t>>;
  CHECK(oracle_future_demands(after, 3, by_signature) == counts{{"a", 2}, {"b", 1}, {"c", 1}, {"r-fresh", 1}, {"r-old", 1}});
  CHECK(oracle_future_demands(after, 1, by_signature) == counts{{"a", 2}, {"r-fresh", 1}, {"r-old", 1}});
  CHECK(oracle_future_demands(after, 0, by_signature).empty());
  CHECK(oracle_future_demands(after, 9, by_signature).size() == 6);  // d too, then the buffer ends
}
