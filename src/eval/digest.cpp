#include "clawvm/eval/digest.hpp"

#include <array>
#include <fstream>
#include <stdexcept>

#include <fmt/core.h>
#include <openssl/evp.h>

namespace clawvm::eval {

namespace {
class sha256 {
 public:
  sha256() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw std::runtime_error("sha256: init failed");
  }
  sha256(const sha256&) = delete;
  sha256& operator=(const sha256&) = delete;
  ~sha256() { EVP_MD_CTX_free(ctx_); }
  void add(std::string_view bytes) {
    if (EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1) throw std::runtime_error("sha256: update failed");
  }
  std::string hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_, md.data(), &len) != 1) throw std::runtime_error("sha256: final failed");
    std::string out;
    for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};
}  // namespace

std::string sha256_hex(std::string_view bytes) {
  sha256 h;
  h.add(bytes);
  return h.hex();
}

std::string sha256_file_hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", path));
  sha256 h;
  std::array<char, 65536> buf{};
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.add(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
  return h.hex();
}

}  // namespace clawvm::eval
