#pragma once
// Every file clawvm writes goes through here (spec/cli.md CLI-8), so that
//   - a reader never sees a half-written file under its final name: a regular output is
//     written to a temporary sibling (created with O_EXCL, so a planted symlink there is
//     never followed) and renamed over the final name only when every byte was written;
//     the rename replaces a symlink planted at the final name instead of writing through it;
//   - a failed write (a full disk, /dev/full, a closed pipe) is reported, never ignored;
//   - streams that cannot be renamed over (a character device such as /dev/stdout or
//     /dev/null, a FIFO) are written in place.

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace clawvm {

class output_file {
 public:
  enum class mode : unsigned char {
    replace = 0,  // the file's bytes are exactly this run's (temporary + rename)
    append = 1,   // appended in place (a restarted sidecar's trace); a symlink is refused
  };

  // Opens `path` for writing; on failure stream() is not usable and error() says why.
  explicit output_file(std::filesystem::path path, mode m = mode::replace);
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  output_file(output_file&&) noexcept;
  output_file& operator=(output_file&&) noexcept;
  // Removes the temporary when commit() was not reached: nothing half-written stays.
  ~output_file();

  bool is_open() const noexcept;
  std::ostream& stream();
  // Pushes buffered bytes to the file; false (and error()) when the write failed.
  bool flush();
  // Flushes, closes and (replace mode) renames into place. False, with error(), when any
  // write failed: then the final name is left as it was.
  bool commit();
  // "PATH: cannot write: No space left on device".
  const std::string& error() const noexcept;
  const std::filesystem::path& path() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The whole of `bytes` as the file `path` (replace mode); false and `error` on failure.
bool write_file_atomically(const std::filesystem::path& path, std::string_view bytes, std::string& error);

// ---- output directories of the report commands (CLI-9) ----
// The file in an --out directory that lists what the last clawvm run wrote there.
inline constexpr std::string_view output_listing_name = ".clawvm-outputs";

// Makes `dir` ready for a run: created if missing; if it holds files, they must all be
// listed in its .clawvm-outputs (a previous run's outputs), and are then removed, so a
// run's files are never mixed with another's. Returns the problem otherwise ("DIR holds
// 'x.txt', which clawvm did not write ..."), and then changes nothing.
std::optional<std::string> prepare_output_directory(const std::filesystem::path& dir);
// Lists every file now under `dir` in its .clawvm-outputs (sorted, relative paths).
std::optional<std::string> seal_output_directory(const std::filesystem::path& dir, std::string_view command);

// Standard output was written completely (flushes both C and C++ streams); false when a
// write failed (CLI-4: the command then exits 2).
bool standard_output_ok() noexcept;

}  // namespace clawvm
