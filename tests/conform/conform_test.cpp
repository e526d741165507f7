// The conformance kit itself (spec/conformance.md): its coverage claim over the committed
// cases (CF-13), and the checks (CF-8, CF-9) on crafted answers, each shown to fail.
#include <filesystem>

#include <fmt/core.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clawvm/conform/case.hpp"
#include "clawvm/conform/checks.hpp"
#include "clawvm/conform/generate.hpp"

using namespace clawvm;
using namespace clawvm::conform;
using nlohmann::json;

namespace {

case_set committed() {
  auto loaded = load_cases(CLAWVM_CONFORMANCE_DIR);
  if (auto* e = std::get_if<std::string>(&loaded)) FAIL(*e);
  return std::get<case_set>(loaded);
}

bool mentions(const std::vector<std::string>& problems, const std::string& what) {
  for (const auto& p : problems) {
    if (p.find(what) != std::string::npos) return true;
  }
  return false;
}

json page_json(const std::string& id, const std::string& type, const char* pin = nullptr) {
  json p{{"id", id}, {"type", type}};
  if (pin != nullptr) p["pin"] = pin;
  if (type == "bootstrap") {
    p["representations"] = {{"full", {{"tokens", 40}}}, {"structured", {{"tokens", 12}}}};
  } else {
    p["representations"] = {{"full", {{"tokens", 60}}}, {"compressed", {{"tokens", 30}}},
                            {"structured", {{"tokens", 15}}}, {"pointer", {{"tokens", 2}}}};
  }
  return p;
}

json ok(json fields) {
  fields["v"] = 1;
  fields["ok"] = true;
  if (!fields.contains("faults")) fields["faults"] = json::object();
  if (!fields.contains("faults_total")) fields["faults_total"] = 0;
  return fields;
}

// A ClawVM checker that has seen a bootstrap page and an evidence page ingested.
case_checker with_two_pages() {
  case_checker c(*policy_named("clawvm"), tier::must, false);
  REQUIRE_FALSE(c.check(1, {{"event", "ingest"}, {"page", page_json("boot", "bootstrap", "hard")}}, json::object(),
                        ok({{"event", "ingest"}, {"reason", "OK"}})));
  REQUIRE_FALSE(c.check(2, {{"event", "ingest"}, {"page", page_json("e1", "evidence")}}, json::object(),
                        ok({{"event", "ingest"}, {"reason", "OK"}})));
  return c;
}

json answer_selection(json resident, std::uint64_t used, std::uint64_t budget = 180) {
  return ok({{"event", "turn_end"}, {"turn", 0}, {"tokens_used", used}, {"tokens_budget", budget}, {"floor_set_tokens", 12},
             {"floor_set_fits", true}, {"resident", std::move(resident)}, {"unmet", json::array()}});
}

}  // namespace

TEST_CASE("CF-13: the committed cases cover every observable requirement, reachable reason code, boundary and operation",
          "[conform][coverage]") {
  const case_set set = committed();
  const auto problems = coverage_problems(set);
  for (const auto& p : problems) INFO(p);
  CHECK(problems.empty());
  CHECK(set.cases.size() >= 300);
}

TEST_CASE("CF-13: the coverage check fails when the cases stop covering something", "[conform][coverage]") {
  case_set set = committed();
  // Without the journal and ingest streams, their reason codes and requirements go uncovered.
  std::erase_if(set.cases, [](const conform_case& c) {
    return c.id.find("journal_reasons") != std::string::npos || c.id.find("ingest_reasons") != std::string::npos ||
           c.id.find("gate.unsafe_persistence_rejection") != std::string::npos;
  });
  const auto problems = coverage_problems(set);
  CHECK(mentions(problems, "reason code SCOPE_DENIED"));
  CHECK(mentions(problems, "reason code PAGE_TYPE_MISMATCH"));
  CHECK(mentions(problems, "requirement JR-5"));
}

