// clawvm: the command-line tool (spec/cli.md). Each subcommand is in its own file
// (cmd_*.cpp); this file parses and dispatches. Exit codes: 0 ok, 1 a check failed,
// 2 bad input or usage.
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "clawvm/output_file.hpp"
#include "clawvm/version.hpp"
#include "command.hpp"

namespace {

// CLI-4: an integer option is decimal digits within 0 .. 2^64 - 1, nothing else: "-1" or
// "18446744073709551616" must not wrap around into a valid-looking number.
const CLI::Validator strict_unsigned(
    [](std::string& text) -> std::string {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        return "must be a non-negative decimal integer";
      }
      const std::string_view max = "18446744073709551615";
      const auto digits = text.find_first_not_of('0') == std::string::npos ? std::string_view("0")
                                                                           : std::string_view(text).substr(text.find_first_not_of('0'));
      if (digits.size() > max.size() || (digits.size() == max.size() && digits > max)) {
        return "is out of range (at most 18446744073709551615)";
      }
      return {};
    },
    "UINT", "strict unsigned integer");

// The integer options of every subcommand (CLI-4).
constexpr const char* integer_options[] = {"--seed",   "--jobs",      "--budget",         "--turns", "--random",
                                           "--window", "--max-turns", "--max-line-bytes", "--lookahead"};

}  // namespace

int main(int argc, char** argv) {
  using namespace clawvm::cli;
  CLI::App app{"clawvm: harness-managed virtual memory for tool-using LLM agents (reference implementation)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "clawvm " + std::string(clawvm::clawvm_version));
  // Registration order is the order `clawvm --help` lists them.
  std::vector<command> commands{
      add_demo(app),
      add_check_trace(app),
      add_reason_codes(app),
      add_replay(app),
      add_optimum(app),
      add_generate(app),
      add_sweep(app),
      add_ablate(app),
      add_gates(app),
      add_serve(app),
      add_suite(app),
      add_import(app),
      add_real(app),
      add_conform(app),
      add_merge(app),
  };
  for (const auto& c : commands) {
    for (const char* name : integer_options) {
      if (auto* opt = c.app->get_option_no_throw(name)) opt->check(strict_unsigned);
    }
  }
  // CLI11 says only "A subcommand is required" for a misspelt one (CLI-1).
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const auto& c : commands) {
      names += (names.empty() ? "" : ", ") + c.app->get_name();
      known = known || c.app->get_name() == argv[1];
    }
    if (!known) {
      fmt::print(stderr, "clawvm: unknown subcommand '{}' (one of {})\n", argv[1], names);
      return exit_bad_input;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_bad_input;
  }
  int status = exit_bad_input;
  try {
    for (const auto& c : commands) {
      if (c.app->parsed()) {
        status = c.run();
        break;
      }
    }
  } catch (const std::exception& e) {
    // Bugs are assertions; this catches I/O failures the commands did not anticipate.
    fmt::print(stderr, "clawvm: error: {}\n", e.what());
    return exit_bad_input;
  }
  // CLI-4: output that did not reach standard output (a full disk, a closed pipe) is a
  // failure, never a silent success.
  if (!clawvm::standard_output_ok()) {
    fmt::print(stderr, "clawvm: error: writing standard output failed\n");
    return exit_bad_input;
  }
  return status;
}
