// Engine properties (brief §2-§5, spec/engine.md EN-1..EN-10, spec/faults.md): random
// sequences of harness events (ingest, update with a pending writeback, demand, tool
// call, recall, assemble, post_model, every boundary) fed to the engine through
// properties/engine_driver.hpp, which checks the ClawVM invariants (ZeroFaultsInv ... LifecycleCompletenessInv) after every event.
//
// Reproduce: RC_PARAMS="reproduce=..." (printed on failure) or RC_PARAMS="seed=N".
// Longer: RC_PARAMS="max_success=100000" build/gcc-debug/properties/engine_props

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include "clawvm/durable_store.hpp"
#include "clawvm/engine.hpp"
#include "clawvm/trace_validation.hpp"
#include "engine_driver.hpp"
#include "generators.hpp"
#include "mutant.hpp"

namespace {

using namespace clawvm;
using namespace clawvm::props;

// ---- generators -------------------------------------------------------------------------

// Page ids name their type (generators.hpp page_pool), so an update usually keeps the
// page's type (a few updates name another type on purpose: page_type_mismatch).
rc::Gen<pool_page> gen_pool_page() { return rc::gen::elementOf(page_pool); }

rc::Gen<update> gen_pending(std::string page_id) {
  return rc::gen::exec([page_id] {
    update u;
    u.page_id = *rc::gen::weightedElement<std::string>({{8, page_id}, {1, "boot"}, {1, "nowhere"}});
    u.field = *rc::gen::element<std::string>("plan.status", "prefs", "notes", "bad field");
    u.op = *rc::gen::element(journal_op::append, journal_op::merge, journal_op::set_with_version);
    u.value_json = *rc::gen::element<std::string>("{\"step\":1}", "{\"step\":2}", "[1]", "\"done\"",
                                                  "{\"a\":true}", "not json");
    u.scope = *rc::gen::weightedElement<scope>({{4, scope::session}, {1, scope::project}});
    u.evidence_ref = *rc::gen::weightedElement<std::string>(
        {{5, "ev-a"}, {3, page_id}, {1, ""}, {1, "t-1"}});
    u.expected_version = *rc::gen::inRange<std::uint64_t>(0, 3);
    return u;
  });
}

// `full_evidence_updates`: an update of an evidence page keeps every level of its chain
// (see the LRU test for why).
struct event_options {
  bool full_evidence_updates = false;
};

rc::Gen<engine_event> gen_event(event_options opt) {
  return rc::gen::exec([opt] {
    engine_event ev;
    const int kind = *rc::gen::inRange(0, 100);
    if (kind < 14) {
      ev.kind = event_kind::ingest;
      const auto p = *gen_pool_page();
      ev.spec = *gen_valid_page_spec(p.id, p.type);
      if (*rc::gen::inRange(0, 20) == 0) ev.spec.type_name = "mystery";  // rejected ingest
    } else if (kind < 28) {
      ev.kind = event_kind::update;
      const auto p = *gen_pool_page();
      const bool mismatch = *rc::gen::inRange(0, 15) == 0;
      const page_type type = mismatch ? *gen_page_type() : p.type;
      ev.spec = *gen_valid_page_spec(p.id, type, opt.full_evidence_updates && type == page_type::evidence);
      ev.pending = *gen_pending(p.id);
    } else if (kind < 44) {
      ev.kind = event_kind::demand;
      ev.text = *rc::gen::weightedElement<std::string>({{12, (*gen_pool_page()).id}, {2, "t-1"}, {1, "ghost"}});
      ev.wanted = *rc::gen::elementOf(all_levels);
    } else if (kind < 54) {
      ev.kind = event_kind::tool_call;
      ev.text = *rc::gen::element<std::string>("read", "grep");
      ev.arguments = *rc::gen::element<std::string>("{\"path\":\"a\"}", "{ \"path\" : \"a\" }",
                                                    "{\"path\":\"b\"}", "", "not json");
      const std::string id = *rc::gen::element<std::string>("t-1", "t-2", "t-3", "ev-a");
      ev.spec = *gen_valid_page_spec(id, page_type::evidence);
    } else if (kind < 58) {
      ev.kind = event_kind::recall;
      ev.recall_scope = *rc::gen::element(scope::session, scope::project);
      ev.text = *rc::gen::element<std::string>("plan.status", "prefs", "missing");
      ev.backend = *rc::gen::weightedElement<std::optional<reason_code>>(
          {{4, std::nullopt}, {1, reason_code::ok}, {1, reason_code::recall_backend_error},
           {1, reason_code::recall_denied}});
    } else if (kind < 76) {
      ev.kind = event_kind::assemble;
    } else if (kind < 88) {
      ev.kind = event_kind::post_model;
    } else if (kind < 99) {
      ev.kind = event_kind::boundary;
      ev.which = *rc::gen::element(boundary::compaction, boundary::pruning, boundary::memory_flush,
                                   boundary::reset, boundary::session_end, boundary::shutdown);
    } else {
      ev.kind = event_kind::session_start;
      ev.text = *rc::gen::element<std::string>("s1", "s2");
    }
    return ev;
  });
}

struct scenario {
  std::uint32_t budget = 0;
  std::vector<engine_event> events;
};

void showValue(const scenario& s, std::ostream& os) {
  os << "budget=" << s.budget << "\n";
  for (std::size_t i = 0; i < s.events.size(); ++i) os << "  " << i << ": " << describe(s.events[i]) << "\n";
}

rc::Gen<scenario> gen_scenario(event_options opt = {}) {
  return rc::gen::exec([opt] {
    scenario s;
    s.budget = *rc::gen::weightedElement<std::uint32_t>({{1, 0}, {1, 40}, {2, 120}, {2, 180}, {2, 300}, {2, 500}})
               + *rc::gen::inRange<std::uint32_t>(0, 60);
    s.events = *rc::gen::container<std::vector<engine_event>>(gen_event(opt));
    return s;
  });
}

// The "ClawVM" under test: the mutant build ablates writeback at reset.
engine_policy clawvm_under_test() {
  engine_policy p = policy_clawvm();
  if constexpr (active_mutant == mutant::no_reset_writeback) {
    p.writeback_at[static_cast<std::size_t>(boundary::reset)] = false;
  }
  return p;
}

struct run_result {
  fault_counters counters;
  std::vector<std::string> trace;
  std::string violation;  // first invariant violation, with the event index
};

run_result run_scenario(const scenario& s, const engine_policy& policy, bool check) {
  memory_store state;
  memory_trace_sink sink;
  engine e({policy, s.budget, principal{}}, state, &sink);
  harness_view h;
  run_result out;
  e.on_session_start("s0");
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    std::string v = drive_event(e, s.events[i], h, check);
    if (!v.empty()) {
      out.violation = "event " + std::to_string(i) + " (" + describe(s.events[i]) + "): " + v;
      break;
    }
  }
  out.counters = e.counters();
  out.trace = std::move(sink.lines);
  return out;
}

}  // namespace

