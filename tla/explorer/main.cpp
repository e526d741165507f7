// clawvm-explore: exhaustive BFS model checker for the specs in tla/, one
// C++ mirror per spec (page_residency.hpp, journal.hpp, clawvm.hpp), one
// table entry per .cfg (configs.hpp).
//
//   clawvm-explore --list                 every config, its spec and what it checks
//   clawvm-explore NAME                   run one config (e.g. MCJournal)
//   clawvm-explore --expect NAME          run and compare with tla/expected_counts.tsv
//   clawvm-explore --all                  --expect for every config, as a table
//   clawvm-explore --check-cfg TLA_DIR    prove configs.hpp equals the .cfg files, and
//                                         expected_counts.tsv and README.md agree
//   clawvm-explore --simulate NAME [--seed S] [--traces N] [--depth D]
//                                         random behaviours instead of the complete
//                                         search (simulate.hpp; TLC's -simulate)
//   --table FILE (with --expect / --all)  another expected-results table
//
// A config whose row says `simulate` (too large to enumerate in CI) is simulated by
// --expect and --all, with the default parameters.
//
// Exit status: 0 OK (or, with --expect/--all/--check-cfg, as expected);
// 1 a counterexample (or an unexpected result); 2 usage error.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bfs.hpp"
#include "cfg_parse.hpp"
#include "configs.hpp"
#include "expected.hpp"
#include "liveness.hpp"
#include "simulate.hpp"

#ifndef CLAWVM_TLA_SOURCE_DIR
#error "CLAWVM_TLA_SOURCE_DIR (the tla/ directory) must be defined by the build"
#endif

