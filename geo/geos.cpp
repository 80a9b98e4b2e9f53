#include "geo/geos.hpp"

#include <cstdarg>
#include <cstdio>
#include <stdexcept>

namespace lc::geo {
namespace {

thread_local std::string t_last_error;

void on_geos_message(const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    t_last_error = buf;
}

struct ThreadContext {
    GEOSContextHandle_t handle;
    ThreadContext() : handle(GEOS_init_r()) {
        GEOSContext_setErrorHandler_r(handle, on_geos_message);
        GEOSContext_setNoticeHandler_r(handle, on_geos_message);
    }
    ~ThreadContext() { GEOS_finish_r(handle); }
};

}  // namespace

GEOSContextHandle_t geos() {
    thread_local ThreadContext ctx;
    return ctx.handle;
}

void GeomDeleter::operator()(GEOSGeometry* g) const noexcept {
    if (g) GEOSGeom_destroy_r(geos(), g);
}
void PreparedDeleter::operator()(const GEOSPreparedGeometry* g) const noexcept {
    if (g) GEOSPreparedGeom_destroy_r(geos(), g);
}

std::string geos_last_error() { return t_last_error; }

GeomPtr make_point(double x, double y) { return GeomPtr(GEOSGeom_createPointFromXY_r(geos(), x, y)); }

double area(const GEOSGeometry* g) {
    double a = 0;
    if (!g || GEOSArea_r(geos(), g, &a) != 1) return 0;
    return a;
}

std::string to_wkt(const GEOSGeometry* g, int decimals) {
    GEOSWKTWriter* w = GEOSWKTWriter_create_r(geos());
    GEOSWKTWriter_setRoundingPrecision_r(geos(), w, decimals);
    GEOSWKTWriter_setTrim_r(geos(), w, 1);
    char* s = GEOSWKTWriter_write_r(geos(), w, g);
    std::string out = s ? s : "";
    GEOSFree_r(geos(), s);
    GEOSWKTWriter_destroy_r(geos(), w);
    return out;
}

GeomPtr from_wkt(const std::string& wkt) {
    GEOSWKTReader* r = GEOSWKTReader_create_r(geos());
    GEOSGeometry* g = GEOSWKTReader_read_r(geos(), r, wkt.c_str());
    GEOSWKTReader_destroy_r(geos(), r);
    if (!g) throw std::runtime_error("invalid WKT: " + geos_last_error());
    return GeomPtr(g);
}

GeomPtr clone(const GEOSGeometry* g) { return GeomPtr(GEOSGeom_clone_r(geos(), g)); }

}  // namespace lc::geo