TEST_CASE("engine: ClawVM invariants after every event", "[engine][props]") {
  rc::prop("no bootstrap/flush/silent/pinned fault, budgets kept, nothing pending is lost", [] {
    const auto s = *gen_scenario();
    const run_result r = run_scenario(s, clawvm_under_test(), true);
    RC_ASSERT(r.violation == std::string{});
  });
}

// The paper's "LRU with the same structure: identical to ClawVM" holds because faults
// depend on enforcement (floors, pointer prefetch, writeback), not on the upgrade ranking.
// One engine path breaks that on arbitrary sequences: page_table::replace drops a page
// whose resident level the new representation lacks to `none`, so whether an evidence
// update evicts the page depends on how far the ranking had upgraded it, and a demand
// before the next assembly counts a refetch under one ranking only (properties/README.md
// "Findings"). Evidence updates here therefore keep their whole chain.
TEST_CASE("engine: LRU ranking gives ClawVM's fault counts", "[engine][props][lru]") {
  rc::prop("policy_lru() and policy_clawvm() count the same faults on the same events", [] {
    const auto s = *gen_scenario({true});
    const run_result claw = run_scenario(s, policy_clawvm(), false);
    const run_result lru = run_scenario(s, policy_lru(), false);
    RC_ASSERT(claw.counters.faults == lru.counters.faults);
  });
}

// The same holds for the cache-aware ranking (SEL-11: its steps 1 and 2 are ClawVM's), and
// it keeps ClawVM's invariants after every event.
TEST_CASE("engine: the cache-aware ranking gives ClawVM's fault counts", "[engine][props][cache_aware]") {
  rc::prop("policy_cache_aware() and policy_clawvm() count the same faults on the same events", [] {
    const auto s = *gen_scenario({true});
    const run_result claw = run_scenario(s, policy_clawvm(), false);
    const run_result aware = run_scenario(s, policy_cache_aware(), true);
    RC_ASSERT(aware.violation == std::string{});
    RC_ASSERT(claw.counters.faults == aware.counters.faults);
  });
}

TEST_CASE("engine: replay is byte-identical", "[engine][props][determinism]") {
  rc::prop("the same events give the same decision trace, byte for byte", [] {
    const auto s = *gen_scenario();
    const engine_policy policy = *rc::gen::element(policy_clawvm(), policy_lru(), policy_oracle(),
                                                   policy_retrieval(), policy_compaction_hybrid(), policy_cache_aware());
    const run_result first = run_scenario(s, policy, false);
    const run_result second = run_scenario(s, policy, false);
    RC_ASSERT(first.trace == second.trace);
    RC_ASSERT(first.counters == second.counters);
  });
}

TEST_CASE("engine: every trace follows the model", "[engine][props][trace]") {
  rc::prop("random event sequences under every policy pass trace validation (DT-6)", [] {
    const auto s = *gen_scenario();
    const engine_policy policy = *rc::gen::element(policy_clawvm(), policy_lru(), policy_oracle(), policy_retrieval(),
                                                   policy_retrieval_cache(), policy_compaction_hybrid(),
                                                   policy_cache_aware());
    const run_result r = run_scenario(s, policy, false);
    const auto verdict = validate_trace(r.trace);
    RC_ASSERT(verdict.first_divergence.message == std::string{});
    RC_ASSERT(verdict.ok);
  });
}

// Regression (found by this suite, fixed in engine::cross_boundary): a harness may override
// a bootstrap page's pin at ingest; only hard-pinned bootstrap pages are required after a
// compaction, so an unpinned one below its floor is no post_compaction_bootstrap fault.
TEST_CASE("engine: unpinned bootstrap pages after compaction", "[engine][props][regression]") {
  rc::prop("a bootstrap page whose pin was overridden is still resident after compaction", [] {
    auto s = *gen_scenario();
    engine_event boot;
    boot.kind = event_kind::ingest;
    boot.spec = *gen_valid_page_spec("boot", page_type::bootstrap);
    boot.spec.pin = *rc::gen::element(pin_class::none, pin_class::soft);
    s.events.insert(s.events.begin(), boot);
    const run_result r = run_scenario(s, policy_clawvm(), true);
    RC_ASSERT(r.violation == std::string{});
  });
}
