#include "clawvm/decision_trace.hpp"

#include <fmt/format.h>

namespace clawvm {

std::string residency_digest::hex() const { return fmt::format("{:016x}", hash_); }

void decision_trace::emit(std::string_view event, std::uint64_t turn, nlohmann::json fields) {
  if (sink_ == nullptr) return;
  if (!fields.is_object()) fields = nlohmann::json::object();
  fields["v"] = decision_trace_version;
  fields["seq"] = seq_++;
  fields["turn"] = turn;
  fields["event"] = event;
  // error_handler replace: a page id or field with invalid UTF-8 cannot break the trace.
  sink_->write_line(fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace clawvm
