// Trace validation against the model: spec/decision_trace.md DT-6; tla/ClawVM.tla.
// The model state here is the spec's variables, for the concrete pages of one trace:
//   level[p], dirty[p] (PageResidency / ClawVM), phase[seq] (Journal), plus the
//   bookkeeping a trace needs (open assembly, open boundary, pending updates per page).
#include "clawvm/trace_validation.hpp"

#include <optional>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "clawvm/decision_trace.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/committed_state.hpp"
#include "clawvm/model/journal.hpp"
#include "clawvm/model/page_residency.hpp"
#include "clawvm/policy.hpp"

namespace clawvm {

struct trace_validator::model_page {
  std::string id;
  page_type type = page_type::conversation;
  pin_class pin = pin_class::none;
  clawvm::scope scope = clawvm::scope::session;
  level resident = level::none;
  bool dirty = false;
  std::uint64_t pending = 0;  // updates made, not yet committed, rejected or lost
};

struct trace_validator::model {
  std::vector<model_page> pages;  // ingest order, as the engine's page table
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

  model_page* find(std::string_view id) {
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

// Fetches a typed field or records why it is missing.
struct fields {
  const nlohmann::json& j;
  std::string error;
  std::string str(const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) {
      if (error.empty()) error = fmt::format("field '{}' missing or not a string", key);
      return {};
    }
    return it->get<std::string>();
  }
  std::uint64_t num(const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned()) {
      if (error.empty()) error = fmt::format("field '{}' missing or not an unsigned number", key);
      return 0;
    }
    return it->get<std::uint64_t>();
  }
  bool flag(const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_boolean()) {
      if (error.empty()) error = fmt::format("field '{}' missing or not a boolean", key);
      return false;
    }
    return it->get<bool>();
  }
};

