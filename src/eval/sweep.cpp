// Tier-2 sweep, shape check and stress runs: spec/sweep.md SW-1..SW-10.
#include "clawvm/eval/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "clawvm/eval/capacity.hpp"
#include "clawvm/eval/metrics_json.hpp"
#include "clawvm/eval/optimum.hpp"
#include "clawvm/eval/parallel.hpp"
#include "clawvm/output_file.hpp"

namespace clawvm::eval {

using nlohmann::json;

namespace {
// Policies are named by their id (EN-9, policy_table): no policy name is spelt twice.
std::string name_of(policy_id id) { return std::string(policy_name(id)); }
}  // namespace

double round_to_6_decimals(double x) noexcept { return std::round(x * 1e6) / 1e6; }

void write_output_file(const std::filesystem::path& path, const std::string& bytes) {
  std::string error;
  if (!write_file_atomically(path, bytes, error)) throw std::runtime_error(error);
}

std::uint32_t policy_budget_tokens(const engine_policy& policy, std::uint32_t tokens_budget, bool multi_session,
                                   budget_scale scale) noexcept {
  if (scale == budget_scale::none || !multi_session) return tokens_budget;
  const std::uint64_t percent = knobs_of(policy.id).multi_session_budget_percent;
  // At least one token: a budget of 1 scaled to 0 would be no budget at all.
  return std::max<std::uint32_t>(1U, static_cast<std::uint32_t>(std::uint64_t{tokens_budget} * percent / 100U));
}

replay_options sweep_replay_options(const engine_policy& policy, std::uint32_t tokens_budget,
                                    std::uint32_t lookahead_turns) {
  replay_options o;
  o.policy = policy;
  o.tokens_budget = tokens_budget;
  o.lookahead_turns = lookahead_turns;
  o.writer = generated_workload_writer();  // GEN-3: the families write project memory
  return o;
}

sweep_row run_configuration(const workload& w, std::string family, const replay_options& options,
                            bool validate_trace) {
  sweep_row row;
  row.family = std::move(family);
  row.tokens_budget = options.tokens_budget;
  memory_trace_sink sink;
  replay_options o = options;
  if (validate_trace) o.trace = &sink;
  replay_outcome out = replay(w, o);
  // Generated workloads are built in memory from valid events: bad input here is a bug.
  if (out.error) {
    throw std::runtime_error(fmt::format("{}: replay failed: {}", w.header.name, out.error->to_string()));
  }
  row.metrics = std::move(out.metrics);
  if (validate_trace) {
    const trace_validation_result v = clawvm::validate_trace(sink.lines);
    row.trace.validated = true;
    row.trace.steps = v.steps;
    if (!v.ok) row.trace.divergence = v.first_divergence;
  }
  return row;
}

namespace {

std::string config_name(const sweep_row& r) { return fmt::format("{}@{}", r.family, r.tokens_budget); }

std::string divergence_text(const sweep_row& r) {
  const auto& d = *r.trace.divergence;
  return fmt::format("{} {}: trace line {} event '{}' (action {}): {}", config_name(r), r.metrics.policy, d.line,
                     d.event, d.action, d.message);
}

// The rows of one configuration (family, budget), by policy name.
using configuration_rows = std::map<std::string, const sweep_row*>;
std::vector<std::pair<std::string, configuration_rows>> by_configuration(const std::vector<sweep_row>& rows) {
  std::vector<std::pair<std::string, configuration_rows>> out;
  std::map<std::string, std::size_t> where;
  for (const auto& r : rows) {
    const std::string name = config_name(r);
    auto [it, inserted] = where.emplace(name, out.size());
    if (inserted) out.push_back({name, {}});
    out[it->second].second[r.metrics.policy] = &r;
  }
  return out;
}

const policy_summary* summary_for(const std::vector<policy_summary>& by_policy, std::string_view name) {
  for (const auto& s : by_policy) {
    if (s.policy == name) return &s;
  }
  return nullptr;
}

// SW-6 (2), (3): `policy` has no fault in any configuration with sufficient capacity
// (SW-16). A sweep without such a configuration shows nothing and fails.
shape_check zero_where_capacity_sufficient(const std::vector<sweep_row>& rows, const std::string& policy) {
  shape_check c{policy + "_zero_where_capacity_sufficient", true, ""};
  std::size_t sufficient = 0;
  std::size_t with_faults = 0;
  std::string first;
  for (const auto& r : rows) {
    if (r.metrics.policy != policy || !r.capacity_sufficient()) continue;
    ++sufficient;
    if (r.metrics.counters.total_faults() == 0) continue;
    if (with_faults++ == 0) first = fmt::format("; first: {} with {} faults", config_name(r), r.metrics.counters.total_faults());
  }
  c.pass = sufficient > 0 && with_faults == 0;
  c.detail = sufficient == 0 ? "no configuration has sufficient capacity: nothing was shown"
                             : fmt::format("{} of {} configurations with sufficient capacity have faults{}", with_faults,
                                           sufficient, first);
  return c;
}

json faults_json(const fault_counters& c) {
  json j = json::object();
  for (auto f : all_fault_kinds) j[std::string(to_string(f))] = c[f];
  return j;
}

json row_json(const sweep_row& r) {
  const auto& c = r.metrics.counters;
  json j{{"family", r.family},
         {"workload", r.metrics.workload},
         {"budget", r.tokens_budget},
         {"policy", r.metrics.policy},
         {"policy_budget", r.metrics.tokens_budget},
         {"faults_total", c.total_faults()},
         {"faults", faults_json(c)},
         {"hits", c.hits},
         {"misses", c.misses},
         {"duplicate_signature_alerts", c.duplicate_signature_alerts},
         {"thrash_index", round_to_6_decimals(c.thrash_index())},
         {"oracle_gap", r.oracle_gap ? json(*r.oracle_gap) : json(nullptr)},
         {"optimum_faults", r.optimum_faults ? json(*r.optimum_faults) : json(nullptr)},
         {"optimum_gap", r.optimum_gap() ? json(*r.optimum_gap()) : json(nullptr)},
         {"tokens_used_total", r.metrics.tokens_used_total},
         {"physical_insufficiency", c.physical_insufficiency},
         {"floor_set_fits", r.floor_set_fits()},
         {"peak_footprint_tokens", r.peak_footprint_tokens ? json(*r.peak_footprint_tokens) : json(nullptr)},
         {"capacity_sufficient", r.capacity_sufficient()},
         {"commits", c.commits},
         {"rejections", c.rejections},
         {"turns", r.metrics.turns}};
  if (r.trace.validated) j["trace_valid"] = !r.trace.divergence.has_value();
  return j;
}

// An optional number as text, or `absent` when it is empty.
template <class Number>
std::string optional_text(const std::optional<Number>& n, std::string_view absent) {
  return n ? fmt::format("{}", *n) : std::string(absent);
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += "\\|";
    else out += ch;
  }
  return out;
}

// The paper's Tier-2 means (brief §5), shown beside ours; LRU is "identical to ClawVM".
struct paper_row {
  std::string_view policy;
  std::string_view mean_faults;
  std::string_view thrash;
};
constexpr std::array<paper_row, 6> paper_tier2{{{"retrieval", "67.8", "3.993"},
                                                {"retrieval_cache", "10.8", "1.642"},
                                                {"compaction_hybrid", "1.5", "1.017"},
                                                {"lru", "0", "0.901"},
                                                {"clawvm", "0", "0.901"},
                                                {"oracle", "0", "0.901"}}};

std::string checks_markdown(std::string_view title, const std::vector<shape_check>& shape, bool pass) {
  std::string md = fmt::format("## {}: {}\n\n| check | result | detail |\n|---|---|---|\n", title, pass ? "PASS" : "FAIL");
  for (const auto& c : shape) {
    md += fmt::format("| {} | {} | {} |\n", c.check, c.pass ? "pass" : "FAIL", md_escape(c.detail));
  }
  if (shape.empty()) md += "| (none) | | the sweep does not have the policies any check needs |\n";
  return md;
}

std::string rows_markdown(const std::vector<sweep_row>& rows) {
  std::string md = "| family | budget | policy | faults";
  for (auto f : all_fault_kinds) md += fmt::format(" | {}", to_string(f));
  md += " | hits | alerts | thrash | oracle gap | optimum gap | tokens used | physical insufficiency | floor set fits"
        " | capacity sufficient |\n"
        "|---|---:|---|---:";
  for (std::size_t i = 0; i < fault_kind_count; ++i) md += "|---:";
  md += "|---:|---:|---:|---:|---:|---:|---:|---|---|\n";
  for (const auto& r : rows) {
    const auto& c = r.metrics.counters;
    md += fmt::format("| {} | {} | {} | {}", r.family, r.tokens_budget, r.metrics.policy, c.total_faults());
    for (auto f : all_fault_kinds) md += fmt::format(" | {}", c[f]);
    md += fmt::format(" | {} | {} | {:.3f} | {} | {} | {} | {} | {} | {} |\n", c.hits, c.duplicate_signature_alerts,
                      c.thrash_index(), optional_text(r.oracle_gap, "-"), optional_text(r.optimum_gap(), "-"),
                      r.metrics.tokens_used_total, c.physical_insufficiency, r.floor_set_fits() ? "yes" : "no",
                      r.capacity_sufficient() ? "yes" : "no");
  }
  return md;
}

std::vector<std::string> family_names(const std::vector<workload_family>& families) {
  std::vector<std::string> out;
  for (auto f : families) out.emplace_back(to_string(f));
  return out;
}

struct grid_rows {
  std::vector<sweep_row> rows;
  std::vector<std::size_t> indices;  // each row's position in the whole grid
};

bool has_several_sessions(const workload& w) {
  return std::count_if(w.events.begin(), w.events.end(), [](const workload_event& e) {
           return std::holds_alternative<workload_events::session_start>(e);
         }) > 1;
}

// Runs every (workload, budget, policy) of `shard`, in that order, on `jobs` threads.
grid_rows run_grid(const std::vector<std::pair<std::string, workload>>& workloads, const std::vector<std::uint32_t>& budgets,
                   const std::vector<engine_policy>& policies, std::uint32_t lookahead_turns, budget_scale scale,
                   unsigned jobs, bool validate, const shard_spec& shard, const progress_fn& progress) {
  const std::size_t per_workload = budgets.size() * policies.size();
  std::vector<bool> multi_session;
  for (const auto& named : workloads) multi_session.push_back(has_several_sessions(named.second));
  grid_rows out;
  for (std::size_t i = 0; i < workloads.size() * per_workload; ++i) {
    if (shard.owns(i)) out.indices.push_back(i);
  }
  out.rows = parallel_map<sweep_row>(
      out.indices.size(), jobs,
      [&](std::size_t k) {
        const std::size_t i = out.indices[k];
        const auto& [family, w] = workloads[i / per_workload];
        const std::size_t b = (i % per_workload) / policies.size();
        const std::size_t p = i % policies.size();
        const std::uint32_t replayed =
            policy_budget_tokens(policies[p], budgets[b], multi_session[i / per_workload], scale);
        sweep_row row = run_configuration(w, family, sweep_replay_options(policies[p], replayed, lookahead_turns), validate);
        row.tokens_budget = budgets[b];  // the grid's budget; metrics.tokens_budget is the replayed one
        return row;
      },
      progress);
  // SW-15: one optimum per (workload, budget) that this shard has a row of.
  std::vector<std::size_t> pairs;  // workload index * budgets + budget index
  for (const std::size_t i : out.indices) {
    const std::size_t pair = i / policies.size();
    if (pairs.empty() || pairs.back() != pair) pairs.push_back(pair);
  }
  const auto optima = parallel_map<optimum_result>(pairs.size(), jobs, [&](std::size_t k) {
    return offline_optimum(workloads[pairs[k] / budgets.size()].second, budgets[pairs[k] % budgets.size()]);
  });
  for (std::size_t k = 0; k < out.rows.size(); ++k) {
    const auto at = std::lower_bound(pairs.begin(), pairs.end(), out.indices[k] / policies.size());
    out.rows[k].optimum_faults = optima[static_cast<std::size_t>(at - pairs.begin())].optimum_faults;
  }
  // SW-16: one capacity probe per workload (its peak footprint does not depend on budget or policy).
  const auto capacities = parallel_map<capacity_profile>(workloads.size(), jobs, [&](std::size_t k) {
    return measure_capacity(workloads[k].second, {});
  });
  for (std::size_t k = 0; k < out.rows.size(); ++k) {
    out.rows[k].peak_footprint_tokens = capacities[out.indices[k] / per_workload].peak_footprint_tokens;
  }
  return out;
}

void fill_oracle_gaps(std::vector<sweep_row>& rows) {
  std::map<std::string, std::uint64_t> oracle_faults;
  for (const auto& r : rows) {
    if (r.metrics.policy == name_of(policy_id::oracle)) oracle_faults[config_name(r)] = r.metrics.counters.total_faults();
  }
  for (auto& r : rows) {
    auto it = oracle_faults.find(config_name(r));
    if (it != oracle_faults.end()) {
      r.oracle_gap = static_cast<std::int64_t>(r.metrics.counters.total_faults()) - static_cast<std::int64_t>(it->second);
    }
  }
}

// SW-15 (OPT-5): no policy with ClawVM's structure has fewer faults than the optimum of
// its configuration. Absent when no row has an optimum or such a policy.
std::optional<shape_check> optimum_check(const std::vector<sweep_row>& rows) {
  const optimum_bound_tally t = tally_optimum_bound(rows);
  if (t.checked == 0) return std::nullopt;
  std::string first;
  if (t.first) {
    const sweep_row& r = rows[*t.first];
    first = fmt::format("; first: {} with {} faults, optimum {}", config_name(r), r.metrics.counters.total_faults(),
                        *r.optimum_faults);
  }
  return shape_check{"optimum_gap_nonnegative", t.below == 0,
                     fmt::format("{} of {} configurations of the policies with ClawVM's structure have fewer faults than the "
                                 "optimum; ClawVM is {} faults above it in all{}",
                                 t.below, t.checked, t.clawvm_above, first)};
}

shape_check traces_check(const std::vector<sweep_row>& rows, std::uint64_t& divergences) {
  divergences = 0;
  std::string first;
  std::uint64_t steps = 0;
  for (const auto& r : rows) {
    steps += r.trace.steps;
    if (!r.trace.divergence) continue;
    if (divergences++ == 0) first = fmt::format("; first: {}", divergence_text(r));
  }
  return {"decision_traces_valid", divergences == 0,
          fmt::format("{} traces ({} steps) checked against the model, {} divergences{}", rows.size(), steps,
                      divergences, first)};
}

}  // namespace

