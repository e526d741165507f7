// spec/engine.md EN-*, spec/faults.md FT-*: hooks, boundaries, writeback before
// destruction, restore, fault detection under ClawVM and the baselines.
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clawvm/engine.hpp"
#include "clawvm/tool_signature.hpp"
#include "clawvm/trace_validation.hpp"
#include "test_pages.hpp"

using namespace clawvm;
using clawvm::test::ladder;

namespace {

update status_update(std::string value, std::string page = "plan") {
  update u;
  u.page_id = std::move(page);
  u.field = "plan.status";
  u.op = journal_op::append;
  u.value_json = std::move(value);
  u.evidence_ref = "tool:read";
  return u;
}

struct session {
  memory_store state;
  memory_trace_sink sink;
  engine e;
  explicit session(engine_policy policy, std::uint32_t budget = 300)
      : e({std::move(policy), budget, principal{}}, state, &sink) {
    e.on_session_start("s1");
    REQUIRE(e.on_ingest(ladder("boot", page_type::bootstrap, 90, 2, 9)) == reason_code::ok);
    REQUIRE(e.on_ingest(ladder("plan", page_type::plan, 60, 6, 6)) == reason_code::ok);
  }
  // Every trace the engine tests produce must also follow the model (DT-6).
  ~session() {
    const auto r = validate_trace(sink.lines);
    INFO("trace diverges at line " << r.first_divergence.line << ": " << r.first_divergence.message);
    CHECK(r.ok);
  }
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  void turn() {
    e.on_assemble();
    e.on_post_model();
  }
  tool_result call(const std::string& tool, const std::string& args = "{}") {
    return e.on_tool_call(tool, args, ladder("tool:" + tool, page_type::evidence, 120, 8, 5));
  }
};

}  // namespace

TEST_CASE("dirty state is written back before compaction destroys it", "[engine][EN-4][FT-5]") {
  session c(policy_clawvm());
  c.call("read");
  c.turn();
  REQUIRE(c.e.on_update(ladder("plan", page_type::plan, 64, 6, 6), status_update(R"({"step":1})")) == reason_code::ok);
  auto report = c.e.on_compaction();
  CHECK(report.written_back == 1);
  CHECK(report.flush_misses == 0);
  CHECK(c.e.counters()[fault_kind::flush_miss] == 0);
  CHECK(c.state.find(scope::session, "plan.status")->value_json == R"([{"step":1}])");

  session r(policy_retrieval());
  r.call("read");
  r.turn();
  REQUIRE(r.e.on_update(ladder("plan", page_type::plan, 64, 6, 6), status_update(R"({"step":1})")) == reason_code::ok);
  auto lost = r.e.on_compaction();
  CHECK(lost.flush_misses == 1);
  CHECK(r.e.counters()[fault_kind::flush_miss] == 1);
  CHECK_FALSE(r.state.find(scope::session, "plan.status").has_value());
}

TEST_CASE("reset writes back, destroys session pages, keeps project pages", "[engine][EN-5]") {
  session c(policy_clawvm());
  c.call("read");
  c.turn();
  REQUIRE(c.e.on_update(ladder("plan", page_type::plan, 64, 6, 6), status_update("1")) == reason_code::ok);
  auto report = c.e.on_reset();
  CHECK(report.written_back == 1);
  CHECK(report.flush_misses == 0);
  CHECK(c.e.pages().find("boot").has_value());     // bootstrap: project scope
  CHECK_FALSE(c.e.pages().find("plan").has_value());
  CHECK_FALSE(c.e.pages().find("tool:read").has_value());
  CHECK(c.e.pending_updates() == 0);
  // Restored after the boundary: the bootstrap page is back at its floor.
  CHECK(c.e.pages().at(*c.e.pages().find("boot")).resident >= level::structured);
}

TEST_CASE("compaction-hybrid writes back at compaction only", "[engine][EN-9]") {
  session h(policy_compaction_hybrid());
  h.call("read");
  h.turn();
  REQUIRE(h.e.on_update(ladder("plan", page_type::plan, 64, 6, 6), status_update("1")) == reason_code::ok);
  CHECK(h.e.on_compaction().written_back == 1);
  REQUIRE(h.e.on_update(ladder("plan", page_type::plan, 66, 6, 6), status_update("2")) == reason_code::ok);
  CHECK(h.e.on_reset().flush_misses == 1);
}

