// The constant tables of the .tla files, read from the specs' own text at compile time.
//
// PageResidency.tla writes Floor(t) and Chain(t), ClawVM.tla writes Pinned(p) and
// DestroySet(b), as TLA+ expressions; the library has them as compile-time tables
// (clawvm/page_traits.hpp, clawvm/boundary.hpp) that the one model
// (clawvm/model/page_residency.hpp) exposes. static_checks.cpp embeds the .tla files
// and proves, with static_assert, that both say the same for every page type and
// boundary: edit one without the other and the explorer does not compile.
//
// The reader understands exactly the shapes those definitions use, nothing more:
//   Def   ::= Name(x) == Expr            (continuation lines indented)
//   Expr  ::= IF Cond THEN Expr ELSE Expr | CASE Cond -> Expr ([] Cond -> Expr)* | Atom
//   Cond  ::= Subj \in {"a", ...} | Subj = "a" | OTHER
//   Subj  ::= x | TypeOf[p]
// and reports anything else as a compile error naming the definition.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace clawvm::tla::spec_tables {

struct Token {
  enum class Kind { string, word, punct, end } kind = Kind::end;
  std::string_view text;  // a string's text is without its quotes
};

// The tokens of one definition's right-hand side (at most 96: the definitions are short).
struct Tokens {
  std::array<Token, 96> items{};
  std::size_t size = 0;
};

constexpr bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

constexpr Tokens tokenize(std::string_view s) {
  Tokens out;
  std::size_t i = 0;
  auto push = [&](Token::Kind k, std::string_view t) {
    if (out.size == out.items.size()) throw "spec_tables: definition too long";
    out.items[out.size++] = Token{k, t};
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '\\' && i + 1 < s.size() && s[i + 1] == '*') {  // \* comment to end of line
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '"') {
      const std::size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) throw "spec_tables: unterminated string";
      push(Token::Kind::string, s.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '\\' || is_word_char(c)) {  // \in, names, numbers
      std::size_t j = i + 1;
      while (j < s.size() && is_word_char(s[j])) ++j;
      push(Token::Kind::word, s.substr(i, j - i));
      i = j;
    } else {
      constexpr std::array<std::string_view, 4> two{"<<", ">>", "[]", "->"};
      std::size_t len = 1;
      for (auto t : two)
        if (s.substr(i, 2) == t) len = 2;
      push(Token::Kind::punct, s.substr(i, len));
      i += len;
    }
  }
  return out;
}

// The right-hand side of `Name(param) == ...` in a module's text: from after "==" to the
// first line that is blank or starts in column 0.
struct Definition {
  std::string_view param;
  std::string_view body;
};
constexpr Definition find_definition(std::string_view module, std::string_view name) {
  std::size_t at = 0;
  while (true) {
    at = module.find(name, at);
    if (at == std::string_view::npos) throw "spec_tables: definition not found in the .tla text";
    const bool line_start = at == 0 || module[at - 1] == '\n';
    if (line_start && at + name.size() < module.size() && module[at + name.size()] == '(') break;
    at += name.size();
  }
  const std::size_t open = at + name.size();
  const std::size_t close = module.find(')', open);
  const std::size_t eq = module.find("==", close);
  if (close == std::string_view::npos || eq == std::string_view::npos) throw "spec_tables: malformed definition";
  std::size_t end = eq + 2;
  while (end < module.size()) {
    const std::size_t nl = module.find('\n', end);
    if (nl == std::string_view::npos) {
      end = module.size();
      break;
    }
    end = nl;
    if (nl + 1 >= module.size() || module[nl + 1] == '\n' || module[nl + 1] != ' ') break;
    end = nl + 1;
  }
  return {module.substr(open + 1, close - open - 1), module.substr(eq + 2, end - eq - 2)};
}

// A cursor over one definition's tokens, evaluating it for one value of its subject.
class Reader {
 public:
  constexpr Reader(const Tokens& t, std::string_view subject) : t_(t), subject_(subject) {}

  [[nodiscard]] constexpr const Token& peek() const {
    return pos_ < t_.size ? t_.items[pos_] : end_;
  }
  constexpr const Token& take() {
    const Token& tok = peek();
    if (pos_ < t_.size) ++pos_;
    return tok;
  }
  constexpr void expect(std::string_view text) {
    if (take().text != text) throw "spec_tables: unexpected token in a definition";
  }
  [[nodiscard]] constexpr bool at(std::string_view text) const {
    return peek().kind != Token::Kind::string && peek().text == text;
  }
  [[nodiscard]] constexpr std::size_t position() const { return pos_; }
  constexpr void seek(std::size_t p) { pos_ = p; }

