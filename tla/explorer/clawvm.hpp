// Mirror of tla/ClawVM.tla.  Every operator and action of the spec has a
// same-named counterpart here; read the two side by side.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clawvm/model/journal.hpp"
#include "clawvm/model/page_residency.hpp"

#include "bfs.hpp"
#include "liveness.hpp"
#include "page_residency.hpp"  // PageType and its names
#include "tla_value.hpp"

namespace clawvm::tla::clawvm_spec {

using page_residency::Level;
using page_residency::level_name;
using page_residency::PageType;
using page_residency::type_name;

// "none" \cup Boundaries \cup {"restore"} (the values of pending)
enum class Boundary : std::uint8_t { none, compaction, pruning, memory_flush, reset, session_end, restore };
// Phases and Reasons \cup {NoReason}: the library's journal_phase and reason codes (the
// one journal model, clawvm/model/journal.hpp; reason_code::ok is NoReason).
using Phase = clawvm::journal_phase;
using Reason = clawvm::reason_code;

// The library's boundary for one of Boundaries (none and restore are not boundaries).
constexpr clawvm::boundary library_boundary(Boundary b) {
  switch (b) {
    case Boundary::compaction: return clawvm::boundary::compaction;
    case Boundary::pruning: return clawvm::boundary::pruning;
    case Boundary::reset: return clawvm::boundary::reset;
    case Boundary::session_end: return clawvm::boundary::session_end;
    case Boundary::memory_flush:
    case Boundary::none:
    case Boundary::restore: break;
  }
  return clawvm::boundary::memory_flush;
}

constexpr std::string_view boundary_name(Boundary b) {
  constexpr std::array<std::string_view, 7> n{"none",  "compaction",  "pruning", "memory_flush",
                                              "reset", "session_end", "restore"};
  return n[static_cast<std::size_t>(b)];
}
constexpr std::string_view phase_name(Phase p) { return clawvm::to_string(p); }
constexpr std::string_view reason_name(Reason r) { return r == Reason::ok ? "none" : clawvm::to_string(r); }

inline constexpr std::size_t max_pages = 5;
inline constexpr std::size_t max_journal = 4;  // >= MaxTurns (see TypeOKInv)

struct PageDecl {
  std::string_view id;
  PageType type;  // TypeOf[id]
};

struct Constants {
  std::array<PageDecl, max_pages> pages{};  // Pages, with TypeOf
  std::size_t page_count = 0;
  std::array<std::string_view, max_pages> denied{};  // DeniedPages
  std::size_t denied_count = 0;
  int max_turns = 0;  // MaxTurns
  bool skip_writeback_on_reset_bug = false;
  bool skip_restore_after_compaction_bug = false;
  bool retry_rejected_bug = false;
  bool restore_below_floor_bug = false;
  bool commit_keeps_version_bug = false;
};

struct JournalEntry {
  std::uint8_t page = 0;      // index into Constants::pages
  std::uint8_t expected = 0;  // the version of the page's key the update is based on
  Phase phase = Phase::staged;
  Reason reason = Reason::ok;
  constexpr auto operator<=>(const JournalEntry&) const = default;
};

struct State {
  std::array<Level, max_pages> level{};           // level[p] (Level::none: not resident)
  std::uint8_t dirty = 0;                         // bit p: dirty[p]
  std::array<std::uint8_t, max_pages> version{};  // version[p]
  std::uint8_t journal_count = 0;
  std::array<JournalEntry, max_journal> journal{};
  Boundary pending = Boundary::none;
  bool ended = false;
  std::uint8_t turn = 0;
  std::uint8_t lost = 0;  // bit p: p \in lost

  constexpr auto operator<=>(const State&) const = default;
  [[nodiscard]] constexpr std::uint64_t hash() const {
    std::uint64_t h = mix(dirty, journal_count);
    for (std::size_t p = 0; p < max_pages; ++p)
      h = mix(h, (static_cast<std::uint64_t>(level[p]) << 8U) | version[p]);
    for (const auto& e : journal)
      h = mix(h, (std::uint64_t{e.expected} << 16U) | (std::uint64_t{e.page} << 8U) |
                     (static_cast<std::uint64_t>(e.phase) << 4U) | static_cast<std::uint64_t>(e.reason));
    return mix(h, (static_cast<std::uint64_t>(pending) << 24U) | (std::uint64_t{ended} << 16U) |
                      (std::uint64_t{turn} << 8U) | lost);
  }
};

class Model {
 public:
  using State = clawvm_spec::State;
  using Constants = clawvm_spec::Constants;

