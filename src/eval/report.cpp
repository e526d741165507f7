// The evaluation report (spec/report.md). The documents are read once into typed
// structs (report_documents.hpp), then turned into a format-neutral model (sections of
// paragraphs, SVG charts and tables of styled cells); report.html and report.md are two printers of that model, so both always show the
// same numbers.

#include "clawvm/eval/report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "clawvm/eval/svg.hpp"
#include "clawvm/eval/sweep.hpp"
#include "clawvm/faults.hpp"
#include "report_documents.hpp"

namespace clawvm::eval {

namespace {

using json = nlohmann::json;
using namespace report_documents;  // the typed documents every section renders

// ---------------------------------------------------------------------------------------
// Errors (RPT-6): every message starts with the document's file name.

[[noreturn]] void fail(std::string_view document, std::string_view what) {
  throw std::runtime_error(fmt::format("{}: {}", document, what));
}

// ---------------------------------------------------------------------------------------
// The model both printers read.

enum class cell_style { text, number, code, pass, fail, muted };

struct cell {
  std::string text;
  cell_style style = cell_style::text;
};

using paragraph = std::vector<cell>;  // inline runs: a status badge inside a sentence

struct table {
  table(std::string caption_text, std::vector<std::string> header_names, bool collapsed = false)
      : caption(std::move(caption_text)), header(std::move(header_names)), collapsed_in_html(collapsed) {}
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<cell>> rows;
  // HTML folds the table into <details> (long tables, or the data behind a chart);
  // markdown always shows it.
  bool collapsed_in_html = false;
};

// The page is 1140 px wide: a wide chart takes a row, narrow ones sit two to a row.
constexpr int wide_chart_px = 1138;  // + 1 px border each side
constexpr int narrow_chart_px = 558;

struct chart {
  std::string svg;
  bool wide = false;
};

struct section {
  section(std::string section_id, std::string section_title)
      : id(std::move(section_id)), title(std::move(section_title)) {}
  std::string id;
  std::string title;
  bool run = true;  // false: the document is absent and the section says "not run"
  std::vector<paragraph> paragraphs;
  std::vector<chart> charts;  // in reading order
  std::vector<table> tables;
};

constexpr std::string_view not_run_text = "not run";
constexpr std::string_view absent_value = report_documents::absent_text;  // em dash: no value in the document

cell text_cell(std::string text) { return {std::move(text), cell_style::text}; }
cell number_cell(std::string text) { return {std::move(text), cell_style::number}; }
cell verdict_cell(bool pass) { return {pass ? "PASS" : "FAIL", pass ? cell_style::pass : cell_style::fail}; }

section not_run_section(std::string id, std::string title) {
  section s{std::move(id), std::move(title)};
  s.run = false;
  s.paragraphs.push_back({cell{std::string(not_run_text), cell_style::muted}});
  return s;
}

// ---------------------------------------------------------------------------------------
// Values (RPT-10): how a document's value (report_documents::value) becomes a cell.

cell absent_cell() { return cell{std::string(absent_value), cell_style::muted}; }

// Null and absent as a muted em dash, booleans as verdicts, numbers right-aligned.
cell value_cell(const value& v, int decimals = 3) {
  if (v.type() == value::kind::absent || v.type() == value::kind::null) return absent_cell();
  if (v.is_boolean()) return verdict_cell(v.flag());
  return {v.text(decimals), v.is_number() ? cell_style::number : cell_style::text};
}

std::string mean_text(double number, int decimals) {
  return std::isfinite(number) ? svg::fixed(number, decimals) : std::string(absent_value);
}

const value* count_of(const counts& map, std::string_view name) {
  for (const auto& [key, count] : map)
    if (key == name) return &count;
  return nullptr;
}

// A count map's value as a cell; absent when the map has no such key.
cell count_cell(const counts& map, std::string_view name) {
  const value* count = count_of(map, name);
  return count == nullptr ? absent_cell() : value_cell(*count);
}

// Fault kinds in FT-1 order, then any other name a document uses (sorted), so that a
// kind added later still shows up instead of being dropped.
class fault_kind_order {
 public:
  fault_kind_order() {
    for (const fault_kind kind : all_fault_kinds) names_.emplace_back(to_string(kind));
  }
  void add_from(const counts& map) {
    for (const auto& [name, count] : map)
      if (std::find(names_.begin(), names_.end(), name) == names_.end()) extra_.push_back(name);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out = names_;
    std::vector<std::string> extra = extra_;
    std::sort(extra.begin(), extra.end());
    extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::string> extra_;
};

// "flush_miss=2, refetch=1": the non-zero entries of a count map in `order`, then any
// key not in `order` (key order). Empty when everything is zero.
std::string breakdown_text(const counts& map, const std::vector<std::string>& order = {}) {
  std::string out;
  const auto add = [&](const std::string& name, const value& count) {
    if (count.is_number() && count.number_or_missing() == 0.0) return;
    out += fmt::format("{}{}={}", out.empty() ? "" : ", ", name, count.text());
  };
  for (const auto& name : order)
    if (const value* count = count_of(map, name)) add(name, *count);
  for (const auto& [name, count] : map)
    if (std::find(order.begin(), order.end(), name) == order.end()) add(name, count);
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

class policy_colours {
 public:
  std::string operator()(const std::string& policy) {
    static const std::map<std::string, std::string, std::less<>> known{
        {"retrieval", "#D55E00"}, {"retrieval_cache", "#E69F00"}, {"compaction_hybrid", "#CC79A7"},
        {"lru", "#56B4E9"},       {"clawvm", "#0072B2"},          {"oracle", "#009E73"},
        {"cache_aware", "#332288"}};
    static constexpr std::array<std::string_view, 4> spare{"#999999", "#8C564B", "#7F7F00", "#17BECF"};
    if (const auto it = known.find(policy); it != known.end()) return it->second;
    return assigned_.try_emplace(policy, std::string(spare[assigned_.size() % spare.size()])).first->second;
  }

 private:
  std::map<std::string, std::string> assigned_;
};

std::string fault_kind_colour(const std::string& kind, std::size_t index) {
  static const std::map<std::string, std::string, std::less<>> known{
      {"refetch", "#4E79A7"},    {"duplicate_tool", "#F28E2B"}, {"post_compaction_bootstrap", "#E15759"},
      {"flush_miss", "#76B7B2"}, {"silent_recall", "#59A14F"},  {"pinned_invariant_miss", "#B8860B"}};
  static constexpr std::array<std::string_view, 4> spare{"#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC"};
  if (const auto it = known.find(kind); it != known.end()) return it->second;
  return std::string(spare[index % spare.size()]);
}

// The paper's numbers (brief §5), shown next to ours: the report reproduces them.
struct paper_policy_result {
  std::string_view policy;
  double mean_faults;
  double thrash;
};
// LRU "with the same structure: identical to ClawVM", so it has ClawVM's numbers.
constexpr std::array<paper_policy_result, 6> paper_by_policy{{{"retrieval", 67.8, 3.993},
                                                              {"retrieval_cache", 10.8, 1.642},
                                                              {"compaction_hybrid", 1.5, 1.017},
                                                              {"lru", 0.0, 0.901},
                                                              {"clawvm", 0.0, 0.901},
                                                              {"oracle", 0.0, 0.901}}};
constexpr std::array<std::pair<std::string_view, int>, 7> paper_ablation_faults{{{"none", 0},
                                                                                 {"no_pointer_resolution", 126},
                                                                                 {"no_writeback_at_compaction", 20},
                                                                                 {"no_auto_pin", 9},
                                                                                 {"no_writeback_at_reset", 3},
                                                                                 {"no_upgrade_scoring", 0},
                                                                                 {"no_prefetch", 0}}};

const paper_policy_result* paper_result_for(std::string_view policy) {
  for (const auto& r : paper_by_policy)
    if (r.policy == policy) return &r;
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Sections: each renders one typed document (report_documents.hpp).

// Mean of `metric` over the rows of one (budget, policy), optionally of one family.
template <class Metric>
std::vector<std::vector<double>> mean_by_policy_and_budget(const tier2_document& tier2, const std::string* family,
                                                           Metric&& metric) {
  const auto& policies = tier2.policies;
  const auto& budgets = tier2.budgets;
  std::vector<std::vector<double>> sums(policies.size(), std::vector<double>(budgets.size(), 0.0));
  std::vector<std::vector<int>> counts(policies.size(), std::vector<int>(budgets.size(), 0));
  for (const auto& row : tier2.rows) {
    if (family != nullptr && row.family != *family) continue;
    const auto policy = std::find(policies.begin(), policies.end(), row.policy);
    const auto budget = std::find(budgets.begin(), budgets.end(), row.budget);
    const double v = metric(row).number_or_missing();
    if (policy == policies.end() || budget == budgets.end() || !std::isfinite(v)) continue;
    const auto p = static_cast<std::size_t>(policy - policies.begin());
    const auto b = static_cast<std::size_t>(budget - budgets.begin());
    sums[p][b] += v;
    counts[p][b] += 1;
  }
  for (std::size_t p = 0; p < sums.size(); ++p)
    for (std::size_t b = 0; b < sums[p].size(); ++b)
      sums[p][b] = counts[p][b] == 0 ? svg::missing_value : sums[p][b] / counts[p][b];
  return sums;
}

// The optimum per budget (SW-15): the same for every policy's row of a configuration, so
// the first policy whose rows carry it gives it; empty when no row does (an older document).
std::vector<double> mean_optimum_by_budget(const tier2_document& tier2, const std::string* family) {
  for (const auto& means :
       mean_by_policy_and_budget(tier2, family, [](const tier2_row& r) -> const value& { return r.optimum_faults; }))
    if (std::any_of(means.begin(), means.end(), [](double v) { return std::isfinite(v); })) return means;
  return {};
}

// The optimum's line: black, a name no policy has.
constexpr std::string_view optimum_line_name = "optimum";
constexpr std::string_view optimum_colour = "#000000";

void add_faults_vs_budget(section& s, const tier2_document& tier2, const std::string* family, bool wide,
                          policy_colours& colours) {
  const auto means =
      mean_by_policy_and_budget(tier2, family, [](const tier2_row& r) -> const value& { return r.faults_total; });
  const std::vector<double> optimum = mean_optimum_by_budget(tier2, family);
  const std::string name = family == nullptr ? "All families (mean per configuration)" : *family;

  svg::line_chart chart;
  chart.title = family == nullptr ? "Mean faults per configuration vs budget" : "Faults vs budget: " + *family;
  chart.x_label = "budget (tokens)";
  chart.y_label = "faults";
  chart.x = tier2.budgets;
  chart.scale = svg::y_scale::log1p;
  chart.width_px = wide ? wide_chart_px : narrow_chart_px;
  if (wide) chart.height_px = 330;
  for (std::size_t p = 0; p < tier2.policies.size(); ++p)
    chart.lines.push_back({tier2.policies[p], colours(tier2.policies[p]), means[p]});
  if (!optimum.empty()) chart.lines.push_back({std::string(optimum_line_name), std::string(optimum_colour), optimum});
  s.charts.push_back({svg::render(chart), wide});

  table t{name + ": mean faults_total by budget", {"budget"}, true};
  for (const auto& policy : tier2.policies) t.header.push_back(policy);
  if (!optimum.empty()) t.header.emplace_back(optimum_line_name);
  for (std::size_t b = 0; b < tier2.budgets.size(); ++b) {
    std::vector<cell> row{number_cell(tier2.budget_labels[b])};
    for (std::size_t p = 0; p < tier2.policies.size(); ++p) row.push_back(number_cell(mean_text(means[p][b], 2)));
    if (!optimum.empty()) row.push_back(number_cell(mean_text(optimum[b], 2)));
    t.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(t));
}

void faults_vs_budget_section(section& s, const tier2_document& tier2, policy_colours& colours) {
  s.paragraphs.push_back({text_cell(fmt::format(
      "{} families \xC3\x97 {} budgets \xC3\x97 {} policies, seed {}. Faults are the explicit, policy-controllable "
      "faults (brief \xC2\xA7" "4); the y axes are log scaled so that 0, 1 and 60 faults stay apart.",
      tier2.families.size(), tier2.budgets.size(), tier2.policies.size(), tier2.seed.text()))});
  add_faults_vs_budget(s, tier2, nullptr, true, colours);
  for (const auto& family : tier2.families) add_faults_vs_budget(s, tier2, &family, false, colours);
}

// Which faults each policy suffers, summed over the whole sweep.
void add_faults_by_kind(section& s, const tier2_document& tier2) {
  fault_kind_order kinds;
  for (const auto& row : tier2.rows) kinds.add_from(row.faults);
  const std::vector<std::string> kind_names = kinds.names();
  svg::grouped_bar_chart by_kind;
  by_kind.title = "Faults by kind per policy (sum over the sweep)";
  by_kind.y_label = "faults";
  by_kind.categories = tier2.policies;
  by_kind.width_px = wide_chart_px;
  by_kind.height_px = 300;
  for (std::size_t k = 0; k < kind_names.size(); ++k) {
    std::vector<double> sums(tier2.policies.size(), 0.0);
    for (const auto& row : tier2.rows) {
      const auto policy = std::find(tier2.policies.begin(), tier2.policies.end(), row.policy);
      if (policy == tier2.policies.end()) continue;
      if (const value* count = count_of(row.faults, kind_names[k]); count != nullptr && count->is_number())
        sums[static_cast<std::size_t>(policy - tier2.policies.begin())] += count->number_or_missing();
    }
    by_kind.groups.push_back({kind_names[k], fault_kind_colour(kind_names[k], k), sums});
  }
  s.charts.push_back({svg::render(by_kind), true});
}

// One bar per policy in its own colour: one series per policy, non-zero only in its own
// row. `metric` picks the value of a by_policy entry.
template <class Metric>
std::string per_policy_bar_chart(const tier2_document& tier2, policy_colours& colours, std::string title,
                                 std::string x_label, int decimals, Metric&& metric) {
  svg::horizontal_bar_chart chart;
  chart.title = std::move(title);
  chart.x_label = std::move(x_label);
  chart.value_decimals = decimals;
  chart.width_px = narrow_chart_px;
  chart.show_legend = false;
  const auto& by_policy = tier2.by_policy;
  for (std::size_t i = 0; i < by_policy.size(); ++i) {
    const std::string& policy = by_policy[i].policy;
    chart.categories.push_back(policy);
    std::vector<double> values(by_policy.size(), svg::missing_value);
    values[i] = metric(by_policy[i]).number_or_missing();
    chart.segments.push_back({policy, colours(policy), std::move(values)});
  }
  return svg::render(chart);
}

// A policy's mean faults per configuration over the rows of the paper's four Tier-2
// families (GEN-1), the ones the paper's magnitudes describe; missing without such rows.
double mean_faults_on_paper_families(const tier2_document& tier2, const std::string& policy) {
  double sum = 0.0;
  std::size_t rows = 0;
  for (const auto& row : tier2.rows) {
    const bool paper_family = std::any_of(paper_tier2_families.begin(), paper_tier2_families.end(),
                                          [&](workload_family f) { return to_string(f) == row.family; });
    if (!paper_family || row.policy != policy) continue;
    sum += row.faults_total.number_or_missing();
    ++rows;
  }
  return rows == 0 ? svg::missing_value : sum / static_cast<double>(rows);
}

// The same policy's mean faults in the sweep run with the artifact's budget scale (SW-17).
const value* scaled_mean_faults(const tier2_document* scaled, const std::string& policy) {
  if (scaled == nullptr) return nullptr;
  for (const auto& entry : scaled->by_policy) {
    if (entry.policy == policy) return &entry.mean_faults;
  }
  return nullptr;
}

void policies_section(section& s, const tier2_document& tier2, const tier2_document* scaled, policy_colours& colours) {
  const auto& by_policy = tier2.by_policy;
  s.charts.push_back({per_policy_bar_chart(tier2, colours, "Mean faults per configuration", "mean faults_total", 2,
                                           [](const policy_means& e) -> const value& { return e.mean_faults; }),
                      false});
  s.charts.push_back({per_policy_bar_chart(tier2, colours, "Mean thrash index",
                                           "thrash = (faults + alerts) / (hits + 1)", 3,
                                           [](const policy_means& e) -> const value& { return e.mean_thrash; }),
                      false});
  add_faults_by_kind(s, tier2);

  table t{"Per policy (paper: brief \xC2\xA7" "5)",
          {"policy", "mean faults", "on the paper's four families", "paper mean faults", "total faults",
           "mean optimum gap", "mean thrash", "paper thrash"}};
  if (scaled != nullptr) t.header.insert(t.header.begin() + 2, "with the artifact's budget scale");
  double retrieval_thrash = svg::missing_value;
  double clawvm_thrash = svg::missing_value;
  for (const auto& entry : by_policy) {
    const paper_policy_result* paper = paper_result_for(entry.policy);
    const double thrash = entry.mean_thrash.number_or_missing();
    if (entry.policy == "retrieval") retrieval_thrash = thrash;
    if (entry.policy == "clawvm") clawvm_thrash = thrash;
    const double on_paper_families = mean_faults_on_paper_families(tier2, entry.policy);
    std::vector<cell> row{
        text_cell(entry.policy), value_cell(entry.mean_faults, 2),
        number_cell(std::isfinite(on_paper_families) ? svg::fixed(on_paper_families, 2) : std::string(absent_value)),
        number_cell(paper ? svg::fixed(paper->mean_faults, 1) : std::string(absent_value)),
        value_cell(entry.total_faults), value_cell(entry.mean_optimum_gap, 2), value_cell(entry.mean_thrash, 3),
        number_cell(paper ? svg::fixed(paper->thrash, 3) : std::string(absent_value))};
    if (scaled != nullptr) {
      const value* with_scale = scaled_mean_faults(scaled, entry.policy);
      row.insert(row.begin() + 2, with_scale ? value_cell(*with_scale, 2) : absent_cell());
    }
    t.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(t));
  s.paragraphs.push_back({text_cell(
      "How close to the paper, and why not closer: ClawVM and the Oracle match it (no fault wherever capacity is "
      "sufficient; they fault only where the budget binds, on cross_reference). The baselines fault more than the "
      "paper's, most of all Retrieval+Cache and Compaction-Hybrid: every family here exercises a lifecycle fault a "
      "baseline cannot avoid by construction (without restore a boundary loses the working set, without writeback "
      "at reset and session end dirty state is lost, without explanation an empty recall is silent), and the "
      "paper's families are not public. The artifact's multi-session budget scale only makes the baselines fault "
      "more, where the budget binds (spec/sweep.md SW-6 note, SW-17).")});
  if (std::isfinite(retrieval_thrash) && std::isfinite(clawvm_thrash) && retrieval_thrash > 0.0)
    s.paragraphs.push_back({text_cell(fmt::format(
        "Thrash, ClawVM vs Retrieval: {}% (paper: -77.4%).",
        svg::fixed((clawvm_thrash - retrieval_thrash) / retrieval_thrash * 100.0, 1)))});
}

void ablation_section(section& s, const ablation_document& ablation) {
  s.paragraphs.push_back({text_cell(fmt::format(
      "ClawVM with one mechanism removed at a time, budget {}, seed {}; faults summed over the workloads. "
      "\"none\" is ClawVM with nothing removed.",
      ablation.budget.text(), ablation.seed.text()))});

  fault_kind_order kinds;
  for (const auto& row : ablation.rows) kinds.add_from(row.faults);
  const std::vector<std::string> kind_names = kinds.names();

  svg::horizontal_bar_chart chart;
  chart.title = fmt::format("Faults by removed mechanism (budget {})", ablation.budget.text());
  chart.x_label = "faults (stacked by kind)";
  chart.width_px = wide_chart_px;
  for (const auto& row : ablation.rows) chart.categories.push_back(row.ablation);
  for (std::size_t k = 0; k < kind_names.size(); ++k) {
    std::vector<double> values;
    for (const auto& row : ablation.rows) {
      const value* count = count_of(row.faults, kind_names[k]);
      values.push_back(count == nullptr ? 0.0 : count->number_or_missing());
    }
    chart.segments.push_back({kind_names[k], fault_kind_colour(kind_names[k], k), values});
  }
  s.charts.push_back({svg::render(chart), true});

  table t{"Faults by removed mechanism", {"ablation", "faults", "paper faults"}};
  for (const auto& kind : kind_names) t.header.push_back(kind);
  t.header.push_back("thrash");
  for (const auto& row : ablation.rows) {
    std::string paper(absent_value);
    for (const auto& [ablation_name, faults] : paper_ablation_faults)
      if (ablation_name == row.ablation) paper = fmt::format("{}", faults);
    std::vector<cell> r{text_cell(row.ablation), value_cell(row.faults_total), number_cell(paper)};
    for (const auto& kind : kind_names) r.push_back(count_cell(row.faults, kind));
    r.push_back(value_cell(row.thrash_index, 3));
    t.rows.push_back(std::move(r));
  }
  s.tables.push_back(std::move(t));
}

template <class Items, class Passed>
std::size_t count_passed(const Items& items, Passed&& passed) {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), passed));
}

void tier1_section(section& s, const tier1_document& tier1) {
  const std::size_t passed = count_passed(tier1.gates, [](const gate& g) { return g.pass; });
  s.paragraphs.push_back({text_cell("Overall: "), verdict_cell(tier1.pass),
                          text_cell(fmt::format(" ({} of {} gates pass). Each gate must raise the expected fault or "
                                                "reason under its baseline and none under ClawVM.",
                                                passed, tier1.gates.size()))});

  const fault_kind_order kinds;
  const auto faults_text = [&](const gate_side& side) {
    const std::string detail = breakdown_text(side.faults, kinds.names());
    const std::string total = side.faults_total.text();
    return detail.empty() ? total : fmt::format("{} ({})", total, detail);
  };
  const auto reasons_text = [&](const gate_side& side) {
    const std::string text = breakdown_text(side.reasons);
    return text.empty() ? std::string(absent_value) : text;
  };
  // Workload and detail are long free text: they get their own table so that the
  // verdict table stays one screen wide.
  table t{"Gates",
          {"gate", "ClawVM faults", "ClawVM reasons", "baseline", "baseline faults", "baseline reasons",
           "expected under baseline", "ClawVM", "baseline", "gate"}};
  table details{"Gate details", {"gate", "workload", "budget", "detail"}};
  for (const auto& g : tier1.gates) {
    const std::string expected = joined(g.baseline.expected);
    t.rows.push_back({text_cell(g.name), text_cell(faults_text(g.clawvm)), text_cell(reasons_text(g.clawvm)),
                      text_cell(g.baseline.name.text()), text_cell(faults_text(g.baseline)),
                      text_cell(reasons_text(g.baseline)),
                      text_cell(expected.empty() ? std::string(absent_value) : expected), value_cell(g.clawvm.pass),
                      value_cell(g.baseline.pass), verdict_cell(g.pass)});
    details.rows.push_back({text_cell(g.name), text_cell(g.workload.text()), value_cell(g.budget), text_cell(g.detail)});
  }
  s.tables.push_back(std::move(t));
  s.tables.push_back(std::move(details));
}

void shape_section(section& s, const tier2_document& tier2) {
  const std::size_t passed = count_passed(tier2.shape, [](const check& c) { return c.pass; });
  s.paragraphs.push_back({text_cell("The qualitative shape of the paper's results: "), verdict_cell(tier2.shape_pass),
                          text_cell(fmt::format(" ({} of {} checks pass).", passed, tier2.shape.size()))});
  table t{"Shape checks", {"check", "result", "detail"}};
  for (const auto& c : tier2.shape) t.rows.push_back({text_cell(c.name), verdict_cell(c.pass), text_cell(c.detail)});
  s.tables.push_back(std::move(t));
}

void weights_section(section& s, const weights_document& weights) {
  const value& reference = weights.reference_faults_total;
  s.paragraphs.push_back({text_cell(fmt::format(
      "{} weight points (pin_hard, pin_soft, recency, recompute) around the defaults; {} of them change "
      "faults_total from the reference {}.",
      weights.points.size(), weights.points_with_changed_faults.text(), reference.text()))});

  // Range over the points; stays infinite (printed as an em dash) when no point has it.
  struct range {
    double low = std::numeric_limits<double>::infinity();
    double high = -std::numeric_limits<double>::infinity();
    void add(double v) {
      if (!std::isfinite(v)) return;
      low = std::min(low, v);
      high = std::max(high, v);
    }
  };
  range faults_range;
  range thrash_range;
  for (const auto& point : weights.points) {
    faults_range.add(point.faults_total.number_or_missing());
    thrash_range.add(point.thrash_index.number_or_missing());
  }
  table summary{"Summary", {"metric", "reference", "min", "max"}};
  summary.rows.push_back({text_cell("faults_total"), number_cell(reference.text()),
                          number_cell(mean_text(faults_range.low, 0)), number_cell(mean_text(faults_range.high, 0))});
  summary.rows.push_back({text_cell("thrash_index"), number_cell(std::string(absent_value)),
                          number_cell(mean_text(thrash_range.low, 3)), number_cell(mean_text(thrash_range.high, 3))});
  s.tables.push_back(std::move(summary));

  table t{"Weight points", {"pin_hard", "pin_soft", "recency", "recompute", "faults", "thrash", "changed"}};
  t.collapsed_in_html = weights.points.size() > 12;
  for (const auto& point : weights.points) {
    const bool changed = point.faults_total.present() && !(point.faults_total == reference);
    t.rows.push_back({value_cell(point.pin_hard, 2), value_cell(point.pin_soft, 2), value_cell(point.recency, 2),
                      value_cell(point.recompute, 2), value_cell(point.faults_total),
                      value_cell(point.thrash_index, 3),
                      changed ? cell{"changed", cell_style::fail} : cell{"same", cell_style::muted}});
  }
  s.tables.push_back(std::move(t));
}

void tier2_table_section(section& s, const tier2_document& tier2) {
  fault_kind_order kinds;
  for (const auto& row : tier2.rows) kinds.add_from(row.faults);
  const std::vector<std::string> kind_names = kinds.names();
  table t{fmt::format("{} configurations", tier2.rows.size()), {"family", "workload", "budget", "policy", "faults"}};
  t.collapsed_in_html = true;
  for (const auto& kind : kind_names) t.header.push_back(kind);
  for (const char* column : {"hits", "alerts", "thrash", "oracle gap", "optimum gap", "tokens used",
                             "physical insufficiency", "floor fits"})
    t.header.emplace_back(column);
  for (const auto& row : tier2.rows) {
    std::vector<cell> r{text_cell(row.family), text_cell(row.workload.text()), value_cell(row.budget_value),
                        text_cell(row.policy), value_cell(row.faults_total)};
    for (const auto& kind : kind_names) r.push_back(count_cell(row.faults, kind));
    r.push_back(value_cell(row.hits));
    r.push_back(value_cell(row.duplicate_signature_alerts));
    r.push_back(value_cell(row.thrash_index, 3));
    r.push_back(value_cell(row.oracle_gap));
    r.push_back(value_cell(row.optimum_gap));
    r.push_back(value_cell(row.tokens_used_total));
    r.push_back(value_cell(row.physical_insufficiency));
    r.push_back(row.floor_set_fits.is_boolean() ? text_cell(row.floor_set_fits.text()) : value_cell(row.floor_set_fits));
    t.rows.push_back(std::move(r));
  }
  s.tables.push_back(std::move(t));
}

// Real sessions without the aggregates of spec/real.md (an older or hand-made document
// that only has "rows"): every key any row has, in the order first seen.
void add_real_rows_table(section& s, const real_rows& rows) {
  table t{fmt::format("{} rows", rows.cells.size()), rows.columns};
  t.collapsed_in_html = rows.cells.size() > 20;
  for (const auto& row : rows.cells) {
    std::vector<cell> r;
    for (const auto& v : row) r.push_back(value_cell(v));
    t.rows.push_back(std::move(r));
  }
  s.tables.push_back(std::move(t));
}

// A median of whole faults: "8" or "8.5".
std::string real_median_text(const value& median) {
  if (!median.is_number()) return std::string(absent_value);
  const double v = median.number_or_missing();
  return svg::fixed(v, std::floor(v) == v ? 0 : 1);
}

// The real-session aggregates with their budget grid and lookups by configuration.
struct real_view {
  const real_aggregates& doc;
  std::vector<std::pair<value, std::string>> grid;  // (budget, kind): the budgets, then the windows

