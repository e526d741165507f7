// kill -9 durability of the SQLite store (spec/store.md ST-1; brief §3 "commit at logged
// commit points"). A forked child commits journal records in a loop and reports every
// append that returned ok through a pipe; the parent SIGKILLs it at a pseudo-random
// moment, reopens the store and checks that
//   - every reported seq is there, with exactly the record the workload defines for it
//     (recomputed in the parent from seq and the replayed state, so nothing is trusted
//     from the child), and at most one unreported commit follows (the one whose report
//     the kill cut off);
//   - PRAGMA integrity_check says ok and verify_consistency() finds nothing: no value
//     without its journal row, no committed row whose value was not applied;
//   - the next child resumes at last_seq() + 1.
// Half the kills are timed from the fork (they can land while the child opens the store
// and recovers the WAL), half from the child's first commit of the round.
//
// Seed: CLAWVM_CRASH_SEED in the environment overrides the fixed default; it is printed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_records.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "clawvm/durable_store.hpp"
#include "clawvm/merge_rules.hpp"
#include "clawvm/sqlite_store.hpp"

namespace fs = std::filesystem;
using namespace clawvm;
using steady = std::chrono::steady_clock;

namespace {

constexpr int kill_rounds = 60;
constexpr std::uint32_t default_seed = 20240611U;
constexpr std::int64_t kill_delay_us_max = 30'000;
constexpr auto first_commit_timeout = std::chrono::seconds(10);
// What a child writes instead of a seq when its store failed (it then exits).
constexpr std::uint64_t child_failed_marker = std::numeric_limits<std::uint64_t>::max();

// ---- the workload: the update for each seq, a pure function of seq and the state -------

// Keys rotate every 300 seqs so that appended arrays stay short and commits stay cheap.
update workload_update(std::uint64_t seq, const durable_store& state) {
  const std::string epoch = std::to_string(seq / 300);
  const std::string n = std::to_string(seq);
  update u;
  u.page_id = "page:" + std::to_string(seq % 7);
  u.evidence_ref = "evidence:" + std::to_string(seq % 11);
  switch (seq % 5) {
    case 0:
    case 1:
    case 2: {
      u.field = "notes." + std::to_string(seq % 3) + "." + epoch;
      u.op = journal_op::append;
      // Every 50th note is large, so some transactions span several database pages.
      const std::string text = seq % 50 == 0 ? std::string(3000, 'L') : "note \xE2\x80\x94 " + n;
      u.value_json = R"({"seq":)" + n + R"(,"text":")" + text + R"("})";
      break;
    }
    case 3: {
      // A versioned replace of the plan; every fourth one names a stale version and is
      // rejected (stale_version), so rejected records are crash-tested too.
      u.field = "plan";
      u.scope = clawvm::scope::project;
      u.op = journal_op::set_with_version;
      const auto current = state.find(u.scope, u.field);
      const std::uint64_t version = current ? current->version : 0;
      u.expected_version = (seq / 5) % 4 == 3 ? version + 1 : version;
      u.value_json = R"({"step":)" + n + "}";
      break;
    }
    default: {
      // Merges into a per-epoch object; every third one re-sets "theme" to a new value,
      // which conflicts with the committed one (destructive_op) after the first.
      u.field = "prefs." + epoch;
      u.op = journal_op::merge;
      u.value_json =
          (seq / 5) % 3 == 2 ? R"({"theme":"t)" + n + R"("})" : R"({"k)" + n + R"(":)" + n + "}";
      break;
    }
  }
  return u;
}

// What clawvm::commit records for the workload's update at `seq`.
journal_record workload_record(std::uint64_t seq, const durable_store& state) {
  return clawvm::test::merged_record(state, seq, workload_update(seq, state));
}

// ---- the child --------------------------------------------------------------------------

void write_all(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ::_exit(5);  // the parent is gone
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Commits until killed. Never returns: _exit skips the atexit handlers and stdio buffers
// it inherited from the test runner.
[[noreturn]] void run_child(const std::string& path, int report_fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed parent
  auto opened = sqlite_store::open(path);
  if (auto* error = std::get_if<store_error>(&opened)) {
    std::fprintf(stderr, "crash child: %s\n", error->message.c_str());
    write_all(report_fd, &child_failed_marker, sizeof child_failed_marker);
    ::_exit(3);
  }
  auto& store = *std::get<std::unique_ptr<sqlite_store>>(opened);
  for (std::uint64_t seq = store.last_seq() + 1;; ++seq) {
    if (store.append(workload_record(seq, store)) != reason_code::ok) {
      std::fprintf(stderr, "crash child: %s\n", store.last_error().c_str());
      write_all(report_fd, &child_failed_marker, sizeof child_failed_marker);
      ::_exit(4);
    }
    // Reported only after append returned ok: from here on the record must survive.
    write_all(report_fd, &seq, sizeof seq);
  }
}

// ---- the parent's side ------------------------------------------------------------------

// SIGKILLs and reaps the child if a failed assertion leaves the round early.
class child_process {
 public:
  explicit child_process(pid_t pid) noexcept : pid_(pid) {}
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int ignored = 0;
      ::waitpid(pid_, &ignored, 0);
    }
  }
  // Kills the child and returns its wait status.
  int kill_and_reap() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

class fd_closer {
 public:
  explicit fd_closer(int fd) noexcept : fd_(fd) {}
  fd_closer(const fd_closer&) = delete;
  fd_closer& operator=(const fd_closer&) = delete;
  ~fd_closer() { ::close(fd_); }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// Collects the seqs a child reports.
class report_reader {
 public:
  explicit report_reader(int fd) noexcept : fd_(fd) {}

