// The evaluation report (spec/report.md RPT-1..RPT-11), from the sample documents in
// tests/fixtures/report. The render in a real browser is report.render_chromium (RPT-12).
#include <catch2/catch.hpp>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "clawvm/eval/report.hpp"
#include "clawvm/eval/svg.hpp"

namespace {

using json = nlohmann::json;
namespace eval = clawvm::eval;
namespace fs = std::filesystem;

const fs::path fixtures_dir = CLAWVM_REPORT_FIXTURES;

const std::vector<std::string> policies{"retrieval", "retrieval_cache", "compaction_hybrid", "lru", "clawvm", "oracle"};
const std::vector<std::string> section_ids{"summary", "faults-vs-budget", "policies", "ablation", "tier1",
                                           "shape",   "weights",          "tier2",    "real",     "manifest"};

json read_fixture(const std::string& name) {
  std::ifstream in(fixtures_dir / name);
  REQUIRE(in);
  return json::parse(in);
}

eval::report_inputs fixture_inputs() {
  eval::report_inputs in;
  in.tier1 = read_fixture("tier1.report.json");
  in.tier2 = read_fixture("tier2.summary.json");
  in.ablation = read_fixture("ablation.json");
  in.weights = read_fixture("weights.json");
  in.manifest = eval::manifest_summary(read_fixture("suite.manifest.json"));
  in.real = read_fixture("real.summary.json");
  return in;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

// The HTML of one <section id="...">, up to its closing tag, without the <wbr> line-break
// hints the report puts after underscores (so that names can be searched for).
std::string section_html(const std::string& html, const std::string& id) {
  const auto begin = html.find("<section id=\"" + id + "\">");
  REQUIRE(begin != std::string::npos);
  const auto end = html.find("</section>", begin);
  REQUIRE(end != std::string::npos);
  std::string out = html.substr(begin, end - begin);
  for (auto at = out.find("<wbr>"); at != std::string::npos; at = out.find("<wbr>", at)) out.erase(at, 5);
  return out;
}

fs::path fresh_temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("clawvm_report_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("the same documents render to the same bytes", "[report][RPT-2]") {
  const auto html = eval::render_report_html(fixture_inputs());
  const auto markdown = eval::render_report_markdown(fixture_inputs());
  CHECK(eval::render_report_html(fixture_inputs()) == html);
  CHECK(eval::render_report_markdown(fixture_inputs()) == markdown);
  CHECK(eval::render_report_html(eval::read_report_inputs(fixtures_dir)) == html);
}

TEST_CASE("manifest keys other than version, seed and output hashes do not reach the report", "[report][RPT-2]") {
  auto in = fixture_inputs();
  json manifest = read_fixture("suite.manifest.json");
  in.manifest = manifest;  // unreduced: the renderer must ignore elapsed_seconds itself
  const auto html = eval::render_report_html(in);
  manifest["elapsed_seconds"] = 99.5;
  manifest["jobs"] = 1;
  in.manifest = manifest;
  CHECK(eval::render_report_html(in) == html);
  CHECK(html == eval::render_report_html(fixture_inputs()));

  const json summary = eval::manifest_summary(manifest);
  CHECK_FALSE(summary.contains("elapsed_seconds"));
  CHECK_FALSE(summary.at("outputs").at(0).contains("bytes"));
  CHECK(summary.at("clawvm_version") == "0.1.0");
  CHECK(summary.at("seed") == 42);
}

TEST_CASE("the HTML is self-contained: no scripts, no URLs, no external resources", "[report][RPT-1]") {
  const auto html = eval::render_report_html(fixture_inputs());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<style>") != std::string::npos);
}

TEST_CASE("every section is there, in order, with a chart where one is promised", "[report][RPT-4][RPT-7]") {
  const auto html = eval::render_report_html(fixture_inputs());
  std::size_t previous = 0;
  for (const auto& id : section_ids) {
    INFO(id);
    const auto at = html.find("<section id=\"" + id + "\">");
    REQUIRE(at != std::string::npos);
    CHECK(at > previous);
    previous = at;
    CHECK(section_html(html, id).find("not run") == std::string::npos);
  }
  // One overall chart plus one per family; mean faults, mean thrash, faults by kind; ablation.
  CHECK(count_of(section_html(html, "faults-vs-budget"), "<svg") == 5);
  CHECK(count_of(section_html(html, "policies"), "<svg") == 3);
  CHECK(count_of(section_html(html, "ablation"), "<svg") == 1);
  CHECK(count_of(html, "<svg") == count_of(html, "</svg>"));
  for (const auto& family : {"long_plan", "evidence_churn", "preference_drift", "project_memory"})
    CHECK(section_html(html, "faults-vs-budget").find(std::string("Faults vs budget: ") + family) != std::string::npos);
}

TEST_CASE("each policy is in the legend of every faults-vs-budget chart", "[report][RPT-4]") {
  const auto charts = section_html(eval::render_report_html(fixture_inputs()), "faults-vs-budget");
  for (const auto& policy : policies) {
    INFO(policy);
    // A legend entry is the name as a whole <text> element.
    CHECK(count_of(charts, ">" + policy + "</text>") == 5);
  }
  CHECK(charts.find("(log scale)") != std::string::npos);
}

TEST_CASE("the optimum is drawn beside the policies when the rows carry it", "[report][RPT-4][SW-15]") {
  // Without optimum fields (an older document) there is no optimum line.
  const auto without = section_html(eval::render_report_html(fixture_inputs()), "faults-vs-budget");
  CHECK(count_of(without, ">optimum</text>") == 0);
  auto in = fixture_inputs();
  for (auto& row : (*in.tier2)["rows"]) {
    row["optimum_faults"] = 1;
    row["optimum_gap"] = row["faults_total"].get<std::int64_t>() - 1;
  }
  (*in.tier2)["by_policy"][0]["mean_optimum_gap"] = 12.5;
  const auto html = eval::render_report_html(in);
  // One legend entry per chart (the overall chart and one per family), and a table column.
  CHECK(count_of(section_html(html, "faults-vs-budget"), ">optimum</text>") == 5);
  CHECK(section_html(html, "policies").find("<th>mean optimum gap</th>") != std::string::npos);
  CHECK(section_html(html, "policies").find("12.50") != std::string::npos);
  CHECK(section_html(html, "tier2").find("<th>optimum gap</th>") != std::string::npos);
}

TEST_CASE("the tables carry the documents' numbers", "[report][RPT-8][RPT-10]") {
  const auto html = eval::render_report_html(fixture_inputs());
  const auto tier1 = section_html(html, "tier1");
  CHECK(count_of(tier1, "<tr>") == 2 * (1 + 6));  // verdicts and details: header and six gates each
  CHECK(tier1.find("unsafe_persistence_rejection") != std::string::npos);
  CHECK(tier1.find("reason DESTRUCTIVE_OP") != std::string::npos);
  CHECK(tier1.find("fault flush_miss") != std::string::npos);
  CHECK(tier1.find("4 (refetch=1, duplicate_tool=3)") != std::string::npos);
  CHECK(tier1.find("(6 of 6 gates pass)") != std::string::npos);

  const auto policies_html = section_html(html, "policies");
  CHECK(policies_html.find("<td class=\"num\">69.92</td>") != std::string::npos);  // mean faults, 2 decimals
  CHECK(policies_html.find("<td class=\"num\">67.8</td>") != std::string::npos);   // paper
  CHECK(policies_html.find("<td class=\"num\">2.779</td>") != std::string::npos);  // thrash, 3 decimals

  const auto ablation = section_html(html, "ablation");
  CHECK(ablation.find("no_pointer_resolution") != std::string::npos);
  CHECK(ablation.find("<td class=\"num\">126</td>") != std::string::npos);

  CHECK(count_of(section_html(html, "shape"), "class=\"pass\"") == 6 + 1);  // six checks and the verdict
  CHECK(count_of(section_html(html, "tier2"), "<tr>") == 1 + 144);
  CHECK(section_html(html, "weights").find("4 of them change") != std::string::npos);
  CHECK(section_html(html, "real").find("openclaw-001") != std::string::npos);
  const auto manifest = section_html(html, "manifest");
  CHECK(manifest.find("clawvm 0.1.0, seed 42") != std::string::npos);
  CHECK(manifest.find(read_fixture("suite.manifest.json").at("outputs").at(1).at("sha256").get<std::string>()) !=
        std::string::npos);
}

TEST_CASE("a failing gate or shape check shows FAIL", "[report][RPT-8]") {
  auto in = fixture_inputs();
  (*in.tier1)["pass"] = false;
  (*in.tier1)["gates"][2]["pass"] = false;
  (*in.tier1)["gates"][2]["clawvm"]["pass"] = false;
  (*in.tier2)["shape"][0]["pass"] = false;
  (*in.tier2)["shape_pass"] = false;
  const auto html = eval::render_report_html(in);
  CHECK(section_html(html, "tier1").find("(5 of 6 gates pass)") != std::string::npos);
  CHECK(count_of(section_html(html, "tier1"), "class=\"fail\">FAIL<") == 3);
  CHECK(count_of(section_html(html, "shape"), "class=\"fail\">FAIL<") == 2);
  CHECK(count_of(section_html(html, "summary"), "class=\"fail\">FAIL<") == 2);
  CHECK(section_html(html, "tier1").find("error: ") == std::string::npos);
  (*in.tier1)["gates"][2]["error"] = "gate/threshold_jump_race.json: line 3: unknown event \"jump\"";
  CHECK(section_html(eval::render_report_html(in), "tier1")
            .find("error: gate/threshold_jump_race.json: line 3: unknown event &quot;jump&quot;; one turn") !=
        std::string::npos);
  const auto markdown = eval::render_report_markdown(in);
  CHECK(markdown.find("**FAIL**") != std::string::npos);
}

TEST_CASE("text from the documents is escaped", "[report][RPT-3]") {
  auto in = fixture_inputs();
  const std::string hostile = "<script>alert(\"x\")</script> & 'q' | `c` *e*";
  (*in.tier2)["rows"][0]["workload"] = hostile;
  (*in.tier2)["families"][0] = hostile;
  for (auto& row : (*in.tier2)["rows"])
    if (row["family"] == "long_plan") row["family"] = hostile;
  (*in.tier1)["gates"][0]["detail"] = hostile;
  (*in.ablation)["rows"][1]["ablation"] = hostile;
  (*in.real)["rows"][0]["session"] = hostile;
  const auto html = eval::render_report_html(in);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<wbr>&lt;script") == std::string::npos);  // hints only after underscores
  CHECK(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;") != std::string::npos);
  // in a chart title and legend-free SVG text as well as in the tables
  CHECK(section_html(html, "faults-vs-budget").find("Faults vs budget: &lt;script&gt;") != std::string::npos);
  CHECK(section_html(html, "ablation").find(">&lt;script&gt;") != std::string::npos);

  const auto markdown = eval::render_report_markdown(in);
  CHECK(markdown.find("<script") == std::string::npos);
  CHECK(markdown.find("&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'q' \\| \\`c\\` \\*e\\*") != std::string::npos);
}

TEST_CASE("control characters do not reach the HTML", "[report][RPT-3]") {
  auto in = fixture_inputs();
  (*in.tier1)["gates"][0]["detail"] = std::string("a\x01") + "b";
  const auto html = eval::render_report_html(in);
  CHECK(html.find('\x01') == std::string::npos);
  CHECK(html.find("a\xEF\xBF\xBD" "b") != std::string::npos);
}

TEST_CASE("a missing document leaves its sections saying not run", "[report][RPT-5]") {
  SECTION("nothing at all") {
    const auto html = eval::render_report_html(eval::report_inputs{});
    for (const auto& id : section_ids) {
      if (id == "summary") continue;
      INFO(id);
      CHECK(section_html(html, id).find("not run") != std::string::npos);
      CHECK(section_html(html, id).find("<svg") == std::string::npos);
    }
    CHECK(count_of(section_html(html, "summary"), "not run") == 5);
    CHECK(eval::render_report_markdown(eval::report_inputs{}).find("*not run*") != std::string::npos);
  }
  SECTION("only the optional real sessions are missing") {
    auto in = fixture_inputs();
    in.real.reset();
    const auto html = eval::render_report_html(in);
    CHECK(section_html(html, "real").find("not run") != std::string::npos);
    CHECK(section_html(html, "tier1").find("not run") == std::string::npos);
  }
  SECTION("only Tier 1 ran") {
    eval::report_inputs in;
    in.tier1 = read_fixture("tier1.report.json");
    const auto html = eval::render_report_html(in);
    CHECK(section_html(html, "tier1").find("not run") == std::string::npos);
    for (const auto& id : {"faults-vs-budget", "policies", "shape", "tier2", "ablation", "weights", "manifest"})
      CHECK(section_html(html, id).find("not run") != std::string::npos);
  }
}

TEST_CASE("a document with the wrong format or version is refused, naming it", "[report][RPT-6]") {
  struct target {
    std::optional<json> eval::report_inputs::*member;
    const char* name;
  };
  for (const auto& [member, name] : {target{&eval::report_inputs::tier1, "tier1.report.json"},
                                     target{&eval::report_inputs::tier2, "tier2.summary.json"},
                                     target{&eval::report_inputs::ablation, "ablation.json"},
                                     target{&eval::report_inputs::weights, "weights.json"}}) {
    INFO(name);
    auto wrong_format = fixture_inputs();
    (*(wrong_format.*member))["format"] = "clawvm-something-else";
    CHECK_THROWS_AS(eval::render_report_html(wrong_format), std::runtime_error);
    CHECK_THROWS_WITH(eval::render_report_html(wrong_format), Catch::StartsWith(name) && Catch::Contains("format"));
    CHECK_THROWS_WITH(eval::render_report_markdown(wrong_format), Catch::StartsWith(name));

    auto wrong_version = fixture_inputs();
    (*(wrong_version.*member))["version"] = 2;
    CHECK_THROWS_WITH(eval::render_report_html(wrong_version), Catch::StartsWith(name) && Catch::Contains("version 2"));

    auto no_format = fixture_inputs();
    (no_format.*member)->erase("format");
    CHECK_THROWS_WITH(eval::validate_report_inputs(no_format), Catch::StartsWith(name));

    auto not_an_object = fixture_inputs();
    (not_an_object.*member) = json::array();
    CHECK_THROWS_WITH(eval::render_report_html(not_an_object), Catch::StartsWith(name));
  }
  SECTION("manifest and real sessions have no fixed format yet, but need their arrays") {
    auto in = fixture_inputs();
    in.manifest = json{{"clawvm_version", "0.1.0"}};
    CHECK_THROWS_WITH(eval::render_report_html(in), Catch::StartsWith("suite.manifest.json"));
    in = fixture_inputs();
    in.real = json{{"rows", 3}};
    CHECK_THROWS_WITH(eval::render_report_html(in), Catch::StartsWith("real.summary.json"));
  }
}

TEST_CASE("a malformed document is a runtime_error naming it, not a json exception", "[report][RPT-6]") {
  auto missing_key = fixture_inputs();
  (*missing_key.tier2)["rows"][3].erase("policy");
  CHECK_THROWS_AS(eval::render_report_html(missing_key), std::runtime_error);
  CHECK_THROWS_WITH(eval::render_report_html(missing_key),
                    Catch::Equals("tier2.summary.json: malformed document: field 'rows[3].policy': is required"));

  auto wrong_type = fixture_inputs();
  (*wrong_type.tier1)["gates"][0]["pass"] = "yes";
  CHECK_THROWS_WITH(eval::render_report_html(wrong_type),
                    Catch::Equals("tier1.report.json: malformed document: field 'gates[0].pass': must be a boolean, not string"));

  auto not_an_array = fixture_inputs();
  (*not_an_array.ablation)["rows"] = json::object();
  CHECK_THROWS_WITH(eval::render_report_markdown(not_an_array), Catch::Equals("ablation.json: field 'rows': must be an array, not object"));
}

TEST_CASE("null metrics print as a dash and leave gaps, not zeros", "[report][RPT-10]") {
  auto in = fixture_inputs();
  for (auto& row : (*in.tier2)["rows"])
    if (row["policy"] == "oracle") row["faults_total"] = nullptr;
  (*in.tier2)["by_policy"][5]["mean_thrash"] = nullptr;
  const auto html = eval::render_report_html(in);
  CHECK(section_html(html, "policies").find("n/a") != std::string::npos);
  CHECK(section_html(html, "tier2").find("<span class=\"muted\">\xE2\x80\x94</span>") != std::string::npos);
}

TEST_CASE("report.md has the same tables in GitHub markdown", "[report][RPT-9]") {
  const auto markdown = eval::render_report_markdown(fixture_inputs());
  CHECK(markdown.rfind("# ClawVM evaluation report\n", 0) == 0);
  for (const auto& heading : {"## Summary", "## Tier 2: faults vs budget", "## Tier 2: faults and thrash per policy",
                              "## Ablation", "## Tier 1: lifecycle gates", "## Tier 2: shape checks",
                              "## Weight sensitivity", "## Tier 2: all configurations", "## Real sessions",
                              "## Manifest"})
    CHECK(markdown.find(std::string("\n") + heading + "\n") != std::string::npos);
  CHECK(markdown.find("| gate | ClawVM faults | ClawVM reasons | baseline |") != std::string::npos);
  CHECK(markdown.find("| budget | retrieval | retrieval_cache | compaction_hybrid | lru | clawvm | oracle |") !=
        std::string::npos);
  CHECK(markdown.find("| unsafe_persistence_rejection |") != std::string::npos);
  CHECK(markdown.find("**PASS**") != std::string::npos);
  CHECK(markdown.find("<svg") == std::string::npos);
  // the Tier-2 table: a header, a delimiter and 144 rows
  const auto at = markdown.find("**144 configurations**");
  REQUIRE(at != std::string::npos);
  const auto table_end = markdown.find("\n\n", markdown.find("\n\n", at) + 2);
  CHECK(count_of(markdown.substr(at, table_end - at), "\n|") == 2 + 144);
}

TEST_CASE("documents are read from a suite directory by name", "[report][RPT-11]") {
  const auto in = eval::read_report_inputs(fixtures_dir);
  CHECK(in.tier1.has_value());
  CHECK(in.real.has_value());
  REQUIRE(in.manifest.has_value());
  CHECK_FALSE(in.manifest->contains("elapsed_seconds"));

  const auto dir = fresh_temp_dir("read");
  const auto empty = eval::read_report_inputs(dir);
  CHECK_FALSE(empty.tier1.has_value());
  CHECK_FALSE(empty.manifest.has_value());

  std::ofstream(dir / "weights.json") << "{ not json";
  CHECK_THROWS_WITH(eval::read_report_inputs(dir), Catch::StartsWith("weights.json: not valid JSON"));
  fs::remove_all(dir);
}

TEST_CASE("write_report_files writes report.html and report.md", "[report][RPT-11]") {
  const auto dir = fresh_temp_dir("write");
  eval::write_report_files(dir, fixture_inputs());
  std::stringstream html;
  html << std::ifstream(dir / "report.html").rdbuf();
  CHECK(html.str() == eval::render_report_html(fixture_inputs()));
  CHECK(fs::file_size(dir / "report.md") == eval::render_report_markdown(fixture_inputs()).size());

  auto bad = fixture_inputs();
  (*bad.tier2)["version"] = 7;
  const auto bad_dir = fresh_temp_dir("write_bad");
  CHECK_THROWS_WITH(eval::write_report_files(bad_dir, bad), Catch::StartsWith("tier2.summary.json"));
  CHECK_FALSE(fs::exists(bad_dir / "report.html"));  // nothing half-written
  fs::remove_all(dir);
  fs::remove_all(bad_dir);
}

TEST_CASE("svg helpers: ticks, fixed precision, escaping", "[report][svg][RPT-4][RPT-10]") {
  CHECK(eval::svg::linear_ticks(67.8) == std::vector<double>{0, 20, 40, 60, 80});
  CHECK(eval::svg::linear_ticks(0.0).front() == 0.0);
  CHECK(eval::svg::linear_ticks(0.0).back() == Approx(1.0));
  CHECK(eval::svg::linear_ticks(3.0) == std::vector<double>{0, 1, 2, 3});
  CHECK(eval::svg::log1p_ticks(70) == std::vector<double>{0, 1, 3, 10, 30, 100});
  CHECK(eval::svg::log1p_ticks(0) == std::vector<double>{0, 1});
  CHECK(eval::svg::fixed(-0.0, 1) == "0.0");
  CHECK(eval::svg::fixed(-0.04, 1) == "0.0");
  CHECK(eval::svg::fixed(-0.05001, 1) == "-0.1");
  CHECK(eval::svg::fixed(2.0 / 3.0, 3) == "0.667");
  CHECK(eval::svg::escape_text("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");

  eval::svg::line_chart chart;
  chart.x = {1, 2, 3};
  chart.lines = {{"a", "#000000", {1, eval::svg::missing_value, 3}}};
  const auto svg = eval::svg::render(chart);
  CHECK(count_of(svg, "<polyline") == 0);  // the gap splits the line into two single points
  CHECK(count_of(svg, "<circle") == 2 + 1);  // two markers and the legend's
  chart.lines[0].values = {1, 2, 3};
  CHECK(count_of(eval::svg::render(chart), "<polyline") == 1);
}

TEST_CASE("the artifact's budget scale is shown beside the plain sweep when its document is there",
          "[report][SW-17]") {
  auto in = fixture_inputs();
  const auto plain = section_html(eval::render_report_html(in), "policies");
  CHECK(plain.find("with the artifact&#39;s budget scale") == std::string::npos);
  CHECK(plain.find("with the artifact's budget scale") == std::string::npos);
  // The scaled sweep: the fixture with Retrieval's mean changed to a number no other cell has.
  json scaled = read_fixture("tier2.summary.json");
  scaled["budget_scale"] = "artifact";
  for (auto& entry : scaled.at("by_policy")) {
    if (entry.at("policy") == "retrieval") entry["mean_faults"] = 71.234;
  }
  in.tier2_artifact_scale = scaled;
  const auto with_scale = section_html(eval::render_report_html(in), "policies");
  CHECK((with_scale.find("with the artifact&#39;s budget scale") != std::string::npos ||
         with_scale.find("with the artifact's budget scale") != std::string::npos));
  CHECK(with_scale.find("<td class=\"num\">71.23</td>") != std::string::npos);
  // The paper's four families' mean is there too (every fixture row is of those families).
  CHECK(with_scale.find("on the paper") != std::string::npos);
  // A malformed scaled document is refused, naming its own file.
  scaled.erase("rows");
  in.tier2_artifact_scale = scaled;
  try {
    (void)eval::render_report_html(in);
    FAIL("a malformed scaled document was accepted");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).rfind("tier2-artifact-scale.summary.json", 0) == 0);
  }
}
