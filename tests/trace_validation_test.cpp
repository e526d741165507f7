// spec/decision_trace.md DT-6: engine traces follow the model step by step; corrupted
// traces are rejected at their first diverging step.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clawvm/engine.hpp"
#include "clawvm/trace_validation.hpp"
#include "test_pages.hpp"

using namespace clawvm;
using clawvm::test::ladder;

namespace {

std::vector<std::string> session_trace(engine_policy policy, std::uint32_t budget) {
  memory_store state;
  memory_trace_sink sink;
  engine e({std::move(policy), budget, principal{}}, state, &sink);
  e.on_session_start("s");
  REQUIRE(e.on_ingest(ladder("boot", page_type::bootstrap, 90, 2, 9)) == reason_code::ok);
  REQUIRE(e.on_ingest(ladder("rules", page_type::constraint, 40, 2, 8)) == reason_code::ok);
  REQUIRE(e.on_ingest(ladder("plan", page_type::plan, 60, 6, 6)) == reason_code::ok);
  for (int t = 0; t < 10; ++t) {
    const std::string tool = t % 3 == 0 ? "read" : t % 3 == 1 ? "grep" : "test";
    e.on_tool_call(tool, R"({"p":1})", ladder("tool:" + tool, page_type::evidence, 100, 8, 5));
    e.on_demand("plan", level::full);
    if (t % 4 == 1 && t < 8) {
      update u;
      u.page_id = "plan";
      u.field = "plan.log";
      u.op = journal_op::append;
      u.value_json = std::to_string(t);
      u.evidence_ref = "tool:" + tool;
      REQUIRE(e.on_update(ladder("plan", page_type::plan, 60U + static_cast<std::uint32_t>(t), 6, 6), u) == reason_code::ok);
    }
    e.on_assemble();
    e.on_post_model();
    if (t == 3) e.on_compaction();
    if (t == 5) e.on_pruning();
    if (t == 6) e.on_memory_flush();
    if (t == 8) e.on_reset();
  }
  e.on_session_end();
  return sink.lines;
}

std::size_t index_of_event(const std::vector<std::string>& lines, std::string_view needle, std::size_t nth = 0) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(needle) != std::string::npos && nth-- == 0) return i;
  }
  FAIL("no line contains " << needle);
  return 0;
}

}  // namespace

TEST_CASE("engine traces of every policy follow the model", "[trace][DT-6]") {
  for (auto policy : {policy_retrieval(), policy_retrieval_cache(), policy_compaction_hybrid(), policy_lru(),
                      policy_clawvm(), policy_oracle()}) {
    for (std::uint32_t budget : {60U, 180U, 500U}) {
      CAPTURE(policy.name, budget);
      const auto lines = session_trace(policy, budget);
      const auto r = validate_trace(lines);
      INFO(r.first_divergence.line << ": " << r.first_divergence.message);
      CHECK(r.ok);
      CHECK(r.steps == lines.size());
      CHECK(r.actions.count("Assemble") == 1);
    }
  }
}

TEST_CASE("a corrupted trace is rejected at its first diverging step", "[trace][DT-6]") {
  const auto good = session_trace(policy_clawvm(), 180);
  REQUIRE(validate_trace(good).ok);

  SECTION("an install from the wrong level") {
    auto bad = good;
    const auto i = index_of_event(bad, R"("from":"none")");
    bad[i].replace(bad[i].find(R"("from":"none")"), 13, R"("from":"full")");
    const auto r = validate_trace(bad);
    CHECK_FALSE(r.ok);
    CHECK(r.first_divergence.line == i + 1);
    CHECK(r.first_divergence.event == "install");
  }
  SECTION("a missing commit line") {
    auto bad = good;
    const auto i = index_of_event(bad, R"("event":"commit")");
    bad.erase(bad.begin() + static_cast<std::ptrdiff_t>(i));
    const auto r = validate_trace(bad);
    CHECK_FALSE(r.ok);
    CHECK(r.first_divergence.line == i + 1);  // the next line's seq does not follow
  }
  SECTION("a residency digest that does not match the installs") {
    auto bad = good;
    const auto i = index_of_event(bad, R"("event":"select")", 2);
    const auto at = bad[i].find(R"("residency_digest":")") + 20;
    bad[i][at] = bad[i][at] == '0' ? '1' : '0';
    const auto r = validate_trace(bad);
    CHECK_FALSE(r.ok);
    CHECK(r.first_divergence.line == i + 1);
    CHECK_THAT(r.first_divergence.message, Catch::Contains("digest"));
  }
  SECTION("tokens over the budget") {
    auto bad = good;
    const auto i = index_of_event(bad, R"("event":"select")");
    const auto at = bad[i].find(R"("tokens_budget":180)");
    REQUIRE(at != std::string::npos);
    bad[i].replace(at, 19, R"("tokens_budget":1)");
    const auto r = validate_trace(bad);
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.first_divergence.message, Catch::Contains("BudgetInv"));
  }
  SECTION("a dirty page destroyed without writeback or fault") {
    // Remove the stage and commit of the first writeback: the dirty plan page then reaches
    // the destroy step unaccounted (lifecycle completeness). Renumber seq to isolate it.
    std::vector<std::string> bad;
    const auto stage = index_of_event(good, R"("event":"stage")");
    std::uint64_t seq = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
      if (i == stage || i == stage + 1) continue;
      auto j = nlohmann::json::parse(good[i]);
      j["seq"] = seq++;
      bad.push_back(j.dump());
    }
    const auto r = validate_trace(bad);
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.first_divergence.message, Catch::Contains("LifecycleCompletenessInv"));
    CHECK(r.first_divergence.event == "destroy");
  }
  SECTION("a truncated trace ends inside an assembly") {
    auto bad = good;
    const auto i = index_of_event(bad, R"("event":"select")", 3);
    bad.resize(i);
    const auto r = validate_trace(bad);
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.first_divergence.message, Catch::Contains("inside an assembly"));
  }
  SECTION("not JSON") {
    auto bad = good;
    bad[5] = "{oops";
    const auto r = validate_trace(bad);
    CHECK_FALSE(r.ok);
    CHECK(r.first_divergence.line == 6);
  }
}
