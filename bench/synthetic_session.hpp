#pragma once
// Deterministic synthetic sessions for the benchmarks (bench/engine_turn_bench.cpp) and the
// per-page state report (bench/page_state_size.cpp). Everything is drawn from one seeded
// std::mt19937_64, so a (pages, seed) pair always gives the same pages, the same tool calls
// and the same turn script, byte for byte.
//
// Session shape (docs/performance.md, "Workload"):
//   * 2 bootstrap + 3 constraint pages, hard-pinned (the floor set: ~110 tokens);
//   * 1 plan per 2 000 pages (at least 1);
//   * 5 % preferences;
//   * the rest split ~45 : 55 between evidence (created through on_tool_call, soft-pinned,
//     base utility 5, recompute 8 / 12 / 6 by tool as in the artifact's transcript
//     converter) and conversation spans;
//   * a token ladder on every page along its type's chain (pointer < structured <
//     compressed < full), e.g. evidence full 80-480 tokens, pointer 3-7.
// A turn: 2-3 demands (half of them on recently used pages), one tool call that repeats
// an earlier signature (30 % a recent one, whose result is usually still resident: a
// duplicate-signature alert; 70 % an old one, usually evicted: a duplicate-tool re-run that
// rebuilds the page), then assembly and end of turn.
//
// Representation content is filler of ~4 bytes per token, capped at 128 bytes: the engine
// never reads content during a turn (selection is table lookups on token counts), so the
// cap only bounds the memory of the 100 000-page sessions.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "clawvm/durable_store.hpp"
#include "clawvm/engine.hpp"
#include "clawvm/page.hpp"
#include "clawvm/page_traits.hpp"
#include "clawvm/policy.hpp"

