// The checks of the conformance kit: spec/conformance.md CF-8 (must), CF-9 (should, may).
#include "clawvm/conform/checks.hpp"

#include <cmath>

#include <fmt/core.h>

#include "clawvm/message_text.hpp"
#include "clawvm/page_traits.hpp"
#include "clawvm/selector.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::conform {

using nlohmann::json;

namespace {

std::string text_of(const json* v) {
  if (v == nullptr) return "absent";
  return printable_message(v->dump(-1, ' ', false, json::error_handler_t::replace));
}

// CF-4: integers exactly, numbers by value, doubles within a relative 1e-9.
bool same_value(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) {
      const double x = a.get<double>();
      const double y = b.get<double>();
      return x == y || std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y));
    }
    if (a.is_number_unsigned() && b.is_number_unsigned()) return a.get<std::uint64_t>() == b.get<std::uint64_t>();
    return a.get<std::int64_t>() == b.get<std::int64_t>() && (a.get<std::int64_t>() >= 0) == (b.get<std::int64_t>() >= 0);
  }
  return a == b;
}

struct mismatch {
  std::string path;
  std::string page;
  std::string expected;
  std::string got;
  const json* element = nullptr;  // the expected array element the field is in, if any
};

// Array elements are named by what identifies them: a journal entry by its seq, a
// selection entry by its page, anything else by position.
std::string element_path(const std::string& path, const json& element, std::size_t i, std::string& page) {
  if (element.is_object()) {
    if (const auto it = element.find("page"); it != element.end() && it->is_string()) page = it->get<std::string>();
    if (const auto it = element.find("seq"); it != element.end() && it->is_number_unsigned()) {
      return fmt::format("{}[seq={}]", path, it->get<std::uint64_t>());
    }
    if (!page.empty()) return fmt::format("{}[page={}]", path, printable_message(page));
  }
  return fmt::format("{}[{}]", path, i);
}

// The first field of `expected` that `got` does not match (depth first, keys in order).
// `faults` objects compare as maps where an absent kind counts 0 (SC-2).
std::optional<mismatch> first_difference(const json& expected, const json* got, const std::string& path) {
  if (got == nullptr) return mismatch{path, "", text_of(&expected), "absent"};
  if (expected.is_object()) {
    if (!got->is_object()) return mismatch{path, "", text_of(&expected), text_of(got)};
    const bool counts = path == "faults" || path == "fault_counts" || path.ends_with(".faults");
    if (counts) {
      std::set<std::string> kinds;
      for (auto it = expected.begin(); it != expected.end(); ++it) kinds.insert(it.key());
      for (auto it = got->begin(); it != got->end(); ++it) kinds.insert(it.key());
      for (const auto& k : kinds) {
        const json zero = 0;
        const auto e = expected.find(k);
        const auto g = got->find(k);
        const json& ev = e == expected.end() ? zero : *e;
        const json& gv = g == got->end() ? zero : *g;
        if (!same_value(ev, gv)) return mismatch{fmt::format("{}.{}", path, k), "", text_of(&ev), text_of(&gv)};
      }
      return std::nullopt;
    }
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      const auto g = got->find(it.key());
      const std::string sub = path.empty() ? it.key() : fmt::format("{}.{}", path, it.key());
      if (auto m = first_difference(*it, g == got->end() ? nullptr : &*g, sub)) return m;
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!got->is_array()) return mismatch{path, "", text_of(&expected), text_of(got)};
    const std::size_t n = std::min(expected.size(), got->size());
    for (std::size_t i = 0; i < n; ++i) {
      std::string page;
      const std::string sub = element_path(path, expected[i], i, page);
      if (auto m = first_difference(expected[i], &(*got)[i], sub)) {
        if (m->page.empty()) m->page = page;
        if (m->element == nullptr) m->element = &expected[i];
        return m;
      }
    }
    if (expected.size() != got->size()) {
      const bool more = got->size() > expected.size();
      const json& extra = more ? (*got)[n] : expected[n];
      std::string page;
      const std::string sub = element_path(path, extra, n, page);
      return mismatch{sub, page, more ? "absent" : text_of(&extra), more ? text_of(&extra) : "absent", more ? nullptr : &extra};
    }
    return std::nullopt;
  }
  if (!same_value(expected, *got)) return mismatch{path, "", text_of(&expected), text_of(got)};
  return std::nullopt;
}

