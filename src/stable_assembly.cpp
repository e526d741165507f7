// Stable assembly order: spec/replay.md RP-11.
#include "clawvm/stable_assembly.hpp"

#include <string_view>
#include <unordered_map>

#include "clawvm/fnv1a.hpp"

namespace clawvm {

prompt table_order_prompt(gsl::span<const page> pages, const std::vector<level>& levels) {
  prompt out;
  for (std::size_t i = 0; i < pages.size() && i < levels.size(); ++i) {
    const level l = levels[i];
    if (l == level::none) continue;
    const representation_set::view rep = pages[i].representations.at(l);
    out.push_back({pages[i].id, l, fnv1a64(rep.content), rep.tokens});
  }
  return out;
}

const prompt& stable_assembly::assemble(const prompt& table_order) {
  // Lookups only: the map's iteration order never reaches the output.
  std::unordered_map<std::string_view, std::size_t> position;
  position.reserve(table_order.size());
  for (std::size_t k = 0; k < table_order.size(); ++k) position.emplace(table_order[k].page_id, k);
  std::vector<bool> placed(table_order.size(), false);
  prompt next;
  next.reserve(table_order.size());
  for (const prompt_piece& piece : last_) {
    const auto it = position.find(piece.page_id);
    if (it == position.end() || !(table_order[it->second] == piece)) continue;
    placed[it->second] = true;
    next.push_back(piece);
  }
  for (std::size_t k = 0; k < table_order.size(); ++k) {
    if (!placed[k]) next.push_back(table_order[k]);
  }
  last_ = std::move(next);
  return last_;
}

}  // namespace clawvm
