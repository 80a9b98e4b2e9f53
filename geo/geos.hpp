#pragma once
// Thin RAII layer over the GEOS C API (the stable, re-entrant interface Debian ships).
// Every thread gets its own context handle; geometries are owned by GeomPtr.
#include <geos_c.h>

#include <memory>
#include <string>

namespace lc::geo {

// The calling thread's GEOS context (created on first use, destroyed at thread exit).
GEOSContextHandle_t geos();

struct GeomDeleter {
    void operator()(GEOSGeometry* g) const noexcept;
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
    void operator()(const GEOSPreparedGeometry* g) const noexcept;
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

// Last error/notice GEOS reported on this thread (empty if none).
std::string geos_last_error();

GeomPtr make_point(double x, double y);
double area(const GEOSGeometry* g);  // planar, in CRS units squared
std::string to_wkt(const GEOSGeometry* g, int decimals = 3);
GeomPtr from_wkt(const std::string& wkt);
GeomPtr clone(const GEOSGeometry* g);

}  // namespace lc::geo
