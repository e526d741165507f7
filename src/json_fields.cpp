// The one typed-field reader (json_fields.hpp).
#include "clawvm/json_fields.hpp"

#include <fmt/core.h>

namespace clawvm::json_fields {

std::string path(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string path(std::string_view parent, std::size_t index) { return fmt::format("{}[{}]", parent, index); }

const json* member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const std::string* string_member(const json& object, std::string_view key) {
  const json* v = member(object, key);
  return v != nullptr && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}

std::optional<std::uint64_t> unsigned_member(const json& object, std::string_view key) {
  const json* v = member(object, key);
  if (v == nullptr || !v->is_number_unsigned()) return std::nullopt;
  return v->get<std::uint64_t>();
}

std::optional<bool> boolean_member(const json& object, std::string_view key) {
  const json* v = member(object, key);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

bool is_true(const json& object, std::string_view key) { return boolean_member(object, key).value_or(false); }

field_error::field_error(std::string field_path, std::string what_is_wrong)
    : std::runtime_error(field_path.empty() ? what_is_wrong : fmt::format("field '{}': {}", field_path, what_is_wrong)),
      field(std::move(field_path)),
      message(std::move(what_is_wrong)) {}

object_reader::object_reader(const json& object, std::string object_path)
    : object_(object), path_(std::move(object_path)) {
  if (!object_.is_object()) throw field_error{path_, "must be a JSON object"};
}

const json* object_reader::find(std::string_view key) {
  used_.emplace(key);
  return member(object_, key);
}

const json& object_reader::require(std::string_view key) {
  const json* v = find(key);
  if (v == nullptr) throw field_error{at(key), "is required"};
  return *v;
}

namespace {
std::string wrong_type(std::string_view expected, const json& value) {
  return fmt::format("must be {}, not {}", expected, value.type_name());
}
}  // namespace

std::string object_reader::string(std::string_view key) {
  const json& v = require(key);
  if (!v.is_string()) throw field_error{at(key), wrong_type("a string", v)};
  return v.get<std::string>();
}

std::optional<std::string> object_reader::optional_string(std::string_view key) {
  if (find(key) == nullptr) return std::nullopt;
  return string(key);
}

bool object_reader::boolean(std::string_view key) {
  const json& v = require(key);
  if (!v.is_boolean()) throw field_error{at(key), wrong_type("a boolean", v)};
  return v.get<bool>();
}

std::optional<bool> object_reader::optional_boolean(std::string_view key) {
  if (find(key) == nullptr) return std::nullopt;
  return boolean(key);
}

std::uint64_t object_reader::unsigned_integer(std::string_view key, std::uint64_t max) {
  return unsigned_integer(require(key), key, max);
}

std::uint64_t object_reader::unsigned_integer(const json& value, std::string_view key, std::uint64_t max) const {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0)) {
    throw field_error{at(key), value.is_number() ? "must be a non-negative integer"
                                                 : wrong_type("a non-negative integer", value)};
  }
  const auto n = value.get<std::uint64_t>();
  if (n > max) throw field_error{at(key), fmt::format("{} is larger than the maximum {}", n, max)};
  return n;
}

double object_reader::number(std::string_view key) {
  const json& v = require(key);
  if (!v.is_number()) throw field_error{at(key), wrong_type("a number", v)};
  return v.get<double>();
}

double object_reader::number(std::string_view key, double fallback) {
  if (find(key) == nullptr) return fallback;
  return number(key);
}

const json& object_reader::array(std::string_view key) {
  const json& v = require(key);
  if (!v.is_array()) throw field_error{at(key), wrong_type("an array", v)};
  return v;
}

const json& object_reader::object(std::string_view key) {
  const json& v = require(key);
  if (!v.is_object()) throw field_error{at(key), wrong_type("an object", v)};
  return v;
}

void object_reader::reject_unknown_keys() const {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (it.key() == "comment") {
      if (!it->is_string()) throw field_error{at("comment"), "must be a string"};
      continue;
    }
    if (used_.count(it.key()) == 0) throw field_error{at(it.key()), "unknown field"};
  }
}

}  // namespace clawvm::json_fields
