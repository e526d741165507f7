// Conformance cases: spec/conformance.md CF-6.
#include "clawvm/conform/case.hpp"

#include <algorithm>
#include <fstream>
#include <set>

#include <fmt/core.h>

#include "clawvm/json_text.hpp"
#include "clawvm/line_reader.hpp"
#include "clawvm/policy.hpp"
#include "clawvm/reason_code.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::conform {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<tier> parse_tier(std::string_view s) noexcept {
  for (tier t : {tier::must, tier::should, tier::may}) {
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}

json conform_case::to_json() const {
  json j{{"conformance_case", case_format_version},
         {"id", id},
         {"tier", to_string(level)},
         {"description", description},
         {"requirements", requirements},
         {"policy", policy},
         {"tokens_budget", tokens_budget},
         {"requests", requests},
         {"expected", expected}};
  j["checks"] = zero_faults ? json::array({"zero_faults"}) : json::array();
  return j;
}

std::variant<std::vector<json>, std::string> read_json_lines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("{}: cannot read", path.string());
  line_reader lines(in, workload_line_bytes_max, 0);
  std::vector<json> out;
  std::string line;
  for (;;) {
    const auto st = lines.next(line);
    if (st == line_reader::status::end) break;
    if (st == line_reader::status::too_long) return fmt::format("{}:{}: line too long", path.string(), lines.line_number());
    json j;
    json_text_error why;
    if (!parse_json_text(line, j, why) || !j.is_object()) {
      return fmt::format("{}:{}: not a JSON object{}", path.string(), lines.line_number(),
                         why.message.empty() ? "" : ": " + why.message);
    }
    out.push_back(std::move(j));
  }
  return out;
}

namespace {

// One case line, checked field by field (CF-6; spec/conformance/case.schema.json).
std::variant<conform_case, std::string> parse_case(const json& j) {
  auto str = [&](const char* key, std::string& out) -> std::optional<std::string> {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return fmt::format("field '{}': a non-empty string is required", key);
    }
    out = it->get<std::string>();
    return std::nullopt;
  };
  conform_case c;
  if (j.value("conformance_case", 0) != case_format_version) {
    return fmt::format("field 'conformance_case': must be {}", case_format_version);
  }
  std::string tier_name;
  for (auto [key, out] : {std::pair{"id", &c.id}, {"tier", &tier_name}, {"description", &c.description},
                          {"policy", &c.policy}, {"requests", &c.requests}, {"expected", &c.expected}}) {
    if (auto e = str(key, *out)) return *e;
  }
  const auto t = parse_tier(tier_name);
  if (!t) return "field 'tier': must be must, should or may";
  c.level = *t;
  if (!policy_named(c.policy)) return fmt::format("field 'policy': unknown policy '{}'", c.policy);
  const auto budget = j.find("tokens_budget");
  if (budget == j.end() || !budget->is_number_unsigned() || budget->get<std::uint64_t>() == 0 ||
      budget->get<std::uint64_t>() > 1000000000U) {
    return "field 'tokens_budget': an integer in 1 ... 1000000000 is required";
  }
  c.tokens_budget = static_cast<std::uint32_t>(budget->get<std::uint64_t>());
  const auto reqs = j.find("requirements");
  if (reqs == j.end() || !reqs->is_array() || reqs->empty()) return "field 'requirements': a non-empty array is required";
  for (const auto& r : *reqs) {
    if (!r.is_string()) return "field 'requirements': requirement ids are strings";
    c.requirements.push_back(r.get<std::string>());
  }
  if (const auto checks = j.find("checks"); checks != j.end()) {
    if (!checks->is_array()) return "field 'checks': an array is required";
    for (const auto& k : *checks) {
      if (k != "zero_faults") return "field 'checks': the only case-level check is zero_faults";
      c.zero_faults = true;
    }
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    static constexpr std::string_view known[] = {"conformance_case", "id", "tier", "description", "requirements",
                                                 "policy", "tokens_budget", "requests", "expected", "checks"};
    if (std::find(std::begin(known), std::end(known), it.key()) == std::end(known)) {
      return fmt::format("field '{}': unknown field", it.key());
    }
  }
  return c;
}

}  // namespace

