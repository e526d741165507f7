// Reading the suite's documents for the report (report_documents.hpp, spec/report.md RPT-6).
#include "report_documents.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include <fmt/core.h>

#include "clawvm/eval/svg.hpp"
#include "clawvm/json_fields.hpp"

namespace clawvm::eval::report_documents {

namespace {

using json = nlohmann::json;
using json_fields::field_error;
using json_fields::object_reader;

[[noreturn]] void fail(std::string_view document, std::string_view what) {
  throw std::runtime_error(fmt::format("{}: {}", document, what));
}

std::string describe(const json* v) { return v == nullptr ? std::string("(none)") : v->dump(); }

void check_format(const json& document, std::string_view name, std::string_view format, int version) {
  if (!document.is_object()) fail(name, "not a JSON object");
  const json* format_value = json_fields::member(document, "format");
  const json* version_value = json_fields::member(document, "version");
  const bool format_ok = format_value != nullptr && format_value->is_string() && *format_value == format;
  const bool version_ok = version_value != nullptr && version_value->is_number_integer() && *version_value == version;
  if (!format_ok || !version_ok)
    fail(name, fmt::format("expected format \"{}\" version {}, got format {} version {}", format, version,
                           describe(format_value), describe(version_value)));
}

// The keys of RPT-6's "also required" column, then everything below them: a field_error
// in the first is "<document>: field 'rows': ...", in the second "<document>: malformed
// document: field 'rows[3].policy': ...".
template <class Shape, class Body>
auto read_document(std::string_view name, Shape&& shape, Body&& body) {
  try {
    shape();
  } catch (const field_error& e) {
    fail(name, e.what());
  }
  try {
    return body();
  } catch (const field_error& e) {
    fail(name, fmt::format("malformed document: {}", e.what()));
  }
}

// Calls `read_one(reader)` for each element of the array `key`, each an object.
template <class ReadOne>
auto each_object(object_reader& r, std::string_view key, ReadOne&& read_one) {
  const json& items = r.array(key);
  std::vector<decltype(read_one(std::declval<object_reader&>()))> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    object_reader item(items[i], json_fields::path(r.at(key), i));
    out.push_back(read_one(item));
  }
  return out;
}

value optional_value(object_reader& r, std::string_view key) { return value::read(r.find(key)); }
value required_value(object_reader& r, std::string_view key) { return value::read(&r.require(key)); }
std::string label(object_reader& r, std::string_view key) { return required_value(r, key).text(); }

std::vector<std::string> labels(object_reader& r, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& item : r.array(key)) out.push_back(value::read(&item).text());
  return out;
}

std::vector<value> values(object_reader& r, std::string_view key) {
  std::vector<value> out;
  for (const auto& item : r.array(key)) out.push_back(value::read(&item));
  return out;
}

// "faults": {"refetch": 2, ...}; absent is empty.
counts read_counts(object_reader& r, std::string_view key) {
  counts out;
  if (r.find(key) == nullptr) return out;
  for (const auto& [name, count] : r.object(key).items()) out.emplace_back(name, value::read(&count));
  return out;
}

std::string optional_text(object_reader& r, std::string_view key) { return r.optional_string(key).value_or(""); }

check read_check(object_reader& r, std::string_view name_key) {
  check c;
  c.name = label(r, name_key);
  c.pass = r.boolean("pass");
  c.informative = r.optional_boolean("informative").value_or(false);
  c.detail = optional_text(r, "detail");
  return c;
}

gate_side read_gate_side(object_reader& r) {
  gate_side side;
  side.name = optional_value(r, "name");
  side.faults_total = optional_value(r, "faults_total");
  side.faults = read_counts(r, "faults");
  side.reasons = read_counts(r, "reasons");
  side.pass = optional_value(r, "pass");
  if (const value f = optional_value(r, "expected_fault"); f.present() && f.type() != value::kind::null)
    side.expected.push_back("fault " + f.text());
  if (const value x = optional_value(r, "expected_reason"); x.present() && x.type() != value::kind::null)
    side.expected.push_back("reason " + x.text());
  // A gate whose baseline damage is not a fault kind (destructive commits) says what it
  // expects in "expected".
  if (const json* x = r.find("expected"); side.expected.empty() && x != nullptr && x->is_string())
    side.expected.push_back(x->get<std::string>());
  return side;
}

