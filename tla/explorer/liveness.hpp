// Liveness checking over the explored state graph, under weak and strong
// fairness, the way TLC checks a temporal PROPERTY of a SPECIFICATION
// `Init /\ [][Next]_vars /\ WF_vars(A) /\ SF_vars(B) ...`.
//
// Every temporal property here is a conjunction of leads-to formulas
// P ~> Q over state predicates (a `\A x \in S : P(x) ~> Q(x)` is one
// instance per x).  An instance is violated iff some reachable state s has
// P /\ ~Q and a *fair* behaviour starts at s and never reaches Q.  Every
// infinite behaviour of a finite graph ends by staying forever in a strongly
// connected set of states (a single state, stuttering forever, counts: TLA+
// behaviours may always stutter).  So:
//
//  1. restrict the graph to the ~Q states and split it into strongly
//     connected components (Tarjan, iterative);
//  2. a component C can host the infinite tail of a fair behaviour iff
//       - for every WF_vars(A): some A-step stays inside C, or A is disabled
//         at some state of C (visiting it infinitely often means A is not
//         continuously enabled);
//       - for every SF_vars(A): some A-step stays inside C, or A is enabled
//         nowhere in C.  If neither, the states where A is enabled cannot be
//         visited infinitely often: drop them and split the rest again
//         (Emerson-Lei);
//     "A is enabled at u" means a non-stuttering A-step leaves u (TLC's
//     ENABLED <<A>>_vars), and an A-step is a transition that next() emitted
//     under one of A's action names;
//  3. the instance is violated iff a state with P /\ ~Q reaches such a fair
//     component through ~Q states.  The counterexample is a lasso: the BFS
//     path to the first such state (fewest steps from an initial state), a
//     path through ~Q states into the component, and a cycle inside it that
//     takes a witness step (or visits a witness state) for every fairness
//     condition - or stuttering, when the component is one state at which
//     every fair action is disabled.
//
// All of it is constexpr (std::vector only), so static_checks.cpp tests the
// algorithm on small hand-made graphs at compile time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bfs.hpp"

namespace clawvm::tla {

struct Fairness {
  enum class Kind : std::uint8_t { weak, strong };
  Kind kind = Kind::weak;
  std::vector<std::string_view> actions;  // the fair action is the disjunction of these (next()'s names)
};

// A counterexample lasso: states[0] is initial, states[i] is reached from
// states[i-1] by actions[i]; after the last state the behaviour either
// stutters forever (stutter) or returns to states[loop_to] by loop_action.
struct Lasso {
  std::vector<std::size_t> states;
  std::vector<const char*> actions;  // actions[0] = "Initial predicate"
  bool stutter = false;
  std::size_t loop_to = 0;
  const char* loop_action = "";
};

// A vector of n copies of v.  (Built element by element: libstdc++'s sized
// constructor and assign() fill trivial types in a way clang rejects in
// constant evaluation.)
template <class T>
constexpr std::vector<T> filled(std::size_t n, T v) {
  std::vector<T> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(v);
  return out;
}

class Liveness {
 public:
  inline static constexpr std::size_t none = static_cast<std::size_t>(-1);

  // parent[i] / via[i]: the BFS tree of the exploration (parent no_index for
  // an initial state; via[i] the action that first reached i).
  constexpr Liveness(const Edges& edges, std::vector<std::size_t> parent, std::vector<const char*> via,
                     const std::vector<Fairness>& fairness)
      : e_(&edges), parent_(std::move(parent)), via_(std::move(via)), fair_(fairness) {
    n_ = e_->begin.empty() ? 0 : e_->begin.size() - 1;
    all_ = fair_.size() >= 32 ? 0xffffffffU : (1U << fair_.size()) - 1U;
    group_ = filled<std::uint32_t>(e_->target.size(), 0);
    enabled_ = filled<std::uint32_t>(n_, 0);
    for (std::size_t u = 0; u < n_; ++u) {
      for (std::size_t k = e_->begin[u]; k < e_->begin[u + 1]; ++k) {
        std::uint32_t g = 0;
        for (std::size_t c = 0; c < fair_.size(); ++c)
          for (const auto& a : fair_[c].actions)
            if (a == std::string_view{e_->action[k]}) g |= 1U << c;
        group_[k] = g;
        enabled_[u] |= g;
      }
    }
    // Reverse rows: for every node, the edges that enter it.
    rbegin_ = filled<std::size_t>(n_ + 1, 0);
    for (const std::size_t t : e_->target) ++rbegin_[t + 1];
    for (std::size_t u = 0; u < n_; ++u) rbegin_[u + 1] += rbegin_[u];
    redge_ = filled<std::size_t>(e_->target.size(), 0);
    std::vector<std::size_t> fill;
    fill.reserve(n_);
    for (std::size_t u = 0; u < n_; ++u) fill.push_back(rbegin_[u]);
    for (std::size_t u = 0; u < n_; ++u)
      for (std::size_t k = e_->begin[u]; k < e_->begin[u + 1]; ++k) redge_[fill[e_->target[k]]++] = k;
  }

