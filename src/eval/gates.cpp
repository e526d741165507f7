// Tier-1 lifecycle gates: spec/gates.md GT-1..GT-10.
#include "clawvm/eval/gates.hpp"

#include <algorithm>
#include <utility>

#include <fmt/core.h>

#include "clawvm/durable_store.hpp"
#include "clawvm/decision_trace.hpp"
#include "clawvm/eval/digest.hpp"
#include "clawvm/merge_rules.hpp"

namespace clawvm::eval {

using nlohmann::json;

std::string_view to_string(gate_counter c) noexcept {
  switch (c) {
    case gate_counter::commits: return "commits";
    case gate_counter::rejections: return "rejections";
    case gate_counter::destructive_commits: return "destructive_commits";
    case gate_counter::recalls_explained: return "recalls_explained";
    case gate_counter::duplicate_signature_alerts: return "duplicate_signature_alerts";
  }
  return "?";
}

std::uint64_t counter_value(const fault_counters& c, gate_counter which) noexcept {
  switch (which) {
    case gate_counter::commits: return c.commits;
    case gate_counter::rejections: return c.rejections;
    case gate_counter::destructive_commits: return c.destructive_commits;
    case gate_counter::recalls_explained: return c.recalls_explained;
    case gate_counter::duplicate_signature_alerts: return c.duplicate_signature_alerts;
  }
  return 0;
}

// ---- baselines (GT-9): ClawVM with exactly one protecting feature removed ----

engine_policy policy_clawvm_without_writeback_at_reset() {
  engine_policy p = policy_clawvm();
  p.name = "clawvm_without_writeback_at_reset";
  p.writeback_at[static_cast<std::size_t>(boundary::reset)] = false;
  return p;
}

engine_policy policy_clawvm_writeback_only_at_memory_flush() {
  // A flush-then-compact harness: it relies on the memory flush that normally precedes a
  // compaction and writes back nowhere else.
  engine_policy p = policy_clawvm();
  p.name = "clawvm_writeback_only_at_memory_flush";
  p.writeback_at.fill(false);
  p.writeback_at[static_cast<std::size_t>(boundary::memory_flush)] = true;
  return p;
}

engine_policy policy_clawvm_without_recall_explanation() {
  engine_policy p = policy_clawvm();
  p.name = "clawvm_without_recall_explanation";
  p.explain_empty_recall = false;
  return p;
}

engine_policy policy_clawvm_without_writeback_validation() {
  engine_policy p = policy_clawvm();
  p.name = "clawvm_without_writeback_validation";
  p.validate_writeback = false;
  return p;
}

engine_policy policy_clawvm_without_pointer_resolution() {
  engine_policy p = policy_clawvm();
  p.name = "clawvm_without_pointer_resolution";
  p.pointers_resolve_evidence = false;
  return p;
}

// ---- the six gates (GT-3..GT-8); their workloads are spec/vectors/gates/<name>.workload.jsonl ----

namespace {

gate_definition gate_post_compaction_bootstrap() {
  gate_definition g;
  g.name = "post_compaction_bootstrap";
  g.tokens_budget = 300;
  g.summary = "the hard-pinned bootstrap page is resident at its floor right after a compaction";
  g.baseline = policy_compaction_hybrid();
  g.baseline_expects.fault = fault_kind::post_compaction_bootstrap;
  g.baseline_expects.fault_page = "boot.system";
  return g;
}

gate_definition gate_reset_flush_miss() {
  gate_definition g;
  g.name = "reset_flush_miss";
  g.tokens_budget = 300;
  g.summary = "dirty state is committed at a reset, before the reset destroys it";
  // The status is committed at the reset and found by the next session's recall.
  g.subject_expects.counters_at_least = {{gate_counter::commits, 1}};
  g.subject_expects.reasons_absent = {reason_code::recall_no_match};
  g.subject_expects.committed = {
      {scope::session, "plan.status",
       R"({"done":["backup"],"goal":"migrate orders to 0042","next":"apply 0042"})"}};
  g.baseline = policy_clawvm_without_writeback_at_reset();
  g.baseline_expects.fault = fault_kind::flush_miss;
  g.baseline_expects.fault_page = "plan.main";
  g.baseline_expects.fault_detail = "reset";
  g.baseline_expects.reason = reason_code::recall_no_match;
  return g;
}

gate_definition gate_threshold_jump_race() {
  gate_definition g;
  g.name = "threshold_jump_race";
  g.tokens_budget = 400;
  g.summary = "a compaction that comes without the usual memory flush first still commits dirty state";
  // One commit at the ordinary flush, one at the compaction of the race.
  g.subject_expects.counters_at_least = {{gate_counter::commits, 2}};
  g.subject_expects.reasons_absent = {reason_code::recall_no_match};
  g.subject_expects.committed = {
      {scope::session, "plan.steps_done", R"(["read docs/design.md"])"},
      {scope::session, "plan.decisions", R"({"reason":"single writer, under 10 GB, embedded","storage":"sqlite"})"}};
  g.baseline = policy_clawvm_writeback_only_at_memory_flush();
  g.baseline_expects.fault = fault_kind::flush_miss;
  g.baseline_expects.fault_page = "plan.main";
  g.baseline_expects.fault_detail = "compaction";
  g.baseline_expects.reason = reason_code::recall_no_match;
  return g;
}

gate_definition gate_silent_recall_visibility() {
  gate_definition g;
  g.name = "silent_recall_visibility";
  g.tokens_budget = 300;
  g.summary = "every empty memory lookup says why: no match, denied or backend error";
  g.subject_expects.reasons_present = {reason_code::recall_no_match, reason_code::recall_denied,
                                       reason_code::recall_backend_error};
  g.subject_expects.counters_at_least = {{gate_counter::recalls_explained, 3}};
  g.baseline = policy_clawvm_without_recall_explanation();
  g.baseline_expects.fault = fault_kind::silent_recall;
  g.baseline_expects.fault_detail = "user.preferred_language";
  // Silent means the harness got no reason at all.
  g.baseline_expects.reasons_absent = {reason_code::recall_no_match, reason_code::recall_denied,
                                       reason_code::recall_backend_error};
  return g;
}

gate_definition gate_unsafe_persistence_rejection() {
  gate_definition g;
  g.name = "unsafe_persistence_rejection";
  g.tokens_budget = 300;
  g.summary = "unsafe updates are rejected with their reason code and never overwrite committed state";
  g.writer = principal{true, false};  // an agent principal: session scope only (JR-5)
  g.subject_expects.reasons_present = {reason_code::destructive_op,     reason_code::stale_version,
                                       reason_code::provenance_missing, reason_code::provenance_dangling,
                                       reason_code::scope_denied,       reason_code::hard_pin_violation};
  g.subject_expects.counters_at_least = {{gate_counter::commits, 1}, {gate_counter::rejections, 6}};
  g.subject_expects.committed = {{scope::session, "project.decisions", R"({"db":"postgres","orm":"none"})"}};
  g.baseline = policy_clawvm_without_writeback_validation();
  g.baseline_expects.counters_at_least = {{gate_counter::destructive_commits, 1}};
  return g;
}

gate_definition gate_evidence_churn_duplicate_tool() {
  gate_definition g;
  g.name = "evidence_churn_duplicate_tool";
  g.tokens_budget = 220;
  g.summary = "a repeated tool call whose result was evicted to a pointer is not re-run";
  g.subject_expects.counters_at_least = {{gate_counter::duplicate_signature_alerts, 1}};
  g.baseline = policy_clawvm_without_pointer_resolution();
  g.baseline_expects.fault = fault_kind::duplicate_tool;
  g.baseline_expects.fault_page = "ev.read.orders";
  return g;
}

}  // namespace

std::vector<gate_definition> tier1_gates() {
  std::vector<gate_definition> gates{gate_post_compaction_bootstrap(),  gate_reset_flush_miss(),
                                     gate_threshold_jump_race(),        gate_silent_recall_visibility(),
                                     gate_unsafe_persistence_rejection(), gate_evidence_churn_duplicate_tool()};
  for (auto& g : gates) g.workload_file = g.name + ".workload.jsonl";
  return gates;
}

std::optional<gate_definition> tier1_gate_named(std::string_view name) {
  for (auto& g : tier1_gates()) {
    if (g.name == name) return std::move(g);
  }
  return std::nullopt;
}

// ---- running a gate ----

namespace {

std::string canonical_or_raw(const std::string& text) {
  auto c = canonical_json(text);
  return c.ok ? c.text : text;
}

std::string faults_text(const fault_counters& c) {
  std::string out;
  for (auto f : all_fault_kinds) {
    if (c[f] == 0) continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : ", ", to_string(f), c[f]);
  }
  return out.empty() ? "none" : out;
}

std::uint64_t reason_count(const replay_metrics& m, reason_code rc) {
  auto it = m.reasons.find(std::string(to_string(rc)));
  return it == m.reasons.end() ? 0 : it->second;
}

std::vector<fault_event> fault_events_of(const std::vector<std::string>& trace_lines) {
  std::vector<fault_event> out;
  for (const auto& line : trace_lines) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || j.value("event", "") != "fault") continue;
    out.push_back({j.value("fault", ""), j.value("page", ""), j.value("detail", "")});
  }
  return out;
}