  explicit real_view(const real_aggregates& real) : doc(real) {
    for (const auto& b : real.budgets) grid.emplace_back(b, "budget");
    for (const auto& w : real.windows) grid.emplace_back(w, "window");
  }
  static std::string grid_label(const std::pair<value, std::string>& g) {
    return g.second == "window" ? "window " + g.first.text(0) : g.first.text(0);
  }
  const real_summary* entry(const std::string& cut, const value& budget, std::string_view kind,
                            const std::string& policy) const {
    for (const auto& e : doc.by_policy)
      if (e.cut == cut && e.budget == budget && e.budget_kind == kind && e.policy == policy) return &e;
    return nullptr;
  }
  double median_faults(const std::string& cut, const value& budget, std::string_view kind,
                       const std::string& policy) const {
    const real_summary* e = entry(cut, budget, kind, policy);
    return e == nullptr ? svg::missing_value : e->median_faults.number_or_missing();
  }
};

std::vector<std::string> value_texts(const std::vector<value>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) out.push_back(v.text());
  return out;
}

std::pair<std::size_t, std::size_t> asserted_checks_passed(const std::vector<check>& checks) {
  std::size_t asserted = 0;
  std::size_t passed = 0;
  for (const auto& c : checks) {
    if (c.informative) continue;
    ++asserted;
    passed += c.pass ? 1U : 0U;
  }
  return {asserted, passed};
}

// The overview, the verdict and the checks (RL-7, RL-8).
void add_real_verdict(section& s, const real_view& v) {
  const auto [asserted, passed] = asserted_checks_passed(v.doc.checks);
  s.paragraphs.push_back({text_cell(fmt::format(
      "{} {} sessions, cut at {} turns (a session enters a cut when it has that many turns), replayed at budgets "
      "{} and at context windows {} under {} policies; oracle lookahead {}, importer window {} tokens. Verdict: ",
      v.doc.sessions.size(), v.doc.source_format.text(), joined(v.doc.cuts), joined(value_texts(v.doc.budgets)),
      joined(value_texts(v.doc.windows)), v.doc.policies.size(), v.doc.lookahead_turns.text(),
      v.doc.import_window_tokens.text())),
                          verdict_cell(v.doc.pass),
                          text_cell(fmt::format(" ({} of {} checks pass; informative checks do not decide).", passed,
                                                asserted))});
  s.paragraphs.push_back({text_cell(
      "Policy-controllable faults are checked where the capacity suffices: a configuration (session, cut, budget) "
      "qualifies when the session's peak footprint (every assembly's required set plus a pointer for every other "
      "live page, measured by the capacity probe of spec/real.md RL-4) fits the budget. Elsewhere faults are "
      "partly caused by capacity; the oracle gap says how many a lookahead policy avoids.")});

  table check_table{"Checks", {"check", "result", "detail"}};
  for (const auto& c : v.doc.checks)
    check_table.rows.push_back(
        {text_cell(c.name),
         c.informative ? cell{fmt::format("informative: {}", c.pass ? "pass" : "fail"), cell_style::muted}
                       : verdict_cell(c.pass),
         text_cell(c.detail)});
  s.tables.push_back(std::move(check_table));
}

// The paper's numbers next to ours: median faults per session at the reference budget.
void add_real_paper_comparison(section& s, const real_view& v) {
  const auto paper_value = [&](const std::string& policy, const std::string& cut) -> const value* {
    for (const auto& entry : v.doc.paper)
      if (entry.policy == policy && entry.cut == cut) return &entry.median_faults;
    return nullptr;
  };
  const value& reference = v.doc.reference_budget;
  svg::grouped_bar_chart paper_chart;
  paper_chart.title = fmt::format("Median faults per session at budget {}, ours and the paper's", reference.text());
  paper_chart.y_label = "median faults";
  paper_chart.categories = v.doc.policies;
  paper_chart.value_decimals = 1;
  paper_chart.width_px = wide_chart_px;
  // Blues for our cuts, browns for the paper's: none of them is a policy colour, which
  // would suggest a policy where a bar means a cut.
  constexpr std::array<std::string_view, 3> cut_colours{"#0072B2", "#56B4E9", "#999999"};
  constexpr std::array<std::string_view, 2> paper_colours{"#8C564B", "#C49C94"};
  for (std::size_t c = 0; c < v.doc.cuts.size(); ++c) {
    std::vector<double> values;
    for (const auto& policy : v.doc.policies) values.push_back(v.median_faults(v.doc.cuts[c], reference, "budget", policy));
    paper_chart.groups.push_back({"cut " + v.doc.cuts[c], std::string(cut_colours[c % cut_colours.size()]), values});
  }
  for (std::size_t c = 0; c < paper_colours.size(); ++c) {
    const std::string cut = c == 0 ? "100" : "200";
    std::vector<double> values;
    for (const auto& policy : v.doc.policies) {
      const value* median = paper_value(policy, cut);
      values.push_back(median == nullptr ? svg::missing_value : median->number_or_missing());
    }
    paper_chart.groups.push_back({"paper, cut " + cut, std::string(paper_colours[c]), values});
  }
  s.charts.push_back({svg::render(paper_chart), true});

  table paper_table{fmt::format("Median faults per session at budget {} (paper: brief \xC2\xA7" "5)", reference.text()),
                    {"policy"}};
  for (const auto& cut : v.doc.cuts) {
    paper_table.header.push_back("cut " + cut);
    if (cut == "100" || cut == "200") paper_table.header.push_back("paper, cut " + cut);
  }
  for (const auto& policy : v.doc.policies) {
    std::vector<cell> row{text_cell(policy)};
    for (const auto& cut : v.doc.cuts) {
      const real_summary* entry = v.entry(cut, reference, "budget", policy);
      row.push_back(number_cell(entry == nullptr ? std::string(absent_value) : real_median_text(entry->median_faults)));
      if (cut == "100" || cut == "200") {
        const value* median = paper_value(policy, cut);
        row.push_back(number_cell(median == nullptr ? std::string(absent_value) : real_median_text(*median)));
      }
    }
    paper_table.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(paper_table));
}

// Median faults vs the paper's budgets, one chart per cut; windows are in the tables.
void add_real_budget_curves(section& s, const real_view& v) {
  policy_colours colours;
  for (const auto& cut : v.doc.cuts) {
    svg::line_chart chart;
    chart.title = fmt::format("Median faults per session vs budget: cut {}", cut);
    chart.x_label = "budget (tokens)";
    chart.y_label = "median faults";
    chart.scale = svg::y_scale::log1p;
    for (const auto& b : v.doc.budgets) chart.x.push_back(b.number_or_missing());
    for (const auto& policy : v.doc.policies) {
      std::vector<double> values;
      for (const auto& b : v.doc.budgets) values.push_back(v.median_faults(cut, b, "budget", policy));
      chart.lines.push_back({policy, colours(policy), values});
    }
    s.charts.push_back({svg::render(chart), false});

    table t{fmt::format("Cut {}: median faults per session (total over the sessions)", cut), {"budget"}};
    for (const auto& policy : v.doc.policies) t.header.push_back(policy);
    t.header.emplace_back("sessions");
    t.header.emplace_back("capacity sufficient");
    for (const auto& g : v.grid) {
      std::vector<cell> row{number_cell(real_view::grid_label(g))};
      const real_summary* any = nullptr;
      for (const auto& policy : v.doc.policies) {
        const real_summary* entry = v.entry(cut, g.first, g.second, policy);
        if (entry != nullptr) any = entry;
        row.push_back(number_cell(entry == nullptr ? std::string(absent_value)
                                                   : fmt::format("{} ({})", real_median_text(entry->median_faults),
                                                                 entry->total_faults.text())));
      }
      row.push_back(any == nullptr ? absent_cell() : value_cell(any->sessions));
      row.push_back(any == nullptr ? absent_cell() : value_cell(any->sessions_capacity_sufficient));
      t.rows.push_back(std::move(row));
    }
    s.tables.push_back(std::move(t));
  }
}

// Where the claim is checked, and what happens elsewhere.
void add_real_capacity_table(section& s, const real_view& v) {
  table capacity{"Faults where capacity suffices (and elsewhere)",
                 {"cut", "budget", "sessions sufficient", "clawvm", "oracle", "retrieval", "clawvm elsewhere",
                  "oracle elsewhere"}};
  capacity.collapsed_in_html = true;
  const auto there = [](const real_summary* entry) {
    return entry == nullptr ? absent_cell() : value_cell(entry->faults_where_capacity_sufficient);
  };
  const auto elsewhere = [](const real_summary* entry) {
    if (entry == nullptr || !entry->total_faults.is_number() || !entry->faults_where_capacity_sufficient.is_number())
      return absent_cell();
    return number_cell(fmt::format("{}", static_cast<std::int64_t>(entry->total_faults.number_or_missing() -
                                                                  entry->faults_where_capacity_sufficient.number_or_missing())));
  };
  for (const auto& cut : v.doc.cuts) {
    for (const auto& g : v.grid) {
      const real_summary* claw = v.entry(cut, g.first, g.second, "clawvm");
      if (claw == nullptr) continue;
      const real_summary* orc = v.entry(cut, g.first, g.second, "oracle");
      const real_summary* ret = v.entry(cut, g.first, g.second, "retrieval");
      capacity.rows.push_back({text_cell(cut), number_cell(real_view::grid_label(g)),
                               number_cell(fmt::format("{} of {}", claw->sessions_capacity_sufficient.text(),
                                                       claw->sessions.text())),
                               there(claw), there(orc), there(ret), elsewhere(claw), elsewhere(orc)});
    }
  }
  s.tables.push_back(std::move(capacity));
}

// RL-15: the prompt cache per policy at each window of the last cut: two charts (the
// cache-read share, and the input cost relative to no caching) and the faults beside
// them, so that a policy's cache behaviour is read next to what it costs in faults.
void add_real_cache_charts(section& s, const real_view& v) {
  const std::string last_cut = v.doc.cuts.empty() ? std::string("full") : v.doc.cuts.back();
  const bool any = std::any_of(v.doc.by_policy.begin(), v.doc.by_policy.end(),
                               [](const real_summary& e) { return e.cache_read_share.is_number(); });
  if (!any || v.doc.windows.empty()) return;
  constexpr std::array<std::string_view, 3> window_colours{"#0072B2", "#56B4E9", "#999999"};
  const auto chart_of = [&](std::string title, std::string y_label, const value real_summary::*metric) {
    svg::grouped_bar_chart chart;
    chart.title = std::move(title);
    chart.y_label = std::move(y_label);
    chart.categories = v.doc.policies;
    chart.value_decimals = 2;
    chart.width_px = narrow_chart_px;
    for (std::size_t w = 0; w < v.doc.windows.size(); ++w) {
      std::vector<double> values;
      for (const auto& policy : v.doc.policies) {
        const real_summary* e = v.entry(last_cut, v.doc.windows[w], "window", policy);
        values.push_back(e == nullptr ? svg::missing_value : (e->*metric).number_or_missing());
      }
      chart.groups.push_back({"window " + v.doc.windows[w].text(0),
                              std::string(window_colours[w % window_colours.size()]), values});
    }
    return svg::render(chart);
  };
  s.charts.push_back({chart_of(fmt::format("Prompt-cache read share per policy: cut {}", last_cut), "cache-read share",
                               &real_summary::cache_read_share),
                      false});
  s.charts.push_back({chart_of(fmt::format("Input cost relative to no caching: cut {}", last_cut), "relative cost",
                               &real_summary::relative_cost),
                      false});
  // The trade-off in one picture: a policy up and to the left reads more of its prompt
  // from the cache with fewer faults.
  svg::scatter_chart trade_off;
  trade_off.title = fmt::format("Cache-read share against faults, one point per window: cut {}", last_cut);
  trade_off.x_label = "faults, total over the sessions";
  trade_off.y_label = "cache-read share";
  trade_off.width_px = narrow_chart_px;
  policy_colours colour_of;
  for (const auto& policy : v.doc.policies) {
    svg::scatter_series set{policy, colour_of(policy), {}, {}, {}};
    for (const auto& w : v.doc.windows) {
      const real_summary* e = v.entry(last_cut, w, "window", policy);
      if (e == nullptr) continue;
      set.x.push_back(e->total_faults.number_or_missing());
      set.y.push_back(e->cache_read_share.number_or_missing());
      set.point_labels.push_back(w.text(0));
    }
    trade_off.sets.push_back(std::move(set));
  }
  s.charts.push_back({svg::render(trade_off), false});
  table t{fmt::format("Cut {}: faults, cache-read share, prefix breaks per turn, cache-miss tokens and relative cost "
                      "at each window",
                      last_cut),
          {"policy"}};
  for (const auto& w : v.doc.windows) {
    for (const char* metric : {"faults", "cache-read share", "breaks per turn", "cache-miss tokens", "relative cost"})
      t.header.push_back(fmt::format("{} window {}", metric, w.text(0)));
  }
  for (const auto& policy : v.doc.policies) {
    std::vector<cell> row{text_cell(policy)};
    for (const auto& w : v.doc.windows) {
      const real_summary* e = v.entry(last_cut, w, "window", policy);
      row.push_back(e == nullptr ? absent_cell() : value_cell(e->total_faults));
      row.push_back(e == nullptr ? absent_cell() : value_cell(e->cache_read_share, 3));
      row.push_back(e == nullptr ? absent_cell() : value_cell(e->prefix_breaks_per_turn, 3));
      row.push_back(e == nullptr ? absent_cell() : value_cell(e->cache_miss_tokens));
      row.push_back(e == nullptr ? absent_cell() : value_cell(e->relative_cost, 3));
    }
    t.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(t));
}

// RL-16: the prompt cache against a harness that never compacts, on the sessions whose
// transcript fits each window; absent for a document without it.
void add_real_no_compaction_table(section& s, const real_view& v) {
  if (v.doc.no_compaction.empty()) return;
  table t{"Against no compaction (spec/real.md RL-16): cache-read share / relative cost (faults), on the sessions "
          "whose whole transcript fits the window",
          {"cut", "window", "sessions that fit", "no compaction"}};
  for (const auto& policy : v.doc.policies) t.header.push_back(policy);
  for (const auto& row : v.doc.no_compaction) {
    std::vector<cell> cells{text_cell(row.cut), number_cell(row.window.text(0)),
                            number_cell(fmt::format("{} of {}", row.sessions_fitting.text(0), row.sessions.text(0)))};
    const bool any_fits = row.sessions_fitting.number_or_missing() > 0.0;
    const auto pair_cell = [&](const value& share, const value& cost, const value* faults) {
      if (!any_fits) return absent_cell();
      std::string text = fmt::format("{} / {}", share.text(3), cost.text(3));
      if (faults != nullptr) text += fmt::format(" ({})", faults->text(0));
      return number_cell(text);
    };
    cells.push_back(pair_cell(row.cache_read_share, row.relative_cost, nullptr));
    for (const auto& policy : v.doc.policies) {
      const auto entry = std::find_if(row.policies.begin(), row.policies.end(),
                                      [&](const real_no_compaction_policy& p) { return p.policy == policy; });
      cells.push_back(entry == row.policies.end()
                          ? absent_cell()
                          : pair_cell(entry->cache_read_share, entry->relative_cost, &entry->faults_total));
    }
    t.rows.push_back(std::move(cells));
  }
  s.tables.push_back(std::move(t));
}

// RL-14: every policy's faults above the exact optimum, summed over the sessions, per cut
// and budget; absent for a document without optima.
void add_real_optimum_table(section& s, const real_view& v) {
  const bool any = std::any_of(v.doc.by_policy.begin(), v.doc.by_policy.end(),
                               [](const real_summary& e) { return e.optimum_faults_total.is_number(); });
  if (!any) return;
  table t{"Faults above the exact optimum (spec/optimum.md), total over the sessions", {"cut", "budget", "optimum"}};
  t.collapsed_in_html = true;
  for (const auto& policy : v.doc.policies) t.header.push_back(policy);
  for (const auto& cut : v.doc.cuts) {
    for (const auto& g : v.grid) {
      std::vector<cell> row{text_cell(cut), number_cell(real_view::grid_label(g))};
      const real_summary* first = nullptr;
      for (const auto& policy : v.doc.policies)
        if (first == nullptr) first = v.entry(cut, g.first, g.second, policy);
      if (first == nullptr) continue;
      row.push_back(value_cell(first->optimum_faults_total));
      for (const auto& policy : v.doc.policies) {
        const real_summary* entry = v.entry(cut, g.first, g.second, policy);
        row.push_back(entry == nullptr ? absent_cell() : value_cell(entry->optimum_gap_total));
      }
      t.rows.push_back(std::move(row));
    }
  }
  s.tables.push_back(std::move(t));
}

// Thrash, prefix stability and the prompt cache (RP-10) at full length: the reference
// budget and the windows.
void add_real_stability_table(section& s, const real_view& v) {
  const std::string last_cut = v.doc.cuts.empty() ? std::string("full") : v.doc.cuts.back();
  table stability{fmt::format("Cut {}: mean thrash, prefix stability and the prompt cache", last_cut), {"policy"}};
  std::vector<std::pair<value, std::string>> shown{{v.doc.reference_budget, "budget"}};
  for (const auto& w : v.doc.windows) shown.emplace_back(w, "window");
  for (const auto& g : shown) {
    for (const char* metric : {"thrash", "prefix stability", "cache-read share", "relative cost"})
      stability.header.push_back(fmt::format("{} {}", metric, real_view::grid_label(g)));
  }
  for (const auto& policy : v.doc.policies) {
    std::vector<cell> row{text_cell(policy)};
    for (const auto& g : shown) {
      const real_summary* entry = v.entry(last_cut, g.first, g.second, policy);
      for (const value real_summary::*metric : {&real_summary::mean_thrash, &real_summary::prefix_stability,
                                                &real_summary::cache_read_share, &real_summary::relative_cost})
        row.push_back(entry == nullptr ? absent_cell() : value_cell(entry->*metric, 3));
    }
    stability.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(stability));
}

void add_real_sessions_table(section& s, const real_view& v, std::size_t rows) {
  table sessions{"Sessions", {"session", "turns", "tool calls", "pages", "demands", "compactions", "peak footprint by cut"}};
  sessions.collapsed_in_html = true;
  for (const auto& session : v.doc.sessions) {
    std::string peaks;
    for (const auto& c : session.cuts)
      peaks += fmt::format("{}{}: {}", peaks.empty() ? "" : ", ", c.cut, c.peak_footprint_tokens);
    sessions.rows.push_back({text_cell(session.session), value_cell(session.turns), value_cell(session.tool_calls),
                             value_cell(session.pages), value_cell(session.demands), value_cell(session.compactions),
                             text_cell(peaks)});
  }
  s.tables.push_back(std::move(sessions));
  s.paragraphs.push_back({text_cell(fmt::format(
      "Every configuration's row ({} rows: faults by kind, alerts, thrash, oracle gap, tokens, prefix stability, "
      "physical insufficiency, capacity) is in real.summary.json and real.summary.csv.",
      rows))});
}

// The aggregates of a "clawvm-real" document (spec/real.md RL-10): per policy, never the
// thousands of rows, which stay in real.summary.json and real.summary.csv (RPT-8).
void real_section(section& s, const real_document& real) {
  if (!real.aggregates) {
    add_real_rows_table(s, real.table);
    return;
  }
  const real_view v(*real.aggregates);
  add_real_verdict(s, v);
  add_real_paper_comparison(s, v);
  add_real_budget_curves(s, v);
  add_real_capacity_table(s, v);
  add_real_optimum_table(s, v);
  add_real_stability_table(s, v);
  add_real_cache_charts(s, v);
  add_real_no_compaction_table(s, v);
  add_real_sessions_table(s, v, real.rows);
}

void manifest_section(section& s, const manifest_document& manifest) {
  s.paragraphs.push_back({text_cell(fmt::format("clawvm {}, seed {}. SHA-256 of every output of the suite run:",
                                                manifest.clawvm_version.text(), manifest.seed.text()))});
  table t{"Outputs", {"file", "sha256"}};
  for (const auto& output : manifest.outputs)
    t.rows.push_back({text_cell(output.file), cell{output.sha256, cell_style::code}});
  s.tables.push_back(std::move(t));
}

section summary_section(const documents& in) {
  section s{"summary", "Summary"};
  table t{"Results at a glance", {"part", "result", "detail"}};
  const cell not_run{std::string(not_run_text), cell_style::muted};

  if (in.tier1) {
    const std::size_t passed = count_passed(in.tier1->gates, [](const gate& g) { return g.pass; });
    t.rows.push_back({text_cell("Tier 1 lifecycle gates"), verdict_cell(in.tier1->pass),
                      text_cell(fmt::format("{} of {} gates pass", passed, in.tier1->gates.size()))});
  } else {
    t.rows.push_back({text_cell("Tier 1 lifecycle gates"), not_run, text_cell("")});
  }

  if (in.tier2) {
    const std::size_t passed = count_passed(in.tier2->shape, [](const check& c) { return c.pass; });
    t.rows.push_back({text_cell("Tier 2 shape checks"), verdict_cell(in.tier2->shape_pass),
                      text_cell(fmt::format("{} of {} checks pass", passed, in.tier2->shape.size()))});
    std::string means;
    for (const auto& entry : in.tier2->by_policy)
      means += fmt::format("{}{} {}", means.empty() ? "" : ", ", entry.policy, entry.mean_faults.text(2));
    t.rows.push_back({text_cell("Tier 2 mean faults per configuration"),
                      text_cell(fmt::format("{} rows", in.tier2->rows.size())), text_cell(means)});
  } else {
    t.rows.push_back({text_cell("Tier 2 sweep"), not_run, text_cell("")});
  }

  if (in.ablation) {
    std::string faults;
    for (const auto& row : in.ablation->rows)
      faults += fmt::format("{}{} {}", faults.empty() ? "" : ", ", row.ablation, row.faults_total.text());
    t.rows.push_back({text_cell("Ablation"), text_cell(fmt::format("budget {}", in.ablation->budget.text())),
                      text_cell(faults)});
  } else {
    t.rows.push_back({text_cell("Ablation"), not_run, text_cell("")});
  }

  if (in.weights) {
    t.rows.push_back({text_cell("Weight sensitivity"), text_cell(fmt::format("{} points", in.weights->points.size())),
                      text_cell(fmt::format("{} change faults_total (reference {})",
                                            in.weights->points_with_changed_faults.text(),
                                            in.weights->reference_faults_total.text()))});
  } else {
    t.rows.push_back({text_cell("Weight sensitivity"), not_run, text_cell("")});
  }

  if (!in.real) {
    t.rows.push_back({text_cell("Real sessions"), not_run, text_cell("")});
  } else if (!in.real->aggregates) {
    t.rows.push_back({text_cell("Real sessions"), text_cell(fmt::format("{} rows", in.real->rows)), text_cell("")});
  } else {
    const real_aggregates& real = *in.real->aggregates;
    const auto [asserted, passed] = asserted_checks_passed(real.checks);
    t.rows.push_back({text_cell("Real sessions"), verdict_cell(real.pass),
                      text_cell(fmt::format("{} sessions, {} replays: {} of {} checks pass", real.sessions.size(),
                                            in.real->rows, passed, asserted))});
  }
  s.tables.push_back(std::move(t));
  return s;
}

struct report_model {
  std::string subtitle;
  std::vector<section> sections;
};

// A section for a document that is present, "not run" otherwise (RPT-5).
template <class Document, class Render>
section section_of(const std::optional<Document>& document, std::string id, std::string title, Render&& render) {
  if (!document) return not_run_section(std::move(id), std::move(title));
  section s{std::move(id), std::move(title)};
  render(s, *document);
  return s;
}

report_model build_model(const report_inputs& inputs) {
  const documents in = report_documents::read(inputs);
  report_model model;
  std::string version(absent_value);
  std::string seed(absent_value);
  if (in.manifest) {
    version = in.manifest->clawvm_version.text();
    seed = in.manifest->seed.text();
  } else if (in.tier2) {
    seed = in.tier2->seed.text();
  }
  model.subtitle = fmt::format(
      "clawvm {}, seed {}. A reproduction of the evaluation in the ClawVM paper (brief \xC2\xA7" "5): Tier-1 "
      "lifecycle gates, the Tier-2 budget sweep, the ablation and a weight-sensitivity sweep.",
      version, seed);
  // One colour per policy across every chart of the Tier-2 sections.
  policy_colours colours;
  const auto faults_vs_budget = [&](section& s, const tier2_document& d) { faults_vs_budget_section(s, d, colours); };
  const tier2_document* scaled = in.tier2_artifact_scale ? &*in.tier2_artifact_scale : nullptr;
  const auto policies = [&](section& s, const tier2_document& d) { policies_section(s, d, scaled, colours); };
  model.sections.push_back(summary_section(in));
  model.sections.push_back(section_of(in.tier2, "faults-vs-budget", "Tier 2: faults vs budget", faults_vs_budget));
  model.sections.push_back(section_of(in.tier2, "policies", "Tier 2: faults and thrash per policy", policies));
  model.sections.push_back(section_of(in.ablation, "ablation", "Ablation", ablation_section));
  model.sections.push_back(section_of(in.tier1, "tier1", "Tier 1: lifecycle gates", tier1_section));
  model.sections.push_back(section_of(in.tier2, "shape", "Tier 2: shape checks", shape_section));
  model.sections.push_back(section_of(in.weights, "weights", "Weight sensitivity", weights_section));
  model.sections.push_back(section_of(in.tier2, "tier2", "Tier 2: all configurations", tier2_table_section));
  model.sections.push_back(section_of(in.real, "real", "Real sessions", real_section));
  model.sections.push_back(section_of(in.manifest, "manifest", "Manifest", manifest_section));
  return model;
}

// ---------------------------------------------------------------------------------------
// HTML printer.

constexpr std::string_view page_title = "ClawVM evaluation report";

// Inline, so the file is self-contained (RPT-1); system fonts only.
constexpr std::string_view stylesheet = R"(
:root { color-scheme: light; }
body { margin: 0; background: #ffffff; color: #222222;
  font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 20px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 30px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #e3e3e3; }
h3 { font-size: 15px; margin: 14px 0 6px; }
p { margin: 6px 0; }
.subtitle { color: #555555; margin-bottom: 10px; }
.charts { display: grid; grid-template-columns: repeat(2, 560px); gap: 10px 20px; margin: 10px 0; }
.charts.wide { display: block; }
.table-wrap { max-width: 100%; overflow-x: auto; }
svg.chart { display: block; background: #ffffff; border: 1px solid #e3e3e3; border-radius: 4px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 12px; }
th, td { border: 1px solid #d9d9d9; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
table.dense { font-size: 11px; }
table.dense th, table.dense td { padding: 2px 4px; }
tbody tr:nth-child(even) { background: #fafafa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.code, span.code { font-family: "DejaVu Sans Mono", monospace; font-size: 11px; }
.pass, .fail { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 700; font-size: 11px; }
.pass { background: #d8f0dc; color: #1b6e2a; }
.fail { background: #fbdada; color: #a11d1d; }
.muted { color: #888888; }
details { margin: 6px 0 12px; }
summary { cursor: pointer; font-weight: 600; }
)";

// Snake_case names (evidence_churn_duplicate_tool) are long unbreakable words; a line
// may break after an underscore, so that wide tables fit the page.
std::string breakable_after_underscores(std::string_view escaped) {
  std::string out;
  for (const char c : escaped) {
    out += c;
    if (c == '_') out += "<wbr>";
  }
  return out;
}

std::string html_inline(const cell& c) {
  const std::string text = breakable_after_underscores(svg::escape_text(c.text));
  switch (c.style) {
    case cell_style::pass: return R"(<span class="pass">)" + text + "</span>";
    case cell_style::fail: return R"(<span class="fail">)" + text + "</span>";
    case cell_style::muted: return R"(<span class="muted">)" + text + "</span>";
    case cell_style::code: return R"(<span class="code">)" + text + "</span>";
    case cell_style::text:
    case cell_style::number: return text;
  }
  return text;
}

std::string html_td(const cell& c) {
  switch (c.style) {
    case cell_style::number: return R"(<td class="num">)" + svg::escape_text(c.text) + "</td>";
    case cell_style::code: return R"(<td class="code">)" + svg::escape_text(c.text) + "</td>";
    default: return "<td>" + html_inline(c) + "</td>";
  }
}

std::string html_table(const table& t) {
  std::string out;
  if (t.collapsed_in_html)
    out += fmt::format("<details><summary>{}</summary>\n", svg::escape_text(t.caption));
  else
    out += fmt::format("<h3>{}</h3>\n", svg::escape_text(t.caption));
  // Many columns (the Tier-2 table has 19): smaller type, so it fits the page.
  constexpr std::size_t dense_from_columns = 13;
  out += t.header.size() >= dense_from_columns ? "<div class=\"table-wrap\"><table class=\"dense\">\n<thead><tr>"
                                                : "<div class=\"table-wrap\"><table>\n<thead><tr>";
  for (const auto& h : t.header) out += "<th>" + breakable_after_underscores(svg::escape_text(h)) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& c : row) out += html_td(c);
    out += "</tr>\n";
  }
  out += "</tbody>\n</table></div>\n";
  if (t.collapsed_in_html) out += "</details>\n";
  return out;
}

std::string html_section(const section& s) {
  std::string out = fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", svg::escape_text(s.id), svg::escape_text(s.title));
  for (const auto& p : s.paragraphs) {
    out += "<p>";
    for (const auto& run : p) out += html_inline(run);
    out += "</p>\n";
  }
  // Consecutive narrow charts share a grid; a wide chart closes it and spans the page.
  bool grid_open = false;
  for (const auto& c : s.charts) {
    if (c.wide && grid_open) out += "</div>\n";
    if (!c.wide && !grid_open) out += "<div class=\"charts\">\n";
    grid_open = !c.wide;
    out += c.wide ? "<div class=\"charts wide\">" + c.svg + "</div>\n" : "<div>" + c.svg + "</div>\n";
  }
  if (grid_open) out += "</div>\n";
  for (const auto& t : s.tables) out += html_table(t);
  out += "</section>\n";
  return out;
}

// ---------------------------------------------------------------------------------------
// Markdown printer.

bool is_word_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || byte >= 0x80;
}

// Escapes what GitHub markdown would interpret inside a table cell: pipes, inline HTML,
// code spans, emphasis, links. An underscore inside a word (long_plan) cannot start
// emphasis in GFM, so it stays as is and names remain greppable.
std::string markdown_escape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n':
      case '\r': out += ' '; break;
      case '\\':
      case '|':
      case '`':
      case '*':
      case '[':
      case ']':
      case '~':
        out += '\\';
        out += c;
        break;
      case '_': {
        const bool inside_word = i > 0 && i + 1 < text.size() && is_word_byte(text[i - 1]) && is_word_byte(text[i + 1]);
        if (!inside_word) out += '\\';
        out += c;
        break;
      }
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
          out += "\xEF\xBF\xBD";
        else
          out += c;
      }
    }
  }
  return out;
}

std::string markdown_inline(const cell& c) {
  const std::string text = markdown_escape(c.text);
  switch (c.style) {
    case cell_style::pass:
    case cell_style::fail: return "**" + text + "**";
    case cell_style::muted: return text.empty() ? text : "*" + text + "*";
    case cell_style::code: return text;  // hex digits: nothing to quote
    case cell_style::text:
    case cell_style::number: return text;
  }
  return text;
}

std::string markdown_table(const table& t) {
  std::string out = "**" + markdown_escape(t.caption) + "**\n\n|";
  // Appended piecewise: g++ 12 -O3 warns falsely (-Wrestrict, GCC bug 105329) on
  // "literal" + std::string&&.
  for (const auto& h : t.header) ((out += ' ') += markdown_escape(h)) += " |";
  out += "\n|";
  for (std::size_t column = 0; column < t.header.size(); ++column) {
    // A column of numbers is right-aligned, as in the HTML.
    bool numeric = !t.rows.empty();
    for (const auto& row : t.rows)
      if (column < row.size() && row[column].style != cell_style::number) numeric = false;
    out += numeric ? "---:|" : "---|";
  }
  out += "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const auto& c : row) ((out += ' ') += markdown_inline(c)) += " |";
    out += "\n";
  }
  return out + "\n";
}

