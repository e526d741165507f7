#pragma once
// FNV-1a, 64 bits: the one byte hash of the project. The residency digest of the
// decision trace (DT-4) and the prompt fingerprint of replay (RP-6) publish its values,
// and the importers use it for content identity, so every copy must agree: there is one.

#include <cstdint>
#include <string_view>

namespace clawvm {

inline constexpr std::uint64_t fnv1a64_offset_basis = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t fnv1a64_prime = 0x100000001b3ULL;

// Incremental: mix() pieces in order; value() is the hash of their concatenation.
class fnv1a64_hasher {
 public:
  constexpr void mix(std::string_view bytes) noexcept {
    for (const char c : bytes) {
      hash_ ^= static_cast<std::uint8_t>(c);
      hash_ *= fnv1a64_prime;
    }
  }
  constexpr std::uint64_t value() const noexcept { return hash_; }

 private:
  std::uint64_t hash_ = fnv1a64_offset_basis;
};

constexpr std::uint64_t fnv1a64(std::string_view bytes) noexcept {
  fnv1a64_hasher h;
  h.mix(bytes);
  return h.value();
}

// The published test vectors of FNV-1a 64 (Fowler, Noll, Vo).
static_assert(fnv1a64("") == 0xcbf29ce484222325ULL);
static_assert(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
static_assert(fnv1a64("foobar") == 0x85944171f73967e8ULL);

}  // namespace clawvm
