// Synthetic workload generators: spec/generators.md GEN-1..GEN-13.
#include "clawvm/eval/generators.hpp"

#include <algorithm>
#include <map>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <gsl/assert>

#include "clawvm/splitmix64.hpp"

namespace clawvm::eval {

// ---- GEN-2: the PRNG ----

namespace {
constexpr std::uint64_t rotl(std::uint64_t x, unsigned k) noexcept { return (x << k) | (x >> (64U - k)); }
}  // namespace

prng::prng(std::uint64_t seed) noexcept {
  splitmix64 seeder(seed);
  for (auto& word : s_) word = seeder.next();
}

std::uint64_t prng::next() noexcept {
  const std::uint64_t result = rotl(s_[1] * 5U, 7U) * 9U;
  const std::uint64_t t = s_[1] << 17U;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45U);
  return result;
}

std::uint64_t prng::below(std::uint64_t n) noexcept {
  Expects(n > 0);
  // Rejection: draws in the incomplete last block of size 2^64 mod n are redrawn, so every
  // residue is equally likely (modulo alone would favour the small ones).
  const std::uint64_t threshold = (0U - n) % n;
  for (;;) {
    const std::uint64_t r = next();
    if (r >= threshold) return r % n;
  }
}

std::uint32_t prng::between(std::uint32_t lo, std::uint32_t hi) noexcept {
  Expects(lo <= hi);
  return lo + static_cast<std::uint32_t>(below(std::uint64_t{hi} - lo + 1U));
}

bool prng::chance_percent(std::uint32_t percent) noexcept { return below(100) < percent; }

namespace {

constexpr std::string_view generator_version = "clawvm generate 0.1.0";

// ---- GEN-3: pages ----

// Representations along t's chain with strictly increasing tokens: the floor (pointer when
// the chain has one) gets `pointer_tokens`, structured about a quarter of full (a third on
// the two- and three-level chains), compressed about a half.
page_spec make_page(std::string id, page_type t, std::uint32_t full_tokens, std::uint32_t pointer_tokens,
                    double recompute, double utility, std::string provenance) {
  page_spec s;
  s.id = std::move(id);
  s.type_name = std::string(to_string(t));
  s.provenance = std::move(provenance);
  s.recompute_cost = recompute;
  s.base_utility = utility;
  const chain& c = chain_of(t);
  const bool four_step = c.length == 4;
  std::uint32_t below_tokens = 0;
  for (std::uint8_t i = c.length; i-- > 0;) {
    const level l = c.levels[i];
    std::uint32_t tokens = 0;
    switch (l) {
      case level::pointer: tokens = pointer_tokens; break;
      case level::structured: tokens = four_step ? full_tokens / 4U : full_tokens / 3U; break;
      case level::compressed: tokens = full_tokens / 2U; break;
      case level::full: tokens = full_tokens; break;
      case level::none: break;
    }
    tokens = std::max(tokens, below_tokens + 1U);
    s.representations[index_of(l)] = representation{s.id + "@" + std::string(to_string(l)), tokens};
    below_tokens = tokens;
  }
  return s;
}

std::uint32_t tokens_of(const page_spec& s, level l) {
  const auto& rep = s.representations[index_of(l)];
  return rep ? rep->tokens : 0U;
}

// The level a demand for `wanted` is served at on a page with every chain level present.
level served_level(page_type t, level wanted) {
  level target = std::max(wanted, floor_of(t));
  while (!chain_of(t).contains(target) && target < level::full) {
    target = static_cast<level>(static_cast<std::uint8_t>(target) + 1U);
  }
  return target;
}

// Tools and their arguments (GEN-3). Recompute costs are the artifact's conversion
// defaults (brief §5): 8 for reads and commands, 12 for edits, 6 for anything else.
struct tool_kind {
  std::string_view name;
  double recompute;
};
constexpr std::array<tool_kind, 6> tool_kinds{{{"read_file", 8.0},
                                               {"grep", 8.0},
                                               {"run_tests", 8.0},
                                               {"list_dir", 8.0},
                                               {"edit_file", 12.0},
                                               {"web_search", 6.0}}};
constexpr double evidence_utility = 5.0;

struct evidence_item {
  std::string tool;
  std::vector<std::pair<std::string, std::string>> arguments;  // key, JSON value text
  page_spec result;
  std::uint32_t repeats = 0;
};

// The first call (variant 0) writes the keys in generation order, compact; repeat k writes
// them spaced and rotated by k, so repeated calls are equivalent (same canonical signature,
// FT-3) but never byte-identical to the first.
std::string arguments_text(const evidence_item& item, std::uint32_t variant) {
  const auto& a = item.arguments;
  const std::size_t n = a.size();
  const bool spaced = variant > 0;
  std::string out = spaced ? "{ " : "{";
  for (std::size_t i = 0; i < n; ++i) {
    const auto& [key, value] = a[(i + variant) % n];
    if (i > 0) out += spaced ? ", " : ",";
    out += '"' + key + (spaced ? "\": " : "\":") + value;
  }
  out += spaced ? " }" : "}";
  return out;
}

// What the agent does each turn with its evidence (GEN-4). Percentages are per turn.
struct agent_mix {
  std::uint32_t cited_max = 2;         // working set cited by pointer every turn
  std::uint32_t new_call_percent = 40;
  std::uint32_t cite_new_percent = 70;  // a new result joins the cited working set
  std::uint32_t open_cited_percent = 30;
  std::uint32_t cold_redemand_percent = 10;
  std::uint32_t repeat_cited_percent = 8;
  std::uint32_t repeat_cold_percent = 4;
  std::uint32_t evidence_live_max = 16;  // live evidence pages per session
  std::uint32_t full_tokens_min = 12;
  std::uint32_t full_tokens_max = 30;
};

// preference_drift and project_memory (GEN-7, GEN-8): the same agent between its memory events.
constexpr agent_mix memory_family_mix{.cited_max = 2,
                                      .new_call_percent = 40,
                                      .open_cited_percent = 30,
                                      .cold_redemand_percent = 10,
                                      .repeat_cited_percent = 6,
                                      .repeat_cold_percent = 3,
                                      .evidence_live_max = 10};

class builder {
 public:
  builder(workload_family f, std::uint64_t seed, std::uint32_t turns, bool fit_working_set)
      : rng_(seed), turns_(turns), fit_(fit_working_set) {
    w_.header.family = std::string(to_string(f));
    w_.header.seed = seed;
    w_.header.generator = std::string(generator_version);
    w_.header.name = turns == default_turns(f) ? fmt::format("{}-s{}", to_string(f), seed)
                                               : fmt::format("{}-s{}-t{}", to_string(f), seed, turns);
  }

