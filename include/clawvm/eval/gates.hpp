#pragma once
// Tier-1 lifecycle gates (brief §5, spec/gates.md GT-1..GT-10): six must-pass scenarios,
// each a hand-written workload in spec/vectors/gates/ replayed twice: under the policy
// under test (ClawVM), which must show no policy-controllable fault and the expected
// rejections, and under a named baseline, which must show the expected fault or unsafe
// outcome. A gate passes only if both runs meet their expectations, so a gate whose
// scenario no longer provokes anything fails instead of passing vacuously (GT-2).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/faults.hpp"
#include "clawvm/policy.hpp"
#include "clawvm/reason_code.hpp"
#include "clawvm/replay.hpp"
#include "clawvm/trace_validation.hpp"
#include "clawvm/update.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::eval {

inline constexpr int tier1_report_version = 1;
inline constexpr std::string_view tier1_report_format = "clawvm-tier1";

// Counters a gate can require a minimum of (GT-2): the outcomes that are not faults.
enum class gate_counter : std::uint8_t {
  commits = 0,
  rejections = 1,
  destructive_commits = 2,
  recalls_explained = 3,
  duplicate_signature_alerts = 4,
};
std::string_view to_string(gate_counter c) noexcept;
std::uint64_t counter_value(const fault_counters& c, gate_counter which) noexcept;

struct counter_minimum {
  gate_counter counter = gate_counter::commits;
  std::uint64_t at_least = 1;
};

// A committed value that must be in the durable tier after the run (GT-2), e.g. "the
// decisions keep their first value" or "the plan status survived the reset".
struct committed_expectation {
  clawvm::scope scope = clawvm::scope::session;
  std::string field;
  std::string value_json;  // compared as canonical JSON (JR-10)
};

// What one run must show. Every list is a conjunction; empty lists check nothing.
struct run_expectation {
  // The fault the run must raise at least once (baselines), and where: a `fault` trace
  // event with this page and detail (empty: any).
  std::optional<fault_kind> fault;
  std::string fault_page;
  std::string fault_detail;
  // The reason code that shows the damage (baselines; reported as expected_reason), e.g.
  // RECALL_NO_MATCH when state lost at a boundary is looked up again. Counted >= 1.
  std::optional<reason_code> reason;
  std::vector<reason_code> reasons_present;  // each counted >= 1 in replay_metrics::reasons
  std::vector<reason_code> reasons_absent;   // each not counted at all
  std::vector<counter_minimum> counters_at_least;
  std::vector<committed_expectation> committed;
};

struct gate_definition {
  std::string name;           // "reset_flush_miss"; the workload header's name is "gate." + name
  std::string workload_file;  // file name inside the vectors directory
  std::uint32_t tokens_budget = 0;
  // Who writes back: replay's default (both scopes, RP-2) unless the gate tests the scope
  // check, which needs a principal confined to session scope (JR-5).
  principal writer{true, true};
  std::string summary;        // one sentence: what the gate protects
  // The policy under test. Besides `subject_expects` it must show no fault at all, no
  // physical insufficiency and no destructive commit (GT-2).
  engine_policy subject = policy_clawvm();
  run_expectation subject_expects;
  // The named baseline: one of the six policies, or ClawVM with exactly the protecting
  // feature removed, named after what it lacks.
  engine_policy baseline;
  run_expectation baseline_expects;
};

// The six gates in the brief's order (GT-3..GT-8).
std::vector<gate_definition> tier1_gates();
std::optional<gate_definition> tier1_gate_named(std::string_view name);

// The baselines of the gates that are not one of the six presets (GT-9).
engine_policy policy_clawvm_without_writeback_at_reset();
engine_policy policy_clawvm_writeback_only_at_memory_flush();
engine_policy policy_clawvm_without_recall_explanation();
engine_policy policy_clawvm_without_writeback_validation();
engine_policy policy_clawvm_without_pointer_resolution();

struct gate_check {
  std::string what;  // "destructive_commits == 0 (got 0)"
  bool pass = false;
};

// A `fault` line of a decision trace (DT-4).
struct fault_event {
  std::string fault;
  std::string page;
  std::string detail;
  friend bool operator==(const fault_event&, const fault_event&) = default;
};

// One replay of the gate's workload under one policy.
struct gate_run {
  std::string policy;
  replay_metrics metrics;
  trace_validation_result trace;         // the decision trace checked against the model
  std::vector<std::string> trace_lines;  // the decision trace itself (--trace-dir)
  std::vector<fault_event> faults;       // the trace's fault lines, in order
  std::vector<std::pair<committed_expectation, std::optional<committed_value>>> committed;
  std::vector<gate_check> checks;
  bool pass = false;
};

struct gate_result {
  std::string gate;
  std::string summary;  // what the gate protects (gate_definition::summary)
  std::string workload_file;
  std::string workload_sha256;  // of the file's bytes; empty when it could not be read
  std::uint32_t tokens_budget = 0;
  std::optional<fault_kind> expected_fault;
  std::optional<reason_code> expected_reason;
  // The baseline's expectation and what it showed, in a few words ("flush_miss +
  // RECALL_NO_MATCH", "flush_miss=1, RECALL_NO_MATCH=1"): tables and reports.
  std::string baseline_expected;
  std::string baseline_observed;
  gate_run subject;
  gate_run baseline;
  std::optional<workload_error> error;  // bad input: the vector could not be read
  bool pass = false;
  std::string detail;  // one line: why it passed, or every failed check

  nlohmann::json to_json() const;
};

struct tier1_report {
  std::vector<gate_result> gates;
  bool pass() const noexcept;
  // The first bad-input error of any gate (the CLI exits 2 on it).
  const workload_error* first_error() const noexcept;
  // tier1.report.json (GT-10): sorted keys, two-space indent, '\n' terminated.
  nlohmann::json to_json() const;
  std::string to_json_text() const;
  // tier1.report.md: the same table the CLI prints, as Markdown.
  std::string to_markdown() const;
};

// Replays the gate's workload `vectors_dir`/`workload_file` under its subject and its
// baseline (each with a decision trace that is validated against the model) and checks
// both expectations. Never throws for bad input: `error` says what is wrong.
gate_result run_gate(const gate_definition& gate, const std::string& vectors_dir);
// As run_gate, with the workload already loaded (tests of planted bugs).
gate_result run_gate(const gate_definition& gate, const workload& w, std::string workload_sha256);

tier1_report run_all_gates(const std::string& vectors_dir);
tier1_report run_gates(const std::vector<gate_definition>& gates, const std::string& vectors_dir);

}  // namespace clawvm::eval
