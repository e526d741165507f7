// Fuzz target: the importer's --mapping file (spec/import.md IM-14). The input is the
// file's bytes. Guarantees:
//   M1 no crash on any bytes (NUL bytes, deep nesting, 1e400, wrong types, huge numbers);
//   M2 a refusal names the file and says why;
//   M3 an accepted mapping holds only values inside their documented ranges: finite,
//      non-negative recompute costs, finite utilities, max_json_depth within 4..128,
//      max_line_bytes within 1 KiB..1 GiB;
//   M4 deterministic: parsing the same bytes twice gives the same verdict.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "clawvm/import/import.hpp"
#include "clawvm/json_text.hpp"
#include "fuzz_support.hpp"

using namespace clawvm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto first = import::parse_mapping(bytes, "fuzz.mapping.json");
  const auto second = import::parse_mapping(bytes, "fuzz.mapping.json");
  fuzz::require(first.index() == second.index(), "M4 verdict differs between two parses");
  if (const auto* error = std::get_if<std::string>(&first)) {
    fuzz::require(error->rfind("fuzz.mapping.json", 0) == 0, "M2 refusal does not name the file");
    fuzz::require(*error == std::get<std::string>(second), "M4 message differs between two parses");
    return 0;
  }
  const auto& o = std::get<import::import_options>(first);
  for (const double cost : o.recompute_cost_by_kind) {
    fuzz::require(std::isfinite(cost) && cost >= 0.0, "M3 a tool kind's recompute cost is negative or not finite");
  }
  for (const auto& d : o.pages) {
    fuzz::require(std::isfinite(d.recompute_cost) && d.recompute_cost >= 0.0, "M3 a page type's recompute cost is negative or not finite");
    fuzz::require(std::isfinite(d.base_utility), "M3 a page type's base utility is not finite");
  }
  fuzz::require(o.max_json_depth >= 4 && o.max_json_depth <= json_depth_max, "M3 max_json_depth out of range");
  fuzz::require(o.max_line_bytes >= 1024 && o.max_line_bytes <= (std::size_t{1} << 30U), "M3 max_line_bytes out of range");
  return 0;
}