std::vector<policy_summary> summarize_by_policy(const std::vector<sweep_row>& rows,
                                                const std::vector<std::string>& policies) {
  std::vector<policy_summary> out;
  for (const auto& name : policies) {
    policy_summary s;
    s.policy = name;
    double thrash_sum = 0.0;
    std::int64_t gap_sum = 0;
    std::size_t with_optimum = 0;
    for (const auto& r : rows) {
      if (r.metrics.policy != name) continue;
      ++s.configurations;
      s.total_faults += r.metrics.counters.total_faults();
      thrash_sum += r.metrics.counters.thrash_index();
      if (const auto gap = r.optimum_gap()) {
        gap_sum += *gap;
        ++with_optimum;
      }
    }
    if (s.configurations > 0) {
      s.mean_faults = static_cast<double>(s.total_faults) / static_cast<double>(s.configurations);
      s.mean_thrash = thrash_sum / static_cast<double>(s.configurations);
    }
    if (with_optimum > 0) s.mean_optimum_gap = static_cast<double>(gap_sum) / static_cast<double>(with_optimum);
    out.push_back(std::move(s));
  }
  return out;
}

// `<other>_equals_clawvm`: in every configuration, `other`'s fault counts equal clawvm's,
// kind by kind (a ranking with ClawVM's structure: EN-9, SEL-11).
shape_check equals_clawvm(const std::vector<sweep_row>& rows, policy_id other) {
  std::size_t configurations = 0;
  std::size_t differing = 0;
  std::string first;
  for (const auto& [name, by_name] : by_configuration(rows)) {
    auto o = by_name.find(name_of(other));
    auto c = by_name.find(name_of(policy_id::clawvm));
    if (o == by_name.end() || c == by_name.end()) continue;
    ++configurations;
    if (o->second->metrics.counters.faults == c->second->metrics.counters.faults) continue;
    if (differing++ == 0) {
      first = fmt::format("; first: {} {} {} vs clawvm {}", name, name_of(other),
                          o->second->metrics.counters.total_faults(), c->second->metrics.counters.total_faults());
    }
  }
  return {fmt::format("{}_equals_clawvm", name_of(other)), differing == 0,
          fmt::format("fault counts by kind equal in {} of {} configurations{}", configurations - differing,
                      configurations, first)};
}

