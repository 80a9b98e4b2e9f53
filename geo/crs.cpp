#include "geo/crs.hpp"
#include "base/error.hpp"

#include <ogr_spatialref.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace lc::geo {

// ---------------------------------------------------------------------------------------------
// GCJ-02 ("Mars coordinates") and BD-09: the widely published closed forms of the forward
// transformations. Neither has a closed inverse, so inverses are solved by fixed-point
// iteration of the forward map, which converges to far below a millimetre in a few steps.
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kKrasovskyA = 6378245.0;              // semi-major axis used by GCJ-02
constexpr double kKrasovskyEE = 0.00669342162296594323;  // its first eccentricity squared
constexpr double kBdXPi = kPi * 3000.0 / 180.0;

double gcj_dlat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
    return r;
}

double gcj_dlon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
    return r;
}

// Inverts a forward map f by iterating x <- x - (f(x) - target).
template <class Forward>
void invert(Forward f, double lon, double lat, double& out_lon, double& out_lat) {
    double x = lon, y = lat;
    for (int i = 0; i < 30; ++i) {
        double fx, fy;
        f(x, y, fx, fy);
        double dx = fx - lon, dy = fy - lat;
        x -= dx;
        y -= dy;
        if (std::fabs(dx) < 1e-12 && std::fabs(dy) < 1e-12) break;
    }
    out_lon = x;
    out_lat = y;
}

}  // namespace

bool outside_china(double lon, double lat) {
    // The bounding box the GCJ-02 reference implementation uses.
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

void wgs84_to_gcj02(double lon, double lat, double& out_lon, double& out_lat) {
    if (outside_china(lon, lat)) {
        out_lon = lon;
        out_lat = lat;
        return;
    }
    double dlat = gcj_dlat(lon - 105.0, lat - 35.0);
    double dlon = gcj_dlon(lon - 105.0, lat - 35.0);
    double radlat = lat / 180.0 * kPi;
    double magic = std::sin(radlat);
    magic = 1 - kKrasovskyEE * magic * magic;
    double sqrtmagic = std::sqrt(magic);
    dlat = (dlat * 180.0) / ((kKrasovskyA * (1 - kKrasovskyEE)) / (magic * sqrtmagic) * kPi);
    dlon = (dlon * 180.0) / (kKrasovskyA / sqrtmagic * std::cos(radlat) * kPi);
    out_lat = lat + dlat;
    out_lon = lon + dlon;
}

void gcj02_to_wgs84(double lon, double lat, double& out_lon, double& out_lat) {
    if (outside_china(lon, lat)) {
        out_lon = lon;
        out_lat = lat;
        return;
    }
    invert(wgs84_to_gcj02, lon, lat, out_lon, out_lat);
}

void gcj02_to_bd09(double lon, double lat, double& out_lon, double& out_lat) {
    double z = std::sqrt(lon * lon + lat * lat) + 0.00002 * std::sin(lat * kBdXPi);
    double theta = std::atan2(lat, lon) + 0.000003 * std::cos(lon * kBdXPi);
    out_lon = z * std::cos(theta) + 0.0065;
    out_lat = z * std::sin(theta) + 0.006;
}

void bd09_to_gcj02(double lon, double lat, double& out_lon, double& out_lat) {
    invert(gcj02_to_bd09, lon, lat, out_lon, out_lat);
}

void wgs84_to_bd09(double lon, double lat, double& out_lon, double& out_lat) {
    double glon, glat;
    wgs84_to_gcj02(lon, lat, glon, glat);
    gcj02_to_bd09(glon, glat, out_lon, out_lat);
}

void bd09_to_wgs84(double lon, double lat, double& out_lon, double& out_lat) {
    double glon, glat;
    bd09_to_gcj02(lon, lat, glon, glat);
    gcj02_to_wgs84(glon, glat, out_lon, out_lat);
}

int auto_metric_epsg(double lon, double lat) {
    if (!outside_china(lon, lat) && lon >= 73.5 && lon <= 136.5) {
        // CGCS2000 / 3-degree Gauss-Kruger CM 75E .. CM 135E are EPSG:4534 .. 4554.
        int cm = static_cast<int>(std::lround(lon / 3.0)) * 3;
        cm = std::clamp(cm, 75, 135);
        return 4534 + (cm - 75) / 3;
    }
    int zone = static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1;
    zone = std::clamp(zone, 1, 60);
    return (lat >= 0 ? 32600 : 32700) + zone;
}

// ---------------------------------------------------------------------------------------------

std::string CrsSpec::describe() const {
    switch (datum) {
        case Datum::gcj02: return "GCJ02 (Chinese web-map datum, converted to WGS84)";
        case Datum::bd09: return "BD09 (Baidu datum, converted to WGS84)";
        default: break;
    }
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(definition.c_str()) == OGRERR_NONE) {
        const char* name = srs.GetName();
        const char* auth = srs.GetAuthorityName(nullptr);
        const char* code = srs.GetAuthorityCode(nullptr);
        std::string out = name ? name : definition;
        if (auth && code) out += std::string(" (") + auth + ":" + code + ")";
        return out;
    }
    return definition;
}

