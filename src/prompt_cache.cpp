// A provider's prompt cache: spec/replay.md RP-10.
#include "clawvm/prompt_cache.hpp"

namespace clawvm {

std::uint64_t common_prefix_tokens(const prompt& a, const prompt& b) noexcept {
  std::uint64_t tokens = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size() && a[i] == b[i]; ++i) tokens += a[i].tokens;
  return tokens;
}

std::uint64_t tokens_of(const prompt& p) noexcept {
  std::uint64_t tokens = 0;
  for (const auto& piece : p) tokens += piece.tokens;
  return tokens;
}

double prompt_cache_counts::cache_read_share() const noexcept {
  return prompt_tokens_total == 0 ? 0.0
                                  : static_cast<double>(cache_read_tokens) / static_cast<double>(prompt_tokens_total);
}

double prompt_cache_counts::relative_cost(const prompt_cache_model& model) const noexcept {
  if (prompt_tokens_total == 0) return 1.0;
  return (model.read_price * static_cast<double>(cache_read_tokens) +
          model.write_price * static_cast<double>(cache_write_tokens) + static_cast<double>(cache_uncached_tokens)) /
         static_cast<double>(prompt_tokens_total);
}

void prompt_cache_meter::bill(const prompt& p) {
  const std::uint64_t prompt_tokens = tokens_of(p);
  ++turn_;
  const bool alive = entry_turn_ != 0 && turn_ - entry_turn_ <= model_.ttl_turns;
  std::uint64_t read = alive ? common_prefix_tokens(p, entry_) : 0;
  // A break: the entry was alive and something in it was rewritten.
  if (alive && read < entry_tokens_) ++counts_.prefix_breaks;
  if (read < model_.min_cacheable_tokens) read = 0;
  counts_.cache_read_tokens += read;
  counts_.prompt_tokens_total += prompt_tokens;
  if (prompt_tokens >= model_.min_cacheable_tokens) {
    counts_.cache_write_tokens += prompt_tokens - read;
    entry_ = p;
    entry_tokens_ = prompt_tokens;
    entry_turn_ = turn_;
  } else {
    counts_.cache_uncached_tokens += prompt_tokens - read;
    if (read > 0) entry_turn_ = turn_;
  }
}

}  // namespace clawvm
