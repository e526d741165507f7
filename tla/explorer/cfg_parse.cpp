#include "cfg_parse.hpp"

#include <cctype>
#include <cstddef>
#include <sstream>
#include <string_view>

namespace clawvm::tla::cfg {
namespace {

enum class Kind { ident, number, string, symbol, end };

struct Token {
  Kind kind;
  std::string text;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Tokens of a cfg or TLA+ fragment: comments (\* ... and (* ... *)) skipped.
std::vector<Token> tokenize(std::string_view s, std::vector<std::string>& errors) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
    } else if (s.substr(i, 2) == "\\*") {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (s.substr(i, 2) == "(*") {
      const std::size_t close = s.find("*)", i + 2);
      if (close == std::string_view::npos) {
        errors.emplace_back("unterminated comment");
        break;
      }
      i = close + 2;
    } else if (ident_start(c)) {
      std::size_t j = i;
      while (j < s.size() && ident_char(s[j])) ++j;
      out.push_back({Kind::ident, std::string{s.substr(i, j - i)}});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
               (c == '-' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) != 0)) {
      std::size_t j = i + 1;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) != 0) ++j;
      out.push_back({Kind::number, std::string{s.substr(i, j - i)}});
      i = j;
    } else if (c == '"') {
      const std::size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) {
        errors.emplace_back("unterminated string");
        break;
      }
      out.push_back({Kind::string, std::string{s.substr(i + 1, close - i - 1)}});
      i = close + 1;
    } else {
      static constexpr std::string_view two[] = {"<-", ":>", "@@", "=="};
      bool matched = false;
      for (auto sym : two) {
        if (s.substr(i, 2) == sym) {
          out.push_back({Kind::symbol, std::string{sym}});
          i += 2;
          matched = true;
          break;
        }
      }
      if (!matched) {
        out.push_back({Kind::symbol, std::string(1, c)});
        ++i;
      }
    }
  }
  out.push_back({Kind::end, ""});
  return out;
}

bool is_section(const std::string& w) {
  static const char* const kw[] = {"CONSTANT",   "CONSTANTS",  "INIT",       "NEXT",           "SPECIFICATION",
                                   "INVARIANT",  "INVARIANTS", "PROPERTY",   "PROPERTIES",     "CONSTRAINT",
                                   "CONSTRAINTS", "SYMMETRY",  "VIEW",       "CHECK_DEADLOCK", "ACTION_CONSTRAINT",
                                   "ACTION_CONSTRAINTS", "ALIAS", "POSTCONDITION"};
  for (const char* k : kw)
    if (w == k) return true;
  return false;
}

}  // namespace

ParsedCfg parse_cfg(const std::string& text) {
  ParsedCfg r;
  const std::vector<Token> t = tokenize(text, r.errors);
  std::size_t i = 0;
  auto at_section = [&]() { return t[i].kind == Kind::ident && is_section(t[i].text); };
  auto value = [&]() -> std::optional<CfgValue> {
    const Token& tk = t[i];
    if (tk.kind == Kind::number) {
      ++i;
      return CfgValue{static_cast<std::int64_t>(std::stoll(tk.text))};
    }
    if (tk.kind == Kind::string) {
      ++i;
      return CfgValue{tk.text};
    }
    if (tk.kind == Kind::ident && (tk.text == "TRUE" || tk.text == "FALSE")) {
      ++i;
      return CfgValue{tk.text == "TRUE"};
    }
    if (tk.kind == Kind::symbol && tk.text == "{") {
      ++i;
      std::set<std::string> elems;
      while (!(t[i].kind == Kind::symbol && t[i].text == "}")) {
        if (t[i].kind != Kind::string) return std::nullopt;  // only sets of strings are used
        elems.insert(t[i].text);
        ++i;
        if (t[i].kind == Kind::symbol && t[i].text == ",") ++i;
      }
      ++i;
      return CfgValue{elems};
    }
    return std::nullopt;
  };

  while (t[i].kind != Kind::end) {
    if (!at_section()) {
      r.errors.push_back("unexpected token '" + t[i].text + "'");
      ++i;
      continue;
    }
    const std::string section = t[i++].text;
    if (section == "CONSTANT" || section == "CONSTANTS") {
      while (t[i].kind == Kind::ident && !at_section()) {
        const std::string name = t[i++].text;
        if (t[i].kind == Kind::symbol && t[i].text == "=") {
          ++i;
          auto v = value();
          if (!v) {
            r.errors.push_back("unsupported value for constant " + name);
            break;
          }
          r.values[name] = *v;
        } else if (t[i].kind == Kind::symbol && t[i].text == "<-") {
          ++i;
          if (t[i].kind != Kind::ident) {
            r.errors.push_back("expected a definition after " + name + " <-");
            break;
          }
          r.substitutes[name] = t[i++].text;
        } else {
          r.errors.push_back("expected = or <- after constant " + name);
          break;
        }
      }
    } else if (section == "INIT" || section == "NEXT" || section == "SPECIFICATION") {
      if (t[i].kind != Kind::ident) {
        r.errors.push_back(section + " needs a name");
        continue;
      }
      std::string& slot = section == "INIT" ? r.init : section == "NEXT" ? r.next : r.specification;
      slot = t[i++].text;
    } else if (section.rfind("INVARIANT", 0) == 0 || section.rfind("PROPERT", 0) == 0) {
      auto& list = section.rfind("INVARIANT", 0) == 0 ? r.invariants : r.properties;
      while (t[i].kind == Kind::ident && !at_section()) list.push_back(t[i++].text);
    } else {
      r.errors.push_back("section " + section + " is not used by tla/ and not understood here");
      while (t[i].kind != Kind::end && !at_section()) ++i;
    }
  }
  return r;
}

