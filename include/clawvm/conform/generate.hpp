#pragma once
// Generating the conformance cases from the reference (spec/conformance.md CF-6): the
// catalog (spec/conformance/catalog.json) names each request stream — a hand-written
// protocol stream, a gate workload, or a generated family — and the tiers, policies and
// budgets it is checked at; the reference sidecar, in process, answers every stream, and
// each answer is cut down to the fields normative at the case's tier (CF-8.1, CF-9).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/conform/case.hpp"
#include "clawvm/policy.hpp"

namespace clawvm::conform {

// The handshake every case starts with (CF-2).
inline constexpr const char* handshake_request = R"({"id":"conform-hello","op":"hello","protocol":1})";
// The request a `may` case ends with (CF-9.2).
inline constexpr const char* metrics_request = R"({"id":"conform-counters","op":"counters"})";

// The reference's answers to a stream: a fresh in-process sidecar with an in-memory
// store, given the handshake first, exactly as `clawvm serve --store :memory:` would.
std::vector<nlohmann::json> reference_answers(const engine_policy& policy, std::uint32_t tokens_budget,
                                              const std::vector<std::string>& request_lines);

// The state CF-8.1 needs to decide which answers do not depend on ranking.
class must_filter {
 public:
  // The fields of `answer` that any conforming implementation must give exactly.
  nlohmann::json operator()(const nlohmann::json& request, const nlohmann::json& answer);

 private:
  std::vector<std::string> since_assembly_;  // signatures called since the last assembly
};

// The fields of `answer` compared at `should` (CF-9.1): all but the informative ones.
nlohmann::json should_fields(const nlohmann::json& answer);
// The metrics a `may` case compares (CF-9.2), from the final counters answer.
nlohmann::json may_metrics(const nlohmann::json& counters_answer, double prefix_stability);

// Rewrites root/cases/, root/expected/ and the generated streams from root/catalog.json.
// Returns the number of cases, or the problem.
std::variant<std::size_t, std::string> generate_cases(const std::filesystem::path& root);

}  // namespace clawvm::conform