TEST_CASE("post-compaction bootstrap: restored under ClawVM, a fault without auto-pin", "[engine][FT-4]") {
  session c(policy_clawvm());
  c.turn();
  c.e.on_compaction();
  CHECK(c.e.counters()[fault_kind::post_compaction_bootstrap] == 0);

  session h(policy_compaction_hybrid());
  h.turn();
  h.e.on_compaction();
  CHECK(h.e.counters()[fault_kind::post_compaction_bootstrap] == 1);
}

TEST_CASE("refetch: an evicted tool result demanded again", "[engine][FT-2]") {
  // Budget 160: the new tool result (120 at full) and the bootstrap floor (30) leave room
  // for a pointer (4) but not for the old result itself.
  for (auto policy : {policy_retrieval(), policy_clawvm()}) {
    session s(policy, 160);
    s.call("a");
    s.turn();
    s.call("b");
    s.turn();
    const auto outcome = s.e.on_demand("tool:a", level::full);
    if (policy.name == "retrieval") {
      CHECK(outcome == demand_outcome::refetch_fault);
      CHECK(s.e.counters()[fault_kind::refetch] == 1);
    } else {
      // ClawVM keeps a pointer that resolves from the durable tier.
      CHECK(outcome == demand_outcome::hit);
      CHECK(s.e.counters().total_faults() == 0);
    }
  }
}

TEST_CASE("first use of a page is a miss, not a fault", "[engine][FT-2]") {
  session s(policy_retrieval());
  CHECK(s.e.on_demand("plan", level::full) == demand_outcome::miss);
  CHECK(s.e.on_demand("nope", level::full) == demand_outcome::unknown_page);
  CHECK(s.e.counters().total_faults() == 0);
  CHECK(s.e.counters().misses == 1);
}

TEST_CASE("duplicate tool call: alert while resident, fault once evicted", "[engine][FT-3]") {
  session c(policy_clawvm(), 160);
  CHECK(c.call("read", R"({"b":1,"a":2})").outcome == tool_outcome::new_call);
  c.turn();
  // Same call with reordered keys: same canonical signature; still resident.
  auto again = c.call("read", R"({ "a":2, "b":1 })");
  CHECK(again.outcome == tool_outcome::duplicate_signature_alert);
  CHECK(again.signature == R"(read({"a":2,"b":1}))");
  c.turn();
  c.call("other");
  c.turn();
  CHECK(c.call("read", R"({"a":2,"b":1})").outcome == tool_outcome::duplicate_signature_alert);
  CHECK(c.e.counters()[fault_kind::duplicate_tool] == 0);

  session r(policy_retrieval(), 150);
  r.call("read");
  r.turn();
  r.call("other");
  r.turn();
  CHECK(r.call("read").outcome == tool_outcome::duplicate_tool_fault);
  CHECK(r.e.counters()[fault_kind::duplicate_tool] == 1);
  CHECK(r.call("bad", "{oops").outcome == tool_outcome::rejected);
}

TEST_CASE("empty recall: explained under ClawVM, silent under Retrieval", "[engine][FT-6]") {
  session c(policy_clawvm());
  auto explained = c.e.on_recall(scope::project, "user.lang");
  CHECK_FALSE(explained.value.has_value());
  CHECK(explained.reason == reason_code::recall_no_match);
  CHECK_FALSE(explained.silent);
  auto denied = c.e.on_recall(scope::project, "user.lang", reason_code::recall_denied);
  CHECK(denied.reason == reason_code::recall_denied);
  CHECK(c.e.counters()[fault_kind::silent_recall] == 0);

  session r(policy_retrieval());
  CHECK(r.e.on_recall(scope::project, "user.lang").silent);
  CHECK(r.e.counters()[fault_kind::silent_recall] == 1);
}

TEST_CASE("recall finds committed values", "[engine][FT-6]") {
  session c(policy_clawvm());
  c.call("read");
  REQUIRE(c.e.on_update(ladder("plan", page_type::plan, 64, 6, 6), status_update("7")) == reason_code::ok);
  c.e.on_memory_flush();
  auto found = c.e.on_recall(scope::session, "plan.status");
  REQUIRE(found.value.has_value());
  CHECK(found.value->value_json == "[7]");
}