namespace {

// SW-6 (7), SW-16: the sweep shows paging. Some configuration's capacity is short, and
// every policy has at least as many faults at the smallest budget as at the largest
// (summed over the families), ClawVM strictly more. Left out with fewer than two budgets
// or without ClawVM.
std::optional<shape_check> budget_binds(const std::vector<sweep_row>& rows, const std::vector<policy_summary>& by_policy) {
  if (rows.empty() || summary_for(by_policy, name_of(policy_id::clawvm)) == nullptr) return std::nullopt;
  const auto [low, high] = std::minmax_element(rows.begin(), rows.end(), [](const sweep_row& a, const sweep_row& b) {
    return a.tokens_budget < b.tokens_budget;
  });
  const std::uint32_t smallest = low->tokens_budget;
  const std::uint32_t largest = high->tokens_budget;
  if (smallest == largest) return std::nullopt;
  std::size_t short_capacity = 0;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> faults;  // policy -> (smallest, largest)
  for (const auto& r : rows) {
    if (r.peak_footprint_tokens && !r.capacity_sufficient()) ++short_capacity;
    if (r.tokens_budget == smallest) faults[r.metrics.policy].first += r.metrics.counters.total_faults();
    if (r.tokens_budget == largest) faults[r.metrics.policy].second += r.metrics.counters.total_faults();
  }
  bool pass = short_capacity > 0;
  std::string per_policy;
  for (const auto& s : by_policy) {
    const auto [at_smallest, at_largest] = faults[s.policy];
    const bool clawvm = s.policy == name_of(policy_id::clawvm);
    pass = pass && (clawvm ? at_smallest > at_largest : at_smallest >= at_largest);
    per_policy += fmt::format("{}{} {} -> {}", per_policy.empty() ? "" : ", ", s.policy, at_smallest, at_largest);
  }
  return shape_check{"budget_binds", pass,
                     fmt::format("{} of {} configurations have short capacity; faults at budget {} -> {}: {}",
                                 short_capacity, rows.size(), smallest, largest, per_policy)};
}

}  // namespace

