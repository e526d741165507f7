#pragma once
// SHA-256 of outputs for the suite manifest (spec/suite.md SU-4), via OpenSSL.

#include <string>
#include <string_view>

namespace clawvm::eval {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
// Of a file's bytes; throws std::runtime_error naming the file when it cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace clawvm::eval
