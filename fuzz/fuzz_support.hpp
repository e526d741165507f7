#pragma once
// Shared by the fuzz targets: a total byte decoder (every byte string decodes to some
// input; reads past the end give zeros, so libFuzzer's mutations never hit a "parse
// error" wall) and the hard abort used when a guarantee is violated.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "clawvm/page.hpp"
#include "clawvm/page_traits.hpp"

namespace clawvm::fuzz {

// Prints the violated guarantee and aborts: libFuzzer saves the input as crash-<sha1>,
// the replayer exits non-zero.
[[noreturn]] inline void fail(std::string_view what) {
  std::fprintf(stderr, "clawvm fuzz: guarantee violated: %.*s\n", static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}
inline void require(bool ok, std::string_view what) {
  if (!ok) fail(what);
}
// For the framework-free checks in properties/*_invariants.hpp (empty string = holds).
inline void require_empty(const std::string& violation) {
  if (!violation.empty()) fail(violation);
}

// Bytes for a failure message: printable ASCII as is, anything else as \xNN; at most
// 160 bytes, then "...".
inline std::string quoted_bytes(std::string_view bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < 160; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out.append("\\x").push_back(hex[c >> 4U]);
      out.push_back(hex[c & 15U]);
    }
  }
  if (bytes.size() > 160) out.append("...");
  return out;
}

class byte_reader {
 public:
  byte_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  bool empty() const noexcept { return pos_ >= size_; }
  std::size_t remaining() const noexcept { return empty() ? 0 : size_ - pos_; }

  std::uint8_t u8() noexcept { return empty() ? std::uint8_t{0} : data_[pos_++]; }
  std::uint16_t u16() noexcept {
    return static_cast<std::uint16_t>(u8() | (static_cast<unsigned>(u8()) << 8U));
  }
  std::uint32_t u32() noexcept { return u16() | (static_cast<std::uint32_t>(u16()) << 16U); }
  std::uint64_t u64() noexcept { return u32() | (static_cast<std::uint64_t>(u32()) << 32U); }
  bool flag() noexcept { return (u8() & 1U) != 0U; }
  // Uniform enough in [0, n) for n <= 256.
  std::uint32_t below(std::size_t n) noexcept {
    return n == 0 ? 0U : static_cast<std::uint32_t>(u8() % n);
  }

  // Up to `max_len` raw bytes, length first (one byte, or two when max_len > 255).
  std::string bytes(std::size_t max_len) {
    const std::size_t want = max_len > 255 ? u16() % (max_len + 1) : u8() % (max_len + 1);
    const std::size_t n = want < remaining() ? want : remaining();
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// "p<n>". Built by appending: g++ 12 -O3 raises a false -Wrestrict on "p" + to_string(n).
inline std::string numbered_id(std::size_t n) {
  std::string id = "p";
  id += std::to_string(n);
  return id;
}

inline level decode_level(byte_reader& r) { return all_levels[r.below(level_count)]; }
inline page_type decode_page_type(byte_reader& r) { return all_page_types[r.below(page_type_count)]; }

inline std::optional<pin_class> decode_pin(byte_reader& r) {
  switch (r.below(4)) {
    case 0: return std::nullopt;
    case 1: return pin_class::none;
    case 2: return pin_class::soft;
    default: return pin_class::hard;
  }
}
inline std::optional<scope> decode_scope(byte_reader& r) {
  switch (r.below(3)) {
    case 0: return std::nullopt;
    case 1: return scope::session;
    default: return scope::project;
  }
}

// A spec that ingest accepts: floor always present, other chain levels by bit, tokens
// strictly increasing up the chain; small or (rarely) huge token counts.
inline page_spec decode_valid_page_spec(byte_reader& r, std::string id, page_type type) {
  page_spec s;
  s.id = std::move(id);
  s.type_name = std::string(to_string(type));
  s.pin = decode_pin(r);
  s.scope = decode_scope(r);
  s.provenance = "call:" + s.id;
  s.recompute_cost = static_cast<double>(r.below(16));
  s.base_utility = static_cast<double>(r.below(10));
  const std::uint8_t presence = r.u8();
  const bool huge = r.below(16) == 0;
  std::uint32_t tokens = huge ? (r.u32() >> 1U) + 1U : 1U + r.below(60);
  const chain& c = chain_of(type);
  for (std::uint8_t i = c.length; i-- > 0;) {
    const bool is_floor = i + 1U == c.length;
    if (!is_floor && (presence & (1U << i)) == 0U) continue;
    s.representations[index_of(c.levels[i])] = representation{s.id, tokens};
    const std::uint32_t step = huge ? (r.u32() >> 4U) + 1U : 1U + r.below(80);
    if (tokens > UINT32_MAX - step) break;  // no higher level: the ladder would overflow
    tokens += step;
  }
  return s;
}

}  // namespace clawvm::fuzz
