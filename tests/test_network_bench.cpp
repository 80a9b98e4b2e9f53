// Benchmarks (hidden: run with  lifecircle_tests "[network_bench]"). They print timings and
// check only plausibility; the design targets are in the comments.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

#include "geo/geos.hpp"
#include "tests/support/ascii_map.hpp"
#include "network/graph.hpp"
#include "network/service_area.hpp"
#include "network/snap.hpp"

using namespace lc::net;
using lc::geo::XY;
using lc::net::testing::AsciiMap;

namespace {
struct Timer {
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    double s() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); }
};

// n x n street grid, `spacing` metres apart, as 2n long lines sharing their crossing vertices.
std::vector<LineInput> street_grid(int n, double spacing) {
    std::vector<LineInput> lines;
    for (int dir = 0; dir < 2; ++dir)
        for (int i = 0; i < n; ++i) {
            LineInput l;
            for (int j = 0; j < n; ++j) {
                const XY p = dir == 0 ? XY{j * spacing, i * spacing} : XY{i * spacing, j * spacing};
                l.xy.push_back(p);
                l.lonlat.push_back(AsciiMap::to_lonlat(p));
            }
            lines.push_back(std::move(l));
        }
    return lines;
}
}  // namespace

TEST_CASE("bench: 1M-node grid, 2,000 facilities, 300,000 homes", "[.][network_bench]") {
    const int n = 1000;
    const double spacing = 80;
    Timer t;
    const Graph g = build_graph(street_grid(n, spacing), BuildOptions{Connectivity::any_vertex, 1.0});
    std::printf("build_graph: %zu nodes, %zu links: %.2f s\n", g.node_count(), g.link_count(), t.s());
    REQUIRE(g.node_count() == size_t(n) * n);
    REQUIRE(g.component_count() == 1);

    std::mt19937 rng(1);
    std::uniform_real_distribution<double> u(0, (n - 1) * spacing);
    std::vector<XY> homes(300000), facilities(2000);
    for (XY& p : homes) p = {u(rng), u(rng)};
    for (XY& p : facilities) p = {u(rng), u(rng)};
    t = Timer{};
    SnapIndex idx(g);
    std::printf("SnapIndex: %.2f s\n", t.s());
    t = Timer{};
    const auto hs = idx.snap_all(homes, SnapOptions{});
    const auto fs = idx.snap_all(facilities, SnapOptions{});
    std::printf("snap_all 302,000 points: %.3f s\n", t.s());
    auto endpoints = [](const std::vector<Snap>& s, double speed_mps) {
        std::vector<Endpoint> e;
        for (const Snap& x : s) e.push_back({x.link, x.along_m, x.dist_m / speed_mps});
        return e;
    };
    const double walk = 4.0 / 3.6;
    const auto H = endpoints(hs, walk), F = endpoints(fs, walk);

    // Target: < 0.2 s on 2 cores.
    SearchWorkspace ws;
    nearest_source(g, Cost::time, F, H, 900.0, ws);  // warm the workspace
    t = Timer{};
    const std::clock_t c0 = std::clock();
    const NearestResult nr = nearest_source(g, Cost::time, F, H, 900.0, ws);
    const double t_nearest = t.s();
    std::printf("nearest_source: %zu nodes settled, cpu %.3f s\n", ws.settled().size(), double(std::clock() - c0) / CLOCKS_PER_SEC);
    size_t covered = 0;
    for (uint32_t s : nr.source) covered += s != kNone;
    std::printf("nearest_source (15 min walk, one workspace): %.3f s, %zu of %zu homes covered\n", t_nearest, covered, H.size());
    t = Timer{};
    const NearestResult np = nearest_source(g, Cost::time, F, H, 900.0);
    std::printf("nearest_source (15 min walk, parallel strips): %.3f s\n", t.s());
    CHECK(np.source == nr.source);
    CHECK(np.cost == nr.cost);
    CHECK(covered > H.size() / 3);

    t = Timer{};
    const auto reach = reach_per_source(g, Cost::time, F, H, 900.0);
    size_t pairs = 0;
    for (const auto& r : reach) pairs += r.size();
    std::printf("reach_per_source: %.3f s, %zu pairs\n", t.s(), pairs);

    // Target: 2,000 polygons in < 20 s on 2 cores.
    for (int quadsegs : {2, 4}) {
        ServiceAreaOptions o;
        o.quadrant_segments = quadsegs;
        const std::vector<Endpoint> some(F.begin(), F.begin() + 100);
        t = Timer{};
        const auto polys = service_area_polygons(g, Cost::time, some, 900.0, o);
        double area = 0;
        for (const auto& p : polys) area += lc::geo::area(p.get());
        std::printf("service areas, quadrant segments %d: %.3f s per 100 (mean area %.2f km2)\n", quadsegs, t.s(), area / 100 / 1e6);
    }
    t = Timer{};
    const auto polys = service_area_polygons(g, Cost::time, F, 900.0, ServiceAreaOptions{});
    std::printf("service areas, 2,000 facilities: %.2f s\n", t.s());
}

