#pragma once
// The checks of the conformance kit (spec/conformance.md CF-8, CF-9) on one case's
// exchange: the SUT's answers against the expected answers of the case's tier, and the
// ClawVM contract on the SUT's own answers. The first divergence is reported in domain
// terms: request, turn, event, page, field, expected vs got, check, requirement.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/conform/case.hpp"
#include "clawvm/page_table.hpp"
#include "clawvm/policy.hpp"

namespace clawvm::conform {

struct divergence {
  std::size_t request = 0;  // 1-based in the stream; 0: after it (metrics, case-level checks)
  std::uint64_t turn = 0;   // turn_end answers before the request
  std::string event;        // the request's event or op
  std::string page;         // the page the field concerns, if any
  std::string field;        // a path into the response ("journal[0].reason")
  std::string expected;     // JSON text, or "absent"
  std::string got;          // JSON text, or "absent"
  std::string check;        // exact, agreement, metrics, BudgetInv, ...
  std::string requirement;  // a spec id ("SEL-9.1")

  // "request 14 (line 15, turn 3, event reset, page r2): journal[0].phase: expected ..., got ... [exact; JR-9]"
  std::string render() const;
  nlohmann::json to_json() const;
};

// The per-case state of the checks: the pages the stream created (a shadow page table),
// this turn's demands, the signatures seen since the last assembly, the running faults
// total, and the prompts for prefix stability.
class case_checker {
 public:
  case_checker(const engine_policy& policy, tier level, bool zero_faults);

  // One request, the case's expected answer (the fields normative at its tier) and the
  // SUT's answer. Returns the first divergence of this exchange, if any.
  std::optional<divergence> check(std::size_t index, const nlohmann::json& request, const nlohmann::json& expected,
                                  const nlohmann::json& got);
  // CF-9.2: the metrics line of a `may` case against the SUT's final `counters` answer.
  std::optional<divergence> check_metrics(const nlohmann::json& expected_metrics, const nlohmann::json& got_counters);

  // CF-9.2: prefix stability of the turn_end answers seen so far.
  double prefix_stability() const noexcept;
  std::uint64_t turns() const noexcept { return turns_; }

 private:
  struct exchange {
    std::size_t index;
    std::string event;
    const nlohmann::json& request;
    const nlohmann::json& got;
  };
  std::optional<divergence> invariants(const exchange& x);
  std::optional<divergence> turn_invariants(const exchange& x);
  std::optional<divergence> fault_accounting(const exchange& x);
  void track(const exchange& x);
  divergence at(const exchange& x, std::string field, std::string expected, std::string got, std::string check,
                std::string requirement) const;

  engine_policy policy_;
  tier level_;
  bool zero_faults_;
  page_table pages_;
  std::vector<std::pair<std::string, level>> demands_;        // since the last turn_end
  std::map<std::string, std::string> result_page_;            // signature -> result page id
  std::set<std::string> signatures_since_assembly_;
  std::uint64_t faults_total_ = 0;
  std::uint64_t turns_ = 0;
  // Prefix stability (RP-7 as CF-9.2 computes it from answers).
  struct piece {
    std::string page;
    std::string level;
    std::uint64_t tokens = 0;
    std::uint64_t version = 0;  // updates of the page so far
    friend bool operator==(const piece&, const piece&) = default;
  };
  std::map<std::string, std::uint64_t> page_version_;
  std::vector<piece> previous_prompt_;
  bool have_previous_ = false;
  std::uint64_t prefix_kept_ = 0;
  std::uint64_t prefix_assembled_ = 0;
};

// The name of a request's event or op ("ingest", "hello", "" when neither).
std::string request_name(const nlohmann::json& request);

}  // namespace clawvm::conform
