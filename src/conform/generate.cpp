// Generating the conformance cases from the reference: spec/conformance.md CF-6, CF-8.1.
#include "clawvm/conform/generate.hpp"

#include <algorithm>
#include <deque>
#include <fstream>
#include <map>
#include <set>

#include <fmt/core.h>

#include "clawvm/durable_store.hpp"
#include "clawvm/conform/checks.hpp"
#include "clawvm/eval/generators.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/output_file.hpp"
#include "clawvm/replay.hpp"
#include "clawvm/sidecar.hpp"
#include "clawvm/tool_signature.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::conform {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json parse_line(const std::string& line) {
  json j;
  json_text_error ignored;
  (void)parse_json_text(line, j, ignored);
  return j;  // null for a deliberately bad request line
}

std::string compact(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::vector<json> reference_answers(const engine_policy& policy, std::uint32_t tokens_budget,
                                    const std::vector<std::string>& request_lines) {
  memory_store state;
  sidecar_options options;
  options.engine = {policy, tokens_budget, principal{true, true}};
  sidecar reference(options, state);
  std::vector<json> out;
  std::uint64_t line = 1;
  (void)reference.handle(handshake_request, line);
  for (const auto& request : request_lines) out.push_back(parse_line(reference.handle(request, ++line)));
  return out;
}

json must_filter::operator()(const json& request, const json& answer) {
  json out{{"ok", answer.value("ok", false)}};
  if (!answer.value("ok", false)) {
    json error{{"line", answer["error"]["line"]}};
    if (answer["error"].contains("field")) error["field"] = answer["error"]["field"];
    out["error"] = std::move(error);
    return out;
  }
  const std::string name = request_name(request);
  auto copy = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
      if (answer.contains(k)) out[k] = answer[k];
    }
  };
  if (name == "ingest" || name == "update") {
    copy({"reason"});
  } else if (name == "tool_call") {
    copy({"signature"});
    const std::string outcome = answer.value("outcome", std::string());
    const std::string signature = answer.value("signature", std::string());
    const bool repeated_before_assembly =
        std::find(since_assembly_.begin(), since_assembly_.end(), signature) != since_assembly_.end();
    // CF-8.1: a new call or a rejection does not depend on residency, nor does an alert
    // for a call repeated before any assembly could have evicted its result (FT-3).
    if (outcome == "new_call" || outcome == "rejected" || (outcome == "duplicate_signature_alert" && repeated_before_assembly)) {
      copy({"outcome", "reason"});
    }
    if (outcome != "rejected") since_assembly_.push_back(signature);
  } else if (name == "demand") {
    if (answer.value("outcome", std::string()) == "unknown_page") copy({"outcome"});
  } else if (name == "recall") {
    copy({"found", "silent", "value", "version", "reason"});
  } else if (name == "turn_end") {
    copy({"turn", "tokens_budget", "floor_set_tokens", "floor_set_fits"});
    since_assembly_.clear();
  } else if (parse_boundary(name)) {
    copy({"boundary", "written_back", "rejected", "flush_misses", "pages_destroyed", "journal"});
    since_assembly_.clear();
  } else if (name == "op counters") {
    copy({"commits", "rejections", "requests", "bad_requests"});
  } else if (name == "op hello") {
    copy({"protocol", "policy", "tokens_budget", "last_seq", "turn", "pages"});
  }
  return out;
}

json should_fields(const json& answer) {
  json out = answer;
  out.erase("clawvm_version");
  out.erase("capabilities");
  if (out.contains("error")) out["error"].erase("message");
  return out;
}

json may_metrics(const json& counters_answer, double prefix_stability) {
  json out;
  for (const char* k : {"fault_counts", "faults_total", "hits", "misses", "duplicate_signature_alerts", "physical_insufficiency",
                        "commits", "rejections", "destructive_commits", "recalls_explained", "thrash_index"}) {
    if (counters_answer.contains(k)) out[k] = counters_answer[k];
  }
  out["prefix_stability"] = prefix_stability;
  return out;
}

