// Fuzz target for validated writeback (brief §3, spec/journal.md): adversarial updates
// (arbitrary field and value bytes incl. invalid UTF-8 and over-size values, every op,
// right and arbitrary versions, scopes, dangling provenance, hard-pinned targets) are
// validated and committed against a memory_store. Guarantees (abort otherwise):
//  RejectedHasReasonInv (JR-8): every outcome is committed with OK or rejected with a journal reason code;
//  NoDestructiveCommitInv (JR-6): a rejected update changes no committed value; a committed one changes only its own
//     key, non-destructively (properties/journal_invariants.hpp);
//  JR-2 precedence: with every check on, the verdict and the new value are the ones the model of
//     properties/journal_model.hpp predicts (precedence schema > provenance > scope >
//     non-destructive > policy);
//  JR-1 staging: staging and validating alone change nothing.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "clawvm/journal.hpp"
#include "fuzz_support.hpp"
#include "journal_invariants.hpp"
#include "journal_model.hpp"

using namespace clawvm;

namespace {

nlohmann::json decode_json(fuzz::byte_reader& r, int depth) {
  switch (r.below(depth > 0 ? 7 : 5)) {
    case 0: return nullptr;
    case 1: return r.flag();
    case 2: return static_cast<std::int64_t>(static_cast<std::int8_t>(r.u8()));
    case 3: return static_cast<double>(r.u16()) / 8.0;
    case 4: return std::string(1, static_cast<char>('a' + r.below(4)));
    case 5: {
      auto arr = nlohmann::json::array();
      const std::size_t n = r.below(4);
      for (std::size_t i = 0; i < n; ++i) arr.push_back(decode_json(r, depth - 1));
      return arr;
    }
    default: {
      auto obj = nlohmann::json::object();
      const std::size_t n = r.below(4);
      for (std::size_t i = 0; i < n; ++i) obj[std::string(1, static_cast<char>('a' + r.below(4)))] = decode_json(r, depth - 1);
      return obj;
    }
  }
}

std::string decode_value(fuzz::byte_reader& r) {
  const std::uint32_t kind = r.below(16);
  switch (kind < 9 ? 0 : kind < 12 ? 1 : kind < 13 ? 2 : 3) {
    case 0: {
      const nlohmann::json j = decode_json(r, 3);
      return r.flag() ? j.dump(1) : j.dump();
    }
    case 1: return r.bytes(300);  // arbitrary bytes: invalid JSON, invalid UTF-8, NULs
    case 2: {
      // Huge: around the 64 KiB limit, as a JSON string or as raw filler.
      const std::size_t n = 64U * 1024U - 8U + r.below(24);
      const std::string filler(n, static_cast<char>(r.flag() ? 'h' : '\xff'));
      return r.flag() ? "\"" + filler + "\"" : filler;
    }
    default: return "\"" + r.bytes(40) + "\"";  // a JSON string around raw bytes
  }
}

std::string decode_id(fuzz::byte_reader& r) {
  const std::size_t pick = r.below(std::size(props::journal_world) + 3);
  if (pick < std::size(props::journal_world)) return props::journal_world[pick].id;
  if (pick == std::size(props::journal_world)) return {};
  if (pick == std::size(props::journal_world) + 1) return std::string(200 + r.below(100), 'x');
  return r.bytes(20);
}

std::string decode_field(fuzz::byte_reader& r) {
  const std::size_t pick = r.below(std::size(props::valid_fields) + 2);
  if (pick < std::size(props::valid_fields)) return props::valid_fields[pick];
  if (pick == std::size(props::valid_fields)) return std::string(120 + r.below(20), 'f');
  return r.bytes(40);
}

using key = std::pair<scope, std::string>;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader r(data, size);
  const page_table world = props::make_world_table();
  memory_store state;
  journal log{1};
  props::journal_model model;  // JR-2 precedence oracle; meaningful only with every check on
  std::map<key, committed_value> shadow;  // every key ever committed, and its value

  const std::uint8_t check_bits = r.u8();
  const bool all_checks = (check_bits & 0xF0U) != 0U;  // most inputs run ClawVM's checks
  validation_checks checks = validation_checks::all();
  if (!all_checks) {
    checks = {(check_bits & 1U) != 0U, (check_bits & 2U) != 0U, (check_bits & 4U) != 0U,
              (check_bits & 8U) != 0U};
  }

