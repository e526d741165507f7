// The system under test as a process: spec/conformance.md CF-1, CF-3, CF-5.
#include "clawvm/conform/sut.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "clawvm/workload.hpp"

extern char** environ;

namespace clawvm::conform {

namespace {

constexpr std::size_t stderr_tail_bytes = 2048;
constexpr std::size_t response_bytes_max = workload_line_bytes_max;

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size())) {
    s.replace(at, what.size(), with);
  }
}

}  // namespace

std::string sut_command(std::string_view command, std::string_view policy, std::uint32_t tokens_budget) {
  std::string out(command);
  replace_all(out, "{policy}", policy);
  replace_all(out, "{budget}", std::to_string(tokens_budget));
  return out;
}

sut_process::sut_process(const std::string& command) {
  int in_pipe[2];
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    error_ = sut_error::start;
    detail_ = std::string("pipe: ") + std::strerror(errno);
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  // Its own process group: a hung SUT is killed with everything the shell started.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char*> args{const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), const_cast<char*>(command.c_str()), nullptr};
  const int rc = ::posix_spawn(&pid_, "/bin/sh", &actions, &attributes, args.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  to_child_ = in_pipe[1];
  from_child_ = out_pipe[0];
  err_child_ = err_pipe[0];
  if (rc != 0) {
    pid_ = -1;
    error_ = sut_error::start;
    detail_ = std::string("posix_spawn /bin/sh: ") + std::strerror(rc);
  }
}

sut_process::~sut_process() {
  finish();
  for (int fd : {to_child_, from_child_, err_child_}) {
    if (fd >= 0) ::close(fd);
  }
}

void sut_process::drain_stderr() {
  if (err_child_ < 0) return;
  char chunk[4096];
  for (;;) {
    pollfd p{err_child_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0 || (p.revents & (POLLIN | POLLHUP)) == 0) return;
    const ssize_t n = ::read(err_child_, chunk, sizeof chunk);
    if (n <= 0) {
      ::close(err_child_);
      err_child_ = -1;
      return;
    }
    err_tail_.append(chunk, static_cast<std::size_t>(n));
    if (err_tail_.size() > 2 * stderr_tail_bytes) err_tail_.erase(0, err_tail_.size() - stderr_tail_bytes);
  }
}

std::string sut_process::stderr_tail() {
  drain_stderr();
  return err_tail_.size() > stderr_tail_bytes ? err_tail_.substr(err_tail_.size() - stderr_tail_bytes) : err_tail_;
}

bool sut_process::read_line(std::string& line, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
      line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return true;
    }
    if (buffer_.size() > response_bytes_max) {
      error_ = sut_error::malformed;
      detail_ = "a response line longer than 16 MiB";
      return false;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      error_ = sut_error::timeout;
      detail_ = "no response within the time limit";
      return false;
    }
    // Watch stderr too, so a chatty SUT cannot block on a full stderr pipe.
    pollfd fds[2] = {{from_child_, POLLIN, 0}, {err_child_, POLLIN, 0}};
    const int ready = ::poll(fds, err_child_ >= 0 ? 2 : 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) {
      error_ = sut_error::crash;
      detail_ = std::string("poll: ") + std::strerror(errno);
      return false;
    }
    if (err_child_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) != 0) drain_stderr();
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    char chunk[65536];
    const ssize_t n = ::read(from_child_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = sut_error::crash;
      detail_ = "standard output closed before the response (the process exited or crashed)";
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<std::string> sut_process::exchange(std::string_view request, std::chrono::milliseconds limit) {
  if (error_ != sut_error::none || to_child_ < 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string bytes(request);
  bytes.push_back('\n');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(to_child_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = sut_error::crash;
      detail_ = "cannot write the request: standard input closed (the process exited or crashed)";
      return std::nullopt;
    }
    done += static_cast<std::size_t>(n);
  }
  std::string line;
  if (!read_line(line, deadline)) return std::nullopt;
  return line;
}

void sut_process::finish() {
  if (to_child_ >= 0) {
    ::close(to_child_);
    to_child_ = -1;
  }
  if (pid_ <= 0) return;
  int status = 0;
  // A hung SUT gets no grace period.
  for (int i = 0; error_ != sut_error::timeout && i < 100; ++i) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || done < 0) {
      pid_ = -1;
      return;
    }
    drain_stderr();
    ::usleep(10000);
  }
  ::kill(-pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace clawvm::conform
