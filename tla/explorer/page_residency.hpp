// Mirror of tla/PageResidency.tla.  Every operator and action of the spec
// has a same-named counterpart here; read the two side by side.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clawvm/model/page_residency.hpp"

#include "bfs.hpp"
#include "liveness.hpp"
#include "tla_value.hpp"

namespace clawvm::tla::page_residency {

// LevelSet and PageTypes are the library's enums (clawvm/page_type.hpp: the enumerator
// value of a level is its Rank); Floor, Chain, Up, Below, Lift and FloorInv's body are
// the one model (clawvm/model/page_residency.hpp), drawn from the library's page-traits
// table. static_checks.cpp proves that table equal to this spec's Floor and Chain.
using Level = clawvm::level;
using PageType = clawvm::page_type;
using clawvm::level_count;
using clawvm::page_type_count;
using model::FloorHolds;
using model::HasBelow;
using model::LevelOfRank;
using model::Lift;
using model::MaxBelow;
using model::Rank;
using model::Up;

constexpr std::string_view level_name(Level l) { return clawvm::to_string(l); }
constexpr std::string_view type_name(PageType t) { return clawvm::to_string(t); }

inline constexpr std::size_t max_pages = 4;

struct PageDecl {
  std::string_view id;
  PageType type;  // TypeOf[id]
};

struct Constants {
  std::array<PageDecl, max_pages> pages{};  // Pages, with TypeOf
  std::size_t page_count = 0;
  std::array<std::string_view, max_pages> hard_pinned{};  // HardPinned
  std::size_t hard_count = 0;
  int budget = 0;                        // Budget
  std::array<int, level_count> tokens{};  // Tok(l): 0, PointerTokens, ..., FullTokens
  bool evict_below_floor_bug = false;    // EvictBelowFloorBug
  bool upgrade_over_budget_bug = false;  // UpgradeOverBudgetBug
  bool drop_fitting_demand_bug = false;  // DropFittingDemandBug
};

struct State {
  std::uint8_t ingested = 0;                 // bit p: page p \in ingested
  std::array<Level, max_pages> level{};      // level[p]
  std::array<Level, max_pages> demand{};     // demand[p]
  bool assembled = false;

  constexpr auto operator<=>(const State&) const = default;
  [[nodiscard]] constexpr std::uint64_t hash() const {
    std::uint64_t h = mix(0, ingested);
    for (std::size_t p = 0; p < max_pages; ++p)
      h = mix(h, static_cast<std::uint64_t>(level[p]) * 8U + static_cast<std::uint64_t>(demand[p]));
    return mix(h, assembled ? 1U : 0U);
  }
};

class Model {
 public:
  using State = page_residency::State;
  using Constants = page_residency::Constants;

  constexpr explicit Model(const Constants& c) : c_(c) {
    for (std::size_t p = 0; p < c_.page_count; ++p) {
      type_[p] = c_.pages[p].type;
      for (std::size_t h = 0; h < c_.hard_count; ++h)
        if (c_.hard_pinned[h] == c_.pages[p].id) hard_ |= bit(p);
    }
  }

  [[nodiscard]] constexpr const Constants& constants() const { return c_; }

  // ---- operators ---------------------------------------------------------
  [[nodiscard]] constexpr int tok(Level l) const { return c_.tokens[static_cast<std::size_t>(l)]; }

  // Used(lv)
  [[nodiscard]] constexpr int used(const std::array<Level, max_pages>& lv) const {
    int sum = 0;
    for (std::size_t p = 0; p < c_.page_count; ++p) sum += tok(lv[p]);
    return sum;
  }
  [[nodiscard]] constexpr Level page_floor(std::size_t p) const { return model::Floor(type_[p]); }
  [[nodiscard]] constexpr bool hard(std::size_t p) const { return (hard_ & bit(p)) != 0; }

  // FloorSet and FloorSetFits
  [[nodiscard]] constexpr unsigned floor_set(const State& s) const { return hard_ & s.ingested; }
  [[nodiscard]] constexpr bool floor_set_fits(const State& s) const { return used(pass1_lv(floor_set(s))) <= c_.budget; }