  constexpr explicit Model(const Constants& c) : c_(c) {
    for (std::size_t p = 0; p < c_.page_count; ++p) {
      const PageType t = c_.pages[p].type;
      if (model::Pinned(t)) pinned_ |= bit(p);
      for (std::size_t b = 0; b < destroy_.size(); ++b)
        if (b != 0 && b != static_cast<std::size_t>(Boundary::restore) &&
            model::InDestroySet(library_boundary(static_cast<Boundary>(b)), t))
          destroy_[b] |= bit(p);
      for (std::size_t d = 0; d < c_.denied_count; ++d)
        if (c_.denied[d] == c_.pages[p].id) denied_ |= bit(p);
    }
  }

  [[nodiscard]] constexpr const Constants& constants() const { return c_; }

  // ---- operators ---------------------------------------------------------
  [[nodiscard]] constexpr unsigned all_pages() const { return (1U << c_.page_count) - 1U; }
  [[nodiscard]] constexpr bool pinned(std::size_t p) const { return (pinned_ & bit(p)) != 0; }
  [[nodiscard]] constexpr PageType type_of(std::size_t p) const { return c_.pages[p].type; }
  // PageFloor(p)
  [[nodiscard]] constexpr Level page_floor(std::size_t p) const { return model::Floor(type_of(p)); }
  // Resident(p)
  [[nodiscard]] static constexpr bool resident(const State& s, std::size_t p) { return s.level[p] != Level::none; }
  // {p : Resident(p)}, as a bit set
  [[nodiscard]] constexpr unsigned resident_set(const State& s) const {
    unsigned r = 0;
    for (std::size_t p = 0; p < c_.page_count; ++p)
      if (resident(s, p)) r |= bit(p);
    return r;
  }

  // DestroySet(b), from the library's boundary semantics (model::InDestroySet).
  [[nodiscard]] constexpr unsigned destroy_set(Boundary b) const { return destroy_[static_cast<std::size_t>(b)]; }
  [[nodiscard]] constexpr unsigned writeback_set(Boundary b) const {
    return b == Boundary::memory_flush ? all_pages() : destroy_set(b);
  }
  // pending \in Boundaries
  [[nodiscard]] static constexpr bool in_boundary(const State& s) {
    return s.pending != Boundary::none && s.pending != Boundary::restore;
  }
  // RestoresAfter(b)
  [[nodiscard]] constexpr bool restores_after(Boundary b) const {
    return (b == Boundary::compaction || b == Boundary::reset) &&
           !(c_.skip_restore_after_compaction_bug && b == Boundary::compaction);
  }
  [[nodiscard]] static constexpr bool open(const State& s, std::size_t p) {
    for (std::size_t i = 0; i < s.journal_count; ++i)
      if (s.journal[i].page == p && !model::Terminal(s.journal[i].phase))
        return true;
    return false;
  }
  [[nodiscard]] static constexpr bool running(const State& s) { return s.pending == Boundary::none && !s.ended; }
  [[nodiscard]] constexpr bool writeback_done(const State& s, Boundary b) const {
    return (writeback_set(b) & s.dirty) == 0;
  }

  // ---- Init / Next -------------------------------------------------------
  template <class Emit>
  constexpr void init(Emit&& emit) const {
    State s;
    for (std::size_t p = 0; p < c_.page_count; ++p)
      if (pinned(p)) s.level[p] = page_floor(p);
    emit(s);
  }

