// Differential fuzzing with shrinking: spec/conformance.md CF-12.
#include "clawvm/conform/differential.hpp"

#include <array>
#include <deque>
#include <map>

#include <fmt/core.h>

#include "clawvm/conform/generate.hpp"
#include "clawvm/eval/generators.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/output_file.hpp"
#include "clawvm/replay.hpp"
#include "clawvm/splitmix64.hpp"
#include "clawvm/tool_signature.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::conform {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// splitmix64: the kit's own generator, so a seed means the same workloads everywhere.
class seeded {
 public:
  explicit seeded(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    return state_.next();
  }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }

 private:
  splitmix64 state_;
};

constexpr auto budgets = eval::sweep_budgets_tokens;
constexpr std::array<eval::workload_family, 7> families{
    eval::tier2_families[0], eval::tier2_families[1], eval::tier2_families[2], eval::tier2_families[3],
    eval::stress_families[0], eval::stress_families[1], eval::stress_families[2]};

std::string compact(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The requests of a workload's events (ids by position), with lookahead for the oracle.
std::vector<std::string> requests_of(const std::vector<workload_event>& events, bool oracle) {
  std::vector<std::string> out;
  std::map<std::string, std::string, std::less<>> result_page_by_signature;
  std::uint64_t id = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (oracle && std::holds_alternative<workload_events::turn_end>(events[i])) {
      const std::deque<workload_event> after(events.begin() + static_cast<std::ptrdiff_t>(i) + 1, events.end());
      json pages = json::object();
      for (const auto& [page, n] : oracle_future_demands(after, oracle_lookahead_turns_default, result_page_by_signature)) {
        pages[page] = n;
      }
      out.push_back(compact(json{{"id", fmt::format("look{}", i)}, {"op", "lookahead"}, {"pages", pages}}));
    }
    if (const auto* t = std::get_if<workload_events::tool_call>(&events[i])) {
      if (auto sig = canonical_tool_signature(t->tool, t->arguments_json)) result_page_by_signature.emplace(*sig, t->result.id);
    }
    json j;
    json_text_error ignored;
    (void)parse_json_text(to_json_line(events[i]), j, ignored);
    j["id"] = ++id;
    out.push_back(compact(j));
  }
  return out;
}

struct trial {
  std::vector<std::string> requests;
  std::vector<json> expected;
  bool zero_faults = false;
};

trial expectations(const std::vector<workload_event>& events, const std::string& policy, std::uint32_t budget, tier level) {
  trial t;
  t.requests = requests_of(events, policy_named(policy)->id == policy_id::oracle);
  auto lines = t.requests;
  if (level == tier::may) lines.emplace_back(metrics_request);
  const auto answers = reference_answers(*policy_named(policy), budget, lines);
  must_filter must;
  for (std::size_t i = 0; i < t.requests.size(); ++i) {
    json request;
    json_text_error ignored;
    (void)parse_json_text(t.requests[i], request, ignored);
    t.expected.push_back(level == tier::must ? must(request, answers[i]) : should_fields(answers[i]));
  }
  return t;
}

// What must stay the same while shrinking: the outcome and, for a failure, the check and
// the field with the page names taken out (they change as events go).
std::string divergence_key(const case_result& r) {
  if (r.result == outcome::error) return fmt::format("error {}", to_string(r.error));
  if (!r.first) return "";
  std::string field = r.first->field;
  for (auto at = field.find("[page="); at != std::string::npos; at = field.find("[page=", at + 1)) {
    field.replace(at, field.find(']', at) - at + 1, "[page]");
  }
  return fmt::format("{} {} {}", r.first->check, r.first->event, field);
}

}  // namespace

