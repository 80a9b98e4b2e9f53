#pragma once
// Shared by open_layer.cpp and layer.cpp (not part of geo's interface).
#include <string>

namespace lc::geo {

// GDAL's last message on this thread (collected instead of printed), then cleared.
std::string gdal_last();
// Throws InputError naming file, layer and field.
[[noreturn]] void fail(const std::string& file, const std::string& layer, const std::string& code, const std::string& text,
                       const std::string& field = "");

}  // namespace lc::geo
