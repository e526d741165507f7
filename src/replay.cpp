// Deterministic replay: spec/replay.md RP-1..RP-9.
#include "clawvm/replay.hpp"

#include <deque>

#include <gsl/assert>

#include "clawvm/apply_event.hpp"
#include "clawvm/tool_signature.hpp"

namespace clawvm {

namespace {


class replayer {
 public:
  replayer(const workload_header& header, const workload_pull& pull, const replay_options& o)
      : pull_(pull),
        options_(o),
        oracle_(o.policy.selector.upgrades == upgrade_mode::oracle),
        engine_({o.policy, o.tokens_budget, o.writer}, o.state != nullptr ? *o.state : own_state_, o.trace),
        cache_(o.cache) {
    metrics_.workload = header.name;
    metrics_.policy = o.policy.name;
    metrics_.tokens_budget = o.tokens_budget;
    metrics_.cache = o.cache;
  }

  replay_outcome run() {
    for (;;) {
      fill();
      if (buffer_.empty()) break;
      workload_event e = std::move(buffer_.front());
      buffer_.pop_front();
      if (std::holds_alternative<workload_events::turn_end>(e)) --turn_ends_buffered_;
      apply(e);
    }
    metrics_.counters = engine_.counters();
    const prompt_cache_counts& billed = cache_.counts();
    metrics_.prompt_tokens_total = billed.prompt_tokens_total;
    metrics_.cache_read_tokens = billed.cache_read_tokens;
    metrics_.cache_write_tokens = billed.cache_write_tokens;
    metrics_.cache_uncached_tokens = billed.cache_uncached_tokens;
    metrics_.prefix_breaks = billed.prefix_breaks;
    return {std::move(metrics_), std::move(error_)};
  }

 private:
  // Keeps the current turn and the next h turns buffered (RP-4): the oracle's lookahead
  // reads them; nothing else is held, so memory does not grow with the workload.
  void fill() {
    while (!source_done_ && turn_ends_buffered_ <= options_.lookahead_turns) {
      workload_event e;
      const auto st = pull_(e);
      if (st == workload_reader::status::event) {
        if (std::holds_alternative<workload_events::turn_end>(e)) ++turn_ends_buffered_;
        buffer_.push_back(std::move(e));
        continue;
      }
      source_done_ = true;
      if (st == workload_reader::status::error) error_.emplace();  // filled in by the caller
    }
  }

  void count_reason(reason_code rc) {
    if (rc != reason_code::ok) ++metrics_.reasons[std::string(to_string(rc))];
  }

  std::vector<std::pair<std::string, std::uint32_t>> lookahead() const {
    return oracle_future_demands(buffer_, options_.lookahead_turns, [this](std::string_view signature) {
      return engine_.tool_result_page_id(signature);
    });
  }

  void record_prompt() {
    clawvm::prompt prompt = engine_.assembled_prompt();
    if (have_previous_prompt_) {
      metrics_.prefix_tokens_assembled += tokens_of(prompt);
      metrics_.prefix_tokens_kept += common_prefix_tokens(prompt, previous_prompt_);
    }
    cache_.bill(prompt);  // RP-10
    previous_prompt_ = std::move(prompt);
    have_previous_prompt_ = true;
  }

  // The outcomes of the boundary just crossed (journal::outcomes holds one boundary's).
  void count_new_rejections() {
    for (const journal_record& r : engine_.writeback_journal().outcomes()) {
      if (r.phase == journal_phase::rejected) count_reason(r.reason);
    }
  }

  void apply(const workload_event& e) {
    ++metrics_.events;
    if (oracle_ && std::holds_alternative<workload_events::turn_end>(e)) engine_.set_lookahead(lookahead());
    const event_outcome outcome = apply_event(engine_, e);
    std::visit([this, &outcome](const auto& ev) { account(ev, outcome); }, e);
  }

  // RP-6: what each event adds to the metrics, from its outcome.
  void account(const workload_events::session_start&, const event_outcome&) { ++metrics_.sessions; }
  void account(const workload_events::ingest&, const event_outcome& o) {
    const reason_code rc = std::get<reason_code>(o);
    if (rc != reason_code::ok) ++metrics_.ingest_rejected;
    count_reason(rc);
  }
  void account(const workload_events::update&, const event_outcome& o) {
    const reason_code rc = std::get<reason_code>(o);
    if (rc != reason_code::ok) ++metrics_.update_rejected;
    count_reason(rc);
  }
  void account(const workload_events::demand&, const event_outcome&) { ++metrics_.demands; }
  void account(const workload_events::tool_call&, const event_outcome& o) {
    const tool_result& r = std::get<tool_result>(o);
    ++metrics_.tool_calls;
    if (r.outcome == tool_outcome::rejected) ++metrics_.tool_rejected;
    count_reason(r.reason);
  }
  void account(const workload_events::recall&, const event_outcome& o) {
    const recall_result& r = std::get<recall_result>(o);
    if (!r.value && !r.silent) count_reason(r.reason);
  }
  void account(const workload_events::turn_end&, const event_outcome& o) {
    const selection& sel = *std::get<turn_outcome>(o).assembled;
    ++metrics_.turns;
    metrics_.tokens_used_total += sel.tokens_used;
    if (!sel.floor_set_fits) ++metrics_.floor_unfit_turns;
    for (const auto& u : sel.unmet) count_reason(u.reason);
    record_prompt();
  }
  void account(const workload_events::lifecycle&, const event_outcome&) {
    ++metrics_.boundaries;
    count_new_rejections();
  }