  prng& rng() noexcept { return rng_; }
  std::uint32_t turn() const noexcept { return turn_; }
  std::uint32_t turns() const noexcept { return turns_; }
  bool done() const noexcept { return turn_ >= turns_; }
  const std::string& session() const noexcept { return session_; }
  void describe(std::string text) { w_.header.description = std::move(text); }
  workload finish() { return std::move(w_); }

  // ---- events ----
  void start_session() {
    ++session_number_;
    session_ = fmt::format("s{}", session_number_);
    emit(workload_events::session_start{session_});
  }

  void ingest(page_spec s) {
    add_live(s);
    emit(workload_events::ingest{std::move(s)});
  }

  bool is_live(const std::string& id) const { return live_.count(id) != 0; }
  const page_spec& spec_of(const std::string& id) const { return live_.at(id).spec; }

  // A demand, if the turn's working set still fits with it (GEN-3); false: not emitted.
  bool demand(const std::string& id, level wanted) {
    if (!fits_with_demand(id, wanted)) return false;
    record_demand(id, wanted);
    emit(workload_events::demand{id, wanted});
    return true;
  }

  // A new tool call whose result is a new evidence page; false when it does not fit.
  bool new_call(std::string_view tool, std::vector<std::pair<std::string, std::string>> arguments,
                std::string result_id, std::uint32_t full_tokens, std::optional<clawvm::scope> result_scope) {
    double recompute = 6.0;
    for (const auto& k : tool_kinds) {
      if (k.name == tool) recompute = k.recompute;
    }
    page_spec result = make_page(std::move(result_id), page_type::evidence, full_tokens, pointer_tokens(),
                                 recompute, evidence_utility, fmt::format("{}#{}", tool, ++calls_));
    // Tool outputs are soft-pinned, as the artifact converted real traces (brief §5).
    result.pin = pin_class::soft;
    result.scope = result_scope;
    if (fit_ && working_set_tokens() + full_tokens > working_set_tokens_max) return false;
    evidence_item item{std::string(tool), std::move(arguments), result, 0};
    workload_events::tool_call call{item.tool, arguments_text(item, 0), result};
    add_live(result);
    demanded_[result.id] = tokens_of(result, level::full);
    evidence_order_.push_back(result.id);
    evidence_.emplace(result.id, std::move(item));
    emit(std::move(call));
    return true;
  }

  // The same call again with equivalent arguments (key order and spacing differ).
  bool repeat_call(const std::string& id) {
    auto it = evidence_.find(id);
    if (it == evidence_.end() || !fits_with_demand(id, level::full)) return false;
    evidence_item& item = it->second;
    ++item.repeats;
    record_demand(id, level::full);
    emit(workload_events::tool_call{item.tool, arguments_text(item, item.repeats), item.result});
    return true;
  }

  void update(page_spec s, clawvm::update change) {
    change.page_id = s.id;
    live_.at(s.id).spec = s;
    emit(workload_events::update{std::move(s), std::move(change)});
  }

  void recall(clawvm::scope s, std::string field, std::optional<reason_code> backend = std::nullopt) {
    emit(workload_events::recall{s, std::move(field), backend});
  }

  void end_turn() {
    emit(workload_events::turn_end{});
    demanded_.clear();
    ++turn_;
  }

  void boundary(clawvm::boundary b) {
    emit(workload_events::lifecycle{b});
    if (!boundary_ends_session(b)) return;
    // Session-scope pages are removed (EN-5); the generator's model of the page table
    // follows, so later events only name pages that exist (any policy: removal depends on
    // scope alone).
    for (auto it = live_.begin(); it != live_.end();) {
      it = it->second.scope == clawvm::scope::session ? live_.erase(it) : std::next(it);
    }
    std::erase_if(evidence_order_, [&](const std::string& id) { return live_.count(id) == 0; });
    std::erase_if(evidence_, [&](const auto& kv) { return live_.count(kv.first) == 0; });
    std::erase_if(cited_, [&](const std::string& id) { return live_.count(id) == 0; });
  }

