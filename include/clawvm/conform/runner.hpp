#pragma once
// Running the conformance kit against a system under test (spec/conformance.md CF-2 …
// CF-11): the capability probe, one SUT process per case, the checks of the case's tier,
// and the reports (text lines, JUnit XML, JSON).

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/conform/case.hpp"
#include "clawvm/conform/checks.hpp"
#include "clawvm/conform/sut.hpp"

namespace clawvm::conform {

struct run_options {
  std::string sut;  // the --sut command template (CF-1)
  tier level = tier::should;
  std::string filter;  // run only cases whose id contains this
  unsigned jobs = 1;
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds case_timeout{300000};
};

// CF-2: what the SUT claims.
struct capabilities {
  std::set<tier> tiers{tier::must};
  std::set<std::string> policies{"clawvm"};
};
// Starts the SUT once (policy clawvm, budget 180) and reads its hello; the problem if it
// cannot be run at all.
std::variant<capabilities, std::string> probe_capabilities(const run_options& options);

enum class outcome : std::uint8_t { pass = 0, fail = 1, error = 2, skip = 3 };
constexpr std::string_view to_string(outcome o) noexcept {
  switch (o) {
    case outcome::pass: return "PASS";
    case outcome::fail: return "FAIL";
    case outcome::error: return "ERROR";
    case outcome::skip: return "SKIP";
  }
  return "?";
}

struct case_result {
  std::string id;
  tier level = tier::must;
  outcome result = outcome::pass;
  std::optional<divergence> first;  // fail
  sut_error error = sut_error::none;  // error
  std::string detail;                // error or skip: why
  std::string stderr_tail;           // error: the SUT's last words
  double seconds = 0.0;

  std::string line() const;  // CF-10 report line
};

// One case: a fresh SUT, the handshake, the exchange, the checks (CF-3 … CF-9).
case_result run_case(const case_set& set, const conform_case& c, const capabilities& claims, const run_options& options);

// An in-memory case (differential fuzzing): the requests, and the answers the SUT must
// give at `level` (as the expected files hold them), against a running SUT command.
case_result run_stream(const std::string& id, tier level, const std::string& policy, std::uint32_t tokens_budget,
                       bool zero_faults, const std::vector<std::string>& requests, const std::vector<nlohmann::json>& expected,
                       const run_options& options);

// Every selected case, in case order, `options.jobs` at a time; `on_result` sees each as
// it completes in order.
std::vector<case_result> run_cases(const case_set& set, const capabilities& claims, const run_options& options,
                                   const std::function<void(const case_result&)>& on_result);

struct summary {
  std::size_t pass = 0, fail = 0, error = 0, skip = 0;
  std::size_t ran() const noexcept { return pass + fail + error; }
};
summary summarize(const std::vector<case_result>& results);

std::string junit_xml(const std::vector<case_result>& results, const run_options& options);
nlohmann::json report_json(const std::vector<case_result>& results, const run_options& options, const capabilities& claims);

}  // namespace clawvm::conform
