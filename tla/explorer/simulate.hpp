// Random simulation: the explorer's counterpart of TLC's `-simulate`, for configs too
// large to enumerate (tla/README.md, "Simulation").
//
// A run is `traces` random behaviours of at most `depth` states each. Behaviour k
// (0-based) draws from its own generator, seeded from (seed, k) alone, so one seed names
// one run on any machine, and behaviour k can be replayed without the others. Each step
// lists every successor the spec allows (stuttering ones included, as TLC does) and picks
// one uniformly; a stuttering pick is drawn again (it changes nothing and is not counted),
// and a state whose only successors are stuttering ends its behaviour early. As in the exhaustive search, invariants are
// checked on every state, action properties on every non-stuttering step, and a state
// without any successor is a deadlock. Temporal properties are not checked: a finite
// random prefix cannot refute a leads-to (TLC's simulation does not claim them either).
//
// The numbers differ from TLC's (its generator and its choice of successors are its own):
// what the two share is the meaning of the parameters and the verdicts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "bfs.hpp"
#include "clawvm/splitmix64.hpp"

namespace clawvm::tla {

// splitmix64 (clawvm/splitmix64.hpp): a small, well-mixed generator whose whole state is
// one word.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : x_(seed) {}
  std::uint64_t next() { return x_.next(); }
  // Uniform in [0, n), n > 0 (rejection sampling: no modulo bias).
  std::size_t below(std::size_t n) {
    const std::uint64_t bound = static_cast<std::uint64_t>(n);
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t r = next();
    while (r >= limit) r = next();
    return static_cast<std::size_t>(r % bound);
  }

 private:
  clawvm::splitmix64 x_;
};

// The generator of behaviour k of a run with `seed`.
inline SplitMix64 behaviour_generator(std::uint64_t seed, std::size_t k) {
  SplitMix64 mixer(seed);
  const std::uint64_t base = mixer.next();
  return SplitMix64(base ^ (0xd1b54a32d192ed03ULL * (static_cast<std::uint64_t>(k) + 1U)));
}

struct SimulationParams {
  std::uint64_t seed = 1;
  std::size_t traces = 1000;
  std::size_t depth = 100;  // states per behaviour, the initial one included (TLC's -depth)
};

template <class State>
struct Simulation {
  Verdict verdict = Verdict::ok;
  std::string_view failed{};
  std::size_t traces = 0;         // behaviours generated (the failing one included)
  std::size_t states = 0;         // states visited, over all behaviours
  std::size_t failing_trace = 0;  // 0-based index of the behaviour that failed
  std::vector<State> path;        // the failing behaviour, up to the bad state (or the bad step's source)
  std::vector<const char*> actions;
  State bad_target{};  // target of a bad step (action property)
  const char* bad_action = "";
};

template <class Model>
Simulation<typename Model::State> simulate(const Model& model, const NameList& invariants,
                                           const NameList& properties, const SimulationParams& params) {
  using State = typename Model::State;
  Simulation<State> r;
  std::vector<int> inv_ids;
  std::vector<std::pair<int, std::string_view>> action_props;
  for (const auto& name : invariants) {
    inv_ids.push_back(model.invariant_id(name));
    if (inv_ids.back() < 0) {
      r.verdict = Verdict::config_error;
      r.failed = name;
      return r;
    }
  }
  for (const auto& name : properties) {
    const int id = model.property_id(name);
    if (id < 0) {
      r.verdict = Verdict::config_error;
      r.failed = name;
      return r;
    }
    if (!Model::property_is_temporal(id)) action_props.emplace_back(id, name);
  }
  std::vector<State> initial;
  model.init([&](const State& s) { initial.push_back(s); });

  // The first invariant `s` violates, or an empty view.
  auto violated = [&](const State& s) -> std::string_view {
    for (std::size_t k = 0; k < inv_ids.size(); ++k)
      if (!model.invariant(inv_ids[k], s)) return invariants.names[k];
    return {};
  };

  std::vector<std::pair<const char*, State>> successors;
  for (std::size_t k = 0; k < params.traces && !initial.empty(); ++k) {
    SplitMix64 rng = behaviour_generator(params.seed, k);
    r.traces = k + 1;
    r.path.assign(1, initial[rng.below(initial.size())]);
    r.actions.assign(1, "Initial predicate");
    ++r.states;
    if (const auto bad = violated(r.path.back()); !bad.empty()) {
      r.verdict = Verdict::invariant_violated;
      r.failed = bad;
      r.failing_trace = k;
      return r;
    }
    while (r.path.size() < params.depth) {
      const State from = r.path.back();
      successors.clear();
      bool moves = false;
      model.next(from, [&](const char* action, const State& to) {
        successors.emplace_back(action, to);
        moves = moves || !(to == from);
      });
      if (successors.empty()) {
        r.verdict = Verdict::deadlock;
        r.failed = "deadlock";
        r.failing_trace = k;
        return r;
      }
      if (!moves) break;  // only stuttering is left
      const auto& [action, to] = successors[rng.below(successors.size())];
      if (to == from) continue;  // a stuttering step: [A]_vars holds, nothing to check
      for (const auto& [id, name] : action_props) {
        if (!model.property(id, from, to)) {
          r.verdict = Verdict::property_violated;
          r.failed = name;
          r.failing_trace = k;
          r.bad_target = to;
          r.bad_action = action;
          return r;
        }
      }
      r.path.push_back(to);
      r.actions.push_back(action);
      ++r.states;
      if (const auto bad = violated(to); !bad.empty()) {
        r.verdict = Verdict::invariant_violated;
        r.failed = bad;
        r.failing_trace = k;
        return r;
      }
    }
  }
  r.path.clear();
  r.actions.clear();
  return r;
}

}  // namespace clawvm::tla