  // ---- the committed-version model for set_with_version (GEN-3) ----
  // Under a policy that writes back every update (ClawVM), commits of one key happen in
  // the order the updates were made, so the version an update must expect is the number of
  // updates of that key before it.
  std::uint64_t take_version(const std::string& field) { return versions_[field]++; }

  // ---- the agent's evidence behaviour (GEN-4) ----
  void agent_step(const agent_mix& mix, std::optional<clawvm::scope> result_scope = std::nullopt) {
    // Cite the working set: the model's notes reference these results by pointer.
    for (const auto& id : cited_) demand(id, level::pointer);
    if (rng_.chance_percent(mix.new_call_percent) && session_evidence_count() < mix.evidence_live_max) {
      const auto& kind = tool_kinds[rng_.below(tool_kinds.size())];
      const std::uint32_t full = rng_.between(mix.full_tokens_min, mix.full_tokens_max);
      const std::string id = fmt::format("{}:ev:{}", result_scope == clawvm::scope::project ? "proj" : session_,
                                         next_evidence_number_++);
      if (new_call(kind.name, arguments_for(kind.name, next_evidence_number_), id, full, result_scope) &&
          rng_.chance_percent(mix.cite_new_percent)) {
        cite(id, mix.cited_max);
      }
    }
    if (!cited_.empty() && rng_.chance_percent(mix.open_cited_percent)) {
      demand(cited_[rng_.below(cited_.size())], level::full);
    }
    if (rng_.chance_percent(mix.cold_redemand_percent)) {
      if (auto id = pick_cold()) {
        // A cold result comes back into use: read it again and keep citing it.
        if (demand(*id, rng_.chance_percent(50) ? level::full : level::structured)) cite(*id, mix.cited_max);
      }
    }
    if (!cited_.empty() && rng_.chance_percent(mix.repeat_cited_percent)) {
      repeat_call(cited_[rng_.below(cited_.size())]);
    }
    if (rng_.chance_percent(mix.repeat_cold_percent)) {
      if (auto id = pick_cold()) repeat_call(*id);
    }
  }

  void cite(const std::string& id, std::uint32_t cited_max) {
    if (std::find(cited_.begin(), cited_.end(), id) != cited_.end()) return;
    cited_.push_back(id);
    while (cited_.size() > cited_max) cited_.erase(cited_.begin());
  }
  const std::vector<std::string>& cited() const noexcept { return cited_; }
  std::vector<std::string> evidence_ids(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const auto& id : evidence_order_) {
      if (id.rfind(prefix, 0) == 0) out.push_back(id);
    }
    return out;
  }

  std::optional<std::string> pick_cold() {
    std::vector<std::string> cold;
    for (const auto& id : evidence_order_) {
      if (std::find(cited_.begin(), cited_.end(), id) == cited_.end()) cold.push_back(id);
    }
    if (cold.empty()) return std::nullopt;
    return cold[rng_.below(cold.size())];
  }

  std::uint32_t pointer_tokens() { return rng_.between(1, 2); }
  std::uint32_t next_conversation_number() noexcept { return next_conversation_number_++; }

  std::vector<std::pair<std::string, std::string>> arguments_for(std::string_view tool, std::uint32_t n) {
    const std::uint32_t module = rng_.between(1, 60);
    if (tool == "read_file") {
      const std::uint32_t first = rng_.between(1, 400);
      return {{"path", fmt::format("\"src/mod{}.cpp\"", module)},
              {"lines", fmt::format("[{},{}]", first, first + rng_.between(20, 80))}};
    }
    if (tool == "grep") {
      return {{"pattern", fmt::format("\"sym{}\"", n)}, {"path", fmt::format("\"src/mod{}\"", module)},
              {"ignore_case", rng_.chance_percent(50) ? "true" : "false"}};
    }
    if (tool == "run_tests") {
      return {{"suite", fmt::format("\"suite{}\"", module)}, {"filter", fmt::format("\"case{}*\"", n)}};
    }
    if (tool == "list_dir") {
      return {{"path", fmt::format("\"src/dir{}/n{}\"", module, n)}, {"depth", fmt::format("{}", rng_.between(1, 3))}};
    }
    if (tool == "edit_file") {
      return {{"path", fmt::format("\"src/mod{}.cpp\"", module)}, {"patch", fmt::format("{{\"id\":{},\"hunks\":{}}}", n, rng_.between(1, 4))}};
    }
    return {{"query", fmt::format("\"topic {} {}\"", module, n)}, {"max_results", fmt::format("{}", rng_.between(3, 10))}};
  }

 private:
  struct live_page {
    page_spec spec;
    page_type type = page_type::conversation;
    clawvm::scope scope = clawvm::scope::session;
    bool hard = false;
  };

  // Constructs the variant in place: moving a whole workload_event trips g++ 12's
  // -Wmaybe-uninitialized at -O3 (a false positive on std::variant's storage).
  template <class Event>
  void emit(Event&& e) {
    w_.events.emplace_back(std::in_place_type<std::decay_t<Event>>, std::forward<Event>(e));
  }

  void add_live(const page_spec& s) {
    const page_type t = *parse_page_type(s.type_name);
    const page_traits& traits = traits_of(t);
    live_page p;
    p.spec = s;
    p.type = t;
    p.scope = s.scope.value_or(traits.default_scope);
    p.hard = s.pin.value_or(traits.default_pin) == pin_class::hard;
    live_[s.id] = std::move(p);
  }

