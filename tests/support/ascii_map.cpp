#include "tests/support/ascii_map.hpp"

#include <cctype>
#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>

namespace lc::net::testing {

AsciiMap::AsciiMap(const std::string& drawing, double m) {
    int row = 0, col = 0;
    size_t i = 0;
    if (!drawing.empty() && drawing[0] == '\n') i = 1;  // allow R"( on its own line
    for (; i < drawing.size(); ++i) {
        const char c = drawing[i];
        if (c == '\n') {
            ++row;
            col = 0;
            continue;
        }
        if (std::isalnum(static_cast<unsigned char>(c))) {
            if (points_.count(c)) throw std::invalid_argument(std::string("ASCII map: point drawn twice: ") + c);
            points_[c] = {col * m, -row * m};
        }
        ++col;
    }
}

geo::XY AsciiMap::xy(char name) const {
    auto it = points_.find(name);
    if (it == points_.end()) throw std::invalid_argument(std::string("ASCII map: no point ") + name);
    return it->second;
}

geo::XY AsciiMap::to_lonlat(geo::XY p) {
    constexpr double lon0 = 9.5, lat0 = 47.1, a = 6378137.0, f = 1 / 298.257223563;
    const double e2 = f * (2 - f), phi = lat0 * std::numbers::pi / 180, s = std::sin(phi);
    const double w = 1 - e2 * s * s;
    const double M = a * (1 - e2) / (w * std::sqrt(w)), N = a / std::sqrt(w);  // meridian / normal radii
    const double deg = 180 / std::numbers::pi;
    return {lon0 + p.x / (N * std::cos(phi)) * deg, lat0 + p.y / M * deg};
}

geo::XY AsciiMap::lonlat(char name) const { return to_lonlat(xy(name)); }

LineInput AsciiMap::way(const std::string& names, double speed_kmh, int oneway, int64_t fid) const {
    LineInput l;
    for (char c : names) {
        l.xy.push_back(xy(c));
        l.lonlat.push_back(lonlat(c));
    }
    l.speed_kmh = speed_kmh;
    l.oneway = oneway;
    l.source_fid = fid;
    return l;
}

std::vector<LineInput> random_crossing_lines(uint32_t seed, int count, double extent_m) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, extent_m);
    std::vector<LineInput> lines;
    for (int i = 0; i < count; ++i) {
        LineInput l;
        l.xy = {{u(rng), u(rng)}, {u(rng), u(rng)}, {u(rng), u(rng)}};  // braced list: evaluated in order
        for (geo::XY p : l.xy) l.lonlat.push_back(AsciiMap::to_lonlat(p));
        lines.push_back(l);
    }
    return lines;
}

}  // namespace lc::net::testing
