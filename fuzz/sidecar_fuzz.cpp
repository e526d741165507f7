// Fuzz target: the live sidecar's protocol reader (spec/sidecar.md SC-2..SC-6). The input
// is byte 0 (bit 0: strict mode; bits 1-2: policy) followed by request lines.
// Guarantees, checked after every line:
//   S1 the response is one JSON object with "v": 1 and a boolean "ok", and no newline;
//   S2 a bad request (ok false) names its 1-based line, has a message, and changes
//      nothing: turn, page count, fault counters and committed state are as before;
//   S3 a good event response names the event it applied;
//   S4 in strict mode the sidecar stops at the first bad request;
//   S5 deterministic: a second sidecar fed the same lines gives the same responses.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/durable_store.hpp"
#include "clawvm/sidecar.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace clawvm;

std::vector<std::string> run(const sidecar_options& o, const std::vector<std::string>& lines, bool check) {
  memory_store state;
  sidecar s(o, state);
  std::vector<std::string> responses;
  std::uint64_t line_number = 0;
  for (const auto& line : lines) {
    if (s.finished()) break;
    ++line_number;
    const std::uint64_t turn = s.current_engine().turn();
    const std::size_t pages = s.current_engine().pages().size();
    const fault_counters counters = s.current_engine().counters();
    const std::uint64_t last_seq = state.last_seq();
    std::string response = s.handle(line, line_number);
    if (check) {
      fuzz::require(response.find('\n') == std::string::npos, "S1 response contains a newline");
      const auto j = nlohmann::json::parse(response, nullptr, false);
      fuzz::require(j.is_object(), "S1 response is not a JSON object");
      fuzz::require(j.value("v", 0) == sidecar_protocol_version, "S1 response without v:1");
      fuzz::require(j.contains("ok") && j["ok"].is_boolean(), "S1 response without boolean ok");
      if (!j["ok"].get<bool>()) {
        const auto& e = j["error"];
        fuzz::require(e.is_object() && e.value("line", std::uint64_t{0}) == line_number, "S2 error without its line");
        fuzz::require(!e.value("message", std::string{}).empty(), "S2 error without a message");
        fuzz::require(s.current_engine().turn() == turn && s.current_engine().pages().size() == pages &&
                          s.current_engine().counters() == counters && state.last_seq() == last_seq,
                      "S2 a bad request changed the engine or the store");
        if (o.strict) fuzz::require(s.finished(), "S4 strict mode went on after a bad request");
      } else if (j.contains("event")) {
        fuzz::require(j["event"].is_string() && !j["event"].get<std::string>().empty(), "S3 event response without event");
      }
    }
    responses.push_back(std::move(response));
  }
  return responses;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  sidecar_options o;
  o.strict = (data[0] & 1U) != 0;
  const auto policies = all_policies();
  o.engine.policy = policies[static_cast<std::size_t>((data[0] >> 1U) & 3U) % policies.size()];
  o.engine.tokens_budget = 180;
  o.engine.writer = principal{true, true};
  std::vector<std::string> lines;
  std::string current;
  for (std::size_t i = 1; i < size; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '\n') {
      lines.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) lines.push_back(std::move(current));
  const auto first = run(o, lines, true);
  fuzz::require(run(o, lines, false) == first, "S5 the same requests gave different responses");
  return 0;
}
