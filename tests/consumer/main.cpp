// A downstream program: links clawvm::clawvm from an installed package and runs a turn
// with a decision trace. The core's headers must not bring in a JSON library.
#include <clawvm/engine.hpp>
#include <cstdio>

#ifdef INCLUDE_NLOHMANN_JSON_FWD_HPP_
#error "the core's public headers include nlohmann/json"
#endif

int main() {
  clawvm::memory_store state;
  clawvm::memory_trace_sink trace;
  clawvm::engine e({clawvm::policy_clawvm(), 100, {}}, state, &trace);
  clawvm::page_spec s;
  s.id = "rules";
  s.type_name = "constraint";
  s.representations[clawvm::index_of(clawvm::level::structured)] = clawvm::representation{"no force push", 5};
  if (e.on_ingest(s) != clawvm::reason_code::ok) return 1;
  const auto& sel = e.on_assemble();
  std::printf("consumer: tokens_used=%u trace_lines=%zu\n", sel.tokens_used, trace.lines.size());
  return sel.tokens_used == 5 && trace.lines.size() == 4 ? 0 : 1;
}
