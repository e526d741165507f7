// The --mapping file (spec/import.md IM-14): a JSON object overriding import_options.
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "clawvm/import/import.hpp"
#include "clawvm/import/text.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/message_text.hpp"

namespace clawvm::import {

namespace {

using json = nlohmann::json;

struct mapping_error {
  std::string field;
  std::string message;
};

std::uint64_t unsigned_value(const json& v, const std::string& field, std::uint64_t min,
                             std::uint64_t max) {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    throw mapping_error{field, "expected a non-negative integer"};
  }
  const auto n = v.get<std::uint64_t>();
  if (n < min || n > max) throw mapping_error{field, fmt::format("expected {}..{}", min, max)};
  return n;
}

double number_value(const json& v, const std::string& field) {
  if (!v.is_number()) throw mapping_error{field, "expected a number"};
  const auto d = v.get<double>();
  if (!std::isfinite(d)) throw mapping_error{field, "expected a finite number"};
  return d;
}

// Recompute costs weigh a page up in the utility (SEL-6): a negative cost is a mistake.
double cost_value(const json& v, const std::string& field) {
  const double d = number_value(v, field);
  if (d < 0.0) throw mapping_error{field, "expected a non-negative number"};
  return d;
}

bool bool_value(const json& v, const std::string& field) {
  if (!v.is_boolean()) throw mapping_error{field, "expected true or false"};
  return v.get<bool>();
}

std::vector<std::string> string_list(const json& v, const std::string& field) {
  if (!v.is_array()) throw mapping_error{field, "expected an array of strings"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string() || v[i].get_ref<const std::string&>().empty()) {
      throw mapping_error{fmt::format("{}[{}]", field, i), "expected a non-empty string"};
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

void apply_pages(const json& v, import_options& o) {
  if (!v.is_object()) throw mapping_error{"pages", "expected an object keyed by page type"};
  for (const auto& [type_name, entry] : v.items()) {
    const auto field = "pages." + type_name;
    const auto type = parse_page_type(type_name);
    if (!type) throw mapping_error{field, "unknown page type (bootstrap, constraint, plan, preference, evidence, conversation)"};
    if (!entry.is_object()) throw mapping_error{field, "expected an object"};
    auto& d = o.pages[index_of(*type)];
    for (const auto& [key, value] : entry.items()) {
      const auto sub = field + "." + key;
      if (key == "pin") {
        const auto pin = value.is_string() ? parse_pin_class(value.get<std::string>()) : std::nullopt;
        if (!pin) throw mapping_error{sub, "expected \"none\", \"soft\" or \"hard\""};
        d.pin = *pin;
      } else if (key == "base_utility") {
        d.base_utility = number_value(value, sub);
      } else if (key == "recompute_cost") {
        d.recompute_cost = cost_value(value, sub);
      } else {
        throw mapping_error{sub, "unknown key (pin, base_utility, recompute_cost)"};
      }
    }
  }
}

void apply_mapping(const json& root, import_options& o) {
  if (!root.is_object()) throw mapping_error{"", "the mapping must be a JSON object"};
  constexpr auto size_max = std::numeric_limits<std::uint32_t>::max();
  for (const auto& [key, v] : root.items()) {
    if (key == "$comment") continue;
    if (key == "window_tokens") {
      o.window_tokens = unsigned_value(v, key, 0, size_max);
    } else if (key == "max_turns") {
      o.max_turns = unsigned_value(v, key, 0, size_max);
    } else if (key == "max_line_bytes") {
      o.max_line_bytes = unsigned_value(v, key, 1024, 1ULL << 30U);
    } else if (key == "max_json_depth") {
      o.max_json_depth = unsigned_value(v, key, 4, json_depth_max);
    } else if (key == "representation_bytes_max") {
      o.representation_bytes_max = unsigned_value(v, key, 64, 4ULL << 20U);
    } else if (key == "compressed_head_bytes") {
      o.compressed_head_bytes = unsigned_value(v, key, 0, 1U << 20U);
    } else if (key == "compressed_tail_bytes") {
      o.compressed_tail_bytes = unsigned_value(v, key, 0, 1U << 20U);
    } else if (key == "bootstrap_structured_bytes_max") {
      o.bootstrap_structured_bytes_max = unsigned_value(v, key, 16, 1U << 20U);
    } else if (key == "constraint_pages_max") {
      o.constraint_pages_max = unsigned_value(v, key, 0, size_max);
    } else if (key == "reference_demand_level") {
      const auto l = v.is_string() ? parse_level(v.get<std::string>()) : std::nullopt;
      if (!l || *l == level::none) throw mapping_error{key, "expected \"pointer\", \"structured\", \"compressed\" or \"full\""};
      o.reference_demand_level = *l;
    } else if (key == "include_thinking") {
      o.include_thinking = bool_value(v, key);
    } else if (key == "pages") {
      apply_pages(v, o);
    } else if (key == "recompute_cost") {
      if (!v.is_object()) throw mapping_error{key, "expected an object keyed by tool kind"};
      for (const auto& [kind_name, cost] : v.items()) {
        const auto kind = parse_tool_kind(kind_name);
        if (!kind) throw mapping_error{key + "." + kind_name, "unknown tool kind (read, command, edit, plan, other)"};
        o.recompute_cost_by_kind[static_cast<std::size_t>(*kind)] = cost_value(cost, key + "." + kind_name);
      }
    } else if (key == "tool_kinds") {
      if (!v.is_object()) throw mapping_error{key, "expected an object: tool name -> kind"};
      for (const auto& [tool, kind_value] : v.items()) {
        const auto sub = key + "." + tool;
        const auto kind = kind_value.is_string() ? parse_tool_kind(kind_value.get<std::string>()) : std::nullopt;
        if (!kind) throw mapping_error{sub, "expected \"read\", \"command\", \"edit\", \"plan\" or \"other\""};
        o.tool_kinds[text::ascii_lower(text::trim(tool))] = *kind;
      }
    } else if (key == "rule_openers") {
      o.rule_openers = string_list(v, key);
    } else if (key == "bootstrap_markers") {
      o.bootstrap_markers = string_list(v, key);
    } else if (key == "harness_text_prefixes") {
      o.harness_text_prefixes = string_list(v, key);
    } else if (key == "reference_argument_keys") {
      o.reference_argument_keys = string_list(v, key);
    } else if (key == "command_argument_keys") {
      o.command_argument_keys = string_list(v, key);
    } else {
      throw mapping_error{key, "unknown key (see spec/import.md IM-14)"};
    }
  }
}

}  // namespace

std::variant<import_options, std::string> parse_mapping(std::string_view json_text,
                                                        std::string_view source_name,
                                                        import_options base) {
  json root;
  json_text_error why;
  if (!parse_json_text(json_text, root, why)) {
    return fmt::format("{}: invalid JSON: {} (at byte {})", source_name, printable_message(why.message), why.byte);
  }
  try {
    apply_mapping(root, base);
  } catch (const mapping_error& e) {
    if (e.field.empty()) return fmt::format("{}: {}", source_name, e.message);
    return fmt::format("{}: field '{}': {}", source_name, e.field, e.message);
  }
  return base;
}

std::variant<import_options, std::string> load_mapping(const std::string& path, import_options base) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("{}: cannot read", path);
  // Bounded (IM-14): a mapping is a small file; /dev/zero or a wrong path is refused
  // after mapping_bytes_max + 1 bytes instead of being read to the end.
  std::string text(mapping_bytes_max + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return fmt::format("{}: read error", path);
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > mapping_bytes_max) {
    return fmt::format("{}: longer than {} bytes: not a mapping file", path, mapping_bytes_max);
  }
  return parse_mapping(text, path, std::move(base));
}

}  // namespace clawvm::import
