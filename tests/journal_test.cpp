// spec/journal.md JR-1..JR-8: the five validations in precedence order, merge rules,
// non-destructive commits, rejected entries kept with their reason.
#include <catch2/catch.hpp>

#include "clawvm/journal.hpp"
#include "clawvm/page_table.hpp"
#include "test_pages.hpp"

using namespace clawvm;
using clawvm::test::ladder;

namespace {

struct fixture {
  page_table pages;
  memory_store state;
  journal j{1};
  principal writer{true, false};

  fixture() {
    REQUIRE(pages.ingest(ladder("plan", page_type::plan, 30)) == reason_code::ok);
    REQUIRE(pages.ingest(ladder("tool:1", page_type::evidence, 30)) == reason_code::ok);
    REQUIRE(pages.ingest(ladder("rules", page_type::constraint, 30)) == reason_code::ok);
  }
  validation_context ctx(validation_checks checks = validation_checks::all()) {
    return {&state, &pages, writer, checks};
  }
  journal_record write(update u, validation_checks checks = validation_checks::all(),
                       merge_mode mode = merge_mode::non_destructive) {
    return j.writeback(std::move(u), ctx(checks), state, mode);
  }
};

update make(std::string field, journal_op op, std::string value, std::uint64_t version = 0) {
  update u;
  u.page_id = "plan";
  u.field = std::move(field);
  u.op = op;
  u.value_json = std::move(value);
  u.scope = scope::session;
  u.evidence_ref = "tool:1";
  u.expected_version = version;
  return u;
}

}  // namespace

TEST_CASE("append builds an array and versions count commits", "[journal][JR-6]") {
  fixture f;
  auto r1 = f.write(make("plan.steps", journal_op::append, R"({"step":1})"));
  REQUIRE(r1.phase == journal_phase::committed);
  CHECK(r1.result.value_json == R"([{"step":1}])");
  CHECK(r1.result.version == 1);
  auto r2 = f.write(make("plan.steps", journal_op::append, R"({ "step" : 2 })"));
  REQUIRE(r2.phase == journal_phase::committed);
  CHECK(r2.result.value_json == R"([{"step":1},{"step":2}])");
  CHECK(r2.result.version == 2);
  CHECK(f.state.find(scope::session, "plan.steps")->version == 2);
  CHECK(r1.seq == 1);
  CHECK(r2.seq == 2);
}

TEST_CASE("merge is a key union and a conflicting key is DESTRUCTIVE_OP", "[journal][JR-6]") {
  fixture f;
  REQUIRE(f.write(make("prefs", journal_op::merge, R"({"lang":"en"})")).phase == journal_phase::committed);
  auto same = f.write(make("prefs", journal_op::merge, R"({"lang":"en","tz":"UTC"})"));
  REQUIRE(same.phase == journal_phase::committed);
  CHECK(same.result.value_json == R"({"lang":"en","tz":"UTC"})");
  auto conflict = f.write(make("prefs", journal_op::merge, R"({"lang":"fr"})"));
  CHECK(conflict.phase == journal_phase::rejected);
  CHECK(conflict.reason == reason_code::destructive_op);
  CHECK(f.state.find(scope::session, "prefs")->value_json == R"({"lang":"en","tz":"UTC"})");
}

TEST_CASE("set_with_version needs the last committed version", "[journal][JR-6]") {
  fixture f;
  REQUIRE(f.write(make("goal", journal_op::set_with_version, R"("ship")", 0)).phase == journal_phase::committed);
  auto stale = f.write(make("goal", journal_op::set_with_version, R"("rewrite")", 0));
  CHECK(stale.phase == journal_phase::rejected);
  CHECK(stale.reason == reason_code::stale_version);
  auto fresh = f.write(make("goal", journal_op::set_with_version, R"("ship v2")", 1));
  REQUIRE(fresh.phase == journal_phase::committed);
  CHECK(fresh.result.version == 2);
  CHECK(f.state.find(scope::session, "goal")->value_json == R"("ship v2")");
  // A new key expects version 0.
  CHECK(f.write(make("other", journal_op::set_with_version, "1", 3)).reason == reason_code::stale_version);
}

