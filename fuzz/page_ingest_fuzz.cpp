// Fuzz target for page ingest and replace (brief §1, spec/pages.md PG-7..PG-9): arbitrary
// page specs (ids of any bytes and length, unknown type names, representations at any
// level incl. none, zero and huge token counts). Guarantees (abort otherwise):
//  PG-8 (ingest): ingest either inserts exactly one page, equal to the spec with defaults applied, or
//     returns the reason the documented check order predicts (invalid_page_id,
//     duplicate_page_id, unknown_page_type, representation_off_chain,
//     missing_floor_representation, tokens_not_monotone) and changes nothing;
//  PG-9 (replace): replace keeps the page's bookkeeping and type, or rejects and changes nothing;
//  PG-5 (page table): after every call every page satisfies the table invariants (valid unique id, floor
//     present, representations only on the chain, tokens strictly increasing upwards,
//     resident level none or present).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "clawvm/page_table.hpp"
#include "fuzz_support.hpp"

using namespace clawvm;

namespace {

std::string decode_id(fuzz::byte_reader& r) {
  switch (r.below(5)) {
    case 0: return fuzz::numbered_id(r.below(4));  // collides often: duplicates, replaces
    case 1: return std::string(250 + r.below(12), 'i');  // around page_id_bytes_max
    case 2: return {};
    default: return r.bytes(12);  // any bytes: spaces, controls, non-ASCII
  }
}

page_spec decode_spec(fuzz::byte_reader& r) {
  page_spec s;
  s.id = decode_id(r);
  s.type_name = r.below(6) == 0 ? r.bytes(14) : std::string(to_string(fuzz::decode_page_type(r)));
  s.pin = fuzz::decode_pin(r);
  s.scope = fuzz::decode_scope(r);
  s.provenance = r.bytes(8);
  s.recompute_cost = static_cast<double>(r.u8());
  s.base_utility = static_cast<double>(r.u8()) / 4.0;
  const std::uint8_t presence = r.u8();
  std::uint32_t tokens = 0;
  for (level l : all_levels) {  // ascending: none first
    if ((presence & (1U << index_of(l))) == 0U) continue;
    switch (r.below(4)) {
      case 0: tokens = r.u32(); break;  // anything, incl. 0 and decreasing ladders
      case 1: tokens = r.u8(); break;
      default: tokens += 1U + r.below(50);
    }
    s.representations[index_of(l)] = representation{r.bytes(6), tokens};
  }
  return s;
}

bool printable(const std::string& s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// The documented order of checks (page_table.hpp), computed independently.
reason_code expected_build(const page_spec& s) {
  if (s.id.empty() || s.id.size() > page_id_bytes_max || !printable(s.id)) return reason_code::invalid_page_id;
  const auto type = parse_page_type(s.type_name);
  if (!type) return reason_code::unknown_page_type;
  const chain& c = chain_of(*type);
  for (level l : all_levels) {
    if (s.representations[index_of(l)] && (l == level::none || !c.contains(l))) {
      return reason_code::representation_off_chain;
    }
  }
  if (!s.representations[index_of(floor_of(*type))]) return reason_code::missing_floor_representation;
  std::uint32_t below = 0;
  for (std::uint8_t i = c.length; i-- > 0;) {  // floor upwards
    const auto& rep = s.representations[index_of(c.levels[i])];
    if (!rep) continue;
    if (rep->tokens == 0 || rep->tokens <= below) return reason_code::tokens_not_monotone;
    below = rep->tokens;
  }
  return reason_code::ok;
}

void check_table(const page_table& t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const page& p = t.at(static_cast<page_index>(i));
    fuzz::require(!p.id.empty() && p.id.size() <= page_id_bytes_max && printable(p.id), "PG-5 (page table): invalid id in table");
    const auto found = t.find(p.id);
    fuzz::require(found && *found == i, "PG-5 (page table): id lookup does not lead back to the page");
    fuzz::require(p.has(p.floor()), "PG-5 (page table): page without its floor representation");
    fuzz::require(!p.has(level::none), "PG-5 (page table): representation at level none");
    std::uint32_t below = 0;
    const chain& c = chain_of(p.type);
    for (level l : all_levels) {
      if (p.has(l)) fuzz::require(c.contains(l), "PG-5 (page table): representation off the chain");
    }
    for (std::uint8_t k = c.length; k-- > 0;) {
      if (!p.has(c.levels[k])) continue;
      const std::uint32_t tokens = p.tokens_at(c.levels[k]);
      fuzz::require(tokens > below, "PG-5 (page table): tokens not strictly increasing up the chain");
      below = tokens;
    }
    fuzz::require(p.resident == level::none || p.has(p.resident), "PG-5 (page table): resident at a missing level");
  }
}

std::vector<std::string> ids(const page_table& t) {
  std::vector<std::string> out;
  for (const page& p : t.pages()) out.push_back(p.id);
  return out;
}

bool same_page(const page& a, const page& b) {
  return a.id == b.id && a.type == b.type && a.pin == b.pin && a.scope == b.scope &&
         a.present_levels == b.present_levels && a.representations == b.representations &&
         a.resident == b.resident && a.dirty == b.dirty && a.recency == b.recency;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader r(data, size);
  page_table table;
  for (int step = 0; step < 32 && !r.empty(); ++step) {
    const page_spec spec = decode_spec(r);
    const std::vector<std::string> before_ids = ids(table);
    const auto existing = table.find(spec.id);
    const reason_code build_verdict = expected_build(spec);

    if (r.flag()) {
      // PG-7, PG-8: ingest
      const reason_code want = (!spec.id.empty() && existing) ? reason_code::duplicate_page_id : build_verdict;
      const reason_code got = table.ingest(spec);
      if (got != want) {
        fuzz::fail("PG-8 (ingest): ingest returned " + std::string(to_string(got)) + ", expected " +
                   std::string(to_string(want)));
      }
      if (got == reason_code::ok) {
        fuzz::require(table.size() == before_ids.size() + 1, "PG-8 (ingest): ingest ok but not exactly one page added");
        const page& p = table.at(static_cast<page_index>(table.size() - 1));
        const auto type = parse_page_type(spec.type_name);
        fuzz::require(p.id == spec.id && type && p.type == *type, "PG-8 (ingest): inserted page differs from spec");
        fuzz::require(p.pin == spec.pin.value_or(traits_of(p.type).default_pin), "PG-8 (ingest): pin default not applied");
        fuzz::require(p.scope == spec.scope.value_or(traits_of(p.type).default_scope), "PG-8 (ingest): scope default");
        for (level l : all_levels) {
          const auto& rep = spec.representations[index_of(l)];
          fuzz::require(p.has(l) == rep.has_value(), "PG-8 (ingest): present levels differ from spec");
          if (rep) fuzz::require(p.representations[index_of(l)] == *rep, "PG-8 (ingest): representation differs");
        }
        fuzz::require(p.resident == level::none && !p.dirty && p.recency == 0.0, "PG-8 (ingest): fresh page not clean");
      } else {
        fuzz::require(ids(table) == before_ids, "PG-8 (ingest): rejected ingest changed the table");
      }
    } else {
      // PG-9: replace
      const page old = existing ? table.at(*existing) : page{};
      const reason_code got = table.replace(spec);
      reason_code want = reason_code::ok;
      if (!existing) {
        want = reason_code::unknown_page;
      } else if (build_verdict != reason_code::ok) {
        want = build_verdict;
      } else if (*parse_page_type(spec.type_name) != old.type) {
        want = reason_code::page_type_mismatch;
      } else if ((spec.pin && *spec.pin != old.pin) || (spec.scope && *spec.scope != old.scope)) {
        want = reason_code::pin_or_scope_change;
      }
      if (got != want) {
        fuzz::fail("PG-9 (replace): replace returned " + std::string(to_string(got)) + ", expected " +
                   std::string(to_string(want)));
      }
      fuzz::require(ids(table) == before_ids, "PG-9 (replace): replace changed the set of pages");
      if (existing) {
        const page& now = table.at(*existing);
        if (got == reason_code::ok) {
          fuzz::require(now.recency == old.recency && now.dirty == old.dirty &&
                            now.ever_resident == old.ever_resident && now.type == old.type &&
                            now.pin == old.pin && now.scope == old.scope,
                        "PG-9 (replace): replace lost bookkeeping");
        } else {
          fuzz::require(same_page(now, old), "PG-9 (replace): rejected replace changed the page");
        }
      }
    }
    check_table(table);

    // Bookkeeping the engine does, so replace has something to keep.
    if (table.size() > 0 && r.flag()) {
      page& p = table.at(static_cast<page_index>(r.below(table.size())));
      const level l = fuzz::decode_level(r);
      p.resident = p.has(l) ? l : level::none;
      p.ever_resident = p.ever_resident || p.resident != level::none;
      p.recency += 1.0;
      if (r.flag()) fuzz::require(table.mark_dirty(p.id) == reason_code::ok, "mark_dirty of a known page failed");
    }
  }
  return 0;
}