  std::uint32_t session_evidence_count() const {
    return static_cast<std::uint32_t>(std::count_if(evidence_order_.begin(), evidence_order_.end(), [&](const std::string& id) {
      return live_.at(id).scope == clawvm::scope::session;
    }));
  }

  // GEN-3: hard floors + demanded levels + a pointer for every other live page.
  std::uint32_t working_set_tokens() const {
    std::uint32_t sum = 0;
    for (const auto& [id, p] : live_) {
      if (auto d = demanded_.find(id); d != demanded_.end()) {
        sum += d->second;
      } else {
        sum += tokens_of(p.spec, p.hard ? floor_of(p.type) : level::pointer);
      }
    }
    return sum;
  }

  std::uint32_t demand_tokens(const std::string& id, level wanted) const {
    const live_page& p = live_.at(id);
    return tokens_of(p.spec, served_level(p.type, wanted));
  }

  bool fits_with_demand(const std::string& id, level wanted) const {
    if (live_.count(id) == 0) return false;
    if (!fit_) return true;
    const live_page& p = live_.at(id);
    const std::uint32_t now = demanded_.count(id) != 0 ? demanded_.at(id)
                                                       : tokens_of(p.spec, p.hard ? floor_of(p.type) : level::pointer);
    const std::uint32_t then = std::max(now, demand_tokens(id, wanted));
    return working_set_tokens() - now + then <= working_set_tokens_max;
  }

  void record_demand(const std::string& id, level wanted) {
    auto& d = demanded_[id];
    d = std::max(d, demand_tokens(id, wanted));
  }

  prng rng_;
  workload w_;
  std::uint32_t turns_;
  bool fit_;
  std::uint32_t turn_ = 0;
  std::uint32_t session_number_ = 0;
  std::string session_;
  std::uint32_t calls_ = 0;
  std::uint32_t next_evidence_number_ = 0;
  std::uint32_t next_conversation_number_ = 0;
  std::map<std::string, live_page> live_;              // by id: deterministic iteration
  std::map<std::string, std::uint32_t> demanded_;      // this turn: id -> tokens at the served level
  std::vector<std::string> evidence_order_;            // live evidence, oldest first
  std::map<std::string, evidence_item> evidence_;
  std::vector<std::string> cited_;                     // the cited working set, oldest first
  std::map<std::string, std::uint64_t> versions_;
};

// ---- shared fixtures ----

// Bootstrap pages (project scope, hard-pinned by default; ingested once: they survive
// resets and session ends).
void ingest_bootstrap(builder& b, std::uint32_t system_full_tokens = 30, std::uint32_t tools_full_tokens = 18) {
  b.ingest(make_page("bootstrap:system", page_type::bootstrap, system_full_tokens, 0, 4.0, 9.0, "system prompt"));
  b.ingest(make_page("bootstrap:tools", page_type::bootstrap, tools_full_tokens, 0, 4.0, 8.0, "tool manifest"));
}

// The session's hard rules (session scope: re-ingested in every session). `revision`
// changes the text of rule i in later sessions (constraint drift, GEN-7).
void ingest_constraints(builder& b, std::uint32_t count, std::uint32_t full_tokens, std::uint32_t revision = 0) {
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t full = full_tokens + ((i + revision) % 3U);
    b.ingest(make_page(fmt::format("{}:constraint:{}", b.session(), i), page_type::constraint, full, 0, 2.0, 7.0,
                       fmt::format("AGENTS.md rule {} rev {}", i, revision)));
  }
}

clawvm::update make_change(std::string field, journal_op op, std::string value_json, clawvm::scope s,
                           std::string evidence_ref, std::uint64_t expected_version = 0) {
  clawvm::update u;
  u.field = std::move(field);
  u.op = op;
  u.value_json = std::move(value_json);
  u.scope = s;
  u.evidence_ref = std::move(evidence_ref);
  u.expected_version = expected_version;
  return u;
}

// A transcript span in which the user says something the agent must remember; the
// provenance of preference and decision updates.
std::string ingest_conversation(builder& b, std::uint32_t full_tokens) {
  // Numbered, not named by turn: one turn may hold several spans.
  const std::string id = fmt::format("{}:conv:{}", b.session(), b.next_conversation_number());
  b.ingest(make_page(id, page_type::conversation, full_tokens, b.pointer_tokens(), 2.0, 3.0,
                     fmt::format("transcript turn {}", b.turn())));
  return id;
}