namespace {

using namespace clawvm::tla;
namespace fs = std::filesystem;

struct Outcome {
  Verdict verdict = Verdict::ok;
  std::string failed;
  std::size_t distinct = 0;
  std::uint32_t diameter = 0;
  std::size_t trace_states = 0;
  double seconds = 0;
};

std::string_view verdict_text(Verdict v) {
  switch (v) {
    case Verdict::ok: return "OK";
    case Verdict::invariant_violated: return "invariant violated";
    case Verdict::property_violated: return "action property violated";
    case Verdict::temporal_violated: return "temporal property violated";
    case Verdict::deadlock: return "deadlock";
    case Verdict::config_error: return "config error";
  }
  return "?";
}

// The temporal properties of a config, checked after a complete search that
// found no safety violation (TLC's order too).  Returns the first violated
// one (its name, the instance, the lasso) or an empty name.
struct TemporalResult {
  std::string failed;
  std::string instance;
  Lasso lasso;
};

template <class Model>
TemporalResult check_temporal(const Config<Model>& cfg, const Model& model,
                              const Exploration<typename Model::State>& r) {
  TemporalResult out;
  std::vector<Fairness> fairness;
  if (!Model::fairness(cfg.specification, fairness))
    throw std::runtime_error("the spec has no SPECIFICATION " + std::string{cfg.specification});
  std::vector<std::size_t> parent;
  std::vector<const char*> via;
  parent.reserve(r.nodes.size());
  via.reserve(r.nodes.size());
  for (const auto& n : r.nodes) {
    parent.push_back(n.parent);
    via.push_back(n.action);
  }
  Liveness live(r.edges, std::move(parent), std::move(via), fairness);
  for (const auto& name : cfg.properties) {
    const int id = Model::property_id(name);
    if (!Model::property_is_temporal(id)) continue;
    for (std::size_t k = 0; k < model.instances(id); ++k) {
      Lasso l;
      const bool bad = live.violated([&](std::size_t u) { return model.leads_from(id, k, r.nodes[u].state); },
                                     [&](std::size_t u) { return model.leads_to(id, k, r.nodes[u].state); }, l);
      if (!bad) continue;
      out.failed = std::string{name};
      out.instance = model.instance_name(id, k);
      out.lasso = std::move(l);
      return out;
    }
  }
  return out;
}

template <class Model>
Outcome run(const Config<Model>& cfg, bool print) {
  const Model model(cfg.constants);
  bool temporal = false;
  for (const auto& name : cfg.properties) {
    const int id = Model::property_id(name);
    temporal = temporal || (id >= 0 && Model::property_is_temporal(id));
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto r = explore<HashIndex>(model, cfg.invariants, cfg.properties, temporal);
  TemporalResult live;
  if (temporal && r.verdict == Verdict::ok) {
    live = check_temporal(cfg, model, r);
    if (!live.failed.empty()) {
      r.verdict = Verdict::temporal_violated;
      r.failed = live.failed;
    }
  }
  const auto t1 = std::chrono::steady_clock::now();

  Outcome o;
  o.verdict = r.verdict;
  o.failed = std::string{r.failed};
  o.distinct = r.distinct;
  o.diameter = r.diameter;
  o.trace_states = r.verdict == Verdict::temporal_violated ? live.lasso.states.size() : trace_length(r);
  o.seconds = std::chrono::duration<double>(t1 - t0).count();
  if (!print) return o;

  std::cout << "clawvm-explore: " << cfg.name << " (spec " << cfg.spec << ", SPECIFICATION " << cfg.specification
            << ", tla/" << cfg.name << ".cfg with " << cfg.model_module << ".tla)\n";
  switch (r.verdict) {
    case Verdict::ok:
      if (temporal) std::cout << "Temporal properties hold under the spec's fairness.\n";
      std::cout << "Model checking completed. No error has been found.\n"
                << r.distinct << " distinct states found, 0 states left on queue.\n"
                << "The depth of the complete state graph search is " << r.diameter << ".\n";
      return o;
    case Verdict::config_error:
      std::cout << "Error: the model has no invariant or property named " << r.failed << ".\n";
      return o;
    case Verdict::invariant_violated:
      std::cout << "Error: Invariant " << r.failed << " is violated.\n";
      break;
    case Verdict::property_violated:
      std::cout << "Error: Action property " << r.failed << " is violated.\n";
      break;
    case Verdict::temporal_violated: {
      const Lasso& l = live.lasso;
      std::cout << "Error: Temporal property " << r.failed << " was violated"
                << (live.instance.empty() ? "" : " (instance " + live.instance + ")") << ".\n"
                << "Error: The following behavior constitutes a counter-example:\n";
      for (std::size_t k = 0; k < l.states.size(); ++k)
        std::cout << "State " << k + 1 << ": <" << l.actions[k] << ">\n"
                  << model.print(r.nodes[l.states[k]].state) << "\n";
      if (l.stutter)
        std::cout << "State " << l.states.size() + 1 << ": Stuttering\n";
      else
        std::cout << "Back to state " << l.loop_to + 1 << ": <" << l.loop_action << ">\n";
      std::cout << r.distinct << " distinct states found, 0 states left on queue (the complete search).\n";
      return o;
    }
    case Verdict::deadlock:
      std::cout << "Error: Deadlock reached.\n";
      break;
  }
  std::cout << "Error: The behavior up to this point is:\n";
  std::vector<std::size_t> path;
  for (std::size_t i = r.bad; i != no_index; i = r.nodes[i].parent) path.push_back(i);
  std::size_t k = 1;
  for (auto it = path.rbegin(); it != path.rend(); ++it, ++k) {
    const auto& node = r.nodes[*it];
    std::cout << "State " << k << ": <" << node.action << ">\n" << model.print(node.state) << "\n";
  }
  if (r.verdict == Verdict::property_violated)
    std::cout << "State " << k << ": <" << r.bad_action << ">\n" << model.print(r.bad_target) << "\n";
  std::cout << r.distinct << " distinct states found before the violation (a partial search: not comparable"
            << " with the count of a complete one).\n";
  return o;
}

// Prints the states of a behaviour, TLC's way.
template <class Model>
void print_behaviour(const Model& model, const std::vector<typename Model::State>& states,
                     const std::vector<const char*>& actions) {
  for (std::size_t k = 0; k < states.size(); ++k)
    std::cout << "State " << k + 1 << ": <" << actions[k] << ">\n" << model.print(states[k]) << "\n";
}

// --simulate: random behaviours of the config (simulate.hpp).
template <class Model>
Outcome run_simulation(const Config<Model>& cfg, const SimulationParams& params, bool print) {
  const Model model(cfg.constants);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = simulate(model, cfg.invariants, cfg.properties, params);
  const auto t1 = std::chrono::steady_clock::now();
  Outcome o;
  o.verdict = r.verdict;
  o.failed = std::string{r.failed};
  o.distinct = r.states;
  o.trace_states = r.path.size() + (r.verdict == Verdict::property_violated ? 1 : 0);
  o.seconds = std::chrono::duration<double>(t1 - t0).count();
  if (!print) return o;
  std::cout << "clawvm-explore: " << cfg.name << " (spec " << cfg.spec << ", tla/" << cfg.name << ".cfg with "
            << cfg.model_module << ".tla), random simulation: seed " << params.seed << ", up to " << params.traces
            << " behaviours of at most " << params.depth << " states; temporal properties are not checked\n";
  switch (r.verdict) {
    case Verdict::ok:
      std::cout << "Simulation completed. No error has been found.\n"
                << r.traces << " behaviours generated, " << r.states << " states checked.\n";
      return o;
    case Verdict::config_error:
      std::cout << "Error: the model has no invariant or property named " << r.failed << ".\n";
      return o;
    case Verdict::invariant_violated: std::cout << "Error: Invariant " << r.failed << " is violated.\n"; break;
    case Verdict::property_violated: std::cout << "Error: Action property " << r.failed << " is violated.\n"; break;
    case Verdict::deadlock: std::cout << "Error: Deadlock reached.\n"; break;
    case Verdict::temporal_violated: break;  // never: simulation checks no temporal property
  }
  std::cout << "Error: The behavior up to this point is:\n";
  print_behaviour(model, r.path, r.actions);
  if (r.verdict == Verdict::property_violated)
    std::cout << "State " << r.path.size() + 1 << ": <" << r.bad_action << ">\n" << model.print(r.bad_target) << "\n";
  std::cout << "Found in behaviour " << r.failing_trace + 1 << " of seed " << params.seed << " after " << r.states
            << " states (clawvm-explore --simulate " << cfg.name << " --seed " << params.seed << " --traces "
            << r.failing_trace + 1 << " --depth " << params.depth << " repeats it).\n";
  return o;
}

// The verdict a row of expected_counts.tsv asks for.
Verdict verdict_of(ExpectKind k) {
  switch (k) {
    case ExpectKind::ok: return Verdict::ok;
    case ExpectKind::invariant: return Verdict::invariant_violated;
    case ExpectKind::action: return Verdict::property_violated;
    case ExpectKind::temporal: return Verdict::temporal_violated;
    case ExpectKind::simulate: break;
  }
  return Verdict::ok;
}

// Does the outcome equal the config's row of expected_counts.tsv?
bool as_expected(const ExpectedRow& row, const Outcome& o, std::string& why) {
  std::ostringstream w;
  if (row.kind == ExpectKind::simulate) {
    if (o.verdict != Verdict::ok) w << "expected no error in simulation, got " << verdict_text(o.verdict) << " (" << o.failed << ")";
  } else if (row.kind == ExpectKind::ok) {
    if (o.verdict != Verdict::ok) {
      w << "expected OK, got " << verdict_text(o.verdict) << " (" << o.failed << ")";
    } else if (o.distinct != row.distinct || o.diameter != row.diameter) {
      w << "expected " << row.distinct << " distinct states / diameter " << row.diameter << ", got " << o.distinct
        << " / " << o.diameter;
    }
  } else if (o.verdict != verdict_of(row.kind) || o.failed != row.check) {
    w << "expected " << verdict_text(verdict_of(row.kind)) << " (" << row.check << "), got "
      << verdict_text(o.verdict) << (o.failed.empty() ? "" : " (" + o.failed + ")");
  } else if (row.kind != ExpectKind::temporal && o.trace_states != row.trace) {
    w << "expected a shortest counterexample of " << row.trace << " states, got " << o.trace_states;
  }
  why = w.str();
  return why.empty();
}

// Calls f(cfg) for every config of every spec.
template <class F>
void for_each_config(F&& f) {
  for (const auto& c : page_residency_configs) f(c);
  for (const auto& c : journal_configs) f(c);
  for (const auto& c : clawvm_configs) f(c);
  for (const auto& c : lifecycle_configs) f(c);
}

std::string read_file(const fs::path& p, bool& ok) {
  std::ifstream in(p, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Variables a model prints, from the printed initial state.
template <class Model>
std::vector<std::string> printed_variables(const Model& model) {
  std::vector<std::string> vars;
  model.init([&](const typename Model::State& s) {
    if (!vars.empty()) return;
    std::istringstream in(model.print(s));
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("/\\ ", 0) != 0) continue;
      const std::size_t eq = line.find(" = ");
      vars.push_back(line.substr(3, eq - 3));
    }
  });
  return vars;
}

template <class Model>
void check_one_cfg(const Config<Model>& cfg, const fs::path& dir, std::vector<std::string>& problems) {
  const std::string where = std::string{cfg.name} + ".cfg: ";
  bool ok = false;
  const std::string cfg_text = read_file(dir / (std::string{cfg.name} + ".cfg"), ok);
  if (!ok) {
    problems.push_back(where + "missing");
    return;
  }
  const std::string mc_text = read_file(dir / (std::string{cfg.model_module} + ".tla"), ok);
  if (!ok) {
    problems.push_back(where + std::string{cfg.model_module} + ".tla missing");
    return;
  }
  const std::string spec_text = read_file(dir / (std::string{cfg.spec} + ".tla"), ok);
  if (!ok) {
    problems.push_back(where + std::string{cfg.spec} + ".tla missing");
    return;
  }
  const cfg::ParsedCfg parsed = cfg::parse_cfg(cfg_text);
  for (const auto& e : parsed.errors) problems.push_back(where + e);
  if (parsed.specification != cfg.specification || !parsed.init.empty() || !parsed.next.empty())
    problems.push_back(where + "SPECIFICATION " + parsed.specification + " but the explorer has " +
                       std::string{cfg.specification} + " (and no INIT/NEXT is allowed)");
  std::vector<Fairness> fairness;
  if (!Model::fairness(cfg.specification, fairness))
    problems.push_back(where + "the explorer knows no fairness for SPECIFICATION " + std::string{cfg.specification});

  // Constants: cfg values and MC substitutions against the explorer's table.
  ConstantMap from_cfg = parsed.values;
  for (const auto& [constant, def] : parsed.substitutes) {
    std::string error;
    auto v = cfg::parse_fcn_definition(mc_text, def, error);
    if (!v) {
      problems.push_back(where + error);
      continue;
    }
    from_cfg[constant] = *v;
  }
  const Model model(cfg.constants);
  ConstantMap mine = model.constant_map();
  // A substituted function may cover the pages of several configs: restrict
  // it to this config's domain before comparing.
  for (auto& [constant, value] : from_cfg) {
    if (!std::holds_alternative<CfgValue::Fcn>(value.v)) continue;
    const auto mine_it = mine.find(constant);
    if (mine_it == mine.end() || !std::holds_alternative<CfgValue::Fcn>(mine_it->second.v)) continue;
    const auto& my_fcn = std::get<CfgValue::Fcn>(mine_it->second.v);
    auto& fcn = std::get<CfgValue::Fcn>(value.v);
    for (const auto& [k, x] : my_fcn)
      if (fcn.count(k) == 0) problems.push_back(where + constant + " has no value for " + k);
    for (auto it = fcn.begin(); it != fcn.end();) it = my_fcn.count(it->first) == 0 ? fcn.erase(it) : std::next(it);
  }
  for (const auto& [constant, value] : mine) {
    const auto it = from_cfg.find(constant);
    if (it == from_cfg.end())
      problems.push_back(where + "constant " + constant + " not assigned (explorer: " + value.str() + ")");
    else if (!(it->second == value))
      problems.push_back(where + "constant " + constant + " = " + it->second.str() + " but the explorer has " +
                         value.str());
  }
  for (const auto& [constant, value] : from_cfg)
    if (mine.count(constant) == 0) problems.push_back(where + "constant " + constant + " unknown to the explorer");

  // The spec declares exactly these constants and the model's variables.
  const auto declared = cfg::declared_names(spec_text, "CONSTANTS");
  const std::set<std::string> declared_set(declared.begin(), declared.end());
  std::set<std::string> mine_names;
  for (const auto& kv : mine) mine_names.insert(kv.first);
  if (declared_set != mine_names) problems.push_back(where + std::string{cfg.spec} + ".tla CONSTANTS differ from the explorer's");
  const auto vars = cfg::declared_names(spec_text, "VARIABLES");
  if (vars != printed_variables(model))
    problems.push_back(where + std::string{cfg.spec} + ".tla VARIABLES differ from the explorer's state");

  // Checks: same lists, same order; every Inv/Prop of the spec is mirrored.
  std::vector<std::string> inv(cfg.invariants.begin(), cfg.invariants.end());
  std::vector<std::string> prop(cfg.properties.begin(), cfg.properties.end());
  if (parsed.invariants != inv) problems.push_back(where + "INVARIANT list differs from the explorer's");
  if (parsed.properties != prop) problems.push_back(where + "PROPERTY list differs from the explorer's");
  for (const auto& d : cfg::defined_names(spec_text)) {
    const bool is_inv = d.size() > 3 && d.compare(d.size() - 3, 3, "Inv") == 0;
    const bool is_prop = d.size() > 4 && d.compare(d.size() - 4, 4, "Prop") == 0;
    if (is_inv && Model::invariant_id(d) < 0) problems.push_back(where + d + " is not mirrored by the explorer");
    if (is_prop && Model::property_id(d) < 0) problems.push_back(where + d + " is not mirrored by the explorer");
  }
  {
    const auto defs = cfg::defined_names(spec_text);
    if (std::find(defs.begin(), defs.end(), std::string{cfg.specification}) == defs.end())
      problems.push_back(where + std::string{cfg.specification} + " is not defined in " + std::string{cfg.spec} + ".tla");
    for (const auto& n : Model::property_names)
      if (std::find(defs.begin(), defs.end(), std::string{n}) == defs.end())
        problems.push_back(where + std::string{n} + " is not defined in " + std::string{cfg.spec} + ".tla");
  }
  for (const auto& n : Model::invariant_names) {
    const auto defs = cfg::defined_names(spec_text);
    if (std::find(defs.begin(), defs.end(), std::string{n}) == defs.end())
      problems.push_back(where + std::string{n} + " is not defined in " + std::string{cfg.spec} + ".tla");
  }
  // A _bug config sets exactly its bug constant(s) TRUE; others all FALSE.
  const bool is_bug = cfg.name.size() > 4 && cfg.name.substr(cfg.name.size() - 4) == "_bug";
  bool any_bug_true = false;
  for (const auto& [constant, value] : mine) {
    const bool bug_constant = constant.size() > 3 && constant.compare(constant.size() - 3, 3, "Bug") == 0;
    if (bug_constant && std::get<bool>(value.v)) any_bug_true = true;
  }
  if (is_bug != any_bug_true)
    problems.push_back(where + (is_bug ? "a _bug config must set a bug constant TRUE"
                                       : "a green config must set every bug constant FALSE"));
}

// expected_counts.tsv: one row per config; a _bug config expects a violation
// of one of the checks its .cfg lists (of the right kind), a green one OK.
template <class Model>
void check_one_row(const Config<Model>& cfg, const ExpectedTable& table, std::vector<std::string>& problems) {
  const std::string where = "expected_counts.tsv: " + std::string{cfg.name} + ": ";
  const ExpectedRow* row = table.find(cfg.name);
  if (row == nullptr) {
    problems.push_back(where + "no row");
    return;
  }
  const bool is_bug = cfg.name.size() > 4 && cfg.name.substr(cfg.name.size() - 4) == "_bug";
  const bool expects_violation = row->kind != ExpectKind::ok && row->kind != ExpectKind::simulate;
  if (is_bug != expects_violation)
    problems.push_back(where + (is_bug ? "a _bug config must expect a violation" : "a green config must expect ok or simulate"));
  if (row->kind == ExpectKind::invariant &&
      std::find(cfg.invariants.begin(), cfg.invariants.end(), row->check) == cfg.invariants.end())
    problems.push_back(where + std::string{row->check} + " is not an INVARIANT of the cfg");
  if ((row->kind == ExpectKind::action || row->kind == ExpectKind::temporal) &&
      std::find(cfg.properties.begin(), cfg.properties.end(), row->check) == cfg.properties.end())
    problems.push_back(where + std::string{row->check} + " is not a PROPERTY of the cfg");
  if (row->kind == ExpectKind::action || row->kind == ExpectKind::temporal) {
    const int id = Model::property_id(row->check);
    const bool temporal = id >= 0 && Model::property_is_temporal(id);
    if (id >= 0 && temporal != (row->kind == ExpectKind::temporal))
      problems.push_back(where + std::string{row->check} + " is " + (temporal ? "a temporal" : "an action") +
                         " property, the row says " + std::string{expect_kind_name(row->kind)});
  }
}

// The cells of a markdown table row: "| a | b |" -> {"a", "b"} (trimmed).
std::vector<std::string> markdown_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 1;
  while (start < line.size()) {
    const std::size_t bar = line.find('|', start);
    if (bar == std::string::npos) break;
    std::string c = line.substr(start, bar - start);
    const std::size_t b = c.find_first_not_of(' ');
    const std::size_t e = c.find_last_not_of(' ');
    cells.push_back(b == std::string::npos ? "" : c.substr(b, e - b + 1));
    start = bar + 1;
  }
  return cells;
}

// tla/README.md repeats the table in its "Configs and results" section: a row
// "| `NAME` | expectation | distinct | diameter | trace | ..." per config, whose
// distinct, diameter and trace cells must equal the TSV's (blank for "-").
void check_readme(const fs::path& dir, const ExpectedTable& table, std::vector<std::string>& problems) {
  bool ok = false;
  const std::string text = read_file(dir / "README.md", ok);
  if (!ok) {
    problems.push_back("README.md missing");
    return;
  }
  std::set<std::string> seen;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `MC", 0) != 0) continue;
    const auto cells = markdown_cells(line);
    if (cells.size() < 5 || cells[0].size() < 3) continue;
    const std::string name = cells[0].substr(1, cells[0].size() - 2);
    const ExpectedRow* row = table.find(name);
    if (row == nullptr || cells[0].back() != '`') continue;  // another table (e.g. the counterexamples)
    seen.insert(name);
    const bool okrow = row->kind == ExpectKind::ok;
    const bool has_trace = row->kind == ExpectKind::invariant || row->kind == ExpectKind::action;
    const std::string distinct = okrow ? std::to_string(row->distinct) : "";
    const std::string diameter = okrow ? std::to_string(row->diameter) : "";
    const std::string trace = has_trace ? std::to_string(row->trace) : "";
    if (cells[2] != distinct || cells[3] != diameter || cells[4] != trace)
      problems.push_back("README.md: row " + name + " says " + cells[2] + "/" + cells[3] + "/" + cells[4] +
                         " (distinct/diameter/trace), expected_counts.tsv says " + distinct + "/" + diameter + "/" +
                         trace);
  }
  for (const auto& r : table.rows)
    if (seen.count(std::string{r.config}) == 0)
      problems.push_back("README.md: the results table has no row for " + std::string{r.config});
}