bool is_boundary(const std::string& e) { return parse_boundary(e).has_value(); }

// Which requirement a differing field belongs to (CF-10), from the request, the field and
// the expected journal entry it is in.
std::string requirement_for(const std::string& event, const std::string& field, const json* element) {
  if (field.rfind("error", 0) == 0) return "SC-6";
  if (event == "op counters") return "FT-9";
  if (event.rfind("op ", 0) == 0) return "SC-5";
  if (event == "ingest") return "PG-8";
  if (event == "update") return "PG-9";
  if (event == "demand") return "FT-2";
  if (event == "tool_call") return "FT-3";
  if (event == "recall") return "FT-6";
  if (event == "turn_end") {
    if (field.rfind("floor_set", 0) == 0) return "SEL-5";
    if (field.rfind("unmet", 0) == 0) return "SEL-3";
    if (field.rfind("faults", 0) == 0) return "FT-7";
    if (field == "turn") return "EN-2";
    return "SEL-7";
  }
  if (is_boundary(event)) {
    if (field.rfind("journal", 0) == 0) {
      // The check that decides the expected entry's outcome.
      const auto reason = element != nullptr && element->is_object() ? element->value("reason", std::string("OK")) : "OK";
      if (reason == "SCHEMA_INVALID") return "JR-3";
      if (reason == "PROVENANCE_MISSING" || reason == "PROVENANCE_DANGLING") return "JR-4";
      if (reason == "SCOPE_DENIED") return "JR-5";
      if (reason == "DESTRUCTIVE_OP" || reason == "STALE_VERSION" || reason == "VALUE_TOO_LARGE") return "JR-6";
      if (reason == "HARD_PIN_VIOLATION" || reason == "UNKNOWN_PAGE") return "JR-7";
      return "JR-9";
    }
    if (field == "flush_misses" || field.rfind("faults", 0) == 0) return "FT-5";
    if (field == "pages_destroyed") return "EN-5";
    return "EN-4";
  }
  return "SC-3";
}

const json* member(const json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// A non-negative integer, however the JSON value holds it.
std::optional<std::uint64_t> as_count(const json* v) {
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<std::uint64_t>();
  const auto n = v->get<std::int64_t>();
  return n < 0 ? std::nullopt : std::optional(static_cast<std::uint64_t>(n));
}

std::uint64_t count_of(const json& faults, const char* kind) { return as_count(member(faults, kind)).value_or(0); }

}  // namespace

std::string request_name(const json& request) {
  if (const json* e = member(request, "event"); e != nullptr && e->is_string()) return e->get<std::string>();
  // Control operations are named "op <name>", so the `shutdown` op is not the boundary.
  if (const json* o = member(request, "op"); o != nullptr && o->is_string()) return "op " + o->get<std::string>();
  return "";
}

std::string divergence::render() const {
  std::string where = request == 0 ? std::string("after the stream") : fmt::format("request {} (line {}", request, request + 1);
  if (request != 0) {
    where += fmt::format(", turn {}", turn);
    if (!event.empty()) where += fmt::format(", event {}", event);
    if (!page.empty()) where += fmt::format(", page {}", printable_message(page));
    where += ")";
  }
  return fmt::format("{}: {}: expected {}, got {} [{}; {}]", where, field.empty() ? "(response)" : field, expected, got,
                     check, requirement);
}

json divergence::to_json() const {
  return {{"request", request}, {"line", request == 0 ? 0 : request + 1}, {"turn", turn}, {"event", event},
          {"page", page}, {"field", field}, {"expected", expected}, {"got", got}, {"check", check},
          {"requirement", requirement}};
}

case_checker::case_checker(const engine_policy& policy, tier level, bool zero_faults)
    : policy_(policy), level_(level), zero_faults_(zero_faults) {}