// ---- GEN-5 long_plan ----
workload long_plan(std::uint64_t seed, std::uint32_t turns) {
  builder b(workload_family::long_plan, seed, turns, true);
  b.describe(
      "long plans (one per session of 48 turns) whose steps complete every 3-5 turns (plan status appended), "
      "compactions every 9-13 turns, the current step's call re-run after each compaction");
  const agent_mix mix{.cited_max = 2,
                      .new_call_percent = 45,
                      .open_cited_percent = 35,
                      .cold_redemand_percent = 8,
                      .repeat_cited_percent = 10,
                      .repeat_cold_percent = 3,
                      .evidence_live_max = 14};
  constexpr std::uint32_t session_turns = 48;

  b.start_session();
  ingest_bootstrap(b);
  while (!b.done()) {
    if (b.turn() > 0) b.start_session();
    ingest_constraints(b, 2, 15);
    const std::string plan_id = fmt::format("{}:plan", b.session());
    std::uint32_t plan_tokens = 24;
    std::uint32_t step = 0;
    b.ingest(make_page(plan_id, page_type::plan, plan_tokens, 2, 10.0, 6.0, "plan"));
    const std::uint32_t session_end_turn = std::min(b.turns(), b.turn() + session_turns);
    std::uint32_t next_compaction = b.turn() + b.rng().between(9, 13);
    std::uint32_t step_done_turn = b.turn() + b.rng().between(3, 5);
    std::optional<std::string> step_evidence;
    bool after_compaction = false;
    while (b.turn() < session_end_turn) {
      if (b.turn() >= step_done_turn && step_evidence && b.is_live(*step_evidence)) {
        // The step is done: its status is appended to the plan, citing the result that
        // completed it (the plan page grows, within a bound).
        plan_tokens = std::min(plan_tokens + 3U, 60U);
        b.update(make_page(plan_id, page_type::plan, plan_tokens, 2, 10.0, 6.0, "plan"),
                 make_change(fmt::format("plan.{}.status", b.session()), journal_op::append,
                             fmt::format("{{\"status\":\"done\",\"step\":{}}}", step), clawvm::scope::session,
                             *step_evidence));
        ++step;
        step_evidence.reset();
        step_done_turn = b.turn() + b.rng().between(3, 5);
      }
      // The model checks the current step every turn; after a compaction it re-reads the
      // whole plan and re-runs the step's last call (the result was in the lost context).
      b.demand(plan_id, after_compaction ? level::full : level::structured);
      if (after_compaction && !b.cited().empty()) b.repeat_call(b.cited().back());
      after_compaction = false;
      b.agent_step(mix);
      if (!b.cited().empty()) step_evidence = b.cited().back();
      b.end_turn();
      if (b.turn() >= next_compaction && b.turn() < session_end_turn) {
        b.boundary(boundary::compaction);
        after_compaction = true;
        next_compaction = b.turn() + b.rng().between(9, 13);
      }
    }
    // The plan's last status is still dirty when the session ends.
    if (step_evidence && b.is_live(*step_evidence)) {
      b.update(make_page(plan_id, page_type::plan, std::min(plan_tokens + 3U, 60U), 2, 10.0, 6.0, "plan"),
               make_change(fmt::format("plan.{}.status", b.session()), journal_op::append,
                           fmt::format("{{\"status\":\"done\",\"step\":{}}}", step), clawvm::scope::session,
                           *step_evidence));
    }
    b.boundary(boundary::session_end);
  }
  return b.finish();
}

// ---- GEN-6 evidence_churn (and GEN-10 churn) ----
workload evidence_churn(workload_family family, std::uint64_t seed, std::uint32_t turns) {
  const bool stress = family == workload_family::churn;
  builder b(family, seed, turns, !stress);
  const agent_mix mix = stress ? agent_mix{.cited_max = 6,
                                            .new_call_percent = 95,
                                            .cite_new_percent = 90,
                                            .open_cited_percent = 70,
                                            .cold_redemand_percent = 50,
                                            .repeat_cited_percent = 40,
                                            .repeat_cold_percent = 30,
                                            .evidence_live_max = 60,
                                            .full_tokens_min = 20,
                                            .full_tokens_max = 60}
                               : agent_mix{.cited_max = 3,
                                           .new_call_percent = 55,
                                           .open_cited_percent = 45,
                                           .cold_redemand_percent = 15,
                                           .repeat_cited_percent = 18,
                                           .repeat_cold_percent = 8,
                                           .evidence_live_max = 16};
  std::uint32_t session_turns = 32;
  std::uint32_t prune_min = 10;
  std::uint32_t prune_max = 14;
  if (stress) {
    session_turns = 64;
    prune_min = 4;
    prune_max = 6;
    b.describe("stress: every turn a new tool result (up to 60 live), six cited, frequent opens, cold re-reads "
               "and equivalent repeats, pruning every 4-6 turns; the working set is not kept within the budget");
  } else {
    b.describe("tool results cited by pointer and opened again, cold results re-read, calls repeated with "
               "equivalent arguments (key order differs); pruning every 10-14 turns; sessions of 32 turns");
  }
  b.start_session();
  ingest_bootstrap(b);
  while (!b.done()) {
    if (b.turn() > 0) b.start_session();
    ingest_constraints(b, 2, 15);
    const std::uint32_t session_end_turn = std::min(b.turns(), b.turn() + session_turns);
    std::uint32_t next_prune = b.turn() + b.rng().between(prune_min, prune_max);
    while (b.turn() < session_end_turn) {
      b.agent_step(mix);
      b.end_turn();
      if (b.turn() >= next_prune && b.turn() < session_end_turn) {
        b.boundary(boundary::pruning);
        next_prune = b.turn() + b.rng().between(prune_min, prune_max);
      }
    }
    b.boundary(boundary::session_end);
  }
  return b.finish();
}

// ---- GEN-7 preference_drift (and GEN-11 cascade_reset) ----
constexpr std::array<std::string_view, 5> preference_names{"editor", "language", "test_runner", "style", "verbosity"};
// Never written by any workload: a recall of it has no match (RECALL_NO_MATCH).
constexpr std::string_view never_set_field = "user.timezone";