  // Checks P ~> Q.  Returns true (and the lasso) iff it is violated.
  template <class P, class Q>
  constexpr bool violated(P&& p, Q&& q, Lasso& out) {
    std::vector<std::uint8_t> sub = filled<std::uint8_t>(n_, 0);
    for (std::size_t u = 0; u < n_; ++u) sub[u] = q(u) ? 0 : 1;
    find_fair(sub);
    // Backward from the fair components through ~Q states.
    std::vector<std::uint8_t> reach = filled<std::uint8_t>(n_, 0);
    std::vector<std::size_t> work;
    for (std::size_t u = 0; u < n_; ++u)
      if (comp_[u] != none) {
        reach[u] = 1;
        work.push_back(u);
      }
    while (!work.empty()) {
      const std::size_t v = work.back();
      work.pop_back();
      for (std::size_t r = rbegin_[v]; r < rbegin_[v + 1]; ++r) {
        const std::size_t u = source_of(redge_[r]);
        if (!sub[u] || reach[u]) continue;
        reach[u] = 1;
        work.push_back(u);
      }
    }
    std::size_t s = none;
    for (std::size_t u = 0; u < n_ && s == none; ++u)  // BFS order: fewest steps first
      if (reach[u] && p(u)) s = u;
    if (s == none) return false;
    out = lasso(s, sub);
    return true;
  }

 private:
  // The source of edge k (binary search in the rows).
  [[nodiscard]] constexpr std::size_t source_of(std::size_t k) const {
    const auto it = std::upper_bound(e_->begin.begin(), e_->begin.end(), k);
    return static_cast<std::size_t>(it - e_->begin.begin()) - 1;
  }

  // comp_[u] = id of the fair component u belongs to, or none.
  constexpr void find_fair(const std::vector<std::uint8_t>& sub) {
    comp_ = filled<std::size_t>(n_, none);
    comp_states_.clear();
    std::vector<std::vector<std::size_t>> pending;  // node sets to split into components
    {
      std::vector<std::size_t> all;
      for (std::size_t u = 0; u < n_; ++u)
        if (sub[u]) all.push_back(u);
      pending.push_back(std::move(all));
    }
    std::vector<std::size_t> member = filled<std::size_t>(n_, none);  // which pending set (stamp) a node is in
    std::size_t stamp = 0;
    while (!pending.empty()) {
      std::vector<std::size_t> set = std::move(pending.back());
      pending.pop_back();
      ++stamp;
      for (const std::size_t u : set) member[u] = stamp;
      for (auto& scc : tarjan(set, member, stamp)) judge(scc, pending);
    }
  }

