#pragma once
// The one line reader of every JSON Lines input (workloads WL-3, transcripts IM-3/IM-4,
// sidecar requests SC-6), with a hard maximum line length: input is read in chunks of what
// the stream has buffered (at most chunk_bytes), and a line longer than the limit is
// skipped to its end without ever being held in memory, so a 100 MB single line costs one
// chunk, not 100 MB. A chunk never waits for more input than one byte, so an interactive
// client (the sidecar's) gets each line as soon as it is written.

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace clawvm {

class line_reader {
 public:
  enum class status : std::uint8_t {
    line = 0,      // `out` holds the line, without its '\n' (and without a final '\r')
    too_long = 1,  // the line exceeded the limit and was skipped; `out` is empty
    end = 2,       // no more input
  };

  static constexpr std::size_t chunk_bytes = 64U * 1024U;
  // How far a too-long line is skipped looking for its end before the input is given up
  // (abandoned()): /dev/zero or a file without newlines must not be read forever.
  static constexpr std::uint64_t skip_bytes_max_default = 1024ULL * 1024ULL * 1024ULL;

  // `skip_bytes_max`: 0 gives up at the first too-long line (callers for which such a
  // line ends the input anyway).
  line_reader(std::istream& in, std::size_t max_line_bytes, std::uint64_t skip_bytes_max = skip_bytes_max_default);

  status next(std::string& out);
  // 1-based number of the line next() returned last (0 before the first call).
  std::uint64_t line_number() const noexcept { return line_number_; }
  // The line next() returned last ended at end of input without a '\n'.
  bool unterminated() const noexcept { return unterminated_; }
  // Bytes of the line last skipped as too long (at least max_line_bytes + 1).
  std::uint64_t skipped_bytes() const noexcept { return skipped_bytes_; }
  // Bytes of input already read and not yet handed out (perhaps only part of a line:
  // next() may still wait for the rest).
  bool buffered() const noexcept { return begin_ != end_; }
  // Stream failed with something other than end of file (an I/O error).
  bool io_error() const noexcept { return io_error_; }
  // The last too-long line did not end within skip_bytes_max bytes: reading stopped there
  // and next() returns end from now on.
  bool abandoned() const noexcept { return abandoned_; }

 private:
  bool fill();  // false at end of input

  std::istream* in_;
  std::size_t max_line_bytes_;
  std::uint64_t skip_bytes_max_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint64_t line_number_ = 0;
  std::uint64_t skipped_bytes_ = 0;
  bool unterminated_ = false;
  bool eof_ = false;
  bool io_error_ = false;
  bool abandoned_ = false;
};

}  // namespace clawvm
