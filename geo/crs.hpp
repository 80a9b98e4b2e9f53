#pragma once
// Coordinate reference systems: reading them, the Chinese web-map datums PROJ does not know
// (GCJ-02, BD-09), and the one metric CRS every measurement happens in.
#include <memory>
#include <string>

#include "geo/xy.hpp"

class OGRSpatialReference;
class OGRCoordinateTransformation;

namespace lc::geo {

// --- GCJ-02 / BD-09 (published closed forms; inverses solved iteratively) ---
bool outside_china(double lon, double lat);  // GCJ-02 equals WGS84 there, as the standard defines
void wgs84_to_gcj02(double lon, double lat, double& out_lon, double& out_lat);
void gcj02_to_wgs84(double lon, double lat, double& out_lon, double& out_lat);
void gcj02_to_bd09(double lon, double lat, double& out_lon, double& out_lat);
void bd09_to_gcj02(double lon, double lat, double& out_lon, double& out_lat);
void wgs84_to_bd09(double lon, double lat, double& out_lon, double& out_lat);
void bd09_to_wgs84(double lon, double lat, double& out_lon, double& out_lat);

// Metric CRS for a study centred at (lon, lat) in WGS84: inside China the CGCS2000 3-degree
// Gauss-Krüger zone (EPSG:4534..4554, CM 75..135 E), elsewhere the WGS84 UTM zone.
int auto_metric_epsg(double lon, double lat);

// A source CRS as the user or the data names it: "EPSG:4326", WKT, PROJ string, or the
// pseudo-CRS names "GCJ02"/"BD09" (geographic lon/lat on those shifted datums).
struct CrsSpec {
    enum class Datum { ogc, gcj02, bd09 };
    Datum datum = Datum::ogc;
    std::string definition;  // for ogc: what OGRSpatialReference::SetFromUserInput accepts
    std::string describe() const;
    static CrsSpec parse(const std::string& text);  // throws std::runtime_error on unknown CRS
};

// Transforms coordinates from a source CRS to the metric CRS and back to WGS84 lon/lat.
// Axis order is always the traditional GIS order (x = easting/lon, y = northing/lat).
class Reprojector {
public:
    // source_wkt: the CRS as read from the data or the project (ogc datum), or empty with
    // spec.datum gcj02/bd09.
    Reprojector(const CrsSpec& source, int metric_epsg);
    ~Reprojector();
    Reprojector(const Reprojector&) = delete;
    Reprojector& operator=(const Reprojector&) = delete;
    // An independent copy for another thread (a Reprojector must not be used by two threads
    // at once); much cheaper than constructing a new one.
    std::unique_ptr<Reprojector> clone() const;

    // Source coordinates -> metric, in place. Returns false for points that cannot be
    // transformed (the caller reports them).
    bool to_metric(double* x, double* y, std::size_t n) const;
    // Source coordinates -> WGS84 lon/lat, in place.
    bool to_wgs84(double* x, double* y, std::size_t n) const;
    // Metric -> WGS84 lon/lat, in place.
    bool metric_to_wgs84(double* x, double* y, std::size_t n) const;

    // An OGR transformation usable with OGRGeometry::transform (source -> metric).
    OGRCoordinateTransformation* ogr_to_metric() const;
    int metric_epsg() const { return metric_epsg_; }
    // The source already is WGS84 lon/lat (to_wgs84 would change nothing).
    bool source_is_wgs84() const;

private:
    struct CloneTag {};
    Reprojector(const Reprojector&, CloneTag);
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int metric_epsg_;
};

// A new OGRSpatialReference for an EPSG code in traditional GIS axis order (caller owns it,
// release with ->Release()).
// Codes make_srs() takes besides EPSG codes: the Chinese web-map "datums". They are WGS 84
// lon/lat shifted by a published formula, not a datum PROJ knows, so outputs in them carry a CRS
// of their own name (no EPSG authority): overlaid with WGS 84 data they must never pass for it.
inline constexpr int kGcj02Srs = -2, kBd09Srs = -3;
OGRSpatialReference* make_srs(int epsg);

}  // namespace lc::geo
