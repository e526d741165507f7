// Mirror of tla/Lifecycle.tla.  Every operator and action of the spec has a
// same-named counterpart here; read the two side by side.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "bfs.hpp"
#include "liveness.hpp"
#include "tla_value.hpp"

namespace clawvm::tla::lifecycle {

// Steps
enum class Step : std::uint8_t { flush, compact, reset, restore, recover };
constexpr std::string_view step_name(Step s) {
  constexpr std::array<std::string_view, 5> n{"flush", "compact", "reset", "restore", "recover"};
  return n[static_cast<std::size_t>(s)];
}
// Acts
enum class Act : std::uint8_t { talk, edit, tool };

inline constexpr std::size_t max_facts = 8;  // MaxTurns (facts are bits of a byte)
inline constexpr std::size_t max_plan = 2;   // Len(plan) (TypeOKInv)

struct Constants {
  int window = 0;      // Window
  int flush_at = 0;    // FlushAt
  int compact_at = 0;  // CompactAt
  int small_jump = 0;  // SmallJump
  int big_jump = 0;    // BigJump
  int max_turns = 0;   // MaxTurns
  int max_crashes = 0;  // MaxCrashes
  int max_resets = 0;   // MaxResets
  bool skip_flush_on_overflow_bug = false;
  bool jump_skips_flush_bug = false;
  bool fire_and_forget_reset_flush_bug = false;
  bool overwrite_flush_bug = false;
  bool ack_before_durable_bug = false;
  bool deliver_during_boundary_bug = false;
  bool no_bootstrap_on_recovery_bug = false;
};

// Sets of facts are bit sets: fact f is bit f - 1.
struct State {
  std::uint8_t tokens = 0;
  std::uint8_t plan_len = 0;
  std::array<Step, max_plan> plan{};  // unused slots stay Step::flush
  std::uint8_t dirty = 0;
  std::uint8_t inflight = 0;
  std::uint8_t cache = 0;
  std::uint8_t store = 0;
  std::uint8_t committed = 0;
  std::uint8_t lost = 0;
  bool boot = true;
  std::uint8_t turn = 0;
  std::uint8_t tool = 0;
  std::uint8_t crashes = 0;
  std::uint8_t resets = 0;

  constexpr auto operator<=>(const State&) const = default;
  [[nodiscard]] constexpr std::uint64_t hash() const {
    std::uint64_t h = mix(tokens, (std::uint64_t{plan_len} << 16U) | (static_cast<std::uint64_t>(plan[0]) << 8U) |
                                      static_cast<std::uint64_t>(plan[1]));
    h = mix(h, (std::uint64_t{dirty} << 40U) | (std::uint64_t{inflight} << 32U) | (std::uint64_t{cache} << 24U) |
                   (std::uint64_t{store} << 16U) | (std::uint64_t{committed} << 8U) | lost);
    return mix(h, (std::uint64_t{boot} << 32U) | (std::uint64_t{turn} << 24U) | (std::uint64_t{tool} << 16U) |
                      (std::uint64_t{crashes} << 8U) | resets);
  }
};

class Model {
 public:
  using State = lifecycle::State;
  using Constants = lifecycle::Constants;

  constexpr explicit Model(const Constants& c) : c_(c) {}
  [[nodiscard]] constexpr const Constants& constants() const { return c_; }

  // ---- operators ---------------------------------------------------------
  [[nodiscard]] static constexpr bool idle(const State& s) { return s.plan_len == 0; }
  [[nodiscard]] static constexpr bool next1(const State& s, Step st) { return s.plan_len > 0 && s.plan[0] == st; }
  static constexpr std::uint8_t fact(int f) { return static_cast<std::uint8_t>(1U << static_cast<unsigned>(f - 1)); }

  struct Plan {
    std::uint8_t len = 0;
    std::array<Step, max_plan> steps{};
  };
  // AfterTurn(t0, t1)
  [[nodiscard]] constexpr Plan after_turn(int t0, int t1) const {
    const Plan flush_compact{2, {Step::flush, Step::compact}};
    const Plan compact_only{1, {Step::compact, Step::flush}};
    if (t1 > c_.window) return c_.skip_flush_on_overflow_bug ? compact_only : flush_compact;
    if (t1 >= c_.compact_at) return (c_.jump_skips_flush_bug && t0 < c_.flush_at) ? compact_only : flush_compact;
    if (t1 >= c_.flush_at) return Plan{1, {Step::flush, Step::flush}};
    return Plan{};
  }
  static constexpr void set_plan(State& t, std::initializer_list<Step> steps) {
    t.plan = {};
    t.plan_len = 0;
    for (const Step st : steps) t.plan[t.plan_len++] = st;
  }
  static constexpr void pop_plan(State& t) {  // plan' = Tail(plan)
    t.plan[0] = t.plan[1];
    t.plan[1] = Step::flush;
    t.plan_len = static_cast<std::uint8_t>(t.plan_len - 1);
  }

  // ---- Init / Next -------------------------------------------------------
  template <class Emit>
  constexpr void init(Emit&& emit) const {
    emit(State{});
  }

