// clawvm: the command-line tool (spec/cli.md). Each subcommand is in its own file
// (cmd_*.cpp); this file parses and dispatches. Exit codes: 0 ok, 1 a check failed,
// 2 bad input or usage.
#include <exception>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "command.hpp"

int main(int argc, char** argv) {
  using namespace clawvm::cli;
  CLI::App app{"clawvm: harness-managed virtual memory for tool-using LLM agents (reference implementation)"};
  app.require_subcommand(1);
  // Registration order is the order `clawvm --help` lists them.
  std::vector<command> commands{
      add_demo(app),
      add_check_trace(app),
      add_reason_codes(app),
      add_replay(app),
      add_generate(app),
      add_sweep(app),
      add_ablate(app),
      add_gates(app),
      add_serve(app),
      add_suite(app),
      add_import(app),
      add_real(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_bad_input;
  }
  try {
    for (const auto& c : commands) {
      if (c.app->parsed()) return c.run();
    }
  } catch (const std::exception& e) {
    // Bugs are assertions; this catches I/O failures the commands did not anticipate.
    fmt::print(stderr, "clawvm: error: {}\n", e.what());
    return exit_bad_input;
  }
  return exit_bad_input;
}
