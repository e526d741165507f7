// Trace validation against the model: spec/decision_trace.md DT-6; tla/ClawVM.tla.
// The model state here is the spec's variables, for the concrete pages of one trace:
//   level[p], dirty[p] (PageResidency / ClawVM), phase[seq] (Journal), plus the
//   bookkeeping a trace needs (open assembly, open boundary, pending updates per page).
#include "clawvm/trace_validation.hpp"

#include <optional>
#include <type_traits>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "clawvm/decision_trace.hpp"
#include "clawvm/json_fields.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/durable_store.hpp"
#include "clawvm/model/journal.hpp"
#include "clawvm/model/page_residency.hpp"
#include "clawvm/policy.hpp"

namespace clawvm {

struct trace_model_page {
  std::string id;
  page_type type = page_type::conversation;
  pin_class pin = pin_class::none;
  clawvm::scope scope = clawvm::scope::session;
  level resident = level::none;
  bool dirty = false;
  std::uint64_t pending = 0;  // updates made, not yet committed, rejected or lost
};

struct trace_model {
  std::vector<trace_model_page> pages;  // ingest order, as the engine's page table
  std::unordered_map<std::string, std::size_t> index;
  std::map<std::uint64_t, journal_phase> phases;  // Journal.tla: phase[seq]
  bool auto_pin = false;
  std::uint64_t next_seq = 0;
  std::uint64_t turn = 0;
  // An open assembly: levels being built from none, tokens installed so far.
  bool assembling = false;
  std::vector<level> shadow;
  std::uint64_t tokens = 0;
  // An open boundary.
  std::optional<boundary> crossing;
  bool destroyed = false;

  trace_model_page* find(std::string_view id) {
    auto it = index.find(std::string(id));
    return it == index.end() ? nullptr : &pages[it->second];
  }
  void reindex() {
    index.clear();
    for (std::size_t i = 0; i < pages.size(); ++i) index.emplace(pages[i].id, i);
  }
};

bool trace_validator::fail(std::string_view event, std::string_view action, std::string message) {
  result_.ok = false;
  result_.first_divergence = {line_, std::string(event), std::string(action), std::move(message)};
  return false;
}

namespace {

// Fetches a typed field (json_fields' lenient lookups) or records why it is missing.
struct fields {
  const nlohmann::json& j;
  std::string error;
  std::string str(const char* key) { return found(json_fields::string_member(j, key), key, "a string"); }
  std::uint64_t num(const char* key) { return found(json_fields::unsigned_member(j, key), key, "an unsigned number"); }
  bool flag(const char* key) { return found(json_fields::boolean_member(j, key), key, "a boolean"); }

 private:
  // The value `lookup` found, or a value-initialised one with the first error recorded.
  template <class Lookup>
  auto found(const Lookup& lookup, const char* key, std::string_view expected) -> std::decay_t<decltype(*lookup)> {
    if (lookup) return *lookup;
    if (error.empty()) error = fmt::format("field '{}' missing or not {}", key, expected);
    return {};
  }
};

// A string member, or "" when it is absent or of another type (the typed readers above
// report the type error; naming the action must not throw on a hostile line).
std::string string_member(const nlohmann::json& j, const char* key) {
  const std::string* v = json_fields::string_member(j, key);
  return v == nullptr ? std::string{} : *v;
}

std::string_view action_of(std::string_view event, const nlohmann::json& j) {
  if (event == "ingest") return "Ingest";
  if (event == "update") return "Edit";
  if (event == "demand") return "Demand";
  if (event == "assemble") return "Assemble";
  if (event == "install") {
    const auto step = string_member(j, "step");
    return step == "required" ? "Assemble" : "Upgrade";
  }
  if (event == "unmet") return "Assemble";
  if (event == "select") return "Assemble";  // pages left out: Degrade / Evict
  if (event == "resume") return "Init";      // a new engine: the model's initial state
  if (event == "stage") return "Stage";
  if (event == "commit") return "Commit";
  if (event == "reject") return "Reject";
  if (event == "boundary" || event == "destroy" || event == "boundary_done") {
    const auto b = string_member(j, "boundary");
    if (b == "compaction") return "Compaction";
    if (b == "pruning") return "Pruning";
    if (b == "memory_flush") return "MemoryFlush";
    if (b == "reset") return "Reset";
    return "SessionEnd";
  }
  return "Stutter";  // observation only: no model variable changes
}

}  // namespace

namespace {

// One trace line being checked against the model: its fields, and the first thing that
// does not hold. Each check_<event> below is one model action (or an observation), and
// returns false with `problem` set when the line diverges.
struct line_check {
  trace_model& m;
  fields f;
  std::string problem;