tier1_document read_tier1(const json& j) {
  check_format(j, tier1_document_name, "clawvm-tier1", 1);
  object_reader r(j, "");
  return read_document(
      tier1_document_name, [&] { r.boolean("pass"), r.array("gates"); },
      [&] {
        tier1_document d;
        d.pass = r.boolean("pass");
        d.gates = each_object(r, "gates", [](object_reader& g) {
          gate out;
          out.name = label(g, "gate");
          out.pass = g.boolean("pass");
          out.workload = optional_value(g, "workload");
          out.budget = optional_value(g, "budget");
          object_reader clawvm(g.object("clawvm"), g.at("clawvm"));
          object_reader baseline(g.object("baseline"), g.at("baseline"));
          out.clawvm = read_gate_side(clawvm);
          out.baseline = read_gate_side(baseline);
          // A gate that could not run (a bad workload file) carries "error" instead of results.
          out.detail = optional_text(g, "detail");
          if (const value error = optional_value(g, "error"); error.present())
            out.detail = fmt::format("error: {}{}{}", error.text(), out.detail.empty() ? "" : "; ", out.detail);
          return out;
        });
        return d;
      });
}

// A Tier-2 summary; errors name `name` (the plain sweep's file or the scaled one's).
tier2_document read_tier2_named(const json& j, std::string_view name) {
  check_format(j, name, "clawvm-tier2", 1);
  object_reader r(j, "");
  return read_document(
      name,
      [&] {
        for (const char* key : {"budgets", "families", "policies", "rows", "by_policy", "shape"}) r.array(key);
        r.boolean("shape_pass");
        for (std::size_t i = 0; i < j.at("budgets").size(); ++i)
          if (!j.at("budgets")[i].is_number())
            throw field_error{json_fields::path("budgets", i), "must be a number"};
      },
      [&] {
        tier2_document d;
        d.seed = optional_value(r, "seed");
        d.families = labels(r, "families");
        d.policies = labels(r, "policies");
        for (const auto& budget : values(r, "budgets")) {
          d.budgets.push_back(budget.number_or_missing());
          d.budget_labels.push_back(budget.text(0));
        }
        d.rows = each_object(r, "rows", [](object_reader& row) {
          tier2_row out;
          out.family = label(row, "family");
          out.workload = optional_value(row, "workload");
          out.budget = row.number("budget");
          out.budget_value = required_value(row, "budget");
          out.policy = label(row, "policy");
          out.faults_total = required_value(row, "faults_total");
          out.faults = read_counts(row, "faults");
          out.hits = optional_value(row, "hits");
          out.duplicate_signature_alerts = optional_value(row, "duplicate_signature_alerts");
          out.thrash_index = optional_value(row, "thrash_index");
          out.oracle_gap = optional_value(row, "oracle_gap");
          out.optimum_faults = optional_value(row, "optimum_faults");
          out.optimum_gap = optional_value(row, "optimum_gap");
          out.tokens_used_total = optional_value(row, "tokens_used_total");
          out.physical_insufficiency = optional_value(row, "physical_insufficiency");
          out.floor_set_fits = optional_value(row, "floor_set_fits");
          return out;
        });
        d.by_policy = each_object(r, "by_policy", [](object_reader& entry) {
          return policy_means{label(entry, "policy"), optional_value(entry, "mean_faults"),
                              optional_value(entry, "total_faults"), optional_value(entry, "mean_thrash"),
                              optional_value(entry, "mean_optimum_gap")};
        });
        d.shape = each_object(r, "shape", [](object_reader& c) { return read_check(c, "check"); });
        d.shape_pass = r.boolean("shape_pass");
        return d;
      });
}

ablation_document read_ablation(const json& j) {
  check_format(j, ablation_document_name, "clawvm-ablation", 1);
  object_reader r(j, "");
  return read_document(
      ablation_document_name, [&] { r.array("rows"); },
      [&] {
        ablation_document d;
        d.budget = optional_value(r, "budget");
        d.seed = optional_value(r, "seed");
        d.rows = each_object(r, "rows", [](object_reader& row) {
          ablation_row out;
          out.ablation = label(row, "ablation");
          out.faults_total = optional_value(row, "faults_total");
          out.faults = read_counts(row, "faults");
          out.thrash_index = optional_value(row, "thrash_index");
          return out;
        });
        return d;
      });
}

weights_document read_weights(const json& j) {
  check_format(j, weights_document_name, "clawvm-weights", 1);
  object_reader r(j, "");
  return read_document(
      weights_document_name,
      [&] {
        r.array("points");
        r.number("reference_faults_total");
        r.number("points_with_changed_faults");
      },
      [&] {
        weights_document d;
        d.reference_faults_total = required_value(r, "reference_faults_total");
        d.points_with_changed_faults = required_value(r, "points_with_changed_faults");
        d.points = each_object(r, "points", [](object_reader& p) {
          return weight_point{optional_value(p, "pin_hard"),     optional_value(p, "pin_soft"),
                              optional_value(p, "recency"),      optional_value(p, "recompute"),
                              optional_value(p, "faults_total"), optional_value(p, "thrash_index")};
        });
        return d;
      });
}