  const workload_pull& pull_;
  const replay_options& options_;
  bool oracle_;
  memory_store own_state_;
  engine engine_;
  prompt_cache_meter cache_;
  replay_metrics metrics_;
  std::optional<workload_error> error_;
  std::deque<workload_event> buffer_;
  std::uint32_t turn_ends_buffered_ = 0;
  bool source_done_ = false;
  clawvm::prompt previous_prompt_;
  bool have_previous_prompt_ = false;
};

}  // namespace

std::vector<std::pair<std::string, std::uint32_t>> oracle_future_demands(
    const std::deque<workload_event>& after_current, std::uint32_t lookahead_turns,
    const result_page_lookup& result_page_of_signature) {
  std::map<std::string, std::uint32_t> counts;
  std::uint32_t turns_seen = 0;
  for (const auto& e : after_current) {
    if (turns_seen >= lookahead_turns) break;
    if (std::holds_alternative<workload_events::turn_end>(e)) {
      ++turns_seen;
      continue;
    }
    if (const auto* d = std::get_if<workload_events::demand>(&e)) {
      ++counts[d->page];
    } else if (const auto* t = std::get_if<workload_events::tool_call>(&e)) {
      const auto sig = canonical_tool_signature(t->tool, t->arguments_json);
      const std::optional<std::string_view> known = sig ? result_page_of_signature(*sig) : std::nullopt;
      ++counts[known ? std::string{*known} : t->result.id];
    }
  }
  return {counts.begin(), counts.end()};
}

std::vector<std::pair<std::string, std::uint32_t>> oracle_future_demands(
    const std::deque<workload_event>& after_current, std::uint32_t lookahead_turns,
    const std::map<std::string, std::string, std::less<>>& result_page_by_signature) {
  return oracle_future_demands(after_current, lookahead_turns,
                               [&](std::string_view signature) -> std::optional<std::string_view> {
                                 const auto known = result_page_by_signature.find(signature);
                                 if (known == result_page_by_signature.end()) return std::nullopt;
                                 return std::string_view{known->second};
                               });
}

replay_outcome replay(const workload_header& header, const workload_pull& pull, const replay_options& options) {
  return replayer(header, pull, options).run();
}

workload_pull pull_events(const std::vector<workload_event>& events) {
  return [&events, next = std::size_t{0}](workload_event& out) mutable {
    if (next == events.size()) return workload_reader::status::end;
    out = events[next++];
    return workload_reader::status::event;
  };
}

replay_outcome replay(const workload& w, const replay_options& options) {
  return replay(w.header, pull_events(w.events), options);
}

replay_outcome replay_file(std::istream& in, const std::string& source_name, const replay_options& options) {
  workload_reader reader(in, source_name);
  if (!reader.header()) {
    replay_outcome out;
    out.metrics.policy = options.policy.name;
    out.metrics.tokens_budget = options.tokens_budget;
    out.error = reader.error();
    return out;
  }
  const workload_pull pull = [&](workload_event& e) { return reader.next(e); };
  replay_outcome out = replay(*reader.header(), pull, options);
  if (out.error) out.error = reader.error();
  return out;
}

nlohmann::json counter_fields(const fault_counters& c, std::string_view faults_key) {
  nlohmann::json faults = nlohmann::json::object();
  for (auto f : all_fault_kinds) faults[std::string(to_string(f))] = c[f];
  return {
      {std::string(faults_key), std::move(faults)},
      {"faults_total", c.total_faults()},
      {"hits", c.hits},
      {"misses", c.misses},
      {"duplicate_signature_alerts", c.duplicate_signature_alerts},
      {"physical_insufficiency", c.physical_insufficiency},
      {"commits", c.commits},
      {"rejections", c.rejections},
      {"destructive_commits", c.destructive_commits},
      {"recalls_explained", c.recalls_explained},
      {"thrash_index", c.thrash_index()},
  };
}

nlohmann::json to_json(const replay_metrics& m) {
  nlohmann::json out = counter_fields(m.counters, "faults");
  out.update({
      {"workload", m.workload},
      {"policy", m.policy},
      {"tokens_budget", m.tokens_budget},
      {"events", m.events},
      {"turns", m.turns},
      {"sessions", m.sessions},
      {"tokens_used_total", m.tokens_used_total},
      {"floor_unfit_turns", m.floor_unfit_turns},
      {"tool_calls", m.tool_calls},
      {"demands", m.demands},
      {"boundaries", m.boundaries},
      {"ingest_rejected", m.ingest_rejected},
      {"update_rejected", m.update_rejected},
      {"tool_rejected", m.tool_rejected},
      {"reasons", m.reasons},
      {"prefix_tokens_kept", m.prefix_tokens_kept},
      {"prefix_tokens_assembled", m.prefix_tokens_assembled},
      {"prompt_cache",
       {{"min_cacheable_tokens", m.cache.min_cacheable_tokens},
        {"ttl_turns", m.cache.ttl_turns},
        {"write_price", m.cache.write_price},
        {"read_price", m.cache.read_price}}},
      {"prompt_tokens_total", m.prompt_tokens_total},
      {"cache_read_tokens", m.cache_read_tokens},
      {"cache_write_tokens", m.cache_write_tokens},
      {"cache_uncached_tokens", m.cache_uncached_tokens},
      {"prefix_breaks", m.prefix_breaks},
      {"cache_read_share", m.cache_read_share()},
      {"relative_cost", m.relative_cost()},
      {"prefix_stability", m.prefix_stability()},
  });
  return out;
}

}  // namespace clawvm
