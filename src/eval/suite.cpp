// The evaluation suite: spec/suite.md SU-1..SU-6.
#include "clawvm/eval/suite.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

#include "clawvm/decision_trace.hpp"
#include "clawvm/eval/ablation.hpp"
#include "clawvm/eval/digest.hpp"
#include "clawvm/eval/gates.hpp"
#include "clawvm/eval/generators.hpp"
#include "clawvm/eval/real.hpp"
#include "clawvm/eval/report.hpp"
#include "clawvm/eval/sweep.hpp"
#include "clawvm/sidecar.hpp"
#include "clawvm/version.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::eval {

namespace fs = std::filesystem;
using nlohmann::json;

bool suite_result::pass() const noexcept {
  if (bad_input) return false;
  return std::all_of(checks.begin(), checks.end(), [](const suite_check& c) { return c.pass; });
}

namespace {

// "a; b": the names of the checks that failed, in order.
template <class Check>
std::string failed_check_names(const std::vector<Check>& checks) {
  std::string names;
  for (const auto& c : checks) {
    if (c.pass) continue;
    if (!names.empty()) names += "; ";
    names += c.check;
  }
  return names;
}

std::string relative_name(const fs::path& p, const fs::path& base) {
  return fs::relative(p, base).generic_string();
}

// The build that produced the outputs (informative; outputs do not depend on it, RP-1).
json build_info() {
#if defined(__clang__)
  const std::string compiler = fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  const std::string compiler = fmt::format("gcc {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  const std::string compiler = "unknown";
#endif
#ifdef NDEBUG
  const bool assertions = false;
#else
  const bool assertions = true;
#endif
  return {{"compiler", compiler}, {"assertions", assertions}};
}

class suite_runner {
 public:
  explicit suite_runner(const suite_config& c) : config_(c) {}

  suite_result run() {
    fs::create_directories(config_.out_dir);
    run_gates();
    if (result_.bad_input) return result_;
    run_sweep_and_stress();
    run_ablations();
    run_real_sessions();
    if (result_.bad_input) return result_;
    save_workloads();
    write_manifest_and_report();
    return result_;
  }

 private:
  void progress(const std::string& line) const {
    if (config_.progress) config_.progress(line);
  }
  progress_fn progress_for(std::string stage) const {
    if (!config_.progress) return {};
    return [this, stage](std::size_t done, std::size_t total) { progress(fmt::format("{} {}/{}", stage, done, total)); };
  }
  void add_check(std::string name, bool pass, std::string detail) {
    result_.checks.push_back({std::move(name), pass, std::move(detail)});
  }
  void output(const fs::path& p) { outputs_.push_back(p); }
  void write(const std::string& name, const std::string& bytes) {
    const fs::path p = config_.out_dir / name;
    write_output_file(p, bytes);
    output(p);
  }

  // SU-3: the six gates, each trace validated against the model.
  void run_gates() {
    progress("gates");
    const tier1_report report = run_all_gates(config_.gate_vectors_dir.string());
    if (const workload_error* err = report.first_error()) {
      result_.bad_input = true;
      result_.bad_input_message = err->to_string();
      return;
    }
    write("tier1.report.json", report.to_json_text());
    write("tier1.report.md", report.to_markdown());
    std::size_t passed = 0;
    for (const auto& g : report.gates) passed += g.pass ? 1U : 0U;
    add_check("tier1.gates", report.pass(), fmt::format("{}/{} gates pass", passed, report.gates.size()));
    for (const auto& g : report.gates) gate_vectors_.push_back({g.workload_file, g.workload_sha256});
  }

  // SU-4, SU-5: the Tier-2 sweep and the stress runs, every trace validated.
  void run_sweep_and_stress() {
    sweep_config sc;
    sc.seed = config_.seed;
    sc.turns = config_.turns;
    sc.jobs = config_.jobs;
    sc.validate_traces = true;
    sc.progress = progress_for("sweep");
    const sweep_result sweep = run_sweep(sc);
    for (const auto& p : write_sweep_outputs(sweep, config_.out_dir)) output(p);
    add_check("tier2.shape", sweep.shape_pass,
              sweep.shape_pass ? fmt::format("{} shape checks pass", sweep.shape.size())
                               : "failed: " + failed_check_names(sweep.shape));
    traces_validated_ += sweep.rows.size();
    trace_divergences_ += sweep.trace_divergences;
    sweep_workloads_ = sweep.workloads;

    // SW-17: the same sweep with the artifact's multi-session budget scale, shown beside
    // it in the report; informative (its shape is in its own file, not a suite check).
    sweep_config scaled = sc;
    scaled.scale = budget_scale::artifact;
    scaled.validate_traces = false;
    scaled.progress = progress_for("sweep (artifact budget scale)");
    for (const auto& p : write_sweep_outputs(run_sweep(scaled), config_.out_dir, "tier2-artifact-scale")) output(p);

    stress_config st;
    st.seed = config_.seed;
    st.turns = config_.turns;
    st.jobs = config_.jobs;
    st.validate_traces = true;
    st.progress = progress_for("stress");
    const stress_result stress = run_stress(st);
    for (const auto& p : write_stress_outputs(stress, config_.out_dir)) output(p);
    add_check("stress", stress.pass,
              stress.pass ? fmt::format("{} stress checks pass", stress.checks.size())
                          : "failed: " + failed_check_names(stress.checks));
    traces_validated_ += stress.rows.size();
    trace_divergences_ += stress.trace_divergences;
  }

  // SU-6: subtractive ablations at budget 180 and the weight-sensitivity grid.
  void run_ablations() {
    ablation_config ac;
    ac.seed = config_.seed;
    ac.turns = config_.turns;
    ac.jobs = config_.jobs;
    ac.validate_traces = true;
    ac.progress = progress_for("ablations");
    const ablation_result ablation = eval::run_ablations(ac);
    traces_validated_ += ablation.rows.size() * ablation.workloads.size();
    trace_divergences_ += ablation.trace_divergences;
    add_check("ablation.reference_clean", ablation.reference_check.pass, ablation.reference_check.detail);

    weight_sweep_config wc;
    wc.seed = config_.seed;
    wc.turns = config_.turns;
    wc.jobs = config_.jobs;
    wc.progress = progress_for("weights");
    const weight_sweep_result weights = run_weight_sweep(wc);
    for (const auto& p : write_ablation_outputs(ablation, weights, config_.out_dir)) output(p);
    add_check("weights.grid_size", weights.points.size() >= 80,
              fmt::format("{} weight points (at least 80 required), {} change a fault count", weights.points.size(),
                          weights.points_with_changed_faults));
  }

  // RL-12: the real-session report, when real transcripts were given.
  void run_real_sessions() {
    if (config_.real_inputs.empty()) return;
    real_config rc;
    rc.format = config_.real_format;
    rc.inputs = config_.real_inputs;
    rc.jobs = config_.jobs;
    if (config_.progress) {
      rc.progress = [this](std::string_view stage, std::size_t done, std::size_t total) {
        progress(fmt::format("real {} {}/{}", stage, done, total));
      };
    }
    const real_result real = run_real(rc);
    if (real.bad_input) {
      result_.bad_input = true;
      result_.bad_input_message = real.bad_input_message;
      return;
    }
    for (const auto& p : write_real_outputs(real, config_.out_dir)) output(p);
    std::size_t asserted = 0;
    std::size_t passed = 0;
    std::string failed;
    for (const auto& c : real.checks) {
      if (c.informative) continue;
      ++asserted;
      if (c.pass) {
        ++passed;
      } else {
        failed += (failed.empty() ? "" : "; ") + c.check;
      }
    }
    add_check("real.sessions", real.pass,
              real.pass ? fmt::format("{} sessions, {} replays: {} of {} checks pass", real.sessions.size(),
                                      real.rows.size(), passed, asserted)
                        : "failed: " + failed);
    for (const auto& s : real.sessions) real_sessions_.push_back({s.file, s.sha256});
    real_ran_ = true;
  }

  // SU-3: every generated workload, so users can replay and edit them.
  void save_workloads() {
    fs::create_directories(config_.out_dir / "workloads");
    std::vector<workload_family> families(tier2_families.begin(), tier2_families.end());
    families.insert(families.end(), stress_families.begin(), stress_families.end());
    for (const auto f : families) {
      const workload w = generate_workload(f, {config_.seed, config_.turns});
      std::ostringstream text;
      write_workload(text, w);
      write(fmt::format("workloads/{}.workload.jsonl", w.header.name), text.str());
      generated_.push_back({std::string(to_string(f)), w.header.name, w.events.size()});
    }
  }

  json outputs_json() const {
    std::vector<std::string> names;
    for (const auto& p : outputs_) names.push_back(relative_name(p, config_.out_dir));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    json out = json::array();
    for (const auto& n : names) {
      const fs::path p = config_.out_dir / n;
      out.push_back({{"file", n}, {"sha256", sha256_file_hex(p.string())}, {"bytes", fs::file_size(p)}});
    }
    return out;
  }

  json manifest() const {
    json vectors = json::array();
    for (const auto& [file, sha] : gate_vectors_) vectors.push_back({{"file", file}, {"sha256", sha}});
    json generated = json::array();
    for (const auto& g : generated_) {
      generated.push_back({{"family", g.family}, {"workload", g.name}, {"events", g.events}});
    }
    json inputs{{"gate_vectors", std::move(vectors)}, {"generated_workloads", std::move(generated)}};
    if (real_ran_) {
      // Base names only: the manifest names no path outside the output directory (SU-4).
      json real = json::array();
      for (const auto& [file, sha] : real_sessions_) real.push_back({{"file", file}, {"sha256", sha}});
      inputs["real_sessions"] = std::move(real);
    }
    json checks = json::array();
    for (const auto& c : result_.checks) checks.push_back({{"check", c.check}, {"pass", c.pass}, {"detail", c.detail}});
    return {
        {"format", suite_manifest_format},
        {"version", suite_manifest_version},
        {"clawvm_version", clawvm_version},
        {"versions",
         {{"spec", spec_version},
          {"workload_format", workload_format_version},
          {"decision_trace", decision_trace_version},
          {"sidecar_protocol", sidecar_protocol_version}}},
        {"build", build_info()},
        {"seed", config_.seed},
        {"turns", config_.turns},
        {"inputs", std::move(inputs)},
        {"checks", std::move(checks)},
        {"traces_validated", traces_validated_},
        {"trace_divergences", trace_divergences_},
        {"pass", result_.pass()},
        {"outputs", outputs_json()},
    };
  }

  // SU-4: the manifest lists every output but itself; the report shows the manifest's
  // deterministic part, so the report is rendered from a first manifest and the final
  // manifest then adds the report files.
  void write_manifest_and_report() {
    add_check("traces.follow_model", trace_divergences_ == 0,
              fmt::format("{} decision traces validated against the model, {} diverged", traces_validated_,
                          trace_divergences_));
    const fs::path manifest_path = config_.out_dir / std::string(manifest_document_name);
    write_output_file(manifest_path, manifest().dump(2) + "\n");
    progress("report");
    report_inputs inputs = read_report_inputs(config_.out_dir);
    // A real.summary.json left by an earlier run with --real is not this run's result.
    if (!real_ran_) inputs.real.reset();
    write_report_files(config_.out_dir, inputs);
    output(config_.out_dir / std::string(report_html_name));
    output(config_.out_dir / std::string(report_markdown_name));
    write_output_file(manifest_path, manifest().dump(2) + "\n");
    for (const auto& p : outputs_) result_.outputs.push_back(relative_name(p, config_.out_dir));
    std::sort(result_.outputs.begin(), result_.outputs.end());
    result_.outputs.erase(std::unique(result_.outputs.begin(), result_.outputs.end()), result_.outputs.end());
  }

  struct generated_workload {
    std::string family;
    std::string name;
    std::size_t events = 0;
  };

  const suite_config& config_;
  suite_result result_;
  std::vector<fs::path> outputs_;
  std::vector<std::pair<std::string, std::string>> gate_vectors_;
  std::vector<std::string> sweep_workloads_;
  std::vector<generated_workload> generated_;
  std::vector<std::pair<std::string, std::string>> real_sessions_;  // input base name, sha256
  bool real_ran_ = false;
  std::uint64_t traces_validated_ = 0;
  std::uint64_t trace_divergences_ = 0;
};

}  // namespace

suite_result run_suite(const suite_config& config) { return suite_runner(config).run(); }

}  // namespace clawvm::eval
