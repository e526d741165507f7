// Subcommand conform (spec/conformance.md CF-11, CF-12): the conformance kit against any
// implementation that speaks the sidecar protocol, and the generator of its cases.
#include <csignal>
#include <memory>

#include <fmt/core.h>

#include "clawvm/conform/differential.hpp"
#include "clawvm/conform/generate.hpp"
#include "clawvm/conform/runner.hpp"
#include "clawvm/output_file.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

struct conform_options {
  std::string sut;
  std::string tier_name = "should";
  std::string cases_dir;
  std::string filter;
  unsigned jobs = 1;
  std::string junit_path;
  std::string json_path;
  double request_timeout_s = 10.0;
  double case_timeout_s = 300.0;
  std::optional<std::uint64_t> random;
  std::uint64_t seed = 1;
  std::string shrink_out;
  std::string generate_dir;
};

std::string default_cases_dir() {
#ifdef CLAWVM_CONFORMANCE_DIR
  return CLAWVM_CONFORMANCE_DIR;
#else
  return "spec/conformance";
#endif
}

int run_generate(const conform_options& o) {
  const auto made = conform::generate_cases(o.generate_dir);
  if (const auto* e = std::get_if<std::string>(&made)) {
    fmt::print(stderr, "clawvm conform --generate: {}\n", *e);
    return exit_bad_input;
  }
  fmt::print("clawvm conform: {} cases written to {}/cases and {}/expected\n", std::get<std::size_t>(made), o.generate_dir,
             o.generate_dir);
  return exit_ok;
}

int run_random(const conform_options& o, const conform::run_options& run, const conform::capabilities& claims) {
  conform::random_options r;
  r.seed = o.seed;
  r.count = *o.random;
  r.level = run.level;
  r.shrink_out = o.shrink_out;
  const auto result = conform::run_random(run, claims, r, [](const std::string& line) { fmt::print("{}\n", line); });
  if (!result.finding) {
    fmt::print("conform --random: {} workloads (seed {}), no divergence at tier {}\n", result.runs, o.seed,
               conform::to_string(result.level));
    return exit_ok;
  }
  const auto& f = *result.finding;
  fmt::print("conform --random: divergence after {} workloads (seed {}, tier {}): {}\n", result.runs, o.seed,
             conform::to_string(result.level), f.parameters);
  fmt::print("  before shrinking ({} events): {}\n", f.events_before, f.before.first ? f.before.first->render() : f.before.detail);
  fmt::print("  after shrinking ({} events, {} runs): {}\n", f.events_after, f.shrink_runs,
             f.after.first ? f.after.first->render() : f.after.detail);
  if (!f.case_id.empty()) fmt::print("  written: {} in {}\n", f.case_id, o.shrink_out);
  return exit_check_failed;
}

int run_conform(const conform_options& o) {
  std::signal(SIGPIPE, SIG_IGN);  // a SUT that dies mid-request is an outcome, not our death
  if (!o.generate_dir.empty()) return run_generate(o);
  if (o.sut.empty()) {
    fmt::print(stderr, "clawvm conform: --sut is required (or --generate DIR)\n");
    return exit_bad_input;
  }
  const auto level = conform::parse_tier(o.tier_name);
  if (!level) {
    fmt::print(stderr, "clawvm conform: --tier: '{}' is not must, should or may\n", o.tier_name);
    return exit_bad_input;
  }
  conform::run_options run;
  run.sut = o.sut;
  run.level = *level;
  run.filter = o.filter;
  run.jobs = o.jobs;
  run.request_timeout = std::chrono::milliseconds(static_cast<long long>(o.request_timeout_s * 1000.0));
  run.case_timeout = std::chrono::milliseconds(static_cast<long long>(o.case_timeout_s * 1000.0));
  const auto probed = conform::probe_capabilities(run);
  if (const auto* e = std::get_if<std::string>(&probed)) {
    fmt::print(stderr, "clawvm conform: {}\n", *e);
    return exit_bad_input;
  }
  const auto& claims = std::get<conform::capabilities>(probed);
  if (o.random) return run_random(o, run, claims);

  const std::string dir = o.cases_dir.empty() ? default_cases_dir() : o.cases_dir;
  const auto loaded = conform::load_cases(dir);
  if (const auto* e = std::get_if<std::string>(&loaded)) {
    fmt::print(stderr, "clawvm conform: --cases: {}\n", *e);
    return exit_bad_input;
  }
  const auto& set = std::get<conform::case_set>(loaded);
  const auto results =
      conform::run_cases(set, claims, run, [](const conform::case_result& r) { fmt::print("{}\n", r.line()); });
  const auto s = conform::summarize(results);
  fmt::print("conform: {} cases at tier {}: {} pass, {} fail, {} error, {} skip\n", results.size(), o.tier_name, s.pass, s.fail,
             s.error, s.skip);
  std::string error;
  if (!o.junit_path.empty() && !write_file_atomically(o.junit_path, conform::junit_xml(results, run), error)) {
    fmt::print(stderr, "clawvm conform: --junit: {}\n", error);
    return exit_bad_input;
  }
  if (!o.json_path.empty() &&
      !write_file_atomically(o.json_path, conform::report_json(results, run, claims).dump(2) + "\n", error)) {
    fmt::print(stderr, "clawvm conform: --json: {}\n", error);
    return exit_bad_input;
  }
  if (s.ran() == 0) {
    // Never a vacuous pass: a SUT that claims nothing the cases check has shown nothing.
    fmt::print(stderr, "clawvm conform: no case ran (every selected case was skipped or filtered out)\n");
    return exit_bad_input;
  }
  return s.fail + s.error == 0 ? exit_ok : exit_check_failed;
}

}  // namespace

command add_conform(CLI::App& app) {
  auto o = std::make_shared<conform_options>();
  auto* sub = app.add_subcommand("conform",
                                 "Run the conformance kit against an implementation that speaks the sidecar protocol "
                                 "(spec/conformance.md)");
  sub->add_option("--sut", o->sut, "the system under test: a shell command with {policy} and {budget}");
  sub->add_option("--tier", o->tier_name, "must, should or may (cumulative)")->capture_default_str();
  sub->add_option("--cases", o->cases_dir, "the cases root (spec/conformance)")->default_str(default_cases_dir());
  sub->add_option("--filter", o->filter, "run only the cases whose id contains this");
  sub->add_option("--jobs", o->jobs, "cases run at once (one SUT process each)")->capture_default_str()->check(CLI::Range(1U, 256U));
  sub->add_option("--junit", o->junit_path, "write a JUnit XML report here");
  sub->add_option("--json", o->json_path, "write a JSON report here");
  sub->add_option("--request-timeout", o->request_timeout_s, "seconds for each response")->capture_default_str()->check(CLI::Range(0.01, 3600.0));
  sub->add_option("--case-timeout", o->case_timeout_s, "seconds for each case")->capture_default_str()->check(CLI::Range(0.01, 86400.0));
  sub->add_option("--random", o->random, "differential fuzzing: N seeded random workloads against the reference (CF-12)");
  sub->add_option("--seed", o->seed, "seed of --random")->capture_default_str();
  sub->add_option("--shrink-out", o->shrink_out, "write the shrunk divergent case (case format) into this directory");
  sub->add_option("--generate", o->generate_dir, "regenerate the cases and expected answers of this cases root from its catalog");
  return {sub, [o] { return run_conform(*o); }};
}

}  // namespace clawvm::cli