TEST_CASE("bench: service area on a dense noded network", "[.][network_bench]") {
    const Graph g = build_graph(lc::net::testing::random_crossing_lines(3, 120, 1000), BuildOptions{Connectivity::noding, 1.0});
    std::printf("noded: %zu nodes %zu links\n", g.node_count(), g.link_count());
    SearchWorkspace ws;
    const auto pieces = reached_pieces(g, Cost::length, {0, 1.0, 0}, 400.0, ws);
    Timer t;
    const auto p = service_area_polygon(g, pieces, ServiceAreaOptions{30, 4});
    std::printf("%zu pieces: %.3f s, area %.0f\n", pieces.size(), t.s(), lc::geo::area(p.get()));
}

TEST_CASE("bench: polygon strategies on a grid", "[.][network_bench_poly]") {
    const Graph g = build_graph(street_grid(200, 80), BuildOptions{Connectivity::any_vertex, 1.0});
    SearchWorkspace ws;
    std::vector<std::vector<LinkPiece>> all;
    for (uint32_t i = 0; i < 20; ++i) all.push_back(reached_pieces(g, Cost::length, {uint32_t(5000 + i * 1500), 10, 0}, 1000, ws));
    using lc::geo::geos;
    using lc::geo::GeomPtr;
    double tb = 0, tu = 0, tp = 0, area = 0;
    size_t np = 0;
    for (const auto& pieces : all) {
        np += pieces.size();
        Timer t;
        std::vector<GEOSGeometry*> parts;
        for (const auto& p : pieces) {
            GeomPtr l = pieces_to_lines(g, {p});
            parts.push_back(GEOSBufferWithStyle_r(geos(), l.get(), 50, 4, GEOSBUF_CAP_ROUND, GEOSBUF_JOIN_ROUND, 5));
        }
        tb += t.s();
        GeomPtr coll(GEOSGeom_createCollection_r(geos(), GEOS_GEOMETRYCOLLECTION, parts.data(), parts.size()));
        t = Timer{};
        GeomPtr u(GEOSUnaryUnion_r(geos(), coll.get()));
        tu += t.s();
        area += lc::geo::area(u.get());
        t = Timer{};
        GeomPtr u2(GEOSUnaryUnionPrec_r(geos(), coll.get(), 0.01));
        tp += t.s();
    }
    std::printf("%zu pieces: buffers %.3f s, union %.3f s, union prec %.3f s, area %.0f\n", np, tb, tu, tp, area);
}

TEST_CASE("bench: polygon on grid via service_area_polygon", "[.][network_bench_poly]") {
    const Graph g = build_graph(street_grid(200, 80), BuildOptions{Connectivity::any_vertex, 1.0});
    SearchWorkspace ws;
    Timer t;
    size_t np = 0;
    double area = 0;
    for (uint32_t i = 0; i < 20; ++i) {
        const auto pieces = reached_pieces(g, Cost::length, {uint32_t(5000 + i * 1500), 10, 0}, 1000, ws);
        np += pieces.size();
        area += lc::geo::area(service_area_polygon(g, pieces, ServiceAreaOptions{}).get());
    }
    std::printf("service_area_polygon: %zu pieces, 20 polygons: %.3f s, area %.0f\n", np, t.s(), area);
}
