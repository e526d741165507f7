// clawvm-explore: exhaustive BFS model checker for the specs in tla/, one
// C++ mirror per spec (page_residency.hpp, journal.hpp, clawvm.hpp), one
// table entry per .cfg (configs.hpp).
//
//   clawvm-explore --list                 every config, its spec and expectation
//   clawvm-explore NAME                   run one config (e.g. MCJournal)
//   clawvm-explore --expect NAME          run and compare with the pinned result
//   clawvm-explore --all                  --expect for every config, as a table
//   clawvm-explore --check-cfg TLA_DIR    prove configs.hpp equals the .cfg files
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
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bfs.hpp"
#include "cfg_parse.hpp"
#include "configs.hpp"

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
    case Verdict::property_violated: return "property violated";
    case Verdict::deadlock: return "deadlock";
    case Verdict::config_error: return "config error";
  }
  return "?";
}

template <class Model>
Outcome run(const Config<Model>& cfg, bool print) {
  const Model model(cfg.constants);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = explore<HashIndex>(model, cfg.invariants, cfg.properties);
  const auto t1 = std::chrono::steady_clock::now();

  Outcome o;
  o.verdict = r.verdict;
  o.failed = std::string{r.failed};
  o.distinct = r.distinct;
  o.diameter = r.diameter;
  o.trace_states = trace_length(r);
  o.seconds = std::chrono::duration<double>(t1 - t0).count();
  if (!print) return o;

  std::cout << "clawvm-explore: " << cfg.name << " (spec " << cfg.spec << ", tla/" << cfg.name << ".cfg with "
            << cfg.model_module << ".tla)\n";
  switch (r.verdict) {
    case Verdict::ok:
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

// Does the outcome equal what configs.hpp pins?
template <class Model>
bool as_expected(const Config<Model>& cfg, const Outcome& o, std::string& why) {
  std::ostringstream w;
  if (cfg.expect == Expect::ok) {
    if (o.verdict != Verdict::ok) {
      w << "expected OK, got " << verdict_text(o.verdict) << " (" << o.failed << ")";
    } else if (o.distinct != cfg.distinct || o.diameter != cfg.diameter) {
      w << "expected " << cfg.distinct << " distinct states / diameter " << cfg.diameter << ", got " << o.distinct
        << " / " << o.diameter;
    }
  } else {
    const bool right_kind = o.verdict == Verdict::invariant_violated || o.verdict == Verdict::property_violated;
    if (!right_kind || o.failed != cfg.expected_failure) {
      w << "expected a counterexample to " << cfg.expected_failure << ", got " << verdict_text(o.verdict)
        << (o.failed.empty() ? "" : " (" + o.failed + ")");
    } else if (o.trace_states != cfg.trace_states) {
      w << "expected a shortest counterexample of " << cfg.trace_states << " states, got " << o.trace_states;
    }
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
  if (parsed.specification != "Spec" || !parsed.init.empty() || !parsed.next.empty())
    problems.push_back(where + "expected SPECIFICATION Spec (and no INIT/NEXT)");

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
  if (is_bug != (cfg.expect == Expect::violation))
    problems.push_back(where + "only _bug configs may expect a counterexample");
}

int check_cfg(const fs::path& dir) {
  std::vector<std::string> problems;
  std::set<std::string> known;
  std::size_t checked = 0;
  for_each_config([&](const auto& cfg) {
    known.insert(std::string{cfg.name} + ".cfg");
    check_one_cfg(cfg, dir, problems);
    ++checked;
  });
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string f = entry.path().filename().string();
    if (entry.path().extension() == ".cfg" && known.count(f) == 0)
      problems.push_back(f + ": no explorer config mirrors it (add it to configs.hpp)");
  }
  if (ec) problems.push_back("cannot list " + dir.string() + ": " + ec.message());
  for (const auto& p : problems) std::cout << "cfg-sync: " << p << "\n";
  std::cout << "cfg-sync: " << checked << " configs checked against " << dir.string() << ", " << problems.size()
            << " problem(s)\n";
  return problems.empty() ? 0 : 1;
}

int usage() {
  std::cerr << "usage: clawvm-explore NAME | --expect NAME | --all | --list | --check-cfg TLA_DIR\n"
               "       NAME is a config stem, e.g. MCJournal (see --list)\n";
  return 2;
}

int run_main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--list") {
    for_each_config([](const auto& cfg) {
      std::cout << cfg.name << "  [" << cfg.spec << ", "
                << (cfg.expect == Expect::ok ? std::string{"expect OK"}
                                             : "expect counterexample to " + std::string{cfg.expected_failure})
                << "]  " << cfg.about << "\n";
    });
    return 0;
  }
  if (args.size() == 2 && args[0] == "--check-cfg") return check_cfg(args[1]);
  if (args.size() == 1 && args[0] == "--all") {
    int bad = 0;
    std::printf("%-46s %-14s %10s %9s %7s %8s\n", "config", "spec", "distinct", "diameter", "trace", "result");
    for_each_config([&](const auto& cfg) {
      const Outcome o = run(cfg, false);
      std::string why;
      const bool good = as_expected(cfg, o, why);
      bad += good ? 0 : 1;
      const bool ok = o.verdict == Verdict::ok;
      std::printf("%-46s %-14s %10s %9s %7s %8s  (%.2fs)%s%s\n", std::string{cfg.name}.c_str(),
                  std::string{cfg.spec}.c_str(), ok ? std::to_string(o.distinct).c_str() : "-",
                  ok ? std::to_string(o.diameter).c_str() : "-", ok ? "-" : std::to_string(o.trace_states).c_str(),
                  ok ? "OK" : o.failed.c_str(), o.seconds, good ? "" : "  UNEXPECTED: ", why.c_str());
    });
    return bad == 0 ? 0 : 1;
  }
  const bool expect = args.size() == 2 && args[0] == "--expect";
  if (!(args.size() == 1 && args[0].rfind("--", 0) != 0) && !expect) return usage();
  const std::string& name = args.back();

  int status = -1;
  for_each_config([&](const auto& cfg) {
    if (cfg.name != name) return;
    const Outcome o = run(cfg, true);
    if (o.verdict == Verdict::config_error) {
      status = 2;
      return;
    }
    if (expect) {
      std::string why;
      const bool good = as_expected(cfg, o, why);
      std::cout << (good ? "as expected\n" : "UNEXPECTED: " + why + "\n");
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
