#pragma once
// Street maps drawn as ASCII (Valhalla gurka style), for tests and examples:
//
//     A---B---C        every letter or digit is a named point on a character grid,
//         |            metres_per_char apart (rows go south). Lines between points are
//         D            drawn only for the reader; roads are given explicitly as ways
//                      ("ABC" = a line through A, B and C).
//
// Lon/lat come from a local mapping around (9.5 E, 47.1 N) that uses the WGS84 radii of
// curvature there, so geodesic lengths match planar ones to ~1e-4 relative over a kilometre;
// tests that need exact lengths use segment_geodesic_m on lonlat() (graph.hpp).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "geo/xy.hpp"
#include "network/graph.hpp"

namespace lc::net::testing {

class AsciiMap {
public:
    AsciiMap(const std::string& drawing, double metres_per_char);

    geo::XY xy(char name) const;      // metric position (throws if the name is not on the map)
    geo::XY lonlat(char name) const;  // WGS84 position
    // A road through the named points, in order.
    LineInput way(const std::string& names, double speed_kmh = 4.0, int oneway = 0, int64_t fid = -1) const;

    static geo::XY to_lonlat(geo::XY metric);  // the local mapping

private:
    std::map<char, geo::XY> points_;
};

// `count` random two-piece lines (three uniform random vertices each) in a square of side
// extent_m metres from the origin, with lon/lat from AsciiMap::to_lonlat: a tangle that only
// Connectivity::noding turns into a network. Same seed, same lines.
std::vector<LineInput> random_crossing_lines(uint32_t seed, int count, double extent_m);

}  // namespace lc::net::testing