divergence case_checker::at(const exchange& x, std::string field, std::string expected, std::string got,
                            std::string check, std::string requirement) const {
  return divergence{x.index, turns_, x.event, "", std::move(field), std::move(expected), std::move(got), std::move(check),
                    std::move(requirement)};
}

std::optional<divergence> case_checker::check(std::size_t index, const json& request, const json& expected,
                                              const json& got) {
  const exchange x{index, request_name(request), request, got};
  // CF-8.1 exact / CF-9.1 agreement: every field the expected answer holds.
  if (auto m = first_difference(expected, &got, "")) {
    divergence d = at(x, m->path, m->expected, m->got, level_ == tier::must ? "exact" : "agreement",
                      requirement_for(x.event, m->path, m->element));
    d.page = m->page;
    return d;
  }
  if (x.event == "demand" && !expected.contains("outcome") && got.value("outcome", std::string()) == "unknown_page") {
    return at(x, "outcome", "hit, miss or refetch", "\"unknown_page\"", "exact", "FT-2");
  }
  if (auto d = invariants(x)) return d;
  track(x);
  return std::nullopt;
}

std::optional<divergence> case_checker::invariants(const exchange& x) {
  if (!x.got.value("ok", false)) return std::nullopt;  // a bad request changes nothing (SC-6)
  if (auto d = fault_accounting(x)) return d;
  if (x.event == "turn_end") {
    if (auto d = turn_invariants(x)) return d;
  }
  if (const auto b = parse_boundary(x.event); b && policy_.writes_back_at(*b)) {
    const json* misses = member(x.got, "flush_misses");
    if (as_count(misses) != std::optional<std::uint64_t>(0)) {
      return at(x, "flush_misses", "0", text_of(misses), "LifecycleCompletenessInv", "EN-4");
    }
  }
  if (zero_faults_) {
    const json* total = member(x.got, "faults_total");
    if (total != nullptr && as_count(total) != std::optional<std::uint64_t>(0)) {
      return at(x, "faults_total", "0", text_of(total), "ZeroFaultsInv", "EN-9");
    }
  }
  return std::nullopt;
}

std::optional<divergence> case_checker::fault_accounting(const exchange& x) {
  const json* faults = member(x.got, "faults");
  const json* total = member(x.got, "faults_total");
  if (faults == nullptr || !faults->is_object() || !as_count(total)) {
    return at(x, faults == nullptr || !faults->is_object() ? "faults" : "faults_total", "present", "absent",
              "FaultCountInv", "SC-2");
  }
  std::uint64_t sum = 0;
  for (auto it = faults->begin(); it != faults->end(); ++it) {
    const auto n = as_count(&*it);
    if (!n) return at(x, "faults." + it.key(), "a count", text_of(&*it), "FaultCountInv", "SC-2");
    sum += *n;
  }
  if (*as_count(total) != faults_total_ + sum) {
    return at(x, "faults_total", std::to_string(faults_total_ + sum), text_of(total), "FaultCountInv", "FT-9");
  }
  // What each outcome raises (FT-2 ... FT-7), and nothing else.
  std::map<std::string, std::uint64_t> allowed;
  std::string requirement = "FT-1";
  const std::string outcome = x.got.value("outcome", std::string());
  if (x.event == "demand") {
    requirement = "FT-2";
    if (outcome == "refetch") allowed["refetch"] = 1;
  } else if (x.event == "tool_call") {
    requirement = "FT-3";
    if (outcome == "duplicate_tool") allowed["duplicate_tool"] = 1;
  } else if (x.event == "recall") {
    requirement = "FT-6";
    if (x.got.value("silent", false)) allowed["silent_recall"] = 1;
  } else if (x.event == "turn_end") {
    requirement = "FT-7";
    allowed["pinned_invariant_miss"] = count_of(*faults, "pinned_invariant_miss");
  } else if (is_boundary(x.event)) {
    requirement = "FT-5";
    allowed["flush_miss"] = x.got.value("flush_misses", std::uint64_t{0});
    if (x.event == "compaction") allowed["post_compaction_bootstrap"] = count_of(*faults, "post_compaction_bootstrap");
  }
  std::set<std::string> kinds;
  for (auto it = faults->begin(); it != faults->end(); ++it) kinds.insert(it.key());
  for (const auto& [k, n] : allowed) kinds.insert(k);
  for (const auto& k : kinds) {
    const auto want = allowed.count(k) != 0 ? allowed[k] : 0;
    const auto have = count_of(*faults, k.c_str());
    if (want != have) {
      return at(x, "faults." + k, std::to_string(want), std::to_string(have), "FaultCountInv", requirement);
    }
  }
  return std::nullopt;
}

