// Running the conformance kit: spec/conformance.md CF-2 … CF-11.
#include "clawvm/conform/runner.hpp"

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/core.h>

#include "clawvm/conform/generate.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/message_text.hpp"
#include "clawvm/policy.hpp"

namespace clawvm::conform {

namespace fs = std::filesystem;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

std::optional<json> parse_object(const std::string& line) {
  json j;
  json_text_error why;
  if (!parse_json_text(line, j, why) || !j.is_object()) return std::nullopt;
  return j;
}

// CF-5 `malformed`: one JSON object with "v": 1, a boolean "ok", the request's id echoed.
std::optional<std::string> malformed(const std::optional<json>& got, const json& request) {
  if (!got) return "not one JSON object";
  if (got->value("v", 0) != 1) return "no \"v\": 1";
  if (!got->contains("ok") || !(*got)["ok"].is_boolean()) return "no boolean \"ok\"";
  if (request.is_object() && request.contains("id") && (request["id"].is_string() || request["id"].is_number_integer()) &&
      (!got->contains("id") || (*got)["id"] != request["id"])) {
    return "the request's id is not echoed";
  }
  return std::nullopt;
}

case_result errored(case_result r, sut_error kind, std::string detail, sut_process* sut) {
  r.result = outcome::error;
  r.error = kind;
  r.detail = std::move(detail);
  if (sut != nullptr) {
    sut->finish();
    r.stderr_tail = sut->stderr_tail();
  }
  return r;
}

// The handshake (CF-2): the SUT took the case's policy and budget and starts empty.
std::optional<std::string> handshake_problem(const std::optional<json>& hello, const std::string& policy,
                                             std::uint32_t tokens_budget) {
  if (!hello || !hello->value("ok", false)) return "hello was not answered with ok: true";
  if (hello->value("protocol", 0) != conformance_protocol_version) return "hello does not answer protocol 1";
  if (hello->value("policy", std::string()) != policy) {
    return fmt::format("the SUT runs policy {} where the case needs {} (is {{policy}} in --sut?)",
                       hello->value("policy", std::string("?")), policy);
  }
  if (hello->value("tokens_budget", std::uint64_t{0}) != tokens_budget) {
    return fmt::format("the SUT runs budget {} where the case needs {} (is {{budget}} in --sut?)",
                       hello->value("tokens_budget", std::uint64_t{0}), tokens_budget);
  }
  if (hello->value("last_seq", std::uint64_t{1}) != 0 || hello->value("turn", std::uint64_t{1}) != 0 ||
      hello->value("pages", std::uint64_t{1}) != 0) {
    return "the SUT does not start empty (last_seq, turn and pages must be 0: a fresh store per case)";
  }
  return std::nullopt;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (const char c : printable_message(s)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string case_result::line() const {
  std::string out = fmt::format("{:<5} {} ({:.2f} s)", to_string(result), id, seconds);
  if (first) out += "\n      " + first->render();
  if (result == outcome::error) out += fmt::format("\n      {}: {}", to_string(error), detail);
  if (result == outcome::skip) out += fmt::format(": {}", detail);
  if (!stderr_tail.empty()) out += "\n      stderr: " + printable_message(stderr_tail.substr(stderr_tail.size() > 300 ? stderr_tail.size() - 300 : 0));
  return out;
}

std::variant<capabilities, std::string> probe_capabilities(const run_options& options) {
  sut_process sut(sut_command(options.sut, "clawvm", 180));
  if (sut.error() != sut_error::none) return fmt::format("cannot start the SUT: {}", sut.error_detail());
  const auto line = sut.exchange(handshake_request, options.request_timeout);
  sut.finish();
  if (!line) return fmt::format("the SUT did not answer hello ({}: {}); stderr: {}", to_string(sut.error()), sut.error_detail(),
                                printable_message(sut.stderr_tail()));
  const auto hello = parse_object(*line);
  if (!hello || !hello->value("ok", false)) return fmt::format("the SUT answered hello with {}", printable_message(*line));
  capabilities c;
  if (const auto it = hello->find("capabilities"); it != hello->end() && it->is_object()) {
    c.tiers.clear();
    c.policies.clear();
    for (const auto& t : it->value("tiers", json::array())) {
      if (auto parsed = t.is_string() ? parse_tier(t.get<std::string>()) : std::nullopt) c.tiers.insert(*parsed);
    }
    for (const auto& p : it->value("policies", json::array())) {
      if (p.is_string()) c.policies.insert(p.get<std::string>());
    }
  }
  return c;
}

case_result run_stream(const std::string& id, tier level, const std::string& policy_name, std::uint32_t tokens_budget,
                       bool zero_faults, const std::vector<std::string>& requests, const std::vector<json>& expected,
                       const run_options& options) {
  const auto start = clock_type::now();
  case_result r;
  r.id = id;
  r.level = level;
  const auto finish = [&](case_result out) {
    out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    return out;
  };
  const auto policy = policy_named(policy_name);
  if (!policy) return finish(errored(r, sut_error::start, "unknown policy " + policy_name, nullptr));
  sut_process sut(sut_command(options.sut, policy_name, tokens_budget));
  if (sut.error() != sut_error::none) return finish(errored(r, sut_error::start, sut.error_detail(), &sut));
  const auto deadline = start + options.case_timeout;
  const auto limit = [&] {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    return std::max(std::chrono::milliseconds(0), std::min(options.request_timeout, left));
  };
  const auto hello_line = sut.exchange(handshake_request, limit());
  if (!hello_line) return finish(errored(r, sut.error(), sut.error_detail(), &sut));
  if (auto problem = handshake_problem(parse_object(*hello_line), policy_name, tokens_budget)) {
    return finish(errored(r, sut_error::handshake, *problem, &sut));
  }
  case_checker checker(*policy, level, zero_faults);
  const json none = json::object();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    json request;
    json_text_error ignored;
    if (!parse_json_text(requests[i], request, ignored)) request = json();
    const auto line = sut.exchange(requests[i], limit());
    if (!line) {
      return finish(errored(r, sut.error(), fmt::format("request {} (line {}): {}", i + 1, i + 2, sut.error_detail()), &sut));
    }
    const auto got = parse_object(*line);
    if (auto problem = malformed(got, request)) {
      return finish(errored(r, sut_error::malformed,
                            fmt::format("request {} (line {}): {}: {}", i + 1, i + 2, *problem,
                                        printable_message(line->substr(0, 200))),
                            &sut));
    }
    const json& want = level == tier::may ? none : expected.at(i);
    if (auto d = checker.check(i + 1, request, want, *got)) {
      sut.finish();
      r.result = outcome::fail;
      r.first = std::move(d);
      return finish(r);
    }
  }
  if (level == tier::may) {
    const auto line = sut.exchange(metrics_request, limit());
    if (!line) return finish(errored(r, sut.error(), "counters after the stream: " + sut.error_detail(), &sut));
    const auto got = parse_object(*line);
    if (auto problem = malformed(got, parse_object(metrics_request).value_or(json()))) {
      return finish(errored(r, sut_error::malformed, "counters after the stream: " + *problem, &sut));
    }
    if (auto d = checker.check_metrics(expected.at(0), *got)) {
      sut.finish();
      r.result = outcome::fail;
      r.first = std::move(d);
      return finish(r);
    }
  }
  sut.finish();
  return finish(r);
}

case_result run_case(const case_set& set, const conform_case& c, const capabilities& claims, const run_options& options) {
  case_result skipped;
  skipped.id = c.id;
  skipped.level = c.level;
  skipped.result = outcome::skip;
  if (claims.tiers.count(c.level) == 0) {
    skipped.detail = fmt::format("the SUT does not claim the {} tier", to_string(c.level));
    return skipped;
  }
  if (claims.policies.count(c.policy) == 0) {
    skipped.detail = fmt::format("the SUT does not claim the policy {}", c.policy);
    return skipped;
  }
  std::vector<std::string> requests;
  {
    std::ifstream in(set.root / c.requests, std::ios::binary);
    for (std::string line; std::getline(in, line);) requests.push_back(line);
  }
  auto expected = read_json_lines(set.root / c.expected);
  case_result bad = skipped;
  bad.result = outcome::error;
  bad.error = sut_error::start;
  if (auto* e = std::get_if<std::string>(&expected)) {
    bad.detail = "the case's expected file: " + *e;
    return bad;
  }
  const auto& want = std::get<std::vector<json>>(expected);
  if (requests.empty() || want.size() != (c.level == tier::may ? 1U : requests.size())) {
    bad.detail = fmt::format("the case's files disagree: {} requests, {} expected lines", requests.size(), want.size());
    return bad;
  }
  return run_stream(c.id, c.level, c.policy, c.tokens_budget, c.zero_faults, requests, want, options);
}

std::vector<case_result> run_cases(const case_set& set, const capabilities& claims, const run_options& options,
                                   const std::function<void(const case_result&)>& on_result) {
  std::vector<const conform_case*> selected;
  for (const auto& c : set.cases) {
    if (c.level <= options.level && (options.filter.empty() || c.id.find(options.filter) != std::string::npos)) {
      selected.push_back(&c);
    }
  }
  std::vector<std::optional<case_result>> results(selected.size());
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::size_t reported = 0;
  auto worker = [&] {
    for (std::size_t i = next++; i < selected.size(); i = next++) {
      case_result r = run_case(set, *selected[i], claims, options);
      const std::lock_guard lock(mu);
      results[i] = std::move(r);
      // Report in case order, as soon as every earlier case is done (CF-11).
      while (reported < results.size() && results[reported]) {
        if (on_result) on_result(*results[reported]);
        ++reported;
      }
    }
  };
  const unsigned threads = std::max(1U, options.jobs);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < selected.size(); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  std::vector<case_result> out;
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

summary summarize(const std::vector<case_result>& results) {
  summary s;
  for (const auto& r : results) {
    switch (r.result) {
      case outcome::pass: ++s.pass; break;
      case outcome::fail: ++s.fail; break;
      case outcome::error: ++s.error; break;
      case outcome::skip: ++s.skip; break;
    }
  }
  return s;
}

std::string junit_xml(const std::vector<case_result>& results, const run_options& options) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"clawvm conformance\">\n";
  for (tier t : {tier::must, tier::should, tier::may}) {
    if (t > options.level) continue;
    std::vector<const case_result*> mine;
    for (const auto& r : results) {
      if (r.level == t) mine.push_back(&r);
    }
    summary s;
    double seconds = 0.0;
    for (const auto* r : mine) {
      seconds += r->seconds;
      s.pass += r->result == outcome::pass;
      s.fail += r->result == outcome::fail;
      s.error += r->result == outcome::error;
      s.skip += r->result == outcome::skip;
    }
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
                       to_string(t), mine.size(), s.fail, s.error, s.skip, seconds);
    for (const auto* r : mine) {
      out += fmt::format("    <testcase classname=\"clawvm.conformance.{}\" name=\"{}\" time=\"{:.3f}\"", to_string(t),
                         xml_escape(r->id), r->seconds);
      switch (r->result) {
        case outcome::pass: out += "/>\n"; break;
        case outcome::fail:
          out += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                             xml_escape(r->first->field + ": " + r->first->check + " " + r->first->requirement),
                             xml_escape(r->first->check), xml_escape(r->first->render()));
          break;
        case outcome::error:
          out += fmt::format(">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n", xml_escape(r->detail),
                             to_string(r->error), xml_escape(r->stderr_tail));
          break;
        case outcome::skip: out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n", xml_escape(r->detail)); break;
      }
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

json report_json(const std::vector<case_result>& results, const run_options& options, const capabilities& claims) {
  json cases = json::array();
  for (const auto& r : results) {
    json c{{"id", r.id}, {"tier", to_string(r.level)}, {"outcome", std::string(to_string(r.result))}, {"seconds", r.seconds}};
    if (r.first) c["divergence"] = r.first->to_json();
    if (r.result == outcome::error) c["error"] = {{"kind", to_string(r.error)}, {"detail", r.detail}, {"stderr", printable_message(r.stderr_tail)}};
    if (r.result == outcome::skip) c["reason"] = r.detail;
    cases.push_back(std::move(c));
  }
  const summary s = summarize(results);
  json tiers = json::array();
  for (tier t : claims.tiers) tiers.push_back(to_string(t));
  return {{"conformance_protocol", conformance_protocol_version},
          {"sut", options.sut},
          {"tier", to_string(options.level)},
          {"claims", {{"tiers", tiers}, {"policies", claims.policies}}},
          {"cases", std::move(cases)},
          {"summary", {{"pass", s.pass}, {"fail", s.fail}, {"error", s.error}, {"skip", s.skip}}}};
}

}  // namespace clawvm::conform