int check_cfg(const fs::path& dir) {
  std::vector<std::string> problems;
  std::set<std::string> known;
  std::size_t checked = 0;
  bool tsv_ok = false;
  const std::string tsv_text = read_file(dir / "expected_counts.tsv", tsv_ok);
  const ExpectedTable table = parse_expected(tsv_text);
  if (!tsv_ok) problems.push_back("expected_counts.tsv missing");
  if (!table.error.empty())
    problems.push_back("expected_counts.tsv:" + std::to_string(table.error_line) + ": " + std::string{table.error});
  for_each_config([&](const auto& cfg) {
    known.insert(std::string{cfg.name} + ".cfg");
    check_one_cfg(cfg, dir, problems);
    check_one_row(cfg, table, problems);
    ++checked;
  });
  for (const auto& r : table.rows)
    if (known.count(std::string{r.config} + ".cfg") == 0)
      problems.push_back("expected_counts.tsv:" + std::to_string(r.line) + ": " + std::string{r.config} +
                         " is no config of the explorer");
  check_readme(dir, table, problems);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string f = entry.path().filename().string();
    // MC*.cfg are model-checking configs; Trace*.cfg (trace validation) are TLC-only.
    if (entry.path().extension() == ".cfg" && f.rfind("MC", 0) == 0 && known.count(f) == 0)
      problems.push_back(f + ": no explorer config mirrors it (add it to configs.hpp)");
  }
  if (ec) problems.push_back("cannot list " + dir.string() + ": " + ec.message());
  for (const auto& p : problems) std::cout << "cfg-sync: " << p << "\n";
  std::cout << "cfg-sync: " << checked << " configs checked against " << dir.string() << ", " << problems.size()
            << " problem(s)\n";
  return problems.empty() ? 0 : 1;
}

