// spec/pages.md PG-5..PG-9: ingest validation, reason codes, nothing inserted on rejection.
#include <catch2/catch.hpp>

#include <limits>

#include "clawvm/page_table.hpp"
#include "test_pages.hpp"

using namespace clawvm;
using clawvm::test::ladder;

TEST_CASE("ingest applies type defaults and keeps ingest order", "[pages][PG-7]") {
  page_table t;
  REQUIRE(t.ingest(ladder("b", page_type::bootstrap, 90)) == reason_code::ok);
  REQUIRE(t.ingest(ladder("e", page_type::evidence, 90)) == reason_code::ok);
  REQUIRE(t.size() == 2);
  CHECK(t.at(0).id == "b");
  CHECK(t.at(0).pin == pin_class::hard);
  CHECK(t.at(0).scope == scope::project);
  CHECK(t.at(1).pin == pin_class::none);
  CHECK(t.at(1).scope == scope::session);
  CHECK(t.find("e") == page_index{1});
  CHECK_FALSE(t.find("missing").has_value());
}

TEST_CASE("explicit pin and scope override the defaults", "[pages][PG-7]") {
  page_table t;
  auto s = ladder("e", page_type::evidence, 90);
  s.pin = pin_class::soft;
  s.scope = scope::project;
  REQUIRE(t.ingest(s) == reason_code::ok);
  CHECK(t.at(0).pin == pin_class::soft);
  CHECK(t.at(0).scope == scope::project);
}

TEST_CASE("each ingest rejection has its reason code and inserts nothing", "[pages][PG-8]") {
  page_table t;
  REQUIRE(t.ingest(ladder("keep", page_type::plan, 30)) == reason_code::ok);

  SECTION("duplicate id") { CHECK(t.ingest(ladder("keep", page_type::plan, 30)) == reason_code::duplicate_page_id); }
  SECTION("empty id") { CHECK(t.ingest(ladder("", page_type::plan, 30)) == reason_code::invalid_page_id); }
  SECTION("id with a space") { CHECK(t.ingest(ladder("a b", page_type::plan, 30)) == reason_code::invalid_page_id); }
  SECTION("overlong id") {
    CHECK(t.ingest(ladder(std::string(page_id_bytes_max + 1, 'x'), page_type::plan, 30)) ==
          reason_code::invalid_page_id);
  }
  SECTION("unknown type") {
    auto s = ladder("u", page_type::plan, 30);
    s.type_name = "scratchpad";
    CHECK(t.ingest(s) == reason_code::unknown_page_type);
  }
  SECTION("representation off the chain") {
    auto s = ladder("p", page_type::plan, 30);
    s.representations[index_of(level::compressed)] = representation{"c", 20};
    CHECK(t.ingest(s) == reason_code::representation_off_chain);
  }
  SECTION("a representation at level none") {
    auto s = ladder("p", page_type::plan, 30);
    s.representations[index_of(level::none)] = representation{"n", 1};
    CHECK(t.ingest(s) == reason_code::representation_off_chain);
  }
  SECTION("missing floor") {
    auto s = ladder("c", page_type::constraint, 30);
    s.representations[index_of(level::structured)].reset();
    CHECK(t.ingest(s) == reason_code::missing_floor_representation);
  }
  SECTION("tokens not increasing up the chain") {
    auto s = ladder("e", page_type::evidence, 30);
    s.representations[index_of(level::compressed)]->tokens = 40;
    CHECK(t.ingest(s) == reason_code::tokens_not_monotone);
  }
  SECTION("equal tokens on two levels") {
    auto s = ladder("e", page_type::evidence, 30);
    s.representations[index_of(level::full)]->tokens = s.representations[index_of(level::compressed)]->tokens;
    CHECK(t.ingest(s) == reason_code::tokens_not_monotone);
  }
  SECTION("zero tokens") {
    auto s = ladder("e", page_type::evidence, 30);
    s.representations[index_of(level::pointer)]->tokens = 0;
    CHECK(t.ingest(s) == reason_code::tokens_not_monotone);
  }
  CHECK(t.size() == 1);
  CHECK(t.at(0).id == "keep");
}