  // Target(p) == Lift(TypeOf[p], MaxOf({demand[p], PageFloor(p)}))
  [[nodiscard]] constexpr Level target(const State& s, std::size_t p) const {
    const Level d = s.demand[p];
    const Level f = page_floor(p);
    return Lift(type_[p], Rank(d) > Rank(f) ? d : f);
  }
  [[nodiscard]] constexpr std::array<Level, max_pages> pass1_lv(unsigned s1) const {
    std::array<Level, max_pages> lv{};
    for (std::size_t p = 0; p < c_.page_count; ++p)
      if ((s1 & bit(p)) != 0) lv[p] = page_floor(p);
    return lv;
  }
  [[nodiscard]] constexpr std::array<Level, max_pages> pass2_lv(const State& s, unsigned s1, unsigned s2) const {
    std::array<Level, max_pages> lv{};
    for (std::size_t p = 0; p < c_.page_count; ++p) {
      if ((s2 & bit(p)) != 0)
        lv[p] = target(s, p);
      else if ((s1 & bit(p)) != 0)
        lv[p] = page_floor(p);
    }
    return lv;
  }
  [[nodiscard]] constexpr unsigned demanded(const State& s) const {
    unsigned d = 0;
    for (std::size_t p = 0; p < c_.page_count; ++p)
      if ((s.ingested & bit(p)) != 0 && s.demand[p] != Level::none) d |= bit(p);
    return d;
  }

  // ---- Init / Next -------------------------------------------------------
  template <class Emit>
  constexpr void init(Emit&& emit) const {
    emit(State{});  // ingested = {}, level = demand = NoLevels, assembled = FALSE
  }

  template <class Emit>
  constexpr void next(const State& s, Emit&& emit) const {
    const std::size_t n = c_.page_count;
    // \E p \in Pages : Ingest(p)
    for (std::size_t p = 0; p < n; ++p) {
      if ((s.ingested & bit(p)) != 0) continue;
      State t = s;
      t.ingested = static_cast<std::uint8_t>(t.ingested | bit(p));
      t.assembled = false;
      emit("Ingest", t);
    }
    // \E p \in Pages, l \in LevelSet \ {"none"} : Demand(p, l)
    for (std::size_t p = 0; p < n; ++p) {
      if ((s.ingested & bit(p)) == 0) continue;
      for (int r = 1; r < static_cast<int>(level_count); ++r) {
        State t = s;
        t.demand[p] = LevelOfRank(r);
        emit("Demand", t);
      }
    }
    // Assemble: \E S1 \in Pass1Choices : \E S2 \in Pass2Choices(S1)
    {
      const unsigned fs = floor_set(s);
      const unsigned dm = demanded(s);
      for (unsigned s1 = 0; s1 <= fs; ++s1) {
        if ((s1 & ~fs) != 0) continue;  // S1 \in SUBSET FloorSet
        if (used(pass1_lv(s1)) > c_.budget) continue;
        bool maximal1 = true;
        for (std::size_t q = 0; q < n; ++q)
          if ((fs & ~s1 & bit(q)) != 0 && used(pass1_lv(s1 | bit(q))) <= c_.budget) maximal1 = false;
        if (!maximal1) continue;
        for (unsigned s2 = 0; s2 <= dm; ++s2) {
          if ((s2 & ~dm) != 0) continue;
          if (used(pass2_lv(s, s1, s2)) > c_.budget) continue;
          bool maximal2 = true;
          for (std::size_t q = 0; q < n; ++q)
            if ((dm & ~s2 & bit(q)) != 0 && used(pass2_lv(s, s1, s2 | bit(q))) <= c_.budget) maximal2 = false;
          if (!maximal2 && !c_.drop_fitting_demand_bug) continue;  // DropFittingDemandBug: any that fits
          State t = s;
          t.level = pass2_lv(s, s1, s2);
          t.demand = {};
          t.assembled = true;
          emit("Assemble", t);
        }
      }
    }
    // \E p \in Pages : Upgrade(p)
    for (std::size_t p = 0; p < n; ++p) {
      if ((s.ingested & bit(p)) == 0 || s.level[p] == Level::full) continue;
      State t = s;
      t.level[p] = Up(type_[p], s.level[p]);
      if (used(t.level) <= c_.budget || c_.upgrade_over_budget_bug) emit("Upgrade", t);
    }
    // \E p \in Pages : Degrade(p)
    for (std::size_t p = 0; p < n; ++p) {
      if (s.level[p] == Level::none) continue;
      State t = s;
      if (HasBelow(type_[p], s.level[p])) {
        t.level[p] = MaxBelow(type_[p], s.level[p]);
        emit("Degrade", t);
      } else if (c_.evict_below_floor_bug) {
        t.level[p] = LevelOfRank(Rank(s.level[p]) - 1);
        emit("Degrade", t);
      }
    }
    // \E p \in Pages : Evict(p)
    for (std::size_t p = 0; p < n; ++p) {
      if (s.level[p] == Level::none) continue;
      if (!hard(p) || !floor_set_fits(s) || c_.evict_below_floor_bug) {
        State t = s;
        t.level[p] = Level::none;
        emit("Evict", t);
      }
    }
  }