  // Cond, for the subject's value `v`.
  constexpr bool condition(std::string_view v) {
    if (at("OTHER")) {
      take();
      return true;
    }
    read_subject();
    if (at("=")) {
      take();
      const Token& s = take();
      if (s.kind != Token::Kind::string) throw "spec_tables: = must compare with a string";
      return s.text == v;
    }
    expect("\\in");
    return string_set_contains(v);
  }

  // {"a", "b", ...} contains v.
  constexpr bool string_set_contains(std::string_view v) {
    expect("{");
    bool found = false;
    while (!at("}")) {
      const Token& s = take();
      if (s.kind != Token::Kind::string) throw "spec_tables: a set of strings was expected";
      found = found || s.text == v;
      if (at(",")) take();
    }
    take();
    return found;
  }

  // Expr, for the subject's value `v`: leaves the cursor at the chosen atom, returns its
  // first token's index; the rest of the definition is not read.
  constexpr std::size_t select(std::string_view v) {
    if (at("IF")) {
      take();
      const bool c = condition(v);
      expect("THEN");
      if (c) return select(v);
      skip_expression();
      expect("ELSE");
      return select(v);
    }
    if (at("CASE")) {
      take();
      while (true) {
        const bool c = condition(v);
        expect("->");
        if (c) return select(v);
        skip_expression();
        if (!at("[]")) throw "spec_tables: no CASE arm applies";
        take();
      }
    }
    return pos_;
  }

 private:
  constexpr void read_subject() {
    const Token& s = take();
    if (s.text == subject_) return;
    if (s.text == "TypeOf" && subject_ == "TypeOf[p]") {
      expect("[");
      take();
      expect("]");
      return;
    }
    throw "spec_tables: a condition on an unexpected subject";
  }
  // Skips one atom or nested expression up to the next THEN/ELSE/[] at this level.
  constexpr void skip_expression() {
    int depth = 0;
    while (pos_ < t_.size) {
      const Token& tok = peek();
      if (tok.kind == Token::Kind::punct && (tok.text == "{" || tok.text == "<<" || tok.text == "(")) ++depth;
      if (tok.kind == Token::Kind::punct && (tok.text == "}" || tok.text == ">>" || tok.text == ")")) --depth;
      if (depth == 0 && tok.kind != Token::Kind::string && (tok.text == "ELSE" || tok.text == "[]")) return;
      take();
    }
  }

  const Tokens& t_;
  std::string_view subject_;
  std::size_t pos_ = 0;
  Token end_{};
};

// Floor(t) for the type named `type`: the level's name.
constexpr std::string_view floor_level(std::string_view module, std::string_view type) {
  const Definition d = find_definition(module, "Floor");
  const Tokens t = tokenize(d.body);
  Reader r(t, d.param);
  r.select(type);
  const Token& s = r.take();
  if (s.kind != Token::Kind::string) throw "spec_tables: Floor(t) must be a level name";
  return s.text;
}

// Chain(t) for the type named `type`: the level names, highest fidelity first.
struct ChainText {
  std::array<std::string_view, 8> levels{};
  std::size_t size = 0;
};
constexpr ChainText chain_levels(std::string_view module, std::string_view type) {
  const Definition d = find_definition(module, "Chain");
  const Tokens t = tokenize(d.body);
  Reader r(t, d.param);
  r.select(type);
  r.expect("<<");
  ChainText out;
  while (!r.at(">>")) {
    const Token& s = r.take();
    if (s.kind != Token::Kind::string || out.size == out.levels.size()) throw "spec_tables: Chain(t) must be <<levels>>";
    out.levels[out.size++] = s.text;
    if (r.at(",")) r.take();
  }
  return out;
}

// Pinned(p) for a page of the type named `type`.
constexpr bool pinned(std::string_view module, std::string_view type) {
  const Definition d = find_definition(module, "Pinned");
  const Tokens t = tokenize(d.body);
  Reader r(t, "TypeOf[p]");
  return r.condition(type);
}

// p \in DestroySet(b) for the boundary named `b` and a page of the type named `type`:
// the arm is Pages, {} or {p \in Pages : TypeOf[p] \in {...}}.
constexpr bool in_destroy_set(std::string_view module, std::string_view b, std::string_view type) {
  const Definition d = find_definition(module, "DestroySet");
  const Tokens t = tokenize(d.body);
  Reader r(t, d.param);
  r.select(b);
  if (r.at("Pages")) return true;
  r.expect("{");
  if (r.at("}")) return false;
  r.expect("p");
  r.expect("\\in");
  r.expect("Pages");
  r.expect(":");
  Reader cond(t, "TypeOf[p]");
  cond.seek(r.position());
  return cond.condition(type);
}

}  // namespace clawvm::tla::spec_tables