TEST_CASE("append onto a non-array value would replace it: DESTRUCTIVE_OP", "[journal][JR-6]") {
  fixture f;
  REQUIRE(f.write(make("note", journal_op::set_with_version, R"("text")", 0)).phase == journal_phase::committed);
  auto r = f.write(make("note", journal_op::append, R"("more")"));
  CHECK(r.reason == reason_code::destructive_op);
}

TEST_CASE("validation order: schema, provenance, scope, non-destructive, policy", "[journal][JR-2]") {
  fixture f;
  SECTION("schema: bad field name") {
    CHECK(f.write(make("has space", journal_op::append, "1")).reason == reason_code::schema_invalid);
  }
  SECTION("schema: empty field") { CHECK(f.write(make("", journal_op::append, "1")).reason == reason_code::schema_invalid); }
  SECTION("schema: invalid JSON value") {
    CHECK(f.write(make("x", journal_op::append, "{not json")).reason == reason_code::schema_invalid);
  }
  SECTION("schema: invalid UTF-8 value") {
    CHECK(f.write(make("x", journal_op::append, "\"\xff\xfe\"")).reason == reason_code::schema_invalid);
  }
  SECTION("schema: merge needs an object") {
    CHECK(f.write(make("x", journal_op::merge, "[1]")).reason == reason_code::schema_invalid);
  }
  SECTION("schema: oversized value") {
    CHECK(f.write(make("x", journal_op::append, "\"" + std::string(value_bytes_max, 'a') + "\"")).reason ==
          reason_code::schema_invalid);
  }
  SECTION("schema wins over provenance") {
    auto u = make("bad field", journal_op::append, "1");
    u.evidence_ref = "";
    CHECK(f.write(u).reason == reason_code::schema_invalid);
  }
  SECTION("provenance missing") {
    auto u = make("x", journal_op::append, "1");
    u.evidence_ref = "";
    CHECK(f.write(u).reason == reason_code::provenance_missing);
  }
  SECTION("provenance dangling wins over scope") {
    auto u = make("x", journal_op::append, "1");
    u.evidence_ref = "tool:gone";
    u.scope = scope::project;
    CHECK(f.write(u).reason == reason_code::provenance_dangling);
  }
  SECTION("scope denied") {
    auto u = make("x", journal_op::append, "1");
    u.scope = scope::project;
    CHECK(f.write(u).reason == reason_code::scope_denied);
  }
  SECTION("policy: hard-pinned target") {
    auto u = make("x", journal_op::append, "1");
    u.page_id = "rules";
    CHECK(f.write(u).reason == reason_code::hard_pin_violation);
  }
  SECTION("policy: unknown target page") {
    auto u = make("x", journal_op::append, "1");
    u.page_id = "nope";
    CHECK(f.write(u).reason == reason_code::unknown_page);
  }
  // Whatever was rejected, nothing was committed, and the rejection stays in the journal.
  REQUIRE(f.j.outcomes().size() == 1);
  CHECK(f.j.outcomes()[0].phase == journal_phase::rejected);
  CHECK(f.state.records().size() == 1);
  CHECK(f.state.records()[0].phase == journal_phase::rejected);
  CHECK_FALSE(f.state.find(scope::session, "x").has_value());
}

TEST_CASE("a project principal may write project scope", "[journal][JR-5]") {
  fixture f;
  f.writer = {true, true};
  auto u = make("x", journal_op::append, "1");
  u.scope = scope::project;
  CHECK(f.write(u).phase == journal_phase::committed);
  CHECK(f.state.find(scope::project, "x").has_value());
  CHECK_FALSE(f.state.find(scope::session, "x").has_value());
}

