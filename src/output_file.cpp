// Output files: include/clawvm/output_file.hpp, spec/cli.md CLI-8.
#include "clawvm/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <streambuf>
#include <utility>
#include <vector>

namespace clawvm {

namespace {

// A streambuf over a file descriptor that remembers the first write error (errno).
class fd_streambuf final : public std::streambuf {
 public:
  explicit fd_streambuf(int fd) : fd_(fd), buffer_(64U * 1024U) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  int error_number() const noexcept { return errno_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n >= static_cast<std::streamsize>(buffer_.size())) {
      if (!drain() || !write_all(s, static_cast<std::size_t>(n))) return 0;
      return n;
    }
    return std::streambuf::xsputn(s, n);
  }

 private:
  bool drain() {
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    const bool ok = write_all(pbase(), n);
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return ok;
  }
  bool write_all(const char* data, std::size_t n) {
    if (errno_ != 0) return false;
    while (n > 0) {
      const ssize_t w = ::write(fd_, data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        errno_ = errno;
        return false;
      }
      data += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }
  int fd_;
  std::vector<char> buffer_;
  int errno_ = 0;
};

// A character device or FIFO (following symlinks): written in place, never renamed over.
bool is_stream_target(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode);
}

std::string describe(const std::filesystem::path& path, std::string_view what, int error_number) {
  std::string out = path.string();
  out += ": ";
  out += what;
  if (error_number != 0) {
    out += ": ";
    out += std::strerror(error_number);
  }
  return out;
}

}  // namespace

struct output_file::impl {
  std::filesystem::path path;
  std::filesystem::path temporary;  // empty: written in place
  int fd = -1;
  std::unique_ptr<fd_streambuf> buffer;
  std::unique_ptr<std::ostream> out;
  std::string error;
  bool committed = false;

  void close_fd() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ~impl() {
    close_fd();
    if (!committed && !temporary.empty()) ::unlink(temporary.c_str());
  }
};

output_file::output_file(std::filesystem::path path, mode m) : impl_(std::make_unique<impl>()) {
  impl& s = *impl_;
  s.path = std::move(path);
  constexpr int flags_common = O_WRONLY | O_CLOEXEC;
  if (is_stream_target(s.path)) {
    s.fd = ::open(s.path.c_str(), flags_common | (m == mode::append ? O_APPEND : 0));
    if (s.fd < 0) s.error = describe(s.path, "cannot open for writing", errno);
  } else if (m == mode::append) {
    s.fd = ::open(s.path.c_str(), flags_common | O_APPEND | O_CREAT | O_NOFOLLOW, 0644);
    if (s.fd < 0) {
      s.error = errno == ELOOP ? describe(s.path, "is a symbolic link: not followed", 0)
                               : describe(s.path, "cannot open for appending", errno);
    }
  } else {
    // The temporary sits beside the final name (same file system: the rename is atomic).
    const auto dir = s.path.has_parent_path() ? s.path.parent_path() : std::filesystem::path(".");
    // Built by appending: g++ 12 at -O3 warns falsely (-Wrestrict) on "." + name + "...".
    std::string name = ".";
    name.append(s.path.filename().string()).append(".XXXXXX");
    std::string pattern = (dir / name).string();
    s.fd = ::mkostemp(pattern.data(), O_CLOEXEC);  // O_EXCL: never an existing file or link
    if (s.fd < 0) {
      s.error = describe(s.path, "cannot create a file beside it", errno);
    } else {
      s.temporary = pattern;
      ::fchmod(s.fd, 0644);
    }
  }
  if (s.fd >= 0) {
    s.buffer = std::make_unique<fd_streambuf>(s.fd);
    s.out = std::make_unique<std::ostream>(s.buffer.get());
  }
}

output_file::output_file(output_file&&) noexcept = default;
output_file& output_file::operator=(output_file&&) noexcept = default;
output_file::~output_file() = default;

bool output_file::is_open() const noexcept { return impl_ && impl_->fd >= 0; }

