#pragma once
// The evaluation report (spec/report.md RPT-1..RPT-12): report.html (self-contained:
// inline CSS and SVG, no scripts, no URLs) and report.md (the same tables in GitHub
// markdown), rendered from the JSON documents that `clawvm suite` writes.
//
// Rendering is a pure function of the documents: the same inputs give the same bytes
// (no dates, no timings, fixed number formats), so the report can be hashed and diffed.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace clawvm::eval {

// File names in the suite output directory; also the names errors use for a document.
inline constexpr std::string_view tier1_document_name = "tier1.report.json";
inline constexpr std::string_view tier2_document_name = "tier2.summary.json";
// The same sweep with the artifact's multi-session budget scale (SW-17, SU-4).
inline constexpr std::string_view tier2_artifact_scale_document_name = "tier2-artifact-scale.summary.json";
inline constexpr std::string_view ablation_document_name = "ablation.json";
inline constexpr std::string_view weights_document_name = "weights.json";
inline constexpr std::string_view manifest_document_name = "suite.manifest.json";
inline constexpr std::string_view real_document_name = "real.summary.json";

inline constexpr std::string_view report_html_name = "report.html";
inline constexpr std::string_view report_markdown_name = "report.md";

// Every document is optional: a part of the suite that did not run leaves its section
// saying "not run" (RPT-5). A present document must have the expected "format" and
// "version" (RPT-6).
struct report_inputs {
  std::optional<nlohmann::json> tier1;     // "clawvm-tier1" v1
  std::optional<nlohmann::json> tier2;     // "clawvm-tier2" v1
  std::optional<nlohmann::json> tier2_artifact_scale;  // "clawvm-tier2" v1, budget_scale "artifact" (SW-17)
  std::optional<nlohmann::json> ablation;  // "clawvm-ablation" v1
  std::optional<nlohmann::json> weights;   // "clawvm-weights" v1
  // {"clawvm_version", "seed", "outputs": [{"file", "sha256"}]}; other keys (elapsed
  // times) are ignored so that they cannot make the report differ between runs.
  std::optional<nlohmann::json> manifest;
  std::optional<nlohmann::json> real;      // real sessions: any object with a "rows" array
};

// Checks "format"/"version" of every present document and the top-level keys the
// report needs; throws std::runtime_error whose message starts with the document name
// (e.g. "tier2.summary.json: expected format \"clawvm-tier2\" ...").
void validate_report_inputs(const report_inputs& inputs);

// Both validate first; a malformed document (a missing key, a wrong type deeper down)
// is also reported as std::runtime_error naming the document.
std::string render_report_html(const report_inputs& inputs);
std::string render_report_markdown(const report_inputs& inputs);

// The deterministic subset of a suite manifest: clawvm_version, seed, outputs (each
// reduced to file and sha256). Missing keys are left out.
nlohmann::json manifest_summary(const nlohmann::json& manifest);

// Reads the documents present in `suite_dir` (by the names above; a missing file is
// std::nullopt, the manifest is reduced with manifest_summary). A file that exists but
// does not parse throws std::runtime_error naming it.
report_inputs read_report_inputs(const std::filesystem::path& suite_dir);

// Renders both files and writes them to `out_dir` as report.html and report.md.
void write_report_files(const std::filesystem::path& out_dir, const report_inputs& inputs);

}  // namespace clawvm::eval