  // Reads what arrives before `until` (or returns at once on end of file).
  void pump_until(steady::time_point until) {
    while (!eof_) {
      const auto now = steady::now();
      if (now >= until) {
        pump(std::chrono::nanoseconds(0));
        return;
      }
      pump(until - now);
    }
  }
  void pump_to_eof() {
    while (!eof_) pump(std::chrono::seconds(5));
  }
  const std::vector<std::uint64_t>& seqs() const noexcept { return seqs_; }
  bool eof() const noexcept { return eof_; }

 private:
  void pump(std::chrono::nanoseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(wait);
    const timespec timeout{static_cast<time_t>(secs.count()),
                           static_cast<long>((wait - secs).count())};
    const int ready = ::ppoll(&p, 1, &timeout, nullptr);
    if (ready <= 0) return;  // timed out (or EINTR: the caller loops)
    char buffer[4096];
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) {
      eof_ = true;
      return;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
    while (pending_.size() >= sizeof(std::uint64_t)) {
      std::uint64_t seq = 0;
      std::memcpy(&seq, pending_.data(), sizeof seq);
      pending_.erase(0, sizeof seq);
      seqs_.push_back(seq);
    }
  }

  int fd_;
  bool eof_ = false;
  std::string pending_;
  std::vector<std::uint64_t> seqs_;
};

class scratch_dir {
 public:
  scratch_dir() {
    std::random_device entropy;
    path_ = fs::temp_directory_path() /
            ("clawvm-store-crash-" + std::to_string(::getpid()) + "-" + std::to_string(entropy()));
    fs::create_directories(path_);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  ~scratch_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

std::uint32_t crash_seed() {
  if (const char* text = std::getenv("CLAWVM_CRASH_SEED")) {
    return static_cast<std::uint32_t>(std::strtoul(text, nullptr, 10));
  }
  return default_seed;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  return "wait status " + std::to_string(status);
}

}  // namespace

TEST_CASE("committed records survive kill -9 at random moments", "[store][crash]") {
  const std::uint32_t seed = crash_seed();
  std::cout << "store_crash_test: seed " << seed << " (set CLAWVM_CRASH_SEED to replay), "
            << kill_rounds << " kills" << std::endl;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::int64_t> delay_us(0, kill_delay_us_max);
  std::bernoulli_distribution timed_from_first_commit(0.5);

  const scratch_dir dir;
  const std::string path = (dir.path() / "project.clawvm").string();

  // The parent's model: the same workload replayed on the in-memory state.
  memory_store model;
  std::set<std::pair<clawvm::scope, std::string>> keys;
  std::uint64_t last_seq = 0;
  int rounds_with_progress = 0;
  int rounds_with_unreported_commit = 0;
  const auto started = steady::now();

  for (int round = 0; round < kill_rounds; ++round) {
    INFO("round " << round << ", seed " << seed);
    const bool from_first_commit = timed_from_first_commit(rng);
    const auto delay = std::chrono::microseconds(delay_us(rng));

    int fds[2] = {-1, -1};
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    std::cout.flush();
    std::cerr.flush();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      run_child(path, fds[1]);
    }
    const auto forked = steady::now();
    child_process child(pid);
    ::close(fds[1]);
    const fd_closer read_end(fds[0]);
    report_reader reports(read_end.get());

    steady::time_point kill_at = forked + delay;
    if (from_first_commit) {
      const auto give_up = forked + first_commit_timeout;
      while (reports.seqs().empty() && !reports.eof() && steady::now() < give_up) {
        reports.pump_until(std::min(give_up, steady::now() + std::chrono::milliseconds(50)));
      }
      REQUIRE_FALSE(reports.seqs().empty());
      kill_at = steady::now() + delay;
    }
    reports.pump_until(kill_at);
    // The child never stops on its own: end of file before the kill means it failed.
    const bool ran_until_killed = !reports.eof();
    const int status = child.kill_and_reap();
    reports.pump_to_eof();
    INFO("child " << describe_status(status));
    REQUIRE(ran_until_killed);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);

