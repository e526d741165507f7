#include "clawvm/import/text.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace clawvm::import::text {

namespace {

constexpr bool is_continuation(unsigned char c) noexcept { return (c & 0xC0U) == 0x80U; }
constexpr bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr bool is_ascii_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != lower(prefix[i])) return false;
  }
  return true;
}

// Drops list markers and one filler word from the start of a sentence (IM-10).
std::string_view strip_sentence_lead(std::string_view s) noexcept {
  s = trim(s);
  // List markers: "-", "*", "+", "•" (U+2022), "1." / "1)" / "12." ...
  for (;;) {
    if (!s.empty() && (s[0] == '-' || s[0] == '*' || s[0] == '+' || s[0] == '>')) {
      s = trim(s.substr(1));
      continue;
    }
    if (s.substr(0, 3) == "\xE2\x80\xA2") {
      s = trim(s.substr(3));
      continue;
    }
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
    if (digits > 0 && digits < s.size() && (s[digits] == '.' || s[digits] == ')')) {
      s = trim(s.substr(digits + 1));
      continue;
    }
    break;
  }
  for (std::string_view filler : {"please", "and", "also", "but", "so", "then"}) {
    if (starts_with_ci(s, filler) && s.size() > filler.size() && !is_ascii_alnum(s[filler.size()])) {
      s = trim(s.substr(filler.size()));
      if (!s.empty() && s[0] == ',') s = trim(s.substr(1));
      break;
    }
  }
  return s;
}

}  // namespace

std::optional<std::size_t> first_invalid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80U) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2U && c <= 0xDFU) {
      len = 2;
      cp = c & 0x1FU;
    } else if (c >= 0xE0U && c <= 0xEFU) {
      len = 3;
      cp = c & 0x0FU;
    } else if (c >= 0xF0U && c <= 0xF4U) {
      len = 4;
      cp = c & 0x07U;
    } else {
      return i;  // stray continuation byte, C0/C1 overlong lead, or F5..FF
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if (!is_continuation(p[i + k])) return i;
      cp = (cp << 6U) | (p[i + k] & 0x3FU);
    }
    if ((len == 3 && cp < 0x800U) || (len == 4 && cp < 0x10000U) || cp > 0x10FFFFU ||
        (cp >= 0xD800U && cp <= 0xDFFFU)) {
      return i;
    }
    i += len;
  }
  return std::nullopt;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) noexcept {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes;
  while (cut > 0 && is_continuation(static_cast<unsigned char>(s[cut]))) --cut;
  return s.substr(0, cut);
}

std::string_view utf8_suffix(std::string_view s, std::size_t max_bytes) noexcept {
  if (s.size() <= max_bytes) return s;
  std::size_t start = s.size() - max_bytes;
  while (start < s.size() && is_continuation(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

std::string one_line(std::string_view s, std::size_t max_bytes) {
  std::string collapsed;
  collapsed.reserve(std::min(s.size(), max_bytes + 8));
  bool pending_space = false;
  for (const char c : s) {
    if (is_ascii_space(c)) {
      pending_space = !collapsed.empty();
      continue;
    }
    if (pending_space) collapsed.push_back(' ');
    pending_space = false;
    collapsed.push_back(c);
    if (collapsed.size() > max_bytes + 4) break;  // enough to know it will be cut
  }
  if (collapsed.size() <= max_bytes) return collapsed;
  std::string out(utf8_prefix(collapsed, max_bytes));
  out += "...";
  return out;
}

std::string bounded(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  const auto kept = utf8_prefix(s, max_bytes);
  return fmt::format("{}\n[... {} more bytes]", kept, s.size() - kept.size());
}

std::optional<std::string> head_tail(std::string_view s, std::size_t head, std::size_t tail) {
  if (s.size() <= 2 * (head + tail)) return std::nullopt;
  const auto h = utf8_prefix(s, head);
  const auto t = utf8_suffix(s, tail);
  return fmt::format("{}\n[... {} bytes omitted ...]\n{}", h, s.size() - h.size() - t.size(), t);
}

std::size_t line_count(std::string_view s) noexcept {
  if (s.empty()) return 0;
  std::size_t n = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && i + 1 < s.size()) ++n;
  }
  return n;
}

std::vector<std::string_view> first_nonblank_lines(std::string_view s, std::size_t n) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size() && out.size() < n) {
    const auto nl = s.find('\n', start);
    const auto line = s.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!trim(line).empty()) out.push_back(trim(line));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

std::vector<std::string> rule_sentences(std::string_view message,
                                        const std::vector<std::string>& openers) {
  std::vector<std::string> rules;
  std::size_t start = 0;
  auto consider = [&](std::size_t from, std::size_t to) {
    const auto sentence = trim(message.substr(from, to - from));
    const auto lead = strip_sentence_lead(sentence);
    for (const auto& opener : openers) {
      if (opener.empty() || !starts_with_ci(lead, opener)) continue;
      if (lead.size() > opener.size() && is_ascii_alnum(lead[opener.size()])) continue;
      rules.emplace_back(sentence);
      return;
    }
  };
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    const bool line_break = c == '\n';
    const bool sentence_end = (c == '.' || c == '!' || c == '?') && i + 1 < message.size() &&
                              (message[i + 1] == ' ' || message[i + 1] == '\n');
    if (line_break) {
      consider(start, i);
      start = i + 1;
    } else if (sentence_end) {
      consider(start, i + 1);
      start = i + 1;
    }
  }
  if (start < message.size()) consider(start, message.size());
  return rules;
}

void for_each_token(std::string_view s, const std::function<void(std::string_view)>& f) {
  auto is_delimiter = [](char c) {
    switch (c) {
      case '"': case '\'': case '`': case '(': case ')': case '[': case ']': case '{':
      case '}': case '<': case '>': case ',': case ';': case '|': case '=':
        return true;
      default:
        return is_ascii_space(c);
    }
  };
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_delimiter(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !is_delimiter(s[j])) ++j;
    auto token = s.substr(i, j - i);
    while (!token.empty() && (token.back() == '.' || token.back() == ':' || token.back() == '!' ||
                              token.back() == '?')) {
      token.remove_suffix(1);
    }
    while (!token.empty() && token.front() == '@') token.remove_prefix(1);
    if (!token.empty()) f(token);
    i = j;
  }
}

bool path_like(std::string_view token) noexcept {
  if (token.size() < 4) return false;
  for (std::string_view prefix : {"/", "./", "../", "~/", "http://", "https://"}) {
    if (token.substr(0, prefix.size()) == prefix) return token.find_first_not_of('/') != std::string_view::npos;
  }
  const auto slash = token.rfind('/');
  if (slash == std::string_view::npos) return false;
  const auto last = token.substr(slash + 1);
  const auto dot = last.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < last.size();
}

std::vector<std::size_t> concatenated_object_starts(std::string_view line) {
  // Objects written back to back ({...}{...}, optionally with spaces between): the byte
  // offset of each one's '{'. Strings are skipped with their escapes, so braces inside
  // them do not count. Anything else (text between objects, an unclosed object) is not
  // this case: the line is then plain invalid JSON.
  constexpr std::size_t parts_max = 16;
  std::vector<std::size_t> starts;
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
  };
  skip_space();
  while (i < line.size()) {
    if (line[i] != '{' || starts.size() == parts_max) return {};
    starts.push_back(i);
    std::size_t depth = 0;
    bool in_string = false;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return {};
        if (--depth == 0) break;
      }
    }
    if (i == line.size()) return {};  // unclosed
    ++i;
    skip_space();
  }
  if (starts.size() < 2) return {};
  return starts;
}

}  // namespace clawvm::import::text