random_result run_random(const run_options& options, const capabilities& claims, const random_options& random,
                         const std::function<void(const std::string&)>& log) {
  random_result out;
  out.level = random.level;
  while (out.level > tier::must && claims.tiers.count(out.level) == 0) out.level = static_cast<tier>(static_cast<int>(out.level) - 1);
  if (out.level == tier::may) out.level = tier::should;  // metrics are compared by the committed cases
  std::vector<std::string> policies(claims.policies.begin(), claims.policies.end());
  seeded rng(random.seed);
  for (std::size_t i = 0; i < random.count; ++i) {
    const auto family = families[rng.below(families.size())];
    const std::uint64_t gseed = rng.next();
    const auto turns = static_cast<std::uint32_t>(8 + rng.below(41));
    const std::string policy = policies[rng.below(policies.size())];
    const std::uint32_t budget = budgets[rng.below(budgets.size())];
    if (!policy_named(policy)) continue;  // a policy only the SUT knows
    eval::generator_options g;
    g.seed = gseed;
    g.turns = turns;
    auto events = eval::generate_workload(family, g).events;
    const std::string parameters = fmt::format("family {}, seed {}, {} turns, policy {}, budget {}",
                                               eval::to_string(family), gseed, turns, policy, budget);
    const std::string id = fmt::format("random.s{}.{}", random.seed, i);
    const auto run = [&](const std::vector<workload_event>& ev) {
      const trial t = expectations(ev, policy, budget, out.level);
      return run_stream(id, out.level, policy, budget, false, t.requests, t.expected, options);
    };
    ++out.runs;
    case_result first = run(events);
    if (first.result == outcome::pass) continue;
    log(fmt::format("random {}: {}: {}", i, parameters, first.result == outcome::fail ? first.first->render() : first.detail));
    random_finding f;
    f.parameters = parameters;
    f.before = first;
    f.events_before = events.size();
    // ddmin-style: drop chunks of events, halving the chunk size, while the run still
    // diverges the same way; stop when no single event can go.
    const std::string key = divergence_key(first);
    case_result last = first;
    std::size_t chunk = std::max<std::size_t>(events.size() / 2, 1);
    for (;;) {
      bool progressed = false;
      for (std::size_t start = 0; start < events.size() && events.size() > 1;) {
        std::vector<workload_event> candidate(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(start));
        const std::size_t stop = std::min(events.size(), start + chunk);
        candidate.insert(candidate.end(), events.begin() + static_cast<std::ptrdiff_t>(stop), events.end());
        ++f.shrink_runs;
        case_result r = run(candidate);
        if (r.result != outcome::pass && divergence_key(r) == key) {
          events = std::move(candidate);
          last = std::move(r);
          progressed = true;
        } else {
          start += chunk;
        }
      }
      if (progressed) continue;  // the same chunk size again, over the smaller workload
      if (chunk == 1) break;
      chunk = std::max<std::size_t>(chunk / 2, 1);
    }
    f.after = last;
    f.events_after = events.size();
    if (!random.shrink_out.empty()) {
      const trial t = expectations(events, policy, budget, out.level);
      conform_case c;
      c.id = fmt::format("{}.random.s{}_{}.{}.b{}", to_string(out.level), random.seed, i, policy, budget);
      c.level = out.level;
      c.description = "found by clawvm conform --random (CF-12), shrunk: " + parameters;
      c.requirements = {last.first ? last.first->requirement : "SC-2"};
      c.policy = policy;
      c.tokens_budget = budget;
      c.requests = "streams/" + c.id + ".requests.jsonl";
      c.expected = "expected/" + c.id + ".jsonl";
      std::string requests;
      std::string expected;
      for (const auto& r : t.requests) (requests += r) += '\n';
      for (const auto& e : t.expected) (expected += compact(e)) += '\n';
      std::error_code ec;
      for (const char* sub : {"cases", "streams", "expected"}) fs::create_directories(random.shrink_out / sub, ec);
      std::string error;
      if (!write_file_atomically(random.shrink_out / c.requests, requests, error) ||
          !write_file_atomically(random.shrink_out / c.expected, expected, error) ||
          !write_file_atomically(random.shrink_out / "cases" / "random.cases.jsonl", compact(c.to_json()) + "\n", error)) {
        log("cannot write the shrunk case: " + error);
      } else {
        f.case_id = c.id;
      }
    }
    out.finding = std::move(f);
    return out;
  }
  return out;
}

}  // namespace clawvm::conform
