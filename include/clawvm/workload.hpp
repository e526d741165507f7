#pragma once
// Workload traces (spec/workload.md WL-1..WL-10, schema spec/workload.schema.json): the
// input of replay. A workload is JSON Lines: one header line, then one event per line, in
// the order a harness would call the engine's hooks. Generators, Tier-1 gate scenarios and
// the transcript importers all emit this format, so users can save, edit and replay it.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clawvm/event.hpp"
#include "clawvm/line_reader.hpp"
#include "clawvm/page.hpp"
#include "clawvm/policy.hpp"
#include "clawvm/reason_code.hpp"
#include "clawvm/update.hpp"

namespace clawvm {

inline constexpr int workload_format_version = 1;
// WL-3: a longer line is bad input (not a crash, not an allocation of its size).
inline constexpr std::size_t workload_line_bytes_max = 16U * 1024U * 1024U;

struct workload_header {
  int version = workload_format_version;
  std::string name;         // what the workload is ("evidence_churn-s42", "gate.reset_flush")
  std::string family;       // generator family, "gate", "imported" or "custom"
  std::uint64_t seed = 0;   // generator seed (0 when not generated)
  std::string generator;    // who wrote it ("clawvm generate 0.1.0", "clawvm import openclaw")
  std::string description;  // free text

  friend bool operator==(const workload_header&, const workload_header&) = default;
};

struct workload {
  workload_header header;
  std::vector<workload_event> events;
};

// Bad input (WL-3): where, which field, what. Rendered "file:line: field 'f': message".
struct workload_error {
  std::string file;
  std::uint64_t line = 0;  // 1-based; 0 when the file could not be opened
  std::string field;       // JSON path of the offending field ("result.representations.full.tokens"), or ""
  std::string message;
  std::string to_string() const;
};

// ---- writing (WL-2: sorted keys, one line per event, '\n' terminated) ----
std::string to_json_line(const workload_header& h);
std::string to_json_line(const workload_event& e);
void write_workload(std::ostream& out, const workload& w);

// ---- reading ----
// Streaming reader: one line in memory at a time (plus what the caller keeps).
class workload_reader {
 public:
  enum class status : std::uint8_t { event = 0, end = 1, error = 2 };

  // `source_name` is the file name used in diagnostics. The header is read by the first
  // call of header() or next(), whichever comes first.
  workload_reader(std::istream& in, std::string source_name);

  // The header, or nullopt after an error (see error()).
  const std::optional<workload_header>& header();
  // The next event into `out`; end at a clean end of input; error otherwise (error() says
  // why; the reader then stays in error).
  status next(workload_event& out);
  const workload_error& error() const noexcept { return error_; }
  std::uint64_t line() const noexcept { return line_; }

 private:
  bool read_line(std::string& line);  // false at end of input or on error
  status fail(std::string field, std::string message);

  line_reader lines_;
  std::string source_;
  std::optional<workload_header> header_;
  bool header_read_ = false;
  bool failed_ = false;
  bool unterminated_ = false;  // the last line read had no '\n'
  std::uint64_t line_ = 0;
  workload_error error_;
};

// Parses one event line (no header); `line_number` and `source` only label errors.
std::variant<workload_event, workload_error> parse_workload_event(std::string_view json_line,
                                                                  std::string_view source = "<string>",
                                                                  std::uint64_t line_number = 1);
// Parses one event given as a JSON object (the sidecar's requests, SC-2).
std::variant<workload_event, workload_error> parse_workload_event_object(const nlohmann::json& object,
                                                                         std::string_view source,
                                                                         std::uint64_t line_number);
// Reads a whole workload (generators, gates, tests: small inputs).
std::variant<workload, workload_error> read_workload(std::istream& in, std::string source_name);
std::variant<workload, workload_error> load_workload(const std::string& path);

}  // namespace clawvm
