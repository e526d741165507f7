// The evaluation report (spec/report.md). The documents are first turned into a
// format-neutral model (sections of paragraphs, SVG charts and tables of styled cells);
// report.html and report.md are two printers of that model, so both always show the
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

namespace clawvm::eval {

namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------
// Errors (RPT-6): every message starts with the document's file name.

[[noreturn]] void fail(std::string_view document, std::string_view what) {
  throw std::runtime_error(fmt::format("{}: {}", document, what));
}

// A wrong type or a missing key deep inside a document surfaces as a nlohmann exception;
// callers of the report only know std::runtime_error (the suite maps it to exit 2).
template <class Build>
auto within_document(std::string_view document, Build&& build) -> decltype(build()) {
  try {
    return build();
  } catch (const json::exception& e) {
    fail(document, fmt::format("malformed document: {}", e.what()));
  }
}

std::string describe(const json* value) { return value == nullptr ? std::string("(none)") : value->dump(); }

void check_format(const json& document, std::string_view name, std::string_view format, int version) {
  if (!document.is_object()) fail(name, "not a JSON object");
  const auto format_it = document.find("format");
  const auto version_it = document.find("version");
  const json* format_value = format_it == document.end() ? nullptr : &*format_it;
  const json* version_value = version_it == document.end() ? nullptr : &*version_it;
  const bool format_ok = format_value != nullptr && format_value->is_string() && *format_value == format;
  const bool version_ok = version_value != nullptr && version_value->is_number_integer() && *version_value == version;
  if (!format_ok || !version_ok)
    fail(name, fmt::format("expected format \"{}\" version {}, got format {} version {}", format, version,
                           describe(format_value), describe(version_value)));
}

void require_key(const json& document, std::string_view name, const char* key, json::value_t type) {
  const auto it = document.find(key);
  if (it == document.end()) fail(name, fmt::format("missing key \"{}\"", key));
  const bool numeric_ok = type == json::value_t::number_float && it->is_number();
  if (it->type() != type && !numeric_ok)
    fail(name, fmt::format("key \"{}\" is a {}, expected a {}", key, it->type_name(), json(type).type_name()));
}

void require_array(const json& document, std::string_view name, const char* key) {
  require_key(document, name, key, json::value_t::array);
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
constexpr std::string_view absent_value = "\xE2\x80\x94";  // em dash: no value in the document

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
// Values.

// Any JSON value as report text with fixed precision (RPT-2): integers exact, floats
// with `decimals` digits, null as an em dash, objects and arrays as compact JSON.
std::string value_text(const json& value, int decimals = 3) {
  switch (value.type()) {
    case json::value_t::null: return std::string(absent_value);
    case json::value_t::boolean: return value.get<bool>() ? "yes" : "no";
    case json::value_t::number_integer: return fmt::format("{}", value.get<std::int64_t>());
    case json::value_t::number_unsigned: return fmt::format("{}", value.get<std::uint64_t>());
    case json::value_t::number_float: return svg::fixed(value.get<double>(), decimals);
    case json::value_t::string: return value.get<std::string>();
    default: return value.dump();
  }
}

std::string value_text(const json& object, const char* key, int decimals = 3) {
  const auto it = object.find(key);
  return it == object.end() ? std::string(absent_value) : value_text(*it, decimals);
}

cell value_cell(const json& object, const char* key, int decimals = 3) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {std::string(absent_value), cell_style::muted};
  if (it->is_boolean()) return verdict_cell(it->get<bool>());
  return {value_text(*it, decimals), it->is_number() ? cell_style::number : cell_style::text};
}

double number_or_missing(const json& value) {
  return value.is_number() ? value.get<double>() : svg::missing_value;
}

double number_or_missing(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? svg::missing_value : number_or_missing(*it);
}

std::string mean_text(double value, int decimals) {
  return std::isfinite(value) ? svg::fixed(value, decimals) : std::string(absent_value);
}

// Fault kinds in FT-1 order, then any other name a document uses (sorted), so that a
// kind added later still shows up instead of being dropped.
class fault_kind_order {
 public:
  fault_kind_order() {
    for (const fault_kind kind : all_fault_kinds) names_.emplace_back(to_string(kind));
  }
  void add_from(const json& counts) {
    if (!counts.is_object()) return;
    for (const auto& [name, count] : counts.items())
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
// key not in `order` (object order, i.e. sorted). Empty when everything is zero.
std::string breakdown_text(const json& counts, const std::vector<std::string>& order = {}) {
  if (!counts.is_object()) return value_text(counts);
  std::vector<std::string> parts;
  const auto add = [&](const std::string& name, const json& count) {
    if (count.is_number() && count.get<double>() == 0.0) return;
    parts.push_back(fmt::format("{}={}", name, value_text(count)));
  };
  for (const auto& name : order)
    if (const auto it = counts.find(name); it != counts.end()) add(name, *it);
  for (const auto& [name, count] : counts.items())
    if (std::find(order.begin(), order.end(), name) == order.end()) add(name, count);
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

// Colour-blind-safe (Okabe–Ito) colours for the six paper policies, fixed by name so a
// policy keeps its colour in every chart; other names take the spare colours in order.
class policy_colours {
 public:
  std::string operator()(const std::string& policy) {
    static const std::map<std::string, std::string, std::less<>> known{
        {"retrieval", "#D55E00"}, {"retrieval_cache", "#E69F00"}, {"compaction_hybrid", "#CC79A7"},
        {"lru", "#56B4E9"},       {"clawvm", "#0072B2"},          {"oracle", "#009E73"}};
    static constexpr std::array<std::string_view, 5> spare{"#000000", "#999999", "#8C564B", "#7F7F00", "#17BECF"};
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

std::vector<std::string> string_list(const json& array) {
  std::vector<std::string> out;
  for (const auto& item : array) out.push_back(value_text(item));
  return out;
}

// ---------------------------------------------------------------------------------------
// Sections.

struct tier2_view {
  std::vector<std::string> families;
  std::vector<std::string> policies;
  std::vector<double> budgets;
  std::vector<std::string> budget_labels;
};

tier2_view view_of(const json& tier2) {
  tier2_view v;
  v.families = string_list(tier2.at("families"));
  v.policies = string_list(tier2.at("policies"));
  for (const auto& budget : tier2.at("budgets")) {
    v.budgets.push_back(budget.get<double>());
    v.budget_labels.push_back(value_text(budget, 0));
  }
  return v;
}

// Mean faults_total over the rows of one (budget, policy), optionally of one family.
std::vector<std::vector<double>> mean_faults_by_policy_and_budget(const json& rows, const tier2_view& view,
                                                                  const std::string* family) {
  std::vector<std::vector<double>> sums(view.policies.size(), std::vector<double>(view.budgets.size(), 0.0));
  std::vector<std::vector<int>> counts(view.policies.size(), std::vector<int>(view.budgets.size(), 0));
  for (const auto& row : rows) {
    if (family != nullptr && value_text(row.at("family")) != *family) continue;
    const auto policy = std::find(view.policies.begin(), view.policies.end(), value_text(row.at("policy")));
    const auto budget = std::find(view.budgets.begin(), view.budgets.end(), row.at("budget").get<double>());
    const double faults = number_or_missing(row.at("faults_total"));
    if (policy == view.policies.end() || budget == view.budgets.end() || !std::isfinite(faults)) continue;
    const auto p = static_cast<std::size_t>(policy - view.policies.begin());
    const auto b = static_cast<std::size_t>(budget - view.budgets.begin());
    sums[p][b] += faults;
    counts[p][b] += 1;
  }
  for (std::size_t p = 0; p < sums.size(); ++p)
    for (std::size_t b = 0; b < sums[p].size(); ++b)
      sums[p][b] = counts[p][b] == 0 ? svg::missing_value : sums[p][b] / counts[p][b];
  return sums;
}

void add_faults_vs_budget(section& s, const json& rows, const tier2_view& view, const std::string* family,
                          bool wide, policy_colours& colours) {
  const auto means = mean_faults_by_policy_and_budget(rows, view, family);
  const std::string name = family == nullptr ? "All families (mean per configuration)" : *family;

  svg::line_chart chart;
  chart.title = family == nullptr ? "Mean faults per configuration vs budget" : "Faults vs budget: " + *family;
  chart.x_label = "budget (tokens)";
  chart.y_label = "faults";
  chart.x = view.budgets;
  chart.scale = svg::y_scale::log1p;
  chart.width_px = wide ? wide_chart_px : narrow_chart_px;
  if (wide) chart.height_px = 330;
  for (std::size_t p = 0; p < view.policies.size(); ++p)
    chart.lines.push_back({view.policies[p], colours(view.policies[p]), means[p]});
  s.charts.push_back({svg::render(chart), wide});

  table t{name + ": mean faults_total by budget", {"budget"}, true};
  for (const auto& policy : view.policies) t.header.push_back(policy);
  for (std::size_t b = 0; b < view.budgets.size(); ++b) {
    std::vector<cell> row{number_cell(view.budget_labels[b])};
    for (std::size_t p = 0; p < view.policies.size(); ++p) row.push_back(number_cell(mean_text(means[p][b], 2)));
    t.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(t));
}

section faults_vs_budget_section(const std::optional<json>& tier2, policy_colours& colours) {
  constexpr std::string_view id = "faults-vs-budget";
  constexpr std::string_view title = "Tier 2: faults vs budget";
  if (!tier2) return not_run_section(std::string(id), std::string(title));
  return within_document(tier2_document_name, [&] {
    section s{std::string(id), std::string(title)};
    const tier2_view view = view_of(*tier2);
    const json& rows = tier2->at("rows");
    s.paragraphs.push_back({text_cell(fmt::format(
        "{} families \xC3\x97 {} budgets \xC3\x97 {} policies, seed {}. Faults are the explicit, policy-controllable "
        "faults (brief \xC2\xA7" "4); the y axes are log scaled so that 0, 1 and 60 faults stay apart.",
        view.families.size(), view.budgets.size(), view.policies.size(), value_text(*tier2, "seed")))});
    add_faults_vs_budget(s, rows, view, nullptr, true, colours);
    for (const auto& family : view.families) add_faults_vs_budget(s, rows, view, &family, false, colours);
    return s;
  });
}

section policies_section(const std::optional<json>& tier2, policy_colours& colours) {
  constexpr std::string_view id = "policies";
  constexpr std::string_view title = "Tier 2: faults and thrash per policy";
  if (!tier2) return not_run_section(std::string(id), std::string(title));
  return within_document(tier2_document_name, [&] {
    section s{std::string(id), std::string(title)};
    const json& by_policy = tier2->at("by_policy");

    svg::horizontal_bar_chart faults_chart;
    faults_chart.title = "Mean faults per configuration";
    faults_chart.x_label = "mean faults_total";
    faults_chart.value_decimals = 2;
    faults_chart.width_px = narrow_chart_px;
    faults_chart.show_legend = false;
    svg::horizontal_bar_chart thrash_chart;
    thrash_chart.title = "Mean thrash index";
    thrash_chart.x_label = "thrash = (faults + alerts) / (hits + 1)";
    thrash_chart.value_decimals = 3;
    thrash_chart.width_px = narrow_chart_px;
    thrash_chart.show_legend = false;
    // One series per policy, non-zero only in its own row: every bar keeps its policy colour.
    for (std::size_t i = 0; i < by_policy.size(); ++i) {
      const json& entry = by_policy.at(i);
      const std::string policy = value_text(entry.at("policy"));
      faults_chart.categories.push_back(policy);
      thrash_chart.categories.push_back(policy);
      std::vector<double> faults(by_policy.size(), svg::missing_value);
      std::vector<double> thrash(by_policy.size(), svg::missing_value);
      faults[i] = number_or_missing(entry, "mean_faults");
      thrash[i] = number_or_missing(entry, "mean_thrash");
      faults_chart.segments.push_back({policy, colours(policy), faults});
      thrash_chart.segments.push_back({policy, colours(policy), thrash});
    }
    s.charts.push_back({svg::render(faults_chart), false});
    s.charts.push_back({svg::render(thrash_chart), false});

    // Which faults each policy suffers, summed over the whole sweep.
    fault_kind_order kinds;
    for (const auto& row : tier2->at("rows")) kinds.add_from(row.value("faults", json::object()));
    const std::vector<std::string> kind_names = kinds.names();
    const tier2_view view = view_of(*tier2);
    svg::grouped_bar_chart by_kind;
    by_kind.title = "Faults by kind per policy (sum over the sweep)";
    by_kind.y_label = "faults";
    by_kind.categories = view.policies;
    by_kind.width_px = wide_chart_px;
    by_kind.height_px = 300;
    for (std::size_t k = 0; k < kind_names.size(); ++k) {
      std::vector<double> sums(view.policies.size(), 0.0);
      for (const auto& row : tier2->at("rows")) {
        const auto policy = std::find(view.policies.begin(), view.policies.end(), value_text(row.at("policy")));
        if (policy == view.policies.end()) continue;
        const json faults = row.value("faults", json::object());
        if (const auto it = faults.find(kind_names[k]); it != faults.end() && it->is_number())
          sums[static_cast<std::size_t>(policy - view.policies.begin())] += it->get<double>();
      }
      by_kind.groups.push_back({kind_names[k], fault_kind_colour(kind_names[k], k), sums});
    }
    s.charts.push_back({svg::render(by_kind), true});

    table t{"Per policy (paper: brief \xC2\xA7" "5)",
            {"policy", "mean faults", "paper mean faults", "total faults", "mean thrash", "paper thrash"}};
    double retrieval_thrash = svg::missing_value;
    double clawvm_thrash = svg::missing_value;
    for (const auto& entry : by_policy) {
      const std::string policy = value_text(entry.at("policy"));
      const paper_policy_result* paper = paper_result_for(policy);
      const double thrash = number_or_missing(entry, "mean_thrash");
      if (policy == "retrieval") retrieval_thrash = thrash;
      if (policy == "clawvm") clawvm_thrash = thrash;
      t.rows.push_back({text_cell(policy), value_cell(entry, "mean_faults", 2),
                        number_cell(paper ? svg::fixed(paper->mean_faults, 1) : std::string(absent_value)),
                        value_cell(entry, "total_faults"), value_cell(entry, "mean_thrash", 3),
                        number_cell(paper ? svg::fixed(paper->thrash, 3) : std::string(absent_value))});
    }
    s.tables.push_back(std::move(t));
    if (std::isfinite(retrieval_thrash) && std::isfinite(clawvm_thrash) && retrieval_thrash > 0.0)
      s.paragraphs.push_back({text_cell(fmt::format(
          "Thrash, ClawVM vs Retrieval: {}% (paper: -77.4%).",
          svg::fixed((clawvm_thrash - retrieval_thrash) / retrieval_thrash * 100.0, 1)))});
    return s;
  });
}

section ablation_section(const std::optional<json>& ablation) {
  constexpr std::string_view id = "ablation";
  constexpr std::string_view title = "Ablation";
  if (!ablation) return not_run_section(std::string(id), std::string(title));
  return within_document(ablation_document_name, [&] {
    section s{std::string(id), std::string(title)};
    const json& rows = ablation->at("rows");
    s.paragraphs.push_back({text_cell(fmt::format(
        "ClawVM with one mechanism removed at a time, budget {}, seed {}; faults summed over the workloads. "
        "\"none\" is ClawVM with nothing removed.",
        value_text(*ablation, "budget"), value_text(*ablation, "seed")))});

    fault_kind_order kinds;
    for (const auto& row : rows) kinds.add_from(row.value("faults", json::object()));
    const std::vector<std::string> kind_names = kinds.names();

    svg::horizontal_bar_chart chart;
    chart.title = fmt::format("Faults by removed mechanism (budget {})", value_text(*ablation, "budget"));
    chart.x_label = "faults (stacked by kind)";
    chart.width_px = wide_chart_px;
    for (const auto& row : rows) chart.categories.push_back(value_text(row.at("ablation")));
    for (std::size_t k = 0; k < kind_names.size(); ++k) {
      std::vector<double> values;
      for (const auto& row : rows) {
        const json faults = row.value("faults", json::object());
        const auto it = faults.find(kind_names[k]);
        values.push_back(it == faults.end() ? 0.0 : number_or_missing(*it));
      }
      chart.segments.push_back({kind_names[k], fault_kind_colour(kind_names[k], k), values});
    }
    s.charts.push_back({svg::render(chart), true});

    table t{"Faults by removed mechanism", {"ablation", "faults", "paper faults"}};
    for (const auto& kind : kind_names) t.header.push_back(kind);
    t.header.push_back("thrash");
    for (const auto& row : rows) {
      const std::string name = value_text(row.at("ablation"));
      std::string paper(absent_value);
      for (const auto& [ablation_name, faults] : paper_ablation_faults)
        if (ablation_name == name) paper = fmt::format("{}", faults);
      std::vector<cell> r{text_cell(name), value_cell(row, "faults_total"), number_cell(paper)};
      const json faults = row.value("faults", json::object());
      for (const auto& kind : kind_names) r.push_back(value_cell(faults, kind.c_str()));
      r.push_back(value_cell(row, "thrash_index", 3));
      t.rows.push_back(std::move(r));
    }
    s.tables.push_back(std::move(t));
    return s;
  });
}

section tier1_section(const std::optional<json>& tier1) {
  constexpr std::string_view id = "tier1";
  constexpr std::string_view title = "Tier 1: lifecycle gates";
  if (!tier1) return not_run_section(std::string(id), std::string(title));
  return within_document(tier1_document_name, [&] {
    section s{std::string(id), std::string(title)};
    const json& gates = tier1->at("gates");
    std::size_t passed = 0;
    for (const auto& gate : gates) passed += gate.at("pass").get<bool>() ? 1U : 0U;
    s.paragraphs.push_back({text_cell("Overall: "), verdict_cell(tier1->at("pass").get<bool>()),
                            text_cell(fmt::format(" ({} of {} gates pass). Each gate must raise the expected fault or "
                                                  "reason under its baseline and none under ClawVM.",
                                                  passed, gates.size()))});

    const fault_kind_order kinds;
    const auto faults_text = [&](const json& side) {
      const std::string detail = breakdown_text(side.value("faults", json::object()), kinds.names());
      const std::string total = value_text(side, "faults_total");
      return detail.empty() ? total : fmt::format("{} ({})", total, detail);
    };
    const auto reasons_text = [&](const json& side) {
      const std::string text = breakdown_text(side.value("reasons", json::object()));
      return text.empty() ? std::string(absent_value) : text;
    };
    // Workload and detail are long free text: they get their own table so that the
    // verdict table stays one screen wide.
    table t{"Gates",
            {"gate", "ClawVM faults", "ClawVM reasons", "baseline", "baseline faults", "baseline reasons",
             "expected under baseline", "ClawVM", "baseline", "gate"}};
    table details{"Gate details", {"gate", "workload", "budget", "detail"}};
    for (const auto& gate : gates) {
      const json& clawvm = gate.at("clawvm");
      const json& baseline = gate.at("baseline");
      std::vector<std::string> expected;
      if (const auto f = baseline.find("expected_fault"); f != baseline.end() && !f->is_null())
        expected.push_back("fault " + value_text(*f));
      if (const auto r = baseline.find("expected_reason"); r != baseline.end() && !r->is_null())
        expected.push_back("reason " + value_text(*r));
      // A gate whose baseline damage is not a fault kind (e.g. destructive commits) says
      // what it expects in "expected".
      if (const auto x = baseline.find("expected"); expected.empty() && x != baseline.end() && x->is_string())
        expected.push_back(x->get<std::string>());
      std::string expected_text;
      for (const auto& e : expected) expected_text += (expected_text.empty() ? "" : ", ") + e;
      t.rows.push_back({text_cell(value_text(gate.at("gate"))), text_cell(faults_text(clawvm)), text_cell(reasons_text(clawvm)),
                        text_cell(value_text(baseline, "name")), text_cell(faults_text(baseline)),
                        text_cell(reasons_text(baseline)),
                        text_cell(expected_text.empty() ? std::string(absent_value) : expected_text),
                        value_cell(clawvm, "pass"), value_cell(baseline, "pass"),
                        verdict_cell(gate.at("pass").get<bool>())});
      // A gate that could not run (a bad workload file) carries "error" instead of results.
      std::string detail = gate.value("detail", std::string{});
      if (const auto error = gate.find("error"); error != gate.end())
        detail = fmt::format("error: {}{}{}", value_text(*error), detail.empty() ? "" : "; ", detail);
      details.rows.push_back({text_cell(value_text(gate.at("gate"))), text_cell(value_text(gate, "workload")),
                              value_cell(gate, "budget"), text_cell(detail)});
    }
    s.tables.push_back(std::move(t));
    s.tables.push_back(std::move(details));
    return s;
  });
}

section shape_section(const std::optional<json>& tier2) {
  constexpr std::string_view id = "shape";
  constexpr std::string_view title = "Tier 2: shape checks";
  if (!tier2) return not_run_section(std::string(id), std::string(title));
  return within_document(tier2_document_name, [&] {
    section s{std::string(id), std::string(title)};
    const json& checks = tier2->at("shape");
    std::size_t passed = 0;
    for (const auto& check : checks) passed += check.at("pass").get<bool>() ? 1U : 0U;
    s.paragraphs.push_back({text_cell("The qualitative shape of the paper's results: "),
                            verdict_cell(tier2->at("shape_pass").get<bool>()),
                            text_cell(fmt::format(" ({} of {} checks pass).", passed, checks.size()))});
    table t{"Shape checks", {"check", "result", "detail"}};
    for (const auto& check : checks)
      t.rows.push_back({text_cell(value_text(check.at("check"))), verdict_cell(check.at("pass").get<bool>()),
                        text_cell(check.value("detail", std::string{}))});
    s.tables.push_back(std::move(t));
    return s;
  });
}

section weights_section(const std::optional<json>& weights) {
  constexpr std::string_view id = "weights";
  constexpr std::string_view title = "Weight sensitivity";
  if (!weights) return not_run_section(std::string(id), std::string(title));
  return within_document(weights_document_name, [&] {
    section s{std::string(id), std::string(title)};
    const json& points = weights->at("points");
    const json& reference = weights->at("reference_faults_total");
    s.paragraphs.push_back({text_cell(fmt::format(
        "{} weight points (pin_hard, pin_soft, recency, recompute) around the defaults; {} of them change "
        "faults_total from the reference {}.",
        points.size(), value_text(weights->at("points_with_changed_faults")), value_text(reference)))});

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
    for (const auto& point : points) {
      faults_range.add(number_or_missing(point, "faults_total"));
      thrash_range.add(number_or_missing(point, "thrash_index"));
    }
    table summary{"Summary", {"metric", "reference", "min", "max"}};
    summary.rows.push_back({text_cell("faults_total"), number_cell(value_text(reference)),
                            number_cell(mean_text(faults_range.low, 0)), number_cell(mean_text(faults_range.high, 0))});
    summary.rows.push_back({text_cell("thrash_index"), number_cell(std::string(absent_value)),
                            number_cell(mean_text(thrash_range.low, 3)), number_cell(mean_text(thrash_range.high, 3))});
    s.tables.push_back(std::move(summary));

    table t{"Weight points", {"pin_hard", "pin_soft", "recency", "recompute", "faults", "thrash", "changed"}};
    t.collapsed_in_html = points.size() > 12;
    for (const auto& point : points) {
      const bool changed = point.contains("faults_total") && point.at("faults_total") != reference;
      t.rows.push_back({value_cell(point, "pin_hard", 2), value_cell(point, "pin_soft", 2),
                        value_cell(point, "recency", 2), value_cell(point, "recompute", 2),
                        value_cell(point, "faults_total"), value_cell(point, "thrash_index", 3),
                        changed ? cell{"changed", cell_style::fail} : cell{"same", cell_style::muted}});
    }
    s.tables.push_back(std::move(t));
    return s;
  });
}

section tier2_table_section(const std::optional<json>& tier2) {
  constexpr std::string_view id = "tier2";
  constexpr std::string_view title = "Tier 2: all configurations";
  if (!tier2) return not_run_section(std::string(id), std::string(title));
  return within_document(tier2_document_name, [&] {
    section s{std::string(id), std::string(title)};
    const json& rows = tier2->at("rows");
    fault_kind_order kinds;
    for (const auto& row : rows) kinds.add_from(row.value("faults", json::object()));
    const std::vector<std::string> kind_names = kinds.names();
    table t{fmt::format("{} configurations", rows.size()), {"family", "workload", "budget", "policy", "faults"}};
    t.collapsed_in_html = true;
    for (const auto& kind : kind_names) t.header.push_back(kind);
    for (const char* column : {"hits", "alerts", "thrash", "oracle gap", "tokens used", "physical insufficiency",
                               "floor fits"})
      t.header.emplace_back(column);
    for (const auto& row : rows) {
      std::vector<cell> r{text_cell(value_text(row.at("family"))), text_cell(value_text(row, "workload")),
                          value_cell(row, "budget"), text_cell(value_text(row.at("policy"))),
                          value_cell(row, "faults_total")};
      const json faults = row.value("faults", json::object());
      for (const auto& kind : kind_names) r.push_back(value_cell(faults, kind.c_str()));
      r.push_back(value_cell(row, "hits"));
      r.push_back(value_cell(row, "duplicate_signature_alerts"));
      r.push_back(value_cell(row, "thrash_index", 3));
      r.push_back(value_cell(row, "oracle_gap"));
      r.push_back(value_cell(row, "tokens_used_total"));
      r.push_back(value_cell(row, "physical_insufficiency"));
      const auto fits = row.find("floor_set_fits");
      r.push_back(fits == row.end() || !fits->is_boolean() ? value_cell(row, "floor_set_fits")
                                                           : text_cell(fits->get<bool>() ? "yes" : "no"));
      t.rows.push_back(std::move(r));
    }
    s.tables.push_back(std::move(t));
    return s;
  });
}

// Real sessions without the aggregates of spec/real.md (an older or hand-made document
// that only has "rows"): every key any row has, in the order first seen.
void add_real_rows_table(section& s, const json& rows) {
  std::vector<std::string> columns;
  for (const auto& row : rows)
    if (row.is_object())
      for (const auto& [key, value] : row.items())
        if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
  table t{fmt::format("{} rows", rows.size()), columns};
  t.collapsed_in_html = rows.size() > 20;
  for (const auto& row : rows) {
    std::vector<cell> r;
    for (const auto& column : columns) {
      if (!row.is_object()) {
        r.push_back(text_cell(value_text(row)));
        continue;
      }
      const auto it = row.find(column);
      r.push_back(it == row.end() || !(it->is_object() || it->is_array()) ? value_cell(row, column.c_str())
                                                                           : text_cell(breakdown_text(*it)));
    }
    t.rows.push_back(std::move(r));
  }
  s.tables.push_back(std::move(t));
}

// One entry of real.summary.json "by_policy", looked up by its configuration.
const json* real_summary_entry(const json& by_policy, const std::string& cut, const json& budget,
                               std::string_view kind, const std::string& policy) {
  for (const auto& entry : by_policy)
    if (value_text(entry.at("cut")) == cut && entry.at("budget") == budget &&
        value_text(entry.at("budget_kind")) == kind && value_text(entry.at("policy")) == policy)
      return &entry;
  return nullptr;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// A median of whole faults: "8" or "8.5".
std::string real_median_text(const json& value) {
  if (!value.is_number()) return std::string(absent_value);
  const double v = value.get<double>();
  return svg::fixed(v, std::floor(v) == v ? 0 : 1);
}

// What every part of the real-session aggregates reads from a "clawvm-real" document,
// read once: the policies, cuts, budget grid and the by_policy summaries.
struct real_view {
  const json& doc;
  const json& by_policy;
  std::vector<std::string> policies;
  std::vector<std::string> cuts;
  json reference;
  std::vector<std::pair<json, std::string>> grid;  // (budget, kind): the budgets, then the windows

  explicit real_view(const json& real)
      : doc(real),
        by_policy(real.at("by_policy")),
        policies(string_list(real.at("policies"))),
        cuts(string_list(real.at("cuts"))),
        reference(real.value("reference_budget", json(180))) {
    for (const auto& b : real.at("budgets")) grid.emplace_back(b, "budget");
    for (const auto& w : real.at("windows")) grid.emplace_back(w, "window");
  }
  static std::string grid_label(const std::pair<json, std::string>& g) {
    return g.second == "window" ? "window " + value_text(g.first, 0) : value_text(g.first, 0);
  }
  const json* entry(const std::string& cut, const json& budget, std::string_view kind, const std::string& policy) const {
    return real_summary_entry(by_policy, cut, budget, kind, policy);
  }
  double median_faults(const std::string& cut, const json& budget, std::string_view kind,
                       const std::string& policy) const {
    const json* e = entry(cut, budget, kind, policy);
    return e == nullptr ? svg::missing_value : number_or_missing(*e, "median_faults");
  }
};

cell absent_cell() { return cell{std::string(absent_value), cell_style::muted}; }

// The overview, the verdict and the checks (RL-7, RL-8).
void add_real_verdict(section& s, const real_view& v) {
  const json& checks = v.doc.at("checks");
  std::size_t asserted = 0;
  std::size_t passed = 0;
  for (const auto& check : checks) {
    if (check.value("informative", false)) continue;
    ++asserted;
    passed += check.at("pass").get<bool>() ? 1U : 0U;
  }
  s.paragraphs.push_back({text_cell(fmt::format(
      "{} {} sessions, cut at {} turns (a session enters a cut when it has that many turns), replayed at budgets "
      "{} and at context windows {} under {} policies; oracle lookahead {}, importer window {} tokens. Verdict: ",
      v.doc.at("sessions").size(), value_text(v.doc, "source_format"), joined(v.cuts),
      joined(string_list(v.doc.at("budgets"))), joined(string_list(v.doc.at("windows"))),
      v.policies.size(), value_text(v.doc, "lookahead_turns"), value_text(v.doc, "import_window_tokens"))),
                          verdict_cell(v.doc.at("pass").get<bool>()),
                          text_cell(fmt::format(" ({} of {} checks pass; informative checks do not decide).", passed,
                                                asserted))});
  s.paragraphs.push_back({text_cell(
      "Policy-controllable faults are checked where the capacity suffices: a configuration (session, cut, budget) "
      "qualifies when the session's peak footprint (every assembly's required set plus a pointer for every other "
      "live page, measured by the capacity probe of spec/real.md RL-4) fits the budget. Elsewhere faults are "
      "partly caused by capacity; the oracle gap says how many a lookahead policy avoids.")});

  table check_table{"Checks", {"check", "result", "detail"}};
  for (const auto& check : checks) {
    const bool pass = check.at("pass").get<bool>();
    const bool informative = check.value("informative", false);
    check_table.rows.push_back(
        {text_cell(value_text(check.at("check"))),
         informative ? cell{fmt::format("informative: {}", pass ? "pass" : "fail"), cell_style::muted}
                     : verdict_cell(pass),
         text_cell(check.value("detail", std::string{}))});
  }
  s.tables.push_back(std::move(check_table));
}

// The paper's numbers next to ours: median faults per session at the reference budget.
void add_real_paper_comparison(section& s, const real_view& v) {
  const json& paper = v.doc.at("paper");
  const auto paper_value = [&](const std::string& policy, const std::string& cut) -> const json* {
    for (const auto& entry : paper)
      if (value_text(entry.at("policy")) == policy && value_text(entry.at("cut")) == cut)
        return &entry.at("paper_median_faults");
    return nullptr;
  };
  svg::grouped_bar_chart paper_chart;
  paper_chart.title = fmt::format("Median faults per session at budget {}, ours and the paper's", value_text(v.reference));
  paper_chart.y_label = "median faults";
  paper_chart.categories = v.policies;
  paper_chart.value_decimals = 1;
  paper_chart.width_px = wide_chart_px;
  // Blues for our cuts, browns for the paper's: none of them is a policy colour, which
  // would suggest a policy where a bar means a cut.
  constexpr std::array<std::string_view, 3> cut_colours{"#0072B2", "#56B4E9", "#999999"};
  constexpr std::array<std::string_view, 2> paper_colours{"#8C564B", "#C49C94"};
  for (std::size_t c = 0; c < v.cuts.size(); ++c) {
    std::vector<double> values;
    for (const auto& policy : v.policies) values.push_back(v.median_faults(v.cuts[c], v.reference, "budget", policy));
    paper_chart.groups.push_back({"cut " + v.cuts[c], std::string(cut_colours[c % cut_colours.size()]), values});
  }
  for (std::size_t c = 0; c < paper_colours.size(); ++c) {
    const std::string cut = c == 0 ? "100" : "200";
    std::vector<double> values;
    for (const auto& policy : v.policies) {
      const json* value = paper_value(policy, cut);
      values.push_back(value == nullptr ? svg::missing_value : number_or_missing(*value));
    }
    paper_chart.groups.push_back({"paper, cut " + cut, std::string(paper_colours[c]), values});
  }
  s.charts.push_back({svg::render(paper_chart), true});

  table paper_table{fmt::format("Median faults per session at budget {} (paper: brief \xC2\xA7" "5)", value_text(v.reference)),
                    {"policy"}};
  for (const auto& cut : v.cuts) {
    paper_table.header.push_back("cut " + cut);
    if (cut == "100" || cut == "200") paper_table.header.push_back("paper, cut " + cut);
  }
  for (const auto& policy : v.policies) {
    std::vector<cell> row{text_cell(policy)};
    for (const auto& cut : v.cuts) {
      const json* entry = v.entry(cut, v.reference, "budget", policy);
      row.push_back(number_cell(entry == nullptr ? std::string(absent_value) : real_median_text(entry->at("median_faults"))));
      if (cut == "100" || cut == "200") {
        const json* value = paper_value(policy, cut);
        row.push_back(number_cell(value == nullptr ? std::string(absent_value) : real_median_text(*value)));
      }
    }
    paper_table.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(paper_table));
}

// Median faults vs the paper's budgets, one chart per cut; windows are in the tables.
void add_real_budget_curves(section& s, const real_view& v) {
  policy_colours colours;
  for (const auto& cut : v.cuts) {
    svg::line_chart chart;
    chart.title = fmt::format("Median faults per session vs budget: cut {}", cut);
    chart.x_label = "budget (tokens)";
    chart.y_label = "median faults";
    chart.scale = svg::y_scale::log1p;
    for (const auto& b : v.doc.at("budgets")) chart.x.push_back(number_or_missing(b));
    for (const auto& policy : v.policies) {
      std::vector<double> values;
      for (const auto& b : v.doc.at("budgets")) values.push_back(v.median_faults(cut, b, "budget", policy));
      chart.lines.push_back({policy, colours(policy), values});
    }
    s.charts.push_back({svg::render(chart), false});

    table t{fmt::format("Cut {}: median faults per session (total over the sessions)", cut), {"budget"}};
    for (const auto& policy : v.policies) t.header.push_back(policy);
    t.header.emplace_back("sessions");
    t.header.emplace_back("capacity sufficient");
    for (const auto& g : v.grid) {
      std::vector<cell> row{number_cell(real_view::grid_label(g))};
      const json* any = nullptr;
      for (const auto& policy : v.policies) {
        const json* entry = v.entry(cut, g.first, g.second, policy);
        if (entry != nullptr) any = entry;
        row.push_back(number_cell(entry == nullptr ? std::string(absent_value)
                                                   : fmt::format("{} ({})", real_median_text(entry->at("median_faults")),
                                                                 value_text(entry->at("total_faults")))));
      }
      row.push_back(any == nullptr ? absent_cell() : value_cell(*any, "sessions"));
      row.push_back(any == nullptr ? absent_cell() : value_cell(*any, "sessions_capacity_sufficient"));
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
  const auto there = [](const json* entry) {
    return entry == nullptr ? absent_cell() : value_cell(*entry, "faults_where_capacity_sufficient");
  };
  const auto elsewhere = [](const json* entry) {
    if (entry == nullptr) return absent_cell();
    return number_cell(fmt::format("{}", entry->at("total_faults").get<std::uint64_t>() -
                                             entry->at("faults_where_capacity_sufficient").get<std::uint64_t>()));
  };
  for (const auto& cut : v.cuts) {
    for (const auto& g : v.grid) {
      const json* claw = v.entry(cut, g.first, g.second, "clawvm");
      if (claw == nullptr) continue;
      const json* orc = v.entry(cut, g.first, g.second, "oracle");
      const json* ret = v.entry(cut, g.first, g.second, "retrieval");
      capacity.rows.push_back({text_cell(cut), number_cell(real_view::grid_label(g)),
                               number_cell(fmt::format("{} of {}", value_text(claw->at("sessions_capacity_sufficient")),
                                                       value_text(claw->at("sessions")))),
                               there(claw), there(orc), there(ret), elsewhere(claw), elsewhere(orc)});
    }
  }
  s.tables.push_back(std::move(capacity));
}

// Thrash and prefix stability at full length: the reference budget and the windows.
void add_real_stability_table(section& s, const real_view& v) {
  const std::string last_cut = v.cuts.empty() ? std::string("full") : v.cuts.back();
  table stability{fmt::format("Cut {}: mean thrash and prefix stability", last_cut), {"policy"}};
  std::vector<std::pair<json, std::string>> shown{{v.reference, "budget"}};
  for (const auto& w : v.doc.at("windows")) shown.emplace_back(w, "window");
  for (const auto& g : shown) {
    stability.header.push_back("thrash " + real_view::grid_label(g));
    stability.header.push_back("prefix stability " + real_view::grid_label(g));
  }
  for (const auto& policy : v.policies) {
    std::vector<cell> row{text_cell(policy)};
    for (const auto& g : shown) {
      const json* entry = v.entry(last_cut, g.first, g.second, policy);
      row.push_back(entry == nullptr ? absent_cell() : value_cell(*entry, "mean_thrash", 3));
      row.push_back(entry == nullptr ? absent_cell() : value_cell(*entry, "prefix_stability", 3));
    }
    stability.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(stability));
}

void add_real_sessions_table(section& s, const real_view& v) {
  table sessions{"Sessions", {"session", "turns", "tool calls", "pages", "demands", "compactions", "peak footprint by cut"}};
  sessions.collapsed_in_html = true;
  for (const auto& session : v.doc.at("sessions")) {
    std::string peaks;
    for (const auto& c : session.at("cuts"))
      peaks += fmt::format("{}{}: {}", peaks.empty() ? "" : ", ", value_text(c.at("cut")),
                           value_text(c.at("peak_footprint_tokens")));
    sessions.rows.push_back({text_cell(value_text(session.at("session"))), value_cell(session, "turns"),
                             value_cell(session, "tool_calls"), value_cell(session, "pages"),
                             value_cell(session, "demands"), value_cell(session, "compactions"), text_cell(peaks)});
  }
  s.tables.push_back(std::move(sessions));
  s.paragraphs.push_back({text_cell(fmt::format(
      "Every configuration's row ({} rows: faults by kind, alerts, thrash, oracle gap, tokens, prefix stability, "
      "physical insufficiency, capacity) is in real.summary.json and real.summary.csv.",
      v.doc.at("rows").size()))});
}

// The aggregates of a "clawvm-real" document (spec/real.md RL-10): per policy, never the
// thousands of rows, which stay in real.summary.json and real.summary.csv (RPT-8).
void add_real_aggregates(section& s, const json& real) {
  const real_view v(real);
  add_real_verdict(s, v);
  add_real_paper_comparison(s, v);
  add_real_budget_curves(s, v);
  add_real_capacity_table(s, v);
  add_real_stability_table(s, v);
  add_real_sessions_table(s, v);
}

section real_section(const std::optional<json>& real) {
  constexpr std::string_view id = "real";
  constexpr std::string_view title = "Real sessions";
  if (!real) return not_run_section(std::string(id), std::string(title));
  return within_document(real_document_name, [&] {
    section s{std::string(id), std::string(title)};
    if (real->contains("by_policy")) {
      add_real_aggregates(s, *real);
    } else {
      add_real_rows_table(s, real->at("rows"));
    }
    return s;
  });
}

section manifest_section(const std::optional<json>& manifest) {
  constexpr std::string_view id = "manifest";
  constexpr std::string_view title = "Manifest";
  if (!manifest) return not_run_section(std::string(id), std::string(title));
  return within_document(manifest_document_name, [&] {
    section s{std::string(id), std::string(title)};
    s.paragraphs.push_back({text_cell(fmt::format("clawvm {}, seed {}. SHA-256 of every output of the suite run:",
                                                  value_text(*manifest, "clawvm_version"),
                                                  value_text(*manifest, "seed")))});
    table t{"Outputs", {"file", "sha256"}};
    for (const auto& output : manifest->at("outputs"))
      t.rows.push_back({text_cell(value_text(output.at("file"))), cell{value_text(output.at("sha256")), cell_style::code}});
    s.tables.push_back(std::move(t));
    return s;
  });
}

section summary_section(const report_inputs& in) {
  section s{"summary", "Summary"};
  table t{"Results at a glance", {"part", "result", "detail"}};
  const cell not_run{std::string(not_run_text), cell_style::muted};

  if (in.tier1) {
    within_document(tier1_document_name, [&] {
      const json& gates = in.tier1->at("gates");
      std::size_t passed = 0;
      for (const auto& gate : gates) passed += gate.at("pass").get<bool>() ? 1U : 0U;
      t.rows.push_back({text_cell("Tier 1 lifecycle gates"), verdict_cell(in.tier1->at("pass").get<bool>()),
                        text_cell(fmt::format("{} of {} gates pass", passed, gates.size()))});
    });
  } else {
    t.rows.push_back({text_cell("Tier 1 lifecycle gates"), not_run, text_cell("")});
  }

  if (in.tier2) {
    within_document(tier2_document_name, [&] {
      const json& checks = in.tier2->at("shape");
      std::size_t passed = 0;
      for (const auto& check : checks) passed += check.at("pass").get<bool>() ? 1U : 0U;
      t.rows.push_back({text_cell("Tier 2 shape checks"), verdict_cell(in.tier2->at("shape_pass").get<bool>()),
                        text_cell(fmt::format("{} of {} checks pass", passed, checks.size()))});
      std::string means;
      for (const auto& entry : in.tier2->at("by_policy"))
        means += fmt::format("{}{} {}", means.empty() ? "" : ", ", value_text(entry.at("policy")),
                             value_text(entry, "mean_faults", 2));
      t.rows.push_back({text_cell("Tier 2 mean faults per configuration"),
                        text_cell(fmt::format("{} rows", in.tier2->at("rows").size())), text_cell(means)});
    });
  } else {
    t.rows.push_back({text_cell("Tier 2 sweep"), not_run, text_cell("")});
  }

  if (in.ablation) {
    within_document(ablation_document_name, [&] {
      std::string faults;
      for (const auto& row : in.ablation->at("rows"))
        faults += fmt::format("{}{} {}", faults.empty() ? "" : ", ", value_text(row.at("ablation")),
                              value_text(row, "faults_total"));
      t.rows.push_back({text_cell("Ablation"), text_cell(fmt::format("budget {}", value_text(*in.ablation, "budget"))),
                        text_cell(faults)});
    });
  } else {
    t.rows.push_back({text_cell("Ablation"), not_run, text_cell("")});
  }

  if (in.weights) {
    within_document(weights_document_name, [&] {
      t.rows.push_back({text_cell("Weight sensitivity"),
                        text_cell(fmt::format("{} points", in.weights->at("points").size())),
                        text_cell(fmt::format("{} change faults_total (reference {})",
                                              value_text(in.weights->at("points_with_changed_faults")),
                                              value_text(in.weights->at("reference_faults_total"))))});
    });
  } else {
    t.rows.push_back({text_cell("Weight sensitivity"), not_run, text_cell("")});
  }

  if (in.real) {
    within_document(real_document_name, [&] {
      if (!in.real->contains("by_policy")) {
        t.rows.push_back({text_cell("Real sessions"), text_cell(fmt::format("{} rows", in.real->at("rows").size())),
                          text_cell("")});
        return;
      }
      std::size_t asserted = 0;
      std::size_t passed = 0;
      for (const auto& check : in.real->at("checks")) {
        if (check.value("informative", false)) continue;
        ++asserted;
        passed += check.at("pass").get<bool>() ? 1U : 0U;
      }
      t.rows.push_back({text_cell("Real sessions"), verdict_cell(in.real->at("pass").get<bool>()),
                        text_cell(fmt::format("{} sessions, {} replays: {} of {} checks pass",
                                              in.real->at("sessions").size(), in.real->at("rows").size(), passed,
                                              asserted))});
    });
  } else {
    t.rows.push_back({text_cell("Real sessions"), not_run, text_cell("")});
  }
  s.tables.push_back(std::move(t));
  return s;
}

struct report_model {
  std::string subtitle;
  std::vector<section> sections;
};

report_model build_model(const report_inputs& in) {
  validate_report_inputs(in);
  report_model model;
  std::string version(absent_value);
  std::string seed(absent_value);
  if (in.manifest) {
    version = value_text(*in.manifest, "clawvm_version");
    seed = value_text(*in.manifest, "seed");
  } else if (in.tier2) {
    seed = value_text(*in.tier2, "seed");
  }
  model.subtitle = fmt::format(
      "clawvm {}, seed {}. A reproduction of the evaluation in the ClawVM paper (brief \xC2\xA7" "5): Tier-1 "
      "lifecycle gates, the Tier-2 budget sweep, the ablation and a weight-sensitivity sweep.",
      version, seed);
  policy_colours colours;
  model.sections.push_back(summary_section(in));
  model.sections.push_back(faults_vs_budget_section(in.tier2, colours));
  model.sections.push_back(policies_section(in.tier2, colours));
  model.sections.push_back(ablation_section(in.ablation));
  model.sections.push_back(tier1_section(in.tier1));
  model.sections.push_back(shape_section(in.tier2));
  model.sections.push_back(weights_section(in.weights));
  model.sections.push_back(tier2_table_section(in.tier2));
  model.sections.push_back(real_section(in.real));
  model.sections.push_back(manifest_section(in.manifest));
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

void validate_report_inputs(const report_inputs& in) {
  using vt = json::value_t;
  if (in.tier1) {
    check_format(*in.tier1, tier1_document_name, "clawvm-tier1", 1);
    require_key(*in.tier1, tier1_document_name, "pass", vt::boolean);
    require_array(*in.tier1, tier1_document_name, "gates");
  }
  if (in.tier2) {
    check_format(*in.tier2, tier2_document_name, "clawvm-tier2", 1);
    for (const char* key : {"budgets", "families", "policies", "rows", "by_policy", "shape"})
      require_array(*in.tier2, tier2_document_name, key);
    require_key(*in.tier2, tier2_document_name, "shape_pass", vt::boolean);
    for (const auto& budget : in.tier2->at("budgets"))
      if (!budget.is_number()) fail(tier2_document_name, "\"budgets\" holds a non-number");
  }
  if (in.ablation) {
    check_format(*in.ablation, ablation_document_name, "clawvm-ablation", 1);
    require_array(*in.ablation, ablation_document_name, "rows");
  }
  if (in.weights) {
    check_format(*in.weights, weights_document_name, "clawvm-weights", 1);
    require_array(*in.weights, weights_document_name, "points");
    require_key(*in.weights, weights_document_name, "reference_faults_total", vt::number_float);
    require_key(*in.weights, weights_document_name, "points_with_changed_faults", vt::number_float);
  }
  if (in.manifest) {
    if (!in.manifest->is_object()) fail(manifest_document_name, "not a JSON object");
    require_array(*in.manifest, manifest_document_name, "outputs");
  }
  if (in.real) {
    if (!in.real->is_object()) fail(real_document_name, "not a JSON object");
    if (in.real->contains("format")) check_format(*in.real, real_document_name, "clawvm-real", 1);
    require_array(*in.real, real_document_name, "rows");
    // The aggregates of spec/real.md RL-10; a document with only "rows" is shown as a table.
    if (in.real->contains("by_policy")) {
      for (const char* key : {"sessions", "by_policy", "checks", "paper", "cuts", "budgets", "windows", "policies"})
        require_array(*in.real, real_document_name, key);
      require_key(*in.real, real_document_name, "pass", vt::boolean);
    }
  }
}

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