  // ---- invariants --------------------------------------------------------
  static constexpr std::array<std::string_view, 5> invariant_names{
      "TypeOKInv", "BudgetInv", "FloorInv", "ResidentIngestedInv", "PinnedResidentInv"};
  static constexpr std::array<std::string_view, 1> property_names{"DemandServedProp"};

  [[nodiscard]] static constexpr int invariant_id(std::string_view name) { return index_of(invariant_names, name); }
  [[nodiscard]] static constexpr int property_id(std::string_view name) { return index_of(property_names, name); }
  // Temporal (liveness) properties are checked after the search, under fairness.
  [[nodiscard]] static constexpr bool property_is_temporal(int /*id*/) { return true; }

  // The fairness of a SPECIFICATION: Spec has none; FairSpec is
  // Spec /\ WF_vars(Assemble).
  [[nodiscard]] static bool fairness(std::string_view spec, std::vector<Fairness>& out) {
    out.clear();
    if (spec == "Spec") return true;
    if (spec != "FairSpec") return false;
    out.push_back(Fairness{Fairness::Kind::weak, {"Assemble"}});
    return true;
  }
  // DemandsFit
  [[nodiscard]] constexpr bool demands_fit(const State& s) const {
    return floor_set_fits(s) && used(pass2_lv(s, floor_set(s), demanded(s))) <= c_.budget;
  }
  // DemandServedProp == \A p \in Pages, l \in LevelSet \ {"none"} : P(p, l) ~> Q(p, l);
  // instance k is page k / 4 at the level of rank k % 4 + 1.
  [[nodiscard]] std::size_t instances(int /*id*/) const { return c_.page_count * (level_count - 1); }
  [[nodiscard]] std::string instance_name(int /*id*/, std::size_t k) const {
    return "p = " + quote(c_.pages[k / (level_count - 1)].id) + ", l = " + quote(level_name(instance_level(k)));
  }
  [[nodiscard]] bool leads_from(int /*id*/, std::size_t k, const State& s) const {
    return s.demand[k / (level_count - 1)] == instance_level(k) && demands_fit(s);
  }
  [[nodiscard]] bool leads_to(int /*id*/, std::size_t k, const State& s) const {
    const std::size_t p = k / (level_count - 1);
    const Level l = instance_level(k);
    return Rank(s.level[p]) >= Rank(l) || (s.demand[p] != l && s.demand[p] != Level::none) ||
           (s.demand[p] == l && !demands_fit(s));
  }

  [[nodiscard]] constexpr bool invariant(int id, const State& s) const {
    switch (id) {
      case 0: return type_ok(s);
      case 1: return used(s.level) <= c_.budget;  // BudgetInv
      case 2: return floor_inv(s);
      case 3: return resident_ingested(s);
      case 4: return pinned_resident(s);
      default: return false;
    }
  }
  [[nodiscard]] constexpr bool property(int /*id*/, const State& /*from*/, const State& /*to*/) const {
    return true;  // no action properties
  }