  template <class Emit>
  constexpr void next(const State& s, Emit&& emit) const {
    const std::size_t n = c_.page_count;
    // \E p \in Pages : Load(p) \/ Upgrade(p) \/ Degrade(p) \/ Evict(p) \/ Edit(p)
    for (std::size_t p = 0; p < n && running(s); ++p) {
      const Level l = s.level[p];
      if (!resident(s, p)) {  // Load: at the floor
        State t = s;
        t.level[p] = page_floor(p);
        emit("Load", t);
        continue;
      }
      if (l != Level::full) {  // Upgrade: one step up the chain
        State t = s;
        t.level[p] = model::Up(type_of(p), l);
        emit("Upgrade", t);
      }
      if (model::HasBelow(type_of(p), l)) {  // Degrade: one step down, never below the floor
        State t = s;
        t.level[p] = model::MaxBelow(type_of(p), l);
        emit("Degrade", t);
      }
      if ((s.dirty & bit(p)) == 0 && !pinned(p)) {  // Evict
        State t = s;
        t.level[p] = Level::none;
        emit("Evict", t);
      }
      if (static_cast<int>(s.turn) < c_.max_turns) {  // Edit
        State t = s;
        t.dirty = static_cast<std::uint8_t>(t.dirty | bit(p));
        t.turn = static_cast<std::uint8_t>(t.turn + 1);
        emit("Edit", t);
      }
    }
    // Compaction \/ Pruning \/ MemoryFlush \/ Reset \/ SessionEnd  (Begin(b))
    if (running(s)) {
      constexpr std::array<std::pair<Boundary, const char*>, 5> begins{{{Boundary::compaction, "Compaction"},
                                                                        {Boundary::pruning, "Pruning"},
                                                                        {Boundary::memory_flush, "MemoryFlush"},
                                                                        {Boundary::reset, "Reset"},
                                                                        {Boundary::session_end, "SessionEnd"}}};
      for (const auto& [b, name] : begins) {
        State t = s;
        t.pending = b;
        emit(name, t);
      }
    }
    // \E p \in Pages : WritebackStage(p)
    if (in_boundary(s)) {
      for (std::size_t p = 0; p < n; ++p) {
        if ((writeback_set(s.pending) & bit(p)) == 0 || (s.dirty & bit(p)) == 0 || open(s, p)) continue;
        if (s.journal_count >= max_journal) throw "clawvm-explore: journal capacity exceeded (raise max_journal)";
        State t = s;
        t.journal[t.journal_count] = JournalEntry{static_cast<std::uint8_t>(p), s.version[p], Phase::staged, Reason::ok};
        t.journal_count = static_cast<std::uint8_t>(t.journal_count + 1);
        emit("WritebackStage", t);
      }
    }
    // \E i \in 1..Len(journal) : WritebackValidate(i) \/ WritebackReject(i) \/ WritebackCommit(i)
    for (std::size_t i = 0; i < s.journal_count; ++i) {
      const JournalEntry e = s.journal[i];
      const bool current = e.expected == s.version[e.page];
      const Reason failure = model::Failure((denied_ & bit(e.page)) != 0, false, !current);
      if (model::ValidateEnabled(e.phase, failure)) {  // WritebackValidate
        State t = s;
        t.journal[i].phase = Phase::validated;
        emit("WritebackValidate", t);
      }
      if ((e.phase == Phase::staged || failure == Reason::stale_version) &&
          model::RejectEnabled(e.phase, failure)) {  // WritebackReject
        if (c_.retry_rejected_bug) {
          emit("WritebackReject", s);  // retried: only stutters
        } else {
          State t = s;
          t.journal[i].phase = Phase::rejected;
          t.journal[i].reason = failure;
          t.dirty = static_cast<std::uint8_t>(t.dirty & ~bit(e.page));
          emit("WritebackReject", t);
        }
      }
      if (model::CommitEnabled(e.phase, current)) {  // WritebackCommit: compare-and-set on the version
        State t = s;
        t.journal[i].phase = Phase::committed;
        if (!c_.commit_keeps_version_bug) t.version[e.page] = static_cast<std::uint8_t>(s.version[e.page] + 1);
        t.dirty = static_cast<std::uint8_t>(t.dirty & ~bit(e.page));
        emit("WritebackCommit", t);
      }
    }
    // FinishBoundary
    if (in_boundary(s) &&
        (writeback_done(s, s.pending) || (c_.skip_writeback_on_reset_bug && s.pending == Boundary::reset))) {
      const unsigned ds = destroy_set(s.pending);
      State t = s;
      t.lost = static_cast<std::uint8_t>(s.lost | (ds & s.dirty));
      t.dirty = static_cast<std::uint8_t>(s.dirty & ~ds);
      for (std::size_t p = 0; p < n; ++p)
        if ((ds & bit(p)) != 0) t.level[p] = Level::none;
      t.ended = s.pending == Boundary::session_end;
      t.pending = restores_after(s.pending) ? Boundary::restore : Boundary::none;
      emit("FinishBoundary", t);
    }
    // Restore
    if (s.pending == Boundary::restore) {
      State t = s;
      for (std::size_t p = 0; p < n; ++p)
        if (pinned(p) && !resident(s, p)) t.level[p] = c_.restore_below_floor_bug ? Level::pointer : page_floor(p);
      t.pending = Boundary::none;
      emit("Restore", t);
    }
    // Terminated
    if (s.ended) emit("Terminated", s);
  }