std::vector<shape_check> check_shape(const std::vector<sweep_row>& rows, const std::vector<policy_summary>& by_policy) {
  std::vector<shape_check> out;
  const auto* retrieval = summary_for(by_policy, name_of(policy_id::retrieval));
  const auto* cache = summary_for(by_policy, name_of(policy_id::retrieval_cache));
  const auto* hybrid = summary_for(by_policy, name_of(policy_id::compaction_hybrid));
  const auto* lru = summary_for(by_policy, name_of(policy_id::lru));
  const auto* clawvm = summary_for(by_policy, name_of(policy_id::clawvm));
  const auto* oracle = summary_for(by_policy, name_of(policy_id::oracle));
  const auto* cache_aware = summary_for(by_policy, name_of(policy_id::cache_aware));

  // (1) Mean faults strictly ordered Retrieval > Retrieval+Cache > Compaction-Hybrid > ClawVM.
  if (retrieval && cache && hybrid && clawvm) {
    const bool pass = retrieval->mean_faults > cache->mean_faults && cache->mean_faults > hybrid->mean_faults &&
                      hybrid->mean_faults > clawvm->mean_faults;
    out.push_back({"mean_faults_ordered", pass,
                   fmt::format("retrieval {:.2f} > retrieval_cache {:.2f} > compaction_hybrid {:.2f} > clawvm {:.2f}",
                               retrieval->mean_faults, cache->mean_faults, hybrid->mean_faults, clawvm->mean_faults)});
  }
  // (2), (3) ClawVM = 0 = Oracle wherever capacity is sufficient.
  if (clawvm) out.push_back(zero_where_capacity_sufficient(rows, name_of(policy_id::clawvm)));
  if (oracle) out.push_back(zero_where_capacity_sufficient(rows, name_of(policy_id::oracle)));
  // (4) LRU and the cache-aware ranking with ClawVM's structure: the same fault counts,
  // kind by kind, per configuration.
  if (lru && clawvm) out.push_back(equals_clawvm(rows, policy_id::lru));
  if (cache_aware && clawvm) out.push_back(equals_clawvm(rows, policy_id::cache_aware));
  // (5) ClawVM's mean thrash index at least 70% below Retrieval's.
  if (retrieval && clawvm) {
    const double reduction = retrieval->mean_thrash > 0.0 ? 1.0 - clawvm->mean_thrash / retrieval->mean_thrash : 0.0;
    out.push_back({"thrash_reduction", reduction >= thrash_reduction_required,
                   fmt::format("clawvm {:.3f} vs retrieval {:.3f}: {:.1f}% lower (required: at least {:.0f}%)",
                               clawvm->mean_thrash, retrieval->mean_thrash, reduction * 100.0,
                               thrash_reduction_required * 100.0)});
  }
  // (7) The budget binds somewhere, and faults fall as it grows.
  if (auto binds = budget_binds(rows, by_policy)) out.push_back(std::move(*binds));
  return out;
}