manifest_document read_manifest(const json& j) {
  if (!j.is_object()) fail(manifest_document_name, "not a JSON object");
  object_reader r(j, "");
  return read_document(
      manifest_document_name, [&] { r.array("outputs"); },
      [&] {
        manifest_document d;
        d.clawvm_version = optional_value(r, "clawvm_version");
        d.seed = optional_value(r, "seed");
        d.outputs = each_object(r, "outputs", [](object_reader& o) {
          return manifest_output{label(o, "file"), label(o, "sha256")};
        });
        return d;
      });
}

// A compound cell of a rows-only document: "k=v, ..." for a count map, JSON otherwise.
value compound_cell(const json& v) {
  if (!v.is_object()) return value::of_text(v.dump());
  std::string out;
  for (const auto& [name, count] : v.items()) {
    if (count.is_number() && count.get<double>() == 0.0) continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : ", ", name, value::read(&count).text());
  }
  return value::of_text(std::move(out));
}

real_rows read_real_rows(const json& rows) {
  real_rows t;
  for (const auto& row : rows)
    if (row.is_object())
      for (const auto& [key, v] : row.items())
        if (std::find(t.columns.begin(), t.columns.end(), key) == t.columns.end()) t.columns.push_back(key);
  for (const auto& row : rows) {
    std::vector<value> cells;
    if (!row.is_object()) {
      cells.push_back(value::of_text(value::read(&row).text()));
    } else {
      for (const auto& column : t.columns) {
        const json* v = json_fields::member(row, column);
        cells.push_back(v != nullptr && (v->is_object() || v->is_array()) ? compound_cell(*v) : value::read(v));
      }
    }
    t.cells.push_back(std::move(cells));
  }
  return t;
}

real_summary read_real_summary(object_reader& e) {
  real_summary s;
  s.cut = label(e, "cut");
  s.budget = required_value(e, "budget");
  s.budget_kind = label(e, "budget_kind");
  s.policy = label(e, "policy");
  s.median_faults = required_value(e, "median_faults");
  s.total_faults = required_value(e, "total_faults");
  s.sessions = optional_value(e, "sessions");
  s.sessions_capacity_sufficient = optional_value(e, "sessions_capacity_sufficient");
  s.faults_where_capacity_sufficient = optional_value(e, "faults_where_capacity_sufficient");
  s.mean_thrash = optional_value(e, "mean_thrash");
  s.prefix_stability = optional_value(e, "prefix_stability");
  s.optimum_faults_total = optional_value(e, "optimum_faults_total");
  s.optimum_gap_total = optional_value(e, "optimum_gap_total");
  s.cache_read_share = optional_value(e, "cache_read_share");
  s.relative_cost = optional_value(e, "relative_cost");
  s.prefix_breaks_per_turn = optional_value(e, "prefix_breaks_per_turn");
  s.cache_miss_tokens = optional_value(e, "cache_miss_tokens");
  return s;
}

real_session read_real_session(object_reader& s) {
  real_session out;
  out.session = label(s, "session");
  out.turns = optional_value(s, "turns");
  out.tool_calls = optional_value(s, "tool_calls");
  out.pages = optional_value(s, "pages");
  out.demands = optional_value(s, "demands");
  out.compactions = optional_value(s, "compactions");
  out.cuts = each_object(s, "cuts", [](object_reader& c) {
    return real_cut_peak{label(c, "cut"), label(c, "peak_footprint_tokens")};
  });
  return out;
}

real_aggregates read_real_aggregates(object_reader& r) {
  real_aggregates a;
  a.pass = r.boolean("pass");
  a.source_format = optional_value(r, "source_format");
  a.lookahead_turns = optional_value(r, "lookahead_turns");
  a.import_window_tokens = optional_value(r, "import_window_tokens");
  a.reference_budget = optional_value(r, "reference_budget");
  if (!a.reference_budget.present()) {
    const json default_reference = 180;
    a.reference_budget = value::read(&default_reference);
  }
  a.policies = labels(r, "policies");
  a.cuts = labels(r, "cuts");
  a.budgets = values(r, "budgets");
  a.windows = values(r, "windows");
  a.sessions = each_object(r, "sessions", read_real_session);
  a.by_policy = each_object(r, "by_policy", read_real_summary);
  a.checks = each_object(r, "checks", [](object_reader& c) { return read_check(c, "check"); });
  if (r.find("no_compaction") != nullptr) {
    a.no_compaction = each_object(r, "no_compaction", [](object_reader& n) {
      real_no_compaction out;
      out.cut = label(n, "cut");
      out.window = required_value(n, "window");
      out.sessions = required_value(n, "sessions");
      out.sessions_fitting = required_value(n, "sessions_fitting");
      object_reader reference(n.object("no_compaction"), n.at("no_compaction"));
      out.cache_read_share = required_value(reference, "cache_read_share");
      out.relative_cost = required_value(reference, "relative_cost");
      out.policies = each_object(n, "policies", [](object_reader& p) {
        return real_no_compaction_policy{label(p, "policy"), required_value(p, "cache_read_share"),
                                         required_value(p, "relative_cost"), required_value(p, "faults_total")};
      });
      return out;
    });
  }
  a.paper = each_object(r, "paper", [](object_reader& p) {
    return paper_median{label(p, "policy"), label(p, "cut"), required_value(p, "paper_median_faults")};
  });
  return a;
}