TEST_CASE("CF-13: every gate under every policy, every family and stress workload at the six budgets", "[conform][coverage]") {
  const case_set set = committed();
  std::map<std::string, std::set<std::string>> by_stream;
  for (const auto& c : set.cases) by_stream[c.requests].insert(fmt::format("{}.{}.{}", to_string(c.level), c.policy, c.tokens_budget));
  for (const char* gate : {"post_compaction_bootstrap", "reset_flush_miss", "threshold_jump_race", "silent_recall_visibility",
                           "unsafe_persistence_rejection", "evidence_churn_duplicate_tool"}) {
    for (const auto& p : all_policies()) {
      const auto stream = fmt::format("streams/gate.{}{}.requests.jsonl", gate, p.name == "oracle" ? ".oracle" : "");
      INFO(stream << " " << p.name);
      CHECK(by_stream[stream].count(fmt::format("must.{}.180", p.name)) == 1);
      CHECK(by_stream[stream].count(fmt::format("should.{}.300", p.name)) == 1);
    }
  }
  for (const char* w : {"family.long_plan", "family.evidence_churn", "family.preference_drift", "family.project_memory",
                        "stress.starvation", "stress.churn", "stress.cascade_reset"}) {
    for (const int budget : {120, 180, 240, 300, 380, 500}) {
      const auto stream = fmt::format("streams/{}.requests.jsonl", w);
      INFO(stream << " " << budget);
      for (const char* t : {"must", "should", "may"}) CHECK(by_stream[stream].count(fmt::format("{}.clawvm.{}", t, budget)) == 1);
    }
  }
}

TEST_CASE("CF-8.1 exact: a differing ranking-independent field is the first divergence, named with its requirement",
          "[conform][checks]") {
  case_checker c(*policy_named("clawvm"), tier::must, false);
  const json request{{"event", "ingest"}, {"page", page_json("boot", "bootstrap", "hard")}};
  const auto d = c.check(3, request, {{"ok", true}, {"reason", "OK"}}, ok({{"event", "ingest"}, {"reason", "DUPLICATE_PAGE_ID"}}));
  REQUIRE(d);
  CHECK(d->request == 3);
  CHECK(d->field == "reason");
  CHECK(d->expected == "\"OK\"");
  CHECK(d->got == "\"DUPLICATE_PAGE_ID\"");
  CHECK(d->check == "exact");
  CHECK(d->requirement == "PG-8");
  CHECK(d->render().find("request 3 (line 4, turn 0, event ingest): reason: expected \"OK\"") == 0);
}

TEST_CASE("CF-8.2: BudgetInv, FloorInv, PinnedResidentInv and DemandServedInv fail on answers that break them",
          "[conform][checks]") {
  const json turn_end{{"event", "turn_end"}};
  const json boot_structured{{"page", "boot"}, {"level", "structured"}, {"tokens", 12}};
  SECTION("a selection that holds passes") {
    auto c = with_two_pages();
    CHECK_FALSE(c.check(3, turn_end, json::object(), answer_selection(json::array({boot_structured}), 12)));
  }
  SECTION("BudgetInv: over the budget") {
    auto c = with_two_pages();
    const auto d = c.check(3, turn_end, json::object(),
                           answer_selection(json::array({boot_structured, {{"page", "e1"}, {"level", "full"}, {"tokens", 60}}}), 72, 50));
    REQUIRE(d);
    CHECK(d->check == "BudgetInv");
    CHECK(d->requirement == "SEL-9.1");
  }
  SECTION("FloorInv: tokens that are not the level's") {
    auto c = with_two_pages();
    const auto d = c.check(3, turn_end, json::object(), answer_selection(json::array({{{"page", "boot"}, {"level", "structured"}, {"tokens", 5}}}), 5));
    REQUIRE(d);
    CHECK(d->check == "FloorInv");
    CHECK(d->page == "boot");
  }
  SECTION("PinnedResidentInv: the hard-pinned bootstrap left out while the floor set fits") {
    auto c = with_two_pages();
    const auto d = c.check(3, turn_end, json::object(), answer_selection(json::array(), 0));
    REQUIRE(d);
    CHECK(d->check == "PinnedResidentInv");
    CHECK(d->requirement == "SEL-9.4");
  }
  SECTION("DemandServedInv: a demanded page neither served nor unmet") {
    auto c = with_two_pages();
    REQUIRE_FALSE(c.check(3, {{"event", "demand"}, {"page", "e1"}, {"level", "full"}}, json::object(), ok({{"event", "demand"}, {"outcome", "miss"}})));
    const auto d = c.check(4, turn_end, json::object(), answer_selection(json::array({boot_structured, {{"page", "e1"}, {"level", "pointer"}, {"tokens", 2}}}), 14));
    REQUIRE(d);
    CHECK(d->check == "DemandServedInv");
    CHECK(d->page == "e1");
  }
}

