#include "demo.hpp"

#include <string>

namespace clawvm::cli {

namespace {

page_spec make_page(std::string id, std::string type, std::uint32_t full_tokens, double recompute,
                    double utility, std::string provenance) {
  page_spec s;
  s.id = std::move(id);
  s.type_name = std::move(type);
  s.provenance = std::move(provenance);
  s.recompute_cost = recompute;
  s.base_utility = utility;
  const auto t = *parse_page_type(s.type_name);
  // Deterministic token ladder: each level down the chain is about a third of the one above.
  std::uint32_t tokens = full_tokens;
  const chain& c = chain_of(t);
  for (std::uint8_t i = 0; i < c.length; ++i) {
    const level l = c.levels[i];
    s.representations[index_of(l)] = representation{s.id + "@" + std::string(to_string(l)), tokens};
    tokens = std::max<std::uint32_t>(tokens / 3U, 1U);
  }
  return s;
}

update plan_status(const std::string& value) {
  update u;
  u.page_id = "plan:main";
  u.field = "plan.main.status";
  u.op = journal_op::append;
  u.value_json = value;
  u.scope = scope::session;
  u.evidence_ref = "tool:read-config";
  return u;
}

}  // namespace

fault_counters run_demo_session(const engine_policy& policy, std::uint32_t tokens_budget,
                                trace_sink* trace) {
  memory_store state;
  engine e({policy, tokens_budget, principal{}}, state, trace);
  e.on_session_start("demo-session");
  e.on_ingest(make_page("bootstrap:system", "bootstrap", 90, 4, 9, "system prompt"));
  e.on_ingest(make_page("constraint:no-force-push", "constraint", 30, 2, 8, "AGENTS.md"));
  e.on_ingest(make_page("plan:main", "plan", 60, 6, 6, "turn 0"));

  const std::string tools[] = {"read-config", "run-tests", "grep-todo", "read-config"};
  for (std::uint64_t turn = 0; turn < 8; ++turn) {
    const std::string& tool = tools[turn % 4];
    auto result = make_page("tool:" + tool, "evidence", 120, tool == "run-tests" ? 12 : 8, 5, tool);
    result.pin = pin_class::soft;
    e.on_tool_call(tool, R"({"path":"src"})", result);
    if (turn >= 2) e.on_demand("tool:read-config", level::full);
    e.on_demand("plan:main", level::structured);
    if (turn == 3) {
      e.on_update(make_page("plan:main", "plan", 64, 6, 6, "turn 3"), plan_status(R"({"step":2,"done":true})"));
    }
    e.on_assemble();
    e.on_post_model();
    if (turn == 4) e.on_compaction();
    if (turn == 5) e.on_recall(scope::project, "user.preferred_language");
  }
  e.on_update(make_page("plan:main", "plan", 66, 6, 6, "turn 8"), plan_status(R"({"step":3,"done":false})"));
  e.on_reset();
  e.on_session_end();
  return e.counters();
}

}  // namespace clawvm::cli