real_document read_real(const json& j) {
  if (!j.is_object()) fail(real_document_name, "not a JSON object");
  if (j.contains("format")) check_format(j, real_document_name, "clawvm-real", 1);
  object_reader r(j, "");
  const bool aggregated = j.contains("by_policy");
  return read_document(
      real_document_name,
      [&] {
        r.array("rows");
        if (!aggregated) return;
        for (const char* key : {"sessions", "by_policy", "checks", "paper", "cuts", "budgets", "windows", "policies"})
          r.array(key);
        r.boolean("pass");
      },
      [&] {
        real_document d;
        d.rows = r.array("rows").size();
        if (aggregated)
          d.aggregates = read_real_aggregates(r);
        else
          d.table = read_real_rows(r.array("rows"));
        return d;
      });
}

template <class Document, class Read>
std::optional<Document> read_if_present(const std::optional<json>& j, Read&& read_one) {
  if (!j) return std::nullopt;
  return read_one(*j);
}

}  // namespace

value value::read(const json* v) {
  value out;
  if (v == nullptr) return out;
  switch (v->type()) {
    case json::value_t::null: out.kind_ = kind::null; break;
    case json::value_t::boolean:
      out.kind_ = kind::boolean;
      out.flag_ = v->get<bool>();
      break;
    case json::value_t::number_integer:
      out.kind_ = kind::integer;
      out.number_ = v->get<double>();
      out.text_ = fmt::format("{}", v->get<std::int64_t>());
      break;
    case json::value_t::number_unsigned:
      out.kind_ = kind::integer;
      out.number_ = v->get<double>();
      out.text_ = fmt::format("{}", v->get<std::uint64_t>());
      break;
    case json::value_t::number_float:
      out.kind_ = kind::real;
      out.number_ = v->get<double>();
      break;
    case json::value_t::string:
      out.kind_ = kind::text;
      out.text_ = v->get<std::string>();
      break;
    default:
      out.kind_ = kind::text;
      out.text_ = v->dump();
  }
  return out;
}

value value::of_text(std::string text) {
  value out;
  out.kind_ = kind::text;
  out.text_ = std::move(text);
  return out;
}

double value::number_or_missing() const noexcept { return is_number() ? number_ : svg::missing_value; }

std::string value::text(int decimals) const {
  switch (kind_) {
    case kind::absent:
    case kind::null: return std::string(absent_text);
    case kind::boolean: return flag_ ? "yes" : "no";
    case kind::integer: return text_;
    case kind::real: return svg::fixed(number_, decimals);
    case kind::text: return text_;
  }
  return text_;
}

bool operator==(const value& a, const value& b) noexcept {
  if (a.is_number() && b.is_number()) return a.number_ == b.number_;
  return a.kind_ == b.kind_ && a.flag_ == b.flag_ && a.text_ == b.text_;
}

documents read(const report_inputs& in) {
  documents d;
  d.tier1 = read_if_present<tier1_document>(in.tier1, read_tier1);
  d.tier2 = read_if_present<tier2_document>(in.tier2, [](const json& j) { return read_tier2_named(j, tier2_document_name); });
  d.tier2_artifact_scale = read_if_present<tier2_document>(
      in.tier2_artifact_scale, [](const json& j) { return read_tier2_named(j, tier2_artifact_scale_document_name); });
  d.ablation = read_if_present<ablation_document>(in.ablation, read_ablation);
  d.weights = read_if_present<weights_document>(in.weights, read_weights);
  d.manifest = read_if_present<manifest_document>(in.manifest, read_manifest);
  d.real = read_if_present<real_document>(in.real, read_real);
  return d;
}

}  // namespace clawvm::eval::report_documents
