#pragma once
// The phases of a journal entry (spec/journal.md, tla/Journal.tla Phases): staged,
// validated, then committed or rejected. A header of its own so that the model
// (clawvm/model/journal.hpp) and the explorer can name phases without the store.

#include <cstdint>
#include <string_view>

namespace clawvm {

enum class journal_phase : std::uint8_t { staged = 0, validated = 1, committed = 2, rejected = 3 };

constexpr std::string_view to_string(journal_phase p) noexcept {
  switch (p) {
    case journal_phase::staged: return "staged";
    case journal_phase::validated: return "validated";
    case journal_phase::committed: return "committed";
    case journal_phase::rejected: return "rejected";
  }
  return "?";
}

}  // namespace clawvm
