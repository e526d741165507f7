#pragma once
// The model of the validated writeback journal (brief §3, spec/journal.md JR-1..JR-8,
// tla/Journal.tla) used by the stateful property test properties/journal_props.cpp.
//
// The model is written from the brief, not from src/journal.cpp: committed values are
// nlohmann::json documents keyed by (scope, field), the durable log is a list of expected
// records, and `predict` decides every update with the documented precedence
// schema > provenance > scope > non-destructive > policy, the scope and non-destructive
// part by the one journal model (clawvm/model/journal.hpp). Whether a staged value is
// JSON at all is known from how it was generated (value_case::parsed), not by asking the
// implementation's parser.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/durable_store.hpp"
#include "clawvm/journal.hpp"
#include "clawvm/model/journal.hpp"
#include "clawvm/page_table.hpp"
#include "clawvm/update.hpp"
#include "mutant.hpp"

namespace clawvm::props {

// ---- the fixed world the journal validates against ----------------------------------

struct world_page {
  const char* id;
  page_type type;
  pin_class pin;
};
// Provenance resolves against these ids; writeback may not target the hard-pinned ones.
inline constexpr world_page journal_world[] = {
    {"ev-0", page_type::evidence, pin_class::soft},
    {"ev-1", page_type::evidence, pin_class::none},
    {"plan-0", page_type::plan, pin_class::none},
    {"pref-0", page_type::preference, pin_class::none},
    {"boot-0", page_type::bootstrap, pin_class::hard},
    {"rule-0", page_type::constraint, pin_class::hard},
};

inline const world_page* find_world_page(const std::string& id) {
  for (const auto& p : journal_world) {
    if (id == p.id) return &p;
  }
  return nullptr;
}

inline page_table make_world_table() {
  page_table table;
  for (const auto& w : journal_world) {
    page_spec s;
    s.id = w.id;
    s.type_name = std::string(to_string(w.type));
    s.pin = w.pin;
    const chain& c = chain_of(w.type);
    std::uint32_t tokens = 4;
    for (std::uint8_t i = c.length; i-- > 0;) {
      s.representations[index_of(c.levels[i])] = representation{std::string(w.id), tokens};
      tokens += 4;
    }
    if (table.ingest(s) != reason_code::ok) throw std::logic_error("journal world page rejected");
  }
  return table;
}

// Field names the generators draw from: the valid ones are the key universe the global
// check walks after every command.
inline constexpr const char* valid_fields[] = {"plan.status", "prefs", "notes/log", "k-1"};

// ---- staged values ---------------------------------------------------------------------

struct value_case {
  std::string text;                     // the bytes staged as value_json
  std::optional<nlohmann::json> parsed; // engaged iff `text` is JSON (by construction)
};

// For bytes not built by a generator (the fuzzer's): is `text` one JSON value as JR-10
// defines it? Written from the spec's rules, not with clawvm's reader: no raw NUL byte
// (nlohmann stops at it and would accept "3<NUL>..." as 3), nlohmann's own grammar, and at
// most 128 nested arrays and objects (measured on the parsed tree, without recursion).
inline value_case classify_value(std::string text) {
  value_case out{std::move(text), std::nullopt};
  if (out.text.find('\0') != std::string::npos) return out;
  auto parsed = nlohmann::json::parse(out.text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return out;
  std::vector<std::pair<const nlohmann::json*, std::size_t>> stack{{&parsed, 0}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    if (depth + 1 > 128) return out;
    for (const auto& child : *node) stack.emplace_back(&child, depth + 1);
  }
  out.parsed = std::move(parsed);
  return out;
}

// ---- the model ------------------------------------------------------------------------

struct model_value {
  nlohmann::json value;
  std::uint64_t version = 0;
};

struct model_record {
  std::uint64_t seq = 0;
  std::string page_id;
  std::string field;
  journal_op op = journal_op::append;
  scope key_scope = scope::session;
  journal_phase phase = journal_phase::committed;
  reason_code reason = reason_code::ok;
  std::optional<model_value> result;  // committed records only
};

struct prediction {
  reason_code reason = reason_code::ok;
  model_value next;  // the key's value after the commit (reason ok only)
};

struct journal_model {
  std::map<std::pair<scope, std::string>, model_value> values;
  std::vector<model_record> durable;  // what the store's journal must hold, in order
  std::uint64_t next_seq = 1;         // the in-memory journal's next sequence number

  const model_value* find(scope s, const std::string& field) const {
    auto it = values.find({s, field});
    return it == values.end() ? nullptr : &it->second;
  }

  std::uint64_t last_durable_seq() const { return durable.empty() ? 0 : durable.back().seq; }

  // What validate + commit must decide for `u` (its value described by `v`), written by
  // principal `w`, with every check on (ClawVM).
  prediction predict(const update& u, const value_case& v, const principal& w) const {
    auto field_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
    };
    // 1. schema
    bool schema_ok = !u.field.empty() && u.field.size() <= 128 && !u.page_id.empty() &&
                     u.page_id.size() <= 256 && u.evidence_ref.size() <= 256 &&
                     u.value_json.size() <= 64U * 1024U && v.parsed.has_value();
    for (char c : u.field) schema_ok = schema_ok && field_char(c);
    if (schema_ok && u.op == journal_op::merge && !v.parsed->is_object()) schema_ok = false;
    if (!schema_ok) return {reason_code::schema_invalid, {}};
    // 2. provenance
    if (u.evidence_ref.empty()) return {reason_code::provenance_missing, {}};
    if (find_world_page(u.evidence_ref) == nullptr) return {reason_code::provenance_dangling, {}};
    // 3. scope and 4. non-destructive: which of the three journal failures apply, decided
    // in the one model's precedence (clawvm::model::Failure, tla/Journal.tla Failure(i));
    // the key's next value is computed on the way.
    const bool scope_denied = !(u.scope == scope::session ? w.may_write_session : w.may_write_project);
    bool drops_content = false;
    bool stale_version = false;
    const nlohmann::json& incoming = *v.parsed;
    const model_value* current = find(u.scope, u.field);
    prediction out;
    if (current == nullptr) {
      // The mutant: a model that believes a stale versioned write commits.
      stale_version = u.op == journal_op::set_with_version && u.expected_version != 0 &&
                      active_mutant != mutant::stale_commit;
      out.next.version = 1;
      out.next.value = u.op == journal_op::append ? nlohmann::json::array({incoming}) : incoming;
    } else {
      out.next.version = current->version + 1;
      switch (u.op) {
        case journal_op::append:
          drops_content = !current->value.is_array();
          out.next.value = current->value;
          if (!drops_content) out.next.value.push_back(incoming);
          break;
        case journal_op::merge:
          drops_content = !current->value.is_object();
          out.next.value = current->value;
          for (auto it = incoming.begin(); !drops_content && it != incoming.end(); ++it) {
            auto found = current->value.find(it.key());
            drops_content = found != current->value.end() && *found != it.value();
            out.next.value[it.key()] = it.value();
          }
          break;
        case journal_op::set_with_version:
          stale_version = u.expected_version != current->version && active_mutant != mutant::stale_commit;
          out.next.value = incoming;
          break;
      }
    }
    const reason_code failure = clawvm::model::Failure(scope_denied, drops_content, stale_version);
    if (failure != reason_code::ok) return {failure, {}};
    // 5. policy
    const world_page* target = find_world_page(u.page_id);
    if (target == nullptr) return {reason_code::unknown_page, {}};
    if (target->pin == pin_class::hard) return {reason_code::hard_pin_violation, {}};
    return out;
  }

  // Applies the predicted outcome. `durable_rejection`: the path records rejections in
  // the store too (journal::writeback does; a bare validate() does not).
  void apply(const update& u, const value_case& v, const principal& w, bool durable_rejection) {
    const prediction p = predict(u, v, w);
    model_record rec{next_seq++, u.page_id, u.field, u.op, u.scope,
                     p.reason == reason_code::ok ? journal_phase::committed : journal_phase::rejected,
                     p.reason, std::nullopt};
    if (p.reason == reason_code::ok) {
      values[{u.scope, u.field}] = p.next;
      rec.result = p.next;
    }
    if (p.reason == reason_code::ok || durable_rejection) durable.push_back(std::move(rec));
  }
};

inline void show_update(const update& u, std::ostream& os) {
  os << "{page=" << u.page_id << " field='" << u.field << "' op=" << to_string(u.op)
     << " scope=" << to_string(u.scope) << " ref='" << u.evidence_ref
     << "' version=" << u.expected_version << " value=";
  if (u.value_json.size() > 80) {
    os << "<" << u.value_json.size() << " bytes>";
  } else {
    os << u.value_json;
  }
  os << "}";
}

}  // namespace clawvm::props