TEST_CASE("unsafe persistence: rejected under ClawVM, committed destructively without validation", "[engine][JR-6]") {
  auto run = [](engine_policy policy) {
    session s(std::move(policy));
    s.call("read");
    update first = status_update(R"("v1")");
    first.op = journal_op::set_with_version;
    REQUIRE(s.e.on_update(ladder("plan", page_type::plan, 64, 6, 6), first) == reason_code::ok);
    s.e.on_memory_flush();
    update stale = first;  // still expects version 0: it did not see v1
    stale.value_json = R"("clobber")";
    REQUIRE(s.e.on_update(ladder("plan", page_type::plan, 66, 6, 6), stale) == reason_code::ok);
    s.e.on_memory_flush();
    return std::make_pair(s.e.counters(), s.state.find(scope::session, "plan.status")->value_json);
  };
  auto [claw, claw_value] = run(policy_clawvm());
  CHECK(claw.rejections == 1);
  CHECK(claw.destructive_commits == 0);
  CHECK(claw_value == R"("v1")");

  engine_policy unsafe = policy_retrieval();
  unsafe.writeback_at[static_cast<std::size_t>(boundary::memory_flush)] = true;
  auto [base, base_value] = run(unsafe);
  CHECK(base.destructive_commits == 1);
  CHECK(base_value == R"("clobber")");
}

TEST_CASE("recency: +1 per demand, x0.88 per turn, zero below 1e-4", "[engine][EN-6]") {
  session s(policy_clawvm());
  s.e.on_demand("plan", level::structured);
  s.turn();
  const auto& p = s.e.pages().at(*s.e.pages().find("plan"));
  CHECK(p.recency == Approx(0.88));
  for (int i = 0; i < 80; ++i) s.turn();
  CHECK(p.recency == 0.0);
}

TEST_CASE("an auto-pinning policy never reports a pinned-invariant miss when the floor set fits", "[engine][FT-7]") {
  session c(policy_clawvm(), 40);  // boot floor is 30
  c.call("read");
  c.turn();
  CHECK(c.e.counters()[fault_kind::pinned_invariant_miss] == 0);
  CHECK(c.e.last_selection().floor_set_fits);

  session starved(policy_clawvm(), 20);  // floor set (30) does not fit
  starved.turn();
  CHECK(starved.e.counters()[fault_kind::pinned_invariant_miss] == 0);
  CHECK(starved.e.counters().physical_insufficiency >= 1);
  CHECK(starved.e.last_selection().unmet.size() == 1);
}

TEST_CASE("the decision trace is byte-deterministic", "[engine][trace][DT-3]") {
  auto run = [] {
    session s(policy_clawvm(), 200);
    for (int t = 0; t < 6; ++t) {
      s.call(t % 2 == 0 ? "read" : "grep", R"({"path":"src"})");
      s.e.on_demand("plan", level::full);
      if (t == 2) REQUIRE(s.e.on_update(ladder("plan", page_type::plan, 64, 6, 6), status_update("1")) == reason_code::ok);
      s.turn();
      if (t == 3) s.e.on_compaction();
    }
    s.e.on_session_end();
    return s.sink.lines;
  };
  const auto a = run();
  const auto b = run();
  REQUIRE(a.size() > 20);
  CHECK(a == b);
  // Every line carries version, sequence, turn and event; sequence numbers are dense.
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto j = nlohmann::json::parse(a[i]);
    CHECK(j.at("v") == 1);
    CHECK(j.at("seq") == i);
    CHECK(j.contains("turn"));
    CHECK(j.contains("event"));
  }
}

TEST_CASE("a call repeated before any assembly is an alert, not a fault", "[engine][FT-3]") {
  session r(policy_retrieval());
  r.call("read");
  CHECK(r.call("read").outcome == tool_outcome::duplicate_signature_alert);
  CHECK(r.e.counters()[fault_kind::duplicate_tool] == 0);
  CHECK(r.e.counters().duplicate_signature_alerts == 1);
}

TEST_CASE("an update must name the page it persists", "[engine][EN-3]") {
  session c(policy_clawvm());
  c.call("read");
  CHECK(c.e.on_update(ladder("plan", page_type::plan, 64, 6, 6), status_update("1", "tool:read")) ==
        reason_code::schema_invalid);
  CHECK(c.e.pending_updates() == 0);
  CHECK_FALSE(c.e.pages().at(*c.e.pages().find("plan")).dirty);
  update unnamed = status_update("2", "");
  CHECK(c.e.on_update(ladder("plan", page_type::plan, 64, 6, 6), unnamed) == reason_code::ok);
  CHECK(c.e.pending_updates() == 1);
}