  template <class Emit>
  constexpr void next(const State& s, Emit&& emit) const {
    // \E j \in {SmallJump, BigJump}, act \in Acts : Turn(j, act)
    if (idle(s) && static_cast<int>(s.turn) < c_.max_turns) {
      for (const int j : {c_.small_jump, c_.big_jump}) {
        for (const Act act : {Act::talk, Act::edit, Act::tool}) {
          if (act == Act::tool && s.tool != 0) continue;
          State t = s;
          t.tokens = static_cast<std::uint8_t>(s.tokens + j);
          t.turn = static_cast<std::uint8_t>(s.turn + 1);
          if (act == Act::edit) t.dirty = static_cast<std::uint8_t>(s.dirty | fact(s.turn + 1));
          if (act == Act::tool) t.tool = static_cast<std::uint8_t>(s.turn + 1);
          const Plan p = after_turn(s.tokens, s.tokens + j);
          t.plan_len = p.len;
          t.plan = p.len == 0 ? std::array<Step, max_plan>{} : p.steps;
          if (p.len == 1) t.plan[1] = Step::flush;
          emit("Turn", t);
        }
      }
    }
    // ToolResult
    if (s.tool != 0 && (idle(s) || c_.deliver_during_boundary_bug)) {
      State t = s;
      t.dirty = static_cast<std::uint8_t>(s.dirty | fact(s.tool));
      t.tool = 0;
      emit("ToolResult", t);
    }
    // Reset
    if (idle(s) && static_cast<int>(s.resets) < c_.max_resets) {
      State t = s;
      t.resets = static_cast<std::uint8_t>(s.resets + 1);
      set_plan(t, {Step::flush, Step::reset});
      emit("Reset", t);
    }
    // FlushStage
    if (next1(s, Step::flush) && s.inflight == 0) {
      State t = s;
      t.inflight = s.dirty;
      t.dirty = 0;
      pop_plan(t);
      emit("FlushStage", t);
    }
    // FlushCommit
    if (s.inflight != 0) {
      State t = s;
      t.committed = static_cast<std::uint8_t>(s.committed | s.inflight);
      if (c_.ack_before_durable_bug)
        t.cache = static_cast<std::uint8_t>(s.cache | s.inflight);
      else
        t.store = c_.overwrite_flush_bug ? s.inflight : static_cast<std::uint8_t>(s.store | s.inflight);
      t.inflight = 0;
      emit("FlushCommit", t);
    }
    // Sync
    if (s.cache != 0) {
      State t = s;
      t.store = static_cast<std::uint8_t>(s.store | s.cache);
      t.cache = 0;
      emit("Sync", t);
    }
    // Compact
    if (next1(s, Step::compact) && s.inflight == 0) {
      State t = s;
      t.lost = static_cast<std::uint8_t>(s.lost | s.dirty);
      t.dirty = 0;
      t.tokens = 0;
      t.boot = false;
      const bool more = s.plan_len > 1;  // <<"restore">> \o Tail(plan)
      const Step rest = s.plan[1];
      set_plan(t, {Step::restore});
      if (more) {
        t.plan[1] = rest;
        t.plan_len = 2;
      }
      emit("Compact", t);
    }
    // Rotate
    if (next1(s, Step::reset) && (s.inflight == 0 || c_.fire_and_forget_reset_flush_bug)) {
      State t = s;
      t.lost = static_cast<std::uint8_t>(s.lost | s.dirty | s.inflight);
      t.dirty = 0;
      t.inflight = 0;
      t.tokens = 0;
      t.boot = false;
      set_plan(t, {Step::restore});
      emit("Rotate", t);
    }
    // Restore
    if (next1(s, Step::restore)) {
      State t = s;
      t.boot = true;
      pop_plan(t);
      emit("Restore", t);
    }
    // Crash
    if (static_cast<int>(s.crashes) < c_.max_crashes) {
      State t = s;
      t.crashes = static_cast<std::uint8_t>(s.crashes + 1);
      t.dirty = 0;
      t.inflight = 0;
      t.cache = 0;
      t.tokens = 0;
      t.boot = false;
      t.tool = 0;
      set_plan(t, {Step::recover});
      emit("Crash", t);
    }
    // Recover
    if (next1(s, Step::recover)) {
      State t = s;
      t.boot = !c_.no_bootstrap_on_recovery_bug;
      pop_plan(t);
      emit("Recover", t);
    }
    // Done
    if (idle(s) && static_cast<int>(s.turn) == c_.max_turns) emit("Done", s);
  }

  // ---- invariants --------------------------------------------------------
  static constexpr std::array<std::string_view, 4> invariant_names{"TypeOKInv", "NoDirtyDestroyedInv",
                                                                   "CommittedSurvivesInv", "BootstrapResidentInv"};
  static constexpr std::array<std::string_view, 0> property_names{};

