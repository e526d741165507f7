// Ablations of ClawVM and the utility-weight sweep: spec/sweep.md SW-11..SW-13.
#include "clawvm/eval/ablation.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "clawvm/eval/parallel.hpp"

namespace clawvm::eval {

using nlohmann::json;

namespace {

// The paper's Table 6 (faults summed over its 4 workloads at budget 180, brief §5).
constexpr std::array<std::pair<std::string_view, int>, 7> paper_ablation_faults{{{"none", 0},
                                                                                 {"no_pointer_resolution", 126},
                                                                                 {"no_writeback_at_compaction", 20},
                                                                                 {"no_auto_pin", 9},
                                                                                 {"no_writeback_at_reset", 3},
                                                                                 {"no_upgrade_scoring", 0},
                                                                                 {"no_prefetch", 0}}};

std::string paper_faults_for(std::string_view ablation_name) {
  for (const auto& [name, faults] : paper_ablation_faults) {
    if (name == ablation_name) return fmt::format("{}", faults);
  }
  return "-";
}

json faults_json(const fault_counters& c) {
  json j = json::object();
  for (auto f : all_fault_kinds) j[std::string(to_string(f))] = c[f];
  return j;
}

void add_counters(fault_counters& sum, const fault_counters& c) {
  for (std::size_t k = 0; k < fault_kind_count; ++k) sum.faults[k] += c.faults[k];
  sum.hits += c.hits;
  sum.misses += c.misses;
  sum.duplicate_signature_alerts += c.duplicate_signature_alerts;
  sum.physical_insufficiency += c.physical_insufficiency;
  sum.commits += c.commits;
  sum.rejections += c.rejections;
  sum.destructive_commits += c.destructive_commits;
  sum.recalls_explained += c.recalls_explained;
}

std::vector<std::pair<std::string, workload>> generate_all(const std::vector<workload_family>& families,
                                                           std::uint64_t seed, std::uint32_t turns,
                                                           std::vector<std::string>& family_names,
                                                           std::vector<std::string>& workload_names) {
  std::vector<std::pair<std::string, workload>> out;
  for (auto f : families) {
    out.emplace_back(std::string(to_string(f)), generate_workload(f, {seed, turns}));
    family_names.emplace_back(to_string(f));
    workload_names.push_back(out.back().second.header.name);
  }
  return out;
}

engine_policy ablated(std::string_view what, void (*change)(engine_policy&)) {
  engine_policy p = policy_clawvm();
  // Traces name the configuration, so a trace of an ablation is never mistaken for ClawVM's.
  p.name = fmt::format("clawvm-{}", what);
  change(p);
  return p;
}

}  // namespace

std::vector<ablation> clawvm_ablations() {
  return {
      {"none", policy_clawvm()},
      {"no_pointer_resolution", ablated("no_pointer_resolution", [](engine_policy& p) { p.pointers_resolve_evidence = false; })},
      {"no_writeback_at_compaction",
       ablated("no_writeback_at_compaction",
               [](engine_policy& p) { p.writeback_at[static_cast<std::size_t>(boundary::compaction)] = false; })},
      {"no_auto_pin", ablated("no_auto_pin", [](engine_policy& p) { p.selector.auto_pin = false; })},
      {"no_writeback_at_reset",
       ablated("no_writeback_at_reset",
               [](engine_policy& p) { p.writeback_at[static_cast<std::size_t>(boundary::reset)] = false; })},
      {"no_upgrade_scoring", ablated("no_upgrade_scoring", [](engine_policy& p) { p.selector.upgrades = upgrade_mode::none; })},
      {"no_prefetch", ablated("no_prefetch", [](engine_policy& p) { p.selector.prefetch_pointers = false; })},
  };
}

ablation_result run_ablations(const ablation_config& config) {
  ablation_result r;
  r.seed = config.seed;
  r.tokens_budget = config.tokens_budget;
  const auto workloads = generate_all(config.families, config.seed, config.turns, r.families, r.workloads);
  const auto ablations = clawvm_ablations();
  const std::size_t per_ablation = workloads.size();
  const auto runs = parallel_map<sweep_row>(
      ablations.size() * per_ablation, config.jobs,
      [&](std::size_t i) {
        const auto& [family, w] = workloads[i % per_ablation];
        return run_configuration(w, family,
                                 sweep_replay_options(ablations[i / per_ablation].policy, config.tokens_budget,
                                                      oracle_lookahead_turns_default),
                                 config.validate_traces);
      },
      config.progress);

  for (std::size_t a = 0; a < ablations.size(); ++a) {
    ablation_row row;
    row.ablation = ablations[a].name;
    double thrash_sum = 0.0;
    for (std::size_t w = 0; w < per_ablation; ++w) {
      const sweep_row& run = runs[a * per_ablation + w];
      add_counters(row.counters, run.metrics.counters);
      row.faults_by_workload.push_back(run.metrics.counters.total_faults());
      thrash_sum += run.metrics.counters.thrash_index();
      row.floor_set_fits = row.floor_set_fits && run.floor_set_fits();
      if (run.trace.divergence) ++r.trace_divergences;
    }
    row.thrash_index = per_ablation == 0 ? 0.0 : thrash_sum / static_cast<double>(per_ablation);
    r.rows.push_back(std::move(row));
  }
  r.traces_validated = config.validate_traces;

  // SW-11: the reference row must be clean wherever its floor set fits.
  std::size_t fitting = 0;
  std::size_t with_faults = 0;
  for (std::size_t w = 0; w < per_ablation; ++w) {
    const sweep_row& run = runs[w];
    if (!run.floor_set_fits()) continue;
    ++fitting;
    if (run.metrics.counters.total_faults() != 0) ++with_faults;
  }
  r.reference_check = {"clawvm_zero_where_floor_fits", with_faults == 0 && r.trace_divergences == 0,
                       fmt::format("full ClawVM: faults in {} of {} workloads whose floor set fits; {} trace divergences",
                                   with_faults, fitting, r.trace_divergences)};
  return r;
}

json to_json(const ablation_result& r) {
  json rows = json::array();
  for (const auto& row : r.rows) {
    json by_workload = json::object();
    for (std::size_t w = 0; w < r.workloads.size(); ++w) by_workload[r.workloads[w]] = row.faults_by_workload[w];
    rows.push_back({{"ablation", row.ablation},
                    {"faults_total", row.counters.total_faults()},
                    {"faults", faults_json(row.counters)},
                    {"faults_by_workload", std::move(by_workload)},
                    {"hits", row.counters.hits},
                    {"duplicate_signature_alerts", row.counters.duplicate_signature_alerts},
                    {"physical_insufficiency", row.counters.physical_insufficiency},
                    {"thrash_index", round_to_6_decimals(row.thrash_index)},
                    {"floor_set_fits", row.floor_set_fits}});
  }
  return {{"format", "clawvm-ablation"},
          {"version", 1},
          {"budget", r.tokens_budget},
          {"seed", r.seed},
          {"families", r.families},
          {"workloads", r.workloads},
          {"rows", std::move(rows)},
          {"reference_check",
           {{"check", r.reference_check.check}, {"pass", r.reference_check.pass}, {"detail", r.reference_check.detail}}},
          {"trace_validation", {{"enabled", r.traces_validated}, {"divergences", r.trace_divergences}}}};
}

std::string to_markdown(const ablation_result& r) {
  std::string md = fmt::format(
      "# Ablations of ClawVM\n\nBudget {} tokens, seed {}; faults summed over the workloads {}. Each row removes one "
      "mechanism from ClawVM (one knob of the engine policy); the paper's numbers (Table 6, its own four workloads) "
      "are shown beside ours for comparison, not as a target.\n\n",
      r.tokens_budget, r.seed, fmt::join(r.workloads, ", "));
  md += "| ablation | faults | paper faults";
  for (auto f : all_fault_kinds) md += fmt::format(" | {}", to_string(f));
  for (const auto& w : r.workloads) md += fmt::format(" | {}", w);
  md += " | mean thrash |\n|---|---:|---:";
  for (std::size_t i = 0; i < fault_kind_count + r.workloads.size(); ++i) md += "|---:";
  md += "|---:|\n";
  for (const auto& row : r.rows) {
    md += fmt::format("| {} | {} | {}", row.ablation, row.counters.total_faults(), paper_faults_for(row.ablation));
    for (auto f : all_fault_kinds) md += fmt::format(" | {}", row.counters[f]);
    for (auto n : row.faults_by_workload) md += fmt::format(" | {}", n);
    md += fmt::format(" | {:.3f} |\n", row.thrash_index);
  }
  md += fmt::format("\nReference check ({}): {}: {}.\n", r.reference_check.check, r.reference_check.pass ? "pass" : "FAIL",
                    r.reference_check.detail);
  md += "\nWhy each removal costs what it costs (spec/sweep.md SW-11): without pointer resolution an evidence page "
        "is served only at its serving level, so every demand of a result held as a pointer is a refetch; without "
        "writeback at compaction (reset) every page still dirty at that boundary is a flush miss; without auto-pin "
        "the restore after a compaction installs bootstrap pages only if they win the upgrade ranking, so a bootstrap "
        "page that loses it is a post-compaction bootstrap fault (the pinned-invariant check runs only for policies "
        "that auto-pin); without upgrade scoring or without prefetch, pointers are still installed (by prefetch, "
        "or by the none-to-pointer upgrade steps, which rank first), so nothing is lost.\n";
  return md;
}

// ---- SW-12 weights ----

weight_sweep_result run_weight_sweep(const weight_sweep_config& config) {
  weight_sweep_result r;
  r.seed = config.seed;
  r.budgets_tokens = config.budgets_tokens;
  const auto workloads = generate_all(config.families, config.seed, config.turns, r.families, r.workloads);

  // Points in grid order; the reference weights are run as point 0 of the task list.
  std::vector<utility_weights> weights{r.reference};
  const utility_weights ref{};
  for (double pin : config.grid.pin_hard) {
    for (double recency : config.grid.recency) {
      for (double recompute : config.grid.recompute) {
        utility_weights w = ref;
        w.pin_hard = pin;
        w.pin_soft = pin * ref.pin_soft / ref.pin_hard;  // exact at pin = 2.0: 0.6
        w.recency = recency;
        w.recompute = recompute;
        weights.push_back(w);
      }
    }
  }
  const std::size_t per_point = workloads.size() * config.budgets_tokens.size();
  const auto runs = parallel_map<fault_counters>(
      weights.size() * per_point, config.jobs,
      [&](std::size_t i) {
        const std::size_t k = i % per_point;
        const auto& [family, w] = workloads[k / config.budgets_tokens.size()];
        engine_policy p = policy_clawvm();
        p.selector.weights = weights[i / per_point];
        const auto options = sweep_replay_options(p, config.budgets_tokens[k % config.budgets_tokens.size()],
                                                  oracle_lookahead_turns_default);
        return run_configuration(w, family, options, false).metrics.counters;
      },
      config.progress);

  auto point_of = [&](std::size_t index) {
    weight_point pt;
    pt.weights = weights[index];
    double thrash_sum = 0.0;
    for (std::size_t k = 0; k < per_point; ++k) {
      const fault_counters& c = runs[index * per_point + k];
      pt.faults_total += c.total_faults();
      thrash_sum += c.thrash_index();
      if (c.faults != runs[k].faults) pt.faults_changed = true;
    }
    pt.thrash_index = per_point == 0 ? 0.0 : thrash_sum / static_cast<double>(per_point);
    return pt;
  };
  const weight_point reference = point_of(0);
  r.reference_faults_total = reference.faults_total;
  r.reference_thrash_index = reference.thrash_index;
  for (std::size_t i = 1; i < weights.size(); ++i) {
    r.points.push_back(point_of(i));
    if (r.points.back().faults_changed) ++r.points_with_changed_faults;
  }
  return r;
}

json to_json(const weight_sweep_result& r) {
  json points = json::array();
  for (const auto& p : r.points) {
    points.push_back({{"pin_hard", round_to_6_decimals(p.weights.pin_hard)},
                      {"pin_soft", round_to_6_decimals(p.weights.pin_soft)},
                      {"recency", round_to_6_decimals(p.weights.recency)},
                      {"recompute", round_to_6_decimals(p.weights.recompute)},
                      {"faults_total", p.faults_total},
                      {"thrash_index", round_to_6_decimals(p.thrash_index)},
                      {"faults_changed", p.faults_changed}});
  }
  return {{"format", "clawvm-weights"},
          {"version", 1},
          {"seed", r.seed},
          {"budgets", r.budgets_tokens},
          {"families", r.families},
          {"workloads", r.workloads},
          {"reference",
           {{"pin_hard", r.reference.pin_hard},
            {"pin_soft", r.reference.pin_soft},
            {"recency", r.reference.recency},
            {"recompute", r.reference.recompute}}},
          {"reference_faults_total", r.reference_faults_total},
          {"reference_thrash_index", round_to_6_decimals(r.reference_thrash_index)},
          {"points", std::move(points)},
          {"points_with_changed_faults", r.points_with_changed_faults}};
}

std::string to_markdown(const weight_sweep_result& r) {
  std::uint64_t faults_min = r.reference_faults_total;
  std::uint64_t faults_max = r.reference_faults_total;
  double thrash_min = r.reference_thrash_index;
  double thrash_max = r.reference_thrash_index;
  for (const auto& p : r.points) {
    faults_min = std::min(faults_min, p.faults_total);
    faults_max = std::max(faults_max, p.faults_total);
    thrash_min = std::min(thrash_min, p.thrash_index);
    thrash_max = std::max(thrash_max, p.thrash_index);
  }
  std::string md = fmt::format(
      "# Utility-weight sensitivity\n\nClawVM over {} at budgets {} (seed {}): {} weight points (pin_hard x recency x "
      "recompute; pin_soft = 0.3 x pin_hard). {} of {} points change some fault count (any kind, any configuration) "
      "relative to the reference weights (pin_hard {}, pin_soft {}, recency {}, recompute {}). The paper reports "
      "that its 84-point sweep changed no fault count.\n\n",
      fmt::join(r.workloads, ", "), fmt::join(r.budgets_tokens, ", "), r.seed, r.points.size(),
      r.points_with_changed_faults, r.points.size(), r.reference.pin_hard, r.reference.pin_soft, r.reference.recency,
      r.reference.recompute);
  md += fmt::format("| metric | reference | min | max |\n|---|---:|---:|---:|\n| faults_total | {} | {} | {} |\n"
                    "| thrash_index (mean) | {:.3f} | {:.3f} | {:.3f} |\n\n",
                    r.reference_faults_total, faults_min, faults_max, r.reference_thrash_index, thrash_min, thrash_max);
  md += "| pin_hard | pin_soft | recency | recompute | faults | thrash | changed |\n|---:|---:|---:|---:|---:|---:|---|\n";
  for (const auto& p : r.points) {
    md += fmt::format("| {:.2f} | {:.2f} | {:.2f} | {:.2f} | {} | {:.3f} | {} |\n", p.weights.pin_hard,
                      p.weights.pin_soft, p.weights.recency, p.weights.recompute, p.faults_total, p.thrash_index,
                      p.faults_changed ? "yes" : "no");
  }
  return md;
}

std::vector<std::filesystem::path> write_ablation_outputs(const ablation_result& ablations,
                                                          const weight_sweep_result& weights,
                                                          const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::vector<std::filesystem::path> paths{dir / "ablation.json", dir / "ablation.md", dir / "weights.json",
                                                 dir / "weights.md"};
  write_output_file(paths[0], to_json(ablations).dump(2) + "\n");
  write_output_file(paths[1], to_markdown(ablations));
  write_output_file(paths[2], to_json(weights).dump(2) + "\n");
  write_output_file(paths[3], to_markdown(weights));
  return paths;
}

}  // namespace clawvm::eval
