#pragma once
// SHA-256 (FIPS 180-4) for input checksums in run.json, by OpenSSL's libcrypto (which uses the
// CPU's SHA instructions where there are any: ~1.5 GB/s instead of ~0.2 GB/s in plain C++).
#include <string>

namespace lc::base {
std::string sha256_hex(const std::string& data);
std::string sha256_file_hex(const std::string& path);  // "" if unreadable
}  // namespace lc::base
