#pragma once
// splitmix64 (Steele, Lea, Flood; Vigna's reference): the one copy. It seeds the
// generators' xoshiro256** (GEN-2), draws the conformance kit's differential workloads
// (CF) and the explorer's simulation walks (tla/), so a seed means the same numbers
// in each; the published first output for seed 0 is checked below.

#include <cstdint>

namespace clawvm {

class splitmix64 {
 public:
  constexpr explicit splitmix64(std::uint64_t seed) noexcept : state_(seed) {}
  constexpr std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
  }

 private:
  std::uint64_t state_;
};

static_assert(splitmix64(0).next() == 0xe220a8397b1dcdafULL);

}  // namespace clawvm
