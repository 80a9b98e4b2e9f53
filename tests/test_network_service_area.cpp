// Service-area polygons: exact area on a straight street, validity, no leaking across
// unconnected streets, bands.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "geo/geos.hpp"
#include "tests/support/ascii_map.hpp"
#include "network/graph.hpp"
#include "network/service_area.hpp"

using namespace lc::net;
using lc::geo::geos;
using lc::geo::XY;
using lc::net::testing::AsciiMap;

namespace {
bool valid(const GEOSGeometry* g) { return GEOSisValid_r(geos(), g) == 1; }
bool contains(const GEOSGeometry* g, XY p) {
    auto pt = lc::geo::make_point(p.x, p.y);
    return GEOSContains_r(geos(), g, pt.get()) == 1;
}
// Area of a round cap pair at 4 quadrant segments: GEOS approximates the circle by an inscribed
// regular 16-gon, area 8 r^2 sin(pi/8).
double capped_area(double r) { return 8 * r * r * std::sin(std::numbers::pi / 8); }
}  // namespace

TEST_CASE("service_area_polygon: straight street cut at c metres", "[network]") {
    const AsciiMap map("A---B", 250.0);  // 1000 m
    const Graph g = build_graph({map.way("AB")}, BuildOptions{});
    SearchWorkspace ws;
    const double c = 300.0, b = 50.0;
    const auto pieces = reached_pieces(g, Cost::length, {0, 0.0, 0.0}, c, ws);
    REQUIRE(pieces.size() == 1);
    CHECK(pieces[0].to_m == c);
    const auto poly = service_area_polygon(g, pieces, ServiceAreaOptions{b, 4});
    REQUIRE(poly);
    CHECK(valid(poly.get()));
    // The reached 300 geodesic metres are c_planar metres in the metric CRS.
    const double c_planar = c * 1000.0 / g.link_length_m[0];
    const double area = lc::geo::area(poly.get());
    CHECK(area == Approx(2 * b * c_planar + capped_area(b)).epsilon(1e-9));
    CHECK(area == Approx(2 * b * c + std::numbers::pi * b * b).epsilon(0.01));
    CHECK(contains(poly.get(), {c_planar + b - 1, 0}));
    CHECK(!contains(poly.get(), {c_planar + b + 1, 0}));
}

TEST_CASE("service_area_polygon: empty, and no leaking to an unconnected street", "[network]") {
    const AsciiMap map(R"(
A-------B

C-------D
)", 50.0);  // two parallel streets 100 m apart, not connected (a river between them)
    const Graph g = build_graph({map.way("AB"), map.way("CD")}, BuildOptions{});
    SearchWorkspace ws;
    const auto poly = service_area_polygon(g, reached_pieces(g, Cost::length, {0, 10.0, 0.0}, 1000.0, ws),
                                           ServiceAreaOptions{40, 4});
    CHECK(valid(poly.get()));
    CHECK(contains(poly.get(), map.xy('B')));
    CHECK(!contains(poly.get(), map.xy('C')));
    CHECK(!contains(poly.get(), {200, -100}));

    const auto empty = service_area_polygon(g, {}, ServiceAreaOptions{});
    CHECK(GEOSisEmpty_r(geos(), empty.get()) == 1);
    const auto off = service_area_polygons(g, Cost::length, {{kNone, 0, 0}}, 1000.0, ServiceAreaOptions{});
    CHECK(GEOSisEmpty_r(geos(), off[0].get()) == 1);
}

TEST_CASE("service_area_bands: consecutive differences", "[network]") {
    const AsciiMap map("A---B", 250.0);
    const Graph g = build_graph({map.way("AB")}, BuildOptions{});
    SearchWorkspace ws;
    const double b = 20.0, k = 1000.0 / g.link_length_m[0];  // planar metres per geodesic metre
    const auto bands = service_area_bands(g, Cost::length, {0, 500.0, 0.0}, {100, 200, 300}, ServiceAreaOptions{b, 4}, ws);
    REQUIRE(bands.size() == 3);
    // Reached both ways from the middle: 0-100 is 200 m of street; the outer bands add 2 x 100 m.
    CHECK(lc::geo::area(bands[0].get()) == Approx(2 * b * 200 * k + capped_area(b)).epsilon(1e-6));
    CHECK(lc::geo::area(bands[1].get()) == Approx(2 * b * 200 * k).epsilon(1e-6));
    CHECK(lc::geo::area(bands[2].get()) == Approx(2 * b * 200 * k).epsilon(1e-6));
    for (int i = 0; i < 3; ++i) {
        CHECK(valid(bands[i].get()));
        for (int j = i + 1; j < 3; ++j) {
            lc::geo::GeomPtr x(GEOSIntersection_r(geos(), bands[i].get(), bands[j].get()));
            CHECK(lc::geo::area(x.get()) < 1e-6);
        }
    }
    CHECK(contains(bands[0].get(), {500 * k, 0}));
    CHECK(contains(bands[2].get(), {(500 + 250) * k, 0}));
}

TEST_CASE("service_area_polygons: valid on a noded random network, parallel = serial", "[network]") {
    const Graph g = build_graph(lc::net::testing::random_crossing_lines(3, 120, 1000), BuildOptions{Connectivity::noding, 1.0});
    std::vector<Endpoint> src;
    for (uint32_t l = 0; l < g.link_count(); l += uint32_t(g.link_count() / 6)) src.push_back({l, g.link_length_m[l] / 3, 0});
    const ServiceAreaOptions o{30, 4};
    const auto polys = service_area_polygons(g, Cost::length, src, 150.0, o);
    REQUIRE(polys.size() == src.size());
    SearchWorkspace ws;
    for (size_t i = 0; i < src.size(); ++i) {
        CHECK(valid(polys[i].get()));
        const auto one = service_area_polygon(g, reached_pieces(g, Cost::length, src[i], 150.0, ws), o);
        CHECK(lc::geo::area(one.get()) == Approx(lc::geo::area(polys[i].get())).epsilon(1e-12));
        CHECK(lc::geo::area(one.get()) > 0);
        CHECK(contains(one.get(), g.point_along(src[i].link, src[i].along_m)));
    }
}