std::variant<case_set, std::string> load_cases(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root / "cases", ec)) return fmt::format("{}: no cases/ directory (spec/conformance.md CF-6)", root.string());
  std::vector<fs::path> files;
  for (fs::directory_iterator it(root / "cases", ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.size() > 12 && name.compare(name.size() - 12, 12, ".cases.jsonl") == 0) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  case_set set;
  set.root = root;
  std::vector<std::string> ids;
  for (const auto& f : files) {
    auto lines = read_json_lines(f);
    if (auto* e = std::get_if<std::string>(&lines)) return *e;
    std::size_t n = 0;
    for (const auto& j : std::get<std::vector<json>>(lines)) {
      ++n;
      auto parsed = parse_case(j);
      if (auto* e = std::get_if<std::string>(&parsed)) return fmt::format("{}:{}: {}", f.string(), n, *e);
      set.cases.push_back(std::move(std::get<conform_case>(parsed)));
      ids.push_back(set.cases.back().id);
    }
  }
  std::sort(ids.begin(), ids.end());
  if (const auto dup = std::adjacent_find(ids.begin(), ids.end()); dup != ids.end()) {
    return fmt::format("{}: case id '{}' appears twice", root.string(), *dup);
  }
  if (set.cases.empty()) return fmt::format("{}: no cases", root.string());
  return set;
}

namespace {

void collect_reasons(const json& j, std::set<std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "reason" && it->is_string()) out.insert(it->get<std::string>());
      collect_reasons(*it, out);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) collect_reasons(e, out);
  }
}

}  // namespace

std::vector<std::string> coverage_problems(const case_set& set) {
  std::vector<std::string> problems;
  std::ifstream in(set.root / "coverage.json", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json coverage;
  json_text_error why;
  if (!parse_json_text(text, coverage, why) || !coverage.is_object()) return {"coverage.json: not a JSON object"};
  std::set<std::string> named;
  std::set<std::string> reasons;
  std::set<std::string> sent;  // events and "op <name>" the streams send
  std::set<std::string> streams_read;
  for (const auto& c : set.cases) {
    named.insert(c.requirements.begin(), c.requirements.end());
    if (auto lines = read_json_lines(set.root / c.expected); std::holds_alternative<std::vector<json>>(lines)) {
      for (const auto& j : std::get<std::vector<json>>(lines)) collect_reasons(j, reasons);
    }
    if (!streams_read.insert(c.requests).second) continue;
    std::ifstream s(set.root / c.requests, std::ios::binary);
    for (std::string line; std::getline(s, line);) {
      json j;
      json_text_error ignored;
      if (!parse_json_text(line, j, ignored) || !j.is_object()) continue;
      if (j.contains("event") && j["event"].is_string()) sent.insert(j["event"].get<std::string>());
      if (j.contains("op") && j["op"].is_string()) sent.insert("op " + j["op"].get<std::string>());
    }
  }
  for (const auto& r : coverage.value("observable_requirements", json::array())) {
    if (named.count(r.get<std::string>()) == 0) problems.push_back(fmt::format("requirement {}: no case names it", r.get<std::string>()));
  }
  const json unreachable = coverage.value("unreachable_reason_codes", json::object());
  for (const auto& info : all_reason_codes) {
    const std::string name(info.name);
    if (unreachable.contains(name) || reasons.count(name) != 0) continue;
    problems.push_back(fmt::format("reason code {}: no expected answer carries it", name));
  }
  for (const auto& b : coverage.value("boundaries", json::array())) {
    if (sent.count(b.get<std::string>()) == 0) problems.push_back(fmt::format("boundary {}: no stream sends it", b.get<std::string>()));
  }
  for (const auto& o : coverage.value("control_operations", json::array())) {
    if (sent.count("op " + o.get<std::string>()) == 0) problems.push_back(fmt::format("operation {}: no stream sends it", o.get<std::string>()));
  }
  return problems;
}

}  // namespace clawvm::conform