  // Decides one strongly connected set: fair (recorded), unfair, or to be
  // split further without the states where an unmet strong-fair action is enabled.
  constexpr void judge(const std::vector<std::size_t>& scc, std::vector<std::vector<std::size_t>>& pending) {
    const std::size_t id = comp_states_.size();
    for (const std::size_t u : scc) in_scc_mark(u, id);
    std::uint32_t internal = 0;
    std::uint32_t enabled_some = 0;
    std::uint32_t disabled_some = 0;
    for (const std::size_t u : scc) {
      enabled_some |= enabled_[u];
      disabled_some |= ~enabled_[u] & all_;
      for (std::size_t k = e_->begin[u]; k < e_->begin[u + 1]; ++k)
        if (mark_[e_->target[k]] == id) internal |= group_[k];
    }
    std::uint32_t strong_unmet = 0;
    for (std::size_t c = 0; c < fair_.size(); ++c) {
      const std::uint32_t bit = 1U << c;
      if ((internal & bit) != 0) continue;
      if (fair_[c].kind == Fairness::Kind::weak) {
        if ((disabled_some & bit) == 0) {
          clear_marks(scc);
          return;  // continuously enabled, never taken: no fair tail here (nor in a part of it)
        }
      } else if ((enabled_some & bit) != 0) {
        strong_unmet |= bit;
      }
    }
    if (strong_unmet != 0) {
      clear_marks(scc);
      std::vector<std::size_t> rest;
      for (const std::size_t u : scc)
        if ((enabled_[u] & strong_unmet) == 0) rest.push_back(u);
      if (!rest.empty()) pending.push_back(std::move(rest));
      return;
    }
    for (const std::size_t u : scc) comp_[u] = id;
    comp_states_.push_back(scc);
    clear_marks(scc);
  }
  constexpr void in_scc_mark(std::size_t u, std::size_t id) {
    if (mark_.size() != n_) mark_ = filled<std::size_t>(n_, none);
    mark_[u] = id;
  }
  constexpr void clear_marks(const std::vector<std::size_t>& scc) {
    for (const std::size_t u : scc) mark_[u] = none;
  }

  // Strongly connected components of the nodes u with member[u] == stamp
  // (iterative Tarjan).
  constexpr std::vector<std::vector<std::size_t>> tarjan(const std::vector<std::size_t>& set,
                                                         const std::vector<std::size_t>& member,
                                                         std::size_t stamp) {
    std::vector<std::vector<std::size_t>> out;
    index_ = filled<std::size_t>(n_, none);
    low_ = filled<std::size_t>(n_, 0);
    on_stack_ = filled<std::uint8_t>(n_, 0);
    std::vector<std::size_t> stack;
    std::vector<std::pair<std::size_t, std::size_t>> call;  // node, next edge
    std::size_t counter = 0;
    for (const std::size_t root : set) {
      if (index_[root] != none) continue;
      call.emplace_back(root, e_->begin[root]);
      index_[root] = low_[root] = counter++;
      stack.push_back(root);
      on_stack_[root] = 1;
      while (!call.empty()) {
        auto& [u, k] = call.back();
        if (k < e_->begin[u + 1]) {
          const std::size_t v = e_->target[k++];
          if (member[v] != stamp) continue;
          if (index_[v] == none) {
            index_[v] = low_[v] = counter++;
            stack.push_back(v);
            on_stack_[v] = 1;
            call.emplace_back(v, e_->begin[v]);
          } else if (on_stack_[v]) {
            low_[u] = std::min(low_[u], index_[v]);
          }
          continue;
        }
        const std::size_t done = u;
        call.pop_back();
        if (!call.empty()) low_[call.back().first] = std::min(low_[call.back().first], low_[done]);
        if (low_[done] == index_[done]) {
          std::vector<std::size_t> scc;
          std::size_t w = none;
          do {
            w = stack.back();
            stack.pop_back();
            on_stack_[w] = 0;
            scc.push_back(w);
          } while (w != done);
          out.push_back(std::move(scc));
        }
      }
    }
    return out;
  }

  // Shortest path from a to a node satisfying goal, through nodes allowed by
  // ok (a itself need not be); appends the steps (excluding a) to out.
  template <class Ok, class Goal>
  constexpr std::size_t walk(std::size_t a, Ok&& ok, Goal&& goal, Lasso& out) const {
    if (goal(a)) return a;
    std::vector<std::size_t> from = filled<std::size_t>(n_, none);
    std::vector<const char*> act = filled<const char*>(n_, nullptr);
    std::vector<std::size_t> queue{a};
    from[a] = a;
    for (std::size_t h = 0; h < queue.size(); ++h) {
      const std::size_t u = queue[h];
      for (std::size_t k = e_->begin[u]; k < e_->begin[u + 1]; ++k) {
        const std::size_t v = e_->target[k];
        if (from[v] != none || !ok(v)) continue;
        from[v] = u;
        act[v] = e_->action[k];
        if (goal(v)) {
          std::vector<std::size_t> rev;
          for (std::size_t w = v; w != a; w = from[w]) rev.push_back(w);
          for (auto it = rev.rbegin(); it != rev.rend(); ++it) {
            out.states.push_back(*it);
            out.actions.push_back(act[*it]);
          }
          return v;
        }
        queue.push_back(v);
      }
    }
    return none;  // unreachable by construction
  }

