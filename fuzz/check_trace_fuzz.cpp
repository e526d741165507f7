// Fuzz target: decision-trace validation as `clawvm check-trace` runs it (spec/cli.md
// CLI-2, spec/decision_trace.md DT-6). The input is a trace file: any bytes, split into
// lines, each fed to trace_validator::step until the first divergence. Guarantees:
//   C1 no crash on any bytes (wrong-typed fields, NUL bytes, deep nesting, 1e400, huge
//      lines), no exception escapes step();
//   C2 a divergence names a line of the input (1-based) and says why; a trace that ends
//      too early (inside an assembly or a boundary, a staged entry unresolved) names the
//      line after the last, N + 1, as TLC's trace validation does (DT-6), and only after
//      every line was accepted; the steps counted never exceed the lines read;
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

struct validation {
  trace_validation_result result;
  std::size_t accepted = 0;  // lines step() accepted before the first divergence
};

validation validate(const std::vector<std::string_view>& lines) {
  trace_validator v;
  std::size_t accepted = 0;
  for (const auto line : lines) {
    if (!v.step(line)) break;
    ++accepted;
  }
  return {v.finish(), accepted};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto lines = lines_of(bytes);
  const auto run = validate(lines);
  const auto& first = run.result;
  fuzz::require(first.steps <= lines.size(), "C2 more steps than lines");
  if (!first.ok) {
    const auto line = first.first_divergence.line;
    const bool at_end = line == lines.size() + 1 && run.accepted == lines.size();
    fuzz::require(line >= 1 && (line <= lines.size() || at_end), "C2 divergence names no line of the input");
    fuzz::require(!first.first_divergence.message.empty(), "C2 divergence without a message");
  }
  const auto second = validate(lines).result;
  fuzz::require(first.ok == second.ok && first.steps == second.steps &&
                    first.first_divergence.line == second.first_divergence.line &&
                    first.first_divergence.message == second.first_divergence.message,
                "C3 validation is not deterministic");
  return 0;
}