  // ---- invariants --------------------------------------------------------
  static constexpr std::array<std::string_view, 6> invariant_names{
      "TypeOKInv",           "FloorInv", "LifecycleCompletenessInv", "PostCompactionBootstrapInv",
      "JournalQuiescentInv", "NoDestructiveCommitInv"};
  static constexpr std::array<std::string_view, 2> property_names{"BoundaryFinishesProp", "BootstrapRestoredProp"};

  [[nodiscard]] static constexpr int invariant_id(std::string_view name) { return index_of(invariant_names, name); }
  [[nodiscard]] static constexpr int property_id(std::string_view name) { return index_of(property_names, name); }
  // Temporal (liveness) properties are checked after the search, under fairness.
  [[nodiscard]] static constexpr bool property_is_temporal(int /*id*/) { return true; }

  // The fairness of a SPECIFICATION: Spec has none; FairSpec is
  // Spec /\ WF_vars(EngineStep), EngineStep the engine's own steps.
  [[nodiscard]] static bool fairness(std::string_view spec, std::vector<Fairness>& out) {
    out.clear();
    if (spec == "Spec") return true;
    if (spec != "FairSpec") return false;
    out.push_back(Fairness{Fairness::Kind::weak,
                           {"WritebackStage", "WritebackValidate", "WritebackReject", "WritebackCommit",
                            "FinishBoundary", "Restore"}});
    return true;
  }
  // Each property is one leads-to.
  [[nodiscard]] static std::size_t instances(int /*id*/) { return 1; }
  [[nodiscard]] static std::string instance_name(int /*id*/, std::size_t /*k*/) { return ""; }
  [[nodiscard]] bool leads_from(int id, std::size_t /*k*/, const State& s) const {
    if (id == 0) return in_boundary(s);                                             // pending \in Boundaries
    return !s.ended && (pinned_ & ~resident_set(s)) != 0;  // a pinned page out
  }
  [[nodiscard]] bool leads_to(int id, std::size_t /*k*/, const State& s) const {
    if (id == 0) {
      if (in_boundary(s)) return false;
      for (std::size_t i = 0; i < s.journal_count; ++i)
        if (!model::Terminal(s.journal[i].phase)) return false;
      return true;
    }
    return s.ended || (pinned_ & ~resident_set(s)) == 0;
  }

  [[nodiscard]] constexpr bool invariant(int id, const State& s) const {
    switch (id) {
      case 0: return type_ok(s);
      case 1: return floor_inv(s);
      case 2: return s.lost == 0;  // LifecycleCompletenessInv: lost = {}
      case 3: return post_compaction_bootstrap(s);
      case 4: return journal_quiescent(s);
      case 5: return no_destructive_commit(s);
      default: return false;
    }
  }
  [[nodiscard]] constexpr bool property(int /*id*/, const State& /*from*/, const State& /*to*/) const {
    return true;  // no action properties
  }

  [[nodiscard]] constexpr bool type_ok(const State& s) const {
    const unsigned all = all_pages();
    if ((s.dirty & ~all) != 0 || (s.lost & ~all) != 0) return false;
    if (static_cast<int>(s.journal_count) > c_.max_turns || static_cast<int>(s.turn) > c_.max_turns) return false;
    for (std::size_t p = 0; p < c_.page_count; ++p)
      if (static_cast<int>(s.version[p]) > c_.max_turns) return false;
    for (std::size_t i = 0; i < s.journal_count; ++i)
      if (s.journal[i].page >= c_.page_count || static_cast<int>(s.journal[i].expected) > c_.max_turns) return false;
    return true;
  }
  // FloorInv: every resident page on its chain, at or above its floor.
  [[nodiscard]] constexpr bool floor_inv(const State& s) const {
    for (std::size_t p = 0; p < c_.page_count; ++p)
      if (!model::FloorHolds(type_of(p), s.level[p])) return false;
    return true;
  }
  // NoDestructiveCommitInv: page p's committed entries carry 0, 1, ... in journal order,
  // and version[p] counts them.
  [[nodiscard]] constexpr bool no_destructive_commit(const State& s) const {
    for (std::size_t p = 0; p < c_.page_count; ++p) {
      int commits = 0;
      for (std::size_t i = 0; i < s.journal_count; ++i)
        if (s.journal[i].page == p && s.journal[i].phase == Phase::committed) {
          if (static_cast<int>(s.journal[i].expected) != commits) return false;
          ++commits;
        }
      if (commits != static_cast<int>(s.version[p])) return false;
    }
    return true;
  }
  [[nodiscard]] constexpr bool post_compaction_bootstrap(const State& s) const {
    if (!running(s)) return true;
    return (pinned_ & ~resident_set(s)) == 0;
  }
  [[nodiscard]] static constexpr bool journal_quiescent(const State& s) {
    for (std::size_t i = 0; i < s.journal_count; ++i) {
      const Phase ph = s.journal[i].phase;
      if (s.pending == Boundary::none && !model::Terminal(ph)) return false;
      if ((ph == Phase::rejected) != (s.journal[i].reason != Reason::ok)) return false;
    }
    return true;
  }