namespace {

// Everything computed from the whole grid's rows (SW-4 … SW-8): oracle gaps, summaries,
// the shape checks and the trace check.
void finish_sweep(sweep_result& r) {
  fill_oracle_gaps(r.rows);
  r.by_policy = summarize_by_policy(r.rows, r.policies);
  r.shape = check_shape(r.rows, r.by_policy);
  if (auto optimum = optimum_check(r.rows)) r.shape.push_back(std::move(*optimum));
  if (r.traces_validated) r.shape.push_back(traces_check(r.rows, r.trace_divergences));
  r.shape_pass = std::all_of(r.shape.begin(), r.shape.end(), [](const shape_check& c) { return c.pass; });
}

}  // namespace

sweep_result run_sweep(const sweep_config& config) {
  sweep_result r;
  r.seed = config.seed;
  r.turns = config.turns;
  r.scale = config.scale;
  r.families = family_names(config.families);
  r.budgets_tokens = config.budgets_tokens;
  for (const auto& p : config.policies) r.policies.push_back(p.name);

  std::vector<std::pair<std::string, workload>> workloads;
  for (auto f : config.families) {
    workloads.emplace_back(std::string(to_string(f)), generate_workload(f, {config.seed, config.turns}));
    r.workloads.push_back(workloads.back().second.header.name);
  }
  auto grid = run_grid(workloads, config.budgets_tokens, config.policies, config.lookahead_turns, config.scale, config.jobs,
                       config.validate_traces, config.shard, config.progress);
  r.rows = std::move(grid.rows);
  r.traces_validated = config.validate_traces;
  r.shard = config.shard;
  r.row_indices = std::move(grid.indices);
  // A shard is checked only as part of the whole (SW-14: clawvm merge).
  if (config.shard.whole()) finish_sweep(r);
  return r;
}

json to_json(const sweep_result& r) {
  json rows = json::array();
  for (const auto& row : r.rows) rows.push_back(row_json(row));
  json by_policy = json::array();
  for (const auto& s : r.by_policy) {
    by_policy.push_back({{"policy", s.policy},
                         {"configurations", s.configurations},
                         {"total_faults", s.total_faults},
                         {"mean_faults", round_to_6_decimals(s.mean_faults)},
                         {"mean_thrash", round_to_6_decimals(s.mean_thrash)},
                         {"mean_optimum_gap",
                          s.mean_optimum_gap ? json(round_to_6_decimals(*s.mean_optimum_gap)) : json(nullptr)}});
  }
  json shape = json::array();
  for (const auto& c : r.shape) shape.push_back({{"check", c.check}, {"pass", c.pass}, {"detail", c.detail}});
  return {{"format", "clawvm-tier2"},
          {"version", 1},
          {"seed", r.seed},
          {"turns", r.turns},
          {"budget_scale", to_string(r.scale)},
          {"budgets", r.budgets_tokens},
          {"families", r.families},
          {"workloads", r.workloads},
          {"policies", r.policies},
          {"rows", std::move(rows)},
          {"by_policy", std::move(by_policy)},
          {"shape", std::move(shape)},
          {"shape_pass", r.shape_pass},
          {"trace_validation", {{"enabled", r.traces_validated}, {"divergences", r.trace_divergences}}}};
}

std::string to_csv(const sweep_result& r) {
  std::string csv = "family,workload,budget,policy,policy_budget,faults_total";
  for (auto f : all_fault_kinds) csv += fmt::format(",{}", to_string(f));
  csv += ",hits,duplicate_signature_alerts,thrash_index,oracle_gap,optimum_faults,optimum_gap,tokens_used_total,"
         "physical_insufficiency,floor_set_fits,peak_footprint_tokens,capacity_sufficient\n";
  for (const auto& row : r.rows) {
    const auto& c = row.metrics.counters;
    // Names are generated identifiers (no commas or quotes), so no CSV quoting is needed.
    csv += fmt::format("{},{},{},{},{},{}", row.family, row.metrics.workload, row.tokens_budget, row.metrics.policy,
                       row.metrics.tokens_budget, c.total_faults());
    for (auto f : all_fault_kinds) csv += fmt::format(",{}", c[f]);
    csv += fmt::format(",{},{},{:.6f},{},{},{},{},{},{},{},{}\n", c.hits, c.duplicate_signature_alerts,
                       round_to_6_decimals(c.thrash_index()), optional_text(row.oracle_gap, ""),
                       optional_text(row.optimum_faults, ""), optional_text(row.optimum_gap(), ""),
                       row.metrics.tokens_used_total, c.physical_insufficiency, row.floor_set_fits() ? "true" : "false",
                       optional_text(row.peak_footprint_tokens, ""), row.capacity_sufficient() ? "true" : "false");
  }
  return csv;
}