std::optional<CfgValue> parse_fcn_definition(const std::string& module_text, const std::string& name,
                                             std::string& error) {
  // Find `name ==` at the start of a line.
  std::size_t pos = 0;
  std::size_t start = std::string::npos;
  while ((pos = module_text.find(name, pos)) != std::string::npos) {
    const bool line_start = pos == 0 || module_text[pos - 1] == '\n';
    std::size_t j = pos + name.size();
    while (j < module_text.size() && module_text[j] == ' ') ++j;
    if (line_start && module_text.compare(j, 2, "==") == 0) {
      start = j + 2;
      break;
    }
    pos += name.size();
  }
  if (start == std::string::npos) {
    error = "definition " + name + " not found";
    return std::nullopt;
  }
  // The body runs to the next line that starts at column 0.
  std::size_t end = start;
  while (true) {
    const std::size_t nl = module_text.find('\n', end);
    if (nl == std::string::npos || nl + 1 >= module_text.size()) {
      end = module_text.size();
      break;
    }
    const char c = module_text[nl + 1];
    if (c != ' ' && c != '\t' && c != '\n') {
      end = nl;
      break;
    }
    end = nl + 1;
  }
  std::vector<std::string> errors;
  const std::vector<Token> t = tokenize(std::string_view{module_text}.substr(start, end - start), errors);
  CfgValue::Fcn f;
  std::size_t i = 0;
  while (t[i].kind != Kind::end) {
    if (t[i].kind == Kind::symbol && (t[i].text == "(" || t[i].text == ")" || t[i].text == "@@")) {
      ++i;
      continue;
    }
    if (t[i].kind == Kind::string && t[i + 1].kind == Kind::symbol && t[i + 1].text == ":>" &&
        t[i + 2].kind == Kind::string) {
      if (f.count(t[i].text) != 0) {
        error = name + ": duplicate key " + t[i].text;
        return std::nullopt;
      }
      f[t[i].text] = t[i + 2].text;
      i += 3;
      continue;
    }
    error = name + ": unsupported token '" + t[i].text + "' (only (\"k\" :> \"v\") @@ ... is understood)";
    return std::nullopt;
  }
  if (!errors.empty()) {
    error = name + ": " + errors.front();
    return std::nullopt;
  }
  return CfgValue{f};
}

std::vector<std::string> declared_names(const std::string& module_text, const std::string& keyword) {
  std::vector<std::string> out;
  std::istringstream in(module_text);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      if (line.rfind(keyword, 0) == 0) {
        inside = true;
        line = line.substr(keyword.size());
      } else {
        continue;
      }
    } else if (line.find_first_not_of(" \t\r") == std::string::npos) {
      break;  // blank line ends the declaration
    }
    const std::size_t comment = line.find("\\*");
    if (comment != std::string::npos) line.resize(comment);
    std::size_t i = 0;
    while (i < line.size()) {
      if (ident_start(line[i])) {
        std::size_t j = i;
        while (j < line.size() && ident_char(line[j])) ++j;
        out.push_back(line.substr(i, j - i));
        i = j;
      } else {
        ++i;
      }
    }
  }
  return out;
}

std::vector<std::string> defined_names(const std::string& module_text) {
  std::vector<std::string> out;
  std::istringstream in(module_text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || !ident_start(line[0])) continue;
    std::size_t j = 0;
    while (j < line.size() && ident_char(line[j])) ++j;
    std::size_t k = j;
    // Skip a parameter list: Name(a, b) ==
    if (k < line.size() && line[k] == '(') {
      const std::size_t close = line.find(')', k);
      if (close == std::string::npos) continue;
      k = close + 1;
    }
    while (k < line.size() && line[k] == ' ') ++k;
    if (line.compare(k, 2, "==") == 0) out.push_back(line.substr(0, j));
  }
  return out;
}

}  // namespace clawvm::tla::cfg