struct preference_state {
  std::string page_id;
  std::string field;
  std::uint32_t full_tokens = 12;
  std::uint32_t value = 0;  // current setting (an index), changes as the user drifts
  bool ever_updated = false;
};

std::vector<preference_state> ingest_preferences(builder& b) {
  std::vector<preference_state> prefs;
  for (const auto name : preference_names) {
    preference_state p;
    p.page_id = fmt::format("pref:{}", name);
    p.field = fmt::format("user.{}", name);
    p.full_tokens = b.rng().between(10, 16);
    b.ingest(make_page(p.page_id, page_type::preference, p.full_tokens, 1, 3.0, 6.0, "user settings"));
    prefs.push_back(std::move(p));
  }
  return prefs;
}

// The user changes a setting in this turn: a transcript span, then the preference page
// with its set_with_version update (expects the version the last update produced).
void drift_preference(builder& b, preference_state& p) {
  const std::string conv = ingest_conversation(b, b.rng().between(8, 14));
  p.value = (p.value + b.rng().between(1, 3)) % 7U;
  p.full_tokens = std::min(p.full_tokens + 1U, 24U);
  b.update(make_page(p.page_id, page_type::preference, p.full_tokens, 1, 3.0, 6.0, conv),
           make_change(p.field, journal_op::set_with_version, fmt::format("{{\"choice\":{}}}", p.value),
                       clawvm::scope::project, conv, b.take_version(p.field)));
  p.ever_updated = true;
  b.demand(p.page_id, level::structured);
}

// The agent edits a hard rule (constraint drift): writeback must refuse it
// (HARD_PIN_VIOLATION, JR-7); a policy without writeback loses it at the boundary.
void edit_constraint(builder& b, std::uint32_t rule) {
  const std::string id = fmt::format("{}:constraint:{}", b.session(), rule);
  if (!b.is_live(id)) return;
  const std::string conv = ingest_conversation(b, b.rng().between(8, 12));
  page_spec edited = make_page(id, page_type::constraint, tokens_of(b.spec_of(id), level::full) + 1U, 0, 2.0, 7.0,
                               "agent edit");
  b.update(std::move(edited), make_change(fmt::format("rules.{}", rule), journal_op::merge,
                                          fmt::format("{{\"relaxed_by\":\"{}\"}}", b.session()),
                                          clawvm::scope::session, conv));
}

workload preference_drift(std::uint64_t seed, std::uint32_t turns) {
  builder b(workload_family::preference_drift, seed, turns, true);
  b.describe(
      "sessions of 10-16 turns ended by reset; the user changes preferences (set_with_version on project "
      "fields), constraints are revised between sessions and occasionally edited by the agent; recalls of "
      "preferences set in earlier sessions, of a field never set, and through a failing backend; a compaction in "
      "some sessions");
  const agent_mix mix = memory_family_mix;
  b.start_session();
  ingest_bootstrap(b);
  auto prefs = ingest_preferences(b);
  std::uint32_t revision = 0;
  while (!b.done()) {
    if (b.turn() > 0) b.start_session();
    ingest_constraints(b, 2, 15, revision++);
    const std::uint32_t session_turns = b.rng().between(10, 16);
    const std::uint32_t session_end_turn = std::min(b.turns(), b.turn() + session_turns);
    const std::uint32_t first = b.turn();
    const std::uint32_t compaction_turn = b.rng().chance_percent(40) ? first + session_turns / 2U : 0U;
    // Every session changes at least one preference: the reset finds it dirty.
    const std::uint32_t forced_drift_turn = first + b.rng().between(1, std::max(1U, session_turns - 2U));
    while (b.turn() < session_end_turn) {
      if (b.turn() == first) {
        // What the agent knows from earlier sessions: two settings it was told about.
        for (int i = 0; i < 2; ++i) {
          const auto& p = prefs[b.rng().below(prefs.size())];
          b.recall(clawvm::scope::project, p.field);
        }
      }
      if (b.turn() == forced_drift_turn || b.rng().chance_percent(20)) {
        drift_preference(b, prefs[b.rng().below(prefs.size())]);
      }
      if (b.rng().chance_percent(25)) {
        const auto& p = prefs[b.rng().below(prefs.size())];
        b.demand(p.page_id, b.rng().chance_percent(50) ? level::structured : level::full);
      }
      if (b.rng().chance_percent(8)) b.recall(clawvm::scope::project, std::string(never_set_field));
      if (b.rng().chance_percent(4)) {
        // Two draws: sequenced in their own statements (argument evaluation order is not).
        const auto& field = prefs[b.rng().below(prefs.size())].field;
        const reason_code backend =
            b.rng().chance_percent(50) ? reason_code::recall_backend_error : reason_code::recall_denied;
        b.recall(clawvm::scope::project, field, backend);
      }
      if (b.rng().chance_percent(6)) edit_constraint(b, static_cast<std::uint32_t>(b.rng().below(2)));
      b.agent_step(mix);
      b.end_turn();
      if (b.turn() == compaction_turn && b.turn() < session_end_turn) b.boundary(boundary::compaction);
    }
    b.boundary(boundary::reset);
  }
  return b.finish();
}

