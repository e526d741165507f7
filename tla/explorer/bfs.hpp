// Exhaustive breadth-first state-space exploration with TLC's counting rules.
//
// The explorer mirrors what TLC does for `-config X.cfg X.tla` with one
// worker (`-workers 1`, strict BFS):
//  * a state is exactly the tuple of the spec's variables (no view, no
//    symmetry): two states are equal iff every variable is equal;
//  * the initial states are level 1 (TLC: "with a single init state the
//    diameter is 1, not 0"); a state first reached from a level-n state is
//    level n+1; the reported diameter ("depth of the complete state graph
//    search") is the largest level;
//  * a disabled action adds nothing; a stuttering step (successor equal to
//    its source) adds no state but does count as a successor, so a state
//    whose only enabled action stutters is not a deadlock;
//  * invariants are checked, in the cfg's order, on every initial state and
//    on every new state when it is generated; an action property [][A]_vars
//    is checked on every non-stuttering transition, also those that lead to
//    an already-seen state; a state with no successor at all is a deadlock
//    (TLC's default).  The first violation stops the search; BFS makes its
//    trace a shortest one.
//
// The same engine runs at compile time (SortedIndex: std::vector +
// std::lower_bound, usable in constant evaluation) and at run time
// (HashIndex: std::unordered_set).  A model provides:
//    using State = ...;                       // regular, totally ordered, hash()
//    init(emit)       emit(const State&)
//    next(s, emit)    emit(const char* action, const State&)
//    invariant_id(std::string_view) -> int (-1: unknown)
//    invariant(int id, const State&) -> bool
//    property_id(std::string_view) -> int (-1: unknown)
//    property(int id, const State& from, const State& to) -> bool
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace clawvm::tla {

inline constexpr std::size_t no_index = static_cast<std::size_t>(-1);

enum class Verdict : std::uint8_t {
  ok,
  invariant_violated,
  property_violated,  // an action property [][A]_vars
  temporal_violated,  // a temporal (liveness) property, under the spec's fairness
  deadlock,
  config_error,  // a cfg names an invariant or property the model lacks
};

// Lists of names as they appear in a .cfg (INVARIANT / PROPERTY lines).
inline constexpr std::size_t max_checks = 8;
struct NameList {
  std::array<std::string_view, max_checks> names{};
  std::size_t size = 0;

  [[nodiscard]] constexpr const std::string_view* begin() const { return names.data(); }
  [[nodiscard]] constexpr const std::string_view* end() const { return names.data() + size; }
};

template <class... S>
constexpr NameList names(S... s) {
  static_assert(sizeof...(S) <= max_checks);
  return NameList{{std::string_view{s}...}, sizeof...(S)};
}

template <class State>
struct Node {
  State state;
  std::size_t parent;  // no_index for initial states
  const char* action;  // action that first reached this state
  std::uint32_t level;  // 1 for initial states
};

// The state graph, for liveness checking: the non-stuttering transitions of
// every node, in compressed rows (the successors of node i are
// target[begin[i] .. begin[i+1]), each with the action that produced it).  A
// transition produced by several actions appears once per action.
struct Edges {
  std::vector<std::size_t> begin;  // size distinct + 1 when complete
  std::vector<std::size_t> target;
  std::vector<const char*> action;
};

template <class State>
struct Exploration {
  Verdict verdict = Verdict::ok;
  std::string_view failed{};  // violated invariant / property name
  std::size_t distinct = 0;
  std::uint32_t diameter = 0;
  std::vector<Node<State>> nodes;  // every state, in BFS order
  std::size_t bad = no_index;      // violating state, or source of the bad step
  State bad_target{};              // target of a bad step (property)
  const char* bad_action = "";
  Edges edges;  // filled when explore() is asked to (record_edges)
};

// Compile-time friendly index over nodes: sorted node indices.
template <class State>
class SortedIndex {
 public:
  constexpr explicit SortedIndex(const std::vector<Node<State>>& nodes) : nodes_(&nodes) {}
  // Index the last node; returns its index, or that of an equal state indexed
  // before (then the caller drops the last node).
  constexpr std::size_t insert_last() {
    const std::size_t i = nodes_->size() - 1;
    const auto& all = *nodes_;
    auto it = std::lower_bound(idx_.begin(), idx_.end(), i, [&all](std::size_t a, std::size_t b) {
      return all[a].state < all[b].state;
    });
    if (it != idx_.end() && all[*it].state == all[i].state) return *it;
    idx_.insert(it, i);
    return i;
  }

 private:
  const std::vector<Node<State>>* nodes_;
  std::vector<std::size_t> idx_;
};

// Run-time index: hash set of node indices.
template <class State>
class HashIndex {
 public:
  explicit HashIndex(const std::vector<Node<State>>& nodes)
      : set_(1024, Hash{&nodes}, Equal{&nodes}), nodes_(&nodes) {}
  std::size_t insert_last() { return *set_.insert(nodes_->size() - 1).first; }

 private:
  struct Hash {
    const std::vector<Node<State>>* nodes;
    std::size_t operator()(std::size_t i) const { return static_cast<std::size_t>((*nodes)[i].state.hash()); }
  };
  struct Equal {
    const std::vector<Node<State>>* nodes;
    bool operator()(std::size_t a, std::size_t b) const { return (*nodes)[a].state == (*nodes)[b].state; }
  };
  std::unordered_set<std::size_t, Hash, Equal> set_;
  const std::vector<Node<State>>* nodes_;
};

// Explores the reachable states; checks the invariants and the action
// properties among `properties` (temporal ones are left to liveness.hpp, which
// needs the whole graph: record_edges keeps it).
template <template <class> class Index, class Model>
constexpr Exploration<typename Model::State> explore(const Model& model, const NameList& invariants,
                                                     const NameList& properties, bool record_edges = false) {
  using State = typename Model::State;
  Exploration<State> r;

  std::array<int, max_checks> inv_ids{};
  std::array<int, max_checks> prop_ids{};
  for (std::size_t k = 0; k < invariants.size; ++k) {
    inv_ids[k] = model.invariant_id(invariants.names[k]);
    if (inv_ids[k] < 0) {
      r.verdict = Verdict::config_error;
      r.failed = invariants.names[k];
      return r;
    }
  }
  std::array<std::string_view, max_checks> prop_names{};
  std::size_t action_props = 0;  // the action properties, first in prop_ids / prop_names
  for (std::size_t k = 0; k < properties.size; ++k) {
    const int id = model.property_id(properties.names[k]);
    if (id < 0) {
      r.verdict = Verdict::config_error;
      r.failed = properties.names[k];
      return r;
    }
    if (Model::property_is_temporal(id)) continue;
    prop_names[action_props] = properties.names[k];
    prop_ids[action_props++] = id;
  }

  Index<State> index(r.nodes);
  bool stop = false;

  // Checks the invariants on the last node; records a violation.
  auto check_last = [&]() {
    const State& s = r.nodes.back().state;
    for (std::size_t k = 0; k < invariants.size; ++k) {
      if (!model.invariant(inv_ids[k], s)) {
        r.verdict = Verdict::invariant_violated;
        r.failed = invariants.names[k];
        r.bad = r.nodes.size() - 1;
        stop = true;
        return;
      }
    }
  };

  model.init([&](const State& s) {
    if (stop) return;
    r.nodes.push_back(Node<State>{s, no_index, "Initial predicate", 1});
    if (index.insert_last() != r.nodes.size() - 1) {
      r.nodes.pop_back();
      return;
    }
    check_last();
  });

  for (std::size_t head = 0; head < r.nodes.size() && !stop; ++head) {
    const State from = r.nodes[head].state;  // copy: nodes may reallocate
    const std::uint32_t level = r.nodes[head].level;
    bool any_successor = false;
    if (record_edges) r.edges.begin.push_back(r.edges.target.size());
    model.next(from, [&](const char* action, const State& to) {
      if (stop) return;
      any_successor = true;
      if (to == from) return;  // stuttering: [A]_vars holds, no new state
      for (std::size_t k = 0; k < action_props; ++k) {
        if (!model.property(prop_ids[k], from, to)) {
          r.verdict = Verdict::property_violated;
          r.failed = prop_names[k];
          r.bad = head;
          r.bad_target = to;
          r.bad_action = action;
          stop = true;
          return;
        }
      }
      r.nodes.push_back(Node<State>{to, head, action, level + 1});
      const std::size_t at = index.insert_last();
      if (record_edges) {
        r.edges.target.push_back(at);
        r.edges.action.push_back(action);
      }
      if (at != r.nodes.size() - 1) {
        r.nodes.pop_back();
        return;
      }
      check_last();
    });
    if (!any_successor && !stop) {
      r.verdict = Verdict::deadlock;
      r.failed = "deadlock";
      r.bad = head;
      stop = true;
    }
  }

  if (record_edges) r.edges.begin.push_back(r.edges.target.size());
  r.distinct = r.nodes.size();
  for (const auto& n : r.nodes) r.diameter = std::max(r.diameter, n.level);
  return r;
}

// What a static_assert can look at (no allocation escapes constant evaluation).
struct Summary {
  Verdict verdict;
  std::size_t distinct;
  std::uint32_t diameter;
  std::size_t trace_states;  // length of the counterexample, 0 when OK

  constexpr bool operator==(const Summary&) const = default;
};

template <class State>
constexpr std::size_t trace_length(const Exploration<State>& r) {
  if (r.bad == no_index) return 0;
  std::size_t n = 0;
  for (std::size_t i = r.bad; i != no_index; i = r.nodes[i].parent) ++n;
  return r.verdict == Verdict::property_violated ? n + 1 : n;
}

template <class Model>
constexpr Summary summarize(const Model& model, const NameList& invariants, const NameList& properties) {
  const auto r = explore<SortedIndex>(model, invariants, properties);
  return Summary{r.verdict, r.distinct, r.diameter, trace_length(r)};
}

// Position of name in names, or -1 (a model's invariant / property ids).
template <std::size_t N>
constexpr int index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

// Hash-combine (golden-ratio offset, then an FNV prime multiply) for State::hash(): a
// hash of integers for the visited set, not the byte hash of clawvm/fnv1a.hpp.
constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6U) + (h >> 2U);
  return h * 0x100000001b3ULL;
}

}  // namespace clawvm::tla
