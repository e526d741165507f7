#pragma once
// Diagnostics quote input bytes (nlohmann's "last read: ..." shows the offending text).
// Input may be invalid UTF-8, and a diagnostic is printed, and written into JSON reports
// and sidecar responses: bytes outside printable ASCII are shown as \xNN, so a message
// is always valid UTF-8 and one line.

#include <string>
#include <string_view>

namespace clawvm {

inline std::string printable_message(std::string_view raw) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size());
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(ch);
    } else {
      out += "\\x";
      out.push_back(hex[c >> 4U]);
      out.push_back(hex[c & 0xfU]);
    }
  }
  return out;
}

}  // namespace clawvm
