#pragma once
// SHA-256 (FIPS 180-4) for input checksums in run.json; no crypto library is needed for that.
#include <string>

namespace lc::geo {
std::string sha256_hex(const std::string& data);
std::string sha256_file_hex(const std::string& path);  // "" if unreadable
}  // namespace lc::geo