  [[nodiscard]] constexpr bool type_ok(const State& s) const {
    if ((s.ingested & ~all_pages()) != 0) return false;
    for (std::size_t p = 0; p < max_pages; ++p) {
      if (Rank(s.level[p]) >= static_cast<int>(level_count) || Rank(s.demand[p]) >= static_cast<int>(level_count))
        return false;
      if (p >= c_.page_count && (s.level[p] != Level::none || s.demand[p] != Level::none)) return false;
    }
    return true;
  }
  [[nodiscard]] constexpr bool floor_inv(const State& s) const {
    for (std::size_t p = 0; p < c_.page_count; ++p) {
      if (!FloorHolds(type_[p], s.level[p])) return false;
    }
    return true;
  }
  [[nodiscard]] constexpr bool resident_ingested(const State& s) const {
    for (std::size_t p = 0; p < c_.page_count; ++p)
      if ((s.ingested & bit(p)) == 0 && (s.level[p] != Level::none || s.demand[p] != Level::none)) return false;
    return true;
  }
  [[nodiscard]] constexpr bool pinned_resident(const State& s) const {
    if (!(s.assembled && floor_set_fits(s))) return true;
    const unsigned fs = floor_set(s);
    for (std::size_t p = 0; p < c_.page_count; ++p)
      if ((fs & bit(p)) != 0 && !model::PinnedResident(type_[p], s.level[p])) return false;
    return true;
  }

  // ---- printing ----------------------------------------------------------
  [[nodiscard]] std::string print(const State& s) const {
    std::vector<std::string> ing;
    std::vector<std::pair<std::string, std::string>> lv;
    std::vector<std::pair<std::string, std::string>> dm;
    for (std::size_t p = 0; p < c_.page_count; ++p) {
      const std::string id{c_.pages[p].id};
      if ((s.ingested & bit(p)) != 0) ing.push_back(quote(id));
      lv.emplace_back(id, quote(level_name(s.level[p])));
      dm.emplace_back(id, quote(level_name(s.demand[p])));
    }
    return "/\\ ingested = " + tla_set(ing) + "\n/\\ level = " + tla_fcn(lv) + "\n/\\ demand = " + tla_fcn(dm) +
           "\n/\\ assembled = " + tla_bool(s.assembled) + "\n";
  }

  // The constants as a cfg (with MCPageResidency.tla) assigns them.
  [[nodiscard]] ConstantMap constant_map() const {
    ConstantMap m;
    std::set<std::string> pages;
    CfgValue::Fcn types;
    std::set<std::string> hard_set;
    for (std::size_t p = 0; p < c_.page_count; ++p) {
      pages.emplace(c_.pages[p].id);
      types.emplace(std::string{c_.pages[p].id}, std::string{type_name(c_.pages[p].type)});
    }
    for (std::size_t h = 0; h < c_.hard_count; ++h) hard_set.emplace(c_.hard_pinned[h]);
    m["Pages"] = CfgValue{pages};
    m["TypeOf"] = CfgValue{types};
    m["HardPinned"] = CfgValue{hard_set};
    m["Budget"] = CfgValue{std::int64_t{c_.budget}};
    m["PointerTokens"] = CfgValue{std::int64_t{c_.tokens[1]}};
    m["StructuredTokens"] = CfgValue{std::int64_t{c_.tokens[2]}};
    m["CompressedTokens"] = CfgValue{std::int64_t{c_.tokens[3]}};
    m["FullTokens"] = CfgValue{std::int64_t{c_.tokens[4]}};
    m["EvictBelowFloorBug"] = CfgValue{c_.evict_below_floor_bug};
    m["UpgradeOverBudgetBug"] = CfgValue{c_.upgrade_over_budget_bug};
    m["DropFittingDemandBug"] = CfgValue{c_.drop_fitting_demand_bug};
    return m;
  }

 private:
  static constexpr unsigned bit(std::size_t p) { return 1U << p; }
  [[nodiscard]] constexpr unsigned all_pages() const { return (1U << c_.page_count) - 1U; }
  static constexpr Level instance_level(std::size_t k) {
    return LevelOfRank(static_cast<int>(k % (level_count - 1)) + 1);
  }

  Constants c_;
  std::array<PageType, max_pages> type_{};
  unsigned hard_ = 0;
};

}  // namespace clawvm::tla::page_residency