std::string to_markdown(const sweep_result& r) {
  std::string md = "# Tier-2 sweep\n\n";
  md += fmt::format("Seed {}; {} families x {} budgets x {} policies = {} configurations; workloads: {}.\n\n",
                    r.seed, r.families.size(), r.budgets_tokens.size(), r.policies.size(), r.rows.size(),
                    fmt::format("{}", fmt::join(r.workloads, ", ")));
  md += r.scale == budget_scale::artifact
            ? "Budget scale: artifact (SW-17): on multi-session workloads retrieval and retrieval_cache replay at 78 % "
              "of the budget, compaction_hybrid at 85 %.\n\n"
            : "Budget scale: none (SW-17): every policy replays at the configuration's budget.\n\n";
  md += "## Mean per configuration\n\n| policy | mean faults | paper mean faults | total faults | mean thrash | paper thrash |\n"
        "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& s : r.by_policy) {
    std::string_view paper_faults = "-";
    std::string_view paper_thrash = "-";
    for (const auto& p : paper_tier2) {
      if (p.policy == s.policy) {
        paper_faults = p.mean_faults;
        paper_thrash = p.thrash;
      }
    }
    md += fmt::format("| {} | {:.2f} | {} | {} | {:.3f} | {} |\n", s.policy, s.mean_faults, paper_faults,
                      s.total_faults, s.mean_thrash, paper_thrash);
  }
  // Appended piecewise: "literal" + std::string&& trips g++ 12's -Wrestrict at -O3 (a
  // false positive, GCC bug 105329).
  md += "\n";
  md += checks_markdown("Shape check", r.shape, r.shape_pass);
  md += "\n## Configurations\n\n";
  md += rows_markdown(r.rows);
  return md;
}

std::vector<std::filesystem::path> write_sweep_outputs(const sweep_result& r, const std::filesystem::path& dir,
                                                       std::string_view stem) {
  std::filesystem::create_directories(dir);
  const std::string base(stem);
  const std::vector<std::filesystem::path> paths{dir / (base + ".summary.json"), dir / (base + ".summary.csv"),
                                                 dir / (base + ".summary.md")};
  write_output_file(paths[0], to_json(r).dump(2) + "\n");
  write_output_file(paths[1], to_csv(r));
  write_output_file(paths[2], to_markdown(r));
  return paths;
}

// ---- SW-10 stress ----

namespace {

// SW-10: the stress checks, from the whole grid's rows.
void finish_stress(stress_result& r) {
  fill_oracle_gaps(r.rows);
  std::vector<engine_policy> policies;
  for (const auto& name : r.policies) policies.push_back(*policy_named(name));
  std::map<std::string, const engine_policy*> policy_by_name;
  for (const auto& p : policies) policy_by_name[p.name] = &p;

  // Starvation: wherever the floor set does not fit, the shortfall is reported as physical
  // insufficiency and never as a policy fault (FT-4, FT-7).
  {
    std::size_t unfit = 0;
    std::size_t bad = 0;
    std::string first;
    for (const auto& row : r.rows) {
      if (row.family != "starvation" || row.floor_set_fits()) continue;
      ++unfit;
      const auto& c = row.metrics.counters;
      const bool surfaced = c.physical_insufficiency > 0 && c[fault_kind::pinned_invariant_miss] == 0 &&
                            c[fault_kind::post_compaction_bootstrap] == 0;
      if (!surfaced && bad++ == 0) {
        first = fmt::format("; first: {} {} physical_insufficiency={} pinned_invariant_miss={} post_compaction_bootstrap={}",
                            config_name(row), row.metrics.policy, c.physical_insufficiency,
                            c[fault_kind::pinned_invariant_miss], c[fault_kind::post_compaction_bootstrap]);
      }
    }
    r.checks.push_back({"starvation_surfaced", unfit > 0 && bad == 0,
                        unfit == 0 ? std::string("the floor set fitted every budget: nothing was starved")
                                   : fmt::format("{} of {} runs without a fitting floor set report physical "
                                                 "insufficiency and no pinned or bootstrap fault{}",
                                                 unfit - bad, unfit, first)});
  }
  // Cascade reset: a policy that writes back at reset loses nothing; one that does not,
  // loses state at every reset with dirty pages.
  {
    std::size_t runs = 0;
    std::size_t bad = 0;
    std::string first;
    for (const auto& row : r.rows) {
      if (row.family != "cascade_reset") continue;
      const auto* p = policy_by_name.at(row.metrics.policy);
      const std::uint64_t misses = row.metrics.counters[fault_kind::flush_miss];
      const bool ok = p->writes_back_at(boundary::reset) ? misses == 0 : misses > 0;
      ++runs;
      if (!ok && bad++ == 0) first = fmt::format("; first: {} {} flush_miss={}", config_name(row), row.metrics.policy, misses);
    }
    r.checks.push_back({"cascade_reset_flush", runs > 0 && bad == 0,
                        fmt::format("{} of {} runs: no flush miss with writeback at reset, flush misses without{}",
                                    runs - bad, runs, first)});
  }
  // Churn: ClawVM never faults more than a baseline at the same budget.
  if (policy_by_name.count(name_of(policy_id::clawvm)) != 0) {
    std::size_t compared = 0;
    std::size_t worse = 0;
    std::string first;
    for (const auto& [name, by_name] : by_configuration(r.rows)) {
      if (name.rfind("churn@", 0) != 0) continue;
      const auto* claw = by_name.at(name_of(policy_id::clawvm));
      for (const policy_id id : {policy_id::retrieval, policy_id::retrieval_cache, policy_id::compaction_hybrid}) {
        const std::string baseline = name_of(id);
        auto it = by_name.find(baseline);
        if (it == by_name.end()) continue;
        ++compared;
        if (claw->metrics.counters.total_faults() > it->second->metrics.counters.total_faults() && worse++ == 0) {
          first = fmt::format("; first: {} clawvm {} > {} {}", name, claw->metrics.counters.total_faults(), baseline,
                              it->second->metrics.counters.total_faults());
        }
      }
    }
    r.checks.push_back({"churn_clawvm_not_worse", worse == 0,
                        fmt::format("clawvm faults <= baseline faults in {} of {} comparisons{}", compared - worse,
                                    compared, first)});
  }
  if (auto optimum = optimum_check(r.rows)) r.checks.push_back(std::move(*optimum));
  if (r.traces_validated) r.checks.push_back(traces_check(r.rows, r.trace_divergences));
  r.pass = std::all_of(r.checks.begin(), r.checks.end(), [](const shape_check& c) { return c.pass; });
}

}  // namespace

