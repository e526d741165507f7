#pragma once
// Runs the `clawvm` binary as a child process for the hostile-input tests: stdin from a
// file (or /dev/null), stdout and stderr captured, optional limits set in the child before
// exec (a file-size limit stands in for a full disk without mounting anything).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace clawvm::test {

struct cli_result {
  int status = -1;   // exit code, or 128 + signal
  std::string out;   // stdout
  std::string err;   // stderr
  bool signalled() const { return status > 128; }
};

struct cli_run {
  std::vector<std::string> args;        // after the program name
  std::string stdin_path = "/dev/null";
  std::string stdout_path;              // empty: captured into cli_result::out
  long file_size_limit_bytes = -1;      // RLIMIT_FSIZE in the child; -1: none
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline cli_result run_cli(const std::string& program, const cli_run& run, const std::filesystem::path& scratch) {
  const auto out_file = scratch / "child.stdout";
  const auto err_file = scratch / "child.stderr";
  const std::string out_target = run.stdout_path.empty() ? out_file.string() : run.stdout_path;
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open(run.stdin_path.c_str(), O_RDONLY);
    const int out = ::open(out_target.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) ::_exit(125);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (run.file_size_limit_bytes >= 0) {
      // A write past the limit fails with EFBIG instead of killing the process.
      std::signal(SIGXFSZ, SIG_IGN);
      const rlimit limit{static_cast<rlim_t>(run.file_size_limit_bytes), static_cast<rlim_t>(run.file_size_limit_bytes)};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : run.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(126);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  cli_result r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (run.stdout_path.empty()) r.out = slurp(out_file);
  r.err = slurp(err_file);
  return r;
}

}  // namespace clawvm::test
