#pragma once
// The suite's documents as the report reads them (spec/report.md RPT-6): each is read
// once, through json_fields' object_reader, into the typed structs below; the sections
// of report.cpp render from these and never touch JSON. A key the report needs and does
// not find, or finds with the wrong type, is a std::runtime_error naming the document and
// the field ("tier2.summary.json: malformed document: field 'rows[3].policy': is required").
// Keys the report does not show are ignored, so that a newer document still renders.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/eval/report.hpp"

namespace clawvm::eval::report_documents {

// How the report prints a value the document does not have (absent or null): an em dash.
inline constexpr std::string_view absent_text = "\xE2\x80\x94";

// One scalar as the document wrote it (RPT-10): absent, null, a boolean, an integer
// (printed exactly), a float (printed with the column's decimals) or a string. A
// compound value (only where a document may hold anything) is kept as its text.
class value {
 public:
  enum class kind { absent, null, boolean, integer, real, text };

  static value read(const nlohmann::json* v);  // nullptr: absent
  static value of_text(std::string text);

  kind type() const noexcept { return kind_; }
  bool present() const noexcept { return kind_ != kind::absent; }
  bool is_number() const noexcept { return kind_ == kind::integer || kind_ == kind::real; }
  bool is_boolean() const noexcept { return kind_ == kind::boolean; }
  bool flag() const noexcept { return flag_; }
  // The number, or svg::missing_value (NaN: a gap in a chart) when it is not one.
  double number_or_missing() const noexcept;
  // Report text (RPT-10): integers exact, floats with `decimals` digits, null and absent
  // as an em dash, booleans as yes/no, strings as they are.
  std::string text(int decimals = 3) const;

  // JSON's equality: numbers by value whatever their type, otherwise kind and text.
  friend bool operator==(const value& a, const value& b) noexcept;

 private:
  kind kind_ = kind::absent;
  bool flag_ = false;
  double number_ = 0.0;
  std::string text_;  // integer digits, or the string
};

// A map of counts by name ("faults", "reasons"), in key order.
using counts = std::vector<std::pair<std::string, value>>;

// ---- tier1.report.json ("clawvm-tier1" v1)

struct gate_side {
  value name;  // the baseline's policy (absent for ClawVM)
  value faults_total;
  counts faults;
  counts reasons;
  value pass;
  std::vector<std::string> expected;  // the baseline's "fault X", "reason Y" or free text
};

struct gate {
  std::string name;
  bool pass = false;
  value workload;
  value budget;
  std::string detail;  // with "error: ..." in front when the gate could not run
  gate_side clawvm;
  gate_side baseline;
};

struct tier1_document {
  bool pass = false;
  std::vector<gate> gates;
};

// ---- tier2.summary.json ("clawvm-tier2" v1)

struct tier2_row {
  std::string family;
  value workload;
  double budget = 0.0;
  value budget_value;  // as written, for the table
  std::string policy;
  value faults_total;
  counts faults;
  value hits;
  value duplicate_signature_alerts;
  value thrash_index;
  value oracle_gap;
  value optimum_faults;  // SW-15: the configuration's exact offline optimum
  value optimum_gap;
  value tokens_used_total;
  value physical_insufficiency;
  value floor_set_fits;
};

struct policy_means {
  std::string policy;
  value mean_faults;
  value total_faults;
  value mean_thrash;
  value mean_optimum_gap;
};

struct check {
  std::string name;
  bool pass = false;
  bool informative = false;  // shown, but does not decide the verdict
  std::string detail;
};

struct tier2_document {
  value seed;
  std::vector<std::string> families;
  std::vector<std::string> policies;
  std::vector<double> budgets;
  std::vector<std::string> budget_labels;
  std::vector<tier2_row> rows;
  std::vector<policy_means> by_policy;
  std::vector<check> shape;
  bool shape_pass = false;
};

// ---- ablation.json ("clawvm-ablation" v1)

struct ablation_row {
  std::string ablation;
  value faults_total;
  counts faults;
  value thrash_index;
};

struct ablation_document {
  value budget;
  value seed;
  std::vector<ablation_row> rows;
};

// ---- weights.json ("clawvm-weights" v1)

struct weight_point {
  value pin_hard;
  value pin_soft;
  value recency;
  value recompute;
  value faults_total;
  value thrash_index;
};

struct weights_document {
  std::vector<weight_point> points;
  value reference_faults_total;
  value points_with_changed_faults;
};

// ---- suite.manifest.json (reduced by manifest_summary)

struct manifest_output {
  std::string file;
  std::string sha256;
};

struct manifest_document {
  value clawvm_version;
  value seed;
  std::vector<manifest_output> outputs;
};

// ---- real.summary.json ("clawvm-real" v1, spec/real.md RL-10)

struct real_cut_peak {
  std::string cut;
  std::string peak_footprint_tokens;
};

struct real_session {
  std::string session;
  value turns;
  value tool_calls;
  value pages;
  value demands;
  value compactions;
  std::vector<real_cut_peak> cuts;
};

// One configuration's summary over the sessions: (cut, budget, budget kind, policy).
struct real_summary {
  std::string cut;
  value budget;
  std::string budget_kind;  // "budget" or "window"
  std::string policy;
  value median_faults;
  value total_faults;
  value sessions;
  value sessions_capacity_sufficient;
  value faults_where_capacity_sufficient;
  value mean_thrash;
  value prefix_stability;
  value optimum_faults_total;  // RL-14
  value optimum_gap_total;
  value cache_read_share;  // RL-15 (RP-10)
  value relative_cost;
  value prefix_breaks_per_turn;
  value cache_miss_tokens;  // written or uncached: prompt tokens not read from the cache
};

struct paper_median {
  std::string policy;
  std::string cut;
  value median_faults;
};

// RL-16: at one (cut, window), the no-compaction reference and each policy on the same
// sessions (the ones whose transcript fits the window).
struct real_no_compaction_policy {
  std::string policy;
  value cache_read_share;
  value relative_cost;
  value faults_total;
};
struct real_no_compaction {
  std::string cut;
  value window;
  value sessions;
  value sessions_fitting;
  value cache_read_share;
  value relative_cost;
  std::vector<real_no_compaction_policy> policies;
};

struct real_aggregates {
  bool pass = false;
  value source_format;
  value lookahead_turns;
  value import_window_tokens;
  value reference_budget;  // 180 when the document does not say
  std::vector<std::string> policies;
  std::vector<std::string> cuts;
  std::vector<value> budgets;
  std::vector<value> windows;
  std::vector<real_session> sessions;
  std::vector<real_summary> by_policy;
  std::vector<check> checks;
  std::vector<paper_median> paper;
  std::vector<real_no_compaction> no_compaction;  // absent in older documents: empty
};

// A document with only "rows" (older or hand-made): every key any row has, in the order
// first seen; a row that is not an object is one text cell.
struct real_rows {
  std::vector<std::string> columns;
  std::vector<std::vector<value>> cells;
};

struct real_document {
  std::size_t rows = 0;
  std::optional<real_aggregates> aggregates;  // absent: only `table` is shown
  real_rows table;
};

// ---- All of them

struct documents {
  std::optional<tier1_document> tier1;
  std::optional<tier2_document> tier2;
  std::optional<tier2_document> tier2_artifact_scale;  // SW-17
  std::optional<ablation_document> ablation;
  std::optional<weights_document> weights;
  std::optional<manifest_document> manifest;
  std::optional<real_document> real;
};

// Checks format and version (RPT-6) and reads every present document; throws
// std::runtime_error starting with the document's file name.
documents read(const report_inputs& inputs);

}  // namespace clawvm::eval::report_documents