std::ostream& output_file::stream() { return *impl_->out; }

bool output_file::flush() {
  impl& s = *impl_;
  if (s.fd < 0) return false;
  s.out->flush();
  if (!*s.out) {
    if (s.error.empty()) s.error = describe(s.path, "write failed", s.buffer->error_number());
    return false;
  }
  return true;
}

bool output_file::commit() {
  impl& s = *impl_;
  if (s.committed) return true;
  if (!flush()) return false;
  const int fd = s.fd;
  s.fd = -1;
  if (::close(fd) != 0) {
    s.error = describe(s.path, "write failed at close", errno);
    return false;
  }
  if (!s.temporary.empty() && ::rename(s.temporary.c_str(), s.path.c_str()) != 0) {
    s.error = describe(s.path, "cannot rename the finished file into place", errno);
    return false;
  }
  s.committed = true;
  return true;
}

const std::string& output_file::error() const noexcept { return impl_->error; }
const std::filesystem::path& output_file::path() const noexcept { return impl_->path; }

bool write_file_atomically(const std::filesystem::path& path, std::string_view bytes, std::string& error) {
  output_file file(path);
  if (file.is_open()) {
    file.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (file.commit()) return true;
  }
  error = file.error();
  return false;
}

namespace {

namespace fs = std::filesystem;

std::vector<std::string> files_under(const fs::path& dir, std::error_code& ec) {
  std::vector<std::string> out;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) continue;
    out.push_back(it->path().lexically_relative(dir).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::optional<std::string> prepare_output_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) {
    fs::create_directories(dir, ec);
    if (ec) return dir.string() + ": cannot create the directory: " + ec.message();
    return std::nullopt;
  }
  if (!fs::is_directory(dir, ec)) return dir.string() + ": not a directory";
  const auto present = files_under(dir, ec);
  if (ec) return dir.string() + ": cannot list: " + ec.message();
  if (present.empty()) return std::nullopt;
  // What the previous run listed as its own.
  std::vector<std::string> listed;
  {
    std::ifstream in(dir / output_listing_name, std::ios::binary);
    std::string line;
    while (in && std::getline(in, line) && listed.size() < 1000000U) {
      if (!line.empty() && line.front() != '#') listed.push_back(line);
    }
  }
  std::sort(listed.begin(), listed.end());
  for (const auto& f : present) {
    if (f == output_listing_name || std::binary_search(listed.begin(), listed.end(), f)) continue;
    return dir.string() + ": not empty, and '" + f +
           "' was not written by clawvm (a run's outputs are never mixed with other files): "
           "choose an empty or new directory";
  }
  for (const auto& f : present) {
    if (!fs::remove(dir / f, ec) || ec) return (dir / f).string() + ": cannot remove the previous output: " + ec.message();
  }
  // Sub-directories the previous run made, deepest first, if now empty.
  std::vector<fs::path> dirs;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) dirs.push_back(it->path());
  }
  std::sort(dirs.rbegin(), dirs.rend());
  for (const auto& d : dirs) {
    if (fs::is_empty(d, ec)) fs::remove(d, ec);
  }
  return std::nullopt;
}

std::optional<std::string> seal_output_directory(const fs::path& dir, std::string_view command) {
  std::error_code ec;
  const auto present = files_under(dir, ec);
  if (ec) return dir.string() + ": cannot list: " + ec.message();
  std::string listing = "# files written by `clawvm ";
  listing += command;
  listing += "` (spec/cli.md CLI-9); a later run into this directory replaces them\n";
  for (const auto& f : present) {
    if (f == output_listing_name) continue;
    listing += f;
    listing += '\n';
  }
  std::string error;
  if (!write_file_atomically(dir / output_listing_name, listing, error)) return error;
  return std::nullopt;
}

bool standard_output_ok() noexcept {
  std::cout.flush();
  const bool cxx_ok = static_cast<bool>(std::cout);
  const bool c_ok = std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
  return cxx_ok && c_ok;
}

}  // namespace clawvm
