// Subcommand serve (spec/sidecar.md SC-1..SC-10, spec/cli.md): the live stdio sidecar.
#include <poll.h>
#include <sched.h>

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "clawvm/json_text.hpp"
#include "clawvm/line_reader.hpp"
#include "clawvm/output_file.hpp"
#include "clawvm/sidecar.hpp"
#include "clawvm/sqlite_store.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

struct serve_options {
  std::string store_path;
  std::string policy = "clawvm";
  std::uint32_t budget = 180;
  bool strict = false;
  bool lenient = false;
  std::string trace_path;
  std::uint32_t poll_us = 100;
};

// SC-1 --poll-us: before blocking on standard input for the next request, watch it for up
// to `window` (a poll that does not wait, then a yield, in a loop). A lock-step client
// writes its next request within microseconds of reading a response; a sidecar blocked
// in read() by then has let its CPU go idle, and on a VM waking an idle vCPU costs tens
// of microseconds per request (docs/performance.md, issue 14). The yield hands the CPU
// to a client sharing it. Nothing read or answered depends on this; 0 turns it off.
void watch_input(std::chrono::microseconds window) {
  if (window.count() == 0) return;
  pollfd in{0, POLLIN, 0};
  const auto until = std::chrono::steady_clock::now() + window;
  while (::poll(&in, 1, 0) == 0 && std::chrono::steady_clock::now() < until) sched_yield();
}

// SC-1: where an appended trace continues. 0 for a missing or empty file; else the seq
// after the file's last line, which must be a complete decision-trace line.
std::optional<std::uint64_t> next_trace_seq(const std::string& path, std::string& problem) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return 0;
  const auto size = static_cast<std::uint64_t>(in.tellg());
  if (size == 0) return 0;
  const std::uint64_t tail = std::min<std::uint64_t>(size, workload_line_bytes_max + 1);
  std::string bytes(tail, '\0');
  in.seekg(static_cast<std::streamoff>(size - tail));
  in.read(bytes.data(), static_cast<std::streamsize>(tail));
  if (!in || bytes.back() != '\n') {
    problem = "does not end with a complete line";
    return std::nullopt;
  }
  bytes.pop_back();
  const auto start = bytes.rfind('\n');
  nlohmann::json last;
  json_text_error why;
  if ((start == std::string::npos && tail < size) ||
      !parse_json_text(std::string_view(bytes).substr(start == std::string::npos ? 0 : start + 1), last, why) ||
      !last.is_object() || !last.contains("seq") || !last["seq"].is_number_unsigned()) {
    problem = "does not end with a decision-trace line (a JSON object with a seq)";
    return std::nullopt;
  }
  return last["seq"].get<std::uint64_t>() + 1;
}

int run_serve(const serve_options& o) {
  auto policy = policy_named(o.policy);
  if (!policy) {
    fmt::print(stderr, "clawvm serve: --policy: unknown policy '{}'\n", o.policy);
    return exit_bad_input;
  }
  auto opened = sqlite_store::open(o.store_path);
  if (auto* err = std::get_if<store_error>(&opened)) {
    fmt::print(stderr, "clawvm serve: --store {}: {}\n", o.store_path, err->message);
    return exit_bad_input;
  }
  auto store = std::move(std::get<std::unique_ptr<sqlite_store>>(opened));
  std::optional<output_file> trace_file;
  std::unique_ptr<ostream_trace_sink> sink;
  if (!o.trace_path.empty()) {
    // Appended: a restarted sidecar continues the same trace file.
    trace_file.emplace(o.trace_path, output_file::mode::append);
    if (!trace_file->is_open()) {
      fmt::print(stderr, "clawvm serve: --trace: {}\n", trace_file->error());
      return exit_bad_input;
    }
    sink = std::make_unique<ostream_trace_sink>(trace_file->stream());
  }
  sidecar_options options;
  options.engine = {*policy, o.budget, principal{true, true}};
  if (!o.trace_path.empty()) {
    std::string problem;
    const auto first = next_trace_seq(o.trace_path, problem);
    if (!first) {
      fmt::print(stderr, "clawvm serve: --trace {}: {}\n", o.trace_path, problem);
      return exit_bad_input;
    }
    options.engine.trace_first_seq = *first;
  }
  options.strict = o.strict;
  sidecar server(options, *store, sink.get());

  // Standard input through its own buffer, not C stdio's: synchronised with stdio, std::cin
  // hands out one byte per read (readsome sees nothing buffered) and flushes the tied
  // std::cout before each, which cost about 20 us per request (issue 14). Responses go
  // through stdout (fwrite + fflush below), never std::cout, so nothing is reordered.
  std::ios::sync_with_stdio(false);
  std::cin.tie(nullptr);
  line_reader lines(std::cin, sidecar_line_bytes_max);
  std::string line;
  int status = exit_ok;
  while (!server.finished()) {
    if (!lines.buffered() && std::cin.rdbuf()->in_avail() <= 0) watch_input(std::chrono::microseconds(o.poll_us));
    const auto st = lines.next(line);
    if (st == line_reader::status::end) break;
    const std::string response =
        st == line_reader::status::too_long ? server.too_long(lines.line_number()) : server.handle(line, lines.line_number());
    // The trace of this request is written before its response: a client never sees an
    // answer whose decisions the trace lost (SC-1, CLI-4).
    if (trace_file && !trace_file->flush()) {
      fmt::print(stderr, "clawvm serve: --trace: {}\n", trace_file->error());
      status = exit_bad_input;
      break;
    }
    // One response per request, flushed at once: the client waits for it (SC-2).
    std::fwrite(response.data(), 1, response.size(), stdout);
    std::fputc('\n', stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
      fmt::print(stderr, "clawvm serve: cannot write the response to standard output\n");
      status = exit_bad_input;
      break;
    }
    if (lines.abandoned()) {
      fmt::print(stderr, "clawvm serve: line {} does not end within {} bytes: input abandoned\n",
                 lines.line_number(), line_reader::skip_bytes_max_default);
      status = exit_bad_input;
      break;
    }
  }
  if (trace_file && !trace_file->commit() && status == exit_ok) {
    fmt::print(stderr, "clawvm serve: --trace: {}\n", trace_file->error());
    status = exit_bad_input;
  }
  fmt::print(stderr, "clawvm serve: {} requests, {} bad, last committed seq {}\n", server.requests(),
             server.bad_requests(), store->last_seq());
  if (server.stopped_on_bad_input()) status = exit_bad_input;
  return status;
}

}  // namespace

command add_serve(CLI::App& app) {
  auto o = std::make_shared<serve_options>();
  auto* sub = app.add_subcommand("serve", "Run the live sidecar: JSON Lines requests on stdin, responses on stdout (spec/sidecar.md)");
  sub->add_option("--store", o->store_path, "SQLite durable store (created if missing; \":memory:\" for none)")->required();
  sub->add_option("--policy", o->policy, "policy")->capture_default_str();
  sub->add_option("--budget", o->budget, "token budget")->capture_default_str()->check(CLI::Range(1U, 1000000000U));
  auto* strict = sub->add_flag("--strict", o->strict, "stop at the first bad request (exit 2)");
  sub->add_flag("--lenient", o->lenient, "answer a bad request with an error response and go on (default)")->excludes(strict);
  sub->add_option("--trace", o->trace_path, "append the decision trace to this file");
  sub->add_option("--poll-us", o->poll_us,
                  "watch standard input this many microseconds for the next request before blocking (0: block at once)")
      ->capture_default_str()
      ->check(CLI::Range(0U, 1000000U));
  return {sub, [o] { return run_serve(*o); }};
}

}  // namespace clawvm::cli
