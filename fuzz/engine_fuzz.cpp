// Fuzz target for the engine (brief §2-§4, spec/engine.md): bytes decode to a policy, a
// budget and a sequence of harness events (every hook, every boundary), fed through the
// driver of properties/engine_driver.hpp. No input may crash the engine (sanitizers
// catch memory and UB errors, GSL contracts abort); under a policy that promises them,
// the ClawVM invariants (ZeroFaultsInv, BudgetInv, FloorInv, PinnedResidentInv,
// PostCompactionBootstrapInv, LifecycleCompletenessInv) must hold after every event: no
// pinned_invariant_miss (or bootstrap, flush or silent-recall fault) while the floor set
// fits, resident tokens within budget, every pending update committed or rejected at each
// writeback boundary.
//
// Bootstrap pages keep their hard pin here (a pin override on a bootstrap page exposes a
// known engine gap: properties/README.md "Findings").

#include <cstddef>
#include <cstdint>
#include <string>

#include "clawvm/durable_store.hpp"
#include "clawvm/engine.hpp"
#include "clawvm/trace_validation.hpp"
#include "engine_driver.hpp"
#include "fuzz_support.hpp"

using namespace clawvm;
using props::engine_event;
using props::event_kind;

namespace {

constexpr const char* pool_ids[] = {"boot", "rule-a", "rule-b", "plan", "pref", "ev-a", "ev-b", "conv-a", "conv-b"};
constexpr page_type pool_types[] = {page_type::bootstrap,  page_type::constraint, page_type::constraint,
                                    page_type::plan,       page_type::preference, page_type::evidence,
                                    page_type::evidence,   page_type::conversation, page_type::conversation};

page_spec decode_spec(fuzz::byte_reader& r, std::size_t pool_index, bool allow_type_change) {
  page_type type = pool_types[pool_index];
  if (allow_type_change && r.below(16) == 0) type = fuzz::decode_page_type(r);
  page_spec s = fuzz::decode_valid_page_spec(r, pool_ids[pool_index], type);
  switch (r.below(24)) {
    case 0: s.type_name = "mystery"; break;                      // unknown type
    case 1: s.representations[index_of(level::none)] = representation{"x", 1}; break;  // off chain
    case 2: s.id = r.bytes(8); break;                            // arbitrary id
    default: break;
  }
  return s;
}

std::string decode_json_text(fuzz::byte_reader& r) {
  constexpr const char* texts[] = {"{\"step\":1}", "{\"step\":2}", "[1]", "\"done\"", "{\"a\":true}", "7", "not json", ""};
  return r.below(8) == 0 ? r.bytes(24) : texts[r.below(std::size(texts))];
}

engine_event decode_event(fuzz::byte_reader& r) {
  engine_event ev;
  ev.kind = static_cast<event_kind>(r.below(props::event_kind_count));
  const std::size_t pool_index = r.below(std::size(pool_ids));
  switch (ev.kind) {
    case event_kind::session_start: ev.text = "s" + std::to_string(r.below(3)); break;
    case event_kind::ingest: ev.spec = decode_spec(r, pool_index, true); break;
    case event_kind::update: {
      ev.spec = decode_spec(r, pool_index, true);
      update& u = ev.pending;
      u.page_id = r.below(8) == 0 ? pool_ids[r.below(std::size(pool_ids))] : ev.spec.id;
      constexpr const char* fields[] = {"plan.status", "prefs", "notes", "bad field"};
      u.field = fields[r.below(4)];
      u.op = static_cast<journal_op>(r.below(3));
      u.value_json = decode_json_text(r);
      u.scope = r.below(4) == 0 ? scope::project : scope::session;
      u.evidence_ref = r.below(6) == 0 ? std::string{} : pool_ids[r.below(std::size(pool_ids))];
      u.expected_version = r.below(4);
      break;
    }
    case event_kind::demand:
      ev.text = r.below(10) == 0 ? "t-" + std::to_string(r.below(3)) : pool_ids[pool_index];
      ev.wanted = fuzz::decode_level(r);
      break;
    case event_kind::tool_call: {
      constexpr const char* args[] = {"{\"path\":\"a\"}", "{ \"path\" : \"a\" }", "{\"path\":\"b\"}", "", "not json"};
      ev.text = r.below(8) == 0 ? std::string{} : (r.flag() ? "read" : "grep");
      ev.arguments = args[r.below(std::size(args))];
      ev.spec = fuzz::decode_valid_page_spec(r, "t-" + std::to_string(r.below(3)), page_type::evidence);
      break;
    }
    case event_kind::recall: {
      ev.recall_scope = r.flag() ? scope::project : scope::session;
      constexpr const char* fields[] = {"plan.status", "prefs", "missing"};
      ev.text = fields[r.below(3)];
      switch (r.below(5)) {
        case 0: ev.backend = reason_code::ok; break;
        case 1: ev.backend = reason_code::recall_backend_error; break;
        case 2: ev.backend = reason_code::recall_denied; break;
        default: ev.backend = std::nullopt;
      }
      break;
    }
    case event_kind::boundary: ev.which = static_cast<boundary>(r.below(boundary_count)); break;
    case event_kind::assemble:
    case event_kind::post_model: break;
  }
  return ev;
}

engine_policy decode_policy(fuzz::byte_reader& r) {
  switch (r.below(10)) {
    case 0: return policy_lru();
    case 1: return policy_oracle();
    case 2: return policy_retrieval();
    case 3: return policy_retrieval_cache();
    case 4: return policy_compaction_hybrid();
    case 5: return policy_cache_aware();
    default: return policy_clawvm();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader r(data, size);
  const engine_policy policy = decode_policy(r);
  std::uint32_t budget = 0;
  switch (r.below(3)) {
    case 0: budget = r.u8(); break;
    case 1: budget = r.u16(); break;
    default: budget = 100U + 20U * r.below(25);
  }
  const bool check = props::promises_clawvm_invariants(policy);
  memory_store state;
  memory_trace_sink sink;
  const bool traced = r.flag();
  engine e({policy, budget, principal{true, r.flag()}}, state, traced ? &sink : nullptr);
  props::harness_view h;
  for (int step = 0; step < 256 && !r.empty(); ++step) {
    const engine_event ev = decode_event(r);
    const std::string violation = props::drive_event(e, ev, h, check);
    if (!violation.empty()) fuzz::fail("event " + std::to_string(step) + " (" + props::describe(ev) + "): " + violation);
  }
  // Differential against the model: the engine's decision trace must follow it step by
  // step (tla/ClawVM.tla through clawvm::trace_validator), under every policy.
  if (traced) {
    const auto verdict = validate_trace(sink.lines);
    if (!verdict.ok) {
      fuzz::fail("trace diverges from the model at line " + std::to_string(verdict.first_divergence.line) + " (" +
                 verdict.first_divergence.event + "): " + verdict.first_divergence.message);
    }
  }
  return 0;
}
