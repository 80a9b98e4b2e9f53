#pragma once
// Plain planar coordinate in the study's metric CRS (metres, x = easting, y = northing).
namespace lc::geo {
struct XY {
    double x = 0;
    double y = 0;
};
}  // namespace lc::geo