TEST_CASE("only hard-pinned bootstrap pages are required after compaction", "[engine][FT-4]") {
  session c(policy_clawvm());
  auto loose = ladder("boot:optional", page_type::bootstrap, 3000, 2, 1);  // never fits
  loose.pin = pin_class::none;
  REQUIRE(c.e.on_ingest(loose) == reason_code::ok);
  c.turn();
  c.e.on_compaction();
  CHECK(c.e.counters()[fault_kind::post_compaction_bootstrap] == 0);
}

TEST_CASE("thrash index is (faults + alerts) / (hits + 1)", "[engine][FT-8]") {
  fault_counters c;
  CHECK(c.thrash_index() == 0.0);
  c[fault_kind::refetch] = 3;
  c[fault_kind::flush_miss] = 1;
  c.duplicate_signature_alerts = 2;
  c.hits = 5;
  CHECK(c.total_faults() == 4);
  CHECK(c.thrash_index() == Approx(6.0 / 6.0));
  c.hits = 0;
  CHECK(c.thrash_index() == Approx(6.0));
}

TEST_CASE("tool_result_index answers what canonical_tool_signature answers", "[engine][FT-3]") {
  tool_result_index index;
  const std::vector<std::pair<std::string, std::string>> calls{
      {"read", R"({"b":1, "a":2})"}, {"read", R"({"a":2,"b":1})"}, {"read", ""},  {"x", "[1, 2]"},
      // Concatenated, these two are the same text: only the first is a valid call.
      {"a(", "{}"},                  {"a", "({}"},                {"", "{}"},    {"read", "not json"},
      {"y", "1"},                    {"z", "true"},
  };
  std::map<std::string, page_index> recorded;  // what a correct index answers
  for (int round = 0; round < 3; ++round) {
    for (const auto& [tool, arguments] : calls) {
      CAPTURE(round, tool, arguments);
      const auto want = canonical_tool_signature(tool, arguments);
      const tool_result_index::call got = index.resolve(tool, arguments);
      REQUIRE(got.signature.has_value() == want.has_value());
      if (!got.signature) continue;
      CHECK(*got.signature == *want);
      const auto known = recorded.find(*want);
      if (known == recorded.end()) {
        CHECK_FALSE(got.result_page.has_value());
        const auto page = static_cast<page_index>(recorded.size() * 7);
        index.record(tool, arguments, *got.signature, page);
        recorded.emplace(*want, page);
      } else {
        CHECK(got.result_page == known->second);
      }
      CHECK(index.find(*want) == recorded.at(*want));
    }
  }
  CHECK(recorded.size() == 6);  // read(a,b) in two spellings, read({}), x, a(, y, z
  CHECK(index.size() == 6);
  // Each entry remembers the call that first produced it; the second spelling of
  // read(a,b) is found through its signature.
  CHECK(index.remembered_calls() == 6);
}

TEST_CASE("tool_result_index does not remember a call longer than call_bytes_max", "[engine][FT-3]") {
  tool_result_index index;
  const std::string big = R"({"content": ")" + std::string(tool_result_index::call_bytes_max, 'x') + R"("})";
  const tool_result_index::call first = index.resolve("write", big);
  REQUIRE(first.signature.has_value());
  CHECK(*first.signature == *canonical_tool_signature("write", big));
  index.record("write", big, *first.signature, 3);
  CHECK(index.size() == 1);
  CHECK(index.remembered_calls() == 0);
  const tool_result_index::call again = index.resolve("write", big);
  REQUIRE(again.signature.has_value());
  CHECK(*again.signature == *first.signature);
  CHECK(again.result_page == page_index{3});
  // The limit counts the tool name and the arguments: exactly at it, remembered; one byte
  // over, not.
  const auto arguments_of = [](std::size_t call_bytes) {
    const std::string frame = R"({"c":""})";
    return R"({"c":")" + std::string(call_bytes - 1 - frame.size(), 'y') + R"("})";  // tool "r": 1 byte
  };
  const std::string at_limit = arguments_of(tool_result_index::call_bytes_max);
  const std::string over_limit = arguments_of(tool_result_index::call_bytes_max + 1);
  REQUIRE(1 + at_limit.size() == tool_result_index::call_bytes_max);
  index.record("r", at_limit, *index.resolve("r", at_limit).signature, 4);
  CHECK(index.remembered_calls() == 1);
  CHECK(index.resolve("r", at_limit).result_page == page_index{4});
  index.record("r", over_limit, *index.resolve("r", over_limit).signature, 5);
  CHECK(index.remembered_calls() == 1);
  CHECK(index.resolve("r", over_limit).result_page == page_index{5});
  CHECK(index.size() == 3);
}

