// Subcommand generate (spec/generators.md GEN-12): writes one generated workload as JSON
// Lines, so it can be saved, edited and replayed (`clawvm replay`).
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/core.h>

#include "clawvm/eval/generators.hpp"
#include "clawvm/output_file.hpp"
#include "command.hpp"

namespace clawvm::cli {

namespace {

// Generated workloads are held in memory before they are written: bound their size.
constexpr std::uint32_t generate_turns_max = 100000;

// "long_plan, evidence_churn, ... or cross_reference": every family's wire name (GEN-1).
std::string family_names_text() {
  std::string out;
  for (std::size_t i = 0; i < eval::workload_family_count; ++i) {
    if (i > 0) out += i + 1 == eval::workload_family_count ? " or " : ", ";
    out += eval::to_string(static_cast<eval::workload_family>(i));
  }
  return out;
}

struct generate_options {
  std::string family;
  std::uint64_t seed = 42;
  std::uint32_t turns = 0;
  std::string out_path;
};

int run_generate(const generate_options& o) {
  const auto family = eval::parse_workload_family(o.family);
  if (!family) {
    fmt::print(stderr, "clawvm generate: --family: unknown family '{}' ({})\n", o.family, family_names_text());
    return exit_bad_input;
  }
  const workload w = eval::generate_workload(*family, {o.seed, o.turns});
  if (o.out_path == "-") {
    write_workload(std::cout, w);
    std::cout.flush();
    return std::cout ? exit_ok : exit_bad_input;
  }
  output_file out(o.out_path);
  if (out.is_open()) write_workload(out.stream(), w);
  if (!out.commit()) {
    fmt::print(stderr, "clawvm generate: --out: {}\n", out.error());
    return exit_bad_input;
  }
  std::uint64_t turns = 0;
  for (const auto& e : w.events) turns += std::holds_alternative<workload_events::turn_end>(e) ? 1U : 0U;
  fmt::print("{}: workload {} ({} events, {} turns)\n", o.out_path, w.header.name, w.events.size(), turns);
  return exit_ok;
}

}  // namespace

command add_generate(CLI::App& app) {
  auto o = std::make_shared<generate_options>();
  auto* sub = app.add_subcommand("generate", "Write a seeded synthetic workload (JSON Lines) of one generator family");
  sub->add_option("--family", o->family, family_names_text())->required();
  sub->add_option("--seed", o->seed, "generator seed")->capture_default_str();
  sub->add_option("--turns", o->turns, "turns to generate (0: the family's default; raised to its minimum)")
      ->capture_default_str()
      ->check(CLI::Range(0U, generate_turns_max));
  sub->add_option("--out", o->out_path, "output file ('-': standard output)")->required();
  return {sub, [o] { return run_generate(*o); }};
}

}  // namespace clawvm::cli