  for (int step = 0; step < 64 && !r.empty(); ++step) {
    update u;
    u.op = static_cast<journal_op>(r.below(3));
    u.page_id = decode_id(r);
    u.field = decode_field(r);
    u.scope = r.flag() ? scope::project : scope::session;
    u.evidence_ref = decode_id(r);
    u.value_json = decode_value(r);
    const auto current = state.find(u.scope, u.field);
    switch (r.below(4)) {
      case 0: u.expected_version = r.u64(); break;
      case 1: u.expected_version = current ? current->version + 1 : 1; break;
      default: u.expected_version = current ? current->version : 0;
    }
    const principal writer{r.flag(), r.flag()};
    const validation_context ctx{&state, &world, writer, checks};
    const bool phased = r.flag();

    // JR-2 precedence prediction (the model needs to know whether the bytes are JSON).
    const props::value_case vc = props::classify_value(u.value_json);
    const props::prediction predicted = model.predict(u, vc, writer);

    journal_record rec;
    if (!phased) {
      rec = log.writeback(u, ctx, state, merge_mode::non_destructive);
    } else {
      // JR-1 staging: stage and validate apply nothing.
      const std::uint64_t last_before = state.last_seq();
      auto checked = validate(log.stage(u), ctx);
      fuzz::require(state.last_seq() == last_before, "JR-1 staging: validate wrote to the journal");
      fuzz::require(state.find(u.scope, u.field) == current, "JR-1 staging: validate changed a committed value");
      if (auto* rejected = std::get_if<rejected_entry>(&checked)) {
        rec = {rejected->seq(), rejected->payload(), journal_phase::rejected, rejected->reason(), {}, false};
      } else {
        auto done = commit(std::move(std::get<validated_entry>(checked)), state);
        if (auto* c = std::get_if<committed_entry>(&done)) {
          rec = {c->seq(), c->payload(), journal_phase::committed, reason_code::ok, c->result(), false};
        } else {
          const auto& rj = std::get<rejected_entry>(done);
          rec = {rj.seq(), rj.payload(), journal_phase::rejected, rj.reason(), {}, false};
        }
      }
    }

    // RejectedHasReasonInv (JR-8)
    if (rec.phase == journal_phase::committed) {
      fuzz::require(rec.reason == reason_code::ok, "RejectedHasReasonInv (JR-8): committed record with a reason");
      fuzz::require(!rec.overwrote_committed, "RejectedHasReasonInv (JR-8): non-destructive commit flagged an overwrite");
    } else {
      const auto* info = find_reason(rec.reason);
      fuzz::require(rec.reason != reason_code::ok && info != nullptr, "RejectedHasReasonInv (JR-8): rejection without a reason");
      const std::string_view family = info->family;
      fuzz::require(family.substr(0, 8) == "journal." || rec.reason == reason_code::unknown_page,
                    "RejectedHasReasonInv (JR-8): rejection reason outside the journal family");
    }

    // NoDestructiveCommitInv (JR-6)
    const auto after = state.find(u.scope, u.field);
    if (rec.phase == journal_phase::committed) {
      fuzz::require(after.has_value() && *after == rec.result, "NoDestructiveCommitInv (JR-6): committed result is not the stored value");
      fuzz::require_empty(props::check_committed_transition(current, *after, rec.staged));
      shadow[{u.scope, u.field}] = *after;
    } else {
      fuzz::require(after == current, "NoDestructiveCommitInv (JR-6): a rejected update changed its key");
    }
    for (const auto& [k, v] : shadow) {
      fuzz::require(state.find(k.first, k.second) == v, "NoDestructiveCommitInv (JR-6): a committed value changed behind the journal");
    }

    // JR-2 precedence
    if (all_checks) {
      if (rec.reason != predicted.reason) {
        fuzz::fail("JR-2 precedence: reason " + std::string(to_string(rec.reason)) + " but the model predicts " +
                   std::string(to_string(predicted.reason)) + " (field '" + fuzz::quoted_bytes(u.field) +
                   "', value '" + fuzz::quoted_bytes(u.value_json) + "')");
      }
      if (rec.phase == journal_phase::committed) {
        fuzz::require(rec.result.value_json == predicted.next.value.dump() &&
                          rec.result.version == predicted.next.version,
                      "JR-2 precedence: committed value differs from the model's");
      }
      model.apply(u, vc, writer, !phased);
    }
  }
  return 0;
}
