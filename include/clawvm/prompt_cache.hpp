#pragma once
// A provider's prompt cache (spec/replay.md RP-10): what it reads, writes and leaves
// uncached of each turn's prompt, and what that costs relative to no cache. Used by
// replay (the engine's assembled prompts, RP-7) and by the no-compaction reference of the
// real-session report (RL-16), so both are billed by the same rules.

#include <cstdint>
#include <string>
#include <vector>

#include "clawvm/page_type.hpp"

namespace clawvm {

// Prices are relative to an uncached input token.
struct prompt_cache_model {
  std::uint32_t min_cacheable_tokens = 1024;
  std::uint32_t ttl_turns = 5;
  double write_price = 1.25;
  double read_price = 0.1;
  friend bool operator==(const prompt_cache_model&, const prompt_cache_model&) = default;
};

// One piece of a prompt (RP-7): a page at a level. Two pieces are equal when id, level,
// content (by hash) and tokens are.
struct prompt_piece {
  std::string page_id;
  level resident = level::none;
  std::uint64_t content_hash = 0;
  std::uint32_t tokens = 0;
  friend bool operator==(const prompt_piece&, const prompt_piece&) = default;
};
using prompt = std::vector<prompt_piece>;

// Tokens of the longest common prefix of whole pieces.
std::uint64_t common_prefix_tokens(const prompt& a, const prompt& b) noexcept;
std::uint64_t tokens_of(const prompt& p) noexcept;

// RP-10's counters, summed over the prompts billed.
struct prompt_cache_counts {
  std::uint64_t prompt_tokens_total = 0;
  std::uint64_t cache_read_tokens = 0;
  std::uint64_t cache_write_tokens = 0;
  std::uint64_t cache_uncached_tokens = 0;
  std::uint64_t prefix_breaks = 0;

  prompt_cache_counts& operator+=(const prompt_cache_counts& other) noexcept {
    prompt_tokens_total += other.prompt_tokens_total;
    cache_read_tokens += other.cache_read_tokens;
    cache_write_tokens += other.cache_write_tokens;
    cache_uncached_tokens += other.cache_uncached_tokens;
    prefix_breaks += other.prefix_breaks;
    return *this;
  }

  // read / total; 0 when nothing was billed.
  double cache_read_share() const noexcept;
  // (read_price × read + write_price × written + uncached) / total; 1 when nothing was billed.
  double relative_cost(const prompt_cache_model& model) const noexcept;
};

// The cache's one entry and the turn counter (RP-10 steps 1-4).
class prompt_cache_meter {
 public:
  explicit prompt_cache_meter(prompt_cache_model model) : model_(model) {}
  // One turn assembly's prompt.
  void bill(const prompt& p);
  const prompt_cache_counts& counts() const noexcept { return counts_; }
  const prompt_cache_model& model() const noexcept { return model_; }

 private:
  prompt_cache_model model_;
  prompt_cache_counts counts_;
  prompt entry_;
  std::uint64_t entry_tokens_ = 0;
  std::uint64_t entry_turn_ = 0;  // 0: no entry
  std::uint64_t turn_ = 0;        // turn assemblies, counted from 1
};

}  // namespace clawvm
