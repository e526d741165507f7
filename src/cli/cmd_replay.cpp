// Subcommand replay (spec/cli.md CLI-5): one workload file through one or more policies.
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/core.h>

#include "clawvm/eval/digest.hpp"
#include "clawvm/output_file.hpp"
#include "clawvm/replay.hpp"
#include "clawvm/trace_validation.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

struct replay_cli_options {
  std::string workload_path;
  std::string policies = "clawvm";
  std::uint32_t budget = 180;
  std::uint32_t lookahead = oracle_lookahead_turns_default;
  std::string trace_path;
  bool json = false;
  bool check_model = false;
  prompt_cache_model cache;  // RP-10; --cache-min-tokens, --cache-ttl-turns
};

int run_replay(const replay_cli_options& o) {
  const auto policies = parse_policy_list("replay", o.policies);
  if (!policies) return exit_bad_input;
  if (!o.trace_path.empty() && policies->size() != 1) {
    fmt::print(stderr, "clawvm replay: --trace needs exactly one --policy\n");
    return exit_bad_input;
  }
  int status = exit_ok;
  if (!o.json) {
    fmt::print("{:<18} {:>7} {:>6} {:>8} {:>6} {:>7} {:>8} {:>10} {:>10} {:>7}  faults by kind\n", "policy", "budget",
               "turns", "faults", "hits", "alerts", "thrash", "tokens", "cache_read", "breaks");
  }
  for (const auto& policy : *policies) {
    std::ifstream in(o.workload_path, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "{}: cannot open\n", o.workload_path);
      return exit_bad_input;
    }
    memory_trace_sink memory_sink;
    std::optional<output_file> trace_file;
    std::unique_ptr<ostream_trace_sink> file_sink;
    if (!o.trace_path.empty()) {
      trace_file.emplace(o.trace_path);
      if (!trace_file->is_open()) {
        fmt::print(stderr, "clawvm replay: --trace: {}\n", trace_file->error());
        return exit_bad_input;
      }
      file_sink = std::make_unique<ostream_trace_sink>(trace_file->stream());
    }
    replay_options options;
    options.policy = policy;
    options.tokens_budget = o.budget;
    options.lookahead_turns = o.lookahead;
    options.cache = o.cache;
    // --json reports the trace's SHA-256 (conformance vectors, RP-1), so it needs the trace.
    const bool keep_trace = o.check_model || o.json;
    options.trace = keep_trace ? static_cast<trace_sink*>(&memory_sink) : file_sink.get();
    const replay_outcome out = replay_file(in, o.workload_path, options);
    if (out.error) {
      // Nothing is persisted by a replay, so stopping here loses nothing (RP-8).
      fmt::print(stderr, "{}\n", out.error->to_string());
      return exit_bad_input;
    }
    if (keep_trace && file_sink) {
      for (const auto& line : memory_sink.lines) file_sink->write_line(line);
    }
    if (trace_file && !trace_file->commit()) {
      fmt::print(stderr, "clawvm replay: --trace: {}\n", trace_file->error());
      return exit_bad_input;
    }
    if (o.check_model) {
      const auto v = validate_trace(memory_sink.lines);
      if (!v.ok) {
        fmt::print(stderr, "clawvm replay: {} trace diverges from the model at line {} ({}): {}\n", policy.name,
                   v.first_divergence.line, v.first_divergence.event, v.first_divergence.message);
        status = exit_check_failed;
      }
    }
    const auto& m = out.metrics;
    if (o.json) {
      std::string trace_bytes;
      for (const auto& line : memory_sink.lines) (trace_bytes += line) += '\n';
      auto j = to_json(m);
      j["trace_lines"] = memory_sink.lines.size();
      j["trace_sha256"] = eval::sha256_hex(trace_bytes);
      fmt::print("{}\n", j.dump());
      continue;
    }
    std::string kinds;
    for (auto f : all_fault_kinds) {
      if (m.counters[f] != 0) kinds += fmt::format(" {}={}", to_string(f), m.counters[f]);
    }
    fmt::print("{:<18} {:>7} {:>6} {:>8} {:>6} {:>7} {:>8.3f} {:>10} {:>10.3f} {:>7} {}\n", policy.name, m.tokens_budget,
               m.turns, m.counters.total_faults(), m.counters.hits, m.counters.duplicate_signature_alerts,
               m.counters.thrash_index(), m.tokens_used_total, m.cache_read_share(), m.prefix_breaks,
               kinds.empty() ? " -" : kinds);
  }
  return status;
}

}  // namespace

command add_replay(CLI::App& app) {
  auto o = std::make_shared<replay_cli_options>();
  auto* sub = app.add_subcommand("replay", "Replay a workload trace (JSON Lines, spec/workload.md) through policies and print metrics");
  sub->add_option("workload", o->workload_path, "workload file")->required();
  sub->add_option("--policy", o->policies, "policy, comma-separated list, or all")->capture_default_str();
  sub->add_option("--budget", o->budget, "token budget")->capture_default_str()->check(CLI::Range(1U, 1000000000U));
  sub->add_option("--lookahead", o->lookahead, "oracle lookahead h in turns")->capture_default_str()->check(CLI::Range(0U, 1000U));
  sub->add_option("--trace", o->trace_path, "write the decision trace to this file (one policy only)");
  sub->add_flag("--json", o->json, "print one metrics JSON object per policy (spec/replay.md RP-6, plus trace_lines and trace_sha256) instead of a table");
  sub->add_option("--cache-min-tokens", o->cache.min_cacheable_tokens,
                  "prompt cache: the shortest prefix a provider caches (spec/replay.md RP-10)")
      ->capture_default_str();
  sub->add_option("--cache-ttl-turns", o->cache.ttl_turns, "prompt cache: turns an unused entry lives (RP-10)")
      ->capture_default_str();
  sub->add_flag("--check-model", o->check_model, "validate each decision trace against the TLA+ model; exit 1 on divergence");
  return {sub, [o] { return run_replay(*o); }};
}

}  // namespace clawvm::cli