workload cascade_reset(std::uint64_t seed, std::uint32_t turns) {
  builder b(workload_family::cascade_reset, seed, turns, true);
  b.describe("stress: sessions of 1-3 turns, each changing preferences, appending plan status and editing a rule, "
             "ended by reset in quick succession (dirty state at every reset)");
  const agent_mix mix{.cited_max = 1, .new_call_percent = 60, .evidence_live_max = 4};
  b.start_session();
  ingest_bootstrap(b);
  auto prefs = ingest_preferences(b);
  std::uint32_t revision = 0;
  while (!b.done()) {
    if (b.turn() > 0) b.start_session();
    ingest_constraints(b, 2, 15, revision++);
    const std::string plan_id = fmt::format("{}:plan", b.session());
    b.ingest(make_page(plan_id, page_type::plan, 20, 2, 10.0, 6.0, "plan"));
    const std::uint32_t session_end_turn = std::min(b.turns(), b.turn() + b.rng().between(1, 3));
    b.recall(clawvm::scope::project, prefs[b.rng().below(prefs.size())].field);
    while (b.turn() < session_end_turn) {
      drift_preference(b, prefs[b.rng().below(prefs.size())]);
      b.agent_step(mix);
      if (!b.cited().empty()) {
        b.update(make_page(plan_id, page_type::plan, 20 + b.turn() % 7U, 2, 10.0, 6.0, "plan"),
                 make_change(fmt::format("plan.{}.status", b.session()), journal_op::append,
                             fmt::format("{{\"status\":\"done\",\"turn\":{}}}", b.turn()), clawvm::scope::session,
                             b.cited().back()));
      }
      if (b.rng().chance_percent(40)) edit_constraint(b, static_cast<std::uint32_t>(b.rng().below(2)));
      b.end_turn();
    }
    b.boundary(boundary::reset);
  }
  return b.finish();
}

// ---- GEN-8 project_memory ----
workload project_memory(std::uint64_t seed, std::uint32_t turns) {
  builder b(workload_family::project_memory, seed, turns, true);
  b.describe(
      "sessions of 16 turns ended by session_end; project-scope results (design documents) read once and "
      "re-read or re-requested in later sessions, project decisions appended, preferences changed; every "
      "session starts by recalling the project's decisions and settings");
  const agent_mix mix = memory_family_mix;
  constexpr std::uint32_t session_turns = 16;
  constexpr std::uint32_t project_documents_max = 6;
  b.start_session();
  ingest_bootstrap(b);
  auto prefs = ingest_preferences(b);
  const std::string decisions_id = "proj:decisions";
  std::uint32_t decisions_tokens = 14;
  b.ingest(make_page(decisions_id, page_type::preference, decisions_tokens, 2, 6.0, 7.0, "project decisions"));
  std::uint32_t documents = 0;
  std::uint32_t decisions = 0;
  while (!b.done()) {
    if (b.turn() > 0) b.start_session();
    ingest_constraints(b, 2, 15);
    const std::uint32_t first = b.turn();
    const std::uint32_t session_end_turn = std::min(b.turns(), first + session_turns);
    const std::uint32_t decision_turn = first + b.rng().between(2, session_turns - 2U);
    while (b.turn() < session_end_turn) {
      if (b.turn() == first) {
        b.recall(clawvm::scope::project, "project.decisions");
        b.recall(clawvm::scope::project, prefs[b.rng().below(prefs.size())].field);
        // Resume: the project's documents from earlier sessions are read again (their
        // pages survive the session end) or the same read is requested again.
        for (const auto& id : b.evidence_ids("proj:")) {
          if (b.rng().chance_percent(50)) {
            b.demand(id, level::structured);
          } else if (b.rng().chance_percent(40)) {
            b.repeat_call(id);
          }
        }
      }
      if (b.turn() == first + 1U && documents < project_documents_max) {
        // A design document read into project memory (project scope: it outlives the session).
        const auto before = b.evidence_ids("proj:").size();
        // One new call, cited, and nothing else (the rest of the mix is the family's).
        const agent_mix one{.cited_max = mix.cited_max,
                            .new_call_percent = 100,
                            .cite_new_percent = 100,
                            .open_cited_percent = 0,
                            .cold_redemand_percent = 0,
                            .repeat_cited_percent = 0,
                            .repeat_cold_percent = 0,
                            .evidence_live_max = mix.evidence_live_max,
                            .full_tokens_min = mix.full_tokens_min,
                            .full_tokens_max = mix.full_tokens_max};
        b.agent_step(one, clawvm::scope::project);
        if (b.evidence_ids("proj:").size() > before) ++documents;
      }
      if (b.turn() == decision_turn || b.rng().chance_percent(8)) {
        const std::string conv = ingest_conversation(b, b.rng().between(8, 14));
        decisions_tokens = std::min(decisions_tokens + 2U, 40U);
        b.update(make_page(decisions_id, page_type::preference, decisions_tokens, 2, 6.0, 7.0, conv),
                 make_change("project.decisions", journal_op::append,
                             fmt::format("{{\"decision\":{},\"session\":\"{}\"}}", decisions++, b.session()),
                             clawvm::scope::project, conv));
        b.demand(decisions_id, level::structured);
      }
      if (b.rng().chance_percent(10)) drift_preference(b, prefs[b.rng().below(prefs.size())]);
      if (b.rng().chance_percent(6)) b.recall(clawvm::scope::project, std::string(never_set_field));
      b.agent_step(mix);
      b.end_turn();
    }
    b.boundary(boundary::session_end);
  }
  return b.finish();
}

