#include "clawvm/durable_store.hpp"

namespace clawvm {

std::optional<committed_value> memory_store::find(clawvm::scope s,
                                                            std::string_view field) const {
  auto it = values_.find({s, std::string(field)});
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

reason_code memory_store::append(const journal_record& rec) {
  if (!log_.empty() && rec.seq <= log_.back().seq) return reason_code::store_io_error;
  log_.push_back(rec);
  if (rec.phase == journal_phase::committed) {
    values_[{rec.staged.scope, rec.staged.field}] = rec.result;
  }
  return reason_code::ok;
}

std::uint64_t memory_store::last_seq() const {
  return log_.empty() ? 0 : log_.back().seq;
}

}  // namespace clawvm