namespace {

struct catalog_case {
  tier level = tier::must;
  std::vector<std::string> policies;
  std::vector<std::uint32_t> budgets;
};

struct catalog_stream {
  std::string name;  // group.name
  std::string description;
  std::vector<std::string> requirements;
  json source;
  std::vector<catalog_case> cases;
};

std::variant<std::vector<catalog_stream>, std::string> read_catalog(const fs::path& root) {
  std::ifstream in(root / "catalog.json", std::ios::binary);
  if (!in) return fmt::format("{}: cannot read", (root / "catalog.json").string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json c;
  json_text_error why;
  if (!parse_json_text(text, c, why)) return fmt::format("catalog.json: {} (at byte {})", why.message, why.byte);
  std::vector<std::uint32_t> all_budgets;
  for (const auto& b : c.at("budgets")) all_budgets.push_back(b.get<std::uint32_t>());
  std::vector<std::string> all_policy_names;
  for (const auto& p : all_policies()) all_policy_names.push_back(p.name);
  std::vector<catalog_stream> out;
  for (const auto& s : c.at("streams")) {
    catalog_stream cs;
    cs.name = s.at("name").get<std::string>();
    cs.description = s.at("description").get<std::string>();
    cs.requirements = s.at("requirements").get<std::vector<std::string>>();
    cs.source = s.at("source");
    for (const auto& k : s.at("cases")) {
      catalog_case cc;
      const auto t = parse_tier(k.at("tier").get<std::string>());
      if (!t) return fmt::format("catalog.json: stream {}: unknown tier", cs.name);
      cc.level = *t;
      cc.policies = k.at("policies") == "all" ? all_policy_names : k.at("policies").get<std::vector<std::string>>();
      cc.budgets = k.at("budgets") == "all" ? all_budgets : k.at("budgets").get<std::vector<std::uint32_t>>();
      cs.cases.push_back(std::move(cc));
    }
    out.push_back(std::move(cs));
  }
  return out;
}

// The events of a workload source, or nullopt for a hand-written stream.
std::variant<std::optional<std::vector<workload_event>>, std::string> source_events(const fs::path& root, const json& source) {
  if (source.contains("workload")) {
    auto loaded = load_workload((root / source["workload"].get<std::string>()).string());
    if (auto* e = std::get_if<workload_error>(&loaded)) return e->to_string();
    return std::optional(std::get<workload>(loaded).events);
  }
  if (source.contains("generate")) {
    const auto& g = source["generate"];
    const auto family = eval::parse_workload_family(g.at("family").get<std::string>());
    if (!family) return "catalog.json: unknown family";
    eval::generator_options o;
    o.seed = g.at("seed").get<std::uint64_t>();
    o.turns = g.at("turns").get<std::uint32_t>();
    return std::optional(eval::generate_workload(*family, o).events);
  }
  return std::optional<std::vector<workload_event>>();
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A workload's events as requests ("id": its 1-based position), with an optional
// principal first (CF-6).
std::vector<std::string> event_requests(const std::vector<workload_event>& events, const json& source) {
  std::vector<std::string> out;
  if (source.contains("writer")) {
    out.push_back(compact(json{{"id", "writer"}, {"op", "principal"}, {"session", source["writer"]["session"]},
                               {"project", source["writer"]["project"]}}));
  }
  std::uint64_t id = 0;
  for (const auto& e : events) {
    json j = parse_line(to_json_line(e));
    j["id"] = ++id;
    out.push_back(compact(j));
  }
  return out;
}

// The oracle's stream: before each turn_end, a `lookahead` with the demands of the next h
// turns (RP-5), as `clawvm replay` computes them.
std::vector<std::string> oracle_requests(const std::vector<workload_event>& events, const json& source) {
  std::vector<std::string> out;
  if (source.contains("writer")) {
    out.push_back(compact(json{{"id", "writer"}, {"op", "principal"}, {"session", source["writer"]["session"]},
                               {"project", source["writer"]["project"]}}));
  }
  std::map<std::string, std::string, std::less<>> result_page_by_signature;
  std::uint64_t id = 0;
  std::uint64_t look = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const workload_event& e = events[i];
    if (std::holds_alternative<workload_events::turn_end>(e)) {
      const std::deque<workload_event> after(events.begin() + static_cast<std::ptrdiff_t>(i) + 1, events.end());
      json pages = json::object();
      for (const auto& [page, n] : oracle_future_demands(after, oracle_lookahead_turns_default, result_page_by_signature)) {
        pages[page] = n;
      }
      out.push_back(compact(json{{"id", fmt::format("look{}", ++look)}, {"op", "lookahead"}, {"pages", pages}}));
    }
    if (const auto* t = std::get_if<workload_events::tool_call>(&e)) {
      if (auto sig = canonical_tool_signature(t->tool, t->arguments_json)) result_page_by_signature.emplace(*sig, t->result.id);
    }
    json j = parse_line(to_json_line(e));
    j["id"] = ++id;
    out.push_back(compact(j));
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) (out += l) += '\n';
  return out;
}

}  // namespace

std::variant<std::size_t, std::string> generate_cases(const fs::path& root) {
  auto catalog = read_catalog(root);
  if (auto* e = std::get_if<std::string>(&catalog)) return *e;
  std::error_code ec;
  fs::remove_all(root / "expected", ec);
  fs::remove_all(root / "cases", ec);
  fs::create_directories(root / "expected");
  fs::create_directories(root / "cases");
  fs::create_directories(root / "streams");
  std::map<std::string, std::string> case_lines;  // group -> lines
  std::size_t count = 0;
  std::string error;
  for (const auto& stream : std::get<std::vector<catalog_stream>>(catalog)) {
    auto events = source_events(root, stream.source);
    if (auto* e = std::get_if<std::string>(&events)) return *e;
    const auto& maybe_events = std::get<std::optional<std::vector<workload_event>>>(events);
    const std::string plain_path = "streams/" + stream.name + ".requests.jsonl";
    const std::string oracle_path = "streams/" + stream.name + ".oracle.requests.jsonl";
    std::vector<std::string> plain;
    std::vector<std::string> oracle;
    if (maybe_events) {
      plain = event_requests(*maybe_events, stream.source);
      oracle = oracle_requests(*maybe_events, stream.source);
      if (!write_file_atomically(root / plain_path, joined(plain), error)) return error;
    } else {
      plain = read_lines(root / stream.source.at("stream").get<std::string>());
      if (plain.empty()) return fmt::format("{}: empty stream", stream.name);
    }
    bool wrote_oracle = false;
    const std::string group = stream.name.substr(0, stream.name.find('.'));
    for (const auto& cc : stream.cases) {
      for (const auto& policy_name : cc.policies) {
        const auto policy = policy_named(policy_name);
        if (!policy) return fmt::format("catalog.json: {}: unknown policy {}", stream.name, policy_name);
        // The oracle gets its lookahead from workload streams; a hand-written stream has
        // none, and the oracle then decides as ClawVM does (RP-5 with no future).
        const bool is_oracle = policy->id == policy_id::oracle && maybe_events.has_value();
        if (is_oracle && !wrote_oracle) {
          if (!write_file_atomically(root / oracle_path, joined(oracle), error)) return error;
          wrote_oracle = true;
        }
        const auto& requests = is_oracle ? oracle : plain;
        for (const auto budget : cc.budgets) {
          conform_case c;
          c.id = fmt::format("{}.{}.{}.b{}", to_string(cc.level), stream.name, policy_name, budget);
          c.level = cc.level;
          c.description = stream.description;
          c.requirements = stream.requirements;
          c.policy = policy_name;
          c.tokens_budget = budget;
          c.requests = is_oracle ? oracle_path : (maybe_events ? plain_path : stream.source.at("stream").get<std::string>());
          c.expected = "expected/" + c.id + ".jsonl";
          std::vector<std::string> request_lines = requests;
          if (cc.level == tier::may) request_lines.emplace_back(metrics_request);
          const auto answers = reference_answers(*policy, budget, request_lines);
          // The reference must pass its own contract checks (CF-8): a generator bug is
          // never written down as an expectation.
          case_checker self(*policy, tier::must, false);
          bool fits = true;
          std::string expected;
          must_filter must;
          for (std::size_t i = 0; i < requests.size(); ++i) {
            const json request = parse_line(requests[i]);
            const json exact = must(request, answers[i]);
            if (auto d = self.check(i + 1, request, exact, answers[i])) {
              return fmt::format("{}: the reference fails its own check: {}", c.id, d->render());
            }
            if (request_name(request) == "turn_end" && !answers[i].value("floor_set_fits", true)) fits = false;
            if (cc.level == tier::must) expected += compact(exact) + "\n";
            if (cc.level == tier::should) expected += compact(should_fields(answers[i])) + "\n";
          }
          if (cc.level == tier::may) expected = compact(may_metrics(answers.back(), self.prefix_stability())) + "\n";
          const json& last = answers[requests.size() - 1];
          c.zero_faults = has_clawvm_structure(policy->id) && fits && last.value("faults_total", std::uint64_t{1}) == 0 &&
                          maybe_events.has_value();
          if (!write_file_atomically(root / c.expected, expected, error)) return error;
          case_lines[group] += compact(c.to_json()) + "\n";
          ++count;
        }
      }
    }
  }
  for (const auto& [group, lines] : case_lines) {
    if (!write_file_atomically(root / "cases" / (group + ".cases.jsonl"), lines, error)) return error;
  }
  return count;
}

}  // namespace clawvm::conform
