#pragma once
// Bounded line reading for JSON Lines inputs (workloads WL-3, sidecar requests SC-3):
// one line in memory at a time, never more than `bytes_max` of it. A longer line is
// consumed to its end without being stored and reported, so a 100 MB line costs no
// 100 MB allocation.

#include <cstdint>
#include <istream>
#include <string>

namespace clawvm {

class line_reader {
 public:
  enum class status : std::uint8_t { line = 0, end = 1, too_long = 2 };

  line_reader(std::istream& in, std::size_t bytes_max) : in_(&in), bytes_max_(bytes_max) {}

  // The next line without its "\n" (and without a "\r" before it). `end` at a clean end
  // of input; `too_long` when the line exceeded bytes_max (line() counts it).
  status next(std::string& out) {
    out.clear();
    unterminated_ = false;
    std::streambuf* sb = in_->rdbuf();
    if (sb == nullptr) return status::end;
    bool any = false;
    bool too_long = false;
    for (;;) {
      const int c = sb->sbumpc();
      if (c == std::char_traits<char>::eof()) {
        if (!any) return status::end;
        unterminated_ = true;
        break;
      }
      any = true;
      if (c == '\n') break;
      if (out.size() >= bytes_max_) {
        too_long = true;
        continue;
      }
      out.push_back(static_cast<char>(c));
    }
    ++line_;
    if (too_long) {
      out.clear();
      return status::too_long;
    }
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return status::line;
  }
  // 1-based number of the line last returned (0 before the first).
  std::uint64_t line() const noexcept { return line_; }
  // The last line returned had no "\n" (the input ended inside it).
  bool unterminated() const noexcept { return unterminated_; }

 private:
  std::istream* in_;
  std::size_t bytes_max_;
  std::uint64_t line_ = 0;
  bool unterminated_ = false;
};

}  // namespace clawvm
