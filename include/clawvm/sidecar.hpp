#pragma once
// The live sidecar (spec/sidecar.md SC-1..SC-10): a harness in any language drives one
// engine over a versioned JSON Lines protocol, one request per line in, one response
// per line out. Requests are the workload events (WL-5) plus an optional "id", and a few
// control operations ("op"). The durable tier is whatever durable_store the caller
// gives (an SQLite store in `clawvm serve --store`), so committed state survives a
// restart; the context (page table) is RAM and does not.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/engine.hpp"
#include "clawvm/workload.hpp"

namespace clawvm {

inline constexpr int sidecar_protocol_version = 1;
inline constexpr std::size_t sidecar_line_bytes_max = workload_line_bytes_max;

struct sidecar_options {
  engine_config engine{};
  bool strict = false;  // stop at the first bad request (SC-6); lenient: answer with an error, go on
};

class sidecar {
 public:
  // `state` must outlive the sidecar; `trace` may be null.
  sidecar(sidecar_options options, durable_store& state, trace_sink* trace = nullptr);

  // Handles one request line (without "\n") and returns the response line (without
  // "\n"). Never throws for bad input: the response says what is wrong (SC-6).
  std::string handle(std::string_view request_line, std::uint64_t line_number);
  // The response to a line that was too long to read (SC-6).
  std::string too_long(std::uint64_t line_number);

  // True after a "shutdown" request, or after a bad request in strict mode.
  bool finished() const noexcept { return finished_; }
  bool stopped_on_bad_input() const noexcept { return stopped_on_bad_input_; }
  std::uint64_t requests() const noexcept { return requests_; }
  std::uint64_t bad_requests() const noexcept { return bad_requests_; }
  const engine& current_engine() const noexcept { return engine_; }

  // The top-level fields of a response, each as JSON text; rendered with the keys in
  // byte order (the order of nlohmann::json's objects, which SC-10's vectors pin).
  class response_fields {
   public:
    void set(std::string_view key, std::string json_text);  // replaces an existing key
    void set_all(const nlohmann::json& object);
    std::string render() &&;

   private:
    std::vector<std::pair<std::string, std::string>> fields_;
  };

 private:
  std::string bad_request(const nlohmann::json& id, std::uint64_t line, std::string field, std::string message);
  response_fields apply(const workload_event& e);
  nlohmann::json control(const std::string& op, const nlohmann::json& request, std::uint64_t line, bool& ok,
                         std::string& field, std::string& message);
  static bool parse_turn_demands(const nlohmann::json& value, std::vector<workload_event>& out, std::string& field,
                                 std::string& message);
  std::string fault_delta(const fault_counters& before) const;
  nlohmann::json new_journal_outcomes();

  sidecar_options options_;
  durable_store* state_;
  engine engine_;
  std::uint64_t requests_ = 0;
  std::uint64_t bad_requests_ = 0;
  bool finished_ = false;
  bool stopped_on_bad_input_ = false;
};

}  // namespace clawvm