// Decimal digits only, at most 2^64 - 1.
bool parse_count(const std::string& s, std::uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

int usage() {
  std::cerr << "usage: clawvm-explore NAME | --expect NAME | --all | --list | --check-cfg TLA_DIR\n"
               "       | --simulate NAME [--seed S] [--traces N] [--depth D]   (defaults 1, 1000, 100)\n"
               "       [--table FILE] with --expect and --all (default: the source tree's\n"
               "       tla/expected_counts.tsv)\n"
               "       NAME is a config stem, e.g. MCJournal (see --list)\n";
  return 2;
}

// Reads and parses the expected-results table; nullopt (after a message) on error.
std::optional<ExpectedTable> load_table(const std::string& path, std::string& text) {
  bool ok = false;
  text = read_file(path, ok);
  if (!ok) {
    std::cerr << "clawvm-explore: cannot read " << path << "\n";
    return std::nullopt;
  }
  ExpectedTable t = parse_expected(text);
  if (!t.error.empty()) {
    std::cerr << "clawvm-explore: " << path << ":" << t.error_line << ": " << t.error << "\n";
    return std::nullopt;
  }
  return t;
}

int run_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string table_path = std::string{CLAWVM_TLA_SOURCE_DIR} + "/expected_counts.tsv";
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "--table") continue;
    table_path = args[i + 1];
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    break;
  }
  if (args.size() == 1 && args[0] == "--list") {
    for_each_config([](const auto& cfg) {
      std::cout << cfg.name << "  [" << cfg.spec << ": ";
      for (const auto& n : cfg.invariants) std::cout << n << " ";
      for (const auto& n : cfg.properties) std::cout << n << " ";
      std::cout << "]  " << cfg.about << "\n";
    });
    return 0;
  }
  if (args.size() == 2 && args[0] == "--check-cfg") return check_cfg(args[1]);
  if (args.size() == 1 && args[0] == "--all") {
    std::string text;
    const auto table = load_table(table_path, text);
    if (!table) return 2;
    int bad = 0;
    std::printf("%-46s %-14s %10s %9s %7s %26s\n", "config", "spec", "distinct", "diameter", "trace", "result");
    for_each_config([&](const auto& cfg) {
      const ExpectedRow* row = table->find(cfg.name);
      const bool simulated = row != nullptr && row->kind == ExpectKind::simulate;
      const Outcome o = simulated ? run_simulation(cfg, SimulationParams{}, false) : run(cfg, false);
      std::string why;
      const bool good = row != nullptr && as_expected(*row, o, why);
      if (row == nullptr) why = "no row in " + table_path;
      bad += good ? 0 : 1;
      const bool ok = o.verdict == Verdict::ok;
      const bool lasso = o.verdict == Verdict::temporal_violated;
      std::printf("%-46s %-14s %10s %9s %7s %26s  (%.2fs)%s%s\n", std::string{cfg.name}.c_str(),
                  std::string{cfg.spec}.c_str(), ok && !simulated ? std::to_string(o.distinct).c_str() : "-",
                  ok && !simulated ? std::to_string(o.diameter).c_str() : "-",
                  ok || lasso ? "-" : std::to_string(o.trace_states).c_str(),
                  ok ? (simulated ? "OK (simulated)" : "OK") : o.failed.c_str(),
                  o.seconds, good ? "" : "  UNEXPECTED: ", why.c_str());
    });
    return bad == 0 ? 0 : 1;
  }
  std::optional<SimulationParams> simulation;
  if (!args.empty() && args[0] == "--simulate") {
    SimulationParams p;
    std::vector<std::string> rest;
    for (std::size_t i = 1; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--seed" || a == "--traces" || a == "--depth") {
        std::uint64_t v = 0;
        if (i + 1 >= args.size() || !parse_count(args[i + 1], v) || (a != "--seed" && v == 0)) {
          std::cerr << "clawvm-explore: " << a << " needs a " << (a == "--seed" ? "non-negative" : "positive")
                    << " decimal integer\n";
          return 2;
        }
        ++i;
        if (a == "--seed") p.seed = v;
        if (a == "--traces") p.traces = static_cast<std::size_t>(v);
        if (a == "--depth") p.depth = static_cast<std::size_t>(v);
      } else {
        rest.push_back(a);
      }
    }
    if (rest.size() != 1 || rest[0].rfind("--", 0) == 0) return usage();
    simulation = p;
    args = rest;
  }
  const bool expect = args.size() == 2 && args[0] == "--expect";
  if (!(args.size() == 1 && args[0].rfind("--", 0) != 0) && !expect) return usage();
  const std::string& name = args.back();

  std::string text;
  std::optional<ExpectedTable> table;
  if (expect) {
    table = load_table(table_path, text);
    if (!table) return 2;
  }
  int status = -1;
  for_each_config([&](const auto& cfg) {
    if (cfg.name != name) return;
    const ExpectedRow* expected_row = expect ? table->find(cfg.name) : nullptr;
    const bool simulated = simulation.has_value() || (expected_row != nullptr && expected_row->kind == ExpectKind::simulate);
    const Outcome o = simulated ? run_simulation(cfg, simulation.value_or(SimulationParams{}), true) : run(cfg, true);
    if (o.verdict == Verdict::config_error) {
      status = 2;
      return;
    }
    if (expect) {
      std::string why;
      const ExpectedRow* row = table->find(cfg.name);
      const bool good = row != nullptr && as_expected(*row, o, why);
      if (row == nullptr) why = "no row for " + name + " in " + table_path;
      std::cout << (good ? "as expected (" + table_path + ")\n" : "UNEXPECTED: " + why + "\n");
      status = good ? 0 : 1;
    } else {
      status = o.verdict == Verdict::ok ? 0 : 1;
    }
  });
  if (status < 0) {
    std::cerr << "clawvm-explore: unknown config '" << name << "' (see --list)\n";
    return 2;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "clawvm-explore: internal error: " << e.what() << "\n";
  } catch (const char* e) {
    std::cerr << "clawvm-explore: internal error: " << e << "\n";
  }
  return 3;
}