  // ---- printing ----------------------------------------------------------
  [[nodiscard]] std::string print(const State& s) const {
    std::vector<std::pair<std::string, std::string>> levels;
    std::vector<std::pair<std::string, std::string>> dirty;
    std::vector<std::pair<std::string, std::string>> versions;
    std::vector<std::string> lost;
    for (std::size_t p = 0; p < c_.page_count; ++p) {
      const std::string id{c_.pages[p].id};
      levels.emplace_back(id, quote(level_name(s.level[p])));
      dirty.emplace_back(id, tla_bool((s.dirty & bit(p)) != 0));
      versions.emplace_back(id, std::to_string(s.version[p]));
      if ((s.lost & bit(p)) != 0) lost.push_back(quote(id));
    }
    std::vector<std::string> js;
    for (std::size_t i = 0; i < s.journal_count; ++i) {
      const JournalEntry& e = s.journal[i];
      js.push_back(tla_record({{"page", quote(c_.pages[e.page].id)},
                               {"expected", std::to_string(e.expected)},
                               {"phase", quote(phase_name(e.phase))},
                               {"reason", quote(reason_name(e.reason))}}));
    }
    return "/\\ level = " + tla_fcn(levels) + "\n/\\ dirty = " + tla_fcn(dirty) + "\n/\\ version = " +
           tla_fcn(versions) + "\n/\\ journal = " + tla_seq(js) +
           "\n/\\ pending = " + quote(boundary_name(s.pending)) + "\n/\\ ended = " + tla_bool(s.ended) +
           "\n/\\ turn = " + std::to_string(s.turn) + "\n/\\ lost = " + tla_set(lost) + "\n";
  }

  [[nodiscard]] ConstantMap constant_map() const {
    ConstantMap m;
    std::set<std::string> pages;
    CfgValue::Fcn types;
    std::set<std::string> denied;
    for (std::size_t p = 0; p < c_.page_count; ++p) {
      pages.emplace(c_.pages[p].id);
      types.emplace(std::string{c_.pages[p].id}, std::string{type_name(c_.pages[p].type)});
    }
    for (std::size_t d = 0; d < c_.denied_count; ++d) denied.emplace(c_.denied[d]);
    m["Pages"] = CfgValue{pages};
    m["TypeOf"] = CfgValue{types};
    m["DeniedPages"] = CfgValue{denied};
    m["MaxTurns"] = CfgValue{std::int64_t{c_.max_turns}};
    m["SkipWritebackOnResetBug"] = CfgValue{c_.skip_writeback_on_reset_bug};
    m["SkipRestoreAfterCompactionBug"] = CfgValue{c_.skip_restore_after_compaction_bug};
    m["RetryRejectedBug"] = CfgValue{c_.retry_rejected_bug};
    m["RestoreBelowFloorBug"] = CfgValue{c_.restore_below_floor_bug};
    m["CommitKeepsVersionBug"] = CfgValue{c_.commit_keeps_version_bug};
    return m;
  }

 private:
  static constexpr unsigned bit(std::size_t p) { return 1U << p; }

  Constants c_;
  unsigned pinned_ = 0;
  std::array<unsigned, 7> destroy_{};  // DestroySet(b), by Boundary
  unsigned denied_ = 0;
};

}  // namespace clawvm::tla::clawvm_spec