std::string markdown_section(const section& s) {
  std::string out = "## " + markdown_escape(s.title) + "\n\n";
  for (const auto& p : s.paragraphs) {
    for (const auto& run : p) out += markdown_inline(run);
    out += "\n\n";
  }
  for (const auto& t : s.tables) out += markdown_table(t);
  return out;
}

json read_json_file(const std::filesystem::path& path, std::string_view name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(name, fmt::format("cannot read {}", path.string()));
  std::stringstream bytes;
  bytes << in.rdbuf();
  try {
    return json::parse(bytes.str());
  } catch (const json::exception& e) {
    fail(name, fmt::format("not valid JSON: {}", e.what()));
  }
}

}  // namespace

void validate_report_inputs(const report_inputs& in) { (void)report_documents::read(in); }

std::string render_report_html(const report_inputs& inputs) {
  const report_model model = build_model(inputs);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n", page_title, stylesheet);
  out += fmt::format("<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n", page_title, svg::escape_text(model.subtitle));
  for (const auto& s : model.sections) out += html_section(s);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

std::string render_report_markdown(const report_inputs& inputs) {
  const report_model model = build_model(inputs);
  std::string out = fmt::format("# {}\n\n{}\n\n", page_title, markdown_escape(model.subtitle));
  for (const auto& s : model.sections) out += markdown_section(s);
  return out;
}

json manifest_summary(const json& manifest) {
  json summary = json::object();
  if (!manifest.is_object()) return summary;
  for (const char* key : {"clawvm_version", "seed"})
    if (const auto it = manifest.find(key); it != manifest.end()) summary[key] = *it;
  if (const auto outputs = manifest.find("outputs"); outputs != manifest.end() && outputs->is_array()) {
    json reduced = json::array();
    for (const auto& output : *outputs) {
      json entry = json::object();
      if (output.is_object())
        for (const char* key : {"file", "sha256"})
          if (const auto it = output.find(key); it != output.end()) entry[key] = *it;
      reduced.push_back(std::move(entry));
    }
    summary["outputs"] = std::move(reduced);
  }
  return summary;
}

report_inputs read_report_inputs(const std::filesystem::path& suite_dir) {
  const auto read_if_present = [&](std::string_view name) -> std::optional<json> {
    const std::filesystem::path path = suite_dir / std::string(name);
    if (!std::filesystem::exists(path)) return std::nullopt;
    return read_json_file(path, name);
  };
  report_inputs in;
  in.tier1 = read_if_present(tier1_document_name);
  in.tier2 = read_if_present(tier2_document_name);
  in.tier2_artifact_scale = read_if_present(tier2_artifact_scale_document_name);
  in.ablation = read_if_present(ablation_document_name);
  in.weights = read_if_present(weights_document_name);
  if (auto manifest = read_if_present(manifest_document_name)) in.manifest = manifest_summary(*manifest);
  in.real = read_if_present(real_document_name);
  return in;
}

void write_report_files(const std::filesystem::path& out_dir, const report_inputs& inputs) {
  // Render both before writing either, so a bad document leaves no half-written report.
  const std::string html = render_report_html(inputs);
  const std::string markdown = render_report_markdown(inputs);
  write_output_file(out_dir / std::string(report_html_name), html);
  write_output_file(out_dir / std::string(report_markdown_name), markdown);
}

}  // namespace clawvm::eval