TEST_CASE("CF-8.3 CF-8.4: fault accounting and writeback fail on answers that break them", "[conform][checks]") {
  SECTION("an alert that raises a duplicate_tool fault") {
    case_checker c(*policy_named("clawvm"), tier::must, false);
    const json call{{"event", "tool_call"}, {"tool", "read"}, {"arguments", json::object()}, {"result", page_json("e1", "evidence")}};
    const auto d = c.check(1, call, json::object(),
                           ok({{"event", "tool_call"}, {"outcome", "duplicate_signature_alert"}, {"reason", "OK"},
                               {"signature", "read({})"}, {"faults", {{"duplicate_tool", 1}}}, {"faults_total", 1}}));
    REQUIRE(d);
    CHECK(d->check == "FaultCountInv");
    CHECK(d->field == "faults.duplicate_tool");
  }
  SECTION("a running total that skips a fault") {
    case_checker c(*policy_named("clawvm"), tier::must, false);
    const auto d = c.check(1, {{"event", "demand"}, {"page", "x"}, {"level", "full"}}, json::object(),
                           ok({{"event", "demand"}, {"outcome", "refetch"}, {"faults", {{"refetch", 1}}}, {"faults_total", 0}}));
    REQUIRE(d);
    CHECK(d->field == "faults_total");
  }
  SECTION("a flush miss under a policy that writes back at reset") {
    case_checker c(*policy_named("clawvm"), tier::must, false);
    const auto d = c.check(1, {{"event", "reset"}}, json::object(),
                           ok({{"event", "reset"}, {"boundary", "reset"}, {"written_back", 0}, {"rejected", 0}, {"flush_misses", 1},
                               {"pages_destroyed", 0}, {"journal", json::array()}, {"faults", {{"flush_miss", 1}}}, {"faults_total", 1}}));
    REQUIRE(d);
    CHECK(d->check == "LifecycleCompletenessInv");
  }
}

TEST_CASE("CF-9.1: agreement names the page of a differing selection entry", "[conform][checks]") {
  case_checker c(*policy_named("clawvm"), tier::should, false);
  const json expected = answer_selection(json::array({{{"page", "boot"}, {"level", "full"}, {"tokens", 40}}}), 40);
  const json got = answer_selection(json::array({{{"page", "boot"}, {"level", "structured"}, {"tokens", 12}}}), 12);
  REQUIRE_FALSE(c.check(1, {{"event", "ingest"}, {"page", page_json("boot", "bootstrap", "hard")}}, ok({{"event", "ingest"}, {"reason", "OK"}}),
                        ok({{"event", "ingest"}, {"reason", "OK"}})));
  const auto d = c.check(2, {{"event", "turn_end"}}, expected, got);
  REQUIRE(d);
  CHECK(d->field == "resident[page=boot].level");
  CHECK(d->page == "boot");
  CHECK(d->check == "agreement");
}