  bool diverges(std::string message) {
    problem = std::move(message);
    return false;
  }
  bool field_error() { return diverges(f.error); }
  trace_model_page* page(std::string_view id) {
    trace_model_page* p = m.find(id);
    if (p == nullptr) diverges(fmt::format("page '{}' is not in the model", id));
    return p;
  }
  bool no_open_assembly() { return !m.assembling || diverges("an assembly is still open"); }
};

bool check_session_start(line_check& c) {
  c.m.auto_pin = c.f.flag("auto_pin");
  return true;
}

// PageResidency.tla Ingest: a new page, not resident, clean.
bool check_ingest(line_check& c) {
  const auto id = c.f.str("page");
  const auto type = parse_page_type(c.f.str("type"));
  const auto pin = parse_pin_class(c.f.str("pin"));
  const auto sc = parse_scope(c.f.str("scope"));
  if (!c.f.error.empty()) return c.field_error();
  if (!type || !pin || !sc) return c.diverges("unknown type, pin or scope");
  if (c.m.find(id) != nullptr) return c.diverges(fmt::format("page '{}' ingested twice", id));
  if (!c.no_open_assembly()) return false;
  c.m.pages.push_back({id, *type, *pin, *sc, level::none, false, 0});
  c.m.index.emplace(id, c.m.pages.size() - 1);
  return true;
}

// ClawVM.tla Edit: the page becomes dirty with one more update outstanding.
bool check_update(line_check& c) {
  trace_model_page* p = c.page(c.f.str("page"));
  if (p == nullptr) return false;
  p->dirty = true;
  ++p->pending;
  return true;
}

// Demand (an observation): a hit needs the page resident.
bool check_demand(line_check& c) {
  const auto outcome = c.f.str("outcome");
  if (outcome == "unknown_page") return true;
  trace_model_page* p = c.page(c.f.str("page"));
  if (p == nullptr) return false;
  if (outcome == "hit" && p->resident == level::none) {
    return c.diverges(fmt::format("hit on '{}', which the model has not resident", p->id));
  }
  return true;
}

bool check_tool_call(line_check& c) {
  return c.f.str("outcome") == "rejected" || c.page(c.f.str("page")) != nullptr;
}

// Assemble opens: the levels are rebuilt from none, install by install.
bool check_assemble(line_check& c) {
  if (!c.no_open_assembly()) return false;
  c.m.assembling = true;
  c.m.shadow.assign(c.m.pages.size(), level::none);
  c.m.tokens = 0;
  return true;
}

// Assemble / Upgrade: one upward step on the page's chain, from where the model has it.
bool check_install(line_check& c) {
  if (!c.m.assembling) return c.diverges("install outside an assembly");
  trace_model_page* p = c.page(c.f.str("page"));
  if (p == nullptr) return false;
  const auto from = parse_level(c.f.str("from"));
  const auto to = parse_level(c.f.str("to"));
  const auto extra = c.f.num("tokens_extra");
  if (!c.f.error.empty() || !from || !to) return c.diverges(c.f.error.empty() ? "bad level" : c.f.error);
  level& current = c.m.shadow[c.m.index.at(p->id)];
  if (*from != current) {
    return c.diverges(fmt::format("'{}' installs from {} but the model has it at {}", p->id, to_string(*from),
                                  to_string(current)));
  }
  if (!clawvm::model::UpwardStep(p->type, *from, *to)) {
    return c.diverges(fmt::format("{} -> {} is not an upward step on the {} chain", to_string(*from), to_string(*to),
                                  to_string(p->type)));
  }
  current = *to;
  c.m.tokens += extra;
  return true;
}

bool check_unmet(line_check& c) {
  if (!c.m.assembling) return c.diverges("unmet outside an assembly");
  trace_model_page* p = c.page(c.f.str("page"));
  if (p == nullptr) return false;
  const auto installed = parse_level(c.f.str("installed"));
  // Unmet lines follow the installs of the whole assembly; later steps may have raised
  // the page above what step 1 installed, never below.
  if (!installed || *installed > c.m.shadow[c.m.index.at(p->id)]) {
    return c.diverges(fmt::format("unmet '{}' reports a level above the model's", p->id));
  }
  return true;
}

// The assembly closes: BudgetInv, FloorInv and PinnedResidentInv on the new levels, and
// the engine's residency digest equal to the model's.
bool check_select(line_check& c) {
  trace_model& m = c.m;
  if (!m.assembling) return c.diverges("select without assemble");
  const auto used = c.f.num("tokens_used");
  const auto budget = c.f.num("tokens_budget");
  const auto pages = c.f.num("pages");
  const bool fits = c.f.flag("floor_set_fits");
  const auto digest = c.f.str("residency_digest");
  if (!c.f.error.empty()) return c.field_error();
  if (used != m.tokens) return c.diverges(fmt::format("tokens_used {} but installs add up to {}", used, m.tokens));
  if (used > budget) return c.diverges(fmt::format("BudgetInv: {} tokens over a budget of {}", used, budget));
  if (pages != m.pages.size()) return c.diverges(fmt::format("{} pages but the model has {}", pages, m.pages.size()));
  residency_digest d;
  for (std::size_t i = 0; i < m.pages.size(); ++i) {
    const trace_model_page& p = m.pages[i];
    const level l = m.shadow[i];
    // FloorInv: resident pages sit on their chain, at or above the floor.
    if (!clawvm::model::FloorHolds(p.type, l)) return c.diverges(fmt::format("FloorInv: '{}' at {}", p.id, to_string(l)));
    // PinnedResidentInv: an auto-pinning engine keeps hard-pinned floors when they fit.
    if (m.auto_pin && fits && p.pin == pin_class::hard && !clawvm::model::PinnedResident(p.type, l)) {
      return c.diverges(fmt::format("PinnedResidentInv: hard-pinned '{}' below its floor", p.id));
    }
    d.add(p.id, l);
  }
  if (d.hex() != digest) {
    return c.diverges(fmt::format("residency digest {} differs from the model's {}", digest, d.hex()));
  }
  for (std::size_t i = 0; i < m.pages.size(); ++i) m.pages[i].resident = m.shadow[i];
  m.assembling = false;
  return true;
}

// Journal.tla Stage: a fresh entry for a dirty page with an update outstanding.
bool check_stage(line_check& c) {
  const auto entry = c.f.num("journal_seq");
  trace_model_page* p = c.page(c.f.str("page"));
  if (p == nullptr) return false;
  if (!c.f.error.empty()) return c.field_error();
  if (!c.m.crossing) return c.diverges("stage outside a boundary");
  if (c.m.destroyed) return c.diverges("stage after the boundary destroyed state");
  if (c.m.phases.contains(entry)) return c.diverges(fmt::format("journal entry {} staged twice", entry));
  if (!p->dirty || p->pending == 0) return c.diverges(fmt::format("'{}' has nothing to write back", p->id));
  c.m.phases[entry] = journal_phase::staged;
  return true;
}

// Journal.tla Commit (after Validate) / Reject: only a staged entry moves, once.
bool check_write_back_outcome(line_check& c, bool committed) {
  const std::string_view event = committed ? "commit" : "reject";
  const auto entry = c.f.num("journal_seq");
  trace_model_page* p = c.page(c.f.str("page"));
  if (p == nullptr) return false;
  if (!c.f.error.empty()) return c.field_error();
  auto it = c.m.phases.find(entry);
  if (it == c.m.phases.end()) return c.diverges(fmt::format("journal entry {} was never staged", entry));
  const auto reason = c.f.str("reason");
  const auto code = parse_reason_code(reason);
  if (!code || committed != (*code == reason_code::ok)) return c.diverges(fmt::format("{} with reason {}", event, reason));
  // The engine validates and commits (or rejects) in one call: a commit line is
  // Validate then Commit, a reject line is Reject, each enabled only from its phase.
  namespace jm = clawvm::model;
  const bool enabled = committed ? jm::ValidateEnabled(it->second, *code) &&
                                       jm::CommitEnabled(journal_phase::validated, /*version_current=*/true)
                                 : jm::RejectEnabled(it->second, *code);
  if (!enabled) {
    return c.diverges(fmt::format("journal entry {} is {}: {} is not enabled", entry, to_string(it->second),
                                  committed ? "Commit" : "Reject"));
  }
  it->second = committed ? journal_phase::committed : journal_phase::rejected;
  if (p->pending == 0) return c.diverges(fmt::format("'{}' had no update outstanding", p->id));
  // Committed or rejected with a reason: accounted for (ClawVM.tla clears dirty).
  if (--p->pending == 0) p->dirty = false;
  return true;
}
bool check_commit(line_check& c) { return check_write_back_outcome(c, true); }
bool check_reject(line_check& c) { return check_write_back_outcome(c, false); }

// A flush_miss fault accounts for a dirty page the boundary is about to destroy.
bool check_fault(line_check& c) {
  if (c.f.str("fault") != "flush_miss") return true;
  if (!c.m.crossing) return c.diverges("flush_miss outside a boundary");
  trace_model_page* p = c.page(c.f.str("page"));
  if (p == nullptr) return false;
  if (!p->dirty) return c.diverges(fmt::format("flush_miss on '{}', which the model has clean", p->id));
  p->dirty = false;
  p->pending = 0;
  return true;
}

bool check_boundary(line_check& c) {
  const auto b = parse_boundary(c.f.str("boundary"));
  if (!b) return c.diverges("unknown boundary");
  if (!c.no_open_assembly()) return false;
  if (c.m.crossing) return c.diverges("a boundary is already open");
  c.m.crossing = b;
  c.m.destroyed = false;
  return true;
}

// LifecycleCompletenessInv: nothing dirty is destroyed; every dirty page was written back
// (committed or rejected) or its loss was reported as a flush_miss fault.
bool check_destroy(line_check& c) {
  if (!c.m.crossing) return c.diverges("destroy outside a boundary");
  const boundary b = *c.m.crossing;
  for (trace_model_page& p : c.m.pages) {
    if (!clawvm::model::InDestroySet(b, p.type)) continue;
    if (p.dirty) return c.diverges(fmt::format("LifecycleCompletenessInv: dirty '{}' destroyed unaccounted", p.id));
    p.resident = level::none;
  }
  if (boundary_ends_session(b)) {
    std::erase_if(c.m.pages, [](const trace_model_page& p) { return p.scope == scope::session; });
    c.m.reindex();
  }
  c.m.destroyed = true;
  return true;
}

bool check_boundary_done(line_check& c) {
  if (!c.m.crossing) return c.diverges("boundary_done without boundary");
  if (!c.m.destroyed) return c.diverges("boundary closed without its destroy step");
  if (!c.no_open_assembly()) return false;
  c.m.crossing.reset();
  return true;
}

bool check_observation(line_check&) { return true; }  // no model variable changes

using event_check = bool (*)(line_check&);
constexpr std::pair<std::string_view, event_check> event_checks[] = {
    {"session_start", check_session_start}, {"ingest", check_ingest},
    {"update", check_update},               {"demand", check_demand},
    {"tool_call", check_tool_call},         {"assemble", check_assemble},
    {"install", check_install},             {"unmet", check_unmet},
    {"select", check_select},               {"stage", check_stage},
    {"commit", check_commit},               {"reject", check_reject},
    {"fault", check_fault},                 {"boundary", check_boundary},
    {"destroy", check_destroy},             {"boundary_done", check_boundary_done},
};

event_check check_for(std::string_view event) {
  for (const auto& [name, check] : event_checks) {
    if (name == event) return check;
  }
  return check_observation;  // ingest_rejected, update_rejected, recall, turn_end, ...
}

}  // namespace

bool trace_validator::step(std::string_view line) {
  if (!result_.ok) return false;
  if (!m_) m_ = std::make_shared<trace_model>();
  ++line_;
  nlohmann::json j;
  json_text_error why;
  if (!parse_json_text(line, j, why)) return fail("", "", fmt::format("not JSON: {} (at byte {})", why.message, why.byte));
  if (!j.is_object()) return fail("", "", "not a JSON object");
  line_check c{*m_, fields{j, {}}, {}};
  const std::string event = c.f.str("event");
  const std::string action(action_of(event, j));
  const auto v = c.f.num("v");
  const auto seq = c.f.num("seq");
  const auto turn = c.f.num("turn");
  if (!c.f.error.empty()) return fail(event, action, c.f.error);
  if (v != static_cast<std::uint64_t>(decision_trace_version)) return fail(event, action, fmt::format("unknown trace version {}", v));
  if (seq != m_->next_seq) {
    return fail(event, action, fmt::format("seq {} where {} was expected (a line is missing or repeated)", seq, m_->next_seq));
  }
  if (event == "resume") return resume(seq, turn, action);
  if (turn < m_->turn) return fail(event, action, fmt::format("turn went back from {} to {}", m_->turn, turn));
  m_->next_seq = seq + 1;
  m_->turn = turn;
  ++result_.steps;
  ++result_.actions[action];
  if (!check_for(event)(c)) return fail(event, action, std::move(c.problem));
  return true;
}

// DT-4 / DT-6: a new engine continues the file: its context starts empty at turn 0;
// journal entries keep their phases (seqs continue from the durable store).
bool trace_validator::resume(std::uint64_t seq, std::uint64_t turn, const std::string& action) {
  if (seq == 0) return fail("resume", action, "resume as the first line: there is no trace to continue");
  auto fresh = std::make_shared<trace_model>();
  fresh->phases = std::move(m_->phases);
  fresh->next_seq = seq + 1;
  fresh->turn = turn;
  m_ = std::move(fresh);
  ++result_.steps;
  ++result_.actions[action];
  return true;
}

const trace_validation_result& trace_validator::finish() {
  if (!result_.ok || !m_) return result_;
  ++line_;
  if (m_->assembling) fail("", "", "trace ends inside an assembly");
  else if (m_->crossing) fail("", "", "trace ends inside a boundary");
  else {
    for (const auto& [seq, phase] : m_->phases) {
      if (!clawvm::model::Terminal(phase)) {
        fail("", "", fmt::format("journal entry {} was staged and never committed or rejected", seq));
        break;
      }
    }
  }
  return result_;
}

trace_validation_result validate_trace(const std::vector<std::string>& lines) {
  trace_validator v;
  for (const auto& l : lines) {
    if (!v.step(l)) break;
  }
  return v.finish();
}

}  // namespace clawvm
