// Mirror of tla/Journal.tla.  Every operator and action of the spec has a
// same-named counterpart here; read the two side by side.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clawvm/model/journal.hpp"

#include "bfs.hpp"
#include "liveness.hpp"
#include "tla_value.hpp"

namespace clawvm::tla::journal {

// AllOps, in the order the explorer enumerates them.
enum class Op : std::uint8_t { append, merge, set_with_version };
inline constexpr std::size_t op_count = 3;
// Phases, Reasons \cup {NoReason}, PhaseRank, Terminal, Failure and the enabling
// conditions of Validate, Reject and Commit are the one journal model
// (clawvm/model/journal.hpp): the library's journal_phase and reason codes
// (reason_code::ok is NoReason).
using Phase = clawvm::journal_phase;
using Reason = clawvm::reason_code;

constexpr std::string_view op_name(Op o) {
  constexpr std::array<std::string_view, op_count> n{"append", "merge", "set_with_version"};
  return n[static_cast<std::size_t>(o)];
}
constexpr std::string_view phase_name(Phase p) { return clawvm::to_string(p); }
constexpr std::string_view reason_name(Reason r) { return r == Reason::ok ? "none" : clawvm::to_string(r); }

inline constexpr std::size_t max_keys = 2;
inline constexpr std::size_t max_entries = 4;

struct Constants {
  std::array<std::string_view, max_keys> keys{};  // Keys
  std::size_t key_count = 0;
  std::array<std::string_view, max_keys> denied{};  // DeniedKeys
  std::size_t denied_count = 0;
  std::array<bool, op_count> ops{};  // Ops (membership by Op)
  int max_entries = 0;               // MaxEntries
  int max_version = 0;               // MaxVersion
  bool commit_without_validate_bug = false;
  bool overwrite_on_version_mismatch_bug = false;
  bool revalidate_committed_bug = false;
  bool wait_on_stale_bug = false;
};

struct Entry {
  std::uint8_t key = 0;  // index into Constants::keys
  Op op = Op::append;
  std::uint8_t expected = 0;
  bool drops = false;
  Phase phase = Phase::staged;
  Reason reason = Reason::ok;
  constexpr auto operator<=>(const Entry&) const = default;
};

struct CommitRecord {
  std::uint8_t idx = 0;  // 1-based, as in the spec
  Entry entry{};
  std::uint8_t before = 0;
  Phase from = Phase::staged;
  constexpr auto operator<=>(const CommitRecord&) const = default;
};

// Unused slots (at or past the lengths, past key_count) stay value-initialised,
// so equal spec states are equal structs.
struct State {
  std::uint8_t entry_count = 0;                  // Len(entries)
  std::array<Entry, max_entries> entries{};
  std::array<std::uint8_t, max_keys> version{};  // version[k]
  std::array<std::uint8_t, max_keys> value{};    // value[k], bit i-1 for entry i
  std::uint8_t hist_count = 0;                   // Len(hist)
  std::array<CommitRecord, max_entries> hist{};

  constexpr auto operator<=>(const State&) const = default;
  [[nodiscard]] constexpr std::uint64_t hash() const {
    auto enc = [](const Entry& e) -> std::uint64_t {
      return (static_cast<std::uint64_t>(e.key) << 20U) | (static_cast<std::uint64_t>(e.op) << 16U) |
             (static_cast<std::uint64_t>(e.expected) << 8U) | (static_cast<std::uint64_t>(e.drops) << 6U) |
             (static_cast<std::uint64_t>(e.phase) << 3U) | static_cast<std::uint64_t>(e.reason);
    };
    std::uint64_t h = mix(entry_count, hist_count);
    for (const auto& e : entries) h = mix(h, enc(e));
    for (std::size_t k = 0; k < max_keys; ++k) h = mix(h, (std::uint64_t{version[k]} << 8U) | value[k]);
    for (const auto& r : hist)
      h = mix(h, (enc(r.entry) << 24U) ^ (std::uint64_t{r.idx} << 16U) ^ (std::uint64_t{r.before} << 8U) ^
                     static_cast<std::uint64_t>(r.from));
    return h;
  }
};

class Model {
 public:
  using State = journal::State;
  using Constants = journal::Constants;

  constexpr explicit Model(const Constants& c)
      : c_(c),
        bugs_{c.commit_without_validate_bug, c.overwrite_on_version_mismatch_bug, c.revalidate_committed_bug,
              c.wait_on_stale_bug} {
    for (std::size_t k = 0; k < c_.key_count; ++k)
      for (std::size_t d = 0; d < c_.denied_count; ++d)
        if (c_.denied[d] == c_.keys[k]) denied_[k] = true;
  }