// One replay with a validated decision trace and a durable tier we can inspect.
gate_run replay_once(const workload& w, const gate_definition& gate, const engine_policy& policy,
                     const std::vector<committed_expectation>& committed_wanted,
                     std::optional<workload_error>& error) {
  gate_run run;
  run.policy = policy.name;
  memory_trace_sink sink;
  memory_store state;
  replay_options options;
  options.policy = policy;
  options.tokens_budget = gate.tokens_budget;
  options.writer = gate.writer;
  options.trace = &sink;
  options.state = &state;
  replay_outcome outcome = replay(w, options);
  if (outcome.error && !error) error = std::move(outcome.error);
  run.metrics = std::move(outcome.metrics);
  run.trace = validate_trace(sink.lines);
  run.faults = fault_events_of(sink.lines);
  run.trace_lines = std::move(sink.lines);
  for (const auto& want : committed_wanted) run.committed.emplace_back(want, state.find(want.scope, want.field));
  return run;
}

void check(gate_run& run, bool ok, std::string what) { run.checks.push_back({std::move(what), ok}); }

void check_trace(gate_run& run) {
  if (run.trace.ok) {
    check(run, true, fmt::format("decision trace follows the model ({} steps)", run.trace.steps));
    return;
  }
  const auto& d = run.trace.first_divergence;
  check(run, false, fmt::format("decision trace diverges from the model at line {} (event {}, action {}): {}",
                                d.line, d.event, d.action, d.message));
}