// ---- GEN-13 cross_reference ----
// An agent surveying a codebase: many results stay live, several are read side by side at
// full, cold ones come back. No working-set bound: the footprint (floors + the turn's
// demands + a pointer for every live result) crosses the sweep's 120-500 token range, so
// at the small budgets pointers must be left out and the budget binds.
workload cross_reference(std::uint64_t seed, std::uint32_t turns) {
  builder b(workload_family::cross_reference, seed, turns, false);
  b.describe(
      "sessions of 32 turns ended by session_end; up to 40 live tool results per session, 1-3 of the cited ones "
      "read side by side at full in most turns, cold results re-read and their calls repeated; the footprint "
      "crosses the sweep's budgets, so at the small ones pointers must be left out");
  const agent_mix mix{.cited_max = 4,
                      .new_call_percent = 90,
                      .cite_new_percent = 70,
                      .open_cited_percent = 0,  // the side-by-side reading below opens cited results
                      .cold_redemand_percent = 30,
                      .repeat_cited_percent = 8,
                      .repeat_cold_percent = 15,
                      .full_tokens_min = 20,
                      .full_tokens_max = 60};
  constexpr std::uint32_t session_turns = 32;
  constexpr std::uint32_t compare_percent = 60;
  constexpr std::uint32_t compare_max = 3;
  b.start_session();
  ingest_bootstrap(b);
  while (!b.done()) {
    if (b.turn() > 0) b.start_session();
    ingest_constraints(b, 2, 15);
    const std::uint32_t session_end_turn = std::min(b.turns(), b.turn() + session_turns);
    while (b.turn() < session_end_turn) {
      const std::vector<std::string> cited = b.cited();
      if (!cited.empty() && b.rng().chance_percent(compare_percent)) {
        // k consecutive cited results (oldest first, wrapping), all read at full.
        const auto count = static_cast<std::uint32_t>(cited.size());
        const std::uint32_t k = b.rng().between(1, std::min(compare_max, count));
        const auto first = static_cast<std::uint32_t>(b.rng().below(count));
        for (std::uint32_t i = 0; i < k; ++i) b.demand(cited[(first + i) % count], level::full);
      }
      b.agent_step(mix, clawvm::scope::project);
      b.end_turn();
    }
    b.boundary(boundary::session_end);
  }
  return b.finish();
}

// ---- GEN-9 starvation ----
workload starvation(std::uint64_t seed, std::uint32_t turns) {
  builder b(workload_family::starvation, seed, turns, false);
  b.describe("stress: hard-pinned floor set of 260 tokens (bootstrap 60 at structured + 8 rules of 25): it does not "
             "fit budgets 120-240; compactions every 8 turns; the shortfall must be reported, never silent");
  const agent_mix mix{.evidence_live_max = 12};
  b.start_session();
  b.ingest(make_page("bootstrap:system", page_type::bootstrap, 180, 0, 4.0, 9.0, "system prompt"));
  for (std::uint32_t i = 0; i < 8; ++i) {
    b.ingest(make_page(fmt::format("{}:constraint:{}", b.session(), i), page_type::constraint, 75, 0, 2.0, 7.0,
                       fmt::format("AGENTS.md rule {}", i)));
  }
  while (!b.done()) {
    b.agent_step(mix);
    b.end_turn();
    if (b.turn() % 8U == 0U && !b.done()) b.boundary(boundary::compaction);
  }
  return b.finish();
}

}  // namespace

std::uint32_t default_turns(workload_family f) noexcept {
  switch (f) {
    case workload_family::long_plan: return 96;
    case workload_family::evidence_churn: return 96;
    case workload_family::preference_drift: return 96;
    case workload_family::project_memory: return 96;
    case workload_family::starvation: return 48;
    case workload_family::churn: return 128;
    case workload_family::cascade_reset: return 48;
    case workload_family::cross_reference: return 96;
  }
  return 96;
}

std::uint32_t min_turns(workload_family f) noexcept {
  switch (f) {
    case workload_family::long_plan: return 16;      // at least one compaction
    case workload_family::evidence_churn: return 16;  // at least one pruning
    case workload_family::preference_drift: return 24;  // at least one reset between sessions
    case workload_family::project_memory: return 32;  // at least two sessions
    case workload_family::starvation: return 9;       // at least one compaction
    case workload_family::churn: return 8;
    case workload_family::cascade_reset: return 4;
    case workload_family::cross_reference: return 8;
  }
  return 16;
}

workload generate_workload(workload_family f, const generator_options& options) {
  const std::uint32_t turns = std::max(options.turns == 0 ? default_turns(f) : options.turns, min_turns(f));
  switch (f) {
    case workload_family::long_plan: return long_plan(options.seed, turns);
    case workload_family::evidence_churn: return evidence_churn(f, options.seed, turns);
    case workload_family::preference_drift: return preference_drift(options.seed, turns);
    case workload_family::project_memory: return project_memory(options.seed, turns);
    case workload_family::starvation: return starvation(options.seed, turns);
    case workload_family::churn: return evidence_churn(f, options.seed, turns);
    case workload_family::cascade_reset: return cascade_reset(options.seed, turns);
    case workload_family::cross_reference: return cross_reference(options.seed, turns);
  }
  Expects(false);
  return {};
}

}  // namespace clawvm::eval