std::optional<divergence> case_checker::turn_invariants(const exchange& x) {
  const json* resident = member(x.got, "resident");
  const json* unmet = member(x.got, "unmet");
  const json* used = member(x.got, "tokens_used");
  const json* budget = member(x.got, "tokens_budget");
  if (resident == nullptr || !resident->is_array() || unmet == nullptr || !unmet->is_array() || !as_count(used) ||
      !as_count(budget)) {
    return at(x, "resident", "a selection (resident, unmet, tokens_used, tokens_budget)", text_of(&x.got), "FloorInv",
              "SC-3");
  }
  std::map<std::string, level> levels;
  std::uint64_t sum = 0;
  for (const auto& r : *resident) {
    const std::string id = r.value("page", std::string());
    const auto l = parse_level(r.value("level", std::string()));
    const auto where = pages_.find(id);
    divergence d = at(x, fmt::format("resident[page={}]", printable_message(id)), "", text_of(&r), "FloorInv", "SEL-9.2");
    d.page = id;
    if (where == std::nullopt || !l || *l == level::none) {
      d.expected = "a known page at a level";
      return d;
    }
    const page& p = pages_.at(*where);
    if (!is_resident_level(p.type, *l) || !p.has(*l) || r.value("tokens", std::uint64_t{0}) != p.tokens_at(*l)) {
      d.expected = fmt::format("a level of its {} chain it has, with that level's tokens", to_string(p.type));
      return d;
    }
    levels[id] = *l;
    sum += p.tokens_at(*l);
  }
  if (*as_count(used) != sum || sum > *as_count(budget)) {
    return at(x, "tokens_used", fmt::format("{} (the resident tokens), at most {}", sum, *as_count(budget)), text_of(used),
              "BudgetInv", "SEL-9.1");
  }
  std::set<std::string> unmet_pages;
  for (const auto& u : *unmet) {
    const std::string id = u.value("page", std::string());
    if (!pages_.find(id) || u.value("reason", std::string()) != "REQUIRED_DOES_NOT_FIT") {
      divergence d = at(x, fmt::format("unmet[page={}]", printable_message(id)), "a known page with REQUIRED_DOES_NOT_FIT",
                        text_of(&u), "UnmetReasonInv", "SEL-9.6");
      d.page = id;
      return d;
    }
    unmet_pages.insert(id);
  }
  const auto level_of = [&](const std::string& id) {
    const auto it = levels.find(id);
    return it == levels.end() ? level::none : it->second;
  };
  if (policy_.selector.auto_pin && x.got.value("floor_set_fits", false)) {
    for (const page& p : pages_.pages()) {
      if (p.pin != pin_class::hard || level_of(p.id) >= floor_of(p.type)) continue;
      divergence d = at(x, fmt::format("resident[page={}]", printable_message(p.id)),
                        fmt::format("at or above its floor {}", to_string(floor_of(p.type))), std::string(to_string(level_of(p.id))),
                        "PinnedResidentInv", "SEL-9.4");
      d.page = p.id;
      return d;
    }
  }
  for (const auto& [id, wanted] : demands_) {
    const auto where = pages_.find(id);
    if (!where || unmet_pages.count(id) != 0) continue;
    const level serving = serving_level(pages_.at(*where), wanted);
    if (level_of(id) >= serving) continue;
    divergence d = at(x, fmt::format("resident[page={}]", printable_message(id)),
                      fmt::format("at or above {} (demanded {}), or in unmet", to_string(serving), to_string(wanted)),
                      std::string(to_string(level_of(id))), "DemandServedInv", "SEL-9.5");
    d.page = id;
    return d;
  }
  return std::nullopt;
}