stress_result run_stress(const stress_config& config) {
  stress_result r;
  r.seed = config.seed;
  r.budgets_tokens = config.budgets_tokens;
  for (const auto& p : config.policies) r.policies.push_back(p.name);
  r.traces_validated = config.validate_traces;
  std::vector<std::pair<std::string, workload>> workloads;
  for (auto f : stress_families) {
    workloads.emplace_back(std::string(to_string(f)), generate_workload(f, {config.seed, config.turns}));
    r.workloads.push_back(workloads.back().second.header.name);
  }
  auto grid = run_grid(workloads, config.budgets_tokens, config.policies, oracle_lookahead_turns_default,
                       budget_scale::none, config.jobs,
                       config.validate_traces, config.shard, config.progress);
  r.rows = std::move(grid.rows);
  r.shard = config.shard;
  r.row_indices = std::move(grid.indices);
  if (config.shard.whole()) finish_stress(r);
  return r;
}

json to_json(const stress_result& r) {
  json rows = json::array();
  for (const auto& row : r.rows) rows.push_back(row_json(row));
  json checks = json::array();
  for (const auto& c : r.checks) checks.push_back({{"check", c.check}, {"pass", c.pass}, {"detail", c.detail}});
  return {{"format", "clawvm-stress"}, {"version", 1},          {"seed", r.seed},   {"workloads", r.workloads},
          {"rows", std::move(rows)},   {"checks", std::move(checks)}, {"pass", r.pass}};
}

std::string to_markdown(const stress_result& r) {
  std::string md = fmt::format("# Stress tests\n\nSeed {}; workloads: {}.\n\n", r.seed, fmt::join(r.workloads, ", "));
  md += checks_markdown("Stress checks", r.checks, r.pass);
  md += "\n## Runs\n\n";
  md += rows_markdown(r.rows);
  return md;
}

std::vector<std::filesystem::path> write_stress_outputs(const stress_result& r, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::vector<std::filesystem::path> paths{dir / "stress.json", dir / "stress.md"};
  write_output_file(paths[0], to_json(r).dump(2) + "\n");
  write_output_file(paths[1], to_markdown(r));
  return paths;
}

// ---- SW-14 shards and their merge ----

namespace {

constexpr int shard_format_version = 3;  // 2: rows carry optimum_faults (SW-15); 3: peak_footprint_tokens (SW-16)

json shard_rows_json(const std::vector<sweep_row>& rows, const std::vector<std::size_t>& indices) {
  json out = json::array();
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const sweep_row& r = rows[k];
    json trace{{"validated", r.trace.validated}, {"steps", r.trace.steps}};
    if (r.trace.divergence) {
      const auto& d = *r.trace.divergence;
      trace["divergence"] = {{"line", d.line}, {"event", d.event}, {"action", d.action}, {"message", d.message}};
    }
    out.push_back({{"index", indices[k]}, {"family", r.family}, {"tokens_budget", r.tokens_budget},
                   {"metrics", clawvm::to_json(r.metrics)}, {"trace", std::move(trace)},
                   {"optimum_faults", r.optimum_faults ? json(*r.optimum_faults) : json(nullptr)},
                   {"peak_footprint_tokens", r.peak_footprint_tokens ? json(*r.peak_footprint_tokens) : json(nullptr)}});
  }
  return out;
}