  constexpr Lasso lasso(std::size_t s, const std::vector<std::uint8_t>& sub) const {
    Lasso l;
    std::vector<std::size_t> rev;
    for (std::size_t w = s; w != no_index; w = parent_[w]) rev.push_back(w);
    for (auto it = rev.rbegin(); it != rev.rend(); ++it) {
      l.states.push_back(*it);
      l.actions.push_back(via_[*it]);
    }
    // Into a fair component through ~Q states.
    const std::size_t f = walk(s, [&](std::size_t v) { return static_cast<bool>(sub[v]); },
                               [&](std::size_t v) { return comp_[v] != none; }, l);
    const std::size_t id = comp_[f];
    const std::size_t entry = l.states.size() - 1;
    auto in_c = [&](std::size_t v) { return comp_[v] == id; };
    // Stuttering at f is fair iff every fair action is disabled there.
    if ((enabled_[f] & all_) == 0) {
      l.stutter = true;
      return l;
    }
    // A cycle through f with a witness for every fairness condition.
    std::size_t cur = f;
    for (std::size_t c = 0; c < fair_.size(); ++c) {
      const std::uint32_t bit = 1U << c;
      std::size_t wu = none;
      std::size_t wk = none;
      for (const std::size_t u : comp_states_[id]) {
        for (std::size_t k = e_->begin[u]; k < e_->begin[u + 1] && wk == none; ++k)
          if ((group_[k] & bit) != 0 && in_c(e_->target[k])) {
            wu = u;
            wk = k;
          }
        if (wk != none) break;
      }
      if (wk != none) {  // take an A-step inside the component
        cur = walk(cur, in_c, [&](std::size_t v) { return v == wu; }, l);
        l.states.push_back(e_->target[wk]);
        l.actions.push_back(e_->action[wk]);
        cur = e_->target[wk];
      } else if (fair_[c].kind == Fairness::Kind::weak) {  // visit a state where A is disabled
        cur = walk(cur, in_c, [&](std::size_t v) { return (enabled_[v] & bit) == 0; }, l);
      }
    }
    // Back to f; the component has more than one state (f has a fair action
    // enabled, so it cannot be a fair single state), so a non-empty path exists.
    if (cur == f && l.states.size() - 1 == entry) {  // no step taken yet: leave f first
      for (std::size_t k = e_->begin[f]; k < e_->begin[f + 1]; ++k)
        if (in_c(e_->target[k])) {
          l.states.push_back(e_->target[k]);
          l.actions.push_back(e_->action[k]);
          cur = e_->target[k];
          break;
        }
    }
    if (cur != f) walk(cur, in_c, [&](std::size_t v) { return v == f; }, l);
    // The last step entered f again: turn it into the loop back.
    l.loop_action = l.actions.back();
    l.states.pop_back();
    l.actions.pop_back();
    l.loop_to = entry;
    return l;
  }

  const Edges* e_;
  std::vector<std::size_t> parent_;
  std::vector<const char*> via_;
  std::vector<Fairness> fair_;
  std::size_t n_ = 0;
  std::uint32_t all_ = 0;
  std::vector<std::uint32_t> group_;    // per edge: the fairness conditions whose action it is
  std::vector<std::uint32_t> enabled_;  // per node: the fair actions enabled there
  std::vector<std::size_t> rbegin_;
  std::vector<std::size_t> redge_;
  std::vector<std::size_t> comp_;  // fair component of a node, or none
  std::vector<std::vector<std::size_t>> comp_states_;
  std::vector<std::size_t> mark_;
  std::vector<std::size_t> index_;
  std::vector<std::size_t> low_;
  std::vector<std::uint8_t> on_stack_;
};

}  // namespace clawvm::tla