// The checks every gate makes of the policy under test (GT-2).
void check_subject_invariants(gate_run& run) {
  const fault_counters& c = run.metrics.counters;
  check(run, c.total_faults() == 0, fmt::format("no fault (got {})", faults_text(c)));
  // A budget too small for the scenario would suppress faults (FT-4, FT-7): the subject
  // must fit every requirement so that its zero is enforcement, not infeasibility.
  check(run, c.physical_insufficiency == 0,
        fmt::format("physical_insufficiency == 0 (got {})", c.physical_insufficiency));
  check(run, c.destructive_commits == 0, fmt::format("destructive_commits == 0 (got {})", c.destructive_commits));
}

void check_expectation(gate_run& run, const run_expectation& e) {
  const replay_metrics& m = run.metrics;
  if (e.fault) {
    const auto n = m.counters[*e.fault];
    check(run, n >= 1, fmt::format("{} >= 1 (got {})", to_string(*e.fault), n));
    if (!e.fault_page.empty() || !e.fault_detail.empty()) {
      const auto wanted = [&](const fault_event& f) {
        return f.fault == to_string(*e.fault) && (e.fault_page.empty() || f.page == e.fault_page) &&
               (e.fault_detail.empty() || f.detail == e.fault_detail);
      };
      const bool found = std::any_of(run.faults.begin(), run.faults.end(), wanted);
      check(run, found, fmt::format("a {} fault{}{} in the trace", to_string(*e.fault),
                                    e.fault_page.empty() ? "" : fmt::format(" on {}", e.fault_page),
                                    e.fault_detail.empty() ? "" : fmt::format(" with detail {}", e.fault_detail)));
    }
  }
  if (e.reason) {
    const auto n = reason_count(m, *e.reason);
    check(run, n >= 1, fmt::format("reason {} >= 1 (got {})", to_string(*e.reason), n));
  }
  for (auto rc : e.reasons_present) {
    const auto n = reason_count(m, rc);
    check(run, n >= 1, fmt::format("reason {} >= 1 (got {})", to_string(rc), n));
  }
  for (auto rc : e.reasons_absent) {
    const auto n = reason_count(m, rc);
    check(run, n == 0, fmt::format("reason {} == 0 (got {})", to_string(rc), n));
  }
  for (const auto& want : e.counters_at_least) {
    const auto n = counter_value(m.counters, want.counter);
    check(run, n >= want.at_least, fmt::format("{} >= {} (got {})", to_string(want.counter), want.at_least, n));
  }
  for (const auto& [want, got] : run.committed) {
    const std::string expected = canonical_or_raw(want.value_json);
    const bool ok = got.has_value() && got->value_json == expected;
    check(run, ok, fmt::format("committed {}:{} == {} (got {})", clawvm::to_string(want.scope), want.field, expected,
                               got ? got->value_json : std::string("nothing")));
  }
}

