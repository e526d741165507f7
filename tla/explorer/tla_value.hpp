// Printing TLA+ values the way TLC prints them in a trace, and the small
// value model the cfg checker compares constants with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace clawvm::tla {

inline std::string quote(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

inline std::string tla_bool(bool b) { return b ? "TRUE" : "FALSE"; }

// {"a", "b"} from a list of already formatted elements.
inline std::string tla_set(const std::vector<std::string>& elems) {
  std::string out = "{";
  for (std::size_t i = 0; i < elems.size(); ++i) {
    if (i != 0) out += ", ";
    out += elems[i];
  }
  return out + "}";
}

// <<a, b>> from formatted elements.
inline std::string tla_seq(const std::vector<std::string>& elems) {
  std::string out = "<<";
  for (std::size_t i = 0; i < elems.size(); ++i) {
    if (i != 0) out += ", ";
    out += elems[i];
  }
  return out + ">>";
}

// ("a" :> x @@ "b" :> y): TLC's rendering of a function with a string domain.
inline std::string tla_fcn(const std::vector<std::pair<std::string, std::string>>& kv) {
  if (kv.empty()) return "<<>>";
  std::string out = "(";
  for (std::size_t i = 0; i < kv.size(); ++i) {
    if (i != 0) out += " @@ ";
    out += quote(kv[i].first) + " :> " + kv[i].second;
  }
  return out + ")";
}

// [a |-> x, b |-> y]
inline std::string tla_record(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "[";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) out += ", ";
    out += fields[i].first + " |-> " + fields[i].second;
  }
  return out + "]";
}

// A constant's value as a cfg (or an MC module definition) can state it.
//   integer, boolean, string, set of strings, function string -> string.
struct CfgValue {
  using Fcn = std::map<std::string, std::string>;
  std::variant<std::int64_t, bool, std::string, std::set<std::string>, Fcn> v;

  bool operator==(const CfgValue&) const = default;

  [[nodiscard]] std::string str() const {
    struct Visitor {
      std::string operator()(std::int64_t i) const { return std::to_string(i); }
      std::string operator()(bool b) const { return tla_bool(b); }
      std::string operator()(const std::string& s) const { return quote(s); }
      std::string operator()(const std::set<std::string>& s) const {
        std::vector<std::string> e;
        for (const auto& x : s) e.push_back(quote(x));
        return tla_set(e);
      }
      std::string operator()(const Fcn& f) const {
        std::vector<std::pair<std::string, std::string>> kv;
        for (const auto& [k, x] : f) kv.emplace_back(k, quote(x));
        return tla_fcn(kv);
      }
    };
    return std::visit(Visitor{}, v);
  }
};

using ConstantMap = std::map<std::string, CfgValue>;

}  // namespace clawvm::tla