TEST_CASE("the permissive baseline commits a stale write and flags the loss", "[journal][JR-6]") {
  fixture f;
  REQUIRE(f.write(make("goal", journal_op::set_with_version, R"("ship")", 0)).phase == journal_phase::committed);
  auto r = f.write(make("goal", journal_op::set_with_version, R"("wipe")", 0), validation_checks::schema_only(),
                   merge_mode::permissive);
  REQUIRE(r.phase == journal_phase::committed);
  CHECK(r.overwrote_committed);
  CHECK(f.state.find(scope::session, "goal")->value_json == R"("wipe")");
}

TEST_CASE("commit re-checks the merge rule at the commit point", "[journal][JR-9]") {
  fixture f;
  auto ctx = f.ctx();
  // Two writers validate against version 0; the second commit must be refused.
  auto first = validate(f.j.stage(make("goal", journal_op::set_with_version, "1", 0)), ctx);
  auto second = validate(f.j.stage(make("goal", journal_op::set_with_version, "2", 0)), ctx);
  REQUIRE(std::holds_alternative<validated_entry>(first));
  REQUIRE(std::holds_alternative<validated_entry>(second));
  auto c1 = commit(std::get<validated_entry>(std::move(first)), f.state);
  auto c2 = commit(std::get<validated_entry>(std::move(second)), f.state);
  REQUIRE(std::holds_alternative<committed_entry>(c1));
  REQUIRE(std::holds_alternative<rejected_entry>(c2));
  CHECK(std::get<rejected_entry>(c2).reason() == reason_code::stale_version);
  CHECK(f.state.find(scope::session, "goal")->value_json == "1");
}

TEST_CASE("staging applies nothing", "[journal][JR-1]") {
  fixture f;
  auto staged = f.j.stage(make("x", journal_op::append, "1"));
  CHECK(staged.seq() == 1);
  CHECK(f.state.records().empty());
  CHECK_FALSE(f.state.find(scope::session, "x").has_value());
}

namespace {
// A store that refuses every append with a given code (a concurrent writer, an I/O error).
class refusing_state final : public durable_store {
 public:
  explicit refusing_state(reason_code refusal) : refusal_(refusal) {}
  std::optional<committed_value> find(scope, std::string_view) const override { return std::nullopt; }
  reason_code append(const journal_record&) override { return refusal_; }
  std::uint64_t last_seq() const override { return 0; }
  std::vector<journal_record> records() const override { return {}; }

 private:
  reason_code refusal_;
};
}  // namespace

TEST_CASE("commit reports the store's own refusal", "[journal][JR-9]") {
  for (auto refusal : {reason_code::stale_version, reason_code::store_io_error}) {
    fixture f;
    refusing_state store(refusal);
    const validation_context ctx{&store, &f.pages, f.writer, validation_checks::all()};
    auto checked = validate(f.j.stage(make("goal", journal_op::set_with_version, "1", 0)), ctx);
    REQUIRE(std::holds_alternative<validated_entry>(checked));
    auto done = commit(std::get<validated_entry>(std::move(checked)), store);
    REQUIRE(std::holds_alternative<rejected_entry>(done));
    CHECK(std::get<rejected_entry>(done).reason() == refusal);
  }
}

TEST_CASE("a permissive merge conflict loses only the conflicting values", "[journal][JR-6]") {
  fixture f;
  REQUIRE(f.write(make("prefs", journal_op::merge, R"({"lang":"en","tz":"UTC"})")).phase == journal_phase::committed);
  auto r = f.write(make("prefs", journal_op::merge, R"({"lang":"fr"})"), validation_checks::schema_only(),
                   merge_mode::permissive);
  REQUIRE(r.phase == journal_phase::committed);
  CHECK(r.overwrote_committed);
  CHECK(r.result.value_json == R"({"lang":"fr","tz":"UTC"})");
}