// A string member, or "" when it is absent or of another type (the typed readers above
// report the type error; naming the action must not throw on a hostile line).
std::string string_member(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
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

bool trace_validator::step(std::string_view line) {
  if (!result_.ok) return false;
  if (!m_) m_ = std::make_shared<model>();
  model& m = *m_;
  ++line_;
  nlohmann::json j;
  json_text_error why;
  if (!parse_json_text(line, j, why)) return fail("", "", fmt::format("not JSON: {} (at byte {})", why.message, why.byte));
  if (!j.is_object()) return fail("", "", "not a JSON object");
  fields f{j, {}};
  const std::string event = f.str("event");
  const std::string action(action_of(event, j));
  const auto v = f.num("v");
  const auto seq = f.num("seq");
  const auto turn = f.num("turn");
  if (!f.error.empty()) return fail(event, action, f.error);
  if (v != static_cast<std::uint64_t>(decision_trace_version)) return fail(event, action, fmt::format("unknown trace version {}", v));
  if (seq != m.next_seq) return fail(event, action, fmt::format("seq {} where {} was expected (a line is missing or repeated)", seq, m.next_seq));
  if (event == "resume") {
    // DT-4 / DT-6: a new engine continues the file: its context starts empty at turn 0;
    // journal entries keep their phases (seqs continue from the durable store).
    if (seq == 0) return fail(event, action, "resume as the first line: there is no trace to continue");
    auto fresh = std::make_shared<model>();
    fresh->phases = std::move(m.phases);
    fresh->next_seq = seq + 1;
    fresh->turn = turn;
    m_ = std::move(fresh);
    ++result_.steps;
    ++result_.actions[action];
    return true;
  }
  if (turn < m.turn) return fail(event, action, fmt::format("turn went back from {} to {}", m.turn, turn));
  m.next_seq = seq + 1;
  m.turn = turn;
  ++result_.steps;
  ++result_.actions[action];

  auto need_page = [&](std::string_view id) -> model_page* {
    model_page* p = m.find(id);
    if (p == nullptr) fail(event, action, fmt::format("page '{}' is not in the model", id));
    return p;
  };
  auto no_open_assembly = [&]() {
    if (m.assembling) return fail(event, action, "an assembly is still open");
    return true;
  };

  if (event == "session_start") {
    m.auto_pin = f.flag("auto_pin");
  } else if (event == "ingest") {
    const auto id = f.str("page");
    const auto type = parse_page_type(f.str("type"));
    const auto pin = parse_pin_class(f.str("pin"));
    const auto sc = parse_scope(f.str("scope"));
    if (!f.error.empty()) return fail(event, action, f.error);
    if (!type || !pin || !sc) return fail(event, action, "unknown type, pin or scope");
    if (m.find(id) != nullptr) return fail(event, action, fmt::format("page '{}' ingested twice", id));
    if (!no_open_assembly()) return false;
    m.pages.push_back({id, *type, *pin, *sc, level::none, false, 0});
    m.index.emplace(id, m.pages.size() - 1);
  } else if (event == "update") {
    model_page* p = need_page(f.str("page"));
    if (p == nullptr) return false;
    p->dirty = true;
    ++p->pending;
  } else if (event == "demand") {
    const auto outcome = f.str("outcome");
    if (outcome != "unknown_page") {
      model_page* p = need_page(f.str("page"));
      if (p == nullptr) return false;
      if (outcome == "hit" && p->resident == level::none) {
        return fail(event, action, fmt::format("hit on '{}', which the model has not resident", p->id));
      }
    }
  } else if (event == "tool_call") {
    const auto outcome = f.str("outcome");
    if (outcome != "rejected" && need_page(f.str("page")) == nullptr) return false;
  } else if (event == "assemble") {
    if (!no_open_assembly()) return false;
    m.assembling = true;
    m.shadow.assign(m.pages.size(), level::none);
    m.tokens = 0;
  } else if (event == "install") {
    if (!m.assembling) return fail(event, action, "install outside an assembly");
    model_page* p = need_page(f.str("page"));
    if (p == nullptr) return false;
    const auto from = parse_level(f.str("from"));
    const auto to = parse_level(f.str("to"));
    const auto extra = f.num("tokens_extra");
    if (!f.error.empty() || !from || !to) return fail(event, action, f.error.empty() ? "bad level" : f.error);
    level& current = m.shadow[m.index.at(p->id)];
    if (*from != current) {
      return fail(event, action, fmt::format("'{}' installs from {} but the model has it at {}", p->id,
                                             to_string(*from), to_string(current)));
    }
    if (!clawvm::model::UpwardStep(p->type, *from, *to)) {
      return fail(event, action, fmt::format("{} -> {} is not an upward step on the {} chain", to_string(*from),
                                             to_string(*to), to_string(p->type)));
    }
    current = *to;
    m.tokens += extra;
  } else if (event == "unmet") {
    if (!m.assembling) return fail(event, action, "unmet outside an assembly");
    model_page* p = need_page(f.str("page"));
    if (p == nullptr) return false;
    const auto installed = parse_level(f.str("installed"));
    // Unmet lines follow the installs of the whole assembly; later steps may have raised
    // the page above what step 1 installed, never below.
    if (!installed || *installed > m.shadow[m.index.at(p->id)]) {
      return fail(event, action, fmt::format("unmet '{}' reports a level above the model's", p->id));
    }
  } else if (event == "select") {
    if (!m.assembling) return fail(event, action, "select without assemble");
    const auto used = f.num("tokens_used");
    const auto budget = f.num("tokens_budget");
    const auto pages = f.num("pages");
    const bool fits = f.flag("floor_set_fits");
    const auto digest = f.str("residency_digest");
    if (!f.error.empty()) return fail(event, action, f.error);
    if (used != m.tokens) return fail(event, action, fmt::format("tokens_used {} but installs add up to {}", used, m.tokens));
    // BudgetInv
    if (used > budget) return fail(event, action, fmt::format("BudgetInv: {} tokens over a budget of {}", used, budget));
    if (pages != m.pages.size()) return fail(event, action, fmt::format("{} pages but the model has {}", pages, m.pages.size()));
    residency_digest d;
    for (std::size_t i = 0; i < m.pages.size(); ++i) {
      const model_page& p = m.pages[i];
      const level l = m.shadow[i];
      // FloorInv: resident pages sit on their chain, at or above the floor.
      if (!clawvm::model::FloorHolds(p.type, l)) {
        return fail(event, action, fmt::format("FloorInv: '{}' at {}", p.id, to_string(l)));
      }
      // PinnedResidentInv: an auto-pinning engine keeps hard-pinned floors when they fit.
      if (m.auto_pin && fits && p.pin == pin_class::hard && !clawvm::model::PinnedResident(p.type, l)) {
        return fail(event, action, fmt::format("PinnedResidentInv: hard-pinned '{}' below its floor", p.id));
      }
      d.add(p.id, l);
    }
    if (d.hex() != digest) {
      return fail(event, action, fmt::format("residency digest {} differs from the model's {}", digest, d.hex()));
    }
    for (std::size_t i = 0; i < m.pages.size(); ++i) m.pages[i].resident = m.shadow[i];
    m.assembling = false;
  } else if (event == "stage") {
    // Journal.tla Stage: a fresh entry for a dirty page with an update outstanding.
    const auto entry = f.num("journal_seq");
    model_page* p = need_page(f.str("page"));
    if (p == nullptr) return false;
    if (!f.error.empty()) return fail(event, action, f.error);
    if (!m.crossing) return fail(event, action, "stage outside a boundary");
    if (m.destroyed) return fail(event, action, "stage after the boundary destroyed state");
    if (m.phases.contains(entry)) return fail(event, action, fmt::format("journal entry {} staged twice", entry));
    if (!p->dirty || p->pending == 0) return fail(event, action, fmt::format("'{}' has nothing to write back", p->id));
    m.phases[entry] = journal_phase::staged;
  } else if (event == "commit" || event == "reject") {
    // Journal.tla Commit (after Validate) / Reject: only a staged entry moves, once.
    const auto entry = f.num("journal_seq");
    model_page* p = need_page(f.str("page"));
    if (p == nullptr) return false;
    if (!f.error.empty()) return fail(event, action, f.error);
    auto it = m.phases.find(entry);
    if (it == m.phases.end()) return fail(event, action, fmt::format("journal entry {} was never staged", entry));
    const auto reason = f.str("reason");
    const auto code = parse_reason_code(reason);
    if (!code || (event == "commit") != (*code == reason_code::ok)) {
      return fail(event, action, fmt::format("{} with reason {}", event, reason));
    }
    // The engine validates and commits (or rejects) in one call: a commit line is
    // Validate then Commit, a reject line is Reject, each enabled only from its phase.
    namespace jm = clawvm::model;
    const bool enabled = event == "commit" ? jm::ValidateEnabled(it->second, *code) &&
                                                 jm::CommitEnabled(journal_phase::validated, /*version_current=*/true)
                                           : jm::RejectEnabled(it->second, *code);
    if (!enabled) {
      return fail(event, action,
                  fmt::format("journal entry {} is {}: {} is not enabled", entry, to_string(it->second), action));
    }
    it->second = event == "commit" ? journal_phase::committed : journal_phase::rejected;
    if (p->pending == 0) return fail(event, action, fmt::format("'{}' had no update outstanding", p->id));
    // Committed or rejected with a reason: accounted for (ClawVM.tla clears dirty).
    if (--p->pending == 0) p->dirty = false;
  } else if (event == "fault") {
    const auto kind = f.str("fault");
    if (kind == "flush_miss") {
      if (!m.crossing) return fail(event, action, "flush_miss outside a boundary");
      model_page* p = need_page(f.str("page"));
      if (p == nullptr) return false;
      if (!p->dirty) return fail(event, action, fmt::format("flush_miss on '{}', which the model has clean", p->id));
      p->dirty = false;
      p->pending = 0;
    }
  } else if (event == "boundary") {
    const auto b = parse_boundary(f.str("boundary"));
    if (!b) return fail(event, action, "unknown boundary");
    if (!no_open_assembly()) return false;
    if (m.crossing) return fail(event, action, "a boundary is already open");
    m.crossing = b;
    m.destroyed = false;
  } else if (event == "destroy") {
    if (!m.crossing) return fail(event, action, "destroy outside a boundary");
    const boundary b = *m.crossing;
    // LifecycleCompletenessInv: nothing dirty is destroyed; every dirty page was written
    // back (committed or rejected) or its loss was reported as a flush_miss fault.
    for (model_page& p : m.pages) {
      if (!clawvm::model::InDestroySet(b, p.type)) continue;
      if (p.dirty) return fail(event, action, fmt::format("LifecycleCompletenessInv: dirty '{}' destroyed unaccounted", p.id));
      p.resident = level::none;
    }
    if (boundary_ends_session(b)) {
      std::erase_if(m.pages, [](const model_page& p) { return p.scope == scope::session; });
      m.reindex();
    }
    m.destroyed = true;
  } else if (event == "boundary_done") {
    if (!m.crossing) return fail(event, action, "boundary_done without boundary");
    if (!m.destroyed) return fail(event, action, "boundary closed without its destroy step");
    if (!no_open_assembly()) return false;
    m.crossing.reset();
  }
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