  [[nodiscard]] constexpr const Constants& constants() const { return c_; }

  // Failure(i), i 0-based here.
  [[nodiscard]] constexpr Reason failure(const State& s, std::size_t i) const {
    const Entry& e = s.entries[i];
    return model::Failure(denied_[e.key], e.drops, e.op == Op::set_with_version && e.expected != s.version[e.key]);
  }

  template <class Emit>
  constexpr void init(Emit&& emit) const {
    emit(State{});  // entries = <<>>, version = 0, value = {}, hist = <<>>
  }

  template <class Emit>
  constexpr void next(const State& s, Emit&& emit) const {
    const std::size_t len = s.entry_count;
    // \E k \in Keys, op \in Ops : Stage(...)
    if (static_cast<int>(len) < c_.max_entries) {
      for (std::size_t k = 0; k < c_.key_count; ++k) {
        for (std::size_t o = 0; o < op_count; ++o) {
          if (!c_.ops[o]) continue;
          const auto op = static_cast<Op>(o);
          if (op == Op::set_with_version) {
            for (int v = 0; v <= c_.max_version; ++v) emit("Stage", stage(s, k, op, v, false));
          } else {
            emit("Stage", stage(s, k, op, 0, false));
            emit("Stage", stage(s, k, op, 0, true));
          }
        }
      }
    }
    // \E i \in 1..Len(entries) : Validate(i)
    for (std::size_t i = 0; i < len; ++i) {
      if (!model::ValidateEnabled(s.entries[i].phase, failure(s, i))) continue;
      State t = s;
      t.entries[i].phase = Phase::validated;
      emit("Validate", t);
    }
    // \E i \in 1..Len(entries) : Reject(i)
    for (std::size_t i = 0; i < len; ++i) {
      const Reason why = failure(s, i);
      if (!model::RejectEnabled(s.entries[i].phase, why, bugs_)) continue;
      State t = s;
      t.entries[i].phase = Phase::rejected;
      t.entries[i].reason = why;
      emit("Reject", t);
    }
    // \E i \in 1..Len(entries) : Commit(i)
    for (std::size_t i = 0; i < len; ++i) {
      const Entry e = s.entries[i];
      const std::size_t k = e.key;
      if (!model::CommitEnabled(e.phase, e.op != Op::set_with_version || e.expected == s.version[k], bugs_)) continue;
      State t = s;
      t.entries[i].phase = Phase::committed;
      t.version[k] = static_cast<std::uint8_t>(s.version[k] + 1);
      const auto me = static_cast<std::uint8_t>(1U << i);
      t.value[k] = (e.op == Op::set_with_version || e.drops) ? me : static_cast<std::uint8_t>(s.value[k] | me);
      CommitRecord r;
      r.idx = static_cast<std::uint8_t>(i + 1);
      r.entry = e;
      r.entry.phase = Phase::committed;
      r.before = s.version[k];
      r.from = e.phase;
      t.hist[t.hist_count] = r;
      t.hist_count = static_cast<std::uint8_t>(t.hist_count + 1);
      emit("Commit", t);
    }
    // \E i \in 1..Len(entries) : WaitStale(i)  (only stutters)
    for (std::size_t i = 0; i < len; ++i)
      if (c_.wait_on_stale_bug && s.entries[i].phase == Phase::validated && failure(s, i) != Reason::ok)
        emit("WaitStale", s);
    // Done
    if (static_cast<int>(len) == c_.max_entries) {
      bool all_terminal = true;
      for (std::size_t i = 0; i < len; ++i) all_terminal = all_terminal && model::Terminal(s.entries[i].phase);
      if (all_terminal) emit("Done", s);
    }
  }

  // ---- invariants and properties ----------------------------------------
  static constexpr std::array<std::string_view, 5> invariant_names{
      "TypeOKInv", "NoDestructiveCommitInv", "CommittedStableInv", "CommitOnlyValidatedInv", "RejectedHasReasonInv"};
  static constexpr std::array<std::string_view, 2> property_names{"PhaseMonotoneProp", "EntryResolvesProp"};

  [[nodiscard]] static constexpr int invariant_id(std::string_view name) { return index_of(invariant_names, name); }
  [[nodiscard]] static constexpr int property_id(std::string_view name) { return index_of(property_names, name); }
  // Temporal (liveness) properties are checked after the search, under fairness.
  [[nodiscard]] static constexpr bool property_is_temporal(int id) { return id == 1; }