CrsSpec CrsSpec::parse(const std::string& text) {
    std::string up;
    for (char c : text)
        if (c != '-' && c != '_' && c != ' ') up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CrsSpec spec;
    if (up == "GCJ02" || up == "GCJ") {
        spec.datum = Datum::gcj02;
        return spec;
    }
    if (up == "BD09" || up == "BD09LL" || up == "BAIDU") {
        spec.datum = Datum::bd09;
        return spec;
    }
    OGRSpatialReference srs;
    if (text.empty() || srs.SetFromUserInput(text.c_str()) != OGRERR_NONE)
        throw base::UserError("unknown CRS '" + text + "' (use EPSG:nnnn, WKT, a PROJ string, GCJ02 or BD09)");
    spec.definition = text;
    return spec;
}

OGRSpatialReference* make_srs(int epsg) {
    auto* srs = new OGRSpatialReference();
    if (epsg == kGcj02Srs || epsg == kBd09Srs) {
        // A geographic CRS on the WGS 84 ellipsoid whose name says what the numbers are.
        const bool gcj = epsg == kGcj02Srs;
        // The names must not mention the GPS datum: GDAL would identify the CRS as EPSG:4326.
        srs->SetGeogCS(gcj ? "GCJ-02 (Chinese web-map coordinates, offset from GPS)" : "BD-09 (Baidu map coordinates, offset from GPS)",
                       gcj ? "GCJ-02 offset (not a geodetic datum)" : "BD-09 offset (not a geodetic datum)",
                       "WGS 84", 6378137.0, 298.257223563);
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        return srs;
    }
    if (srs->importFromEPSG(epsg) != OGRERR_NONE) {
        srs->Release();
        throw base::UserError("unknown EPSG code " + std::to_string(epsg));
    }
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

namespace {

struct SrsRelease {
    void operator()(OGRSpatialReference* s) const { if (s) s->Release(); }
};
using SrsPtr = std::unique_ptr<OGRSpatialReference, SrsRelease>;
struct CtDelete {
    void operator()(OGRCoordinateTransformation* c) const { OGRCoordinateTransformation::DestroyCT(c); }
};
using CtPtr = std::unique_ptr<OGRCoordinateTransformation, CtDelete>;

CtPtr make_ct(OGRSpatialReference* a, OGRSpatialReference* b) {
    CtPtr ct(OGRCreateCoordinateTransformation(a, b));
    if (!ct) throw base::UserError("cannot transform between these CRSs");
    return ct;
}

}  // namespace

// Source -> metric for OGRGeometry::transform(): handles the GCJ02/BD09 pseudo-datums.
class ShiftedDatumCT final : public OGRCoordinateTransformation {
public:
    ShiftedDatumCT(CrsSpec::Datum datum, OGRSpatialReference* wgs84, OGRSpatialReference* metric)
        : datum_(datum), wgs84_(wgs84), metric_(metric), to_metric_(make_ct(wgs84, metric)) {}
    ShiftedDatumCT(CrsSpec::Datum datum, OGRSpatialReference* wgs84, OGRSpatialReference* metric, CtPtr to_metric)
        : datum_(datum), wgs84_(wgs84), metric_(metric), to_metric_(std::move(to_metric)) {}
    const OGRCoordinateTransformation* inner() const { return to_metric_.get(); }
    OGRSpatialReference* GetSourceCS() override { return wgs84_; }
    OGRSpatialReference* GetTargetCS() override { return metric_; }
    int Transform(int n, double* x, double* y, double* z, double* t, int* ok) override {
        for (int i = 0; i < n; ++i) shift_to_wgs84(x[i], y[i]);
        return to_metric_->Transform(n, x, y, z, t, ok);
    }
    OGRCoordinateTransformation* Clone() const override {
        return new ShiftedDatumCT(datum_, wgs84_, metric_);
    }
    OGRCoordinateTransformation* GetInverse() const override { return nullptr; }
    void shift_to_wgs84(double& x, double& y) const {
        if (!std::isfinite(x) || !std::isfinite(y)) return;
        if (datum_ == CrsSpec::Datum::gcj02) gcj02_to_wgs84(x, y, x, y);
        else if (datum_ == CrsSpec::Datum::bd09) bd09_to_wgs84(x, y, x, y);
    }

private:
    CrsSpec::Datum datum_;
    OGRSpatialReference* wgs84_;
    OGRSpatialReference* metric_;
    CtPtr to_metric_;
};

// Creating a transformation looks the CRSs up in proj.db (~50 ms each), so the two that many
// callers never use (to WGS84) are made on first use.
struct Reprojector::Impl {
    CrsSpec spec;
    SrsPtr source, wgs84, metric;
    CtPtr src_to_metric;
    std::unique_ptr<ShiftedDatumCT> shifted;
    std::once_flag src_to_wgs84_once, metric_to_wgs84_once;
    CtPtr src_to_wgs84, metric_to_wgs84;
    OGRCoordinateTransformation* to_wgs84() {
        std::call_once(src_to_wgs84_once, [&] {
            if (!src_to_wgs84) src_to_wgs84 = make_ct(source.get(), wgs84.get());  // a clone may have it
        });
        return src_to_wgs84.get();
    }
    OGRCoordinateTransformation* from_metric_to_wgs84() {
        std::call_once(metric_to_wgs84_once, [&] {
            if (!metric_to_wgs84) metric_to_wgs84 = make_ct(metric.get(), wgs84.get());
        });
        return metric_to_wgs84.get();
    }
};

Reprojector::Reprojector(const CrsSpec& source, int metric_epsg) : impl_(new Impl), metric_epsg_(metric_epsg) {
    impl_->spec = source;
    impl_->wgs84.reset(make_srs(4326));
    impl_->metric.reset(make_srs(metric_epsg));
    if (source.datum == CrsSpec::Datum::ogc) {
        impl_->source.reset(new OGRSpatialReference());
        if (impl_->source->SetFromUserInput(source.definition.c_str()) != OGRERR_NONE)
            throw base::UserError("unknown CRS '" + source.definition + "'");
        impl_->source->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        impl_->src_to_metric = make_ct(impl_->source.get(), impl_->metric.get());
    } else {
        impl_->shifted = std::make_unique<ShiftedDatumCT>(source.datum, impl_->wgs84.get(), impl_->metric.get());
    }
}

Reprojector::Reprojector(const Reprojector& other, CloneTag) : impl_(new Impl), metric_epsg_(other.metric_epsg_) {
    // Cloning copies the PROJ pipelines without the proj.db lookups of the first construction.
    const Impl& o = *other.impl_;
    impl_->spec = o.spec;
    impl_->wgs84.reset(o.wgs84->Clone());
    impl_->metric.reset(o.metric->Clone());
    if (o.source) impl_->source.reset(o.source->Clone());
    if (o.src_to_metric) impl_->src_to_metric.reset(o.src_to_metric->Clone());
    // The lazy ones too, where the original has made them (a clone made after the first
    // to_wgs84 call does no lookup at all).
    if (o.src_to_wgs84) impl_->src_to_wgs84.reset(o.src_to_wgs84->Clone());
    if (o.metric_to_wgs84) impl_->metric_to_wgs84.reset(o.metric_to_wgs84->Clone());
    if (o.shifted)
        impl_->shifted = std::make_unique<ShiftedDatumCT>(o.spec.datum, impl_->wgs84.get(), impl_->metric.get(),
                                                          CtPtr(o.shifted->inner()->Clone()));
}

std::unique_ptr<Reprojector> Reprojector::clone() const { return std::unique_ptr<Reprojector>(new Reprojector(*this, CloneTag{})); }

Reprojector::~Reprojector() = default;

namespace {
// Per-point success flags of a Transform call. Geometry callbacks transform one point at a
// time, so small calls use a buffer on the stack instead of allocating.
class OkFlags {
public:
    explicit OkFlags(std::size_t n) : n_(n) {
        if (n > kSmall) big_.assign(n, 1);
        else std::fill(small_, small_ + n, 1);
    }
    int* data() { return n_ > kSmall ? big_.data() : small_; }
    bool all() {
        const int* p = data();
        return std::all_of(p, p + n_, [](int v) { return v != 0; });
    }

private:
    static constexpr std::size_t kSmall = 16;
    std::size_t n_;
    int small_[kSmall];
    std::vector<int> big_;
};
}  // namespace

bool Reprojector::to_metric(double* x, double* y, std::size_t n) const {
    OkFlags ok(n);
    if (impl_->shifted) impl_->shifted->Transform(static_cast<int>(n), x, y, nullptr, nullptr, ok.data());
    else impl_->src_to_metric->Transform(static_cast<int>(n), x, y, nullptr, nullptr, ok.data());
    return ok.all();
}

bool Reprojector::source_is_wgs84() const {
    return !impl_->shifted && impl_->source && impl_->source->IsSame(impl_->wgs84.get());
}

bool Reprojector::to_wgs84(double* x, double* y, std::size_t n) const {
    if (impl_->shifted) {
        for (std::size_t i = 0; i < n; ++i) impl_->shifted->shift_to_wgs84(x[i], y[i]);
        return true;
    }
    OkFlags ok(n);
    impl_->to_wgs84()->Transform(static_cast<int>(n), x, y, nullptr, nullptr, ok.data());
    return ok.all();
}

bool Reprojector::metric_to_wgs84(double* x, double* y, std::size_t n) const {
    OkFlags ok(n);
    impl_->from_metric_to_wgs84()->Transform(static_cast<int>(n), x, y, nullptr, nullptr, ok.data());
    return ok.all();
}

OGRCoordinateTransformation* Reprojector::ogr_to_metric() const {
    if (impl_->shifted) return impl_->shifted.get();
    return impl_->src_to_metric.get();
}

}  // namespace lc::geo