namespace clawvm::bench {

inline constexpr std::uint64_t default_seed = 0x5eed'c1a3'0b3eULL;
inline constexpr std::size_t script_turns = 1024;  // the turn script cycles after this
inline constexpr std::size_t content_bytes_max = 128;

struct tool_call {
  std::string tool;
  std::string arguments_json;
  page_spec result;
};

struct demand_ref {
  std::size_t page = 0;  // index into session_script::ids
  level wanted = level::full;
};

struct turn_script {
  std::array<demand_ref, 3> demands{};
  std::size_t demand_count = 0;
  std::size_t tool = 0;  // index into session_script::tools (always a repeated signature)
};

struct session_script {
  // Setup, in ingest order: each entry is a page spec (on_ingest) or a tool call.
  std::vector<page_spec> specs;
  std::vector<tool_call> tools;
  std::vector<std::pair<bool, std::size_t>> setup;  // (is_tool, index)
  std::vector<std::string> ids;                      // every page id, ingest order
  std::vector<turn_script> turns;
  // Oracle only: demands per page id in the next 3 turns, for each turn of the script.
  std::vector<std::vector<std::pair<std::string, std::uint32_t>>> lookahead;
};

namespace detail {

inline std::uint32_t uniform_u32(std::mt19937_64& rng, std::uint32_t lo, std::uint32_t hi) {
  return std::uniform_int_distribution<std::uint32_t>{lo, hi}(rng);
}
inline std::size_t uniform_index(std::mt19937_64& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>{0, n - 1}(rng);
}
inline bool chance(std::mt19937_64& rng, double p) {
  return std::uniform_real_distribution<double>{0.0, 1.0}(rng) < p;
}

inline std::string numbered(const char* prefix, std::size_t i, std::size_t width) {
  std::string digits = std::to_string(i);
  std::string out = prefix;
  if (digits.size() < width) out.append(width - digits.size(), '0');
  return out + digits;
}

// A representation ladder along t's chain: `full` tokens at the top, each step down
// divided by `ratio` (at least one token less than the step above), the floor at least 2.
inline void ladder(page_spec& s, page_type t, std::uint32_t full, std::uint32_t ratio,
                   std::uint32_t pointer_tokens) {
  const chain& c = chain_of(t);
  std::uint32_t tokens = full;
  for (std::uint8_t i = 0; i < c.length; ++i) {
    const level l = c.levels[i];
    std::uint32_t here = tokens;
    if (l == level::pointer) here = std::min(pointer_tokens, tokens);
    const std::size_t bytes = std::min<std::size_t>(std::size_t{here} * 4U, content_bytes_max);
    std::string content(to_string(l));
    content += ':';
    content += s.id;
    content.resize(std::max(bytes, content.size()), '.');
    s.representations[index_of(l)] = representation{std::move(content), here};
    const std::uint32_t next = tokens / ratio;
    tokens = std::max<std::uint32_t>(2U, std::min(next, here - 1U));
  }
}

inline const char* const tool_names[] = {"read_file", "run_command", "edit_file", "search_code"};
inline constexpr std::array<double, 4> tool_recompute{8.0, 8.0, 12.0, 6.0};

}  // namespace detail

// Builds the session and turn script for `pages` pages. Deterministic in (pages, seed).
inline session_script make_script(std::size_t pages, std::uint64_t seed = default_seed) {
  using detail::chance;
  using detail::uniform_index;
  using detail::uniform_u32;
  std::mt19937_64 rng{seed};
  session_script s;

  const std::size_t bootstraps = 2;
  const std::size_t constraints = 3;
  const std::size_t plans = std::max<std::size_t>(1, pages / 2000);
  const std::size_t preferences = std::max<std::size_t>(3, pages / 20);
  const std::size_t fixed = bootstraps + constraints + plans + preferences;
  const std::size_t rest = pages > fixed ? pages - fixed : 0;

  auto add_spec = [&](page_spec spec) {
    s.ids.push_back(spec.id);
    s.setup.emplace_back(false, s.specs.size());
    s.specs.push_back(std::move(spec));
  };

  for (std::size_t i = 0; i < bootstraps; ++i) {
    page_spec p;
    p.id = detail::numbered("bootstrap/", i, 1);
    p.type_name = "bootstrap";
    p.base_utility = 9.0;
    p.recompute_cost = 10.0;
    p.provenance = "system";
    detail::ladder(p, page_type::bootstrap, uniform_u32(rng, 90, 140), 4, 0);
    add_spec(std::move(p));
  }
  for (std::size_t i = 0; i < constraints; ++i) {
    page_spec p;
    p.id = detail::numbered("constraint/", i, 1);
    p.type_name = "constraint";
    p.base_utility = 7.0;
    p.recompute_cost = 6.0;
    p.provenance = "requirements.md";
    detail::ladder(p, page_type::constraint, uniform_u32(rng, 48, 80), 4, 0);
    add_spec(std::move(p));
  }
  for (std::size_t i = 0; i < plans; ++i) {
    page_spec p;
    p.id = detail::numbered("plan/", i, 3);
    p.type_name = "plan";
    p.base_utility = 6.0;
    p.recompute_cost = 5.0;
    p.provenance = "turn:0";
    detail::ladder(p, page_type::plan, uniform_u32(rng, 150, 300), 4, uniform_u32(rng, 4, 6));
    add_spec(std::move(p));
  }
  for (std::size_t i = 0; i < preferences; ++i) {
    page_spec p;
    p.id = detail::numbered("preference/", i, 5);
    p.type_name = "preference";
    p.base_utility = 4.0;
    p.recompute_cost = 3.0;
    p.provenance = "user";
    detail::ladder(p, page_type::preference, uniform_u32(rng, 30, 60), 2, uniform_u32(rng, 3, 4));
    add_spec(std::move(p));
  }
  // Evidence and conversation, interleaved as a transcript would be.
  std::size_t evidence = 0;
  std::size_t conversation = 0;
  for (std::size_t i = 0; i < rest; ++i) {
    if (chance(rng, 0.45)) {
      const std::size_t k = uniform_index(rng, std::size(detail::tool_names));
      tool_call call;
      call.tool = detail::tool_names[k];
      call.arguments_json = "{\"path\": \"src/module_" + std::to_string(evidence / 7) +
                            "/file_" + std::to_string(evidence) + ".cpp\", \"limit\": " +
                            std::to_string(uniform_u32(rng, 50, 400)) + "}";
      page_spec& p = call.result;
      p.id = detail::numbered("evidence/call-", evidence, 7);
      p.type_name = "evidence";
      p.pin = pin_class::soft;
      p.base_utility = 5.0;
      p.recompute_cost = detail::tool_recompute[k];
      p.provenance = detail::numbered("toolu_", evidence, 9);
      detail::ladder(p, page_type::evidence, uniform_u32(rng, 80, 480), 3, uniform_u32(rng, 3, 7));
      ++evidence;
      s.ids.push_back(p.id);
      s.setup.emplace_back(true, s.tools.size());
      s.tools.push_back(std::move(call));
    } else {
      page_spec p;
      p.id = detail::numbered("conversation/span-", conversation, 7);
      p.type_name = "conversation";
      p.base_utility = static_cast<double>(uniform_u32(rng, 1, 3));
      p.recompute_cost = static_cast<double>(uniform_u32(rng, 1, 2));
      p.provenance = detail::numbered("transcript:", conversation, 7);
      detail::ladder(p, page_type::conversation, uniform_u32(rng, 60, 400), 3, uniform_u32(rng, 3, 5));
      ++conversation;
      add_spec(std::move(p));
    }
  }
  if (s.tools.empty()) {
    throw std::logic_error("make_script: a session needs at least one tool call");
  }

  // The turn script: demands mix a small working set (recently used pages), the plan and
  // preferences, and uniform picks over the whole session.
  const std::size_t first_core = bootstraps;                 // constraints, plans, preferences
  const std::size_t core = constraints + plans + preferences;
  std::vector<std::size_t> recent;                            // recently used page indices
  std::vector<std::size_t> recent_tools;
  auto touch = [&](std::vector<std::size_t>& ring, std::size_t v, std::size_t cap) {
    ring.push_back(v);
    if (ring.size() > cap) ring.erase(ring.begin());
  };
  auto wanted_for = [&](std::size_t pg) {
    const std::string& id = s.ids[pg];
    if (id.starts_with("evidence/")) return chance(rng, 0.6) ? level::full : level::compressed;
    if (id.starts_with("conversation/")) return chance(rng, 0.5) ? level::structured : level::compressed;
    if (id.starts_with("plan/")) return chance(rng, 0.5) ? level::full : level::structured;
    if (id.starts_with("preference/")) return level::structured;
    return chance(rng, 0.2) ? level::full : level::structured;
  };
  // Tool result page index by tool index.
  std::vector<std::size_t> tool_page(s.tools.size());
  for (std::size_t i = 0, t = 0; i < s.setup.size(); ++i) {
    if (s.setup[i].first) tool_page[t++] = i;
  }

  s.turns.resize(script_turns);
  for (auto& turn : s.turns) {
    turn.demand_count = chance(rng, 0.5) ? 2 : 3;
    for (std::size_t d = 0; d < turn.demand_count; ++d) {
      std::size_t pg = 0;
      const double r = std::uniform_real_distribution<double>{0.0, 1.0}(rng);
      if (r < 0.5 && !recent.empty()) {
        pg = recent[uniform_index(rng, recent.size())];
      } else if (r < 0.7) {
        pg = first_core + uniform_index(rng, core);
      } else {
        pg = uniform_index(rng, s.ids.size());
      }
      turn.demands[d] = {pg, wanted_for(pg)};
      touch(recent, pg, 12);
    }
    if (chance(rng, 0.3) && !recent_tools.empty()) {
      turn.tool = recent_tools[uniform_index(rng, recent_tools.size())];
    } else {
      turn.tool = uniform_index(rng, s.tools.size());
    }
    touch(recent_tools, turn.tool, 8);
    touch(recent, tool_page[turn.tool], 12);
  }

  s.lookahead.resize(script_turns);
  for (std::size_t t = 0; t < script_turns; ++t) {
    std::vector<std::pair<std::string, std::uint32_t>> ahead;
    for (std::size_t h = 1; h <= 3; ++h) {
      const turn_script& next = s.turns[(t + h) % script_turns];
      for (std::size_t d = 0; d < next.demand_count; ++d) ahead.emplace_back(s.ids[next.demands[d].page], 1U);
      ahead.emplace_back(s.tools[next.tool].result.id, 1U);
    }
    s.lookahead[t] = std::move(ahead);
  }
  return s;
}

// A live session: committed state (in memory, no trace sink) and the engine over it.
struct live_session {
  const session_script* script = nullptr;
  memory_store state;
  std::unique_ptr<engine> eng;
  std::size_t next_turn = 0;
  bool oracle = false;
};

// Plays one scripted turn: demands, one tool call, assembly, end of turn.
inline const selection& play_turn(live_session& s, bool with_tool = true) {
  const session_script& sc = *s.script;
  const std::size_t t = s.next_turn++ % script_turns;
  const turn_script& turn = sc.turns[t];
  engine& e = *s.eng;
  if (s.oracle) e.set_lookahead(sc.lookahead[t]);
  for (std::size_t d = 0; d < turn.demand_count; ++d) {
    e.on_demand(sc.ids[turn.demands[d].page], turn.demands[d].wanted);
  }
  if (with_tool) {
    const tool_call& call = sc.tools[turn.tool];
    e.on_tool_call(call.tool, call.arguments_json, call.result);
  }
  const selection& sel = e.on_assemble();
  e.on_post_model();
  return sel;
}

// Ingests the whole session (tool results through on_tool_call), ending a turn every
// ~1/64 of the session so recency has decayed realistically, then plays `warmup` turns.
inline std::unique_ptr<live_session> start_session(const session_script& sc, std::uint32_t budget,
                                                   engine_policy policy, std::size_t warmup = 64) {
  auto s = std::make_unique<live_session>();
  s->script = &sc;
  s->oracle = policy.selector.upgrades == upgrade_mode::oracle;
  engine_config cfg;
  cfg.policy = std::move(policy);
  cfg.tokens_budget = budget;
  s->eng = std::make_unique<engine>(std::move(cfg), s->state, nullptr);
  engine& e = *s->eng;
  e.on_session_start("bench");
  const std::size_t turn_every = std::max<std::size_t>(8, sc.setup.size() / 64);
  for (std::size_t i = 0; i < sc.setup.size(); ++i) {
    const auto [is_tool, k] = sc.setup[i];
    if (is_tool) {
      const tool_call& call = sc.tools[k];
      e.on_tool_call(call.tool, call.arguments_json, call.result);
    } else {
      e.on_ingest(sc.specs[k]);
    }
    if ((i + 1) % turn_every == 0) {
      e.on_assemble();
      e.on_post_model();
    }
  }
  e.on_assemble();
  e.on_post_model();
  for (std::size_t i = 0; i < warmup; ++i) play_turn(*s);
  return s;
}

}  // namespace clawvm::bench