sweep_row row_from_shard_json(const json& j) {
  sweep_row r;
  r.family = j.at("family").get<std::string>();
  r.tokens_budget = j.at("tokens_budget").get<std::uint32_t>();
  r.metrics = metrics_from_json(j.at("metrics"));
  if (!j.at("optimum_faults").is_null()) r.optimum_faults = j.at("optimum_faults").get<std::uint64_t>();
  if (!j.at("peak_footprint_tokens").is_null()) r.peak_footprint_tokens = j.at("peak_footprint_tokens").get<std::uint64_t>();
  const json& t = j.at("trace");
  r.trace.validated = t.at("validated").get<bool>();
  r.trace.steps = t.at("steps").get<std::uint64_t>();
  if (t.contains("divergence")) {
    const json& d = t.at("divergence");
    r.trace.divergence = trace_divergence{d.at("line").get<std::uint64_t>(), d.at("event").get<std::string>(),
                                          d.at("action").get<std::string>(), d.at("message").get<std::string>()};
  }
  return r;
}

shard_file_kind sweep_shard_kind(std::string_view kind) {
  return {"clawvm-sweep-shard", shard_format_version, kind, "rows", "configuration"};
}

// The rows of every shard, in grid order, after checking that the shards are the parts of
// one grid; the common grid description in `grid`.
std::variant<std::vector<sweep_row>, std::string> merged_rows(const std::vector<json>& shards, std::string_view kind,
                                                              json& grid, std::size_t size_of_grid(const json&)) {
  auto collected = collect_shard_items(shards, sweep_shard_kind(kind), size_of_grid);
  if (auto* e = std::get_if<std::string>(&collected)) return *e;
  auto& c = std::get<shard_items>(collected);
  grid = std::move(c.grid);
  std::vector<sweep_row> out;
  try {
    for (const json& row : c.items) out.push_back(row_from_shard_json(row));
  } catch (const json::exception& e) {
    return fmt::format("a shard file is malformed: {}", e.what());
  }
  return out;
}

std::size_t sweep_grid_size(const json& g) {
  return g.at("families").size() * g.at("budgets_tokens").size() * g.at("policies").size();
}
std::size_t stress_grid_size(const json& g) {
  return g.at("workloads").size() * g.at("budgets_tokens").size() * g.at("policies").size();
}

}  // namespace

json to_shard_json(const sweep_result& r) {
  json grid{{"seed", r.seed},         {"turns", r.turns},       {"families", r.families},
            {"workloads", r.workloads}, {"budgets_tokens", r.budgets_tokens}, {"policies", r.policies},
            {"budget_scale", to_string(r.scale)}, {"traces_validated", r.traces_validated}};
  return shard_envelope(sweep_shard_kind("tier2"), r.shard, std::move(grid), shard_rows_json(r.rows, r.row_indices));
}

json to_shard_json(const stress_result& r) {
  json grid{{"seed", r.seed}, {"workloads", r.workloads}, {"budgets_tokens", r.budgets_tokens},
            {"policies", r.policies}, {"traces_validated", r.traces_validated}};
  return shard_envelope(sweep_shard_kind("stress"), r.shard, std::move(grid), shard_rows_json(r.rows, r.row_indices));
}

std::variant<sweep_result, std::string> merge_sweep_shards(const std::vector<json>& shards) {
  json grid;
  auto rows = merged_rows(shards, "tier2", grid, sweep_grid_size);
  if (auto* e = std::get_if<std::string>(&rows)) return *e;
  sweep_result r;
  r.seed = grid.at("seed").get<std::uint64_t>();
  r.turns = grid.at("turns").get<std::uint32_t>();
  r.families = grid.at("families").get<std::vector<std::string>>();
  r.workloads = grid.at("workloads").get<std::vector<std::string>>();
  r.budgets_tokens = grid.at("budgets_tokens").get<std::vector<std::uint32_t>>();
  r.policies = grid.at("policies").get<std::vector<std::string>>();
  r.traces_validated = grid.at("traces_validated").get<bool>();
  const auto scale = parse_budget_scale(grid.at("budget_scale").get<std::string>());
  if (!scale) return fmt::format("unknown budget scale '{}' in the shards", grid.at("budget_scale").get<std::string>());
  r.scale = *scale;
  for (const auto& name : r.policies) {
    if (!policy_named(name)) return fmt::format("unknown policy '{}' in the shards", name);
  }
  r.rows = std::move(std::get<std::vector<sweep_row>>(rows));
  finish_sweep(r);
  return r;
}

std::variant<stress_result, std::string> merge_stress_shards(const std::vector<json>& shards) {
  json grid;
  auto rows = merged_rows(shards, "stress", grid, stress_grid_size);
  if (auto* e = std::get_if<std::string>(&rows)) return *e;
  stress_result r;
  r.seed = grid.at("seed").get<std::uint64_t>();
  r.workloads = grid.at("workloads").get<std::vector<std::string>>();
  r.budgets_tokens = grid.at("budgets_tokens").get<std::vector<std::uint32_t>>();
  r.policies = grid.at("policies").get<std::vector<std::string>>();
  r.traces_validated = grid.at("traces_validated").get<bool>();
  for (const auto& name : r.policies) {
    if (!policy_named(name)) return fmt::format("unknown policy '{}' in the shards", name);
  }
  r.rows = std::move(std::get<std::vector<sweep_row>>(rows));
  finish_stress(r);
  return r;
}

}  // namespace clawvm::eval