TEST_CASE("missing upper levels are allowed and skipped by next_up_level", "[pages][PG-6]") {
  page_table t;
  auto s = ladder("e", page_type::evidence, 90);
  s.representations[index_of(level::compressed)].reset();
  REQUIRE(t.ingest(s) == reason_code::ok);
  const page& p = t.at(0);
  CHECK(p.next_up_level(level::none) == level::pointer);
  CHECK(p.next_up_level(level::structured) == level::full);
  CHECK(p.lowest_present_at_least(level::compressed) == level::full);
}

TEST_CASE("replace keeps recency and rejects a type change", "[pages][PG-9]") {
  page_table t;
  REQUIRE(t.ingest(ladder("p", page_type::plan, 30)) == reason_code::ok);
  t.at(0).recency = 2.5;
  REQUIRE(t.replace(ladder("p", page_type::plan, 60)) == reason_code::ok);
  CHECK(t.at(0).recency == 2.5);
  CHECK(t.at(0).tokens_at(level::full) == 60);
  CHECK(t.replace(ladder("p", page_type::evidence, 60)) == reason_code::page_type_mismatch);
  CHECK(t.replace(ladder("q", page_type::plan, 60)) == reason_code::unknown_page);
  CHECK(t.mark_dirty("q") == reason_code::unknown_page);
  CHECK(t.mark_dirty("p") == reason_code::ok);
  CHECK(t.at(0).dirty);
}

TEST_CASE("remove_if reindexes the survivors", "[pages]") {
  page_table t;
  for (const char* id : {"a", "b", "c", "d"}) REQUIRE(t.ingest(ladder(id, page_type::evidence, 90)) == reason_code::ok);
  CHECK(t.remove_if([](const page& p) { return p.id == "a" || p.id == "c"; }) == 2);
  REQUIRE(t.size() == 2);
  CHECK(t.find("b") == page_index{0});
  CHECK(t.find("d") == page_index{1});
  CHECK_FALSE(t.find("a").has_value());
}

TEST_CASE("non-finite attributes are refused at ingest", "[pages][PG-8]") {
  page_table t;
  auto s = ladder("e", page_type::evidence, 90);
  s.recompute_cost = std::numeric_limits<double>::quiet_NaN();
  CHECK(t.ingest(s) == reason_code::invalid_page_attribute);
  s.recompute_cost = 1;
  s.base_utility = std::numeric_limits<double>::infinity();
  CHECK(t.ingest(s) == reason_code::invalid_page_attribute);
  CHECK(t.size() == 0);
  s.base_utility = -2;  // negative is allowed
  CHECK(t.ingest(s) == reason_code::ok);
}

TEST_CASE("an update never evicts a resident page", "[pages][PG-9]") {
  page_table t;
  REQUIRE(t.ingest(ladder("e", page_type::evidence, 90)) == reason_code::ok);
  t.at(0).resident = level::full;
  auto smaller = ladder("e", page_type::evidence, 90);
  smaller.representations[index_of(level::full)].reset();
  REQUIRE(t.replace(smaller) == reason_code::ok);
  CHECK(t.at(0).resident == level::compressed);
  t.at(0).resident = level::none;
  REQUIRE(t.replace(ladder("e", page_type::evidence, 90)) == reason_code::ok);
  CHECK(t.at(0).resident == level::none);
}

TEST_CASE("an update may not change a page's pin class or scope", "[pages][PG-9]") {
  page_table t;
  REQUIRE(t.ingest(ladder("boot", page_type::bootstrap, 90)) == reason_code::ok);
  auto demote = ladder("boot", page_type::bootstrap, 60);
  demote.pin = pin_class::soft;
  CHECK(t.replace(demote) == reason_code::pin_or_scope_change);
  auto move = ladder("boot", page_type::bootstrap, 60);
  move.scope = scope::session;
  CHECK(t.replace(move) == reason_code::pin_or_scope_change);
  CHECK(t.at(0).tokens_at(level::full) == 90);  // unchanged
  // Unset pin and scope keep the page's own, even where the type default differs.
  auto soft_ev = ladder("ev", page_type::evidence, 90);
  soft_ev.pin = pin_class::soft;
  REQUIRE(t.ingest(soft_ev) == reason_code::ok);
  REQUIRE(t.replace(ladder("ev", page_type::evidence, 60)) == reason_code::ok);
  CHECK(t.at(1).pin == pin_class::soft);
}
