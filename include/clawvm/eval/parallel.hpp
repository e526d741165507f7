#pragma once
// Deterministic parallel map (spec/suite.md SU-5): `--jobs N` runs configurations
// on N threads, but each result lands in the slot of its input, so the output is the
// same bytes for every N. Nothing here is shared between tasks except the result slots.

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace clawvm::eval {

// Calls fn(i) for i in [0, n) on up to `jobs` threads and returns the results in index
// order. `on_done(done, n)` (optional) is called after each task, under a lock, for
// progress lines. The first exception thrown by a task is rethrown after all threads join.
template <class Result>
std::vector<Result> parallel_map(std::size_t n, unsigned jobs, const std::function<Result(std::size_t)>& fn,
                                 const std::function<void(std::size_t, std::size_t)>& on_done = {}) {
  std::vector<Result> out(n);
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex mu;
  std::exception_ptr failure;
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        out[i] = fn(i);
      } catch (...) {
        const std::lock_guard lock(mu);
        if (!failure) failure = std::current_exception();
      }
      const std::lock_guard lock(mu);
      ++done;
      if (on_done) on_done(done, n);
    }
  };
  const unsigned threads = jobs == 0 ? 1U : jobs;
  if (threads == 1 || n <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads && t < n; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace clawvm::eval
