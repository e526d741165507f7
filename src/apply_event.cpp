// The one event dispatch: include/clawvm/apply_event.hpp.
#include "clawvm/apply_event.hpp"

namespace clawvm {

namespace {

struct applier {
  engine& e;
  event_outcome operator()(const workload_events::session_start& ev) const {
    e.on_session_start(ev.session);
    return std::monostate{};
  }
  event_outcome operator()(const workload_events::ingest& ev) const { return e.on_ingest(ev.page); }
  event_outcome operator()(const workload_events::update& ev) const { return e.on_update(ev.page, ev.change); }
  event_outcome operator()(const workload_events::demand& ev) const { return e.on_demand(ev.page, ev.wanted); }
  event_outcome operator()(const workload_events::tool_call& ev) const {
    return e.on_tool_call(ev.tool, ev.arguments_json, ev.result);
  }
  event_outcome operator()(const workload_events::recall& ev) const { return e.on_recall(ev.scope, ev.field, ev.backend); }
  event_outcome operator()(const workload_events::turn_end&) const {
    const std::uint64_t turn = e.turn();
    const selection& assembled = e.on_assemble();
    e.on_post_model();
    return turn_outcome{turn, &assembled};
  }
  event_outcome operator()(const workload_events::lifecycle& ev) const { return e.on_boundary(ev.kind); }
};

}  // namespace

event_outcome apply_event(engine& e, const workload_event& event) { return std::visit(applier{e}, event); }

}  // namespace clawvm
