// Fuzz target: decision-trace validation as `clawvm check-trace` runs it (spec/cli.md
// CLI-2, spec/decision_trace.md DT-6). The input is a trace file: any bytes, split into
// lines, each fed to trace_validator::step until the first divergence. Guarantees:
//   C1 no crash on any bytes (wrong-typed fields, NUL bytes, deep nesting, 1e400, huge
//      lines), no exception escapes step();
//   C2 a divergence names a line of the input (1-based, at most the number of lines) and
//      says why; the steps counted never exceed the lines read;
//   C3 deterministic: a second validator over the same lines gives the same verdict.
// Seeds: the demo's traces (valid), truncated and corrupted variants, and the inputs
// that once escaped as raw exceptions (regress-*).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clawvm/trace_validation.hpp"
#include "fuzz_support.hpp"

using namespace clawvm;

namespace {

std::vector<std::string_view> lines_of(std::string_view bytes) {
  std::vector<std::string_view> out;
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    out.push_back(bytes.substr(0, nl));
    if (nl == std::string_view::npos) break;
    bytes.remove_prefix(nl + 1);
  }
  return out;
}

trace_validation_result validate(const std::vector<std::string_view>& lines) {
  trace_validator v;
  for (const auto line : lines) {
    if (!v.step(line)) break;
  }
  return v.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto lines = lines_of(bytes);
  const auto first = validate(lines);
  fuzz::require(first.steps <= lines.size(), "C2 more steps than lines");
  if (!first.ok) {
    fuzz::require(first.first_divergence.line >= 1 && first.first_divergence.line <= lines.size(),
                  "C2 divergence names no line of the input");
    fuzz::require(!first.first_divergence.message.empty(), "C2 divergence without a message");
  }
  const auto second = validate(lines);
  fuzz::require(first.ok == second.ok && first.steps == second.steps &&
                    first.first_divergence.line == second.first_divergence.line &&
                    first.first_divergence.message == second.first_divergence.message,
                "C3 validation is not deterministic");
  return 0;
}