  // The fairness of a SPECIFICATION: Spec has none; FairSpec is
  // Spec /\ WF_vars(Progress), Progress the journal's own steps.
  [[nodiscard]] static bool fairness(std::string_view spec, std::vector<Fairness>& out) {
    out.clear();
    if (spec == "Spec") return true;
    if (spec != "FairSpec") return false;
    out.push_back(Fairness{Fairness::Kind::weak, {"Validate", "Reject", "Commit"}});
    return true;
  }
  // EntryResolvesProp == \A i \in 1..MaxEntries : P(i) ~> Q(i); instance k is i = k + 1.
  [[nodiscard]] std::size_t instances(int /*id*/) const { return static_cast<std::size_t>(c_.max_entries); }
  [[nodiscard]] static std::string instance_name(int /*id*/, std::size_t k) { return "i = " + std::to_string(k + 1); }
  [[nodiscard]] static bool leads_from(int /*id*/, std::size_t k, const State& s) {  // P(i)
    return k < s.entry_count && s.entries[k].phase == Phase::staged;
  }
  [[nodiscard]] static bool leads_to(int /*id*/, std::size_t k, const State& s) {  // Q(i)
    return k < s.entry_count && model::Terminal(s.entries[k].phase);
  }

  [[nodiscard]] constexpr bool invariant(int id, const State& s) const {
    switch (id) {
      case 0: return type_ok(s);
      case 1: return no_destructive_commit(s);
      case 2: return committed_stable(s);
      case 3: return commit_only_validated(s);
      case 4: return rejected_has_reason(s);
      default: return false;
    }
  }
  [[nodiscard]] constexpr bool property(int id, const State& from, const State& to) const {
    return id == 0 && phase_monotone(from, to);
  }

  [[nodiscard]] constexpr bool entry_ok(const Entry& e) const {
    return e.key < c_.key_count && static_cast<int>(e.expected) <= c_.max_version;
  }
  [[nodiscard]] constexpr bool type_ok(const State& s) const {
    if (static_cast<int>(s.entry_count) > c_.max_entries || static_cast<int>(s.hist_count) > c_.max_entries)
      return false;
    for (std::size_t i = 0; i < s.entry_count; ++i)
      if (!entry_ok(s.entries[i])) return false;
    const unsigned idx_mask = (1U << static_cast<unsigned>(c_.max_entries)) - 1U;
    for (std::size_t k = 0; k < c_.key_count; ++k) {
      if (static_cast<int>(s.version[k]) > c_.max_entries) return false;
      if ((s.value[k] & ~idx_mask) != 0) return false;
    }
    for (std::size_t j = 0; j < s.hist_count; ++j) {
      const CommitRecord& r = s.hist[j];
      if (r.idx < 1 || static_cast<int>(r.idx) > c_.max_entries || !entry_ok(r.entry) ||
          static_cast<int>(r.before) > c_.max_entries)
        return false;
    }
    return true;
  }
  [[nodiscard]] static constexpr bool no_destructive_commit(const State& s) {
    for (std::size_t j = 0; j < s.hist_count; ++j) {
      const CommitRecord& r = s.hist[j];
      if (r.entry.op == Op::set_with_version && r.entry.expected != r.before) return false;
    }
    for (std::size_t j = 0; j < s.hist_count; ++j) {
      const CommitRecord& r = s.hist[j];
      const std::size_t k = r.entry.key;
      if ((s.value[k] & (1U << (r.idx - 1U))) != 0) continue;
      bool replaced_later = false;
      for (std::size_t j2 = j + 1; j2 < s.hist_count; ++j2)
        if (s.hist[j2].entry.key == r.entry.key && s.hist[j2].entry.op == Op::set_with_version) replaced_later = true;
      if (!replaced_later) return false;
    }
    return true;
  }
  [[nodiscard]] static constexpr bool committed_stable(const State& s) {
    for (std::size_t j = 0; j < s.hist_count; ++j) {
      const CommitRecord& r = s.hist[j];
      if (r.idx < 1 || r.idx > s.entry_count) return false;
      if (!(s.entries[r.idx - 1U] == r.entry)) return false;
    }
    return true;
  }
  [[nodiscard]] static constexpr bool commit_only_validated(const State& s) {
    for (std::size_t j = 0; j < s.hist_count; ++j)
      if (s.hist[j].from != Phase::validated) return false;
    return true;
  }
  [[nodiscard]] static constexpr bool rejected_has_reason(const State& s) {
    for (std::size_t i = 0; i < s.entry_count; ++i)
      if ((s.entries[i].phase == Phase::rejected) != (s.entries[i].reason != Reason::ok)) return false;
    return true;
  }
  [[nodiscard]] static constexpr bool phase_monotone(const State& from, const State& to) {
    if (to.entry_count < from.entry_count) return false;
    for (std::size_t i = 0; i < from.entry_count; ++i) {
      if (!model::PhaseMonotone(from.entries[i].phase, to.entries[i].phase)) return false;
      if (model::Terminal(from.entries[i].phase) && !(to.entries[i] == from.entries[i])) return false;
    }
    return true;
  }