void case_checker::track(const exchange& x) {
  const bool ok = x.got.value("ok", false);
  faults_total_ = x.got.value("faults_total", faults_total_);
  if (!ok) return;
  const std::string& e = x.event;
  auto page_spec_of = [](const json& j) -> std::optional<page_spec> {
    auto parsed = parse_workload_event_object(json{{"event", "ingest"}, {"page", j}}, "", 0);
    if (const auto* ev = std::get_if<workload_event>(&parsed)) return std::get<workload_events::ingest>(*ev).page;
    return std::nullopt;
  };
  if (e == "ingest") {
    if (x.got.value("reason", std::string()) == "OK") {
      if (auto spec = page_spec_of(x.request.value("page", json()))) (void)pages_.ingest(*spec);
    }
  } else if (e == "update") {
    if (x.got.value("reason", std::string()) == "OK") {
      if (auto spec = page_spec_of(x.request.value("page", json()))) {
        (void)pages_.replace(*spec);
        ++page_version_[spec->id];
      }
    }
  } else if (e == "demand") {
    const auto l = parse_level(x.request.value("level", std::string("full")));
    if (x.got.value("outcome", std::string()) != "unknown_page") demands_.emplace_back(x.request.value("page", std::string()), l.value_or(level::full));
  } else if (e == "tool_call") {
    const std::string outcome = x.got.value("outcome", std::string());
    const std::string signature = x.got.value("signature", std::string());
    auto spec = page_spec_of(x.request.value("result", json()));
    if (outcome == "new_call" && spec) {
      (void)pages_.ingest(*spec);
      result_page_[signature] = spec->id;
    } else if (outcome == "duplicate_tool" && spec && result_page_.count(signature) != 0) {
      spec->id = result_page_[signature];
      (void)pages_.replace(*spec);
      ++page_version_[spec->id];
    }
    if (outcome != "rejected" && result_page_.count(signature) != 0) {
      demands_.emplace_back(result_page_[signature], level::full);
      signatures_since_assembly_.insert(signature);
    }
  } else if (e == "turn_end") {
    ++turns_;
    demands_.clear();
    signatures_since_assembly_.clear();
    std::vector<piece> prompt;
    std::uint64_t tokens = 0;
    for (const auto& r : x.got.value("resident", json::array())) {
      piece p{r.value("page", std::string()), r.value("level", std::string()), r.value("tokens", std::uint64_t{0}), 0};
      p.version = page_version_[p.page];
      tokens += p.tokens;
      prompt.push_back(std::move(p));
    }
    if (have_previous_) {
      prefix_assembled_ += tokens;
      for (std::size_t i = 0; i < prompt.size() && i < previous_prompt_.size() && prompt[i] == previous_prompt_[i]; ++i) {
        prefix_kept_ += prompt[i].tokens;
      }
    }
    previous_prompt_ = std::move(prompt);
    have_previous_ = true;
  } else if (const auto b = parse_boundary(e)) {
    signatures_since_assembly_.clear();
    if (boundary_ends_session(*b)) {
      (void)pages_.remove_if([](const page& p) { return p.scope == scope::session; });
      for (auto it = result_page_.begin(); it != result_page_.end();) {
        it = pages_.find(it->second) ? std::next(it) : result_page_.erase(it);
      }
      demands_.clear();
    }
  }
}

double case_checker::prefix_stability() const noexcept {
  return prefix_assembled_ == 0 ? 1.0 : static_cast<double>(prefix_kept_) / static_cast<double>(prefix_assembled_);
}

std::optional<divergence> case_checker::check_metrics(const json& expected_metrics, const json& got_counters) {
  json got = got_counters;
  got["prefix_stability"] = prefix_stability();
  if (auto m = first_difference(expected_metrics, &got, "")) {
    return divergence{0, turns_, "op counters", "", m->path, m->expected, m->got, "metrics",
                      m->path == "prefix_stability" ? "RP-7" : (m->path == "thrash_index" ? "FT-8" : "FT-9")};
  }
  return std::nullopt;
}

}  // namespace clawvm::conform
