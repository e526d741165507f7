#pragma once
// The one reader of typed fields in JSON objects, for every format clawvm reads: workload
// lines (spec/workload.md WL-4), sidecar control requests (spec/sidecar.md SC-6), the
// transcript importers (spec/import.md IM-5), decision-trace lines (spec/trace_validation)
// and the suite's own documents read back by the report (spec/report.md RPT-6).
//
// Two ways to read:
//   - lenient lookups (member, string_member, ...) give nullptr / nullopt when a key is
//     absent or of another type, for formats that phrase their own errors or skip what
//     they do not know (the importers, the trace validator);
//   - object_reader, for formats with a closed schema: every lookup names the field's
//     path, a missing or mistyped field throws field_error, and keys that nothing read
//     are refused (a string "comment" is allowed anywhere).
// Each format keeps the error wording its spec and conformance cases fix; what is shared
// is how a field is found, typed and named.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace clawvm::json_fields {

using json = nlohmann::json;

// "page.representations.full", "message.content[2]": the path of a field for messages.
std::string path(std::string_view parent, std::string_view key);
std::string path(std::string_view parent, std::size_t index);

// ---- Lenient lookups: nullptr / nullopt when absent, not an object, or of another type.

const json* member(const json& object, std::string_view key);
const std::string* string_member(const json& object, std::string_view key);
std::optional<std::uint64_t> unsigned_member(const json& object, std::string_view key);
std::optional<bool> boolean_member(const json& object, std::string_view key);
// True only for a boolean true: the importers' flags (isError, isMeta, ...).
bool is_true(const json& object, std::string_view key);

// ---- Closed schemas.

// A field that is missing, mistyped or unknown: `field` is its path ("" for the object
// itself when the path is empty), `message` says what is wrong ("is required",
// "must be a string, not number", "unknown field").
struct field_error : std::runtime_error {
  field_error(std::string field_path, std::string what_is_wrong);
  std::string field;
  std::string message;
};

class object_reader {
 public:
  // Throws field_error{path, "must be a JSON object"} when `object` is not one.
  object_reader(const json& object, std::string object_path);

  const std::string& path() const noexcept { return path_; }
  std::string at(std::string_view key) const { return json_fields::path(path_, key); }

  // Marks `key` as read; nullptr when absent.
  const json* find(std::string_view key);
  const json& require(std::string_view key);

  std::string string(std::string_view key);
  std::optional<std::string> optional_string(std::string_view key);
  bool boolean(std::string_view key);
  std::optional<bool> optional_boolean(std::string_view key);
  std::uint64_t unsigned_integer(std::string_view key, std::uint64_t max);
  // `value` is the field `key` (found by the caller).
  std::uint64_t unsigned_integer(const json& value, std::string_view key, std::uint64_t max) const;
  double number(std::string_view key);
  double number(std::string_view key, double fallback);
  const json& array(std::string_view key);
  const json& object(std::string_view key);

  // Every key must have been read; "comment" is allowed anywhere but must be a string.
  void reject_unknown_keys() const;

 private:
  const json& object_;
  std::string path_;
  std::set<std::string, std::less<>> used_;
};

}  // namespace clawvm::json_fields
