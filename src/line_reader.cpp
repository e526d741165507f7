#include "clawvm/line_reader.hpp"

#include <algorithm>
#include <cstring>
#include <istream>

namespace clawvm {

line_reader::line_reader(std::istream& in, std::size_t max_line_bytes, std::uint64_t skip_bytes_max)
    : in_(&in), max_line_bytes_(max_line_bytes), skip_bytes_max_(skip_bytes_max), buffer_(chunk_bytes) {}

bool line_reader::fill() {
  if (eof_) return false;
  // One byte, blocking, through read() so the stream's eof and bad states are set as
  // usual; then whatever the stream has already buffered, without waiting for more.
  in_->read(buffer_.data(), 1);
  if (in_->gcount() != 1) {
    eof_ = true;
    io_error_ = in_->bad();
    begin_ = end_ = 0;
    return false;
  }
  const auto more = in_->readsome(buffer_.data() + 1, static_cast<std::streamsize>(buffer_.size() - 1));
  begin_ = 0;
  end_ = 1U + (more > 0 ? static_cast<std::size_t>(more) : 0U);
  return true;
}

line_reader::status line_reader::next(std::string& out) {
  out.clear();
  unterminated_ = false;
  bool any_byte = false;
  bool overflow = false;
  std::uint64_t line_bytes = 0;
  for (;;) {
    if (begin_ == end_ && !fill()) {
      // End of input: a pending partial line is the unterminated last line.
      if (!any_byte) return status::end;
      ++line_number_;
      unterminated_ = true;
      break;
    }
    any_byte = true;
    const char* start = buffer_.data() + begin_;
    const std::size_t available = end_ - begin_;
    const void* nl = std::memchr(start, '\n', available);
    const std::size_t take =
        nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : available;
    line_bytes += take;
    if (!overflow) {
      if (line_bytes > max_line_bytes_) {
        // Drop what was collected: the rest of this line is skipped, not stored.
        overflow = true;
        out.clear();
        out.shrink_to_fit();
      } else {
        out.append(start, take);
      }
    }
    begin_ += take;
    if (overflow && nl == nullptr && line_bytes - max_line_bytes_ > skip_bytes_max_) {
      // Give up on the input: no end of this line within reach (IM-3, WL-3, SC-6).
      abandoned_ = true;
      eof_ = true;
      begin_ = end_ = 0;
      ++line_number_;
      break;
    }
    if (nl != nullptr) {
      ++begin_;  // the '\n'
      ++line_number_;
      break;
    }
  }
  if (overflow) {
    skipped_bytes_ = line_bytes;
    out.clear();
    return status::too_long;
  }
  if (!out.empty() && out.back() == '\r') out.pop_back();  // CRLF files
  return status::line;
}

}  // namespace clawvm
