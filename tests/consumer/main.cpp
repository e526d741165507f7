// A downstream program: links clawvm::clawvm from an installed package and runs a turn.
#include <clawvm/engine.hpp>
#include <cstdio>

int main() {
  clawvm::memory_committed_state state;
  clawvm::engine e({clawvm::policy_clawvm(), 100, {}}, state);
  clawvm::page_spec s;
  s.id = "rules";
  s.type_name = "constraint";
  s.representations[clawvm::index_of(clawvm::level::structured)] = clawvm::representation{"no force push", 5};
  if (e.on_ingest(s) != clawvm::reason_code::ok) return 1;
  const auto& sel = e.on_assemble();
  std::printf("consumer: tokens_used=%u\n", sel.tokens_used);
  return sel.tokens_used == 5 ? 0 : 1;
}