  [[nodiscard]] static constexpr int invariant_id(std::string_view name) { return index_of(invariant_names, name); }
  [[nodiscard]] static constexpr int property_id(std::string_view /*name*/) { return -1; }
  [[nodiscard]] static constexpr bool property_is_temporal(int /*id*/) { return false; }
  [[nodiscard]] constexpr bool property(int /*id*/, const State& /*from*/, const State& /*to*/) const {
    return true;  // no properties
  }
  // Lifecycle.tla defines no fairness (safety only).
  [[nodiscard]] static bool fairness(std::string_view spec, std::vector<Fairness>& out) {
    out.clear();
    return spec == "Spec";
  }
  [[nodiscard]] static std::size_t instances(int /*id*/) { return 0; }
  [[nodiscard]] static std::string instance_name(int /*id*/, std::size_t /*k*/) { return ""; }
  [[nodiscard]] static bool leads_from(int /*id*/, std::size_t /*k*/, const State& /*s*/) { return false; }
  [[nodiscard]] static bool leads_to(int /*id*/, std::size_t /*k*/, const State& /*s*/) { return true; }

  [[nodiscard]] constexpr bool invariant(int id, const State& s) const {
    switch (id) {
      case 0: return type_ok(s);
      case 1: return s.lost == 0;                                                   // NoDirtyDestroyedInv
      case 2: return (s.committed & static_cast<std::uint8_t>(~(s.store | s.cache))) == 0;  // CommittedSurvivesInv
      case 3: return !idle(s) || s.boot;                                            // BootstrapResidentInv
      default: return false;
    }
  }
  [[nodiscard]] constexpr bool type_ok(const State& s) const {
    const unsigned facts = (1U << static_cast<unsigned>(c_.max_turns)) - 1U;
    for (const std::uint8_t set : {s.dirty, s.inflight, s.cache, s.store, s.committed, s.lost})
      if ((set & ~facts) != 0) return false;
    return static_cast<int>(s.tokens) <= c_.window + c_.big_jump && s.plan_len <= max_plan &&
           static_cast<int>(s.turn) <= c_.max_turns && static_cast<int>(s.tool) <= c_.max_turns &&
           static_cast<int>(s.crashes) <= c_.max_crashes && static_cast<int>(s.resets) <= c_.max_resets;
  }

  // ---- printing ----------------------------------------------------------
  [[nodiscard]] std::string fact_set(std::uint8_t set) const {
    std::vector<std::string> e;
    for (int f = 1; f <= c_.max_turns; ++f)
      if ((set & fact(f)) != 0) e.push_back(std::to_string(f));
    return tla_set(e);
  }
  [[nodiscard]] std::string print(const State& s) const {
    std::vector<std::string> plan;
    for (std::size_t i = 0; i < s.plan_len; ++i) plan.push_back(quote(step_name(s.plan[i])));
    return "/\\ tokens = " + std::to_string(s.tokens) + "\n/\\ plan = " + tla_seq(plan) +
           "\n/\\ dirty = " + fact_set(s.dirty) + "\n/\\ inflight = " + fact_set(s.inflight) +
           "\n/\\ cache = " + fact_set(s.cache) + "\n/\\ store = " + fact_set(s.store) +
           "\n/\\ committed = " + fact_set(s.committed) + "\n/\\ lost = " + fact_set(s.lost) +
           "\n/\\ boot = " + tla_bool(s.boot) + "\n/\\ turn = " + std::to_string(s.turn) +
           "\n/\\ tool = " + std::to_string(s.tool) + "\n/\\ crashes = " + std::to_string(s.crashes) +
           "\n/\\ resets = " + std::to_string(s.resets) + "\n";
  }

  [[nodiscard]] ConstantMap constant_map() const {
    ConstantMap m;
    m["Window"] = CfgValue{std::int64_t{c_.window}};
    m["FlushAt"] = CfgValue{std::int64_t{c_.flush_at}};
    m["CompactAt"] = CfgValue{std::int64_t{c_.compact_at}};
    m["SmallJump"] = CfgValue{std::int64_t{c_.small_jump}};
    m["BigJump"] = CfgValue{std::int64_t{c_.big_jump}};
    m["MaxTurns"] = CfgValue{std::int64_t{c_.max_turns}};
    m["MaxCrashes"] = CfgValue{std::int64_t{c_.max_crashes}};
    m["MaxResets"] = CfgValue{std::int64_t{c_.max_resets}};
    m["SkipFlushOnOverflowBug"] = CfgValue{c_.skip_flush_on_overflow_bug};
    m["JumpSkipsFlushBug"] = CfgValue{c_.jump_skips_flush_bug};
    m["FireAndForgetResetFlushBug"] = CfgValue{c_.fire_and_forget_reset_flush_bug};
    m["OverwriteFlushBug"] = CfgValue{c_.overwrite_flush_bug};
    m["AckBeforeDurableBug"] = CfgValue{c_.ack_before_durable_bug};
    m["DeliverDuringBoundaryBug"] = CfgValue{c_.deliver_during_boundary_bug};
    m["NoBootstrapOnRecoveryBug"] = CfgValue{c_.no_bootstrap_on_recovery_bug};
    return m;
  }

 private:
  Constants c_;
};

}  // namespace clawvm::tla::lifecycle