  // ---- printing ----------------------------------------------------------
  [[nodiscard]] std::string entry_str(const Entry& e) const {
    return tla_record({{"key", quote(c_.keys[e.key])},
                       {"op", quote(op_name(e.op))},
                       {"expected", std::to_string(e.expected)},
                       {"drops", tla_bool(e.drops)},
                       {"phase", quote(phase_name(e.phase))},
                       {"reason", quote(reason_name(e.reason))}});
  }
  [[nodiscard]] std::string print(const State& s) const {
    std::vector<std::string> es;
    for (std::size_t i = 0; i < s.entry_count; ++i) es.push_back(entry_str(s.entries[i]));
    std::vector<std::pair<std::string, std::string>> ver;
    std::vector<std::pair<std::string, std::string>> val;
    for (std::size_t k = 0; k < c_.key_count; ++k) {
      ver.emplace_back(std::string{c_.keys[k]}, std::to_string(s.version[k]));
      std::vector<std::string> members;
      for (unsigned i = 0; i < max_entries; ++i)
        if ((s.value[k] & (1U << i)) != 0) members.push_back(std::to_string(i + 1));
      val.emplace_back(std::string{c_.keys[k]}, tla_set(members));
    }
    std::vector<std::string> hs;
    for (std::size_t j = 0; j < s.hist_count; ++j) {
      const CommitRecord& r = s.hist[j];
      hs.push_back(tla_record({{"idx", std::to_string(r.idx)},
                               {"entry", entry_str(r.entry)},
                               {"before", std::to_string(r.before)},
                               {"from", quote(phase_name(r.from))}}));
    }
    return "/\\ entries = " + tla_seq(es) + "\n/\\ version = " + tla_fcn(ver) + "\n/\\ value = " + tla_fcn(val) +
           "\n/\\ hist = " + tla_seq(hs) + "\n";
  }

  [[nodiscard]] ConstantMap constant_map() const {
    ConstantMap m;
    std::set<std::string> keys;
    std::set<std::string> denied;
    std::set<std::string> ops;
    for (std::size_t k = 0; k < c_.key_count; ++k) keys.emplace(c_.keys[k]);
    for (std::size_t d = 0; d < c_.denied_count; ++d) denied.emplace(c_.denied[d]);
    for (std::size_t o = 0; o < op_count; ++o)
      if (c_.ops[o]) ops.emplace(op_name(static_cast<Op>(o)));
    m["Keys"] = CfgValue{keys};
    m["DeniedKeys"] = CfgValue{denied};
    m["Ops"] = CfgValue{ops};
    m["MaxEntries"] = CfgValue{std::int64_t{c_.max_entries}};
    m["MaxVersion"] = CfgValue{std::int64_t{c_.max_version}};
    m["CommitWithoutValidateBug"] = CfgValue{c_.commit_without_validate_bug};
    m["OverwriteOnVersionMismatchBug"] = CfgValue{c_.overwrite_on_version_mismatch_bug};
    m["RevalidateCommittedBug"] = CfgValue{c_.revalidate_committed_bug};
    m["WaitOnStaleBug"] = CfgValue{c_.wait_on_stale_bug};
    return m;
  }

 private:
  [[nodiscard]] constexpr State stage(const State& s, std::size_t k, Op op, int expected, bool drops) const {
    State t = s;
    Entry e;
    e.key = static_cast<std::uint8_t>(k);
    e.op = op;
    e.expected = static_cast<std::uint8_t>(expected);
    e.drops = drops;
    t.entries[t.entry_count] = e;
    t.entry_count = static_cast<std::uint8_t>(t.entry_count + 1);
    return t;
  }

  Constants c_;
  std::array<bool, max_keys> denied_{};
  model::JournalBugs bugs_;
};

}  // namespace clawvm::tla::journal