TEST_CASE("a call whose result is rejected is not recorded: its retry is a new call", "[engine][FT-3]") {
  session c(policy_clawvm());
  // The result names a page that exists: ingest rejects it, and nothing is recorded.
  const tool_result rejected = c.e.on_tool_call("read", R"({"f":2})", ladder("plan", page_type::evidence, 120, 8, 5));
  CHECK(rejected.outcome == tool_outcome::rejected);
  CHECK(rejected.reason == reason_code::duplicate_page_id);
  CHECK_FALSE(c.e.tool_result_page_id(R"(read({"f":2}))").has_value());
  const tool_result retried = c.e.on_tool_call("read", R"({"f":2})", ladder("tool:read", page_type::evidence, 120, 8, 5));
  CHECK(retried.outcome == tool_outcome::new_call);
  CHECK(c.e.tool_result_page_id(R"(read({"f":2}))") == std::optional<std::string_view>{"tool:read"});
}

TEST_CASE("tool_result_index follows a removal: results move with their pages, removed ones are forgotten",
          "[engine][FT-3]") {
  tool_result_index index;
  for (page_index i = 0; i < 6; ++i) {
    const std::string arguments = R"({"n":)" + std::to_string(i) + "}";
    const auto sig = index.resolve("read", arguments);
    REQUIRE(sig.signature.has_value());
    index.record("read", arguments, *sig.signature, i);
  }
  REQUIRE(index.remembered_calls() == 6);
  // Pages 1 and 4 are removed; the others shift down.
  page_removal removal;
  removal.new_index = {0, page_removal::removed_page, 1, 2, page_removal::removed_page, 3};
  index.follow(removal);
  CHECK(index.size() == 4);
  CHECK(index.remembered_calls() == 4);
  const std::vector<std::optional<page_index>> want{0, std::nullopt, 1, 2, std::nullopt, 3};
  for (page_index i = 0; i < 6; ++i) {
    CAPTURE(i);
    const std::string arguments = R"({"n":)" + std::to_string(i) + "}";
    CHECK(index.find(*canonical_tool_signature("read", arguments)) == want[i]);
    CHECK(index.resolve("read", arguments).result_page == want[i]);          // by the call's text
    CHECK(index.resolve("read", R"({ "n" : )" + std::to_string(i) + " }").result_page == want[i]);  // by signature
  }
  // A forgotten call can be recorded again, on another page.
  const std::string arguments = R"({"n":1})";
  index.record("read", arguments, *index.resolve("read", arguments).signature, 9);
  CHECK(index.resolve("read", arguments).result_page == page_index{9});
}

TEST_CASE("a repeated call after a session end finds its project-scoped result at its new place", "[engine][FT-3]") {
  session c(policy_clawvm(), 400);
  // A session-scoped result first, so the project-scoped one moves down at the session end.
  REQUIRE(c.call("read", R"({"f":1})").outcome == tool_outcome::new_call);
  page_spec kept = ladder("tool:keep", page_type::evidence, 120, 8, 5);
  kept.scope = scope::project;
  REQUIRE(c.e.on_tool_call("grep", R"({"q":"x"})", kept).outcome == tool_outcome::new_call);
  c.turn();
  const page_index before = *c.e.pages().find("tool:keep");
  c.e.on_session_end();
  c.e.on_session_start("s2");
  const page_index after = *c.e.pages().find("tool:keep");
  REQUIRE(after < before);
  CHECK(c.e.tool_result_page_id(R"(grep({"q":"x"}))") == std::optional<std::string_view>{"tool:keep"});
  CHECK_FALSE(c.e.tool_result_page_id(R"(read({"f":1}))").has_value());
  // The restore after the session end brought the kept page back, so the repeated call
  // (in another spelling) is a duplicate-signature alert on it: not a new call, and not a
  // fault on whatever page now sits at its old index.
  REQUIRE(c.e.pages().at(after).resident >= level::structured);
  const tool_result again = c.e.on_tool_call("grep", R"({ "q" : "x" })", kept);
  CHECK(again.outcome == tool_outcome::duplicate_signature_alert);
  CHECK(again.signature == R"(grep({"q":"x"}))");
  // The session's result is gone: its call is new again.
  CHECK(c.call("read", R"({"f":1})").outcome == tool_outcome::new_call);
}