bool all_pass(const gate_run& run) {
  return std::all_of(run.checks.begin(), run.checks.end(), [](const gate_check& c) { return c.pass; });
}

// What the baseline is expected to show, and what it showed, in a few words (tables).
std::string expected_text(const run_expectation& e) {
  std::vector<std::string> parts;
  if (e.fault) parts.push_back(std::string(to_string(*e.fault)));
  if (e.reason) parts.push_back(std::string(to_string(*e.reason)));
  for (const auto& c : e.counters_at_least) parts.push_back(fmt::format("{}>={}", to_string(c.counter), c.at_least));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " + ") + p;
  return out;
}

std::string observed_text(const run_expectation& e, const gate_run& run) {
  std::vector<std::string> parts;
  if (e.fault) parts.push_back(fmt::format("{}={}", to_string(*e.fault), run.metrics.counters[*e.fault]));
  if (e.reason) parts.push_back(fmt::format("{}={}", to_string(*e.reason), reason_count(run.metrics, *e.reason)));
  for (const auto& c : e.counters_at_least) {
    parts.push_back(fmt::format("{}={}", to_string(c.counter), counter_value(run.metrics.counters, c.counter)));
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string failed_checks_text(const std::string& role, const gate_run& run) {
  std::string out;
  for (const auto& c : run.checks) {
    if (!c.pass) out += fmt::format("{}{} {}: {}", out.empty() ? "" : "; ", role, run.policy, c.what);
  }
  return out;
}

// What a result says about its gate before anything ran.
gate_result result_of(const gate_definition& gate) {
  gate_result r;
  r.gate = gate.name;
  r.summary = gate.summary;
  r.workload_file = gate.workload_file;
  r.tokens_budget = gate.tokens_budget;
  r.expected_fault = gate.baseline_expects.fault;
  r.expected_reason = gate.baseline_expects.reason;
  r.baseline_expected = expected_text(gate.baseline_expects);
  return r;
}

}  // namespace

gate_result run_gate(const gate_definition& gate, const workload& w, std::string workload_sha256) {
  gate_result r = result_of(gate);
  r.workload_sha256 = std::move(workload_sha256);
  // A vector is tied to its gate by the header name, so a file swapped for another
  // gate's is bad input, not a confusing failure.
  if (w.header.name != "gate." + gate.name) {
    r.error = workload_error{gate.workload_file, 1, "name",
                             fmt::format("the header names '{}', the gate '{}' expects 'gate.{}'", w.header.name,
                                         gate.name, gate.name)};
  }
  if (!r.error) r.subject = replay_once(w, gate, gate.subject, gate.subject_expects.committed, r.error);
  if (!r.error) r.baseline = replay_once(w, gate, gate.baseline, gate.baseline_expects.committed, r.error);
  if (r.error) {
    r.detail = fmt::format("bad input: {}", r.error->to_string());
    return r;
  }
  check_trace(r.subject);
  check_subject_invariants(r.subject);
  check_expectation(r.subject, gate.subject_expects);
  r.subject.pass = all_pass(r.subject);

  check_trace(r.baseline);
  check_expectation(r.baseline, gate.baseline_expects);
  // A baseline expectation with nothing to check would pass vacuously (GT-2).
  const run_expectation& b = gate.baseline_expects;
  if (!b.fault && !b.reason && b.counters_at_least.empty()) {
    check(r.baseline, false, "the baseline expects a fault, a reason code or a counter");
  }
  r.baseline.pass = all_pass(r.baseline);
  r.baseline_observed = observed_text(gate.baseline_expects, r.baseline);

  r.pass = r.subject.pass && r.baseline.pass;
  if (r.pass) {
    r.detail = fmt::format("{}: no fault; baseline {}: {}", r.subject.policy, r.baseline.policy, r.baseline_observed);
  } else {
    std::string failed = failed_checks_text("subject", r.subject);
    const std::string failed_baseline = failed_checks_text("baseline", r.baseline);
    if (!failed.empty() && !failed_baseline.empty()) failed += "; ";
    r.detail = "FAILED: " + failed + failed_baseline;
  }
  return r;
}

gate_result run_gate(const gate_definition& gate, const std::string& vectors_dir) {
  const std::string path = vectors_dir + "/" + gate.workload_file;
  auto loaded = load_workload(path);
  if (auto* err = std::get_if<workload_error>(&loaded)) {
    gate_result r = result_of(gate);
    r.error = std::move(*err);
    r.detail = fmt::format("bad input: {}", r.error->to_string());
    return r;
  }
  std::string sha;
  try {
    sha = sha256_file_hex(path);
  } catch (const std::exception&) {
    sha.clear();  // the file was just read; a vanishing file leaves the digest out
  }
  return run_gate(gate, std::get<workload>(loaded), std::move(sha));
}

tier1_report run_gates(const std::vector<gate_definition>& gates, const std::string& vectors_dir) {
  tier1_report report;
  for (const auto& g : gates) report.gates.push_back(run_gate(g, vectors_dir));
  return report;
}

tier1_report run_all_gates(const std::string& vectors_dir) { return run_gates(tier1_gates(), vectors_dir); }

// ---- report ----

namespace {

json run_json(const gate_run& run) {
  json faults = json::object();
  for (auto f : all_fault_kinds) faults[std::string(to_string(f))] = run.metrics.counters[f];
  const auto& c = run.metrics.counters;
  json counters{{"commits", c.commits},
                {"rejections", c.rejections},
                {"destructive_commits", c.destructive_commits},
                {"recalls_explained", c.recalls_explained},
                {"duplicate_signature_alerts", c.duplicate_signature_alerts},
                {"hits", c.hits},
                {"physical_insufficiency", c.physical_insufficiency}};
  json trace{{"valid", run.trace.ok}, {"steps", run.trace.steps}};
  if (!run.trace.ok) {
    const auto& d = run.trace.first_divergence;
    trace["divergence"] = fmt::format("line {} (event {}, action {}): {}", d.line, d.event, d.action, d.message);
  }
  json checks = json::array();
  for (const auto& ch : run.checks) checks.push_back({{"check", ch.what}, {"pass", ch.pass}});
  json fault_events = json::array();
  for (const auto& f : run.faults) fault_events.push_back({{"fault", f.fault}, {"page", f.page}, {"detail", f.detail}});
  return {{"name", run.policy},
          {"faults", std::move(faults)},
          {"faults_total", c.total_faults()},
          {"fault_events", std::move(fault_events)},
          {"reasons", run.metrics.reasons},
          {"counters", std::move(counters)},
          {"trace", std::move(trace)},
          {"checks", std::move(checks)},
          {"pass", run.pass}};
}

template <class Enum>
json name_or_null(const std::optional<Enum>& value) {
  return value ? json(to_string(*value)) : json(nullptr);
}

}  // namespace

json gate_result::to_json() const {
  json j{{"gate", gate},         {"summary", summary}, {"workload", workload_file},
          {"budget", tokens_budget}, {"pass", pass},       {"detail", detail}};
  if (!workload_sha256.empty()) j["workload_sha256"] = workload_sha256;
  if (error) {
    j["error"] = error->to_string();
    return j;
  }
  j["clawvm"] = run_json(subject);
  json b = run_json(baseline);
  b["expected_fault"] = name_or_null(expected_fault);
  b["expected_reason"] = name_or_null(expected_reason);
  b["expected"] = baseline_expected;
  j["baseline"] = std::move(b);
  return j;
}

bool tier1_report::pass() const noexcept {
  return !gates.empty() && std::all_of(gates.begin(), gates.end(), [](const gate_result& g) { return g.pass; });
}

const workload_error* tier1_report::first_error() const noexcept {
  for (const auto& g : gates) {
    if (g.error) return &*g.error;
  }
  return nullptr;
}

json tier1_report::to_json() const {
  json list = json::array();
  for (const auto& g : gates) list.push_back(g.to_json());
  return {{"format", tier1_report_format},
          {"version", tier1_report_version},
          {"pass", pass()},
          {"gates", std::move(list)}};
}

std::string tier1_report::to_json_text() const { return to_json().dump(2) + "\n"; }

std::string tier1_report::to_markdown() const {
  std::string out = fmt::format("# Tier-1 lifecycle gates: {}\n\n", pass() ? "PASS" : "FAIL");
  out += "| gate | budget | ClawVM faults | baseline | baseline shows (expected) | result |\n";
  out += "|---|---:|---|---|---|---|\n";
  for (const auto& g : gates) {
    if (g.error) {
      out += fmt::format("| {} | {} | | | bad input: {} | FAIL |\n", g.gate, g.tokens_budget, g.error->to_string());
      continue;
    }
    out += fmt::format("| {} | {} | {} | {} | {} ({}) | {} |\n", g.gate, g.tokens_budget,
                       faults_text(g.subject.metrics.counters), g.baseline.policy, g.baseline_observed,
                       g.baseline_expected, g.pass ? "PASS" : "FAIL");
  }
  out += "\n";
  for (const auto& g : gates) out += fmt::format("- **{}** ({}): {}\n", g.gate, g.summary, g.detail);
  return out;
}

}  // namespace clawvm::eval
