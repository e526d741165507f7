// The no-compaction reference on a hand-computed transcript (spec/real.md RL-16) and the
// prompt cache it is billed by (spec/replay.md RP-10).
#include <catch2/catch.hpp>

#include <string>

#include "clawvm/eval/no_compaction.hpp"
#include "clawvm/prompt_cache.hpp"

using namespace clawvm;
using namespace clawvm::eval;

namespace {

page_spec spec_of(const std::string& id, const std::string& type, std::uint32_t full_tokens, const std::string& text) {
  page_spec s;
  s.id = id;
  s.type_name = type;
  s.representations[index_of(level::pointer)] = representation{"ptr:" + id, 1};
  s.representations[index_of(level::full)] = representation{text, full_tokens};
  return s;
}

workload_event tool(const std::string& arguments, page_spec result) {
  return workload_events::tool_call{"read", arguments, std::move(result)};
}

no_compaction_profile measure(const std::vector<workload_event>& events) {
  return measure_no_compaction(pull_events(events), prompt_cache_model{});
}

}  // namespace

TEST_CASE("RL-16 the transcript is appended, never rewritten, and restarts at a session end", "[no_compaction]") {
  // Turn 1: a preference P (600, project scope) and a result R (500): 1 100 tokens, written.
  // Turn 2: P's new version is appended (610): the 1 100 cached tokens are read, 610 written.
  // Turn 3: the same call again (equivalent arguments) is answered from the transcript and
  //         the compaction is ignored: all 1 710 read.
  // Turn 4, after the session end: only P survives, at its latest version (610 tokens,
  //         below the 1 024 minimum): uncached, and the cached prefix was rewritten (a break).
  const std::vector<workload_event> events{
      workload_events::session_start{"s1"},
      workload_events::ingest{spec_of("P", "preference", 600, "v1")},
      tool(R"({"path":"a"})", spec_of("R", "evidence", 500, "result")),
      workload_events::turn_end{},
      workload_events::update{spec_of("P", "preference", 610, "v2"), {}},
      workload_events::turn_end{},
      tool(R"({ "path": "a" })", spec_of("R2", "evidence", 500, "result again")),
      workload_events::lifecycle{boundary::compaction},
      workload_events::turn_end{},
      workload_events::lifecycle{boundary::session_end},
      workload_events::session_start{"s2"},
      workload_events::turn_end{},
  };
  const no_compaction_profile p = measure(events);
  CHECK(p.turns == 4);
  CHECK(p.peak_prompt_tokens == 1710);
  CHECK(p.cache.prompt_tokens_total == 1100 + 1710 + 1710 + 610);
  CHECK(p.cache.cache_read_tokens == 0 + 1100 + 1710 + 0);
  CHECK(p.cache.cache_write_tokens == 1100 + 610);
  CHECK(p.cache.cache_uncached_tokens == 610);
  CHECK(p.cache.prefix_breaks == 1);
  CHECK(p.fits(1710));
  CHECK_FALSE(p.fits(1709));
  CHECK(p.cache.cache_read_share() == Approx(2810.0 / 5130.0));
  CHECK(p.cache.relative_cost(prompt_cache_model{}) == Approx((0.1 * 2810 + 1.25 * 1710 + 610) / 5130.0));
}

TEST_CASE("RL-16 a rewriting harness breaks the prefix where the appending one does not", "[no_compaction]") {
  // The meter itself (RP-10): the same two prompts, once appended and once with the first
  // piece rewritten in place.
  const prompt first{{"A", level::full, 1, 800}, {"B", level::full, 2, 400}};
  prompt appended = first;
  appended.push_back({"C", level::full, 3, 300});
  prompt rewritten = appended;
  rewritten.front().content_hash = 9;

  prompt_cache_meter append_only(prompt_cache_model{});
  append_only.bill(first);
  append_only.bill(appended);
  CHECK(append_only.counts().cache_read_tokens == 1200);
  CHECK(append_only.counts().prefix_breaks == 0);

  prompt_cache_meter rewriting(prompt_cache_model{});
  rewriting.bill(first);
  rewriting.bill(rewritten);
  CHECK(rewriting.counts().cache_read_tokens == 0);
  CHECK(rewriting.counts().prefix_breaks == 1);
  CHECK(rewriting.counts().cache_write_tokens == 1200 + 1500);
}