    // The child resumed at last_seq + 1 and reported consecutive seqs.
    const auto& reported = reports.seqs();
    for (std::size_t i = 0; i < reported.size(); ++i) {
      REQUIRE(reported[i] != child_failed_marker);
      REQUIRE(reported[i] == last_seq + 1 + i);
    }
    const std::uint64_t reported_last = reported.empty() ? last_seq : reported.back();
    if (!reported.empty()) ++rounds_with_progress;

    // Reopen after the kill: recovery of the WAL the child left behind.
    auto opened = sqlite_store::open(path);
    if (auto* error = std::get_if<store_error>(&opened)) FAIL("reopen failed: " << error->message);
    auto& store = *std::get<std::unique_ptr<sqlite_store>>(opened);
    const std::uint64_t recovered = store.last_seq();
    INFO("reported up to seq " << reported_last << ", store holds up to seq " << recovered);
    REQUIRE(recovered >= reported_last);      // every acknowledged commit survived
    REQUIRE(recovered <= reported_last + 1);  // and nothing the child did not attempt
    if (recovered == reported_last + 1) ++rounds_with_unreported_commit;

    const auto problems = store.verify_consistency();
    for (const auto& p : problems) UNSCOPED_INFO(p);
    REQUIRE(problems.empty());
    const auto integrity = store.integrity_problems();
    for (const auto& p : integrity) UNSCOPED_INFO(p);
    REQUIRE(integrity.empty());

    // Every record, old and new, is exactly the workload's record for its seq.
    for (std::uint64_t seq = model.last_seq() + 1; seq <= recovered; ++seq) {
      const journal_record rec = workload_record(seq, model);
      keys.insert({rec.staged.scope, rec.staged.field});
      REQUIRE(model.append(rec) == reason_code::ok);
    }
    const auto stored = store.records();
    REQUIRE(stored.size() == recovered);
    const auto expected = model.records();
    for (std::size_t i = 0; i < stored.size(); ++i) {
      if (!(stored[i] == expected[i]))
        FAIL("journal differs from the workload at seq " << expected[i].seq);
    }
    for (const auto& [s, field] : keys) {
      INFO("key " << field);
      REQUIRE(store.find(s, field) == model.find(s, field));
    }
    last_seq = recovered;
  }

  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started).count();
  const auto all = model.records();
  const auto rejected = std::count_if(all.begin(), all.end(), [](const journal_record& r) {
    return r.phase == journal_phase::rejected;
  });
  std::cout << "store_crash_test: " << kill_rounds << " kills in " << elapsed_ms << " ms, "
            << last_seq << " records (" << rejected << " rejected), progress in "
            << rounds_with_progress << " rounds, a commit cut off before its report in "
            << rounds_with_unreported_commit << " rounds" << std::endl;

  // The kills landed while the child was working: it made progress in most rounds and the
  // journal grew well beyond one record per round.
  CHECK(rounds_with_progress >= kill_rounds / 2);
  CHECK(last_seq >= static_cast<std::uint64_t>(2 * kill_rounds));
  CHECK(rejected > 0);
}
