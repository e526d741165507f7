#pragma once
// The system under test as a process (spec/conformance.md CF-1, CF-3): started with
// /bin/sh -c, one request line in, one response line out, each within a time limit.
// Crashes, hangs and malformed lines are outcomes here, never exceptions.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clawvm::conform {

// CF-5 error kinds.
enum class sut_error : std::uint8_t { none = 0, start = 1, handshake = 2, crash = 3, timeout = 4, malformed = 5 };
constexpr std::string_view to_string(sut_error e) noexcept {
  switch (e) {
    case sut_error::none: return "none";
    case sut_error::start: return "start";
    case sut_error::handshake: return "handshake";
    case sut_error::crash: return "crash";
    case sut_error::timeout: return "timeout";
    case sut_error::malformed: return "malformed";
  }
  return "?";
}

// `{policy}` and `{budget}` in `command` replaced (CF-1).
std::string sut_command(std::string_view command, std::string_view policy, std::uint32_t tokens_budget);

class sut_process {
 public:
  // Starts `/bin/sh -c command`; check error() for sut_error::start.
  explicit sut_process(const std::string& command);
  sut_process(const sut_process&) = delete;
  sut_process& operator=(const sut_process&) = delete;
  ~sut_process();

  // Writes `request` and a newline, then reads one response line within `limit`. On
  // failure returns nullopt and error() says how (crash or timeout).
  std::optional<std::string> exchange(std::string_view request, std::chrono::milliseconds limit);
  // Closes stdin, waits up to a second for the exit, then kills.
  void finish();

  sut_error error() const noexcept { return error_; }
  const std::string& error_detail() const noexcept { return detail_; }
  // The last 2 KiB the SUT wrote on stderr (CF-1).
  std::string stderr_tail();

 private:
  bool read_line(std::string& line, std::chrono::steady_clock::time_point deadline);
  void drain_stderr();
  int pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  int err_child_ = -1;
  std::string buffer_;
  std::string err_tail_;
  sut_error error_ = sut_error::none;
  std::string detail_;
};

}  // namespace clawvm::conform
